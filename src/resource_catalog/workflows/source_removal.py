"""Stop following a source page: ``resource-catalog sources remove ID``, one library call.

Removing a page never deletes a record, nor what the page once said. For each record
that page had an observation of:

* listed only there now (no other page lists it): the record is retired, with a
  ``retired`` event and a review reason, as a sync retires a record no page lists;
* listed on other pages too (or retired already): it only loses that observation.

The observation of the removed page goes from the record, unless it is the record's
only one: then it stays, unlisted, as the record's last word from any page (a retired
record may keep an unlisted observation of a page the catalog no longer follows).
Conflicts with that page are dropped (no page is left to take a value from). The
source leaves ``catalog.json``; its snapshot file stays on disk for the person who
removes it with the source control they use (a save never deletes files).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resource_catalog._base.paths import default_catalog_dir
from resource_catalog.checks.validate import load_for_change, refuse_invalid
from resource_catalog.drift._merge import flag_review
from resource_catalog.errors import CatalogError
from resource_catalog.models import Resource, SourcePage, Status
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Action, Event, event_lines, now
from resource_catalog.store.files import catalog_lock, check_writable, save_catalog

__all__ = ["RemoveResult", "remove_source"]


@dataclass(frozen=True)
class RemoveResult:
    """What :func:`remove_source` did (or, with ``dry_run``, would do).

    ``retired`` are the ids of the records only that page listed; ``unlinked`` the
    ids of the records that only lost its observation.
    """

    directory: Path
    source: SourcePage
    retired: tuple[str, ...]
    unlinked: tuple[str, ...]
    written: tuple[Path, ...] = ()
    dry_run: bool = False


def remove_source(
    path: str | os.PathLike[str] | None,
    source_id: str,
    *,
    dry_run: bool = False,
    at: dt.datetime | None = None,
) -> RemoveResult:
    """Remove the source ``source_id`` from the catalog (see the module docstring).

    Under the catalog's lock (not for ``dry_run``): the catalog is loaded and validated,
    changed, validated again and saved with its history events in one atomic commit.

    Raises:
        CatalogError: no such source, it is the catalog's only one, or the catalog is
            invalid or not writable.
    """
    directory = Path(path) if path is not None else default_catalog_dir()
    if dry_run:
        return _remove(directory, source_id, dry_run=True, at=at)
    check_writable(directory)
    with catalog_lock(directory):
        return _remove(directory, source_id, dry_run=False, at=at)


def _remove(
    directory: Path, source_id: str, *, dry_run: bool, at: dt.datetime | None
) -> RemoveResult:
    catalog = load_for_change(directory)
    try:
        source = catalog.meta.source(source_id)
    except KeyError as exc:
        raise CatalogError(str(exc.args[0])) from None
    if len(catalog.meta.sources) == 1:
        raise CatalogError(
            f"{source_id} is the catalog's only source; a catalog follows at least one page"
        )
    stamp = at or now()
    removed = Event(
        at=stamp, action=Action.UPDATED, source_id=source_id, field="sources", before=source.url
    )
    events: list[Event] = [removed]
    retired: list[str] = []
    unlinked: list[str] = []
    changed: dict[str, Resource] = {}
    for record in catalog.resources:
        if record.observation(source_id) is None:
            continue
        new, was_retired = _without_page(record, source_id, stamp.date())
        changed[record.id] = new
        (retired if was_retired else unlinked).append(record.id)
        if was_retired:
            events.append(_event(Action.RETIRED, record.id, source_id, stamp, "active", "retired"))
        events.append(_event(Action.UPDATED, record.id, source_id, stamp, None, None, "sources"))
    meta = catalog.meta.model_copy(
        update={"sources": [s for s in catalog.meta.sources if s.id != source_id]}
    )
    updated = Catalog(
        meta=meta,
        resources=tuple(changed.get(r.id, r) for r in catalog.resources),
        path=directory,
    )
    refuse_invalid(updated, f"the catalog without source {source_id!r}")
    written: list[Path] = []
    if not dry_run:
        written = save_catalog(updated, directory, history=event_lines(events))
    return RemoveResult(directory, source, tuple(retired), tuple(unlinked), tuple(written), dry_run)


def _without_page(record: Resource, source_id: str, today: dt.date) -> tuple[Resource, bool]:
    """The record without the page ``source_id``; and whether it was retired for it."""
    others = [o for o in record.sources if o.source_id != source_id]
    retire = record.status is Status.ACTIVE and not any(o.listed for o in others)
    # Its only observation stays, unlisted, when it has no other: a record keeps one.
    sources = others or [o.model_copy(update={"listed": False}) for o in record.sources]
    conflicts = [c for c in record.review.conflicts if c.source_id != source_id]
    review = record.review.model_copy(update={"conflicts": conflicts})
    update: dict[str, Any] = {"sources": sources, "review": review}
    if retire:
        reason = f"its page {source_id} was removed from the catalog ({today.isoformat()})"
        update["status"] = Status.RETIRED
        update["review"] = flag_review(review, [reason], today)
    return Resource.model_validate({**dict(record), **update}), retire


def _event(
    action: Action,
    resource_id: str,
    source_id: str,
    at: dt.datetime,
    before: Any,
    after: Any,
    field: str = "status",
) -> Event:
    return Event(
        at=at,
        action=action,
        resource_id=resource_id,
        source_id=source_id,
        field=field,
        before=before,
        after=after,
    )
