"""Turn a page's bytes into text: the decoding half of fetching, with no network.

Decoding follows the order browsers use, simplified: a byte-order mark, then the
``charset`` of the ``Content-Type`` header, then a ``<meta charset>`` or
``<meta http-equiv>`` in the first bytes, then UTF-8 if the bytes are valid UTF-8,
then detection. A declared charset is a label looked up in the WHATWG table of text
encodings (:mod:`resource_catalog.pages.fetching.labels`), so a label that names no text
encoding (``rot13``, ``base64``) is ignored like any unknown one. Labels that mean
Latin-1 or ASCII are read as windows-1252, as the HTML standard says, so a page's em
dashes and curly quotes survive.

:mod:`resource_catalog.pages.fetch` uses this for fetched pages and re-exports
:func:`decode_html` and :func:`choose_encoding`; a saved page (``--html``) is decoded
from here directly, so reading one never imports :mod:`requests`. The detector
(:mod:`charset_normalizer`) is imported only when a page declares nothing and is not
UTF-8.
"""

from __future__ import annotations

import codecs
import email.message
import re
from typing import Final

from resource_catalog.pages.fetching.labels import codec_for_label

__all__ = [
    "META_SNIFF_BYTES",
    "choose_encoding",
    "decode_html",
    "decode_with",
    "looks_like_html",
    "parse_content_type",
]

#: How many leading bytes are searched for a ``<meta>`` charset declaration.
META_SNIFF_BYTES: Final = 4096

_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.IGNORECASE)
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Labels the HTML standard decodes as windows-1252 (Python codec names after lookup).
_AS_WINDOWS_1252: Final = frozenset({"latin_1", "iso8859-1", "ascii", "cp1252"})


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Decode a saved or fetched page the way :func:`~resource_catalog.pages.fetch.fetch_page` does.

    ``content_type`` is the HTTP ``Content-Type`` header, when there was one; without
    it the charset comes from a byte-order mark, a ``<meta>`` declaration, or detection.
    """
    return decode_with(data, choose_encoding(data, parse_content_type(content_type)[1]))


def choose_encoding(body: bytes, header_charset: str | None = None) -> str:
    """The Python codec to decode ``body`` with (see the module docstring for the order)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    from_header = codec_for_label(header_charset)
    if from_header:
        return from_header
    match = _META_CHARSET.search(body[:META_SNIFF_BYTES])
    from_meta = codec_for_label(match.group(1).decode("ascii")) if match else None
    if from_meta:
        # A page saved as UTF-16 cannot say so in ASCII-compatible markup.
        return (
            "utf-8" if from_meta.replace("_", "-").startswith(("utf-16", "utf-32")) else from_meta
        )
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    import charset_normalizer  # noqa: PLC0415 (only undeclared, non-UTF-8 pages pay for it)

    best = charset_normalizer.from_bytes(body).best()
    return _detected_codec(best.encoding if best else None) or "cp1252"


def decode_with(body: bytes, encoding: str) -> str:
    """``body`` decoded with ``encoding``; bad bytes become U+FFFD, a leading BOM goes."""
    text = body.decode(encoding, errors="replace")
    return text.removeprefix("\ufeff")


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Media type (lowercase) and charset parameter of a ``Content-Type`` header."""
    if not value or not value.strip():
        return None, None
    message = email.message.Message()
    message["Content-Type"] = value
    return message.get_content_type(), message.get_content_charset()


def looks_like_html(body: bytes) -> bool:
    """True when the first bytes of ``body`` look like an HTML document."""
    head = body[:META_SNIFF_BYTES].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<!--")) or b"<body" in head


def _detected_codec(name: str | None) -> str | None:
    """The codec to use for the detector's guess (a Python codec name), or ``None``.

    Only a text encoding is accepted: ``bytes.decode`` refuses the other codecs
    (``rot13``, ``zlib_codec``) with :class:`LookupError`.
    """
    if not name:
        return None
    try:
        b"a".decode(name, "replace")  # (an empty input skips the check)
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_WINDOWS_1252 else name
