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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import FeatureNotFound, ParserRejectedMarkup

from resource_catalog._base.gcpause import gc_paused
from resource_catalog.contacts.dialplans import MIT_DIAL_PLAN
from resource_catalog.contacts.fold import fold
from resource_catalog.errors import ParseError, ProfileMismatchError, ResourceCatalogError
from resource_catalog.models import Listing
from resource_catalog.pages.profiles import choose_content, strip_chrome
from resource_catalog.pages.reading.listing import Contacts, make_listing
from resource_catalog.pages.reading.phrases import one_per_name, split_phrases
from resource_catalog.pages.reading.tables import TableColumns
from resource_catalog.pages.reading.tree import build_tree
from resource_catalog.pages.reading.walk import Reader
from resource_catalog.pages.scoring import is_name
from resource_catalog.pages.text import (
    Budget,
    clean_page_text,
    text_of,
)
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
        reader = Reader(root, profile, budget)
        reader.run()
        sections = reader.section_names()
        matched = reader.matched
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
        contacts = Contacts(profile, campus)
        listings: list[Listing] = []
        rule = profile.listings
        frames = (
            split_phrases(
                reader.done,
                reached=profile.version >= 4,  # noqa: PLR2004
                given=rule.names,
                marked=rule.phrases,
            )
            if rule.phrases or rule.names
            else reader.done
        )
        if rule.group is not Grouping.TABLE:  # a table row finds its header in the tree
            _release(soup)
        del soup, root, reader  # the frames hold what the listings are built from
        for frame in frames:
            budget.tick()  # phones and rooms are found in every listing's text
            listing = make_listing(frame, profile, fallback, base, tables, contacts)
            if listing is not None and (not profile.listings.named or is_name(listing.name)):
                listings.append(listing)
        listings = one_per_name(listings, rule.names)
    if not listings:
        raise ProfileMismatchError(_mismatch(profile, content, matched, sections))
    return Reading(listings, content, matched, tuple(sections), title)


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


def _release(soup: BeautifulSoup) -> None:
    """Take the tree apart once the walk has collected every listing's text.

    The cyclic GC is paused while a page is read, and a tree is all cycles (parent and
    child point at each other), so without this the whole tree would be held while the
    listings are built: for a directory page of 10^5 listings, hundreds of megabytes
    on top of the listings. Decomposing breaks the cycles, and each element is freed
    as soon as nothing else holds it (a listing's pieces are strings of the tree,
    which stay)."""
    for child in list(soup.contents):
        child.decompose()


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
