"""Sync the catalog with one source page: a three-way merge per field, in memory.

For every record the page lists, and for each of ``name``, ``section``,
``description``, ``phones``, ``locations`` and ``links``:

* base   = what this page said last time (the record's observation of the source),
* theirs = what the page says now (the scraped listing),
* ours   = the curated value.

Curated equal to base: take the page's value. Page equal to base: keep the curated
value. Curated equal to what *another* page says (the record follows that page): keep
it; ``validate`` reports pages that contradict each other. Otherwise both changed:
keep curated, flag ``review.needs_review`` and record a :class:`~resource_catalog.models.Conflict`
(base, page and catalog values). The observation always becomes the new listing, so
the next sync against the same page is a no-op.

New listings become records needing review, unless the office is already in the
catalog from another page (the same name, a leading "The"/"MIT" and a trailing
"(ACRONYM)" aside): then the listing joins that record as another observation, also
flagged. A record the page no longer lists loses that observation's ``listed`` flag
and is retired, never deleted, when no page lists it any more; any page that lists it
again (the same page or another) makes it active again. A record its curators retired
stays retired while its page still lists it.

:func:`plan_sync` only plans and :func:`apply_plan` returns a new :class:`Catalog`;
writing it (atomically, under the lock, with the snapshot and the history) is
:func:`resource_catalog.workflows.sync.sync_catalog`'s job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from resource_catalog.checks.records import NEW_LISTING_REASON
from resource_catalog.contacts.fold import fold, normalize_text, slugify
from resource_catalog.drift._merge import (
    MERGED_FIELDS,
    Context,
    FieldConflict,
    FieldUpdate,
    as_json,
    event,
    flag_review,
    merge_record,
    observation_of,
    show,
    with_observation,
)
from resource_catalog.drift.compare import DriftReport, compare
from resource_catalog.errors import SyncError
from resource_catalog.models import Listing, Resource, Review, Status
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Action, Event

__all__ = [
    "MERGED_FIELDS",
    "NEW_LISTING_REASON",
    "FieldConflict",
    "FieldUpdate",
    "SyncPlan",
    "apply_plan",
    "plan_sync",
    "slugify",
]

_SLUG_WORDS = 6  # a nameless listing's id comes from its description's first words
_NAME_WORDS = 8  # ... and its provisional name from a few more
_SHOWN_SECTIONS = 20  # a plan's summary names at most this many section headings


@dataclass
class SyncPlan:
    """What a sync of one source would do; :func:`apply_plan` carries it out in memory."""

    source_url: str
    source_id: str = ""
    updated: list[Resource] = field(default_factory=list)
    added: list[Resource] = field(default_factory=list)
    retired: list[Resource] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)
    taken: list[FieldUpdate] = field(default_factory=list)
    attached: list[tuple[str, str]] = field(default_factory=list)  # (record id, listing name)
    sections: list[str] | None = None  # the source's new section headings, when they change
    events: list[Event] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Whether the sync would change nothing."""
        return not (self.updated or self.added or self.retired or self.sections is not None)

    def summary(self) -> list[str]:
        """One line per planned change, for ``sync --dry-run``; names and sections from
        the page are cut to a line's width (a listing can be megabytes long)."""
        where = f"{self.source_id} ({self.source_url})" if self.source_id else self.source_url
        if self.is_empty:
            return [f"nothing to do: the catalog matches {where}"]
        lines = []
        attached = dict(self.attached)
        for rec in self.updated:
            taken = [u for u in self.taken if u.id == rec.id]
            if rec.id in attached:
                what = f"the listing {show(attached[rec.id])!r} joins this record"
            elif taken:
                what = f"took {', '.join(u.field for u in taken)} from the page"
                what += "".join(f" ({u.field}: {u.note})" for u in taken if u.note)
            else:
                what = "recorded the page"
            lines.append(f"update {rec.id}: {what}")
        lines += [f"conflict {c.id} {c.field}: {c.reason}" for c in self.conflicts]
        lines += [f"add {r.id} ({show(r.section)}): {show(r.name)}" for r in self.added]
        lines += [f"retire {r.id}: {show(r.name)}" for r in self.retired]
        if self.sections is not None:
            shown = [show(x) for x in self.sections[:_SHOWN_SECTIONS]]
            if len(self.sections) > _SHOWN_SECTIONS:
                shown.append(f"and {len(self.sections) - _SHOWN_SECTIONS} more")
            lines.append(f"sections of {self.source_id}: {', '.join(shown)}")
        return lines


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _new_record(listing: Listing, ctx: Context, ids: set[str]) -> Resource:
    """A new record for a listing no record matched, flagged for review."""
    name = normalize_text(listing.name)
    words = listing.description.split()
    reasons = [NEW_LISTING_REASON]
    if not name:
        name = " ".join(words[:_NAME_WORDS]) or "(unnamed listing)"
        reasons.append("the listing has no name on the page; the name is its first words")
    if not normalize_text(listing.section):
        raise SyncError(f"listing {name!r} on {ctx.url} has no section")
    slug = slugify(listing.name if normalize_text(listing.name) else " ".join(words[:_SLUG_WORDS]))
    return Resource(
        id=_unique(slug, ids),
        name=name,
        section=normalize_text(listing.section),
        description=listing.description,
        phones=listing.phones,
        locations=listing.locations,
        links=listing.links,
        sources=[observation_of(listing, ctx.url, ctx.source_id)],
        review=Review(needs_review=True, reasons=reasons, flagged_at=ctx.today),
    )


_ACRONYM_TAIL = re.compile(r"\s*\([^()]{1,12}\)\s*$")
_LEADING_WORDS = re.compile(r"^(?:the|mit)\s+")


def office_key(name: str) -> str:
    """How two pages' names for one office compare: fold, then without a leading
    "The"/"MIT" and a trailing "(ACRONYM)"."""
    key = fold(_ACRONYM_TAIL.sub("", name))
    while (shorter := _LEADING_WORDS.sub("", key)) != key:
        key = shorter
    return key


def _attachable(catalog: Catalog, source_id: str) -> dict[str, list[Resource]]:
    """Records not yet seen on ``source_id``, by the office keys of their names."""
    by_key: dict[str, list[Resource]] = {}
    for rec in catalog.resources:
        if rec.observation(source_id) is not None:
            continue
        keys = {office_key(rec.name)} | {office_key(o.name) for o in rec.sources if o.name}
        for key in keys - {""}:
            by_key.setdefault(key, []).append(rec)
    return by_key


def plan_sync(
    catalog: Catalog,
    scraped: Sequence[Listing],
    report: DriftReport | None = None,
    *,
    source_id: str | None = None,
    source_url: str | None = None,
    page_sections: Sequence[str] | None = None,
    max_retire_share: float = 0.5,
    force: bool = False,
    today: dt.date | None = None,
    at: dt.datetime | None = None,
    snapshot_sha256: str | None = None,
) -> SyncPlan:
    """Plan a sync of ``catalog`` with the listings scraped from one of its sources.

    ``source_id`` defaults to the catalog's first source. ``report`` must be
    ``compare(catalog, scraped, source_id=...)`` when given (it is computed otherwise).
    ``page_sections`` are the section headings found on the page; when they differ
    from the source's, the plan updates them. Raises :class:`SyncError` when the plan
    would take more than ``max_retire_share`` of the page's listed records off it,
    unless ``force``.
    """
    page = catalog.meta.source(source_id) if source_id else catalog.meta.sources[0]
    if report is None:
        report = compare(catalog, scraped, source_id=page.id, page_sections=page_sections)
    if len(report.matches) + len([a for a in report.added if a.relisted is None]) != len(scraped):
        raise SyncError("the drift report was not computed from these listings")
    now = at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    ctx = Context(page.id, source_url or page.url, today or now.date(), now, snapshot_sha256)
    plan = SyncPlan(source_url=ctx.url, source_id=page.id)
    for rid, listing in sorted(report.matches.items()):
        _plan_match(plan, catalog[rid], listing, ctx)
    attach = _attachable(catalog, page.id)
    ids = {r.id for r in catalog.resources}
    for item in report.added:
        if item.relisted is not None:
            continue
        candidates = attach.get(office_key(item.listing.name), []) if item.listing.name else []
        if len(candidates) == 1 and candidates[0].id not in {r.id for r in plan.updated}:
            _plan_attach(plan, candidates[0], item.listing, ctx)
        else:
            new = _new_record(item.listing, ctx, ids)
            plan.added.append(new)
            plan.events.append(event(Action.CREATED, new.id, ctx, None, None, new.name))
    _plan_removals(plan, catalog, report, ctx)
    listed = sum(1 for r in catalog.resources if (o := r.observation(page.id)) and o.listed)
    gone = len(report.removed)
    if listed and not force and gone > max_retire_share * listed:
        raise SyncError(
            f"sync would retire {gone} of {listed} records listed on {page.id} "
            f"(more than {max_retire_share:.0%}); the page is more likely broken than "
            "changed. Nothing was applied; force it (--force) if the page really lost them."
        )
    if page_sections is not None and list(page_sections) != list(page.sections):
        plan.sections = list(page_sections)
    return plan


def _plan_match(plan: SyncPlan, rec: Resource, listing: Listing, ctx: Context) -> None:
    obs = rec.observation(ctx.source_id)
    reasons: list[str] = []
    if obs is not None and not obs.listed and rec.status is Status.RETIRED:
        others = [o for o in rec.sources if o.listed]
        if not others:
            reasons.append(f"listed on {ctx.source_id} again (sync on {ctx.today.isoformat()})")
            rec = rec.model_copy(update={"status": Status.ACTIVE})
            plan.events.append(event(Action.RELISTED, rec.id, ctx, "status", "retired", "active"))
    elif rec.status is Status.RETIRED:
        # Retired by its curators while the page still lists it: record the page only.
        new_obs = observation_of(listing, ctx.url, ctx.source_id)
        if obs != new_obs:
            sources = with_observation(rec.sources, new_obs)
            plan.updated.append(rec.model_copy(update={"sources": sources}))
        return
    new, taken, conflicts, events = merge_record(rec, listing, ctx, reasons)
    plan.taken += taken
    plan.conflicts += conflicts
    plan.events += events
    if new != rec or reasons:
        plan.updated.append(new)


def _plan_attach(plan: SyncPlan, rec: Resource, listing: Listing, ctx: Context) -> None:
    """A new listing that names an office the catalog has from another page joins it."""
    obs = observation_of(listing, ctx.url, ctx.source_id)
    update: dict[str, Any] = {"sources": [*rec.sources, obs]}
    for name in ("phones", "locations", "links"):
        if not getattr(rec, name) and getattr(listing, name):
            update[name] = getattr(listing, name)  # nothing curated is lost
            plan.taken.append(FieldUpdate(rec.id, name))
    joined = (
        f"also listed on {ctx.source_id} as {listing.name!r}: joined to this record; "
        "check that it is the same office"
    )
    reasons = [joined]
    # Retired because no page listed it any more (not by its curators, who retire a
    # record some page still lists): a page that lists it again makes it active.
    relisted = rec.status is Status.RETIRED and not rec.listed_on
    if relisted:
        update["status"] = Status.ACTIVE
        reasons.append(f"listed on {ctx.source_id} again (sync on {ctx.today.isoformat()})")
    update["review"] = flag_review(rec.review, reasons, ctx.today)
    new = Resource.model_validate({**dict(rec), **update})
    plan.updated.append(new)
    plan.attached.append((rec.id, listing.name))
    plan.events.append(event(Action.UPDATED, rec.id, ctx, "sources", None, as_json([obs])))
    if relisted:
        plan.events.append(event(Action.RELISTED, rec.id, ctx, "status", "retired", "active"))


def _plan_removals(plan: SyncPlan, catalog: Catalog, report: DriftReport, ctx: Context) -> None:
    """Records the page no longer lists: the observation is unlisted, the record retired
    when no page lists it any more."""
    matched = set(report.matches)
    for rec in catalog.resources:
        obs = rec.observation(ctx.source_id)
        if obs is None or not obs.listed or rec.id in matched:
            continue
        dropped = obs.model_copy(update={"listed": False})
        sources = with_observation(rec.sources, dropped)
        still = [o.source_id for o in sources if o.listed]
        update: dict[str, Any] = {"sources": sources}
        if rec.status is Status.ACTIVE and not still:
            reason = f"no longer listed on {ctx.source_id} (sync on {ctx.today.isoformat()})"
            update |= {
                "status": Status.RETIRED,
                "review": flag_review(rec.review, [reason], ctx.today),
            }
            plan.retired.append(rec.model_copy(update=update))
            plan.events.append(event(Action.RETIRED, rec.id, ctx, "status", "active", "retired"))
        else:
            if rec.status is Status.ACTIVE:
                reason = f"no longer listed on {ctx.source_id}; still listed on {', '.join(still)}"
                update["review"] = flag_review(rec.review, [reason], ctx.today)
            plan.updated.append(rec.model_copy(update=update))
            plan.events.append(
                event(Action.UPDATED, rec.id, ctx, "sources", as_json([obs]), as_json([dropped]))
            )


def apply_plan(catalog: Catalog, plan: SyncPlan) -> Catalog:
    """A new catalog with ``plan`` applied (the given catalog is not changed)."""
    by_id = {r.id: r for r in catalog.resources}
    for rec in (*plan.updated, *plan.retired):
        if rec.id not in by_id:
            raise SyncError(f"the plan updates {rec.id!r}, which is not in the catalog")
        by_id[rec.id] = rec
    for rec in plan.added:
        if rec.id in by_id:
            raise SyncError(f"the plan adds {rec.id!r}, which is already in the catalog")
        by_id[rec.id] = rec
    result = catalog.replace(list(by_id.values()))
    if plan.sections is not None:
        sources = [
            page.model_copy(update={"sections": plan.sections})
            if page.id == plan.source_id
            else page
            for page in catalog.meta.sources
        ]
        result = result.with_meta(catalog.meta.model_copy(update={"sources": sources}))
    return result
