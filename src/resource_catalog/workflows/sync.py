"""The workflows that write a catalog: ``sync`` every source, ``migrate`` an old one.

Each is one library call (the command line only parses options, calls it and renders).
Both hold the catalog's lock, validate what they are about to save, and save it with its
history events in one atomic commit (:func:`resource_catalog.store.files.save_catalog`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from resource_catalog.checks.validate import load_for_change, refuse_invalid, validate_catalog
from resource_catalog.drift.plan import SyncPlan, apply_plan, plan_sync
from resource_catalog.errors import CatalogError, ResourceCatalogError, SyncError
from resource_catalog.models import SCHEMA_VERSION
from resource_catalog.pages.fetching.local import read_page_file
from resource_catalog.pages.read import ScrapedPage
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Action, Event, event_lines, now, sha256
from resource_catalog.store.files import (
    catalog_lock,
    check_writable,
    free_snapshot_name,
    save_catalog,
    snapshot_path,
    snapshot_problem,
)
from resource_catalog.workflows._pages import (
    Progress,
    catalog_directory,
    error_message,
    page_sections,
    read_chosen,
)

if TYPE_CHECKING:
    import requests

__all__ = ["MigrateResult", "SyncResult", "migrate_catalog", "sync_catalog"]


# --------------------------------------------------------------------------- sync


@dataclass(frozen=True)
class SyncResult:
    """What :func:`sync_catalog` did (or, with ``dry_run``, would do)."""

    directory: Path
    plans: tuple[SyncPlan, ...]
    errors: Mapping[str, str]
    written: tuple[Path, ...] = ()
    dry_run: bool = False
    moved: tuple[tuple[str, str], ...] = ()
    origins: Mapping[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Whether anything was (or would be) written."""
        return bool(self.written) or any(not p.is_empty for p in self.plans)


def sync_catalog(
    path: str | os.PathLike[str] | None = None,
    *,
    sources: Sequence[str] | None = None,
    html: str | os.PathLike[str] | None = None,
    url: str | None = None,
    offline: bool = False,
    dry_run: bool = False,
    force: bool = False,
    jobs: int = 4,
    session_factory: Callable[[], requests.Session] | None = None,
    progress: Progress | None = None,
    at: dt.datetime | None = None,
) -> SyncResult:
    """Apply the sources' page changes to the catalog without losing curated work.

    Holds the catalog's lock (not for ``dry_run``), loads and validates the catalog
    (a 1.0 catalog must be migrated first), reads every chosen source's page (from
    ``html``/``url`` for one source, the saved snapshots with ``offline``, else
    fetched), plans a
    sync per source and applies them in turn, validates the result, and saves it with
    the snapshots and the history events in one atomic commit. Nothing changes on disk
    when nothing changed on the pages. A source that cannot be read is skipped (its
    records are never retired for it) and reported in ``errors``. Raises
    :class:`SyncError` (nothing written) when a plan is refused or the result would not
    validate.
    """
    directory = catalog_directory(path)
    if not dry_run:
        check_writable(directory)
    with nullcontext() if dry_run else catalog_lock(directory):
        return _sync(
            directory,
            ids=sources,
            html=html,
            url=url,
            offline=offline,
            dry_run=dry_run,
            force=force,
            jobs=jobs,
            session_factory=session_factory,
            progress=progress,
            at=at,
        )


def _sync(
    directory: Path,
    *,
    ids: Sequence[str] | None,
    html: str | os.PathLike[str] | None,
    url: str | None,
    offline: bool,
    dry_run: bool,
    force: bool,
    jobs: int,
    session_factory: Callable[[], requests.Session] | None,
    progress: Progress | None,
    at: dt.datetime | None,
) -> SyncResult:
    catalog = load_for_change(directory)
    chosen, pages = read_chosen(
        catalog,
        ids,
        html=html,
        url=url,
        offline=offline,
        jobs=jobs,
        session_factory=session_factory,
        progress=progress,
    )
    stamp = at or now()
    plans: list[SyncPlan] = []
    errors: dict[str, str] = {}
    snapshots: dict[str, bytes] = {}
    events: list[Event] = []
    moved: list[tuple[str, str]] = []
    origins: dict[str, str] = {}
    for source in chosen:
        page = pages[source.id]
        if not isinstance(page, ScrapedPage):
            errors[source.id] = error_message(page)
            continue
        origins[source.id] = page.origin
        if page.moved_to is not None and page.fetched is not None:
            moved.append((page.fetched.url, page.moved_to))
        digest = sha256(page.content)
        plan = plan_sync(
            catalog,
            page.listings,
            source_id=source.id,
            page_sections=page_sections(source, page),
            force=force,
            at=stamp,
            snapshot_sha256=digest,
        )
        plans.append(plan)
        catalog = apply_plan(catalog, plan)
        events += plan.events
        catalog, snapshot = _mark_synced(catalog, source.id, page, plan, stamp)
        if snapshot is not None:
            snapshots[snapshot] = page.content
    refuse_invalid(catalog, "the synced catalog", SyncError)
    written: list[Path] = []
    if not dry_run and (snapshots or any(not p.is_empty for p in plans)):
        written = save_catalog(catalog, directory, snapshots=snapshots, history=event_lines(events))
    return SyncResult(
        directory=directory,
        plans=tuple(plans),
        errors=errors,
        written=tuple(written),
        dry_run=dry_run,
        moved=tuple(moved),
        origins=origins,
    )


def _mark_synced(
    catalog: Catalog, source_id: str, page: ScrapedPage, plan: SyncPlan, at: dt.datetime
) -> tuple[Catalog, str | None]:
    """Record a sync of one source (time, snapshot, validators), only when something changed.

    Returns the catalog and the snapshot file name to write (``None``: nothing to save).
    """
    source = catalog.meta.source(source_id)
    name = source.snapshot or free_snapshot_name(catalog.meta, source_id)
    saved: bytes | None = None
    if catalog.path is not None and snapshot_problem(catalog.path, name) is None:
        try:
            saved = read_page_file(snapshot_path(catalog.path, name))
        except (ResourceCatalogError, OSError):
            saved = None  # missing or unreadable: the page is saved anew
    fetched = page.fetched
    etag = fetched.etag if fetched and not page.not_modified else source.etag
    modified = fetched.last_modified if fetched and not page.not_modified else source.last_modified
    same_page = saved == page.content
    if plan.is_empty and same_page and (etag, modified) == (source.etag, source.last_modified):
        return catalog, None
    updated = source.model_copy(
        update={"snapshot": name, "etag": etag, "last_modified": modified, "last_sync": at}
    )
    sources = [updated if s.id == source_id else s for s in catalog.meta.sources]
    catalog = catalog.with_meta(catalog.meta.model_copy(update={"sources": sources}))
    return catalog, (None if same_page else name)


# --------------------------------------------------------------------------- migrate


@dataclass(frozen=True)
class MigrateResult:
    """What :func:`migrate_catalog` did: the version found and the files written."""

    directory: Path
    from_version: str
    written: tuple[Path, ...]


def migrate_catalog(
    path: str | os.PathLike[str] | None = None, *, at: dt.datetime | None = None
) -> MigrateResult:
    """Rewrite a catalog in the current schema (2.1), atomically and under the lock.

    A 1.0 catalog is read as 2.0 in memory (each source gets an id, each record's
    ``source`` becomes its first observation), validated, and saved as 2.1 in one commit
    with a history event; a 2.0 catalog only changes its version (2.1 adds accepted
    warnings). A current catalog is left as it is. Raises :class:`CatalogError`
    when the catalog is invalid (nothing is written).
    """
    directory = catalog_directory(path)
    with catalog_lock(directory):
        validation = validate_catalog(directory)
        errors = validation.errors
        if errors:
            first = errors[0]
            raise CatalogError(
                f"catalog {directory} has {len(errors)} error(s) and cannot be migrated; "
                f"first: {first.file}: {first.field or first.code}: {first.message}",
                validation.findings,
            )
        found = validation.schema_version
        if found == SCHEMA_VERSION:
            return MigrateResult(directory, found, ())
        # 1.0 was read as 2.0 in memory; 2.0 is 2.1 without accepted warnings.
        meta = validation.catalog.meta.model_copy(update={"schema_version": SCHEMA_VERSION})
        event = Event(
            at=at or now(),
            action=Action.UPDATED,
            field="schema_version",
            before=found,
            after=SCHEMA_VERSION,
        )
        written = save_catalog(
            validation.catalog.with_meta(meta), directory, history=event_lines([event])
        )
    return MigrateResult(directory, found, tuple(written))
