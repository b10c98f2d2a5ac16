"""Offices written under headings of two levels: a reading of both levels at once.

A page may give one office an ``h2`` of its own and group others under an ``h2`` with
an ``h3`` each (or h3 and h4 from one section to the next). A reading of either level
alone misses the other level's offices, or reads the group's heading as an office. The
version 4 ``headings`` reading of both levels (``h2, h3``) takes a heading with nothing
under it but deeper headings as their section, and the others as listings; this module
proposes it when the page has both kinds of upper heading.
"""

from __future__ import annotations

from typing import Any, Final

from bs4 import Tag
from bs4.element import NavigableString

from resource_catalog.pages.inference.structure import HEADINGS, Group, PageTree, heading_level
from resource_catalog.pages.text import is_text

__all__ = ["mixed_levels"]

#: Nodes looked at after a heading to see what follows it (a bound, not a rule).
_LOOK_AHEAD: Final = 400


def mixed_levels(tree: PageTree, group: Group, root: Tag) -> tuple[Group, dict[str, Any]] | None:
    """The group of ``group``'s headings and the headings one level up inside ``root``,
    with the rules that read both levels, when some of the upper headings hold text of
    their own (an office) and some hold nothing but the group's headings (a section)."""
    level = heading_level(group.members[0])
    if level is None or level < 3 or any(heading_level(m) != level for m in group.members):  # noqa: PLR2004
        return None
    upper = [h for h in root.find_all(f"h{level - 1}") if not tree.is_chrome(h) and tree.size(h)]
    follows = [_next_heading(h) for h in upper]
    heads = sum(1 for nxt in follows if nxt is not None and nxt[1] == level and not nxt[0])
    own = sum(1 for nxt in follows if nxt is None or nxt[0])
    if not (heads and own):
        return None
    inside = {id(m) for m in group.members}
    members = [*group.members, *(h for h in upper if id(h) not in inside)]
    order = {id(t): i for i, t in enumerate(root.find_all(name=True))}
    members.sort(key=lambda t: order.get(id(t), 0))
    selector = f"h{level - 1}, h{level}"
    rules = {"version": 4, "listings": {"group": "headings", "selector": selector}}
    return Group((selector,), tuple(members)), rules


def _next_heading(heading: Tag) -> tuple[bool, int] | None:
    """(whether text comes first, the level) of the next heading after ``heading``, or
    ``None`` when none comes within the look-ahead."""
    text = False
    for seen, node in enumerate(heading.next_elements):
        if seen > _LOOK_AHEAD:
            return None
        if isinstance(node, NavigableString):
            if is_text(node) and heading not in node.parents:  # (not a comment)
                text = text or bool(str(node).strip())
            continue
        if isinstance(node, Tag) and node.name in HEADINGS and node is not heading:
            if heading in node.parents:
                continue
            return text, heading_level(node) or 0
    return None
