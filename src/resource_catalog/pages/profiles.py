"""Applying a profile's selectors to a page: matching, chrome, the content root.

Selectors are CSS, matched by soupsieve (BeautifulSoup's own engine); this module
writes no selector engine. Simple selectors (``tag``, ``#id``, ``.class``,
``[attr=value]``) are looked up per tag in one walk of the tree instead of one
soupsieve pass each: the same result, several times faster on a large page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import soupsieve
from bs4 import BeautifulSoup, Tag

from resource_catalog.contacts.fold import fold
from resource_catalog.errors import CatalogError, ProfileMismatchError
from resource_catalog.pages.text import Budget, spans, text_of
from resource_catalog.profile import DEFAULT_CONTENT, Grouping, Profile, SectionFrom

__all__ = [
    "CHROME_SELECTORS",
    "CHROME_TAGS",
    "choose_content",
    "refuse_bad_selectors",
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
#: One compound selector that starts with a tag name (``form[role=search]``,
#: ``li:first-child``): only elements of that name can match, so only they are tried.
_NAMED = re.compile(r"(?P<name>[a-z][a-z0-9]*)[\[.#:][^\s>+~,()]*(?:\([^\s>+~,()]*\))?")
#: A compound of a tag name with ids and classes only (``div.views-row``,
#: ``section#main.wide``): matched here, as soupsieve would, without building a matcher
#: for every element tried (most of the time inference spends choosing a content root).
_PLAIN = re.compile(r"(?P<name>[a-z][a-z0-9]*)(?P<parts>(?:#[\w-]+|\.[\w-]+)+)")


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


def refuse_bad_selectors(profile: Profile, whose: str = "the profile") -> None:
    """Raise :class:`CatalogError` naming every selector of ``profile`` that does not parse.

    The same check as ``validate``'s, run before a page is read through a profile that
    validate never saw (``--profile FILE``, a hand-edited catalog.json read without
    validating it), so a typo is one clear message, not a traceback.
    """
    problems = selector_problems(profile)
    if problems:
        listed = "; ".join(f"{where} {selector!r}: {why}" for where, selector, why in problems)
        raise CatalogError(f"{whose} has a selector that does not parse: {listed}")


class _Simple:
    """The simple selectors of a list, indexed by what they match: name, id, class, attribute.

    A selector list of simple selectors (``h2, h3, h4``) and compounds that start with a
    tag name (``form[role=search]``) is indexed part by part, a compound tried (by
    soupsieve) only on elements of its name; anything else is left to soupsieve
    (``other``).
    """

    def __init__(self, selectors: Sequence[str]) -> None:
        self.other: list[int] = []
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.by_id: dict[str, list[int]] = defaultdict(list)
        self.by_class: dict[str, list[int]] = defaultdict(list)
        self.by_attr: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.named: dict[str, list[tuple[int, soupsieve.SoupSieve | _Parts]]] = defaultdict(list)
        for i, selector in enumerate(selectors):
            parts = [part.strip() for part in selector.split(",")]
            if not all(_SIMPLE.fullmatch(part) or _NAMED.fullmatch(part) for part in parts):
                self.other.append(i)
                continue
            for part in parts:
                simple = _SIMPLE.fullmatch(part)
                named = _NAMED.fullmatch(part)
                if simple is None:
                    plain = _PLAIN.fullmatch(part)
                    if plain is not None:
                        self.named[plain["name"]].append((i, _Parts.of(plain["parts"])))
                    elif named is not None:
                        self.named[named["name"]].append((i, soupsieve.compile(part)))
                elif simple["name"]:
                    self.by_name[simple["name"]].append(i)
                elif simple["id"]:
                    self.by_id[simple["id"]].append(i)
                elif simple["cls"]:
                    self.by_class[simple["cls"]].append(i)
                else:
                    self.by_attr[simple["attr"], simple["value"]].append(i)

    def __bool__(self) -> bool:
        return bool(self.by_name or self.by_id or self.by_class or self.by_attr or self.named)


@dataclass(frozen=True)
class _Parts:
    """The ids and classes of a compound after its tag name."""

    ids: frozenset[str]
    classes: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Parts:
        found = list(_SIMPLE.finditer(text))
        return cls(
            frozenset(m["id"] for m in found if m["id"]),
            frozenset(m["cls"] for m in found if m["cls"]),
        )

    def match(self, node: Tag) -> bool:
        """Whether ``node`` (already of the compound's name) has every id and class."""
        if self.ids and any(node.get("id") != i for i in self.ids):
            return False
        return self.classes <= set(node.get_attribute_list("class"))


def select_each(
    root: Tag, selectors: Sequence[str], budget: Budget | None = None
) -> list[list[Tag]]:
    """``[root.select(s) for s in selectors]`` (document order, ``root`` excluded).

    With ``budget``, the time is looked at before each selector soupsieve runs over the
    whole of ``root``, so thousands of complex selectors stop at the deadline."""
    found: list[list[Tag]] = [[] for _ in selectors]
    index = _Simple(selectors)
    for i in index.other:
        if budget is not None:
            budget.check()
        found[i] = list(root.select(selectors[i]))
    if not index:
        return found
    by_name, by_id, by_class, by_attr = index.by_name, index.by_id, index.by_class, index.by_attr
    named = index.named
    attrs = {attr for attr, _ in by_attr}
    for node in root.descendants:
        if not isinstance(node, Tag):
            continue
        if budget is not None:
            budget.tick()
        hits: set[int] = set(by_name.get(node.name or "", ()))
        for i, compiled in named.get(node.name or "", ()):
            if i not in hits and compiled.match(node):
                hits.add(i)
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


def _holds(span: tuple[int, int], starts: Sequence[int]) -> bool:
    """Whether one of the sorted tag numbers ``starts`` lies inside ``span`` (see :func:`spans`)."""
    i = bisect_right(starts, span[0])
    return i < len(starts) and starts[i] <= span[1]


def strip_chrome(root: Tag, extra: Iterable[str] = (), budget: Budget | None = None) -> None:
    """Remove page chrome from ``root``: the built-in list, ``<header>``/``<footer>``
    elements that carry no heading (HTML5 articles may put their section headings in a
    ``<header>``), then the ``extra`` selectors. Linear in the size of ``root``."""
    builtin = len(CHROME_TAGS) + len(CHROME_SELECTORS)
    found = select_each(root, (*CHROME_TAGS, *CHROME_SELECTORS, "header", "footer", *extra), budget)
    _decompose(t for group in found[:builtin] for t in group)
    boxes = [t for group in found[builtin : builtin + 2] for t in group if not _gone(t)]
    if boxes:
        where = spans(root, budget)
        headings = sorted(
            where[id(h)][0] for group in select_each(root, _HEADING_TAGS) for h in group
        )
        _decompose(box for box in boxes if not _holds(where[id(box)], headings))
    _decompose(t for group in found[builtin + 2 :] for t in group)


def _gone(tag: Tag) -> bool:
    """Whether ``tag`` was removed with an element around it. (``Tag.decomposed`` would
    search the whole element for a child tag named ``_decomposed`` when it was not.)"""
    return bool(vars(tag).get("_decomposed", False))


def _decompose(tags: Iterable[Tag]) -> None:
    for tag in tags:
        if not _gone(tag):
            tag.decompose()


def choose_content(
    soup: BeautifulSoup, profile: Profile, known: set[str] | None, budget: Budget | None = None
) -> tuple[Tag, str]:
    """The main content (and the selector that found it, or ``"body"``).

    The first candidate of ``profile.content``, in order, that holds the listings (and,
    when the profile reads sections from headings, a section heading, a known one if
    any are known) wins; else the whole body. A profile with no content selectors reads
    the whole body. A profile that names content selectors of its own and finds none of
    them raises :class:`ProfileMismatchError`. Linear in the page, however many
    candidates nest inside each other.
    """
    body = soup.body
    fallback = (body if body is not None else soup), "body"
    rule = profile.section
    heading_rule = rule.source is SectionFrom.HEADING and rule.required and rule.selector
    wanted = [*profile.content, profile.listings.selector]
    if heading_rule:
        wanted.append(rule.selector or "")
    if not profile.content:
        # no content element: the listings sit in the body itself (an old table layout,
        # a list straight in <body>); the chrome is stripped from it as anywhere
        return fallback
    found = select_each(soup, wanted, budget)
    candidates = found[: len(profile.content)]
    if not any(candidates):
        if list(profile.content) != list(DEFAULT_CONTENT):
            # A profile that names its page's content must find it: reading the whole
            # page instead would read the chrome.
            named = ", ".join(repr(s) for s in profile.content)
            raise ProfileMismatchError(
                "page not recognised: the profile no longer matches the page: content "
                f"selector(s) {named} found nothing"
            )
        return fallback
    where = spans(soup, budget)
    listings = sorted(where[id(t)][0] for t in found[len(profile.content)])
    headings = found[len(profile.content) + 1] if heading_rule else []
    heading_at = sorted(where[id(h)][0] for h in headings)
    known_at = _known_headings(headings, where, known, budget) if known is not None else None
    for selector, group in zip(profile.content, candidates, strict=True):
        for candidate in group:
            span = where[id(candidate)]
            if not _holds(span, listings):
                continue
            if heading_rule:
                has = _holds(span, heading_at)
                if not has and profile.listings.group is not Grouping.HEADINGS:
                    continue
                if has and known_at is not None and not _holds(span, known_at):
                    continue
            return candidate, selector
    return fallback


def _known_headings(
    headings: Sequence[Tag],
    where: dict[int, tuple[int, int]],
    known: set[str],
    budget: Budget | None,
) -> list[int]:
    """The numbers of the headings whose text is a known section. A heading nested in
    another is part of the outer one's text, and only the outer one is read (as the walk
    in :mod:`resource_catalog.pages.parse` reads it), so no text is read twice."""
    found: list[int] = []
    outer_end = -1
    for heading in headings:  # in document order
        start, end = where[id(heading)]
        if start <= outer_end:
            continue
        outer_end = end
        if fold(text_of(heading, budget=budget)) in known:
            found.append(start)
    return found
