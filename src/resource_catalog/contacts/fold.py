"""Text folding shared by every comparison of names and headings: one rule, one place."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "normalize_text", "slugify"]

_AMP = re.compile(r"\s*&\s*|\s+\+\s+")
_PUNCT = re.compile(r"[^\w\s]+")


def normalize_text(text: str) -> str:
    """``text`` with runs of whitespace collapsed and the ends stripped."""
    return " ".join(text.split())


def fold(text: str) -> str:
    """How a reader compares two labels: case, spacing, ``&``/"and" and punctuation aside.

    ``"Support & Resources"``, ``"support and resources"`` and ``"Support and
    Resources:"`` fold alike; so do compatibility forms of letters (NFKC).
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _AMP.sub(" and ", text)
    return " ".join(_PUNCT.sub(" ", text).split())


def slugify(text: str, max_length: int = 60) -> str:
    """An id from free text: ``"Student Support Services (S3)"`` -> ``student-support-services-s3``.

    Letters are reduced to ASCII; text without letters or digits becomes ``listing``.
    The slug is cut at a word boundary to ``max_length`` characters.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        head = slug[:max_length]
        slug = head.rsplit("-", 1)[0] if "-" in head else head
    return slug or "listing"
