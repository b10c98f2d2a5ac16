"""Steering inference with examples: find the names a person can see, and read from them.

A person who names one or two listings (``sources add --example NAME``) points at the
records. :func:`locate` finds the element that holds each name on the page (the
smallest one whose text starts with it, or a ``<br>``-separated line of a block), and
:func:`example_groups` generalizes from them: the record around each holder is the
child of their common ancestor that holds it (with one example, the highest ancestor
the name still starts), and the record's siblings of the same kind are the other
records. Those groups are read every way a repeated structure is read
(:mod:`resource_catalog.pages.inference.candidates`), so an example adds readings; it never
needs a rule of its own. :func:`closest_texts` names what is on the page when a name
is not.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

from bs4 import Tag

from resource_catalog.contacts.fold import fold
from resource_catalog.errors import ParseError
from resource_catalog.pages.inference.anchors import example_holder
from resource_catalog.pages.inference.structure import Group, PageTree, lowest_common_ancestor
from resource_catalog.pages.text import text_of

__all__ = [
    "SAME_READING", "Found", "Named", "closest_texts", "different", "example_groups", "locate",
    "located", "steered",
]  # fmt: skip

#: Readings sharing more than this share of their names are variants of one reading.
SAME_READING: Final = 0.5

#: Elements that may hold a listing's name.
_HOLDERS: Final = frozenset(
    {
        "a", "b", "strong", "em", "i", "span", "h2", "h3", "h4", "h5", "h6", "li", "p",
        "dt", "dd", "td", "th", "summary", "button", "div", "label", "u",
    }
)  # fmt: skip
#: Elements longer than this (in characters of text) are not looked into for a name.
_MAX_TEXT: Final = 4000
_RECORD_TAGS: Final = frozenset(
    {"li", "p", "div", "dt", "tr", "article", "section", "details", "h2", "h3", "h4", "h5", "h6"}
)


@dataclass(frozen=True)
class Found:
    """Where an example is: the element holding it, and whether it is a line of it."""

    example: str
    holder: Tag
    line: bool = False


def _starts(text: str, wanted: str) -> bool:
    folded = fold(text)
    return folded == wanted or folded.startswith(wanted + " ")


def locate(tree: PageTree, example: str) -> Found | None:
    """The smallest element outside the chrome whose text starts with ``example``
    (compared folded), or the block one of whose ``<br>`` lines does."""
    wanted = fold(example)
    if not wanted:
        return None
    best: Tag | None = None
    line_block: Tag | None = None
    for tag in tree.body.find_all(_HOLDERS):
        size = tree.size(tag)
        if not size or size > _MAX_TEXT or tree.is_chrome(tag):
            continue
        if best is not None and size >= tree.size(best):
            continue
        if _starts(text_of(tag), wanted):
            best = tag
        elif line_block is None and tag.find("br", recursive=False) is not None:
            lines = text_of(tag, lines=True).splitlines()
            if any(_starts(line, wanted) for line in lines[1:]):
                line_block = tag
    if best is not None:
        return Found(example, best)
    if line_block is not None:
        return Found(example, line_block, line=True)
    return _inside(tree, wanted, example)


def _inside(tree: PageTree, wanted: str, example: str) -> Found | None:
    """The smallest element whose text holds ``example`` as whole words (a name inside
    a sentence: "Contact the Dean of Students Office at ...")."""
    best: Tag | None = None
    for tag in tree.body.find_all(_HOLDERS):
        size = tree.size(tag)
        if not size or size > _MAX_TEXT or tree.is_chrome(tag):
            continue
        if (best is None or size < tree.size(best)) and f" {wanted} " in f" {fold(text_of(tag))} ":
            best = tag
    return Found(example, best) if best is not None else None


def closest_texts(tree: PageTree, example: str, count: int = 3) -> list[str]:
    """Short texts of the page (names, lines) that read most like ``example``."""
    texts: dict[str, str] = {}
    for tag in tree.body.find_all(_HOLDERS):
        size = tree.size(tag)
        if not size or size > _MAX_TEXT or tree.is_chrome(tag):
            continue
        for line in text_of(tag, lines=True).splitlines():
            short = line[:80]
            texts.setdefault(fold(short), short)
    keys = difflib.get_close_matches(fold(example), list(texts), n=count, cutoff=0.4)
    return [texts[k] for k in keys]


def example_groups(tree: PageTree, found: Sequence[Found]) -> list[Group]:
    """The repeated records the located examples point at, each as a :class:`Group`
    (members: the records, selector: the parent's signature and the records' tag)."""
    if not found:
        return []
    holders = [f.holder for f in found]
    if len(found) == 1 or all(h is holders[0] for h in holders):
        record = _record_of(tree, found[0])
        parent = record.parent
        if found[0].line or not isinstance(parent, Tag):
            return [Group((f"{tree.signature(record)}:has(> br)",), (record,))]
        records = [record]
    else:
        common = lowest_common_ancestor(holders)
        records = [_child_towards(common, h) for h in holders]
        parent = common
    groups: list[Group] = []
    for record in {id(r): r for r in records}.values():
        members = tuple(
            c
            for c in parent.children
            if isinstance(c, Tag) and c.name == record.name and tree.size(c)
        )
        selector = f"{tree.signature(parent)} > {record.name}"
        groups.append(Group((selector,), members))
        if record.find("br", recursive=False) is not None:
            groups.append(Group((f"{tree.signature(record)}:has(> br)",), (record,)))
    return groups


def _child_towards(ancestor: Tag, tag: Tag) -> Tag:
    """The child of ``ancestor`` on the way down to ``tag`` (``tag`` itself if a child)."""
    node = tag
    while isinstance(node.parent, Tag) and node.parent is not ancestor:
        node = node.parent
    return node


def _record_of(tree: PageTree, found: Found) -> Tag:
    """With one example: the highest ancestor of its holder that still starts with the
    name and has siblings of its own kind (the record the name leads)."""
    record = found.holder
    if found.line:
        return record
    wanted = fold(found.example)
    node = record
    while not _repeated(node) and isinstance(node.parent, Tag) and node.parent is not tree.body:
        parent = node.parent
        if tree.size(parent) > _MAX_TEXT or not _starts(text_of(parent), wanted):
            break
        node = parent
        if node.name in _RECORD_TAGS:
            record = node
    return record


def _repeated(tag: Tag) -> bool:
    """Whether ``tag`` has a sibling element of its own name (it is one of a list)."""
    parent = tag.parent
    if not isinstance(parent, Tag):
        return False
    return any(c is not tag and isinstance(c, Tag) and c.name == tag.name for c in parent.children)


def located(tree: PageTree, examples: Sequence[str]) -> list[Found]:
    """Where each example is on the page; a name that is not there is an error that
    names the page's texts closest to it."""
    found: list[Found] = []
    for example in examples:
        if not fold(example):
            raise ParseError(f"an example must name a listing, not {example!r}")
        spot = locate(tree, example)
        if spot is None and (box := example_holder(tree, example)) is not None:
            spot = Found(example, box)  # in a box taken for chrome: the example overrides it
        if spot is None:
            near = closest_texts(tree, example)
            hint = f"; the closest texts on the page: {', '.join(map(repr, near))}" if near else ""
            raise ParseError(f"the example {example!r} is not on the page{hint}")
        found.append(spot)
    return found


class Named(Protocol):
    """A reading of a page, as far as steering needs it: the names it lists."""

    @property
    def names(self) -> list[str]: ...


_R = TypeVar("_R", bound=Named)


def steered(readings: list[_R], examples: Sequence[str]) -> tuple[list[_R], list[str]]:
    """The readings that list the most examples (all of them, when any reading does),
    best first, and the examples those readings do not list."""
    wanted = {fold(e): e for e in examples if fold(e)}
    if not readings:
        return readings, list(wanted.values())
    hits = [len(wanted.keys() & {fold(n) for n in r.names}) for r in readings]
    most = max(hits)
    kept = [r for r, h in zip(readings, hits, strict=True) if h == most]
    held = set().union(*({fold(n) for n in r.names} for r in kept))
    return kept, [e for f, e in wanted.items() if f not in held or most < len(wanted)]


def different(other: Sequence[str], best: Sequence[str]) -> bool:
    """Whether two readings listing these names are two readings, not variants of one."""
    a = {fold(n) for n in best}
    b = {fold(n) for n in other}
    return len(a & b) <= SAME_READING * max(len(a), len(b))
