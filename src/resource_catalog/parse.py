"""Parse the source page into listings: the only module that imports :mod:`bs4`; no network.

:func:`parse_page` keeps the main content of a (Drupal) page only, strips the page
chrome, and turns every list item under a section heading into a
:class:`~resource_catalog.models.Listing`.

Text is normalised the same way whatever the markup: entities decoded, comments
dropped, ``<br>`` and block boundaries read as spaces, whitespace (non-breaking spaces
included) collapsed to single spaces, stripped. A listing's name follows these rules,
which the catalog's ``source`` fields are written by:

1. Colon form: the listing starts with a bold, strong or linked element (or with plain
   text) followed by ``:``. The name is the text before the first colon, the
   description the text after it.
2. Leading-link form: the listing starts with a link or bold element not followed by a
   colon, optionally preceded only by the word "The". The name is that element's text,
   the description the whole listing.
3. A leading link with no text (the page lost it) gives the name ``""`` and the whole
   listing as description; so does any other listing without a leading element or colon.
"""

from __future__ import annotations

import importlib.util
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Final
from urllib.parse import urljoin

from bs4 import (
    BeautifulSoup,
    FeatureNotFound,
    MarkupResemblesLocatorWarning,
    Tag,
    XMLParsedAsHTMLWarning,
)
from bs4.element import NavigableString
from bs4.exceptions import ParserRejectedMarkup

from resource_catalog._gc import gc_paused
from resource_catalog.errors import ParseError
from resource_catalog.locations import find_locations
from resource_catalog.models import URL_PATTERN, Link, Listing
from resource_catalog.phones import find_phones

__all__ = ["DEFAULT_PARSER", "parse_page"]


#: The BeautifulSoup tree builder used when none is given: lxml if installed (faster).
DEFAULT_PARSER: Final = "lxml" if importlib.util.find_spec("lxml") else "html.parser"

#: Candidates for the main content, most specific first; the first that holds a section
#: heading wins, else the whole body (without its chrome) is used.
MAIN_SELECTORS: Final = (
    "main",
    "[role=main]",
    "#main-content",
    ".region-content",
    "#content",
    "article",
)
#: Page chrome removed wherever it appears.
CHROME_TAGS: Final = ("script", "style", "noscript", "template", "nav", "aside", "iframe")
CHROME_SELECTORS: Final = (
    ".breadcrumb",
    ".breadcrumbs",
    ".sidebar",
    ".sidebars",
    ".region-sidebar-first",
    ".region-sidebar-second",
    ".menu",
    ".tabs",
    ".element-invisible",
    ".visually-hidden",
    "[role=navigation]",
    "[role=banner]",
    "[role=contentinfo]",
    "[role=complementary]",
    "[role=search]",
)
HEADINGS: Final = ("h2", "h3", "h4")
BLOCK_TAGS: Final = (
    "address", "article", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
)  # fmt: skip
LEADING_TAGS: Final = ("a", "b", "strong")
_MARK: Final = "\x00"  # marks where the leading element starts and ends
_URL = re.compile(URL_PATTERN)
_PLAIN_COLON = re.compile(r"^([^:]+):(?:\s|$)")


def parse_page(
    html: str,
    *,
    base_url: str | None = None,
    known_sections: Sequence[str] | None = None,
    parser: str | None = None,
) -> list[Listing]:
    """Return the listings of the resource page ``html``, in page order.

    ``base_url`` makes relative links absolute (links that stay relative are dropped).
    ``known_sections`` are the section headings the page is expected to have; when given
    and none of them is a heading of the page, the page is not recognised. ``parser``
    picks the BeautifulSoup tree builder ("html.parser" or "lxml"; default
    :data:`DEFAULT_PARSER`); both give the same listings.

    Raises:
        ParseError: the page is not the resource page (none of the known sections, or no
            listings under any section heading). Never returns an empty list.
    """
    if not isinstance(html, str):
        raise TypeError(f"parse_page() takes the decoded page as str, not {type(html).__name__}")
    with gc_paused():  # a large page is a tree of hundreds of thousands of objects
        soup = _soup(html.replace(_MARK, ""), parser or DEFAULT_PARSER)
        known = {_fold(s) for s in known_sections} if known_sections else None
        main = _main_content(soup, known)
        _strip_chrome(main)
        _mark_spaces(main)
        headings = [_text(h) for h in _tags(main, HEADINGS)]
        if known is not None and not any(_fold(h) in known for h in headings):
            wanted = ", ".join(repr(s) for s in known_sections or ())
            raise ParseError(f"page not recognised: none of the section headings {wanted} found")
        listings = list(_listings(main, base_url))
    if not listings:
        raise ParseError("page not recognised: no listings found under a section heading")
    return listings


def _soup(html: str, parser: str) -> BeautifulSoup:
    # Lone surrogates cannot be encoded; read them as U+FFFD like a browser would.
    html = html.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    try:
        with warnings.catch_warnings():
            # bs4 warns when markup looks like a URL or file name, or like XML; a page
            # is what it is, and the caller gets a ParseError if it is not ours.
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            return BeautifulSoup(html, parser)
    except FeatureNotFound as exc:
        raise ValueError(f"unknown or missing HTML parser {parser!r}") from exc
    except (ParserRejectedMarkup, AssertionError, RecursionError) as exc:
        raise ParseError(f"page not recognised: the HTML could not be parsed ({exc})") from exc


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _tags(root: Tag, names: Iterable[str]) -> Iterator[Tag]:
    """The descendant tags of ``root`` named one of ``names``, in document order.

    A plain walk: several times cheaper than ``find_all``'s filter machinery on a
    page of thousands of listings.
    """
    wanted = frozenset(names)
    for node in root.descendants:
        if isinstance(node, Tag) and node.name in wanted:
            yield node


_SIMPLE = re.compile(
    r"(?P<name>[a-z][a-z0-9]*)|#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|\[(?P<attr>[\w-]+)=(?P<value>[\w-]+)\]"
)


def _select_each(root: Tag, selectors: Sequence[str]) -> list[list[Tag]]:
    """``[root.select(s) for s in selectors]`` (document order), in one walk when simple.

    Simple selectors (``tag``, ``#id``, ``.class``, ``[attr=value]``) are looked up per
    tag in dictionaries during a single walk, instead of one soupsieve ``select`` per
    selector, which dominated the parse of a large page. Others go to ``select``.
    """
    found: list[list[Tag]] = [[] for _ in selectors]
    by_name: dict[str, list[int]] = defaultdict(list)
    by_id: dict[str, list[int]] = defaultdict(list)
    by_class: dict[str, list[int]] = defaultdict(list)
    by_attr: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, selector in enumerate(selectors):
        simple = _SIMPLE.fullmatch(selector)
        if simple is None:
            found[i] = list(root.select(selector))
        elif simple["name"]:
            by_name[simple["name"]].append(i)
        elif simple["id"]:
            by_id[simple["id"]].append(i)
        elif simple["cls"]:
            by_class[simple["cls"]].append(i)
        else:
            by_attr[simple["attr"], simple["value"]].append(i)
    attrs = {attr for attr, _ in by_attr}
    for node in root.descendants:
        if not isinstance(node, Tag):
            continue
        hits: set[int] = set(by_name.get(node.name or "", ()))
        if node.attrs:
            hits.update(by_id.get(str(node.get("id")), ()))
            for cls in node.get_attribute_list("class"):
                hits.update(by_class.get(str(cls), ()))
            for attr in attrs.intersection(node.attrs):
                hits.update(by_attr.get((attr, str(node[attr])), ()))
        for i in hits:
            found[i].append(node)
    return found


def _main_content(soup: BeautifulSoup, known: set[str] | None) -> Tag:
    """The first main-content candidate that holds a (known) section heading."""

    def holds_section(tag: Tag) -> bool:
        for heading in _tags(tag, HEADINGS):
            if known is None or _fold(heading.get_text()) in known:
                return True
        return False

    for candidates in _select_each(soup, MAIN_SELECTORS):
        for candidate in candidates:
            if holds_section(candidate):
                return candidate
    body = soup.body
    return body if body is not None else soup


def _strip_chrome(main: Tag) -> None:
    doomed: list[Tag] = []
    for found in _select_each(main, (*CHROME_TAGS, *CHROME_SELECTORS)):
        doomed.extend(found)
    # A <header>/<footer> inside the main content is chrome unless it carries a heading
    # (HTML5 articles may put their section headings in a <header>).
    doomed.extend(t for t in _tags(main, ("header", "footer")) if not any(_tags(t, HEADINGS)))
    for tag in doomed:
        if not tag.decomposed:
            tag.decompose()


def _mark_spaces(main: Tag) -> None:
    """Make line breaks and block boundaries read as spaces in the text.

    Only the text of headings and list items is read, so only what is inside them
    is marked: marking every block of a large page cost two tree insertions each.
    """
    seen: set[int] = set()
    breaks: list[Tag] = []
    blocks: list[Tag] = []
    for root in _tags(main, (*HEADINGS, "li")):
        for node in root.descendants:
            if isinstance(node, Tag) and id(node) not in seen:
                seen.add(id(node))
                if node.name == "br":
                    breaks.append(node)
                elif node.name in BLOCK_TAGS:
                    blocks.append(node)
    for br in breaks:
        br.replace_with(" ")
    for block in blocks:
        block.insert(0, " ")
        block.append(" ")


def _text(tag: Tag) -> str:
    """The normalised text of ``tag``: comments dropped, whitespace collapsed."""
    return " ".join(tag.get_text().split())


def _listings(main: Tag, base_url: str | None) -> Iterable[Listing]:
    section: str | None = None
    for tag in list(_tags(main, (*HEADINGS, "li"))):  # a list: _listing edits the tree
        if tag.name in HEADINGS:
            section = _text(tag)
        elif section and not any(parent.name == "li" for parent in tag.parents):
            listing = _listing(tag, section, base_url)
            if listing is not None:
                yield listing


def _listing(item: Tag, section: str, base_url: str | None) -> Listing | None:
    links = _links(item, base_url)
    lead = _leading_element(item)
    if lead is not None:
        lead.insert_before(_MARK)
        lead.insert_after(_MARK)
    before, lead_text, after = ([*item.get_text().split(_MARK), "", ""])[:3]
    whole = " ".join(f"{before} {lead_text} {after}".split())
    if not whole:
        return None
    name, description = _name_and_description(
        whole, lead_text=" ".join(lead_text.split()), after=after, has_lead=lead is not None
    )
    return Listing(
        name=name,
        section=section,
        description=description,
        phones=find_phones(description),
        locations=find_locations(description),
        links=links,
    )


def _leading_element(item: Tag) -> Tag | None:
    """The bold, strong or link element the listing starts with (after an optional "The")."""
    seen: list[str] = []
    for node in item.descendants:
        if isinstance(node, Tag):
            if node.name in LEADING_TAGS and _is_lead(node):
                return node
        elif type(node) is NavigableString:
            seen.append(str(node))
            if not "the".startswith(" ".join("".join(seen).split()).casefold()):
                return None
    return None


def _is_lead(tag: Tag) -> bool:
    if tag.get_text().strip():
        return True
    # An empty link is a lost name (rule 3); an empty <a id=...> is only an anchor
    # target, and an empty <b>/<strong> is editor debris.
    return tag.name == "a" and not (tag.has_attr("id") or tag.has_attr("name"))


def _name_and_description(
    whole: str, *, lead_text: str, after: str, has_lead: bool
) -> tuple[str, str]:
    if has_lead:
        if not lead_text:
            return "", whole
        if ":" in lead_text or after.lstrip().startswith(":"):
            name, _, rest = whole.partition(":")
            return name.strip(), rest.strip()
        return lead_text, whole
    match = _PLAIN_COLON.match(whole)
    if match:
        return match.group(1).strip(), whole[match.end() :].strip()
    return "", whole


def _links(item: Tag, base_url: str | None) -> list[Link]:
    links: dict[str, Link] = {}
    anchors = (n for n in item.descendants if isinstance(n, Tag) and n.name == "a")
    for anchor in anchors:
        if not anchor.has_attr("href"):
            continue
        url = _absolute(str(anchor["href"]), base_url)
        if url is not None and url not in links:
            label = _text(anchor)
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
