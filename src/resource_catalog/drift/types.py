"""The drift report's types: what differs between a page and the catalog, per source.

:func:`resource_catalog.drift.compare.compare` builds a :class:`DriftReport` for one page;
:class:`CatalogDrift` gathers the reports of every source checked, with the sources that
could not be read. The ``to_dict`` forms are the JSON other tools read (keys are a
contract). Pure data: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from resource_catalog.models import Listing

__all__ = [
    "ADDED_SEVERITY",
    "FIELD_SEVERITY",
    "REMOVED_SEVERITY",
    "RENAMED_SEVERITY",
    "SECTIONS_SEVERITY",
    "Added",
    "CatalogDrift",
    "Changed",
    "DriftReport",
    "DriftSeverity",
    "FieldValue",
    "Removed",
    "Renamed",
    "Reordered",
    "SourceDrift",
]

#: A before/after value in a report: a string or a sorted list of strings.
FieldValue = str | tuple[str, ...]


class DriftSeverity(StrEnum):
    """How much a difference matters, from ``CRITICAL`` down to ``INFO``."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"

    @property
    def rank(self) -> int:
        """A number that orders severities: ``CRITICAL`` is highest."""
        return _RANK[self]

    def at_least(self, threshold: DriftSeverity) -> bool:
        """Whether this severity is ``threshold`` or worse."""
        return self.rank >= threshold.rank


_RANK = {
    DriftSeverity.CRITICAL: 3,
    DriftSeverity.MAJOR: 2,
    DriftSeverity.MINOR: 1,
    DriftSeverity.INFO: 0,
}

#: Compared fields in report order, with their severity.
FIELD_SEVERITY: Mapping[str, DriftSeverity] = {
    "phones": DriftSeverity.CRITICAL,
    "locations": DriftSeverity.CRITICAL,
    "section": DriftSeverity.MAJOR,
    "links": DriftSeverity.MAJOR,
    "description": DriftSeverity.MINOR,
}
#: A listing gone from the page takes its phones and rooms with it.
REMOVED_SEVERITY = DriftSeverity.CRITICAL
ADDED_SEVERITY = DriftSeverity.MAJOR
RENAMED_SEVERITY = DriftSeverity.MAJOR
SECTIONS_SEVERITY = DriftSeverity.MINOR


@dataclass(frozen=True)
class Added:
    """A listing on the page that no record listed there matches.

    ``relisted`` names the record when the listing is one the page had dropped.
    """

    name: str
    section: str
    listing: Listing
    source_id: str = ""
    relisted: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"name", "section", "source_id", "relisted"}``."""
        return {
            "name": self.name,
            "section": self.section,
            "source_id": self.source_id,
            "relisted": self.relisted,
        }


@dataclass(frozen=True)
class Removed:
    """An active record that no listing on the page matches any more."""

    id: str
    name: str
    source_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"id", "name", "source_id"}``."""
        return {"id": self.id, "name": self.name, "source_id": self.source_id}


@dataclass(frozen=True)
class Renamed:
    """A record whose listing is still on the page under another name."""

    id: str
    old_name: str
    new_name: str
    source_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"id", "old_name", "new_name", "source_id"}``."""
        return {
            "id": self.id,
            "old_name": self.old_name,
            "new_name": self.new_name,
            "source_id": self.source_id,
        }


@dataclass(frozen=True)
class Changed:
    """One field of a matched listing that the page changed."""

    id: str
    name: str
    field: str
    before: FieldValue
    after: FieldValue
    severity: DriftSeverity
    source_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; list values become JSON arrays."""
        return {
            "id": self.id,
            "name": self.name,
            "field": self.field,
            "before": _jsonable(self.before),
            "after": _jsonable(self.after),
            "severity": str(self.severity),
            "source_id": self.source_id,
        }


@dataclass(frozen=True)
class Reordered:
    """Information only: the page shows the same items in another order.

    ``section`` is ``None`` for the order of the sections themselves, else the
    section whose listings (by name) were reordered.
    """

    section: str | None
    before: tuple[str, ...]
    after: tuple[str, ...]
    severity: DriftSeverity = DriftSeverity.INFO
    source_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"section", "before", "after", "source_id"}``."""
        return {
            "section": self.section,
            "before": list(self.before),
            "after": list(self.after),
            "source_id": self.source_id,
        }


@dataclass(frozen=True)
class DriftReport:
    """The differences between a catalog and one scrape of one source page.

    ``source`` is the page's URL and ``source_id`` its id. ``matches`` (record id ->
    listing) is what :func:`compare` paired, retired and dropped records included;
    sync uses it. ``sections_added`` / ``sections_removed`` are the section headings
    the page gained or lost. ``matches`` is not part of the JSON form.
    """

    source: str
    added: tuple[Added, ...] = ()
    removed: tuple[Removed, ...] = ()
    renamed: tuple[Renamed, ...] = ()
    changed: tuple[Changed, ...] = ()
    reordered: tuple[Reordered, ...] = ()
    source_id: str = ""
    sections_added: tuple[str, ...] = ()
    sections_removed: tuple[str, ...] = ()
    matches: Mapping[str, Listing] = field(default_factory=dict, compare=False, repr=False)

    @property
    def status(self) -> str:
        """``"drift"`` when anything but the order differs, else ``"clean"``."""
        return "drift" if self.max_severity is not None else "clean"

    @property
    def max_severity(self) -> DriftSeverity | None:
        """The worst severity of the drift, ``None`` when clean (order is not drift)."""
        found = [c.severity for c in self.changed]
        found += [ADDED_SEVERITY] if self.added else []
        found += [REMOVED_SEVERITY] if self.removed else []
        found += [RENAMED_SEVERITY] if self.renamed else []
        found += [SECTIONS_SEVERITY] if self.sections_added or self.sections_removed else []
        return max(found, key=lambda s: s.rank, default=None)

    def counts(self) -> dict[str, int]:
        """How many of each kind of difference: ``{"added", "removed", "renamed", "changed"}``."""
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "renamed": len(self.renamed),
            "changed": len(self.changed),
        }

    def has_drift(self, fail_on: DriftSeverity = DriftSeverity.MINOR) -> bool:
        """Whether there is drift at ``fail_on`` severity or worse."""
        worst = self.max_severity
        return worst is not None and worst.at_least(fail_on)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of one source's report (as :class:`CatalogDrift` gives it)."""
        return CatalogDrift((SourceDrift(self.source_id, self.source, self),)).to_dict()


@dataclass(frozen=True)
class SourceDrift:
    """One source as a drift check saw it: its report, or why it could not be checked."""

    id: str
    url: str
    report: DriftReport | None = None
    error: str | None = None

    @property
    def status(self) -> str:
        """``"clean"``, ``"drift"`` or ``"error"`` (the page could not be read or recognised)."""
        if self.report is None:
            return "error"
        return self.report.status

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "url", "status", "error", "counts", "sections_added", "sections_removed"}``."""
        report = self.report
        return {
            "id": self.id,
            "url": self.url,
            "status": self.status,
            "error": self.error,
            "counts": report.counts() if report is not None else None,
            "sections_added": list(report.sections_added) if report is not None else [],
            "sections_removed": list(report.sections_removed) if report is not None else [],
        }


@dataclass(frozen=True)
class CatalogDrift:
    """The drift of every source checked: per source, and gathered.

    The gathered lists (``added``, ``changed``...) hold every source's items, each
    carrying its ``source_id``. The status is the worst: ``"error"`` when a source
    could not be checked, else ``"drift"`` when any source drifted, else ``"clean"``.
    """

    sources: tuple[SourceDrift, ...]

    @property
    def reports(self) -> tuple[DriftReport, ...]:
        """The reports of the sources that could be checked."""
        return tuple(s.report for s in self.sources if s.report is not None)

    @property
    def errors(self) -> tuple[SourceDrift, ...]:
        """The sources that could not be checked."""
        return tuple(s for s in self.sources if s.report is None)

    @property
    def added(self) -> tuple[Added, ...]:
        """Every source's added listings."""
        return tuple(a for r in self.reports for a in r.added)

    @property
    def removed(self) -> tuple[Removed, ...]:
        """Every source's removed records."""
        return tuple(x for r in self.reports for x in r.removed)

    @property
    def renamed(self) -> tuple[Renamed, ...]:
        """Every source's renamed listings."""
        return tuple(x for r in self.reports for x in r.renamed)

    @property
    def changed(self) -> tuple[Changed, ...]:
        """Every source's changed fields."""
        return tuple(x for r in self.reports for x in r.changed)

    @property
    def reordered(self) -> tuple[Reordered, ...]:
        """Every source's order changes (information only)."""
        return tuple(x for r in self.reports for x in r.reordered)

    @property
    def max_severity(self) -> DriftSeverity | None:
        """The worst drift of any source checked, ``None`` when all are clean."""
        found = [r.max_severity for r in self.reports]
        return max((s for s in found if s is not None), key=lambda s: s.rank, default=None)

    @property
    def status(self) -> str:
        """``"error"``, ``"drift"`` or ``"clean"`` (the worst of the sources)."""
        if self.errors:
            return "error"
        return "drift" if self.max_severity is not None else "clean"

    def has_drift(self, fail_on: DriftSeverity = DriftSeverity.MINOR) -> bool:
        """Whether any source drifted at ``fail_on`` severity or worse."""
        return any(r.has_drift(fail_on) for r in self.reports)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form other tools read (keys are a contract).

        ``source`` is the URL when one source was checked, else ``None``.
        """
        return {
            "status": self.status,
            "source": self.sources[0].url if len(self.sources) == 1 else None,
            "added": [a.to_dict() for a in self.added],
            "removed": [r.to_dict() for r in self.removed],
            "renamed": [r.to_dict() for r in self.renamed],
            "changed": [c.to_dict() for c in self.changed],
            "reordered": [r.to_dict() for r in self.reordered],
            "sources": [s.to_dict() for s in self.sources],
        }


def _jsonable(value: FieldValue) -> str | list[str]:
    return list(value) if isinstance(value, tuple) else value
