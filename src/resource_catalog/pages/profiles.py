"""Applying a profile's selectors to a page: matching, chrome, the content root.

Selectors are CSS, matched by soupsieve (BeautifulSoup's own engine); this module
writes no selector engine. Simple selectors (``tag``, ``#id``, ``.class``,
``[attr=value]``) are looked up per tag in one walk of the tree instead of one
soupsieve pass each: the same result, several times faster on a large page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Final

import soupsieve
from bs4 import BeautifulSoup, Tag

from resource_catalog._fold import fold
from resource_catalog.errors import ProfileMismatchError
from resource_catalog.pages.text import text_of
from resource_catalog.profile import DEFAULT_CONTENT, Grouping, Profile, SectionFrom

__all__ = [
    "CHROME_SELECTORS",
    "CHROME_TAGS",
    "choose_content",
    "select",
    "select_each",
    "selector_problems",
    "strip_chrome",
]

#: Page chrome removed wherever it appears in the content.
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
    ".sr-only",
    ".screen-reader-text",
    "[role=navigation]",
    "[role=banner]",
    "[role=contentinfo]",
    "[role=complementary]",
    "[role=search]",
    "[role=dialog]",
    "form[role=search]",
    ".search-form",
    ".search-block-form",
    ".skip-link",
)
_HEADING_TAGS: Final = ("h1", "h2", "h3", "h4", "h5", "h6")

_SIMPLE = re.compile(
    r"(?P<name>[a-z][a-z0-9]*)|#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)"
    r"|\[(?P<attr>[\w-]+)=(?P<value>[\w-]+)\]"
)


def selector_problems(profile: Profile) -> list[tuple[str, str, str]]:
    """(where, selector, problem) for every selector of ``profile`` soupsieve cannot parse."""
    found: list[tuple[str, str, str]] = []
    places: list[tuple[str, str | None]] = [
        *((f"content[{i}]", s) for i, s in enumerate(profile.content)),
        *((f"drop[{i}]", s) for i, s in enumerate(profile.drop)),
        ("listings.selector", profile.listings.selector),
        *((f"listings.exclude[{i}]", s) for i, s in enumerate(profile.listings.exclude)),
        ("name.selector", profile.name.selector),
        ("section.selector", profile.section.selector),
    ]
    for where, selector in places:
        if selector is None:
            continue
        try:
            soupsieve.compile(selector)
        except (soupsieve.SelectorSyntaxError, ValueError) as exc:
            first = str(exc).splitlines()[0]
            found.append((where, selector, f"not a CSS selector soupsieve can read: {first}"))
    return found


class _Simple:
    """The simple selectors of a list, indexed by what they match: name, id, class, attribute."""

    def __init__(self, selectors: Sequence[str]) -> None:
        self.other: list[int] = []
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.by_id: dict[str, list[int]] = defaultdict(list)
        self.by_class: dict[str, list[int]] = defaultdict(list)
        self.by_attr: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, selector in enumerate(selectors):
            simple = _SIMPLE.fullmatch(selector.strip())
            if simple is None:
                self.other.append(i)
            elif simple["name"]:
                self.by_name[simple["name"]].append(i)
            elif simple["id"]:
                self.by_id[simple["id"]].append(i)
            elif simple["cls"]:
                self.by_class[simple["cls"]].append(i)
            else:
                self.by_attr[simple["attr"], simple["value"]].append(i)

    def __bool__(self) -> bool:
        return bool(self.by_name or self.by_id or self.by_class or self.by_attr)


def select_each(root: Tag, selectors: Sequence[str]) -> list[list[Tag]]:
    """``[root.select(s) for s in selectors]`` (document order, ``root`` excluded)."""
    found: list[list[Tag]] = [[] for _ in selectors]
    index = _Simple(selectors)
    for i in index.other:
        found[i] = list(root.select(selectors[i]))
    if not index:
        return found
    by_name, by_id, by_class, by_attr = index.by_name, index.by_id, index.by_class, index.by_attr
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


def select(root: Tag, selector: str) -> list[Tag]:
    """``root.select(selector)`` in document order (fast for simple selectors)."""
    return select_each(root, [selector])[0]


def _has_heading(tag: Tag) -> bool:
    return any(isinstance(n, Tag) and n.name in _HEADING_TAGS for n in tag.descendants)


def strip_chrome(root: Tag, extra: Iterable[str] = ()) -> None:
    """Remove page chrome from ``root``: the built-in list, ``extra`` selectors (a
    profile's ``drop``, removed whatever they hold), and ``<header>``/``<footer>``
    elements that carry no heading (HTML5 articles may put their section headings in
    a ``<header>``)."""
    extra = tuple(extra)
    builtin = (*CHROME_TAGS, *CHROME_SELECTORS, "header", "footer")
    found = select_each(root, (*builtin, *extra))
    dropped = {id(tag) for group in found[len(builtin) :] for tag in group}
    for group in found:
        for tag in group:
            if tag.decomposed:
                continue
            keep = tag.name in ("header", "footer") and _has_heading(tag)
            if keep and id(tag) not in dropped:
                continue
            tag.decompose()


def _qualifies(candidate: Tag, profile: Profile, known: set[str] | None) -> bool:
    """Whether a content candidate holds the page's listings (and a known section)."""
    if not select(candidate, profile.listings.selector):
        return False
    rule = profile.section
    if rule.source is SectionFrom.HEADING and rule.required and rule.selector:
        headings = select(candidate, rule.selector)
        if profile.listings.group is Grouping.HEADINGS and not headings:
            return True
        if not headings:
            return False
        if known is not None:
            return any(fold(text_of(h)) in known for h in headings)
    return True


def choose_content(
    soup: BeautifulSoup, profile: Profile, known: set[str] | None
) -> tuple[Tag, str]:
    """The main content (and the selector that found it, or ``"body"``).

    The first candidate of ``profile.content``, in order, that holds the listings (and,
    when the profile reads sections from headings, a section heading, a known one if
    any are known) wins; else the whole body. A profile that names content selectors of
    its own and finds none of them raises :class:`ProfileMismatchError`.
    """
    found = select_each(soup, profile.content)
    for selector, candidates in zip(profile.content, found, strict=True):
        for candidate in candidates:
            if _qualifies(candidate, profile, known):
                return candidate, selector
    if list(profile.content) != list(DEFAULT_CONTENT) and not any(found):
        # A profile that names its page's content must find it: reading the whole page
        # instead would read the chrome.
        wanted = ", ".join(repr(s) for s in profile.content)
        raise ProfileMismatchError(
            "page not recognised: the profile no longer matches the page: content "
            f"selector(s) {wanted} found nothing"
        )
    body = soup.body
    return (body if body is not None else soup), "body"
