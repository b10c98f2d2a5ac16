"""A listing's text as the walk collects it, and the runs a block of lines makes.

:class:`Frame` is one listing being read (:class:`~resource_catalog.pages.reading.walk.Reader`
fills it); :func:`join_runs` joins the lines of a ``runs`` element into listings after
the walk, and :func:`join_leadless` an item that turns out to have no lead onto the
item before it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from bs4 import Tag

from resource_catalog.pages.text import collapse
from resource_catalog.profile import RunStart

__all__ = ["BULLET", "BULLETS", "Frame", "join_leadless", "join_runs"]

#: Characters an editor types at the start of a line as a bullet.
BULLETS: Final = "\u2022\u00b7\u25aa\u25e6\u2023\u2013\u2014*-"
#: A literal bullet at the start of a line, and the space after it.
BULLET: Final = re.compile(rf"^\s*[{re.escape(BULLETS)}](?=\s|\w)\s*")


@dataclass
class Frame:
    """The text of one listing as the walk collects it, with the spans that matter."""

    tag: Tag
    section: str | None
    pieces: list[str] = field(default_factory=list)
    anchors: list[tuple[str, int, int]] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    cells: list[int] = field(default_factory=list)  # piece index where each table cell starts
    range_start: int | None = None  # headings / pairs: where the text after the name starts
    order: int = 0  # when the walk entered it: sorting by it restores page order
    lead: str = "search"  # "search" | "found" | "none"
    prefix: str = ""  # the text before a lead element, collapsed (a few characters at most)
    open_kinds: Counter[str] = field(default_factory=Counter)  # marks not yet closed
    line: bool = False  # one line of a runs element (joined into runs after the walk)


def join_runs(frames: list[Frame], start: RunStart) -> list[Frame]:
    """The lines of runs elements (in page order) joined into runs: a line that
    ``start`` names opens a run, the lines after it join it; lines before the first
    opening line of an element (an intro) and empty lines are no listing. When every
    line is a listing, a line that is all label (a bold line of its own) is the section
    of the lines after it in its element."""
    joined: list[Frame] = []
    current: Frame | None = None
    heading: tuple[Tag, str] | None = None  # a label line of its own heads the lines after it
    for frame in frames:
        if not frame.line:
            joined.append(frame)
            current = None
            continue
        text = collapse("".join(frame.pieces))
        if not text:
            continue
        if current is not None and current.tag is not frame.tag:
            current = None
        if heading is not None and heading[0] is not frame.tag:
            heading = None
        if start is RunStart.LINE and _all_label(frame, text):
            heading = (frame.tag, text)
            continue
        if heading is not None:
            frame.section = heading[1]
        if _opens(frame, text, start):
            _drop_bullet(frame)  # a literal bullet is never part of a name
            joined.append(frame)
            current = frame
        elif current is not None:
            _append(current, frame)
    return joined


def _all_label(frame: Frame, text: str) -> bool:
    """Whether the whole line is its label (a bold line of its own)."""
    label = frame.spans.get("label")
    return label is not None and collapse("".join(frame.pieces[label[0] : label[1]])) == text


def join_leadless(frames: list[Frame]) -> list[Frame]:
    """Items that keep the siblings after them: a matched element that does not start
    with its lead after all (text before the link) goes on with the item before it."""
    joined: list[Frame] = []
    for frame in frames:
        before = joined[-1] if joined else None
        if frame.lead != "found" and before is not None and before.tag.parent is frame.tag.parent:
            _append(before, frame)
        else:
            joined.append(frame)
    return joined


def _opens(frame: Frame, text: str, start: RunStart) -> bool:
    if start is RunStart.LINE:
        return True
    if start is RunStart.BULLET:
        return BULLET.match(text) is not None
    return "lead" in frame.spans or "label" in frame.spans


def _drop_bullet(frame: Frame) -> None:
    for i, piece in enumerate(frame.pieces):
        if piece.strip():
            frame.pieces[i] = BULLET.sub("", piece, count=1)
            return


def _append(run: Frame, line: Frame) -> None:
    """``line`` as the next line of ``run`` (its links kept, its spans not)."""
    run.pieces.append("\n")
    offset = len(run.pieces)
    run.pieces.extend(line.pieces)
    run.anchors.extend(
        (href, start + offset, end + offset if end >= 0 else end)
        for href, start, end in line.anchors
    )
