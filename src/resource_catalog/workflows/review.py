"""The review queue, and the two curation steps: resolve a conflict, mark a record reviewed.

A sync flags a record for review (``review.needs_review``) when it creates it from a
new listing, retires it, or finds a field that both the page and the curators
changed (a :class:`~resource_catalog.models.Conflict`, the curated value kept).

* :func:`review_queue` lists the flagged records, oldest flag first; with
  ``stale=True`` it lists instead the active records due for re-verification (never
  reviewed, or not within ``catalog.json``'s ``review_interval_days``), oldest first.
* :func:`review_item` is one record as the queue shows it, flagged or not.
* :func:`resolve_conflict` settles one conflict: ``take="page"`` makes the curated
  field the page's value, ``take="catalog"`` keeps the curated one. The conflict is
  removed either way; the reasons stay until the record is marked reviewed.
* :func:`mark_reviewed` records that a person checked the record today
  (``last_reviewed``). When no conflict is left, the flag, its reasons and its date are
  cleared; when conflicts are left they stay, and the result says which.

Both steps hold the catalog's sync lock, load and validate the catalog, check the
changed catalog as ``validate`` would, and save the record with its history event
(``resolved`` or ``reviewed``) in one atomic commit. They raise :class:`ReviewError`
(nothing written) for an unknown record, a field without a conflict, or a page value
that the record's schema rejects.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import JsonValue, ValidationError

from resource_catalog._base.display import quoted
from resource_catalog._base.paths import default_catalog_dir
from resource_catalog.checks.records import review_overdue
from resource_catalog.checks.validate import (
    load_catalog,
    load_for_change,
    refuse_invalid,
)
from resource_catalog.drift._merge import ITEM_KEYS, carry_labels
from resource_catalog.drift.plan import MERGED_FIELDS
from resource_catalog.errors import ReviewError
from resource_catalog.models import Conflict, Resource, Review
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Action, Event, event_lines, now
from resource_catalog.store.files import catalog_lock, save_catalog

__all__ = [
    "Difference",
    "QueueItem",
    "ResolveResult",
    "ReviewResult",
    "conflict_summary",
    "find_record",
    "mark_reviewed",
    "resolve_conflict",
    "review_item",
    "review_queue",
]

Take = Literal["page", "catalog"]
CatalogSource = Catalog | str | os.PathLike[str] | None


@dataclass(frozen=True)
class Difference:
    """A merged field on which a page that lists the record and the catalog differ."""

    field: str
    source_id: str
    page: JsonValue
    catalog: JsonValue


@dataclass(frozen=True)
class QueueItem:
    """One record as the review queue shows it.

    :meth:`to_dict` is the JSON form (``review list --format json``); ``resource``
    is the whole record, :attr:`differences` what its pages say otherwise (for ``show``).
    """

    resource: Resource

    @property
    def id(self) -> str:
        """The record's id."""
        return self.resource.id

    @property
    def review(self) -> Review:
        """The record's curation state."""
        return self.resource.review

    @property
    def differences(self) -> tuple[Difference, ...]:
        """What the pages that list the record say otherwise: :func:`differences`."""
        return differences(self.resource)

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "name", "reasons", "conflicts": [{"field", "source_id", "base",
        "page", "catalog"}], "flagged_at"}``."""
        review = self.resource.review
        return {
            "id": self.resource.id,
            "name": self.resource.name,
            "reasons": list(review.reasons),
            "conflicts": [c.model_dump(mode="json") for c in review.conflicts],
            "flagged_at": review.flagged_at.isoformat() if review.flagged_at else None,
        }


def _catalog(source: CatalogSource) -> Catalog:
    return source if isinstance(source, Catalog) else load_catalog(source)


def review_queue(
    catalog: CatalogSource = None, *, stale: bool = False, today: dt.date | None = None
) -> list[QueueItem]:
    """The records needing review, the oldest flag first (an undated flag before all).

    With ``stale``, the active records due for re-verification instead, the oldest
    review first (never reviewed before all). ``catalog`` is a loaded catalog or a
    directory (loaded and validated; default: the usual catalog).
    """
    loaded = _catalog(catalog)
    if stale:
        day = today or now().date()
        interval = loaded.meta.review_interval_days
        chosen = [r for r in loaded.active if review_overdue(r, day, interval)]
        chosen.sort(key=lambda r: _oldest_first(r.review.last_reviewed, r.id))
    else:
        chosen = [r for r in loaded.resources if r.review.needs_review]
        chosen.sort(key=lambda r: _oldest_first(r.review.flagged_at, r.id))
    return [QueueItem(r) for r in chosen]


def _oldest_first(day: dt.date | None, rid: str) -> tuple[bool, dt.date, str]:
    return (day is not None, day or dt.date.min, rid)


def review_item(catalog: CatalogSource, resource_id: str) -> QueueItem:
    """One record as the queue shows it (flagged or not); :class:`ReviewError` if unknown."""
    loaded = _catalog(catalog)
    return QueueItem(find_record(loaded, resource_id))


def differences(resource: Resource) -> tuple[Difference, ...]:
    """The merged fields on which a page listing the record says otherwise than the catalog.

    Labels, spacing and order aside; a field in an open conflict with that page is
    left out (the conflict shows it).
    """
    curated = resource.model_dump(mode="json")
    open_ = {(c.field, c.source_id) for c in resource.review.conflicts}
    found: list[Difference] = []
    for obs in resource.sources:
        if not obs.listed:
            continue
        page = obs.model_dump(mode="json")
        for name in MERGED_FIELDS:
            if (name, obs.source_id) in open_ or _key(page[name]) == _key(curated[name]):
                continue
            found.append(Difference(name, obs.source_id, page[name], curated[name]))
    return tuple(found)


def _key(value: JsonValue) -> Any:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return sorted(json.dumps(_key(v), sort_keys=True) for v in value)
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "label"}
    return value


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class ResolveResult:
    """What :func:`resolve_conflict` did: the record now, the conflict settled, the event."""

    directory: Path
    resource: Resource
    conflict: Conflict
    take: Take
    event: Event
    written: tuple[Path, ...]


@dataclass(frozen=True)
class ReviewResult:
    """What :func:`mark_reviewed` did: the record now, the conflicts still open, the event.

    ``event`` is ``None`` (and nothing was written) when the record was already
    reviewed today with nothing to clear.
    """

    directory: Path
    resource: Resource
    remaining: tuple[Conflict, ...]
    event: Event | None
    written: tuple[Path, ...]

    @property
    def cleared(self) -> bool:
        """Whether the record no longer needs review."""
        return not self.resource.review.needs_review


def resolve_conflict(
    path: str | os.PathLike[str] | None,
    resource_id: str,
    field: str,
    take: Take,
    *,
    source_id: str | None = None,
    at: dt.datetime | None = None,
) -> ResolveResult:
    """Settle the conflict on ``field`` of a record: take the page's value or keep the catalog's.

    ``source_id`` picks the page when several pages conflict on that field. The page
    value is the conflict's ``page`` value, validated as the field's type. Under the
    lock; the record and a ``resolved`` event are saved in one atomic commit.
    """
    if take not in ("page", "catalog"):
        raise ReviewError(f"take must be 'page' or 'catalog', not {take!r}", resource_id)
    directory = Path(path) if path is not None else default_catalog_dir()
    with catalog_lock(directory):
        catalog = load_for_change(directory)
        record = find_record(catalog, resource_id)
        conflict = _conflict(record, field, source_id)
        current = record.model_dump(mode="json")
        remaining = [c for c in record.review.conflicts if c is not conflict]
        current["review"]["conflicts"] = [c.model_dump(mode="json") for c in remaining]
        if take == "page":
            current[field] = conflict.page
        try:
            updated = Resource.model_validate(current)
            if take == "page" and field in ITEM_KEYS:  # the page says no labels: keep ours
                kept, _ = carry_labels(
                    getattr(record, field), getattr(updated, field), ITEM_KEYS[field]
                )
                updated = updated.model_copy(update={field: kept})
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in err["loc"])
            raise ReviewError(
                f"the page's {field} for {resource_id} would not be a valid value ({where}: "
                f"{err['msg']}); keep the catalog's (--take catalog) or edit the record",
                resource_id,
            ) from None
        event = Event(
            at=at or now(),
            action=Action.RESOLVED,
            resource_id=resource_id,
            source_id=conflict.source_id,
            field=field,
            before=record.model_dump(mode="json")[field],
            after=updated.model_dump(mode="json")[field],
        )
        written = _save(directory, catalog, updated, event)
    return ResolveResult(directory, updated, conflict, take, event, written)


def mark_reviewed(
    path: str | os.PathLike[str] | None,
    resource_id: str,
    *,
    today: dt.date | None = None,
    at: dt.datetime | None = None,
) -> ReviewResult:
    """Record that a person checked the record: ``last_reviewed`` becomes ``today``.

    With no conflict left the flag is cleared (``needs_review``, ``reasons`` and
    ``flagged_at``); with conflicts left the flag and the conflicts stay and
    :attr:`ReviewResult.remaining` lists them. Under the lock; the record and a
    ``reviewed`` event are saved in one atomic commit (nothing when nothing changes).
    """
    stamp = at or now()
    day = today or stamp.date()
    directory = Path(path) if path is not None else default_catalog_dir()
    with catalog_lock(directory):
        catalog = load_for_change(directory)
        record = find_record(catalog, resource_id)
        remaining = tuple(record.review.conflicts)
        if remaining:
            review = record.review.model_copy(update={"last_reviewed": day})
        else:
            review = Review(last_reviewed=day)
        if review == record.review:
            return ReviewResult(directory, record, remaining, None, ())
        updated = record.model_copy(update={"review": review})
        event = Event(
            at=stamp,
            action=Action.REVIEWED,
            resource_id=resource_id,
            field="review",
            before=record.review.model_dump(mode="json"),
            after=review.model_dump(mode="json"),
        )
        written = _save(directory, catalog, updated, event)
    return ReviewResult(directory, updated, remaining, event, written)


# --------------------------------------------------------------------------- pieces


def find_record(catalog: Catalog, resource_id: str) -> Resource:
    record = catalog.get(resource_id)
    if record is not None:
        return record
    close = difflib.get_close_matches(resource_id, [r.id for r in catalog.resources], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    where = f" in {catalog.path}" if catalog.path is not None else ""
    raise ReviewError(f"no record {quoted(resource_id)}{where}{hint}", resource_id)


def _conflict(record: Resource, field: str, source_id: str | None) -> Conflict:
    if field not in MERGED_FIELDS:
        raise ReviewError(
            f"{field!r} is not a field a page can be in conflict on (those are "
            f"{', '.join(MERGED_FIELDS)}); nothing was written",
            record.id,
        )
    conflicts = record.review.conflicts
    matching = [c for c in conflicts if c.field == field and source_id in (None, c.source_id)]
    if len(matching) == 1:
        return matching[0]
    if matching:
        pages = ", ".join(c.source_id for c in matching)
        raise ReviewError(
            f"{record.id} has conflicts on {field} with several pages ({pages}); pass --source ID",
            record.id,
        )
    page = f" with {source_id}" if source_id is not None else ""
    known = f"its conflicts: {conflict_summary(conflicts)}" if conflicts else "it has none"
    raise ReviewError(f"{record.id} has no conflict on {field!r}{page} ({known})", record.id)


def _save(directory: Path, catalog: Catalog, updated: Resource, event: Event) -> tuple[Path, ...]:
    """Check the catalog with ``updated`` as ``validate`` would, then commit it with the event."""
    changed = catalog.replace([updated if r.id == updated.id else r for r in catalog.resources])
    refuse_invalid(changed, updated.id, lambda message: ReviewError(message, updated.id))
    return tuple(save_catalog(changed, directory, history=event_lines([event])))


def conflict_summary(conflicts: Iterable[Conflict]) -> str:
    """``phones (osc-campus-resources), name (other-page)``: conflicts named for people."""
    return ", ".join(f"{c.field} ({c.source_id})" for c in conflicts)
