"""Scoping a candidate reading to the page: its content root, chrome, sections, region.

Each candidate profile (:mod:`resource_catalog.pages.inference.candidates`) is given the stablest
selector of the element that holds its listings (an id or class, never a position), the
chrome inside that element the reader would not drop by itself, and its sections: the
heading-like elements above the listings that rank above the headings naming them, or
none.
"""

from __future__ import annotations

from typing import Any

from bs4 import Tag

from resource_catalog.pages.inference.structure import HEADINGS, Group, PageTree, heading_level
from resource_catalog.pages.profiles import choose_content, select
from resource_catalog.pages.text import text_of
from resource_catalog.profile import Profile

__all__ = ["scoped_profile"]


def scoped_profile(
    tree: PageTree,
    group: Group,
    root: Tag,
    rules: dict[str, Any],
    region: str,
    own_campus: bool = True,
) -> Profile | None:
    """The profile of ``rules`` with its content root, chrome to drop, sections, region
    and campus (``None`` when the rules make no valid profile)."""
    section = rules.get("section") or _section_rule(tree, root, group, rules)
    base: dict[str, Any] = {**rules, "section": section}
    if region != "US":
        base["region"] = region
    if not own_campus:
        base["campus"] = "none"
    for node in [root, *root.parents]:
        if not isinstance(node, Tag) or node.name in ("html", "[document]"):
            break
        if node is tree.body and tree.marks_content():
            return None  # the listings run out of the page's main content (see below)
        for own in tree.own_selectors(node):
            drops = _drops(tree, node, group)
            try:
                profile = Profile.model_validate({**base, "content": [own], "drop": drops})
            except ValueError:
                return None
            chosen, _ = choose_content(tree.soup, profile, None)
            if chosen is node:
                return profile
    if tree.marks_content():
        # the page marks its main content and the listings are not all inside it: they
        # run into the chrome around it (a top bar's links, a footer's)
        return None
    # a page that marks no main content (an old table layout, a list straight in the
    # body): the whole body, less the chrome that the reader would not strip by itself
    # (a ``div#footer``, a breadcrumb trail)
    try:
        profile = Profile.model_validate(
            {**base, "content": [], "drop": _drops(tree, tree.body, group)}
        )
    except ValueError:
        return None
    return profile


def _drops(tree: PageTree, root: Tag, group: Group) -> list[str]:
    """Stable selectors for the chrome inside ``root`` that holds none of the members."""
    drops: list[str] = []
    members = {id(m) for m in group.members}
    for chrome in tree.chrome_inside(root):
        if any(id(t) in members for t in chrome.find_all(name=True)):
            continue
        for own in tree.own_selectors(chrome) or [chrome.name or ""]:
            hits = select(root, own)
            held = (id(t) in members or any(id(m) in members for m in t.descendants) for t in hits)
            if any(held):
                continue
            drops.append(own)
            break
    return sorted(set(drops))


def _section_rule(tree: PageTree, root: Tag, group: Group, rules: dict[str, Any]) -> dict[str, Any]:
    """Sections from the heading-like elements above the listings, or none."""
    members = group.members
    inside = {id(t) for m in members for t in m.find_all(name=True)} | {id(m) for m in members}
    top = heading_level(members[0]) if rules["listings"]["group"] == "headings" else None
    # a section ranks above the headings that name the listings: an h4 beside listings
    # named by h4s is a listing-like box (a promotion), not a section
    named_by = [lv for m in members for t in m.find_all(HEADINGS) if (lv := heading_level(t))]
    top = min([*named_by, *([top] if top is not None else [])], default=None)
    heads: list[Tag] = []
    for tag in root.find_all([*HEADINGS[1:], "summary", "button", "legend"]):
        if id(tag) in inside or tree.is_chrome(tag) or not text_of(tag):
            continue
        if tag.name == "button" and (
            not tag.has_attr("aria-expanded") or tag.find_parent([*HEADINGS]) is not None
        ):
            continue
        level = heading_level(tag)
        if top is not None and (level is None or level >= top):
            continue
        heads.append(tag)
    if not heads:
        return {"from": "none"}
    order = {id(t): i for i, t in enumerate(root.find_all(name=True))}
    first_member = min(order.get(id(m), 0) for m in members)
    last_member = max(order.get(id(m), 0) for m in members)
    used = [h for h in heads if order.get(id(h), 0) < last_member]
    if not used:
        return {"from": "none"}
    names = [
        "button[aria-expanded]" if n == "button" else n
        for n in (*HEADINGS[1:], "summary", "button", "legend")
        if any(h.name == n for h in used)
    ]
    covered = min(order.get(id(h), 0) for h in used) < first_member
    rule: dict[str, Any] = {"from": "heading", "selector": ", ".join(names)}
    if not covered:
        rule["required"] = False
    return rule
