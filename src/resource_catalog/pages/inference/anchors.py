"""Readings built from where the examples stand, when no other reading lists them.

A person who names listings the inference did not read (plain words inside a sentence,
"Contact the Housing Operations Office at ...", or an alert box the inference took for
chrome) still points at the records. As data-record mining generalises from examples
(MDR, DEPTA), :func:`anchored_candidates` locates each name in the smallest block that
holds it (a paragraph, an item, a cell, a heading or a ``div``, inside inferred chrome
too: an example overrides a chrome judgement, though never the page's navigation), takes
the blocks of those kinds inside the content around them as the records, and proposes
version 5 profiles that open a listing at every place a given name stands
(``listings.names``), and at the office a sentence says to call at a number, so that
sibling records of the same shape are read as well; one proposal counts link and bold
phrases too. Scoring and steering then choose among them as among any readings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from bs4 import Tag

from resource_catalog.pages.inference.candidates import Candidate
from resource_catalog.pages.inference.scope import scoped_profile
from resource_catalog.pages.inference.structure import Group, PageTree
from resource_catalog.pages.reading.phrases import name_pattern
from resource_catalog.pages.text import text_of

__all__ = ["anchored_candidates", "example_holder"]

#: Blocks that may hold a record, smallest first when two hold the same name.
_BLOCKS: Final = (
    "p", "li", "td", "th", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "summary", "div",
    "blockquote",
)  # fmt: skip
#: Blocks longer than this (in characters of text) are not a record.
_MAX_TEXT: Final = 4000
#: Chrome whose text is links at least this much is a menu or a trail, never a record.
_LINKS: Final = 0.5


def anchored_candidates(
    tree: PageTree,
    examples: Sequence[str],
    region: str,
    own_campus: bool,
    given: str = "the examples",
    found: Sequence[Tag] = (),
) -> list[Candidate]:
    """Profiles that read every example from the blocks that hold them (none when an
    example stands in no such block outside the page's navigation); ``given`` says what
    the names are, for the descriptions, and ``found`` are those blocks when the caller
    knows them (the sentence that gives an office its number, not a heading of it).
    The inference gives them the page's own dial plan, if any
    (:func:`~resource_catalog.pages.inference.dialing.on_plan`)."""
    holders: list[Tag] = list(found)
    for example in examples if not found else ():
        holder = example_holder(tree, example)
        if holder is None:
            return []
        holders.append(holder)
    kinds = sorted({tree.signature(h) if h.name == "div" else h.name or "" for h in holders})
    selector = ", ".join(kinds)
    group = Group((selector,), tuple(dict.fromkeys(holders)))
    root = tree.content_root(list(group.members))
    names = list(dict.fromkeys(examples))
    candidates: list[Candidate] = []
    # offices found by their cues (``found``) are all the names: a link or bold phrase
    # with no cue of its own is no office
    for marked in (False,) if found else (False, True):
        rules: dict[str, Any] = {
            "version": 5,
            "listings": {"group": "items", "selector": selector, "names": names, "phrases": marked},
        }
        profile = scoped_profile(tree, group, root, rules, region, own_campus)
        if profile is not None:
            what = f"{given} and link or bold phrases" if marked else given
            candidates.append(Candidate(profile, f"{selector} elements cut at {what}"))
    return candidates


def example_holder(tree: PageTree, example: str) -> Tag | None:
    """The smallest block outside the chrome whose text holds ``example`` as whole
    words (in any case), or a smaller one inside it that the inference took for chrome
    (an alert box; not a trail of links); never one in the page's navigation."""
    pattern = name_pattern(example)
    if pattern is None:
        return None
    plain: Tag | None = None
    boxed: Tag | None = None
    for tag in tree.body.find_all(_BLOCKS):
        size = tree.size(tag)
        if not size or size > _MAX_TEXT or _navigation(tree, tag):
            continue
        chrome = tree.is_chrome(tag)
        best = boxed if chrome else plain
        if (best is not None and size >= tree.size(best)) or not pattern.search(text_of(tag)):
            continue
        if not chrome:
            plain = tag
        elif tree.link_share(_chrome_root(tree, tag)) < _LINKS:
            boxed = tag
    if boxed is not None and (plain is None or plain in boxed.parents):
        return boxed
    return plain


def _chrome_root(tree: PageTree, tag: Tag) -> Tag:
    """The outermost element of the chrome that holds ``tag``."""
    root = tag
    for parent in tag.parents:
        if not tree.is_chrome(parent):
            break
        root = parent
    return root


def _navigation(tree: PageTree, tag: Tag) -> bool:
    """Whether ``tag`` is in the chrome the reader strips by itself (menus, header, footer)."""
    return any(id(t) in tree.builtin for t in (tag, *tag.parents))
