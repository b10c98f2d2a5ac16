"""The one reading of cues and overlaps that :mod:`phones` and :mod:`locations` share.

A campus text is full of hyphenated codes that could be a phone or a room:
``3-4948`` is an MIT extension, ``10-250`` a room, ``3-1044`` either. Both finders
ask this module, so a span of text is never both a phone and a location:

* :func:`code_reading` decides who owns a code. One digit, a hyphen and four digits
  is how a campus writes an extension, and also a room of a tall building: for that
  shape the nearest cue word before it, in the same sentence, decides (``call
  3-1044`` is a phone, ``room 3-1044`` a place), and with no cue it belongs to the
  phone finder (which drops it when the page's campus cannot read it). Any other
  code (``10-250``, ``W59-200``) cannot be dialled: it is a place.
* :data:`CUE_RE` is the only list of those cue words. "office" and "in" are weak:
  they count only right before the code (``Office: 10-250``, ``in 5-104``), since
  "call the office at 3-1212" is still a phone.
* :func:`claim` is the one overlap rule: candidates come in groups, the most
  specific group first, and a candidate overlapping one already taken is dropped.
* :func:`full_number_spans` marks what is shaped like a whole phone number, which the
  location finder may not read rooms out of (``617-253-1212`` holds no room ``253-1212``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import TypeVar

__all__ = [
    "CUE_RE",
    "DASHES",
    "Reading",
    "claim",
    "code_reading",
    "full_number_spans",
    "nearest_cue",
    "window_after",
    "window_before",
]

T = TypeVar("T")

#: Every character read as the hyphen of a code: ASCII, U+2010..U+2015, minus sign.
DASHES = "\\-\u2010-\u2015\u2212"
WINDOW = 40  # characters before a code searched for cue words

_SENTENCE_END_RE = re.compile(r"[.!?;](?:\s|$)|\n")
#: The cue words, one list for both finders: which kind of thing follows them.
CUE_RE = re.compile(
    r"""\b(?:
      (?P<place>room[ \t]+(?:number|no\.?|\#)|room|rm|building|bldg|located|suite|ste|floor)
      |(?P<phone>call(?:s|ed|ing)?|phone|telephone|tel|dial(?:ing)?|contact(?:ed)?|reach(?:ed)?
        |hotline|helpline|line|number|ext|extension|x|fax|tty|tdd|text(?:ing)?|sms|voice)
      |(?P<weak>office|in)
    )\b""",
    re.I | re.ASCII | re.VERBOSE,
)
# What may stand between a weak cue and its code: "Office: 10-250", "in #5-104".
_RIGHT_BEFORE_RE = re.compile(r"[ \t:#.,]*\Z")
_EXTENSION_SHAPE_RE = re.compile(rf"[0-9][{DASHES}][0-9]{{4}}", re.ASCII)
_EXTENSION_MARK_RE = re.compile(r"x[0-9]", re.I | re.ASCII)
_LOCAL_SHAPE_RE = re.compile(rf"[0-9]{{3}}[.{DASHES}][0-9]{{4}}", re.ASCII)
# Shaped like a whole number: NANP (optionally +1, area code in brackets, a slash
# after it) or an international "+CC ..." number. No validation: a mask only.
_FULL_NUMBER_RE = re.compile(
    rf"""(?:\+?1[ .{DASHES}]?)?(?:\([ ]?[0-9]{{3}}[ ]?\)[ .{DASHES}]?|[0-9]{{3}}[ ./{DASHES}])
    [0-9]{{3}}[ .{DASHES}][0-9]{{4}}
    |\+[2-9](?:[ .(){DASHES}]?[0-9]){{6,14}}""",
    re.ASCII | re.VERBOSE,
)


class Reading(Enum):
    """What a cue says follows it."""

    PHONE = "phone"
    PLACE = "place"
    NONE = "none"


def window_before(text: str, start: int, width: int = WINDOW) -> str:
    """Up to ``width`` characters before ``start``, cut at the last sentence end."""
    window = text[max(0, start - width) : start]
    ends = list(_SENTENCE_END_RE.finditer(window))
    return window[ends[-1].end() :] if ends else window


def window_after(text: str, end: int, width: int = WINDOW) -> str:
    """Up to ``width`` characters after ``end``, cut at the first sentence end."""
    window = text[end : end + width]
    stop = _SENTENCE_END_RE.search(window)
    return window[: stop.start()] if stop else window


def nearest_cue(text: str, start: int) -> Reading:
    """What the nearest cue word before ``start`` (same sentence) says follows it."""
    window = window_before(text, start)
    for cue in reversed(list(CUE_RE.finditer(window))):
        if cue["place"] is not None:
            return Reading.PLACE
        if cue["phone"] is not None:
            return Reading.PHONE
        if _RIGHT_BEFORE_RE.match(window, cue.end()):
            return Reading.PLACE  # a weak cue right before the code
    return Reading.NONE


def _cue_right_before(text: str, start: int) -> re.Match[str] | None:
    window = window_before(text, start)
    cues = list(CUE_RE.finditer(window))
    return cues[-1] if cues and _RIGHT_BEFORE_RE.match(window, cues[-1].end()) else None


def _phone_cue_right_before(text: str, start: int) -> bool:
    cue = _cue_right_before(text, start)
    return cue is not None and cue["phone"] is not None


def _place_cue_right_before(text: str, start: int) -> bool:
    cue = _cue_right_before(text, start)
    return cue is not None and cue["phone"] is None


def code_reading(text: str, start: int, end: int) -> Reading:
    """Who owns the hyphenated code ``text[start:end]``: PHONE or PLACE, never both.

    An extension-shaped code (``3-4948``) could be either: the nearest cue before it
    decides, and with none it is a phone's. Seven digits (``253-7923``) are a local
    number unless a place word stands right before them. Any other code (``10-250``, ``W59-200``)
    cannot be dialled, so it is a place's unless a phone word stands right before it
    ("Fax: 10-250" is a mistake, not a room); "call x3-2811 or stop by W59-200"
    keeps its room.
    """
    if _EXTENSION_MARK_RE.match(text, start):
        return Reading.PHONE  # "x3-1212": written as an extension
    if _LOCAL_SHAPE_RE.fullmatch(text, start, end):
        return Reading.PLACE if _place_cue_right_before(text, start) else Reading.PHONE
    if not _EXTENSION_SHAPE_RE.fullmatch(text, start, end):
        return Reading.PHONE if _phone_cue_right_before(text, start) else Reading.PLACE
    cue = nearest_cue(text, start)
    return Reading.PHONE if cue is Reading.NONE else cue


def full_number_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans shaped like a whole phone number (not validated)."""
    for m in _FULL_NUMBER_RE.finditer(text):
        yield m.start(), m.end()


def claim(groups: Iterable[Iterable[tuple[int, int, T]]]) -> list[tuple[int, int, T]]:
    """The one overlap rule: earlier groups win; a candidate overlapping a taken one is dropped.

    Returns the accepted candidates in order of appearance.
    """
    taken = bytearray()
    accepted: list[tuple[int, int, T]] = []
    for group in groups:
        for start, end, value in group:
            if end > len(taken):
                taken.extend(bytes(end - len(taken)))
            if 1 in taken[start:end]:
                continue
            taken[start:end] = b"\x01" * (end - start)
            accepted.append((start, end, value))
    accepted.sort(key=lambda c: c[0])
    return accepted
