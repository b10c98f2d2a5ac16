"""What every drift rendering shares: ordering, counts, notes, excerpts, row limits.

The renderers themselves are in :mod:`resource_catalog.reports.drift` (text, markdown, json)
and :mod:`resource_catalog.reports.html`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence

from resource_catalog._base.display import shorten
from resource_catalog.drift.compare import (
    FIELD_SEVERITY,
    CatalogDrift,
    Changed,
    DriftReport,
    FieldValue,
    Reordered,
    SourceDrift,
)

#: Most rows of one table in a text, markdown or html report.
MAX_ROWS = 200
_FIELD_ORDER = {name: i for i, name in enumerate(FIELD_SEVERITY)}

Drift = DriftReport | CatalogDrift


def as_catalog(report: Drift) -> CatalogDrift:
    if isinstance(report, CatalogDrift):
        return report
    return CatalogDrift((SourceDrift(report.source_id, report.source, report),))


def severity_first(changed: Sequence[Changed]) -> list[Changed]:
    return sorted(
        changed,
        key=lambda c: (-c.severity.rank, c.id, _FIELD_ORDER.get(c.field, 99), c.field),
    )


def _plain(value: FieldValue) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) if value else "(none)"
    return value or "(empty)"


_LONG = 120  # text longer than this is shown as an excerpt around the change
_CONTEXT = 5  # words of context either side of the change


def excerpts(before: FieldValue, after: FieldValue) -> tuple[str, str]:
    """Plain ``before`` and ``after``; long texts cut to the changed words and some context."""
    if isinstance(before, tuple) or isinstance(after, tuple) or len(before) + len(after) <= _LONG:
        return shorten(_plain(before)), shorten(_plain(after))
    a, b = before.split(), after.split()
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    if not changed:
        return shorten(_plain(before)), shorten(_plain(after))
    i1, j1 = changed[0][1] - _CONTEXT, changed[0][3] - _CONTEXT
    i2, j2 = changed[-1][2] + _CONTEXT, changed[-1][4] + _CONTEXT

    def cut(words: list[str], start: int, end: int) -> str:
        start, end = max(start, 0), min(end, len(words))
        text = " ".join(words[start:end])
        return ("... " if start > 0 else "") + text + (" ..." if end < len(words) else "")

    return shorten(cut(a, i1, i2)), shorten(cut(b, j1, j2))


def short_name(name: str) -> str:
    return shorten(name, 120) or "(no name)"


def headline(drift: CatalogDrift | DriftReport) -> str:
    worst = drift.max_severity
    return f"{drift.status}" + (f" (worst: {worst})" if worst is not None else "")


def counts(report: DriftReport) -> str:
    return (
        f"{len(report.changed)} changed, {len(report.added)} added, "
        f"{len(report.removed)} removed, {len(report.renamed)} renamed"
    )


def reorder_note(item: Reordered) -> str:
    where = "the sections" if item.section is None else f"the listings of {item.section!r}"
    return shorten(f"the page shows {where} in another order: {', '.join(item.after)}")


def sections_note(report: DriftReport) -> list[str]:
    notes = []
    if report.sections_added:
        notes.append(f"new section heading(s): {', '.join(report.sections_added)}")
    if report.sections_removed:
        notes.append(f"section heading(s) gone: {', '.join(report.sections_removed)}")
    return [shorten(n) for n in notes]


def count_cells(entry: SourceDrift) -> list[str]:
    report = entry.report
    if report is None:
        return ["-", "-", "-", "-"]
    counts = (report.changed, report.added, report.removed, report.renamed)
    return [str(len(items)) for items in counts]


def limited(rows: Sequence[str], more: Callable[[int], str]) -> list[str]:
    """At most :data:`MAX_ROWS` rows, then one saying how many were left out."""
    if len(rows) <= MAX_ROWS:
        return list(rows)
    return [*rows[:MAX_ROWS], more(len(rows) - MAX_ROWS)]


def source_title(entry: SourceDrift) -> str:
    return f"{entry.id} ({shorten(entry.url, 200)})" if entry.id else shorten(entry.url, 200)
