"""The values a link check returns: one URL's result, a fix, the whole report.

They sit below the workflow that builds them (:func:`resource_catalog.check_links`)
and the reports that render them, as the drift report's values do in ``drift.types``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resource_catalog.links.verdicts import LinkStatus

__all__ = ["Fix", "LinkReport", "LinkResult"]


@dataclass(frozen=True)
class LinkResult:
    """One URL's verdict, the records that use it and its failing runs in a row."""

    url: str
    resource_ids: tuple[str, ...]
    status: LinkStatus
    http_status: int | None
    final_url: str | None
    message: str
    failures: int = 0
    checked: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the ``links`` list."""
        return {
            "url": self.url,
            "resource_ids": list(self.resource_ids),
            "status": self.status.value,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "message": self.message,
            "failures": self.failures,
        }


@dataclass(frozen=True)
class Fix:
    """A curated link of a record rewritten to where it moved permanently."""

    resource_id: str
    old: str
    new: str


@dataclass(frozen=True)
class LinkReport:
    """What :func:`resource_catalog.check_links` found (and fixed), link by link, sorted by URL."""

    directory: Path
    links: tuple[LinkResult, ...]
    state_file: Path | None = None
    fixes: tuple[Fix, ...] = ()
    written: tuple[Path, ...] = field(default=(), repr=False)

    def summary(self) -> dict[str, int]:
        """Counts: every link, then each status."""
        counts = {"links": len(self.links)}
        for status in LinkStatus:
            counts[status.value] = sum(1 for r in self.links if r.status is status)
        return counts

    @property
    def broken(self) -> tuple[LinkResult, ...]:
        """The links to mend: gone, or unreachable for too many runs in a row."""
        return tuple(r for r in self.links if r.status is LinkStatus.BROKEN)

    @property
    def not_checked(self) -> tuple[LinkResult, ...]:
        """The links the run's deadline left unchecked."""
        return tuple(r for r in self.links if not r.checked)

    def to_dict(self) -> dict[str, Any]:
        """``{"summary": {...}, "links": [...]}`` as documented for ``--format json``."""
        return {"summary": self.summary(), "links": [r.to_dict() for r in self.links]}
