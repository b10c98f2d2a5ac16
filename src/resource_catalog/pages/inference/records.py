"""Readings of records that are not one element each: names inside sentences, and
paragraphs written as lists.

A record may be a run of lines inside one block (split at ``<br>``: every line, a line
that starts with a literal bullet, or one that starts with a bold or linked lead opens
one), or an element whose name sits inside its first sentence (a link or bold phrase,
or the words it starts with). :mod:`resource_catalog.pages.inference.candidates` proposes these
next to the readings of repeated elements; the scorer chooses among them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from bs4 import Tag

from resource_catalog.pages.inference.structure import Group
from resource_catalog.pages.text import text_of

__all__ = ["in_phrases", "in_sentences", "run_readings"]

_DASHES: Final = ("\u2013", "\u2014")


def in_sentences(sel: str) -> tuple[dict[str, Any], str]:
    """Names inside sentences: a link or bold phrase, or the leading noun phrase."""
    return (
        {
            "listings": {"group": "items", "selector": sel, "named": True},
            "name": {"inline": True, "phrase": True},
        },
        (
            f"each {sel} is a listing, named by its lead, the link or bold text in its "
            "first sentence, or the words it starts with"
        ),
    )


def in_phrases(sel: str) -> tuple[dict[str, Any], str]:
    """Names inside sentences, several to an element: each link or bold phrase."""
    return (
        {
            "version": 4,
            "listings": {"group": "items", "selector": sel, "named": True, "phrases": True},
        },
        f"each link or bold phrase inside a {sel} is a listing, up to the next one",
    )


def run_readings(group: Group) -> Iterator[tuple[dict[str, Any], str]]:
    """The ways the lines of ``<br>``-broken blocks could be cut into listings: every
    line one listing, or a run from each line that starts with a bullet or a lead."""
    sel = group.selectors[0]
    lines = [line for m in group.members for line in _line_starts(m)]
    seps = {"separators": [":", *_DASHES]}
    named = {"name": {**seps, "phrase": True}}
    if len(lines) < 2:  # noqa: PLR2004
        return
    yield (
        {"listings": {"group": "runs", "selector": sel, "named": True}, **named},
        f"each line of {sel} (split at <br>) is a listing",
    )
    if any(lead == "bold" for _, lead in lines):
        yield (
            {
                "listings": {"group": "runs", "selector": sel, "named": True},
                **named,
                "section": {"from": "label", "selector": "strong, b"},
            },
            f"each line of {sel} is a listing; a bold line of its own is their section",
        )
    bullets = sum(1 for text, _ in lines if _BULLET_LINE.match(text))
    if bullets >= 2:  # noqa: PLR2004
        yield (
            {
                "listings": {"group": "runs", "selector": sel, "start": "bullet", "named": True},
                **named,
            },
            f"each bulleted line of {sel} and the lines after it is a listing",
        )
    leads = [lead for _, lead in lines if lead is not None]
    if len(leads) >= 2:  # noqa: PLR2004
        rules: dict[str, Any] = {
            "listings": {"group": "runs", "selector": sel, "start": "lead", "named": True}
        }
        yield (
            {**rules, **named},
            (
                f"each line of {sel} that starts with a link or bold text, and the lines "
                "after it, is a listing"
            ),
        )
        if all(lead == "bold" for lead in leads):
            yield (
                {**rules, "section": {"from": "label", "selector": "strong, b"}},
                f"each bold line of {sel} labels the listing named by the line after it",
            )


_BULLET_LINE: Final = re.compile(r"^\s*[\u2022\u00b7\u25aa\u25e6\u2023\u2013\u2014*-](?=\s|\w)")


def _line_starts(block: Tag) -> list[tuple[str, str | None]]:
    """(text, lead) of each ``<br>``-separated line of ``block``: the lead is "bold" or
    "link" when the line starts with such an element."""
    found: list[tuple[str, str | None]] = []
    text: list[str] = []
    lead: str | None = None
    for node in [*block.children, None]:
        if node is None or (isinstance(node, Tag) and node.name == "br"):
            line = " ".join("".join(text).split())
            if line:
                found.append((line, lead))
            text, lead = [], None
            continue
        piece = text_of(node) if isinstance(node, Tag) else str(node)
        if isinstance(node, Tag) and not "".join(text).strip(" \u2022\u00b7-*") and piece:
            if node.name in ("b", "strong"):
                lead = "bold"
            elif node.name == "a":
                lead = "link"
        text.append(f" {piece} " if isinstance(node, Tag) else piece)
    return found
