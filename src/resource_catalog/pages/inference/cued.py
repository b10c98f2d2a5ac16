"""Office names a page writes inside its sentences, each with a contact cue of its own.

A small prose page names its offices in running text: "Contact the Housing Operations
Office at 479-968-0376", "call Security on 01227 922355", "the Student Counselling
Centre offers free sessions; call 519-253-3000 ext 4616". No element repeats there, so
the readings of repeated structures miss them; :func:`cued_names` finds them with no
example, as a person would: in each sentence of the content, the office named nearest
before each phone, e-mail or web address (a link or bold phrase, the office a sentence
says to call, or a run of capitalised words that is not the building a room is in); a
sentence that gives a cue and names no office gives it to the link or bold phrase of
an earlier sentence of its block. A capitalised phrase with no cue of its own (a topic
heading, "Residence Hall Staffing Pattern") is no office. Two or more offices, each
with its own cue (:mod:`resource_catalog.pages.inference.cues`), are a page's
listings (:attr:`Cued.enough`), however much other prose stands around them; an
acronym given a number is the office the page defines it for. The names then seed the
readings of :mod:`resource_catalog.pages.inference.anchors` (``listings.names``), which
the scorer weighs as any other reading.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Final

from bs4 import Tag

from resource_catalog.contacts.fold import fold
from resource_catalog.models import Listing
from resource_catalog.pages.inference.cues import EMERGENCY_LINES, cues, service_after
from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.pages.reading.phrases import REACHED, acronym_of, name_pattern
from resource_catalog.pages.scoring import is_name
from resource_catalog.profile import DialPlan

__all__ = ["Cued", "cued_names", "names_topics", "reads_offices"]

#: The blocks whose sentences are read.
_BLOCKS: Final = ("p", "li", "td", "dd", "div")
#: Blocks longer than this are not prose about a few offices.
_MAX_TEXT: Final = 2000
#: A page whose prose blocks name an office with its cue this often is about them.
_ABOUT: Final = 0.5
#: At most this many names: a page with more is a listing of another kind.
_MAX_NAMES: Final = 12
#: Class words of a story's publication date ("entry-date", "date-display", "posted-on").
_DATED: Final = frozenset({"date", "dateline", "pubdate", "published", "posted"})
#: The words that send one to an office, just before its linked name.
_TO_REACH: Final = re.compile(
    r"\b(?:contact|go to|get in touch with|reach out to|reach|visit|speak to|talk to|call"
    r"|e-?mail|write to|report (?:it |this |them )?to|turn to)\s+(?:the\s+|our\s+|your\s+)?"
    r"(?:office of\s+(?:the\s+)?)?$",
    re.IGNORECASE,
)
#: The last words of a linked phrase that names an office by itself.
_OFFICE_WORDS: Final = frozenset({
    "Service", "Services", "Office", "Centre", "Center", "Team", "Helpline", "Line", "Desk",
    "Clinic", "Police", "Security", "Unit", "Programme", "Program", "Hotline", "Lifeline",
})  # fmt: skip
#: What joins a second office to one a sentence sends one to.
_JOINED: Final = re.compile(
    r"[\s,]*(?:or|and)\s+(?:with\s+|to\s+)?(?:the\s+)?(?:office of\s+(?:the\s+)?)?",
    re.IGNORECASE,
)
#: Words before a capitalised run that make it a role anyone may hold ("a Resolution
#: Officer", "any Resident Assistant"), not an office.
_ROLE: Final = re.compile(r"\b(?:a|an|any|each|every|one of our)\s+$", re.IGNORECASE)
#: A year of a date.
_YEAR: Final = re.compile(r"\b(?:19|20)\d\d\b")
_SENTENCE: Final = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(])|\n")
_WORD: Final = r"[A-Z][\w&'\u2019-]*"
#: A run of capitalised words, with the small words names keep inside them.
_TITLED: Final = re.compile(rf"{_WORD}(?:\s+(?:of|and|for|the|&|{_WORD}))*")
#: Words a sentence starts with that open no name ("Contact the ...", "Our ...").
_OPENERS: Final = frozenset({
    "a", "after", "an", "and", "at", "before", "by", "call", "contact", "during", "e-mail",
    "email", "for", "from", "hours", "if", "in", "on", "or", "our", "phone", "please",
    "reach", "ring", "see", "text", "the", "their", "this", "to", "until", "visit", "we",
    "you", "your",
})  # fmt: skip
#: Last words of what stands before a number and is no office: a time, a building or
#: an address.
_NOT_LAST: Final = frozenset({
    "after", "hours", "road", "rd", "street", "st", "avenue", "ave", "drive", "lane", "way",
    "hall", "house", "building", "tower", "wing", "floor", "court", "campus",
})  # fmt: skip
_SMALL: Final = frozenset({"of", "and", "for", "the", "&"})
#: What follows "on"/"at" when a number comes next: a written number or an emergency line.
_AT_NUMBER: Final = r"(?=\+?\(?\d[\d\s().-]{5,}\d|(?:" + EMERGENCY_LINES + r")\b)"
#: "calling Security on ...", "dial our Night Line at ...": the office a sentence says
#: to reach at a number, by any form of the verb (a single word is enough here).
_REACHED: Final = re.compile(
    r"\b(?:call(?:ing)?|contact(?:ing)?|phon(?:e|ing)|ring(?:ing)?|dial(?:l?ing)?|notify"
    r"|reach(?:ing)?)\s+(?:the\s+|our\s+|your\s+)?"
    r"(?P<name>[A-Z][\w&'\u2019+-]*(?:\s+(?:of|and|for|the|&|[A-Z][\w&'\u2019+-]*))*?)"
    r"\s+(?:on|at)\s+" + _AT_NUMBER
)
#: "call campus police at 911": an office written in lower case, reached at a number,
#: of two or three words that end on what offices are called.
_REACHED_LOWER: Final = re.compile(
    r"\b(?:call(?:ing)?|contact(?:ing)?|phon(?:e|ing)|ring(?:ing)?|dial(?:l?ing)?)\s+(?:the\s+)?"
    r"(?P<name>[a-z][a-z-]+\s+(?:[a-z][a-z-]+\s+)?(?:police|security|office|centre|center"
    r"|service|services|desk|team|helpline|clinic|practice))"
    r"\s+(?:on|at)\s+" + _AT_NUMBER
)
#: What stands before a building or a room's place, not an office: "in room 208 of the
#: ...", "located in the ...".
_PLACED: Final = re.compile(
    r"(?:\b(?:rooms?|suite|floor|level)\s+[\w.-]+\s+(?:of|in|at)|\b(?:located|housed|based)"
    r"\s+(?:in|at|on)|\bin)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cued:
    """The offices a page names in its sentences, and the share of its prose blocks
    (paragraphs, items, cells) that name one: a page about them, or a story that
    mentions a few in passing."""

    names: list[str]
    share: float
    blocks: list[Tag] = field(default_factory=list)  # where each name has its cue
    story: bool = False  # a dated story whose title names none of the offices

    @property
    def about_them(self) -> bool:
        """Whether most of the page's prose names an office with its cue."""
        return bool(self.names) and self.share >= _ABOUT

    @property
    def enough(self) -> frozenset[str]:
        """The offices (folded) when they make a page of their own: two or more, each
        with its own cue in its sentence, are a small prose page's listings, however
        much other prose stands around them (empty: they do not)."""
        if len(self.names) < 2 or (self.story and not self.about_them):  # noqa: PLR2004
            return frozenset()
        return frozenset(fold(n) for n in self.names)


def cued_names(tree: PageTree, region: str, campus: DialPlan | None) -> Cued:
    """The office names of the page's content that carry their own contact cue (a
    number read in ``region`` and ``campus``, a local or emergency number, an e-mail or
    web address, a room or the office's link), in page order, each once (none when
    fewer than two or more than a dozen are found)."""
    names: dict[str, tuple[str, Tag]] = {}
    blocks = _blocks(tree)
    full = _acronyms(" ".join(tree.text(b) for b in blocks))
    cued = 0
    for block in blocks:
        text = tree.text(block)
        found = _named_in_block(text, _marked(block), region, campus, _linked(block), full)
        cued += bool(found)
        for name in (full.get(n, n) for n in found):  # "call UPD at ...": named in full
            names.setdefault(fold(name), (name, block))
    kept = list(names.values()) if 2 <= len(names) <= _MAX_NAMES else []  # noqa: PLR2004
    share = cued / len(blocks) if blocks else 0.0
    story = _dated(tree) and not _titled(tree, [n for n, _ in kept])
    return Cued([n for n, _ in kept], share, [b for _, b in kept], story)


def _acronyms(text: str) -> dict[str, str]:
    """The acronyms ``text`` defines, each with the name it stands for, the acronym kept
    ("University Police Department (UPD)"): the capitalised words before it in
    parentheses whose initials spell it (small words and the words before left out)."""
    found: dict[str, str] = {}
    for match in re.finditer(rf"({_TITLED.pattern})\s*\(([A-Z][A-Z&]{{1,5}})\)", text):
        words, acronym = match[1].split(), match[2]
        for start in range(len(words)):
            initials = "".join(w[0] for w in words[start:] if w.casefold() not in _SMALL)
            if (
                initials.upper() == acronym.replace("&", "")
                and words[start].casefold() not in _SMALL
            ):
                found.setdefault(acronym, f"{' '.join(words[start:])} ({acronym})")
                break
    return found


def _dated(tree: PageTree) -> bool:
    """Whether the page's content is a dated story (news, a post): it carries a
    publication date, a ``<time>`` element or an element classed as a date with a year."""
    for tag in tree.body.find_all(name=True):
        if tag.find_parent("aside") or any(id(t) in tree.builtin for t in (tag, *tag.parents)):
            continue  # a sidebar's or a footer's dates are other pages' (a byline is not)
        classes = " ".join(str(c) for c in tag.get_attribute_list("class") if c).casefold()
        dated = _DATED.intersection(re.split(r"[\s_-]+", classes))
        if tag.name == "time" or (dated and _YEAR.search(tag.get_text())):
            return True
    return False


def _titled(tree: PageTree, names: list[str]) -> bool:
    """Whether the page's title or its top heading names one of ``names``: a page about them."""
    heads = [tree.soup.find("title"), *tree.body.find_all("h1")]
    text = " ".join(h.get_text(" ") for h in heads if isinstance(h, Tag))
    return any(p.search(text) for n in names if (p := name_pattern(n)) is not None)


def reads_offices(names: Sequence[str], offices: frozenset[str]) -> bool:
    """Whether a reading listing ``names`` reads only ``offices`` (:attr:`Cued.enough`)."""
    return bool(offices) and all(fold(n) in offices for n in names)


def names_topics(listings: Sequence[Listing], offices: Cued) -> bool:
    """Whether most of ``listings`` are named by something else than the office whose
    number their text gives: a topic heading ("Money Worries") over "talk to the Student
    Funding Office on ...", or the sentence around the office's name, not the office."""
    own = {fold(n) for n in offices.names}
    patterns = [p for n in offices.names if (p := name_pattern(n)) is not None]
    patterns += [re.compile(rf"(?<!\w){a}(?!\w)") for n in offices.names if (a := acronym_of(n))]
    topics = sum(
        1
        for x in listings
        if fold(x.name) not in own
        and any(p.search(x.description) or p.search(x.name) for p in patterns)
    )
    return bool(listings) and topics * 2 > len(listings)


def _blocks(tree: PageTree) -> list[Tag]:
    """The innermost prose blocks outside the chrome."""
    found: list[Tag] = []
    for tag in tree.body.find_all(_BLOCKS):
        size = tree.size(tag)
        if not size or size > _MAX_TEXT or tree.is_chrome(tag) or tag.find(_BLOCKS):
            continue
        if any(id(t) in tree.builtin for t in (tag, *tag.parents)):
            continue
        found.append(tag)
    return found


def _marked(block: Tag) -> list[str]:
    """The texts of the link and bold phrases of ``block`` that are no way to reach one."""
    texts = []
    for tag in block.find_all(["a", "b", "strong"]):
        href = str(tag.get("href") or "").casefold()
        text = " ".join(tag.get_text().split())
        if text and not href.startswith(("mailto:", "tel:", "sms:")) and "@" not in text:
            texts.append(text)
    return texts


def _named_in_block(
    text: str,
    marked: list[str],
    region: str,
    campus: DialPlan | None,
    linked: Sequence[str] = (),
    acronyms: Collection[str] = (),
) -> list[str]:
    """The names of ``text`` (a block) that carry a cue (:func:`_named_in`), sentence by
    sentence; a sentence that gives a cue and names nothing gives it to the link or bold
    phrase of an earlier sentence of the block that has none yet ("The <b>Peer Support
    Centre</b> is open at noon. You will find it in room 208, 519-555-0100."). A
    ``linked`` phrase the sentence tells one to reach ("contact the <a>Security
    team</a>", "go to <a>Security</a>") is an office too: its link is its cue."""
    names: list[str] = []
    waiting: list[str] = []  # marked phrases of earlier sentences, no cue given yet
    for sentence in _SENTENCE.split(text):
        found = _named_in(sentence, marked, region, campus, acronyms)
        if not found and waiting and cues(sentence, region, campus):
            found = [waiting[-1]]
        found += [t for t in _reached_links(sentence, linked) if t not in found]
        names += sorted(found, key=sentence.find)
        held = {fold(n) for n in names}
        phrases = [m for m in marked if m in sentence and _office(m)]
        waiting = [m for m in [*waiting, *phrases] if fold(m) not in held]
    return names


def _linked(block: Tag) -> list[str]:
    """The texts of the links of ``block`` to other pages (no anchor on this page, no
    address or number)."""
    texts = []
    for tag in block.find_all("a", href=True):
        href = str(tag.get("href") or "").strip().casefold()
        text = " ".join(tag.get_text().split())
        if text and href and not href.startswith(("#", "mailto:", "tel:", "sms:", "javascript:")):
            texts.append(text)
    return texts


def _reached_links(sentence: str, linked: Sequence[str]) -> list[str]:
    """The linked phrases of ``sentence`` that it tells one to reach, in order, those
    joined to one by "or" or "and" ("get in touch with the <a>X</a> or with the office
    of <a>Y</a>"), and those named as offices are ("the <a>Advice Service</a>") inside
    a sentence (not alone in a menu's item): their link is their cue."""
    found: list[str] = []
    last = -1  # where the last phrase one is told to reach ends
    for text in sorted(linked, key=sentence.find):
        at = sentence.find(text)
        if at < 0 or not _office(text):
            continue
        joined = last >= 0 and _JOINED.fullmatch(sentence[last:at])
        # "such as the <a>Counselling Service</a>": a link inside a sentence, not a menu's
        titled = text.rsplit(maxsplit=1)[-1] in _OFFICE_WORDS and len(sentence.split()) > 2 * len(
            text.split()
        )
        if joined or titled or _TO_REACH.search(sentence[:at]):
            found.append(text)
            last = at + len(text)
    return found


def _named_in(
    sentence: str,
    marked: list[str],
    region: str,
    campus: DialPlan | None,
    acronyms: Collection[str] = (),
) -> list[str]:
    """The name nearest before each cue of ``sentence`` (none for a cue with no name
    since the last one): the office it says to call at the number before any other, then
    a link or bold phrase (a label over the sentence too), then a capitalised run (a
    room or a building may stand between). A number with no name before it may name
    its service after it: "Call 000 for police or ambulance", "1800 333 732 - our
    emergency assistance line"."""
    found = cues(sentence, region, campus)
    if not found:
        return []
    spans = _spans(sentence, marked, acronyms)
    names: list[str] = []
    after = 0
    for cue, cue_end in found:
        before = [s for s in spans if after <= s[0] and s[1] <= cue]
        if before:
            start, end, _ = max(before, key=lambda s: (-s[2], s[0], s[1] - s[0]))
            names.append(sentence[start:end])
            after = end
        elif (service := service_after(sentence, cue_end)) is not None:
            names.append(service)
            after = sentence.index(service, cue_end) + len(service)
    return names


def _spans(
    sentence: str, marked: list[str], acronyms: Collection[str] = ()
) -> list[tuple[int, int, int]]:
    """Where a name may stand in ``sentence``, with its rank (0 first): the office it
    says to call at a number, a link or bold phrase or one of the page's ``acronyms``,
    or a run of two or more capitalised words (less the words that open it)."""
    spans: list[tuple[int, int, int]] = []
    for text in marked:
        at = sentence.find(text)
        if at >= 0 and _office(text):
            spans.append((at, at + len(text), 1))
    spans += [
        (*m.span("name"), 0)
        for pattern in (REACHED, _REACHED, _REACHED_LOWER)
        for m in pattern.finditer(sentence)
        if not m["name"].isupper() and _office(m["name"])
    ]
    for acronym in acronyms:  # "call UPD at ...", not the "(UPD)" that defines it
        for m in re.finditer(rf"(?<![\w(]){re.escape(acronym)}(?![\w)])", sentence):
            spans.append((*m.span(), 1))
    for match in _TITLED.finditer(sentence):
        span = _trimmed(sentence, *match.span())
        if span is not None and not _PLACED.search(sentence[: span[0]]):
            spans.append((*span, 2))
    return spans


def _trimmed(sentence: str, start: int, end: int) -> tuple[int, int] | None:
    """A capitalised run without the words that open a sentence or end on a small word,
    when two or more capitalised words are left."""
    words = list(re.finditer(r"\S+", sentence[start:end]))
    while words and words[0].group().casefold() in _OPENERS | _SMALL:
        words.pop(0)
    while words and (words[-1].group() in _SMALL or words[-1].group().casefold() in _OPENERS):
        words.pop()  # "... Mental Health Services Call 931-...": the verb is the next line's
    if sum(1 for w in words if w.group()[:1].isupper()) < 2:  # noqa: PLR2004
        return None
    span = (start + words[0].start(), start + words[-1].end())
    if _ROLE.search(sentence[: span[0]]):
        return None  # "reach a Resolution Officer": anyone in a role, not an office
    return span if _office(sentence[span[0] : span[1]]) else None


def _office(name: str) -> bool:
    """Whether ``name`` can name an office: a name, not a label ("Cambridge:"), and not
    a time or an address ("After Hours", "Marton Road", "Canada K1S")."""
    last = name.rsplit(maxsplit=1)[-1].casefold().strip(".") if name.split() else ""
    return (
        is_name(name)
        and not name.endswith(":")
        and last not in _NOT_LAST
        and not re.search(r"\d", name)
    )
