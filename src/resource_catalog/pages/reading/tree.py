"""Building a page's tree as a browser would: lxml, implied table parts, a depth limit.

:func:`build_tree` parses with lxml (HTML's optional-end-tag rules: ``<li>`` without
``</li>`` ends at the next ``<li>``) into a BeautifulSoup tree, with three things a
browser does and BeautifulSoup's builders do not:

* a ``<tr>`` directly in a ``<table>`` gets its implied ``<tbody>``, and a ``<col>``
  its implied ``<colgroup>``, so a selector copied from a browser's inspector
  (``table tbody tr``) matches whether or not the page wrote the optional tags;
* nesting stops at :data:`MAX_DEPTH` elements, as in Chromium and WebKit: deeper
  elements are left out and their text goes to the deepest element kept (a block or
  ``<br>`` left out still separates words). BeautifulSoup's tree building costs time
  in proportion to the depth for each node, so without a bound a page nested 40,000
  levels deep takes minutes to build; with it, building is linear in the page size;
* the reading's :class:`~resource_catalog.pages.text.Budget` is ticked for every
  element, so building the tree counts against the time a page may take.
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any, Final

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning

from resource_catalog.pages.text import BLOCK_TAGS, Budget

__all__ = ["MAX_DEPTH", "build_tree"]

#: The deepest element kept (Chromium's and WebKit's limit for the HTML parser).
MAX_DEPTH: Final = 512
_VOID: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
#: Start tags that end an implied ``<tbody>`` or ``<colgroup>`` (a new table part).
_TABLE_PARTS: Final = frozenset({"caption", "colgroup", "thead", "tbody", "tfoot"})


class _Soup(BeautifulSoup):
    """A BeautifulSoup tree built with the rules of the module docstring."""

    def __init__(self, markup: str, features: str, budget: Budget | None) -> None:
        self._budget = budget
        super().__init__(markup, features)

    def reset(self) -> None:
        super().reset()
        self._left_out: Counter[str] = Counter()  # open elements left out, by name
        self._implied: set[int] = set()  # ids of the implied tbody/colgroup elements
        self._gap = False  # a block or <br> left out since the last text

    def handle_starttag(
        self,
        name: str,
        namespace: str | None,
        nsprefix: str | None,
        attrs: Any,
        sourceline: int | None = None,
        sourcepos: int | None = None,
        namespaces: dict[str, str] | None = None,
    ) -> Tag | None:
        if self._budget is not None:
            self._budget.tick()
        if len(self.tagStack) > MAX_DEPTH:
            if name not in _VOID:
                self._left_out[name] += 1
            self._gap = self._gap or name == "br" or name in BLOCK_TAGS
            return None
        current = self.currentTag
        if (
            current is not None
            and id(current) in self._implied
            and (name in _TABLE_PARTS or (current.name == "colgroup" and name != "col"))
        ):
            self.endData()
            self.popTag()  # an implied part ends where the next part begins
            current = self.currentTag
        if current is not None and current.name == "table":
            implied = {"tr": "tbody", "col": "colgroup"}.get(name)
            if implied is not None:
                part = super().handle_starttag(implied, namespace, nsprefix, {})
                if part is not None:
                    self._implied.add(id(part))
        return super().handle_starttag(
            name, namespace, nsprefix, attrs, sourceline, sourcepos, namespaces
        )

    def handle_endtag(self, name: str, nsprefix: str | None = None) -> None:
        if self._left_out[name]:
            self._left_out[name] -= 1
            self._gap = self._gap or name in BLOCK_TAGS
            return
        super().handle_endtag(name, nsprefix)

    def handle_data(self, data: str) -> None:
        if self._gap:  # one line break before the next text, not one string per element
            self._gap = False
            super().handle_data("\n")
        super().handle_data(data)


def build_tree(html: str, parser: str = "lxml", budget: Budget | None = None) -> BeautifulSoup:
    """The tree of ``html``, built by ``parser`` (a BeautifulSoup tree builder name).

    Raises whatever BeautifulSoup raises for an unknown parser or rejected markup, and
    :class:`~resource_catalog.errors.ParseError` when ``budget`` runs out.
    """
    with warnings.catch_warnings():
        # bs4 warns when markup looks like a URL or file name, or like XML; a page
        # is what it is, and the caller reports it if it is not ours.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return _Soup(html, parser, budget)
