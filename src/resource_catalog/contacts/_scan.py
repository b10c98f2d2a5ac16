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
* :data:`PHONE_CUES`, :data:`PLACE_CUES` and :data:`WEAK_PLACE_CUES` are the only
  list of those cue words (:data:`CUE_RE` finds them in text). "office" and "in" are
  weak: they count only right before the code (``Office: 10-250``, ``in 5-104``),
  since "call the office at 3-1212" is still a phone.
* :func:`claim` is the one overlap rule: candidates come in groups, the most
  specific group first, and a candidate overlapping one already taken is dropped.
* :func:`inside_full_number` tells whether a span lies in something shaped like a whole
  phone number, which the location finder may not read rooms out of (``617-253-1212``
  holds no room ``253-1212``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import TypeVar

__all__ = [
    "CUE_RE",
    "DASHES",
    "PHONE_CUES",
    "PLACE_CUES",
    "WEAK_PLACE_CUES",
    "Reading",
    "claim",
    "code_reading",
    "full_number_spans",
    "inside_full_number",
    "nearest_cue",
    "window_after",
    "window_before",
]

T = TypeVar("T")

#: Every character read as the hyphen of a code: ASCII, U+2010..U+2015, minus sign.
DASHES = "\\-\u2010-\u2015\u2212"
WINDOW = 40  # characters before a code searched for cue words
_NUMBER_REACH = 20  # a whole number is at most this much longer than a code inside it

_SENTENCE_END_RE = re.compile(r"[.!?;](?:\s|$)|\n")
#: The cue words, one list for both finders: what follows them. "room number" and
#: "room no." are place cues; the weak ones count only right before a code.
PLACE_CUES = frozenset({"room", "rm", "building", "bldg", "located", "suite", "ste", "floor"})
PHONE_CUES = frozenset(
    {
        "call", "calls", "called", "calling", "phone", "telephone", "tel", "dial", "dialing",
        "contact", "contacted", "reach", "reached", "hotline", "helpline", "line", "number",
        "ext", "extension", "x", "fax", "tty", "tdd", "text", "texting", "sms", "voice",
    }
)  # fmt: skip
WEAK_PLACE_CUES = frozenset({"office", "in"})


def _words(words: frozenset[str]) -> str:
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))


#: Every cue word in text, as a pattern (built from the sets above).
CUE_RE = re.compile(
    rf"""\b(?:
      (?P<place>room[ \t]+(?:number|no\.?|\#)|{_words(PLACE_CUES)})
      |(?P<phone>{_words(PHONE_CUES)})
      |(?P<weak>{_words(WEAK_PLACE_CUES)})
    )\b""",
    re.I | re.ASCII | re.VERBOSE,
)
# What may stand between a cue word and its code ("Office: 10-250", "in #5-104").
_BETWEEN = " \t:#.,"
_RIGHT_BEFORE_RE = re.compile(r"[ \t:#.,]*\Z")
_RIGHT_BEFORE_REACH = 24  # characters looked at for that word
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


def _cue_right_before(text: str, start: int) -> Reading:
    """What the cue word standing right before ``start`` says (only ``:#.,`` between)."""
    before = text[max(0, start - _RIGHT_BEFORE_REACH) : start].rstrip(_BETWEEN)
    head, _, word = before.rpartition(" ")
    word = word.lstrip("([\"'").lower()
    if not (word.isascii() and word.isalpha()):
        return Reading.NONE
    if word in ("number", "no") and head.rstrip().lower().endswith("room"):
        return Reading.PLACE  # "room number 10-250"
    if word in PHONE_CUES:
        return Reading.PHONE
    if word in PLACE_CUES or word in WEAK_PLACE_CUES:
        return Reading.PLACE
    return Reading.NONE


def code_reading(text: str, start: int, end: int) -> Reading:
    """Who owns the hyphenated code ``text[start:end]``: PHONE or PLACE, never both.

    An extension-shaped code (``3-4948``) could be either: the nearest cue before it
    decides, and with none it is a phone's. A code written as an extension
    (``x3-1212``) is a phone's. Seven digits (``253-7923``) are a local number unless
    a place word stands right before them. Any other code (``10-250``, ``W59-200``)
    cannot be dialled, so it is a place's unless a phone word stands right before it
    ("Fax: 10-250" is a mistake, not a room); "call x3-2811 or stop by W59-200"
    keeps its room.
    """
    if _EXTENSION_MARK_RE.match(text, start):
        return Reading.PHONE  # "x3-1212": written as an extension
    if _LOCAL_SHAPE_RE.fullmatch(text, start, end):
        return Reading.PLACE if _cue_right_before(text, start) is Reading.PLACE else Reading.PHONE
    if not _EXTENSION_SHAPE_RE.fullmatch(text, start, end):
        return Reading.PHONE if _cue_right_before(text, start) is Reading.PHONE else Reading.PLACE
    cue = nearest_cue(text, start)
    return Reading.PHONE if cue is Reading.NONE else cue


def full_number_spans(
    text: str, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int]]:
    """The spans shaped like a whole phone number (not validated), in ``text[start:end]``."""
    for m in _FULL_NUMBER_RE.finditer(text, start, len(text) if end is None else end):
        yield m.start(), m.end()


def inside_full_number(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` overlaps a span shaped like a whole phone number."""
    before = text[max(0, start - 6) : start]
    if not any(c.isdigit() for c in before):
        return False  # a whole number reaches a code only through the digits before it
    near = full_number_spans(text, max(0, start - _NUMBER_REACH), end + _NUMBER_REACH)
    return any(a < end and start < b for a, b in near)


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
