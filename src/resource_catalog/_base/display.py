"""Text from pages and catalogs made safe and short for people: one rule for every report."""

from __future__ import annotations

import re

__all__ = ["MAX_VALUE", "printable", "quoted", "shorten"]

#: Longest value shown in a text, markdown or html report (the JSON keeps it whole).
MAX_VALUE = 300
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``ESC`` -> ``\\x1b``)."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shorten(text: str, limit: int = MAX_VALUE) -> str:
    """``text`` printable and at most about ``limit`` characters, saying what was cut."""
    text = printable(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters; the JSON report has them all)"


def quoted(text: str, limit: int = 80) -> str:
    """``repr(text)`` for an error line, cut after ``limit`` characters (an id or a URL
    given on the command line may be megabytes long)."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"
