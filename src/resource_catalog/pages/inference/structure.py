"""What a page is made of, for profile inference: its chrome, its repeated structures.

Works on one tree of the page, parsed as :mod:`resource_catalog.pages.parse` parses it,
and never edits it. :class:`PageTree` knows

* the page chrome: what the reader strips anyway (:data:`CHROME_TAGS`,
  :data:`CHROME_SELECTORS`, headers and footers without headings), plus what only
  looks like chrome (class or id words such as ``sidebar``, ``widget``, ``breadcrumb``,
  ``cookie``; headers and footers outside the article; hidden blocks that are mostly
  links, such as off-canvas menus). Hidden panels of prose (accordions) are content.
* the repeated structures outside the chrome: elements that share a tag and a class
  (``div.card``), or a parent and a tag (``ul.quick-links > li``), at least twice.
* stable selectors for an element (id or class without digits, never positions).

Nothing here knows a particular page: every rule is about markup in general.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from bs4 import BeautifulSoup, Tag

from resource_catalog.pages.profiles import CHROME_SELECTORS, CHROME_TAGS, select, select_each
from resource_catalog.profile import DEFAULT_CONTENT

__all__ = ["HEADINGS", "Group", "PageTree", "heading_level"]

HEADINGS: Final = ("h1", "h2", "h3", "h4", "h5", "h6")
#: Elements that can be one listing.
_MEMBER_TAGS: Final = frozenset(
    {"li", "dt", "p", "div", "article", "section", "tr", "details"} | set(HEADINGS[1:])
)
#: Elements whose lines an editor may break with ``<br>`` to write a list.
_LINE_BLOCKS: Final = frozenset({"p", "div", "li", "td", "dd", "span", "blockquote"})
#: Class words that say "state" or "position", not "what this is".
_STATE_WORDS: Final = frozenset(
    {
        "even", "odd", "first", "last", "active", "clearfix", "leaf", "expanded", "collapsed",
        "show", "open", "hidden", "trail", "current", "selected", "is", "has", "js",
        "processed", "once", "visible", "invisible", "focusable", "sr", "only", "collapse",
    }
)  # fmt: skip
#: Class or id words of page chrome.
_CHROME_WORDS: Final = frozenset(
    {
        "sidebar", "sidebars", "widget", "widgets", "footer", "breadcrumb", "breadcrumbs",
        "menu", "navbar", "nav", "navigation", "cookie", "cookies", "consent", "alert",
        "alerts", "banner", "social", "share", "sharing", "highlighted", "offcanvas",
        "canvas", "skip", "pager", "pagination", "related", "masthead", "toolbar", "utility",
        "search", "subnav", "megamenu", "drawer", "byline", "tags", "promo", "advert",
        "announcement",
    }
)  # fmt: skip
#: Words that say where a block sits, not what it is ("site-footer", "region-sidebar").
_LAYOUT_WORDS: Final = frozenset(
    {
        "site", "region", "block", "area", "page", "main", "top", "bottom", "primary",
        "secondary", "global", "first", "second", "third", "left", "right", "inner", "outer",
        "wrapper", "wrap", "container", "dynamic", "content", "links", "link", "list", "posts",
        "text", "buttons", "icons", "bar", "section", "zone", "col", "column", "items", "item",
        "fluid", "layout", "mobile", "desktop", "has", "with", "box", "panel", "sub",
        "level", "default", "full", "width", "header", "row", "holder", "side",
    }
)  # fmt: skip
_WORD: Final = re.compile(r"[a-z]+")
_STABLE: Final = re.compile(r"[A-Za-z][A-Za-z_-]{0,40}")
_HIDDEN_STYLE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: A block that is more link text than this share of its text, with a few links, is a menu.
_LINKY: Final = 0.6
#: An element holding more than this share of the body's text is the page, not chrome.
_PAGE_SHARE: Final = 0.4


def heading_level(tag: Tag) -> int | None:
    """1-6 for ``<h1>``-``<h6>``, else ``None``."""
    name = tag.name or ""
    return int(name[1]) if name in HEADINGS else None


def _words(value: str) -> list[str]:
    return _WORD.findall(value.lower())


def stable_classes(tag: Tag) -> list[str]:
    """The element's classes that name what it is (no digits, no state words)."""
    found = []
    for value in tag.get_attribute_list("class"):
        cls = str(value or "")
        if _STABLE.fullmatch(cls) and not _STATE_WORDS.intersection(_words(cls)):
            found.append(cls)
    return found


def _stable_id(tag: Tag) -> str | None:
    value = tag.get("id")
    if isinstance(value, str) and _STABLE.fullmatch(value):
        return value
    return None


@dataclass(frozen=True)
class Group:
    """Elements that repeat, and the selectors that name them (simplest first)."""

    selectors: tuple[str, ...]
    members: tuple[Tag, ...]

    @property
    def tag(self) -> str:
        """The members' tag name."""
        return self.members[0].name or ""


#: The parts of a table that hold its rows.
_TABLE_SECTIONS = frozenset({"thead", "tbody", "tfoot"})


class PageTree:
    """One parsed page: its chrome, text lengths, and the structures that repeat."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        body = soup.body
        self.body: Tag = body if body is not None else soup
        self.h1 = self.body.find("h1")
        self.sizes: dict[int, int] = {}
        self._measure()
        self.total = max(1, self.sizes.get(id(self.body), 1))
        self.class_counts: Counter[str] = Counter()
        for tag in self.body.find_all(name=True):
            self.class_counts.update(stable_classes(tag))
        self.builtin: set[int] = set()
        self.chrome_roots: list[Tag] = []
        self.chrome: set[int] = set()
        self._mark_chrome()
        self._marks: bool | None = None

    # -- measuring ------------------------------------------------------------------

    def _measure(self) -> None:
        """Characters of visible text under every element, in one pass."""
        order = list(self.body.find_all(name=True))
        order.insert(0, self.body)
        for tag in reversed(order):
            own = sum(len(str(s).strip()) for s in tag.find_all(string=True, recursive=False))
            kids = sum(self.sizes.get(id(c), 0) for c in tag.children if isinstance(c, Tag))
            if tag.name in ("script", "style", "template", "noscript"):
                own, kids = 0, 0
            self.sizes[id(tag)] = own + kids

    def size(self, tag: Tag) -> int:
        """Characters of text under ``tag`` (scripts and styles aside)."""
        return self.sizes.get(id(tag), 0)

    def link_share(self, tag: Tag) -> float:
        """The share of ``tag``'s text that is link text."""
        links = sum(self.size(a) for a in tag.find_all("a") if a.find_parent("a") is None)
        return links / max(1, self.size(tag))

    # -- chrome -----------------------------------------------------------------------

    def _mark_chrome(self) -> None:
        selectors = (*CHROME_TAGS, *CHROME_SELECTORS, "header", "footer")
        for found in select_each(self.body, selectors):
            for tag in found:
                if tag.name in ("header", "footer") and self._article_part(tag):
                    continue
                self.builtin.add(id(tag))
                self.chrome_roots.append(tag)
        for tag in self.body.find_all(name=True):
            if id(tag) not in self.builtin and self._looks_like_chrome(tag):
                self.chrome_roots.append(tag)
        for root in self.chrome_roots:
            self.chrome.add(id(root))
            self.chrome.update(id(t) for t in root.find_all(name=True))

    def _article_part(self, tag: Tag) -> bool:
        """A header or footer that belongs to the content (holds the title or headings)."""
        if self.h1 is not None and (tag is self.h1 or self.h1 in tag.descendants):
            return True
        return tag.find_parent("article") is not None and tag.find(HEADINGS) is not None

    def _is_page(self, tag: Tag) -> bool:
        """Whether ``tag`` holds the page itself (its title, or much of its text)."""
        if tag.name in ("html", "body", "main"):
            return True
        if self.h1 is not None and self.h1 in tag.descendants:
            return True
        return self.size(tag) > _PAGE_SHARE * self.total

    def _looks_like_chrome(self, tag: Tag) -> bool:
        # a class or id made of chrome words and layout words only: "widget-area",
        # "site-footer", "menu--main"; not "elementor-widget" or "get-help-now"
        words: set[str] = set()
        for value in [*map(str, tag.get_attribute_list("class")), str(tag.get("id") or "")]:
            # words of one or two letters are a theme's prefixes ("sd-sharing", "wp-"),
            # but "no-footer" says what a block has not
            every = _words(value)
            if "no" in every:
                continue
            found = {w for w in every if len(w) > 2}  # noqa: PLR2004
            if found & _CHROME_WORDS and found <= _CHROME_WORDS | _LAYOUT_WORDS:
                words |= found
            elif "header" in found and found <= _LAYOUT_WORDS and tag.find(HEADINGS) is None:
                # a block named as the page's header (``div#header``) is chrome like a
                # <header>: unless it holds a heading (a card's or an entry's header)
                words.add("header")
        hidden = (
            tag.has_attr("hidden")
            or str(tag.get("aria-hidden", "")).lower() == "true"
            or bool(_HIDDEN_STYLE.search(str(tag.get("style", ""))))
        )
        if not (words or hidden or tag.name in ("header", "footer")):
            return self._contents_list(tag)
        if self._is_page(tag):
            return False
        if hidden and not words and tag.name not in ("header", "footer"):
            # a hidden accordion panel is content; a hidden menu is mostly links
            return len(tag.find_all("a")) >= 3 and self.link_share(tag) > _LINKY  # noqa: PLR2004
        return True

    def _contents_list(self, tag: Tag) -> bool:
        """A list of links to anchors on this page, one an item: a way around it."""
        items = tag.find_all("li", recursive=False) if tag.name in ("ul", "ol") else []
        return len(items) > 1 and all(
            len(a := item.find_all("a")) == 1
            and re.match(r"#.", str(a[0].get("href") or "")) is not None
            and self.size(a[0]) >= self.size(item)
            for item in items
        )

    def marks_content(self) -> bool:
        """Whether the page marks its main content with an element a profile's default
        content selectors find (``main``, ``#content``, ``article``...) outside its chrome."""
        if self._marks is None:
            found = select_each(self.body, DEFAULT_CONTENT)
            self._marks = any(not self.is_chrome(t) for group in found for t in group)
        return self._marks

    def is_chrome(self, tag: Tag) -> bool:
        """Whether ``tag`` is page chrome or inside it."""
        return id(tag) in self.chrome

    def chrome_inside(self, root: Tag) -> list[Tag]:
        """The chrome blocks inside ``root`` that the reader would not strip by itself."""
        inside = {id(t) for t in root.find_all(name=True)}
        found = []
        for tag in self.chrome_roots:
            parent = tag.parent
            nested = parent is not None and id(parent) in self.chrome
            if id(tag) in inside and id(tag) not in self.builtin and not nested:
                found.append(tag)
        return found

    # -- selectors ---------------------------------------------------------------------

    def signature(self, tag: Tag) -> str:
        """``tag.class`` with the element's rarest stable class, else the tag name."""
        classes = stable_classes(tag)
        if not classes:
            return tag.name or ""
        rarest = min(classes, key=lambda c: (self.class_counts[c], -len(c)))
        return f"{tag.name}.{rarest}"

    def own_selectors(self, tag: Tag) -> list[str]:
        """Stable selectors naming ``tag`` itself: id, then tag.class (rarest first), tag."""
        found = []
        if (ident := _stable_id(tag)) is not None:
            found.append(f"#{ident}")
        classes = sorted(stable_classes(tag), key=lambda c: (self.class_counts[c], -len(c)))
        found += [f"{tag.name}.{c}" for c in classes]
        if tag.name in ("main", "article"):
            found.append(tag.name or "")
        return found

    # -- repeated structures -------------------------------------------------------------

    def groups(self) -> list[Group]:
        """Elements outside the chrome that repeat, by signature and by parent + signature.

        Nested lists also give their inner items (``li > ul > li``). Groups whose
        members are the same elements are given once, with the simplest selector.
        """
        keyed: dict[str, list[Tag]] = defaultdict(list)
        for tag in self.body.find_all(name=True):
            if tag.name not in _MEMBER_TAGS or self.is_chrome(tag) or not self.size(tag):
                continue
            sig = self.signature(tag)
            keyed[sig].append(tag)
            parent = tag.parent
            if isinstance(parent, Tag) and parent is not self.body:
                keyed[f"{self.signature(parent)} > {sig}"].append(tag)
                grand = parent.parent
                if isinstance(grand, Tag) and grand.name in ("li", "dd"):
                    keyed[f"{grand.name} > {self.signature(parent)} > {sig}"].append(tag)
                if isinstance(grand, Tag) and parent.name in _TABLE_SECTIONS:
                    # a row's parent is a tbody (often implied, never with a class):
                    # the table names the group, as it would without the tbody
                    keyed[f"{self.signature(grand)} > {parent.name} > {sig}"].append(tag)
        by_members: dict[tuple[int, ...], Group] = {}
        for selector, tags in sorted(keyed.items(), key=lambda kv: len(kv[0])):
            top = tuple(_outermost(tags))
            key = tuple(id(t) for t in top)
            if len(top) < 2:  # noqa: PLR2004
                continue
            held = by_members.get(key)
            if held is None:
                by_members[key] = Group((selector,), top)
            else:
                by_members[key] = Group((*held.selectors, selector), top)
        return list(by_members.values())

    def line_blocks(self) -> list[Group]:
        """Elements outside the chrome whose lines are split by ``<br>`` (two or more
        breaks among their children), by signature: ``p:has(> br)``."""
        breaks: Counter[int] = Counter()
        blocks: dict[int, Tag] = {}
        for br in self.body.find_all("br"):
            block = br.parent
            if isinstance(block, Tag) and block.name in _LINE_BLOCKS and not self.is_chrome(block):
                breaks[id(block)] += 1
                blocks.setdefault(id(block), block)
        keyed: dict[str, list[Tag]] = defaultdict(list)
        for key, block in blocks.items():
            if breaks[key] >= 2:  # noqa: PLR2004
                keyed[f"{self.signature(block)}:has(> br)"].append(block)
        return [Group((sel,), tuple(_outermost(tags))) for sel, tags in keyed.items()]

    def fitting(self, root: Tag, group: Group) -> str | None:
        """The first of the group's selectors that matches its members inside ``root``
        and little else (a stray item or two: the reading judges them)."""
        members = {id(m) for m in group.members}
        for selector in group.selectors:
            hits = _outermost(
                t for t in select(root, selector) if self.size(t) and not self.is_chrome(t)
            )
            found = {id(t) for t in hits}
            if members <= found and len(found - members) * 4 <= len(members):
                return selector
        return None

    def content_root(self, members: Sequence[Tag]) -> Tag:
        """The lowest element holding every member that is more than their list."""
        root = lowest_common_ancestor(members)
        while isinstance(root.parent, Tag) and root is not self.body:
            listy = root.name in ("ul", "ol", "dl", "table", "tbody", "thead", "tr")
            # a heading just before the block titles it: the section is part of the content
            titled = (before := root.find_previous_sibling()) is not None and heading_level(
                before
            ) not in (None, 1)
            if not (listy or titled or any(root is m for m in members)):
                break
            root = root.parent
        return root

    def text(self, tag: Tag) -> str:
        """The text of ``tag`` without its chrome, as one line."""
        pieces = []
        for node in tag.find_all(string=True):
            parent = node.parent
            if parent is None or self.is_chrome(parent):
                continue
            if parent.name in ("script", "style", "template", "noscript"):
                continue
            pieces.append(str(node))
        return " ".join(" ".join(pieces).split())


def _outermost(tags: Iterable[Tag]) -> list[Tag]:
    """``tags`` without those inside another of them, in document order."""
    tags = list(tags)
    chosen = {id(t) for t in tags}
    return [t for t in tags if not any(id(p) in chosen for p in t.parents)]


def lowest_common_ancestor(tags: Sequence[Tag]) -> Tag:
    """The deepest element that holds all of ``tags`` (one tag: its parent)."""
    first = tags[0]
    path = [p for p in first.parents if isinstance(p, Tag)]
    if len(tags) == 1:
        return path[0] if path else first
    ranks = {id(p): i for i, p in enumerate(path)}
    deepest = 0
    for tag in tags[1:]:
        for parent in tag.parents:
            if id(parent) in ranks:
                deepest = max(deepest, ranks[id(parent)])
                break
    return path[deepest]


def matches_within(root: Tag, selector: str) -> list[Tag]:
    """The outermost elements ``selector`` matches inside ``root``."""
    return _outermost(select(root, selector))
