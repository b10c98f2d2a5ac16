"""What in a sentence is a way to reach an office, and what a number names after it.

:mod:`resource_catalog.pages.inference.cued` reads the offices a page names in its
sentences by their cues: a phone number the reader reads, a local number written
without its area code (which the reader cannot complete, but a person dials), a
three-digit emergency line, an e-mail or web address written out, or a room. A number
with no office named before it may name its service after it ("Call 000 for police,
fire services or ambulance", "1800 333 732 - our emergency assistance line").
"""

from __future__ import annotations

import re
from typing import Final

from resource_catalog.contacts.phones import find_phones
from resource_catalog.pages.scoring import is_name
from resource_catalog.profile import DialPlan

__all__ = ["EMERGENCY_LINES", "cues", "is_cue", "service_after"]

#: Emergency and health lines dialled as three digits.
_EMERGENCY: Final = frozenset({"000", "911", "999", "111", "112"})
#: The same lines as a regular expression's alternatives.
EMERGENCY_LINES: Final = "|".join(sorted(_EMERGENCY))
#: What a number is for, named after it: "for X" or " - our X", up to the end of the
#: clause.
_FOR: Final = re.compile(
    r"\s*(?:\([^)]*\)\s*)?"
    r"(?:for\s+(?:the\s+|our\s+|your\s+)?|[-\u2013\u2014]\s*(?:our\s+|the\s+)?)"
    r"(?P<name>[^.;:!?()]+?)"
    r"(?=\s*(?:,\s*(?:or|and|if|when|but|then)\b|[.;:!?(]|\s[-\u2013\u2014]\s|$))"
)
#: The words of a service a number reaches.
_SERVICES: Final = frozenset({
    "police", "ambulance", "fire", "security", "advisory", "line", "helpline", "hotline",
    "service", "services", "office", "centre", "center", "desk", "team", "clinic", "lifeline",
    "patrol", "counselling", "counseling", "nurse", "doctor", "emergency",
})  # fmt: skip
#: Local numbers written without an area code, by the countries that write them so.
_LOCAL: Final = (
    (frozenset({"US", "CA"}), re.compile(r"[2-9]\d\d[-.\s]\d{4}")),
    (frozenset({"AU"}), re.compile(r"[2-9]\d{3}\s?\d{4}")),
)
#: A phone number, an e-mail address or a web address written out: the cues.
_CUE: Final = re.compile(
    r"\+?\(?\d[\d\s().-]{5,}\d|[\w.+-]+@[\w-]+\.[\w.]+|\b(?:https?://|www\.)[\w-]+\.\S+"
    r"|\b(?:[Rr]oom|Rm\.?|Suite)\s+[A-Z]?-?\d+[A-Z]?\b|(?<![\w.])(?:"
    + EMERGENCY_LINES
    + r")(?!\w|\.\d)"
)


def cues(sentence: str, region: str, campus: DialPlan | None) -> list[tuple[int, int]]:
    """Where the cues of ``sentence`` stand (a number's opening parenthesis with no
    close is left to the words after it: "1800 333 732 (1800 FED SEC)"; a number that
    opens with one stands inside it: "the Housing Desk (725-4180)")."""
    spans = []
    for m in _CUE.finditer(sentence):
        text, start = m.group(), m.start()
        if text.count("(") > text.count(")"):
            if text.startswith("("):  # a number in parentheses: "the Desk (725-4180)"
                text, start = text[1:], start + 1
            else:
                text = text[: text.rindex("(")].rstrip()
        if text and is_cue(text, region, campus):
            spans.append((start, start + len(text)))
    return spans


def service_after(sentence: str, end: int) -> str | None:
    """The service the number ending at ``end`` of ``sentence`` names after it, if any."""
    named = _FOR.match(sentence, end)
    return named["name"] if named and _service(named["name"]) else None


def _service(name: str) -> bool:
    """Whether the words after a number name what it reaches: a service, not a purpose
    ("for police, fire services or ambulance", not "for more information")."""
    words = set(re.findall(r"[a-z]+", name.casefold()))
    return is_name(name) and len(name.split()) <= 8 and bool(words & _SERVICES)  # noqa: PLR2004


def is_cue(text: str, region: str, campus: DialPlan | None) -> bool:
    """Whether ``text`` is a way to reach an office: an e-mail or web address, a number
    the reader reads, or a local number written without its area code ("call 486-4705"
    on a North American page, "on 9479 2222" on an Australian one), which the reader
    cannot complete but a person dials from the campus."""
    if "@" in text or text.startswith(("http", "www.", "Room", "room", "Rm", "Suite")):
        return True
    if text in _EMERGENCY:
        return True
    if any(p.fullmatch(text.strip()) for r, p in _LOCAL if region in r):
        return True
    return bool(find_phones(text, region=region, campus=campus))
