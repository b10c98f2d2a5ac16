"""From a listing's collected text to a :class:`~resource_catalog.models.Listing`.

The name (a selector's element, a heading, a lead element, a label line, a table
column, or the text before a separator), the section, the description, and the
phones, rooms and links found in it, as the profile says (see
:mod:`resource_catalog.pages.parse` for the first page's rules).
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin

from resource_catalog._base.urls import URL_PATTERN, url_problem
from resource_catalog.contacts.locations import find_locations
from resource_catalog.contacts.phones import find_phones
from resource_catalog.models import Link, Listing
from resource_catalog.pages.reading.names import leading_phrase, reached_by
from resource_catalog.pages.reading.tables import TableColumns
from resource_catalog.pages.reading.walk import Frame
from resource_catalog.pages.scoring import is_name
from resource_catalog.pages.text import collapse
from resource_catalog.profile import DialPlan, Grouping, Profile, SectionFrom

__all__ = ["Contacts", "leading_phrase", "make_listing"]

_URL: Final = re.compile(URL_PATTERN)
#: The fields every listing and link the reader builds is given (see make_listing):
#: one set shared by all of them, never changed (a frozen model's set is only copied).
_LISTING_FIELDS: Final = set(Listing.model_fields)
_LINK_FIELDS: Final = set(Link.model_fields)
#: Verbs a sentence about resources uses, which no name holds.
_VERBS: Final = frozenset(
    {
        "is", "are", "was", "were", "has", "have", "can", "will", "may", "offers", "offer",
        "provides", "provide", "helps", "include", "includes", "supports",
    }
)  # fmt: skip
_ARTICLE: Final = re.compile(r"^the\s+(?=\S)", re.I)
#: "A" or "An" before a word in lower case: the start of a phrase of a sentence, not a
#: name that starts with the word ("A Safe Place").
_INDEFINITE: Final = re.compile(r"^(?:A|An|a|an)\s+(?=[a-z])")


def _span(frame: Frame, kind: str) -> tuple[str, str, str] | None:
    """(text before, the span, text after) of a span of ``frame``, or None."""
    if kind not in frame.spans:
        return None
    start, end = frame.spans[kind]
    p = frame.pieces
    return "".join(p[:start]), "".join(p[start:end]), "".join(p[end:])


@dataclass(frozen=True)
class Contacts:
    """How the page's phones and rooms are read: its country, its campus's dial plan."""

    region: str
    plan: DialPlan | None
    rooms: bool

    def __init__(self, profile: Profile, campus: DialPlan | None) -> None:
        own = profile.campus
        plan = campus if own == "catalog" else None if own == "none" else own
        object.__setattr__(self, "region", profile.region)
        object.__setattr__(self, "plan", plan if isinstance(plan, DialPlan) else None)
        object.__setattr__(self, "rooms", own == "catalog" and campus is not None)


def make_listing(
    frame: Frame,
    profile: Profile,
    fallback: str,
    base_url: str | None,
    tables: TableColumns,
    contacts: Contacts,
) -> Listing | None:
    section = frame.section
    group = profile.listings.group
    label = _span(frame, "label") if profile.section.source is SectionFrom.LABEL else None
    if label is not None:
        section = collapse(label[1]) or section
        frame.pieces = [label[0], " ", label[2]]  # the label is not part of the listing
        frame.spans.pop("label")
        for kind in ("name", "lead"):
            frame.spans.pop(kind, None)  # offsets moved; the rules below fall back
    if group is Grouping.TABLE:
        name, description = _table_row(frame, tables)
    elif group is Grouping.LINES:
        name, description = _lines(frame)
    elif group in (Grouping.HEADINGS, Grouping.PAIRS):
        start = frame.range_start or 0
        name = collapse("".join(frame.pieces[:start]))
        description = collapse("".join(frame.pieces[start:]))
        name = _strip_separators(name, profile.name.separators)
    elif (named := _span(frame, "name")) is not None:
        name = collapse(named[1])
        after = collapse(named[2])
        description = collapse(f"{named[0]} {_after_separator(after, profile.name.separators)}")
        name = _strip_separators(name, profile.name.separators)
    else:
        name, description = _name_rules(frame, profile)
    if not name and not description:
        return None
    if _lead_in(frame, description):
        return None
    if profile.version >= 2:  # noqa: PLR2004
        name, description = _phone_out_of_name(name, description)
        name, description = reached_by(name, description)
    if profile.name.strip_article:
        name = _ARTICLE.sub("", name)
        if profile.version >= 2:  # noqa: PLR2004
            name = _INDEFINITE.sub("", name)  # "An after-hours line": a phrase of a sentence
    section = sys.intern(collapse(section or "") or fallback)  # one string per section
    # Every value is of its field's type already (strings; phones, locations and links
    # validated as they were built), so the listing is not validated again, and it
    # shares one set of the fields given (a set of six is 728 bytes a listing).
    return Listing.model_construct(
        _LISTING_FIELDS,
        name=name,
        section=section,
        description=description,
        phones=find_phones(description, region=contacts.region, campus=contacts.plan),
        locations=find_locations(description) if contacts.rooms else [],
        links=_links(frame, base_url),
    )


def _lead_in(frame: Frame, description: str) -> bool:
    """Whether the record is only words ending in a colon or a dash ("Free hotlines
    include:", "Policies -"), with nothing after and no link: it introduces what follows."""
    if frame.anchors:
        return False
    whole = collapse("".join(frame.pieces))
    if description not in ("", whole):
        return False
    return whole.endswith((":", " -", "\u2013", "\u2014"))


def _name_rules(frame: Frame, profile: Profile) -> tuple[str, str]:
    """The first page's rules: a lead element and/or a separator (module docstring)."""
    seps = profile.name.separators
    lead = _span(frame, "lead") if profile.name.lead else None
    if lead is not None:
        before, lead_text, after = lead
        whole = collapse(f"{before} {lead_text} {after}")
        lead_text = collapse(lead_text)
        if not lead_text:
            return "", whole
        after_s = after.lstrip()
        for sep in sorted(seps, key=lambda s: _position(whole, s)):
            if sep in lead_text or after_s.startswith(sep):
                name, _, rest = whole.partition(sep)
                return collapse(name), collapse(rest)
        if profile.name.inline and not is_name(lead_text) and (inline := _inline_name(frame)):
            return inline, whole  # a lead that is a sentence: the link inside names it
        return _strip_separators(lead_text, seps), whole
    return _first_line_name(frame, profile)


def _first_line_name(frame: Frame, profile: Profile) -> tuple[str, str]:
    """``Name: text`` with no lead element; then (version 2, when the profile says so)
    a link or bold phrase inside the first line, or the line's leading noun phrase."""
    seps = profile.name.separators
    lines = [c for line in "".join(frame.pieces).split("\n") if (c := collapse(line))]
    if not lines:
        return "", ""
    # A name never runs past its line: the separator is looked for on the first line
    # only, and an item whose first line has none but which goes on below (nested
    # "Phone:" lines) is named by that line.
    name, rest = _plain_separator(lines[0], seps)
    if name and profile.name.inline and (inline := _inline_name(frame)) and rest.startswith(inline):
        # "Mental Health: <a>Counseling Services</a> 555-0100": the words before the
        # separator are the category, the link right after it names the listing
        return inline, collapse(" ".join(lines))
    if name and (_plausible(name) or not (profile.name.inline or profile.name.phrase)):
        return name, collapse(" ".join([rest, *lines[1:]]))
    if (found := _name_in_text(frame, profile, lines)) is not None:
        return found
    if len(lines) > 1 and not any(lines[0].endswith(s) for s in (*seps, ":")):
        return lines[0], " ".join(lines[1:])
    return "", " ".join(lines)


def _plausible(name: str) -> bool:
    """Whether the words before a separator can be a name rather than a clause (a
    name has no verb: "Resources are open to all, including X:" is a sentence)."""
    return is_name(name) and not any(w.casefold() in _VERBS for w in name.split())


def _name_in_text(frame: Frame, profile: Profile, lines: list[str]) -> tuple[str, str] | None:
    """(name, description) from a link or bold phrase inside the first line, or from
    the line's leading noun phrase, when the profile reads names so."""
    if profile.name.inline and (inline := _inline_name(frame)):
        return _strip_separators(inline, profile.name.separators), " ".join(lines)
    if profile.name.phrase and (phrase := leading_phrase(lines[0])):
        return phrase, " ".join(lines if phrase != lines[0] else lines[1:])
    return None


def _inline_name(frame: Frame) -> str:
    """The text of the first link (else the first bold phrase), when it is on the first
    line and reads as a name (it starts with a capital letter or a digit)."""
    for kind in ("inline", "inline_bold"):
        found = _span(frame, kind)
        if found is None or "\n" in found[0].strip():
            continue
        text = collapse(found[1])
        if (text[:1].isupper() or text[:1].isdigit()) and is_name(text):
            return text
    return ""


#: A dot leader, as a printed directory joins a name to its number ("Security .... 3333"):
#: four dots or more (an ellipsis in prose has three), or ellipsis characters.
_LEADER: Final = re.compile(r"\s*(?:(?:\.[ \u00a0]?){4,}|\u2026{2,})\s*")
_PHONE_AT_END: Final = re.compile(
    r"^(?P<name>.*?[^\s(:\u2013\u2014-])\s*"
    r"(?:\((?P<a>\+?[\d][\d\s().\u2011-]{5,18}\d)\)|(?::|[\u2013\u2014]|\s-)\s*(?P<b>\+?\(?\d[\d\s().\u2011-]{5,18}\d))"
    r"\s*$"
)


#: A full number (seven digits or more) after the name with only a space between, and
#: its extension: "Student Health 519-661-3030", "Support Line 555-010-2111 Ext. 87085".
_PHONE_SPACED: Final = re.compile(
    r"^(?P<name>.*?[A-Za-z)])\s+(?P<phone>\+?\(?\d[\d\s().\u2011-]{5,18}\d"
    r"(?:,?\s*(?:ext|extension|x)\.?\s*\d{1,6})?)\s*$",
    re.I,
)
#: One number (three digits or more, or a star code) written before the name, or
#: several joined by "or", then a dash: "0800 479 5000 - Campus Watch", "111 or *555 - Police".
_ONE_NUMBER: Final = r"(?:\*\d{2,6}|\+?\(?\d[\d\s().\u2011-]{1,18}\d)"
_PHONE_FIRST: Final = re.compile(
    rf"^(?P<phone>{_ONE_NUMBER}(?:\s+or\s+{_ONE_NUMBER})*)\s*[\u2013\u2014-]\s+(?P<name>[^\W\d].*)$"
)
#: A year before a dash is a date ("2024 - Annual report"), not a number to call.
_YEAR: Final = re.compile(r"(?:19|20)\d\d")


def _phone_out_of_name(name: str, description: str) -> tuple[str, str]:
    """A heading that carries its own number ("Care Line (555-0100)", "Care Line
    555-0100", "555-0100 - Care Line"): the name is the text around it, and the number
    is the listing's first phone."""
    match = _PHONE_AT_END.match(name)
    if match is not None:
        phone = match["a"] or match["b"] or ""
        return match["name"].strip(), collapse(f"{phone} {description}")
    spaced = _PHONE_SPACED.match(name)
    if spaced is not None and sum(c.isdigit() for c in spaced["phone"]) >= _FULL_DIGITS:
        return spaced["name"].strip(), collapse(f"{spaced['phone']} {description}")
    first = _PHONE_FIRST.match(name)
    if first is not None and not _YEAR.fullmatch(first["phone"]):
        digits = sum(c.isdigit() for c in first["phone"])
        if digits >= _SHORT_DIGITS:
            return first["name"].strip(), collapse(f"{first['phone']} {description}")
    return name, description


#: Digits of a full number, and of the shortest number a heading may start with.
_FULL_DIGITS: Final = 7
_SHORT_DIGITS: Final = 3


def _position(text: str, sep: str) -> int:
    at = text.find(sep)
    return at if at >= 0 else len(text)


def _plain_separator(whole: str, seps: Sequence[str]) -> tuple[str, str]:
    """``Name: text`` in plain text: the name before the first separator that is followed
    by a space (``https://`` is not one); dashes need a space before them too."""
    best: tuple[int, int] | None = None
    if (leader := _LEADER.search(whole)) is not None:
        best = (leader.start(), leader.end())
    for sep in seps:
        pattern = (
            re.escape(sep) + r"(?:\s|$)" if sep == ":" else r"\s" + re.escape(sep) + r"(?:\s|$)"
        )
        match = re.search(pattern, whole)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.end())
    if best is None or best[0] == 0:
        return "", whole
    name = whole[: best[0]].strip()
    if any(s in name for s in seps if s == ":"):
        return "", whole
    if name.count("(") > name.count(")"):  # "Drug Hotline (Ph: 1800 ...)": cut at the "("
        name = name[: name.rfind("(")].rstrip()
    return name, whole[best[1] :].strip()


def _strip_separators(name: str, seps: Sequence[str]) -> str:
    """A name without the separator written after it (``"Name:"`` -> ``"Name"``)."""
    stripped = name
    for sep in (*seps, ":", "\u2013", "\u2014"):
        if stripped.endswith(sep):
            stripped = stripped[: -len(sep)].rstrip()
    return stripped


def _after_separator(text: str, seps: Sequence[str]) -> str:
    for sep in (*seps, ":", "\u2013", "\u2014", "-"):
        if text.startswith(sep):
            return text[len(sep) :].strip()
    return text


def _lines(frame: Frame) -> tuple[str, str]:
    """Lines split at ``<br>`` and blocks: the name is the first line, the rest describes it."""
    named = frame.spans.get("name")
    lines = [c for line in "".join(frame.pieces).split("\n") if (c := collapse(line))]
    if named is not None:
        name = collapse("".join(frame.pieces[named[0] : named[1]]))
        rest = [line for line in lines if line != name]
        return _strip_separators(name, ()), " ".join(rest)
    if not lines:
        return "", ""
    return _strip_separators(lines[0], ()), " ".join(lines[1:])


def _table_row(frame: Frame, tables: TableColumns) -> tuple[str, str]:
    cells = _cells(frame)
    columns = tables.for_row(frame.tag)
    if columns is None:  # the header row itself
        return "", ""
    name_at = columns.get("name")
    name = cells[name_at] if name_at is not None and name_at < len(cells) else ""
    skip = {i for role, i in columns.items() if role in ("name", "section")}
    if (section_at := columns.get("section")) is not None and section_at < len(cells):
        frame.section = cells[section_at] or frame.section
    description = " ".join(c for i, c in enumerate(cells) if i not in skip and c)
    return _strip_separators(name, ()), description


def _cells(frame: Frame) -> list[str]:
    bounds = [*frame.cells, len(frame.pieces)]
    return [collapse("".join(frame.pieces[a:b])) for a, b in itertools.pairwise(bounds)]


def _links(frame: Frame, base_url: str | None) -> list[Link]:
    links: dict[str, Link] = {}
    for href, start, end in frame.anchors:
        url = _absolute(href, base_url)
        if url is not None and url not in links:
            label = collapse("".join(frame.pieces[start:end])) if end >= 0 else ""
            # _absolute checked the URL as Link's own type does (its pattern, its
            # length, url_problem): built without checking it a second time
            links[url] = Link.model_construct(_LINK_FIELDS, url=url, label=label or None)
    return list(links.values())


@functools.lru_cache(maxsize=4096)
def _absolute(href: str, base_url: str | None) -> str | None:
    """``href`` made absolute against ``base_url``, when it is a URL the catalog
    accepts; cached, as a directory page links the same few pages from many listings."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base_url or "", href)
    except ValueError:
        return None
    # _URL starts with "https?://": it is the scheme check too (no second urlsplit).
    if not _URL.match(url) or len(url) > 2048 or url_problem(url) is not None:  # noqa: PLR2004
        return None
    return url
