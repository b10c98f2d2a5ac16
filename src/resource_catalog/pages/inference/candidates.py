"""Candidate profiles for a page: each repeated structure read every way it could be.

For every :class:`~resource_catalog.pages.inference.structure.Group` of a page this proposes the
groupings a profile supports (one element per listing, name/description pairs, a
heading and what follows, lines within a block, table rows), where the names come from
(a leading link or bold element, a title element inside a card, the first line, the
text before a separator) and where sections come from (the heading-like elements above
the listings, a repeated bold label, or nowhere); records inside a text flow come from
:mod:`resource_catalog.pages.inference.records`, and groups a person pointed at with examples
from :mod:`resource_catalog.pages.inference.examples`. Each candidate is scoped to its main
content (:mod:`resource_catalog.pages.inference.scope`). Which candidate is right is decided by
reading the page through each (:mod:`resource_catalog.pages.infer`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from bs4 import Tag

from resource_catalog.contacts.fold import fold
from resource_catalog.pages.inference.levels import mixed_levels
from resource_catalog.pages.inference.records import in_phrases, in_sentences, run_readings
from resource_catalog.pages.inference.scope import scoped_profile
from resource_catalog.pages.inference.structure import (
    HEADINGS,
    Group,
    PageTree,
    heading_level,
    matches_within,
    stable_classes,
)
from resource_catalog.pages.profiles import select
from resource_catalog.pages.scoring import name_quality
from resource_catalog.pages.text import table_cells, table_header, text_of
from resource_catalog.profile import Profile

__all__ = ["Candidate", "propose"]

_DASHES: Final = ("\u2013", "\u2014")
_DASHED: Final = re.compile(r"\s[\u2013\u2014-]\s")
_LEADS: Final = ("a", "b", "strong")
_TITLE_WORDS: Final = ("title", "name", "heading", "header")
#: Header words of the column that names a row's office.
_NAME_COLUMNS: Final = (
    "office", "name", "resource", "service", "organization", "organisation", "department",
    "program", "programme", "unit", "contact", "centre", "center", "who",
)  # fmt: skip
_MAX_MEMBER_TEXT: Final = 2500


@dataclass(frozen=True)
class Candidate:
    """One way to read the page: a profile, and what it does in words."""

    profile: Profile
    description: str


def propose(
    tree: PageTree, region: str, *, own_campus: bool = True, seeds: Sequence[Group] = ()
) -> list[Candidate]:
    """Every candidate profile for the page in ``tree`` (``region``: its phone region;
    ``own_campus``: whether the page is of the catalog's campus). ``seeds`` are groups
    of records a person pointed at (examples): they are read every way too."""
    found: dict[str, Candidate] = {}

    def add(group: Group, root: Tag, rules: dict[str, Any], description: str) -> None:
        profile = scoped_profile(tree, group, root, rules, region, own_campus)
        if profile is not None:
            found.setdefault(profile.model_dump_json(), Candidate(profile, description))

    for group in tree.groups():
        texts = [text_of(m) for m in group.members]
        if not _plausible(texts):
            continue
        root = tree.content_root(group.members)
        selector = tree.fitting(root, group)
        if selector is None:
            continue
        for rules, description in _readings(tree, group, selector, texts):
            add(group, root, rules, description)
        if (mixed := mixed_levels(tree, group, root)) is not None:
            both, rules = mixed
            add(
                both,
                tree.content_root(both.members),
                rules,
                f"each {both.selectors[0]} heading and what follows is a listing; one with "
                "nothing under it but deeper headings is their section",
            )
    for group in tree.line_blocks():
        # paragraphs written as lists: one element, many lines, several listings
        root = tree.content_root(group.members)
        for rules, description in run_readings(group):
            add(group, root, rules, description)
    for group in seeds:
        root = tree.content_root(group.members)
        selector = group.selectors[0]
        if selector.endswith(":has(> br)"):
            readings = run_readings(group)
        else:
            readings = _readings(tree, group, selector, [text_of(m) for m in group.members])
        for rules, description in readings:
            add(group, root, rules, description)
        add(group, root, _listing("lines", selector), f"each {selector} is a listing")
    return list(found.values())


def _plausible(texts: Sequence[str]) -> bool:
    filled = [t for t in texts if re.search(r"\w", t)]
    if len(filled) < 2:  # noqa: PLR2004
        return False
    median = sorted(len(t) for t in filled)[len(filled) // 2]
    return median <= _MAX_MEMBER_TEXT and len({fold(t) for t in filled}) > 1


# --------------------------------------------------------------------------- groupings


def _readings(
    tree: PageTree, group: Group, sel: str, texts: Sequence[str]
) -> Iterator[tuple[dict[str, Any], str]]:
    """(profile fields, description) for each way ``group`` (``sel``) could be listings."""
    tag = group.tag
    members = group.members
    if tag == "dt":
        yield _listing("pairs", sel), f"each {sel} names a listing; the dd after it describes it"
        return
    if tag == "tr":
        for columns in _table_columns(tree, members):
            yield (
                {"listings": {"group": "table", "selector": sel, "columns": columns}},
                f"each {sel} row is a listing; its {columns['name']!r} column is the name",
            )
        return
    if heading_level(members[0]) is not None:
        yield _listing("headings", sel), f"each {sel} heading and what follows is a listing"
        return
    yield from _element_readings(group, sel, texts)


def _element_readings(
    group: Group, sel: str, texts: Sequence[str]
) -> Iterator[tuple[dict[str, Any], str]]:
    """The readings of elements that are one listing each (or a name and what follows)."""
    members, tag = group.members, group.tag
    title = _title_selector(members)
    if title is not None:
        yield (
            {**_listing("items", sel), "name": {"selector": title}},
            f"each {sel} is a listing, named by its {title}",
        )
    leads = sum(1 for m in members if _lead(m) is not None)
    if leads * 2 >= len(members):
        yield (
            _listing("items", sel),
            f"each {sel} is a listing, named by its leading link or bold text",
        )
    if len(members) > leads >= max(2, len(members) // 2):
        # the intro and closing paragraphs among them have no lead: leave them out
        led = f"{sel}:has(> a:first-child, > b:first-child, > strong:first-child)"
        yield (
            _listing("items", led),
            f"each {sel} that starts with a link or bold text is a listing",
        )
        # ... and the paragraphs without a lead after one go on with it (a generalized
        # node: a record may be several adjacent siblings)
        yield (
            {
                "listings": {"group": "items", "selector": led, "follow": True, "named": True},
                "name": {"separators": [":", *_DASHES]},
            },
            (
                f"each {sel} that starts with a link or bold text, with the elements after "
                "it, is a listing"
            ),
        )
    if leads * 2 >= len(members) and _dash_after_lead(members):
        seps = [":", *_DASHES]
        yield (
            {**_listing("items", sel), "name": {"separators": seps}},
            f"each {sel} is a listing, named by its leading link or bold text up to a dash",
        )
    # the text before a separator names a listing only when it is on the first line
    firsts = [(text_of(m, lines=True).splitlines() or [""])[0] for m in members]
    # (not when a title element names each member: a heading is a name in full)
    if title is None and leads * 2 < len(members) and any(":" in t[:80] for t in firsts):
        yield (
            {**_listing("items", sel), "name": {"lead": False}},
            f"each {sel} is a listing, named by the text before its colon",
        )
    if title is None and leads * 2 < len(members) and any(_DASHED.search(t[:90]) for t in firsts):
        yield (
            {**_listing("items", sel), "name": {"lead": False, "separators": [":", *_DASHES, "-"]}},
            f"each {sel} is a listing, named by the text before its dash",
        )
    if title is None and tag in ("p", "li", "div") and leads < len(members):
        yield in_sentences(sel)
        if tag in ("p", "li"):  # sentences, not a block of them
            yield in_phrases(sel)
    if _multiline(members):
        # most members break their lines with <br>: one that does not (an intro the
        # selector also matches) is not a listing of lines
        broken = [m for m in members if m.find("br", recursive=False) is not None]
        lined = len(broken) * 4 >= len(members) * 3
        label = _label_rule(broken if lined else members)
        rules = _listing("lines", f"{sel}:has(> br)" if lined else sel)
        if label is not None:
            yield (
                {**rules, "section": label},
                f"each {sel} is a listing of lines: a bold label (the section), then the name",
            )
        else:
            yield rules, f"each {sel} is a listing of lines, named by its first line"
    elif title is None and leads * 2 < len(members):
        # no title, lead or lines: each element's text is its name (a list of phrases)
        yield _listing("lines", sel), f"each {sel} is a listing named by its text"
    yield from _pair_readings(group, sel)


def _pair_readings(group: Group, sel: str) -> Iterator[tuple[dict[str, Any], str]]:
    """A name element, then the elements that describe it."""
    members, tag = group.members, group.tag
    if tag == "li" and _alternates(members):
        pair_sel = f"{_parent_part(sel)}li:nth-child(odd)"
        yield (
            {**_listing("pairs", pair_sel), "details": True},
            f"every other list item ({pair_sel}) names a listing; the item after it describes it",
        )
    if tag == "p" and _bold_names(members):
        pair_sel = f"{_parent_part(sel, bare='')}p:has(> strong:only-child, > b:only-child)"
        yield (
            _listing("pairs", pair_sel),
            (
                f"each paragraph of bold text only ({pair_sel}) names a listing; "
                "the paragraphs after it describe it"
            ),
        )


def _listing(group: str, selector: str) -> dict[str, Any]:
    return {"listings": {"group": group, "selector": selector}}


def _parent_part(selector: str, bare: str = "ul > ") -> str:
    """``"ul.x > "`` of ``"ul.x > li"``; ``bare`` for a selector with no parent part."""
    head, sep, _ = selector.rpartition(">")
    return f"{head.strip()} > " if sep else bare


def _lead(member: Tag) -> Tag | None:
    """The link or bold element a member starts with (after an optional "The")."""
    for node in member.children:
        if isinstance(node, Tag):
            if node.name in _LEADS and text_of(node):
                return node
            if node.name in ("p", "span", "div", "em", "i") and text_of(node):
                return _lead(node)
            return None
        text = str(node).strip()
        if text and text.casefold() not in ("the",):
            return None
    return None


def _dash_after_lead(members: Sequence[Tag]) -> bool:
    for member in members:
        lead = _lead(member)
        if lead is None:
            continue
        own = text_of(lead)
        after = lead.next_sibling
        rest = str(after).strip() if after is not None and not isinstance(after, Tag) else ""
        if own.endswith(_DASHES) or rest.startswith(_DASHES):
            return True
    return False


def _title_selector(members: Sequence[Tag]) -> str | None:
    """The element that titles every member (a heading, or a ``*title*`` class)."""
    firsts = [m.find([*HEADINGS[1:]]) for m in members]
    titled = [f for f in firsts if isinstance(f, Tag) and text_of(f)]
    if len(titled) * 4 >= len(members) * 3:
        for cls in stable_classes(titled[0]):
            if any(w in cls.lower() for w in _TITLE_WORDS) and all(
                cls in stable_classes(t) for t in titled
            ):
                return f".{cls}"
        names = Counter(t.name for t in titled)
        common, count = names.most_common(1)[0]
        if count == len(titled):
            return str(common)
    for member in members[:1]:
        for inner in member.find_all(name=True):
            for cls in stable_classes(inner):
                if any(w in cls.lower() for w in _TITLE_WORDS[:2]) and all(
                    select(m, f".{cls}") and text_of(select(m, f".{cls}")[0]) for m in members
                ):
                    return f".{cls}"
    return None


def _multiline(members: Sequence[Tag]) -> bool:
    """Whether members hold several lines (``<br>`` or block children) each."""
    lined = sum(1 for m in members if len(text_of(m, lines=True).splitlines()) > 1)
    return lined * 2 >= len(members)


def _label_rule(members: Sequence[Tag]) -> dict[str, Any] | None:
    """A section label rule when members start with a bold line and a name line after it
    (not a phone or a room): the bold line labels the group, the next line names it."""
    for member in members:
        lead = _lead(member)
        if lead is None or lead.name not in ("b", "strong"):
            return None
        lines = text_of(member, lines=True).splitlines()
        if lines[0] != text_of(lead) or len(lines) < 2 or name_quality(lines[1]) < 0.5:  # noqa: PLR2004
            return None
    return {"from": "label", "selector": "strong, b"}


def _alternates(members: Sequence[Tag]) -> bool:
    """List items that alternate: a short name item, then a longer description item."""
    if len(members) < 4 or len(members) % 2:  # noqa: PLR2004
        return False
    names, texts = members[0::2], members[1::2]
    short = all(_lead(n) is not None and text_of(n) == text_of(_lead(n) or n) for n in names)
    longer = sum(1 for n, t in zip(names, texts, strict=True) if len(text_of(t)) > len(text_of(n)))
    return short and longer * 4 >= len(names) * 3


def _bold_only(member: Tag) -> bool:
    """A paragraph that is nothing but bold text: a name set as a line of its own."""
    parts = [c for c in member.children if isinstance(c, Tag) or str(c).strip()]
    return (
        len(parts) == 1
        and isinstance(parts[0], Tag)
        and parts[0].name in ("b", "strong")
        and bool(text_of(parts[0]))
    )


def _bold_names(members: Sequence[Tag]) -> bool:
    """Paragraphs that pair up: a bold-only paragraph (the name), then a longer one that
    describes it (the editor's way of writing a heading without a heading)."""
    named = [m for m in members if _bold_only(m)]
    if len(named) < 2 or len(named) * 4 < len(members):  # noqa: PLR2004
        return False
    described = 0
    for name in named:
        after = name.find_next_sibling()
        while isinstance(after, Tag) and not text_of(after):
            after = after.find_next_sibling()
        if isinstance(after, Tag) and not _bold_only(after):
            described += len(text_of(after)) > len(text_of(name))
    return described * 4 >= len(named) * 3


def _table_columns(tree: PageTree, rows: Sequence[Tag]) -> list[dict[str, str | int]]:
    """The columns that may name a table's rows: by header text when there is a header
    (the one whose title says it names an office, and the first, which a table keys its
    rows by), else the first by position."""
    table = rows[0].find_parent("table")
    if table is None:
        return []
    row = table_header(table)
    header = [text_of(c) for c in table_cells(row)] if row is not None else []
    if header:
        titled = [t for t in header if t and any(w in fold(t).split() for w in _NAME_COLUMNS)]
        first = [header[0]] if header[0] else []
        names = list(dict.fromkeys([*titled[:1], *first]))
        if names:
            return [{"name": title} for title in names]
    return [{"name": 0}]


# --------------------------------------------------------------------------- helpers


def matches(tree: PageTree, root: Tag, selector: str) -> list[Tag]:
    """The outermost elements ``selector`` matches inside ``root`` (for the scorer)."""
    return matches_within(root, selector)
