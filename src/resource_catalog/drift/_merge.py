"""The three-way merge of one record with what one page says about it now.

:func:`merge_record` is the heart of a sync (see :mod:`resource_catalog.drift.plan`): per field,
the page's last observation is the base, the page now is theirs, the curated value is
ours. The helpers here build the observation, the review flag and the history events a
merge produces. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import BaseModel

from resource_catalog.contacts.fold import fold, normalize_text
from resource_catalog.drift.compare import field_values
from resource_catalog.models import (
    MERGED_FIELDS,
    Conflict,
    Listing,
    Observation,
    Resource,
    Review,
)
from resource_catalog.store.events import Action, Event

__all__ = [
    "ITEM_KEYS",
    "MERGED_FIELDS",
    "Context",
    "FieldConflict",
    "FieldUpdate",
    "as_json",
    "carry_labels",
    "event",
    "flag_review",
    "merge_record",
    "observation_of",
    "show",
    "with_observation",
]

#: The fields merged from the page, in the order reports name them.

_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "name": normalize_text,
    "section": fold,
    "description": normalize_text,
    "phones": lambda items: frozenset((p.number, p.extension, p.kind) for p in items),
    "locations": lambda items: frozenset((x.building, x.room) for x in items),
    "links": lambda items: frozenset(x.url for x in items),
}
ITEM_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "phones": lambda p: (p.number, p.extension, p.kind),
    "locations": lambda x: (x.building, x.room),
    "links": lambda x: x.url,
}


class FieldConflict(NamedTuple):
    """A field both the page and the curator changed: the curated value was kept."""

    id: str
    field: str
    reason: str


class FieldUpdate(NamedTuple):
    """A field whose value was taken from the page (``note``: what to check about it)."""

    id: str
    field: str
    note: str = ""


def show(value: object) -> str:
    """A value in a line of text: list items joined, cut to 80 characters."""
    text = ", ".join(value) if isinstance(value, tuple) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."  # noqa: PLR2004 - display width


def as_json(value: Any) -> Any:
    """A field value as JSON data (models dumped, everything else as it is)."""
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def flag_review(
    review: Review,
    reasons: Sequence[str],
    today: dt.date,
    conflicts: Sequence[Conflict] = (),
) -> Review:
    merged = list(review.reasons) + [r for r in reasons if r not in review.reasons]
    kept = [
        c
        for c in review.conflicts
        if (c.field, c.source_id) not in {(n.field, n.source_id) for n in conflicts}
    ]
    return review.model_copy(
        update={
            "needs_review": True,
            "reasons": merged,
            "conflicts": [*kept, *conflicts],
            "flagged_at": review.flagged_at if review.needs_review and review.flagged_at else today,
        }
    )


def observation_of(listing: Listing, url: str, source_id: str) -> Observation:
    return Observation.model_validate(
        {**listing.model_dump(), "url": url, "source_id": source_id, "listed": True}
    )


def with_observation(sources: Sequence[Observation], obs: Observation) -> list[Observation]:
    replaced = [obs if o.source_id == obs.source_id else o for o in sources]
    return replaced if obs in replaced else [*sources, obs]


@dataclass
class Context:
    source_id: str
    url: str
    today: dt.date
    at: dt.datetime
    snapshot: str | None


def merge_record(
    rec: Resource, listing: Listing, ctx: Context, extra_reasons: Sequence[str] = ()
) -> tuple[Resource, list[FieldUpdate], list[FieldConflict], list[Event]]:
    """Three-way merge of one record with its listing on the page; returns the new record."""
    update: dict[str, Any] = {}
    taken: list[FieldUpdate] = []
    conflicts: list[FieldConflict] = []
    recorded: list[Conflict] = []
    events: list[Event] = []
    notes: list[str] = []
    base_obs = rec.observation(ctx.source_id)
    others = [o for o in rec.sources if o.source_id != ctx.source_id and o.listed]
    shown = field_values(listing)
    for name in MERGED_FIELDS:
        key = _KEYS[name]
        ours, theirs = getattr(rec, name), getattr(listing, name)
        base = getattr(base_obs, name) if base_obs is not None else ours
        if key(theirs) == key(base) or key(theirs) == key(ours):
            continue
        if name in {"name", "section"} and not normalize_text(theirs):
            reason = f"{name}: the page now gives none; kept the curated value"
            conflicts.append(FieldConflict(rec.id, name, reason))
        elif key(ours) == key(base):
            note = ""
            if name in ITEM_KEYS:
                theirs, relabelled = carry_labels(ours, theirs, ITEM_KEYS[name])
                if relabelled:
                    # Taken, not a conflict: the record is flagged so a person checks the
                    # labels, and the plan says so on the update's line.
                    labels = ", ".join(map(repr, relabelled))
                    note = f"the curated label(s) {labels} were carried over: check them"
                    notes.append(f"{name}: changed on the page; {note}")
            update[name] = normalize_text(theirs) if name in {"name", "section"} else theirs
            taken.append(FieldUpdate(rec.id, name, note))
            events.append(event(Action.UPDATED, rec.id, ctx, name, ours, update[name]))
            continue
        elif any(key(getattr(o, name)) == key(ours) for o in others):
            continue  # the curated value follows another page; validate reports contradictions
        else:
            shown_value = shown.get(name, normalize_text(str(theirs)))
            reason = (
                f"{name}: changed both on the page {ctx.source_id} (now {show(shown_value)!r}) "
                "and in the catalog; kept the curated value"
            )
            conflicts.append(FieldConflict(rec.id, name, reason))
        recorded.append(
            Conflict(
                field=name,
                source_id=ctx.source_id,
                base=as_json(base),
                page=as_json(theirs),
                catalog=as_json(ours),
            )
        )
        events.append(event(Action.CONFLICT, rec.id, ctx, name, ours, theirs))
    obs = observation_of(listing, ctx.url, ctx.source_id)
    if base_obs is not None and base_obs != obs:
        events.append(
            event(Action.UPDATED, rec.id, ctx, "sources", as_json([base_obs]), as_json([obs]))
        )
    update["sources"] = with_observation(rec.sources, obs)
    reasons = [*extra_reasons, *notes, *(c.reason for c in conflicts)]
    if reasons:
        update["review"] = flag_review(rec.review, reasons, ctx.today, recorded)
    return Resource.model_validate({**dict(rec), **update}), taken, conflicts, events


def event(
    action: Action, rid: str, ctx: Context, name: str | None, before: Any, after: Any
) -> Event:
    return Event(
        at=ctx.at,
        action=action,
        resource_id=rid,
        source_id=ctx.source_id,
        field=name,
        before=as_json(before),
        after=as_json(after),
        snapshot_sha256=ctx.snapshot,
    )


def carry_labels(
    ours: Sequence[Any], theirs: Sequence[Any], key: Callable[[Any], Any]
) -> tuple[list[Any], list[str]]:
    """The page's items with curated labels kept.

    Items the page still lists keep their curated version. When the page replaced
    as many items as it dropped (a phone number changed), the dropped items'
    labels move to their replacements in order; those labels are returned so the
    record can be flagged for a look.
    """
    curated = {key(x): x for x in ours}
    kept = [curated.get(key(x), x) for x in theirs]
    page_keys = {key(x) for x in theirs}
    dropped = [x for x in ours if key(x) not in page_keys]
    fresh = [i for i, x in enumerate(theirs) if key(x) not in curated]
    relabelled: list[str] = []
    if dropped and len(dropped) == len(fresh):
        for old, i in zip(dropped, fresh, strict=True):
            if old.label and not kept[i].label:
                kept[i] = kept[i].model_copy(update={"label": old.label})
                relabelled.append(old.label)
    return kept, relabelled
