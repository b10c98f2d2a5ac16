"""The one walk over a page's content that collects every listing's text.

:class:`Reader` walks the content root once (:func:`~resource_catalog.pages.text.events`),
opening a :class:`Frame` for each listing element the profile names and collecting its
text, the spans its name, lead element or label may come from, its links and, for a
table, where each cell starts. Headings and name/description pairs collect the text that
follows them up to the next one. A ``runs`` element is cut at every ``<br>`` into lines,
and the lines are joined again into runs, each opened by a line the profile's
``listings.start`` names (:func:`join_runs`). Linear in the size of the content.
"""

from __future__ import annotations

import re
from typing import Final

from bs4 import Tag

from resource_catalog.contacts.fold import fold
from resource_catalog.pages.profiles import select_each
from resource_catalog.pages.reading.frames import BULLET, BULLETS, Frame, join_leadless, join_runs
from resource_catalog.pages.text import BLOCK_TAGS, Budget, collapse, events, is_text
from resource_catalog.profile import Grouping, Profile, SectionFrom

__all__ = ["BULLETS", "LEADING_TAGS", "Frame", "Reader", "join_runs"]

#: A possessive before a lead ("UD\u2019s <a>Center</a>"): the lead still opens the item.
_OWNER: Final = re.compile(r"[A-Z][\w.&-]*[\u2019']s")

LEADING_TAGS: Final = frozenset({"a", "b", "strong"})
_HEADING_LEVEL: Final = {f"h{n}": n for n in range(1, 7)}
#: The profile version from which a listing heading over deeper ones is their section.
_MIXED_LEVELS: Final = 4
_MAX_NESTED_LISTINGS: Final = 8  # deeper listings inside listings are details, whatever the profile


class Reader:
    """One walk over the content root, collecting every listing's text."""

    def __init__(self, root: Tag, profile: Profile, budget: Budget) -> None:
        self.root, self.profile, self.budget = root, profile, budget
        rule, sect = profile.listings, profile.section
        wanted = [rule.selector, *rule.exclude]
        heading_mode = sect.source is SectionFrom.HEADING and sect.selector
        if heading_mode:
            wanted.append(sect.selector or "")
        if sect.source is SectionFrom.LABEL and sect.selector:
            wanted.append(sect.selector)
        if profile.name.selector:
            wanted.append(profile.name.selector)
        found = select_each(root, wanted, budget)
        self.candidates = {id(t) for t in found[0]}
        self.matched = len(found[0])
        self.excluded = {id(t) for group in found[1 : 1 + len(rule.exclude)] for t in group}
        rest = found[1 + len(rule.exclude) :]
        self.section_tags: set[int] = set()
        self.label_tags: set[int] = set()
        if heading_mode:
            self.section_tags = {id(t) for t in rest.pop(0)} - self.candidates
        if sect.source is SectionFrom.LABEL and sect.selector:
            self.label_tags = {id(t) for t in rest.pop(0)}
        self.name_tags = {id(t) for t in rest.pop(0)} if profile.name.selector else set()
        self.group = rule.group
        #: pairs, and items that keep the siblings after them (``listings.follow``)
        self.follows = rule.group is Grouping.PAIRS or (
            rule.group is Grouping.ITEMS and rule.follow
        )
        self.section: str | None = None
        self.sections: list[str] = []
        self.open: list[Frame] = []  # listing elements being walked, innermost last
        self.ranges: list[Frame] = []  # headings/pairs whose following text is collected
        self.done: list[Frame] = []
        self._section_pieces: list[str] | None = None
        self._section_tag: Tag | None = None
        self._excluded_depth = 0
        self._order = 0
        self._marks: dict[int, list[tuple[Frame, str, int]]] = {}
        #: version 4 headings: (level, the section before it) of each listing heading
        #: that turned out to head deeper listing headings (their section)
        self._promoted: list[tuple[int, str | None]] = []
        self._mixed = rule.group is Grouping.HEADINGS and profile.version >= _MIXED_LEVELS

    def section_names(self) -> list[str]:
        seen: dict[str, str] = {}
        for name in self.sections:
            seen.setdefault(fold(name), name)
        return list(seen.values())

    # -- the walk -------------------------------------------------------------------

    def run(self) -> None:
        enter, leave, text = self._enter, self._leave, self._text
        for node, entering in events(self.root, self.budget):
            if isinstance(node, Tag):
                if entering:
                    enter(node)
                else:
                    leave(node)
            elif entering and is_text(node):
                # the tree's own string (a str), not a copy: the pieces of every
                # listing are held until the listings are built
                text(node)  # type: ignore[arg-type]
        for frame in self.ranges:
            self._finish(frame)
        self.ranges.clear()
        self.done.sort(key=lambda f: f.order)
        if self.group is Grouping.RUNS:
            self.done = join_runs(self.done, self.profile.listings.start)
        elif self.follows and self.group is Grouping.ITEMS:
            self.done = join_leadless(self.done)

    def _sink(self) -> Frame | None:
        if self.open:
            return self.open[-1]
        return self.ranges[-1] if self.ranges else None

    def _enter(self, tag: Tag) -> None:
        tid = id(tag)
        if tid in self.excluded:
            self._excluded_depth += 1
        if tag.name == "br" and self.open and self.open[-1].line:
            self._next_line()
        elif self._heads_lines(tag):
            # a heading inside a block of lines: the lines after it are its section
            self._next_line()
            self._section_tag, self._section_pieces = tag, []
        if self.ranges and self._ends_ranges(tag, tid):
            self._promote_section(tag, tid)
            for frame in self.ranges:
                self._finish(frame)
            self.ranges.clear()
        if tid in self.section_tags and not self.open and self._section_tag is None:
            self._section_tag, self._section_pieces = tag, []
        if tid in self.candidates and self._promoted:
            self._end_promoted(tag)
        if tid in self.candidates and self._opens_listing():
            self._open_frame(tag)
        elif self.open:
            self._mark(self.open[-1], tag, tid)
        self._gap(tag)
        sink = self._sink()
        if sink is not None and tag.name == "a" and tag.has_attr("href"):
            sink.anchors.append((str(tag["href"]), len(sink.pieces), -1))
            self._marks.setdefault(tid, []).append((sink, "anchor", len(sink.anchors) - 1))
            sink.open_kinds["anchor"] += 1
        if self.group is Grouping.TABLE and self.open and tag.name in ("td", "th"):
            frame = self.open[-1]
            if tag.parent is frame.tag:
                frame.cells.append(len(frame.pieces))

    def _leave(self, tag: Tag) -> None:
        tid = id(tag)
        self._gap(tag)
        for mark in self._marks.pop(tid, ()):
            mark[0].open_kinds[mark[1]] -= 1
            self._close_mark(tag, *mark)
        if tag is self._section_tag:
            text = collapse("".join(self._section_pieces or ()))
            if text:
                self.section = text
                self.sections.append(text)
            self._section_tag, self._section_pieces = None, None
            if self._heads_lines(tag):  # the heading's own line is no listing
                ended = self.open.pop()
                self.open.append(
                    Frame(tag=ended.tag, section=self.section, order=ended.order, line=True)
                )
        if self.open and self.open[-1].tag is tag:
            frame = self.open.pop()
            if (self.group is Grouping.HEADINGS or self.follows) and not self.open:
                frame.range_start = len(frame.pieces)
                if self.group is not Grouping.ITEMS:  # an item's name follows the name rules
                    frame.spans["name"] = (0, len(frame.pieces))
                self.ranges.append(frame)
            else:
                self._finish(frame)
        # an item's following siblings end with its parent; so does, in version 4, a
        # heading's listing (the layout cell of an old page, not the footer after it)
        ends = self.follows or self._mixed
        if ends and self.ranges and tag is self.ranges[-1].tag.parent:
            for frame in self.ranges:
                self._finish(frame)
            self.ranges.clear()
        if tid in self.excluded:
            self._excluded_depth -= 1

    def _text(self, text: str) -> None:
        if self._section_pieces is not None:
            self._section_pieces.append(text)
        sink = self._sink()
        if sink is None:
            return
        sink.pieces.append(text)
        if sink is not (self.open[-1] if self.open else None):
            return
        if sink.lead == "search" and not sink.open_kinds["lead"]:
            joined = sink.prefix + text
            sink.prefix = collapse(joined) + (" " if joined[-1:].isspace() else "")
            before = collapse(sink.prefix)
            if sink.line:  # a literal bullet may come before a line's lead
                before = collapse(BULLET.sub("", before)) if before.strip(BULLETS) else ""
            if not ("the".startswith(before.casefold()) or _OWNER.fullmatch(before)):
                sink.lead = "none"

    # -- pieces ----------------------------------------------------------------------

    def _opens_listing(self) -> bool:
        if self._excluded_depth:
            return False
        if self.open and (self.profile.details or len(self.open) >= _MAX_NESTED_LISTINGS):
            return False
        sect = self.profile.section
        return not (sect.source is SectionFrom.HEADING and sect.required and self.section is None)

    def _open_frame(self, tag: Tag) -> None:
        if self.ranges and self.follows:
            for frame in self.ranges:
                self._finish(frame)
            self.ranges.clear()
        self._order += 1
        line = self.group is Grouping.RUNS and not self.open
        self.open.append(Frame(tag=tag, section=self.section, order=self._order, line=line))

    def _heads_lines(self, tag: Tag) -> bool:
        """Whether ``tag`` is a heading written among the lines of an open runs element."""
        return (
            tag.name in _HEADING_LEVEL
            and bool(self.open)
            and self.open[-1].line
            and tag.parent is self.open[-1].tag
        )

    def _next_line(self) -> None:
        """A ``<br>`` in a runs element: its line ends, the next one opens."""
        ended = self.open.pop()
        self._finish(ended)
        self._order += 1
        self.open.append(Frame(tag=ended.tag, section=self.section, order=self._order, line=True))

    def _ends_ranges(self, tag: Tag, tid: int) -> bool:
        """Whether entering ``tag`` ends the text that belongs to the open heading(s)."""
        if self.group is Grouping.PAIRS:
            return tid in self.candidates
        if self.follows:  # an item's details end at the next item or any heading
            return tid in self.candidates or tid in self.section_tags or tag.name in _HEADING_LEVEL
        if tid in self.candidates or tid in self.section_tags:
            return True
        level = _HEADING_LEVEL.get(tag.name or "")
        own = _HEADING_LEVEL.get(self.ranges[-1].tag.name or "")
        return level is not None and own is not None and level <= own

    def _promote_section(self, tag: Tag, tid: int) -> None:
        """Version 4 headings: a listing heading with nothing under it but a deeper
        listing heading is no listing; it names the section of the listings under it
        (an h2 over h3 offices, next to an h2 that is an office itself)."""
        if not self._mixed or tid not in self.candidates:
            return
        frame = self.ranges[-1]
        level = _HEADING_LEVEL.get(tag.name or "")
        own = _HEADING_LEVEL.get(frame.tag.name or "")
        start = frame.range_start or 0
        if level is None or own is None or level <= own:
            return
        if collapse("".join(frame.pieces[start:])):
            return
        self.ranges.pop()
        self._promoted.append((own, self.section))
        name = collapse("".join(frame.pieces[:start]))
        if name:
            self.section = name
            self.sections.append(name)

    def _end_promoted(self, tag: Tag) -> None:
        """A listing heading as high as a promoted one ends that one's section."""
        level = _HEADING_LEVEL.get(tag.name or "")
        while level is not None and self._promoted and self._promoted[-1][0] >= level:
            self.section = self._promoted.pop()[1]

    def _mark(self, frame: Frame, tag: Tag, tid: int) -> None:
        """Open the spans a listing's name, lead or label may come from."""
        marks = frame.open_kinds
        kind: str | None = None
        if tid in self.name_tags and "name" not in frame.spans and not marks["name"]:
            kind = "name"
        elif (
            tid in self.label_tags
            and "label" not in frame.spans
            and not collapse("".join(frame.pieces))
        ):
            kind = "label"
        elif frame.lead == "search" and tag.name in LEADING_TAGS and not marks["lead"]:
            kind = "lead"
        if kind is not None:
            self._marks.setdefault(tid, []).append((frame, kind, len(frame.pieces)))
            marks[kind] += 1
        inline = "inline" if tag.name == "a" else "inline_bold"
        if (
            self.profile.name.inline
            and tag.name in LEADING_TAGS
            and inline not in frame.spans
            and not marks[inline]
        ):
            self._marks.setdefault(tid, []).append((frame, inline, len(frame.pieces)))
            marks[inline] += 1

    def _close_mark(self, tag: Tag, frame: Frame, kind: str, start: int) -> None:
        if kind == "anchor":
            href, begin, _ = frame.anchors[start]
            frame.anchors[start] = (href, begin, len(frame.pieces))
            return
        end = len(frame.pieces)
        has_text = bool(collapse("".join(frame.pieces[start:end])))
        if kind == "lead":
            if has_text or (tag.name == "a" and not (tag.has_attr("id") or tag.has_attr("name"))):
                frame.spans["lead"] = (start, end)
                frame.lead = "found"
            # an empty <b>/<strong> or an anchor target is editor debris: keep looking
            return
        if has_text:
            frame.spans[kind] = (start, end)

    def _gap(self, tag: Tag) -> None:
        if tag.name == "br" or tag.name in BLOCK_TAGS:
            sink = self._sink()
            if sink is not None:
                sink.pieces.append("\n")
            if self._section_pieces is not None:
                self._section_pieces.append(" ")

    def _finish(self, frame: Frame) -> None:
        self.done.append(frame)
