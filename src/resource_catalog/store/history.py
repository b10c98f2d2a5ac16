"""The change history, ``history.jsonl``: one event per line, appended with each save.

Every change that ``sync``, ``migrate`` and ``review`` make is recorded as an
:class:`~resource_catalog.store.events.Event`::

    {"at": "2026-11-28T06:17:00Z", "action": "updated", "resource_id": "mental-health",
     "source_id": "osc-campus-resources", "field": "phones",
     "before": [...], "after": [...], "snapshot_sha256": "9f2c..."}

``action`` is one of :class:`~resource_catalog.store.events.Action`. ``before`` and
``after`` are the field's JSON values (``null`` where they do not apply);
``snapshot_sha256`` is the SHA-256 of the page the change came from (``null`` for review
and migrate). Lines are appended in the same atomic commit as the change they describe
(:func:`resource_catalog.store.files.save_catalog`).
A time without a zone is read as UTC.

The event values and their parsing are in :mod:`resource_catalog.store.events`; here,
:func:`history_events` reads a catalog's events for the ``history`` command;
:func:`changes_since` gives a catalog's changes feed and :func:`changes_catalog` cuts
a catalog down to it (``export --since``).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from resource_catalog._base.display import quoted
from resource_catalog._base.paths import default_catalog_dir
from resource_catalog.errors import CatalogError
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Change, Event, as_datetime, changes_in, parse_history
from resource_catalog.store.files import HISTORY_FILE, META_FILE, open_files

__all__ = ["changes_catalog", "changes_since", "history_events"]


def changes_since(catalog: Catalog, since: dt.date | dt.datetime | None) -> list[Change]:
    """Records created, updated or retired at or after ``since``, oldest change first
    (what :meth:`Catalog.changes <resource_catalog.store.catalog.Catalog.changes>` gives)."""
    return changes_in(catalog.history, catalog.get, since)


def changes_catalog(catalog: Catalog, since: dt.date | dt.datetime) -> Catalog:
    """The catalog cut down to what changed since ``since``: what ``export --since`` writes.

    Its records are those created, updated or retired since then (retired ones included,
    records no longer in the catalog left out); its history holds only their events
    since then, so an HSDS export's change log covers the same period.
    """
    start = as_datetime(since)
    changed = [c.resource for c in changes_since(catalog, since) if c.resource is not None]
    ids = {r.id for r in changed}
    events = tuple(e for e in catalog.history if e.resource_id in ids and e.at >= start)
    return Catalog(meta=catalog.meta, resources=tuple(changed), path=catalog.path, history=events)


def history_events(
    path: str | os.PathLike[str] | None = None,
    resource_id: str | None = None,
    since: dt.date | dt.datetime | None = None,
) -> list[Event]:
    """The events of a catalog's ``history.jsonl``, oldest first, for people and tools.

    ``resource_id`` keeps one record's events (a :class:`CatalogError` when the catalog
    has no such record and the history never named it); ``since`` keeps the events at
    or after that time (a date means its midnight, UTC). The files are read in one
    consistent view, as a save commits whole. A malformed line is a
    :class:`CatalogError` naming it (``validate`` lists every one).
    """
    directory = Path(path) if path is not None else default_catalog_dir()
    with open_files(directory) as files:  # the history and the record names: no record read
        names = set(files.names)
    if isinstance(files.meta, OSError):
        raise CatalogError(
            f"cannot read {directory / META_FILE}: {files.meta.strerror or files.meta}"
        )
    events, problems = parse_history(files.history or b"")
    if problems:
        number, why = problems[0]
        raise CatalogError(
            f"{directory / HISTORY_FILE} line {number}: {why} ({len(problems)} bad line(s)); "
            "run `resource-catalog validate` to see every problem"
        )
    if resource_id is not None:
        if f"{resource_id}.json" not in names and all(e.resource_id != resource_id for e in events):
            raise CatalogError(f"no record {quoted(resource_id)} in the catalog {directory}")
        events = [e for e in events if e.resource_id == resource_id]
    if since is not None:
        start = as_datetime(since)
        events = [e for e in events if e.at >= start]
    return events
