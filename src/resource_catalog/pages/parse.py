"""Read a source page into listings through its profile: the only module that builds soups.

:func:`read_listings` parses the page with lxml (a parser that implements HTML's
optional-end-tag rules, so ``<li>`` without ``</li>`` reads as a browser reads it,
whatever else is installed), keeps the main content, drops the chrome, and turns the
elements the profile names into :class:`~resource_catalog.models.Listing` objects in
one linear walk (:mod:`resource_catalog.pages.text`), within a time budget.

With :data:`~resource_catalog.profile.DEFAULT_PROFILE` (the first page's rules) a
listing's name follows these rules, which the catalog's observations are written by:

1. Separator form: the listing starts with a bold, strong or linked element (or with
   plain text) followed by ``:``. The name is the text before the first colon, the
   description the text after it.
2. Leading-link form: the listing starts with a link or bold element not followed by a
   colon, optionally preceded only by the word "The". The name is that element's text,
   the description the whole listing.
3. A leading link with no text (the page lost it) gives the name ``""`` and the whole
   listing as description; so does any other listing without a leading element or colon.

A leading "The" is never part of a name (``strip_article``).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import FeatureNotFound, ParserRejectedMarkup

from resource_catalog._fold import fold
from resource_catalog._gc import gc_paused
from resource_catalog.errors import ParseError, ProfileMismatchError, ResourceCatalogError
from resource_catalog.locations import find_locations
from resource_catalog.models import URL_PATTERN, Link, Listing
from resource_catalog.pages._tree import build_tree
from resource_catalog.pages.profiles import choose_content, select_each, strip_chrome
from resource_catalog.pages.tables import TableColumns
from resource_catalog.pages.text import (
    BLOCK_TAGS,
    Budget,
    clean_page_text,
    collapse,
    events,
    is_text,
    text_of,
)
from resource_catalog.phones import MIT_DIAL_PLAN, find_phones
from resource_catalog.profile import DEFAULT_PROFILE, DialPlan, Grouping, Profile, SectionFrom

__all__ = [
    "DEFAULT_PARSER",
    "PARSE_SECONDS",
    "Reading",
    "page_soup",
    "parse_page",
    "read_listings",
]

#: The tree builder: lxml follows HTML's optional-end-tag rules (html.parser does not).
DEFAULT_PARSER: Final = "lxml"
#: The default time budget for reading one parsed page.
PARSE_SECONDS: Final = 60.0
LEADING_TAGS: Final = frozenset({"a", "b", "strong"})
_HEADING_LEVEL: Final = {f"h{n}": n for n in range(1, 7)}
_MAX_NESTED_LISTINGS: Final = 8  # deeper listings inside listings are details, whatever the profile
_URL = re.compile(URL_PATTERN)
_ARTICLE = re.compile(r"^the\s+(?=\S)", re.I)


@dataclass(frozen=True)
class Reading:
    """What reading a page found: the listings, and what the profile matched.

    ``content`` is the selector that found the main content (``"body"`` when none
    did); ``matched`` how many elements the listing selector matched there;
    ``sections`` the section headings found, in page order; ``title`` the page's own
    title (its first ``<h1>``, else ``<title>``).
    """

    listings: list[Listing]
    content: str
    matched: int
    sections: tuple[str, ...]
    title: str | None


def parse_page(
    html: str,
    *,
    profile: Profile | None = None,
    base_url: str | None = None,
    known_sections: Sequence[str] | None = None,
    default_section: str | None = None,
    campus: DialPlan | None = MIT_DIAL_PLAN,
    parser: str | None = None,
    seconds: float | None = PARSE_SECONDS,
) -> list[Listing]:
    """The listings of the resource page ``html``, in page order (see :func:`read_listings`).

    Raises:
        ParseError: the page is not the resource page (none of the known sections, or no
            listings). Never returns an empty list.
    """
    return read_listings(
        html,
        profile=profile,
        base_url=base_url,
        known_sections=known_sections,
        default_section=default_section,
        campus=campus,
        parser=parser,
        seconds=seconds,
    ).listings


def read_listings(
    html: str,
    *,
    profile: Profile | None = None,
    base_url: str | None = None,
    known_sections: Sequence[str] | None = None,
    default_section: str | None = None,
    campus: DialPlan | None = MIT_DIAL_PLAN,
    parser: str | None = None,
    seconds: float | None = PARSE_SECONDS,
) -> Reading:
    """Read ``html`` through ``profile`` (default: :data:`DEFAULT_PROFILE`).

    ``base_url`` makes relative links absolute (links that stay relative are dropped);
    the profile's own ``base_url`` wins. ``known_sections`` are the section headings the
    page is expected to have: when the profile reads sections from headings and none of
    them is on the page, the page is not recognised. ``default_section`` names the
    section of listings the page gives none (the source's title). ``campus`` is the
    catalog's campus (default MIT's, as a page read on its own always was): a profile
    with ``campus: "catalog"`` reads its extensions and rooms; ``"none"`` or a plan of
    the page's own reads that plan's extensions and no rooms. ``parser`` is the
    BeautifulSoup tree builder (default lxml; ``"html.parser"`` does not apply HTML's
    optional-end-tag rules). ``seconds`` bounds the reading (``None``: no bound).

    Raises:
        ProfileMismatchError: the page yields no listings through the profile (the
            message says which part of the profile found nothing).
        ParseError: the page is not the resource page, or took too long to read.
        ResourceCatalogError: lxml, the default parser, is not installed.
    """
    if not isinstance(html, str):
        raise TypeError(f"parse_page() takes the decoded page as str, not {type(html).__name__}")
    profile = profile or DEFAULT_PROFILE
    budget = Budget(seconds)
    with gc_paused():  # a large page is a tree of hundreds of thousands of objects
        soup = _soup(clean_page_text(html), parser or DEFAULT_PARSER, budget)
        title = _page_title(soup)
        known = {fold(s) for s in known_sections} if known_sections else None
        root, content = choose_content(soup, profile, known, budget)
        strip_chrome(root, profile.drop, budget)
        reader = _Reader(root, profile, budget)
        reader.run()
        sections = reader.section_names()
        heading_mode = profile.section.source is SectionFrom.HEADING
        if known is not None and heading_mode and not any(fold(h) in known for h in sections):
            wanted = ", ".join(repr(s) for s in known_sections or ())
            if profile == DEFAULT_PROFILE:
                raise ParseError(
                    f"page not recognised: none of the section headings {wanted} found"
                )
            raise ProfileMismatchError(
                "page not recognised: the profile no longer matches the page: "
                f"section.selector {profile.section.selector!r} found none of the section "
                f"headings {wanted} {_where(profile, content)}"
            )
        fallback = profile.section.default or default_section or title or "Resources"
        base = profile.base_url or base_url
        tables = TableColumns(profile.listings.columns)
        contacts = _Contacts(profile, campus)
        listings: list[Listing] = []
        for frame in reader.done:
            budget.tick()  # phones and rooms are found in every listing's text
            listing = _listing(frame, profile, fallback, base, tables, contacts)
            if listing is not None:
                listings.append(listing)
    if not listings:
        raise ProfileMismatchError(_mismatch(profile, content, reader.matched, sections))
    return Reading(listings, content, reader.matched, tuple(sections), title)


def page_soup(html: str) -> BeautifulSoup:
    """The page parsed as :func:`read_listings` parses it (control characters out, lxml),
    for code that studies a page's markup (profile inference). Nothing is stripped."""
    return _soup(clean_page_text(html), DEFAULT_PARSER, Budget(None))


def _soup(html: str, parser: str, budget: Budget) -> BeautifulSoup:
    try:
        return build_tree(html, parser, budget)
    except FeatureNotFound as exc:
        if parser == DEFAULT_PARSER:
            raise ResourceCatalogError(
                f"cannot read pages: {DEFAULT_PARSER}, the HTML parser resource-catalog reads "
                f"every page with, is not installed (pip install {DEFAULT_PARSER})"
            ) from exc
        raise ValueError(f"unknown or missing HTML parser {parser!r}") from exc
    except (ParserRejectedMarkup, AssertionError, RecursionError) as exc:
        raise ParseError(f"page not recognised: the HTML could not be parsed ({exc})") from exc


def _page_title(soup: BeautifulSoup) -> str | None:
    for tag in (soup.find("h1"), soup.title):
        if isinstance(tag, Tag) and (text := text_of(tag)):
            return text
    return None


def _mismatch(profile: Profile, content: str, matched: int, sections: Sequence[str]) -> str:
    """Which part of the profile found nothing, in words."""
    rule = profile.listings
    default = profile == DEFAULT_PROFILE
    if default and not sections:
        return "page not recognised: no listings found under a section heading"
    where = _where(profile, content)
    if matched == 0:
        part = f"listings.selector {rule.selector!r} matched nothing {where}"
    elif (
        profile.section.source is SectionFrom.HEADING and profile.section.required and not sections
    ):
        part = f"section.selector {profile.section.selector!r} found no section heading {where}"
    else:
        part = (
            f"the {matched} element(s) listings.selector {rule.selector!r} matched {where} "
            "hold no text"
        )
    if default:
        return f"page not recognised: no listings found under a section heading ({part})"
    return f"page not recognised: the profile no longer matches the page: {part}"


def _where(profile: Profile, content: str) -> str:
    """Where the reader looked, in words: the content selector that found the content,
    or (for a profile's own selectors) that none of them found anything."""
    if content == "body" and profile.content and profile.content != DEFAULT_PROFILE.content:
        chosen = ", ".join(repr(s) for s in profile.content)
        return f"in the page body (content {chosen} found nothing)"
    return f"in the content found by {content!r}"


# --------------------------------------------------------------------------- the walk


@dataclass
class _Frame:
    """The text of one listing as the walk collects it, with the spans that matter."""

    tag: Tag
    section: str | None
    pieces: list[str] = field(default_factory=list)
    anchors: list[tuple[str, int, int]] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    cells: list[int] = field(default_factory=list)  # piece index where each table cell starts
    range_start: int | None = None  # headings / pairs: where the text after the name starts
    order: int = 0  # when the walk entered it: sorting by it restores page order
    lead: str = "search"  # "search" | "found" | "none"
    prefix: str = ""  # the text before a lead element, collapsed (a few characters at most)
    open_kinds: Counter[str] = field(default_factory=Counter)  # marks not yet closed


class _Reader:
    """One walk over the content root, collecting every listing's text."""

    def __init__(self, root: Tag, profile: Profile, budget: Budget) -> None:
        self.root, self.profile, self.budget = root, profile, budget
        rule, sect = profile.listings, profile.section
        wanted = [rule.selector, *rule.exclude]
        heading_mode = sect.source is SectionFrom.HEADING and sect.selector
        if heading_mode:
            wanted.append(sect.selector or "")
        if sect.source is SectionFrom.LABEL and sect.selector:
            wanted.append(sect.selector)
        if profile.name.selector:
            wanted.append(profile.name.selector)
        found = select_each(root, wanted)
        self.candidates = {id(t) for t in found[0]}
        self.matched = len(found[0])
        self.excluded = {id(t) for group in found[1 : 1 + len(rule.exclude)] for t in group}
        rest = found[1 + len(rule.exclude) :]
        self.section_tags: set[int] = set()
        self.label_tags: set[int] = set()
        if heading_mode:
            self.section_tags = {id(t) for t in rest.pop(0)} - self.candidates
        if sect.source is SectionFrom.LABEL and sect.selector:
            self.label_tags = {id(t) for t in rest.pop(0)}
        self.name_tags = {id(t) for t in rest.pop(0)} if profile.name.selector else set()
        self.group = rule.group
        self.section: str | None = None
        self.sections: list[str] = []
        self.open: list[_Frame] = []  # listing elements being walked, innermost last
        self.ranges: list[_Frame] = []  # headings/pairs whose following text is collected
        self.done: list[_Frame] = []
        self._section_pieces: list[str] | None = None
        self._section_tag: Tag | None = None
        self._excluded_depth = 0
        self._order = 0
        self._marks: dict[int, list[tuple[_Frame, str, int]]] = {}

    def section_names(self) -> list[str]:
        seen: dict[str, str] = {}
        for name in self.sections:
            seen.setdefault(fold(name), name)
        return list(seen.values())

    # -- the walk -------------------------------------------------------------------

    def run(self) -> None:
        for node, entering in events(self.root, self.budget):
            if isinstance(node, Tag):
                if entering:
                    self._enter(node)
                else:
                    self._leave(node)
            elif entering and is_text(node):
                self._text(str(node))
        for frame in self.ranges:
            self._finish(frame)
        self.ranges.clear()
        self.done.sort(key=lambda f: f.order)

    def _sink(self) -> _Frame | None:
        if self.open:
            return self.open[-1]
        return self.ranges[-1] if self.ranges else None

    def _enter(self, tag: Tag) -> None:
        tid = id(tag)
        if tid in self.excluded:
            self._excluded_depth += 1
        if self.ranges and self._ends_ranges(tag, tid):
            for frame in self.ranges:
                self._finish(frame)
            self.ranges.clear()
        if tid in self.section_tags and not self.open and self._section_tag is None:
            self._section_tag, self._section_pieces = tag, []
        if tid in self.candidates and self._opens_listing():
            self._open_frame(tag)
        elif self.open:
            self._mark(self.open[-1], tag, tid)
        self._gap(tag)
        sink = self._sink()
        if sink is not None and tag.name == "a" and tag.has_attr("href"):
            sink.anchors.append((str(tag["href"]), len(sink.pieces), -1))
            self._marks.setdefault(tid, []).append((sink, "anchor", len(sink.anchors) - 1))
            sink.open_kinds["anchor"] += 1
        if self.group is Grouping.TABLE and self.open and tag.name in ("td", "th"):
            frame = self.open[-1]
            if tag.parent is frame.tag:
                frame.cells.append(len(frame.pieces))

    def _leave(self, tag: Tag) -> None:
        tid = id(tag)
        self._gap(tag)
        for mark in self._marks.pop(tid, ()):
            mark[0].open_kinds[mark[1]] -= 1
            self._close_mark(tag, *mark)
        if tag is self._section_tag:
            text = collapse("".join(self._section_pieces or ()))
            if text:
                self.section = text
                self.sections.append(text)
            self._section_tag, self._section_pieces = None, None
        if self.open and self.open[-1].tag is tag:
            frame = self.open.pop()
            if self.group in (Grouping.HEADINGS, Grouping.PAIRS) and not self.open:
                frame.range_start = len(frame.pieces)
                frame.spans["name"] = (0, len(frame.pieces))
                self.ranges.append(frame)
            else:
                self._finish(frame)
        if self.group is Grouping.PAIRS and self.ranges and tag is self.ranges[-1].tag.parent:
            for frame in self.ranges:
                self._finish(frame)
            self.ranges.clear()
        if tid in self.excluded:
            self._excluded_depth -= 1

    def _text(self, text: str) -> None:
        if self._section_pieces is not None:
            self._section_pieces.append(text)
        sink = self._sink()
        if sink is None:
            return
        sink.pieces.append(text)
        if sink is not (self.open[-1] if self.open else None):
            return
        if sink.lead == "search" and not sink.open_kinds["lead"]:
            joined = sink.prefix + text
            sink.prefix = collapse(joined) + (" " if joined[-1:].isspace() else "")
            if not "the".startswith(collapse(sink.prefix).casefold()):
                sink.lead = "none"

    # -- pieces ----------------------------------------------------------------------

    def _opens_listing(self) -> bool:
        if self._excluded_depth:
            return False
        if self.open and (self.profile.details or len(self.open) >= _MAX_NESTED_LISTINGS):
            return False
        sect = self.profile.section
        return not (sect.source is SectionFrom.HEADING and sect.required and self.section is None)

    def _open_frame(self, tag: Tag) -> None:
        if self.ranges and self.group is Grouping.PAIRS:
            for frame in self.ranges:
                self._finish(frame)
            self.ranges.clear()
        self._order += 1
        self.open.append(_Frame(tag=tag, section=self.section, order=self._order))

    def _ends_ranges(self, tag: Tag, tid: int) -> bool:
        """Whether entering ``tag`` ends the text that belongs to the open heading(s)."""
        if self.group is Grouping.PAIRS:
            return tid in self.candidates
        if tid in self.candidates or tid in self.section_tags:
            return True
        level = _HEADING_LEVEL.get(tag.name or "")
        own = _HEADING_LEVEL.get(self.ranges[-1].tag.name or "")
        return level is not None and own is not None and level <= own

    def _mark(self, frame: _Frame, tag: Tag, tid: int) -> None:
        """Open the spans a listing's name, lead or label may come from."""
        marks = frame.open_kinds
        kind: str | None = None
        if tid in self.name_tags and "name" not in frame.spans and not marks["name"]:
            kind = "name"
        elif (
            tid in self.label_tags
            and "label" not in frame.spans
            and not collapse("".join(frame.pieces))
        ):
            kind = "label"
        elif frame.lead == "search" and tag.name in LEADING_TAGS and not marks["lead"]:
            kind = "lead"
        if kind is not None:
            self._marks.setdefault(tid, []).append((frame, kind, len(frame.pieces)))
            marks[kind] += 1

    def _close_mark(self, tag: Tag, frame: _Frame, kind: str, start: int) -> None:
        if kind == "anchor":
            href, begin, _ = frame.anchors[start]
            frame.anchors[start] = (href, begin, len(frame.pieces))
            return
        end = len(frame.pieces)
        has_text = bool(collapse("".join(frame.pieces[start:end])))
        if kind == "lead":
            if has_text or (tag.name == "a" and not (tag.has_attr("id") or tag.has_attr("name"))):
                frame.spans["lead"] = (start, end)
                frame.lead = "found"
            # an empty <b>/<strong> or an anchor target is editor debris: keep looking
            return
        if has_text:
            frame.spans[kind] = (start, end)

    def _gap(self, tag: Tag) -> None:
        if tag.name == "br" or tag.name in BLOCK_TAGS:
            sink = self._sink()
            if sink is not None:
                sink.pieces.append("\n")
            if self._section_pieces is not None:
                self._section_pieces.append(" ")

    def _finish(self, frame: _Frame) -> None:
        self.done.append(frame)


# --------------------------------------------------------------------------- listings


def _span(frame: _Frame, kind: str) -> tuple[str, str, str] | None:
    """(text before, the span, text after) of a span of ``frame``, or None."""
    if kind not in frame.spans:
        return None
    start, end = frame.spans[kind]
    p = frame.pieces
    return "".join(p[:start]), "".join(p[start:end]), "".join(p[end:])


@dataclass(frozen=True)
class _Contacts:
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


def _listing(
    frame: _Frame,
    profile: Profile,
    fallback: str,
    base_url: str | None,
    tables: TableColumns,
    contacts: _Contacts,
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
    if profile.name.strip_article:
        name = _ARTICLE.sub("", name)
    section = collapse(section or "") or fallback
    return Listing(
        name=name,
        section=section,
        description=description,
        phones=find_phones(description, region=contacts.region, campus=contacts.plan),
        locations=find_locations(description) if contacts.rooms else [],
        links=_links(frame, base_url),
    )


def _name_rules(frame: _Frame, profile: Profile) -> tuple[str, str]:
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
        return lead_text, whole
    whole = collapse("".join(frame.pieces))
    return _plain_separator(whole, seps)


def _position(text: str, sep: str) -> int:
    at = text.find(sep)
    return at if at >= 0 else len(text)


def _plain_separator(whole: str, seps: Sequence[str]) -> tuple[str, str]:
    """``Name: text`` in plain text: the name before the first separator that is followed
    by a space (``https://`` is not one); dashes need a space before them too."""
    best: tuple[int, int] | None = None
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


def _lines(frame: _Frame) -> tuple[str, str]:
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


def _table_row(frame: _Frame, tables: TableColumns) -> tuple[str, str]:
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


def _cells(frame: _Frame) -> list[str]:
    bounds = [*frame.cells, len(frame.pieces)]
    return [collapse("".join(frame.pieces[a:b])) for a, b in itertools.pairwise(bounds)]


def _links(frame: _Frame, base_url: str | None) -> list[Link]:
    links: dict[str, Link] = {}
    for href, start, end in frame.anchors:
        url = _absolute(href, base_url)
        if url is not None and url not in links:
            label = collapse("".join(frame.pieces[start:end])) if end >= 0 else ""
            links[url] = Link(url=url, label=label or None)
    return list(links.values())


def _absolute(href: str, base_url: str | None) -> str | None:
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base_url or "", href)
    except ValueError:
        return None
    # _URL starts with "https?://": it is the scheme check too (no second urlsplit).
    if not _URL.match(url) or len(url) > 2048:  # noqa: PLR2004
        return None
    return url
