"""Text of a parsed page: control characters out, whitespace collapsed, in linear time.

Nothing here edits the tree. :func:`events` walks a subtree once, iteratively (no
recursion, so a page nested 40,000 levels deep is fine), yielding every node as it is
entered and every tag as it is left; the readers in :mod:`resource_catalog.pages.parse`
build all their text from that one walk. :func:`text_of` is the same walk for one
element.

Text is read as a reader sees it: comments, processing instructions and doctypes are
not text; ``<br>`` and the edges of block elements separate words (or lines, when
asked); runs of whitespace, non-breaking spaces included, become one space. C0 and C1
control characters other than whitespace (ESC, BEL, NUL...) are removed from the
page's text before it is parsed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from itertools import repeat
from typing import Final

from bs4 import Tag
from bs4.element import CData, NavigableString, PageElement

from resource_catalog.errors import ParseError

__all__ = [
    "BLOCK_TAGS",
    "Budget",
    "clean_page_text",
    "collapse",
    "events",
    "is_text",
    "spans",
    "table_cells",
    "table_header",
    "text_of",
]

BLOCK_TAGS: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip

# C0 controls but tab, line feed, form feed and carriage return; DEL; the C1 block.
_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


_SURROGATES: Final = re.compile(r"[\ud800-\udfff]")


def clean_page_text(html: str) -> str:
    """The page with control characters removed and lone surrogates read as U+FFFD.

    A page with neither is returned as it is, not copied: a directory page can be
    tens of megabytes, and its copies would be held while its tree is built.
    """
    if _SURROGATES.search(html):
        html = html.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return _CONTROLS.sub("", html)


def collapse(text: str) -> str:
    """Runs of whitespace as one space, ends stripped."""
    return " ".join(text.split())


def is_text(node: PageElement) -> bool:
    """Whether ``node`` is text a reader sees (not a comment, doctype or declaration)."""
    return type(node) is NavigableString or type(node) is CData


class Budget:
    """A time limit over the reading of one page, checked every few thousand nodes."""

    _EVERY = 4096

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._until = None if seconds is None else time.monotonic() + seconds
        self._count = 0

    def tick(self) -> None:
        """Raise :class:`ParseError` once the time is up (looked at every few thousand ticks)."""
        self._count += 1
        if self._count % self._EVERY == 0:
            self.check()

    def check(self) -> None:
        """Raise :class:`ParseError` if the time is up, looking at the clock now: for steps
        each of which may take long (a complex selector over a large page)."""
        if self._until is not None and time.monotonic() > self._until:
            raise ParseError(f"page not recognised: reading it took longer than {self.seconds:g} s")


def events(root: Tag, budget: Budget | None = None) -> Iterator[tuple[PageElement, bool]]:
    """``(node, True)`` for every node of ``root``'s subtree (``root`` included) in document
    order, and ``(tag, False)`` when a tag's subtree has been walked. Linear, iterative."""
    stack: list[tuple[PageElement, bool]] = [(root, True)]
    pop, push, extend = stack.pop, stack.append, stack.extend
    tick = budget.tick if budget is not None else None
    while stack:
        node, entering = pop()
        if tick is not None:
            tick()
        yield node, entering
        if entering and isinstance(node, Tag):
            push((node, False))
            if node.contents:  # children pushed last first, so they come out in order
                extend(zip(reversed(node.contents), repeat(True)))  # noqa: FBT003 (entering)


def spans(root: Tag, budget: Budget | None = None) -> dict[int, tuple[int, int]]:
    """``id(tag) -> (start, end)`` for every tag under ``root`` (``root`` included): the
    tags numbered in document order, ``end`` the number of the tag's last descendant tag.

    ``b`` lies inside ``a`` exactly when ``start(a) < start(b) <= end(a)``, so "does this
    element hold one of those?" is a binary search, not a walk of the element: linear in
    the page, however deeply its elements nest.
    """
    found: dict[int, tuple[int, int]] = {}
    count = 0
    for node, entering in events(root, budget):
        if not isinstance(node, Tag):
            continue
        if entering:
            found[id(node)] = (count, count)
            count += 1
        else:
            found[id(node)] = (found[id(node)][0], count - 1)
    return found


def text_of(tag: Tag, *, lines: bool = False, budget: Budget | None = None) -> str:
    """The text of ``tag`` as a reader sees it: collapsed to one line, or (``lines``) one
    line per ``<br>`` or block, each collapsed, empty lines dropped."""
    pieces: list[str] = []
    gap = "\n" if lines else " "
    for node, entering in events(tag, budget):
        if isinstance(node, Tag):
            if node.name == "br" or node.name in BLOCK_TAGS:
                pieces.append(gap)
        elif entering and is_text(node):
            pieces.append(str(node))
    text = "".join(pieces)
    if not lines:
        return collapse(text)
    return "\n".join(c for line in text.split("\n") if (c := collapse(line)))


def table_cells(row: Tag) -> list[Tag]:
    """The cells of a table row."""
    return [c for c in row.children if isinstance(c, Tag) and c.name in ("td", "th")]


def _bold_only(cell: Tag) -> bool:
    text = text_of(cell)
    bold = " ".join(text_of(b) for b in cell.find_all(("strong", "b")))
    return bool(text) and collapse(bold) == text


def table_header(table: Tag) -> Tag | None:
    """The row that names a table's columns: in ``<thead>``, the first row when it is all
    ``<th>``, or when every filled cell of it is bold and the next row's are not (an
    editor's header row in a table without ``<th>``)."""
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table][:2]
    if not rows or not (cells := table_cells(rows[0])):
        return None
    first = rows[0]
    if (first.parent is not None and first.parent.name == "thead") or all(
        c.name == "th" for c in cells
    ):
        return first
    filled = [c for c in cells if text_of(c)]
    after = [c for c in table_cells(rows[1]) if text_of(c)] if len(rows) > 1 else []
    if filled and all(map(_bold_only, filled)) and after and not all(map(_bold_only, after)):
        return first
    return None
