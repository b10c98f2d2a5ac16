"""How good a reading of a page looks: the signals profile inference weighs.

A reading of a resource page lists several things with names (short, title-case, not
sentences, not "Home" or "Search"), most of which carry a phone, a room or a link, and
it accounts for the phones of the main content. A reading of the wrong structure
(a list of links, the category labels of a nested list, the lines of a news story, an
events listing) misses on one or more of these. :func:`score_reading` turns them into
one number in [0, 1] and keeps each signal for the reasons shown to the person.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from resource_catalog.contacts.fold import fold
from resource_catalog.models import Listing

__all__ = [
    "CHROME_NAMES",
    "FIELD_LABELS",
    "Signals",
    "distinct_places",
    "has_contact",
    "is_name",
    "name_quality",
    "numbers_in",
    "score_reading",
]

#: Names that are page chrome, never a resource (folded).
CHROME_NAMES: Final = frozenset(
    {
        "home", "menu", "main menu", "search", "contact", "contact us", "about", "about us",
        "login", "log in", "sign in", "skip to content", "skip to main content",
        "back to top", "top", "read more", "learn more", "more", "next", "previous", "prev",
        "share", "print", "email", "facebook", "twitter", "x", "instagram", "linkedin",
        "youtube", "tiktok", "privacy", "privacy policy", "accessibility", "sitemap",
        "site map", "give", "give now", "donate", "apply", "apply now", "news",
        "latest news", "events", "calendar", "quick links", "related links", "follow us",
        "directory", "careers", "jobs", "visit", "subscribe", "close", "open", "toggle",
    }
)  # fmt: skip
#: Words that label a field or join lines, never a listing's name (folded).
FIELD_LABELS: Final = frozenset(
    {
        "phone", "telephone", "tel", "fax", "email", "e mail", "web", "website", "address",
        "location", "hours", "opening hours", "note", "notes", "or", "and", "click here",
        "here", "call", "text", "mobile", "online", "in person", "contact details",
    }
)  # fmt: skip
_SMALL_WORDS: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "via",
        "with",
        "vs",
        "nor",
        "but",
    ]
)
_MONTH: Final = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
)
_DATE: Final = re.compile(
    rf"\b{_MONTH}|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b", re.I
)
#: Characters that start a link around the site ("» More news", "← Back"), never a name.
_ARROWS: Final = ("\u00bb", "\u00ab", "\u2190", "\u2192", "\u2039", "\u203a", "<", ">")
_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b\w+ at [\w-]+\.(?:edu|org|com|ac\.uk)\b")
#: A phone number in any country's format: 7 to 15 digits with the usual separators.
_PHONEISH: Final = re.compile(r"(?<![\w-])\+?\(?\d[\d\s().\u2011-]{5,18}\d(?![\w-])")
#: A place written as a room or a numbered building ("Room 12B", "3rd Floor",
#: "221 Schuster Center"): a contact cue as much as a phone, whatever the campus.
_PLACE: Final = re.compile(
    r"\b(?:Room|Rm\.?|Suite|Level)\s+[0-9][\w.-]*"
    r"|\b\d{1,2}(?:st|nd|rd|th)\s+[Ff]loor\b"
    r"|\b\d{1,4}[A-Z]?\s+(?:[A-Z][\w\u2019'&.-]*\s+){1,3}"
    r"(?:Hall|Building|Center|Centre|House|Library|Tower|Annex|Union)\b"
)
#: A person named by an honorific ("Ms. Norman"): who to see, not the resource itself.
_PERSON: Final = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+[A-Z]")
_SENTENCE_END: Final = re.compile(r"[.!?]$")
#: A number to dial, alone or after the words that say to dial it ("Call 911",
#: "First dial 999", "Ext 3333"): how to reach someone, never whom.
_DIAL: Final = re.compile(
    r"(?:(?:first|then|also|now|please|or|and),?\s+)?"
    r"(?:(?:call|dial|phone|ring|text|tel)\.?\s+)?(?:(?:ext|extension|x)\.?\s*)?"
    r"\+?[\d][\d\s().\u2011-]*",
    re.I,
)
_MAX_NAME_WORDS: Final = 12
#: The words of a time or a period ("Monday to Friday", "Fall/Winter Terms", "9:00 A.M.
#: - 4:00 P.M."): a line of opening hours, never an office's name.
_TIME_WORDS: Final = frozenset(
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "weekday", "weekdays", "weekend", "weekends", "daily", "january", "february",
        "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "spring", "summer", "fall", "autumn", "winter", "term",
        "terms", "semester", "semesters", "session", "sessions", "intersession",
        "intersessions", "holiday", "holidays", "hours", "noon", "midnight", "am", "pm",
        "a", "m", "p", "to", "through", "and", "until", "from", "closed", "open", "during",
        "outside", "of", "after", "before", "business", "daytime", "evening",
        "evenings", "night", "nights", "overnight", "normal", "regular", "at", "available",
        "anytime", "every", "day", "days", "hour", "around", "clock", "urgent", "non",
    }
)  # fmt: skip
#: Words enough for a name in sentence case ("Community legal services").
_SENTENCE_CASE_WORDS: Final = 4
#: The words a service's name ends with.
_OFFICE_NOUNS: Final = frozenset(
    {
        "service", "services", "office", "centre", "center", "team", "unit", "line",
        "helpline", "hotline", "clinic", "desk", "counselling", "counseling", "support",
        "advice", "advisers", "advisors", "security", "police", "library", "chaplaincy",
        "hub", "network", "programme", "program",
    }
)  # fmt: skip
#: Words of an instruction or a sentence, never of a name in sentence case.
_NOT_IN_NAMES: Final = frozenset(
    {
        "your", "you", "my", "our", "we", "us", "it", "its", "this", "that", "these", "those",
        "a", "an", "the", "is", "are", "be", "not", "no", "if", "what", "how", "when", "who",
        "here", "there", "more", "all", "any", "some", "to",
    }
)  # fmt: skip
_MAX_NAME_CHARS: Final = 90
#: Link text that says where a link goes or what to do, never whose it is: an
#: instruction before an article ("Visit the housing website", "Read our guide"),
#: generic link words ("information here", "more information"), a document ("Guide
#: (PDF 2MB)"), or a clause with a pronoun for its subject ("You can reach us ...").
_LINK_TEXT: Final = re.compile(
    r"^(?:(?:visit|read|see|view|download|find|learn|check|go|click|follow|explore|watch)"
    r"\s+(?:the|our|your|a|an|this|these|more|out|up|to|on|here)\b"
    r"|(?:(?:more|further|full)\s+)?(?:information|info|details)(?:\s+here)?$"
    r"|(?:\w+\s+){0,3}here$"
    r"|.*\((?:pdf|docx?|xlsx?)\b)"
    r"|(?-i:(?:You|We|They|I|It|He|She)\s+[a-z])",
    re.I,
)
#: What a link is worth as a contact cue, against a phone, room or e-mail address: a
#: resource named by the link to its site is reachable, if less plainly.
_LINK_WORTH: Final = 0.5
#: A listing with this many phones lists several offices: it is a section.
CROWDED: Final = 3
#: Listings enough for a reading to stand on its own.
ENOUGH: Final = 4
#: Characters of description that say what a listing does (one without contacts, or
#: one reached only through its link, is a resource when it says this much).
DESCRIBED: Final = 20
#: Digits of a short emergency number, which coverage leaves out.
_EMERGENCY_DIGITS: Final = 3


@dataclass(frozen=True)
class Signals:
    """What a reading shows, each in [0, 1] (``count`` is the number of listings)."""

    count: int
    names: float  # mean name-likeness
    distinct: float  # share of distinct names
    contact: float  # share of listings with a phone, room or e-mail address
    linked: float  # share of listings with a link or a contact
    coverage: float  # share of the content's phones the listings hold
    dated: float  # share of listings that give a date or two (events, news)
    crowded: float  # share of listings with many phones (a section, not one office)
    score: float


def name_quality(name: str) -> float:
    """How much ``name`` looks like the name of an office or service, in [0, 1]."""
    name = name.strip()
    if not name or not re.search(r"[^\W\d_]", name):
        return 0.0
    folded = fold(name)
    if folded in CHROME_NAMES:
        return 0.0
    words = name.split()
    if len(words) > _MAX_NAME_WORDS or len(name) > _MAX_NAME_CHARS:
        return 0.1
    quality = _shape(name)
    long_words = [w for w in words if w.lower().strip("()") not in _SMALL_WORDS]
    if long_words:
        capital = sum(1 for w in long_words if w[:1].isupper() or w[:1].isdigit() or w[:2] == "(S")
        share = capital / len(long_words)
        if not words[0][:1].isupper() and not words[0][:1].isdigit():
            quality *= 0.5
        if _sentence_case(words):
            share = (1 + share) / 2  # "University counselling service": a name, in UK style
        quality *= 0.55 + 0.45 * share
    if len(words) > 8:  # noqa: PLR2004
        quality *= 0.7
    return quality


def _shape(name: str) -> float:
    """The factor for what ``name`` looks like besides a name: a sentence, a lead-in,
    a number, a person, a time, or link text ("Visit the UniStays website": where a
    link goes, not whose it is)."""
    factors = (
        (_SENTENCE_END.search(name) and not re.search(r"\b[A-Z][a-z]{0,3}\.$", name), 0.3),
        (name.endswith((":", "-", "\u2013", "\u2014", ",")), 0.5),
        (re.match(r"[\d(+]", name) and re.search(r"\d{3}", name), 0.2),  # a phone or a room
        (_PERSON.match(name), 0.5),
        (_is_time(name), 0.3),
        (_LINK_TEXT.match(name), 0.2),
    )
    quality = 1.0
    for applies, factor in factors:
        if applies:
            quality *= factor
    return quality


def _is_time(name: str) -> bool:
    """Whether ``name`` says only when ("Monday to Friday 9:00 A.M. - 4:00 P.M.",
    "Spring/Summer Intersessions"): every word a day, a month, a season or a time."""
    words = re.findall(r"[^\W\d_]+", name.casefold())
    return bool(words) and all(w in _TIME_WORDS for w in words)


def _sentence_case(words: Sequence[str]) -> bool:
    """A short name written in sentence case, as British and Australian sites write
    names: a capital first word, then nouns in lower case, ending in a word that names
    a service ("Community legal services", "Telephone counselling"), with no pronoun,
    article or determiner that would make it an instruction."""
    return (
        2 <= len(words) <= _SENTENCE_CASE_WORDS  # noqa: PLR2004
        and words[0][:1].isupper()
        and words[0].isalpha()
        and not any(w.casefold() in _NOT_IN_NAMES for w in words)
        and all(w.isalpha() for w in words)
        and words[-1].casefold() in _OFFICE_NOUNS
    )


def is_name(name: str) -> bool:
    """Whether ``name`` can name a listing at all: some letters, not a sentence, not a
    question, not page chrome or a field label, not a phone number."""
    name = name.strip()
    folded = fold(name)
    if not folded or folded in FIELD_LABELS or folded in CHROME_NAMES or name.endswith("?"):
        return False
    if not re.search(r"[^\W\d_]{2}", name) or len(name) > _MAX_NAME_CHARS:
        return False
    if name.startswith(_ARROWS) or _DATE.fullmatch(name.rstrip(".,:")):
        return False  # "» Back to news" is a way around the site; "Oct 9th" is a date
    if _DIAL.fullmatch(name.rstrip(".,:")) or _LINK_TEXT.match(name):
        return False  # "Call 911"; "information here", "Visit the X website", "You can ..."
    if len(name.split()) > _MAX_NAME_WORDS:
        return False
    return not (_SENTENCE_END.search(name) and not re.search(r"\b[A-Z][a-z]{0,3}\.$", name))


def numbers_in(text: str) -> set[str]:
    """The digits of every phone-like number in ``text`` (any country's format)."""
    found = set()
    for match in _PHONEISH.finditer(text):
        digits = re.sub(r"\D", "", match[0])
        if 7 <= len(digits) <= 15:  # noqa: PLR2004
            found.add(digits[-10:])
    return found


def _contacts(listing: Listing) -> int:
    """How many phones and rooms a listing gives (phone-like numbers count too)."""
    phones = {p.number[-10:] for p in listing.phones} | numbers_in(listing.description)
    places = len(listing.locations) or len(_PLACE.findall(listing.description))
    return len(phones) + places + len(_EMAIL.findall(listing.description))


def distinct_places(listings: Sequence[Listing]) -> float:
    """The share of distinct listings when one name at two places (two desks of one
    office, each with its own number or room) counts as two, and the same name with the
    same contacts again as a repeat."""
    keys = {(fold(x.name), _where(x)) for x in listings if x.name}
    return len(keys) / max(1, len(listings))


def _where(listing: Listing) -> frozenset[str]:
    """A listing's phones and rooms, to tell apart listings of one name."""
    places = [fold(str(loc)) for loc in listing.locations] + _PLACE.findall(listing.description)
    return frozenset([p.number for p in listing.phones] + places) | numbers_in(listing.description)


def has_contact(listing: Listing) -> bool:
    """Whether a listing gives a phone, a room or an e-mail address."""
    return _contacts(listing) > 0


def score_reading(listings: Sequence[Listing], content_phones: set[str]) -> Signals:
    """The signals of a reading and their product, the score.

    ``content_phones`` are the numbers in the main content's text (outside the chrome):
    a reading that holds none of them, on a page that has them, reads the wrong thing.
    A three-digit emergency number does not count: a reading need not list "Dial 911".
    """
    count = len(listings)
    if not count:
        return Signals(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    names = sum(name_quality(x.name) for x in listings) / count
    distinct = len({fold(x.name) for x in listings if x.name}) / count
    contact = sum(1 for x in listings if has_contact(x)) / count
    linked = sum(1 for x in listings if has_contact(x) or x.links) / count
    found = {p.number[-10:] for x in listings for p in x.phones}
    found.update(n for x in listings for n in numbers_in(x.description))
    # an emergency number of three digits (911, 999, 000) is everyone's, no listing's own
    own = {n for n in content_phones if len(n) > _EMERGENCY_DIGITS}
    coverage = len(found & own) / len(own) if own else 1.0
    crowded = sum(1 for x in listings if _phone_count(x) >= CROWDED) / count
    dated = sum(1 for x in listings if _event_dates(x)) / count
    size = min(1.0, math.sqrt(count / ENOUGH))
    score = (
        size
        * names**1.5
        * distinct**2
        * (0.35 + 0.65 * max(contact, _LINK_WORTH * linked))
        * (0.7 + 0.3 * linked)
        * (0.45 + 0.55 * coverage)
        * (1.0 - 0.75 * dated)
        * (1.0 - 0.7 * crowded)
    )
    return Signals(count, names, distinct, contact, linked, coverage, dated, crowded, score)


def _event_dates(listing: Listing) -> bool:
    """Whether a listing gives a date or two, as an event or a news item does; an office
    that lists several (its hours over the holidays, its closures) is no event."""
    return 1 <= len(_DATE.findall(f"{listing.name} {listing.description}")) <= 2  # noqa: PLR2004


def _phone_count(listing: Listing) -> int:
    return len({p.number[-10:] for p in listing.phones} | numbers_in(listing.description))
