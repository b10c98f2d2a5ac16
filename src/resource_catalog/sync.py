"""Sync the catalog with its source page: a three-way merge per field, in memory.

For every record the page still lists, and for each of ``name``, ``section``,
``description``, ``phones``, ``locations`` and ``links``:

* base   = what the page said last time (``record.source``),
* theirs = what the page says now (the scraped listing),
* ours   = the curated value.

Curated equal to base: take the page's value. Page equal to base: keep the curated
value. Both changed (and differently): keep curated and flag ``review.needs_review``
with a reason naming the field. The record's ``source`` always becomes the new
listing, so the next sync against the same page is a no-op. New listings become new
records needing review; records the page no longer lists are retired, never deleted.

:func:`plan_sync` only plans and :func:`apply_plan` returns a new :class:`Catalog`;
writing it (atomically, under the lock, with a snapshot) is the caller's job.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from resource_catalog._match import normalize_text
from resource_catalog.catalog import Catalog
from resource_catalog.drift import DriftReport, compare, field_values
from resource_catalog.errors import SyncError
from resource_catalog.models import Listing, Resource, Review, Source, Status

#: The fields merged from the page, in the order reports name them.
MERGED_FIELDS = ("name", "section", "description", "phones", "locations", "links")
NEW_LISTING_REASON = "new listing on the page"
_SLUG_WORDS = 6  # a nameless listing's id comes from its description's first words
_NAME_WORDS = 8  # ... and its provisional name from a few more
_SLUG_MAX = 60  # leaves room for a "-2" suffix under the 80-character id limit

_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "name": normalize_text,
    "section": normalize_text,
    "description": normalize_text,
    "phones": lambda items: frozenset((p.number, p.extension, p.kind) for p in items),
    "locations": lambda items: frozenset((x.building, x.room) for x in items),
    "links": lambda items: frozenset(x.url for x in items),
}
_ITEM_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "phones": lambda p: (p.number, p.extension, p.kind),
    "locations": lambda x: (x.building, x.room),
    "links": lambda x: x.url,
}


class Conflict(NamedTuple):
    """A field both the page and the curator changed: the curated value was kept."""

    id: str
    field: str
    reason: str


class FieldUpdate(NamedTuple):
    """A field whose value was taken from the page."""

    id: str
    field: str


@dataclass
class SyncPlan:
    """What a sync would do; :func:`apply_plan` carries it out in memory."""

    source_url: str
    updated: list[Resource] = field(default_factory=list)
    added: list[Resource] = field(default_factory=list)
    retired: list[Resource] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    taken: list[FieldUpdate] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Whether the sync would change nothing."""
        return not (self.updated or self.added or self.retired)

    def summary(self) -> list[str]:
        """One line per planned change, for ``sync --dry-run``."""
        if self.is_empty:
            return [f"nothing to do: the catalog matches {self.source_url}"]
        lines = []
        for rec in self.updated:
            fields = [u.field for u in self.taken if u.id == rec.id]
            what = f"took {', '.join(fields)} from the page" if fields else "recorded the page"
            lines.append(f"update {rec.id}: {what}")
        lines += [f"conflict {c.id} {c.field}: {c.reason}" for c in self.conflicts]
        lines += [f"add {r.id} ({r.section}): {r.name}" for r in self.added]
        lines += [f"retire {r.id}: {r.name}" for r in self.retired]
        return lines


def _show(value: object) -> str:
    text = ", ".join(value) if isinstance(value, tuple) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."  # noqa: PLR2004 - display width


def _reviewed(review: Review, reasons: Sequence[str]) -> Review:
    merged = list(review.reasons) + [r for r in reasons if r not in review.reasons]
    return review.model_copy(update={"needs_review": True, "reasons": merged})


def _as_source(listing: Listing, url: str) -> Source:
    return Source.model_validate({**listing.model_dump(), "url": url})


def _merge(
    rec: Resource, listing: Listing, url: str, extra_reasons: Sequence[str] = ()
) -> tuple[Resource, list[FieldUpdate], list[Conflict]]:
    """Three-way merge of one record with its listing; returns the new record."""
    update: dict[str, Any] = {}
    taken: list[FieldUpdate] = []
    conflicts: list[Conflict] = []
    shown = field_values(listing)
    for name in MERGED_FIELDS:
        key = _KEYS[name]
        base, theirs, ours = (getattr(x, name) for x in (rec.source, listing, rec))
        if key(theirs) == key(base) or key(theirs) == key(ours):
            continue
        if name in {"name", "section"} and not normalize_text(theirs):
            reason = f"{name}: the page now gives none; kept the curated value"
            conflicts.append(Conflict(rec.id, name, reason))
        elif key(ours) == key(base):
            if name in _ITEM_KEYS:
                theirs, relabelled = _carry_labels(ours, theirs, _ITEM_KEYS[name])
                if relabelled:
                    conflicts.append(
                        Conflict(
                            rec.id,
                            name,
                            f"{name}: changed on the page; the curated label(s) "
                            f"{', '.join(map(repr, relabelled))} were carried over: check them",
                        )
                    )
            update[name] = normalize_text(theirs) if name in {"name", "section"} else theirs
            taken.append(FieldUpdate(rec.id, name))
        else:
            shown_value = shown.get(name, normalize_text(str(theirs)))
            reason = (
                f"{name}: changed both on the page (now {_show(shown_value)!r}) "
                "and in the catalog; kept the curated value"
            )
            conflicts.append(Conflict(rec.id, name, reason))
    update["source"] = _as_source(listing, url)
    reasons = [*extra_reasons, *(c.reason for c in conflicts)]
    if reasons:
        update["review"] = _reviewed(rec.review, reasons)
    return Resource.model_validate({**dict(rec), **update}), taken, conflicts


def _carry_labels(
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


def slugify(text: str, max_length: int = _SLUG_MAX) -> str:
    """A resource id from free text.

    ``"Student Support Services (S3)"`` becomes ``student-support-services-s3``;
    text without letters or digits becomes ``listing``.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = (
            slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
        )
    return slug or "listing"


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _new_record(listing: Listing, url: str, ids: set[str]) -> Resource:
    """A new record for a listing no record matched, flagged for review."""
    name = normalize_text(listing.name)
    words = listing.description.split()
    reasons = [NEW_LISTING_REASON]
    if not name:
        name = " ".join(words[:_NAME_WORDS]) or "(unnamed listing)"
        reasons.append("the listing has no name on the page; the name is its first words")
    if not normalize_text(listing.section):
        raise SyncError(f"listing {name!r} on {url} has no section")
    slug = slugify(listing.name if normalize_text(listing.name) else " ".join(words[:_SLUG_WORDS]))
    return Resource(
        id=_unique(slug, ids),
        name=name,
        section=normalize_text(listing.section),
        description=listing.description,
        phones=listing.phones,
        locations=listing.locations,
        links=listing.links,
        source=_as_source(listing, url),
        review=Review(needs_review=True, reasons=reasons),
    )


def plan_sync(
    catalog: Catalog,
    scraped: Sequence[Listing],
    report: DriftReport | None = None,
    *,
    source_url: str,
    max_retire_share: float = 0.5,
    force: bool = False,
    today: dt.date | None = None,
) -> SyncPlan:
    """Plan a sync of ``catalog`` with the listings scraped from ``source_url``.

    ``report`` must be ``compare(catalog, scraped, source_url=...)`` when given (it is
    computed otherwise). Raises :class:`SyncError` when the plan would retire more
    than ``max_retire_share`` of the page's active records, unless ``force``.
    """
    if report is None:
        report = compare(catalog, scraped, source_url=source_url)
    if len(report.matches) + len(report.added) != len(scraped):
        raise SyncError("the drift report was not computed from these listings")
    day = today or dt.datetime.now(tz=dt.UTC).date()
    plan = SyncPlan(source_url=source_url)
    for rid, listing in sorted(report.matches.items()):
        new, taken, conflicts = _merge(catalog[rid], listing, source_url)
        plan.taken += taken
        plan.conflicts += conflicts
        if new != catalog[rid]:
            plan.updated.append(new)
    retired_by_name: dict[str, list[Resource]] = {}
    for rec in catalog.resources:
        if rec.status is Status.RETIRED and normalize_text(rec.source.name):
            retired_by_name.setdefault(normalize_text(rec.source.name), []).append(rec)
    ids = {r.id for r in catalog.resources}
    for item in report.added:
        again = retired_by_name.get(normalize_text(item.listing.name))
        if again and len(again) == 1:
            reason = f"listed on the page again (sync on {day.isoformat()})"
            rec = again.pop().model_copy(update={"status": Status.ACTIVE})
            new, taken, conflicts = _merge(rec, item.listing, source_url, [reason])
            plan.updated.append(new)
            plan.taken += taken
            plan.conflicts += conflicts
        else:
            plan.added.append(_new_record(item.listing, source_url, ids))
    for gone in report.removed:
        rec = catalog[gone.id]
        reason = f"no longer listed on {source_url} (sync on {day.isoformat()})"
        update = {"status": Status.RETIRED, "review": _reviewed(rec.review, [reason])}
        plan.retired.append(rec.model_copy(update=update))
    active = len(report.matches) + len(report.removed)
    if active and not force and len(plan.retired) > max_retire_share * active:
        raise SyncError(
            f"sync would retire {len(plan.retired)} of {active} active records "
            f"(more than {max_retire_share:.0%}); the page is more likely broken than "
            "changed. Nothing was applied; force it (--force) if the page really lost them."
        )
    return plan


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
    return catalog.replace(list(by_id.values()))
