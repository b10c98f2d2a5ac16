"""Names inside sentences: a listing element cut at every link or bold phrase in it.

A paragraph that says "a student can reach an <b>after-hours counselor</b> by calling
555-0100, or <b>Campus Police</b> at 555-0199" holds two listings, each named by its
phrase and described by the words that follow it, up to the next phrase. Used when a
profile sets ``listings.phrases`` (version 3); the walk
(:mod:`resource_catalog.pages.reading.walk`) collects the element's text as for any
item, and :func:`split_phrases` cuts it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from bs4 import Tag

from resource_catalog.models import Listing
from resource_catalog.pages.reading.walk import LEADING_TAGS, Frame
from resource_catalog.pages.scoring import is_name
from resource_catalog.pages.text import collapse

__all__ = ["REACHED", "acronym_of", "name_pattern", "one_per_name", "split_phrases"]

#: Links that are a way to reach a listing, never its name.
_CONTACT_LINKS: Final = ("mailto:", "tel:", "sms:")


def split_phrases(
    frames: list[Frame],
    reached: bool = False,
    given: Sequence[str] = (),
    marked: bool = True,
) -> list[Frame]:
    """Each frame cut into one frame per phrase that reads as a name; the text before
    the first phrase (the start of its sentence) is left out, and a frame with no
    such phrase is no listing. With ``reached`` (version 4), the office a sentence
    tells one to call at a number ("call Security on 01227 922355", or "(Crisis Team
    at 01227 922388)") is such a phrase too, bold or not. ``given`` (version 5) are
    names a person gave: each place one stands (as whole words, in any case) is a
    phrase named as given, whose text is its sentence, the words before it included
    ("Call 000 for police"), and when a name is the whole text of its element, the
    elements of that tag whose whole text reads as a name open listings too; ``marked``
    says whether link and bold phrases count."""
    patterns = [(name, p) for name in given if (p := name_pattern(name)) is not None]
    whole = _whole_kinds(frames, patterns)
    # "University Police Department (UPD)" also stands wherever "UPD" does
    patterns += [(n, re.compile(rf"(?<!\w){a}(?!\w)")) for n in given if (a := acronym_of(n))]
    cut: list[Frame] = []
    for frame in frames:
        text = "".join(frame.pieces)
        spots = _spots(frame.tag, text) if marked else []
        named = _given(text, patterns)
        if not named and frame.tag.name in whole and is_name(collapse(text)):
            named = {(0, len(text)): collapse(text)}  # a sibling of a name's own element
        spots = [s for s in spots if not any(s[0] < e and b < s[1] for b, e in named)]
        if reached:
            spots = _with_reached(spots, text)
        spots = sorted(
            [s for s in spots if not any(s[0] < e and b < s[1] for b, e in named)]
            + [(b, e, "") for b, e in named]
        )
        names = [s for s in spots if (s[0], s[1]) in named or _names(text[s[0] : s[1]], s[2])]
        for i, (start, end, href) in enumerate(names):
            stop = names[i + 1][0] if i + 1 < len(names) else len(text)
            anchors = [(href, 0, 1)] if href else []
            anchors += [(h, 1, -1) for s, _, h in spots if end <= s < stop and h]
            name, before = text[start:end], ""
            if (start, end) in named:
                name = named[(start, end)]
                after = names[i - 1][1] if i else 0
                before = _sentence_before(text[after:start])
            cut.append(
                Frame(
                    tag=frame.tag,
                    section=frame.section,
                    pieces=[name, before + text[end:stop]],
                    anchors=anchors,
                    spans={"name": (0, 1)},
                    order=frame.order,
                    lead="none",
                )
            )
    return cut


def one_per_name(listings: list[Listing], given: Sequence[str]) -> list[Listing]:
    """``listings`` with one listing for each ``given`` name that several are named: the
    one with the most phones and places (the record of it; the others mention it), the
    first of those. An empty ``given`` keeps them all."""
    if not given:
        return listings
    best: dict[str, Listing] = {}
    for listing in listings:
        held = best.get(listing.name)
        if held is None or _contacts(listing) > _contacts(held):
            best[listing.name] = listing
    names = set(given)
    return [x for x in listings if x.name not in names or best[x.name] is x]


def _contacts(listing: Listing) -> int:
    return len(listing.phones) + len(listing.locations)


def _whole_kinds(frames: list[Frame], patterns: list[tuple[str, re.Pattern[str]]]) -> set[str]:
    """The tags of elements whose whole text is a given name (a heading that names its
    office): the elements of those tags whose whole text reads as a name are the other
    offices, written the same way."""
    kinds: set[str] = set()
    for frame in frames:
        text = collapse("".join(frame.pieces))
        if any(p.fullmatch(text) for _, p in patterns) and frame.tag.name:
            kinds.add(frame.tag.name)
    return kinds


def acronym_of(name: str) -> str | None:
    """The acronym a name ends with, in parentheses ("International Student Services
    (ISS)": "ISS"), when it is one: two to six capitals (a digit or ``&`` may stand
    among them), none when there is none."""
    match = re.search(r"\(([A-Z][A-Z&\d]{1,5})\)$", name.strip())
    return match[1] if match and name.strip() != match[0] else None


def name_pattern(name: str) -> re.Pattern[str] | None:
    """``name`` as whole words, in any case, with any punctuation or space between them
    (``None`` for a name with no word in it)."""
    words = re.findall(r"\w+", name)
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)


def _given(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> dict[tuple[int, int], str]:
    """(start, end) of each place a given name stands in ``text``, with the name as given
    (the first of two that overlap)."""
    found: dict[tuple[int, int], str] = {}
    for name, pattern in patterns:
        for match in pattern.finditer(text):
            if not any(match.start() < e and s < match.end() for s, e in found):
                found[match.span()] = name
    return found


def _sentence_before(text: str) -> str:
    """The end of ``text`` since its last sentence stop: the words that lead into a name."""
    stops = [m.end() for m in re.finditer(r"[.!?]\s|\n", text)]
    return text[stops[-1] :] if stops else text


def _names(text: str, href: str) -> bool:
    """Whether a phrase (and its link) can name a listing: not a way to reach one."""
    name = collapse(text)
    return not href.casefold().startswith(_CONTACT_LINKS) and "@" not in name and is_name(name)


def _spots(root: Tag, text: str) -> list[tuple[int, int, str]]:
    """(start, end, link) in ``text`` (the element's text as the walk collected it) of
    each outermost link or bold element inside ``root``, in page order; one whose text
    is not found there is left out."""
    spots: list[tuple[int, int, str]] = []
    cursor = 0
    for tag in root.find_all(list(LEADING_TAGS)):
        if _nested(tag, root):
            continue
        own = tag.get_text()
        at = text.find(own, cursor) if own.strip() else -1
        if at < 0:
            continue
        cursor = at + len(own)
        href = str(tag.get("href") or "") if tag.name == "a" else ""
        spots.append((at, cursor, href))
    return spots


#: "call Security on 0141 ...", "contact the Night Line at 555-0100", "(County Crisis
#: Team at 01227 ...)": the office named between an instruction to reach it (or an
#: opening parenthesis) and its phone number.
REACHED: Final = re.compile(
    r"(?:\b(?:call|contact|phone|ring|notify)\s+(?:the\s+)?|\()"
    r"(?P<name>[A-Z][\w&'\u2019+-]*(?:\s+(?:of|and|for|the|&|[A-Z][\w&'\u2019+-]*))*?)"
    r"\s+(?:on|at)\s+(?=\+?\(?\d[\d\s().-]{6,}\d)"
)


def _with_reached(spots: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """``spots`` with the offices named in plain text between an instruction to reach
    them and their number, where no link or bold phrase is, in page order."""
    found = list(spots)
    for match in REACHED.finditer(text):
        start, end = match.span("name")
        if match["name"].isupper():
            continue  # "then call DPS at ...": an office the page has named in full
        if not any(s < end and start < e for s, e, _ in spots):
            found.append((start, end, ""))
    return sorted(found)


def _nested(tag: Tag, root: Tag) -> bool:
    """Whether ``tag`` is inside another link or bold element of ``root``."""
    for parent in tag.parents:
        if parent is root:
            return False
        if parent.name in LEADING_TAGS:
            return True
    return False
