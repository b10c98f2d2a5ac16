"""Checks on records in memory: one record here, records against each other in
:mod:`resource_catalog.checks.across` (whose names this module also offers). No I/O.

:mod:`resource_catalog.checks.validate` reads a catalog directory and runs these; a sync runs
them on the catalog it is about to save, so it never writes one that ``validate``
rejects. Every problem is a :class:`~resource_catalog.models.Finding`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from resource_catalog.checks._finding import clip, finding
from resource_catalog.checks.across import (
    ACCEPTABLE,
    NEW_LISTING_REASON,
    check_across,
    open_warnings,
    review_overdue,
)
from resource_catalog.contacts.fold import fold
from resource_catalog.contacts.locations import BuildingRegistry, nearest_buildings
from resource_catalog.contacts.phones import validate_phone_number
from resource_catalog.errors import InvalidPhoneError
from resource_catalog.models import MERGED_FIELDS, CatalogMeta, Finding, Resource, Status

__all__ = [
    "ACCEPTABLE",
    "NEW_LISTING_REASON",
    "check_across",
    "check_record",
    "clip",
    "finding",
    "open_warnings",
    "review_overdue",
]


@lru_cache(maxsize=65536)
def _phone_problem(number: str, regions: tuple[str, ...] = ()) -> str | None:
    try:
        validate_phone_number(number, regions=regions)
    except InvalidPhoneError as exc:
        return exc.reason
    return None


def check_record(
    resource: Resource, rel: str, meta: CatalogMeta, registry: BuildingRegistry
) -> Iterable[Finding]:
    """Problems of one record: phones, buildings, and its observations' sources and sections."""
    rid = resource.id
    pages = {page.id: page for page in meta.sources}
    regions = tuple(
        sorted(
            {
                p.profile.region
                for o in resource.sources
                if (p := pages.get(o.source_id)) and p.profile
            }
        )
    )
    phone_lists = [("phones", resource.phones)]
    phone_lists += [(f"sources[{i}].phones", o.phones) for i, o in enumerate(resource.sources)]
    for prefix, phones in phone_lists:
        for i, phone in enumerate(phones):
            reason = _phone_problem(phone.number, regions)
            if reason is not None:
                yield finding("phone", reason, rel, f"{prefix}[{i}].number", phone.number, rid)
    for i, location in enumerate(resource.locations):
        if location.building not in registry:
            near = nearest_buildings(location.building, registry)
            yield finding(
                "building",
                "building is not in the building registry (buildings.csv)"
                + (f"; the nearest known: {', '.join(near)}" if near else ""),
                rel,
                f"locations[{i}].building",
                location.building,
                rid,
            )
    for i, obs in enumerate(resource.sources):
        page = pages.get(obs.source_id)
        if page is None and _kept_from_removed_page(resource, obs.listed):
            continue
        if page is None:
            yield finding(
                "unknown-source",
                f"no source with this id in catalog.json (its sources: {', '.join(pages)})",
                rel,
                f"sources[{i}].source_id",
                obs.source_id,
                rid,
            )
        elif page.sections and _fold_label(obs.section) not in _folded_sections(
            tuple(page.sections)
        ):
            yield finding(
                "unknown-section",
                f"section is not one of the sections catalog.json lists for {page.id!r}",
                rel,
                f"sources[{i}].section",
                obs.section,
                rid,
            )
    yield from _conflict_findings(resource, rel, pages)


def _conflict_findings(
    resource: Resource, rel: str, pages: Mapping[str, object]
) -> Iterable[Finding]:
    """A conflict must be one a sync could have recorded: a merged field, a known page.

    Anything else (``id``, ``status``...) would let ``review resolve --take page`` write
    a field no page owns.
    """
    for i, conflict in enumerate(resource.review.conflicts):
        if conflict.field not in MERGED_FIELDS:
            yield finding(
                "conflict",
                f"a conflict can only be on a field sync merges ({', '.join(MERGED_FIELDS)})",
                rel,
                f"review.conflicts[{i}].field",
                conflict.field,
                resource.id,
            )
        if conflict.source_id not in pages:
            yield finding(
                "unknown-source",
                f"no source with this id in catalog.json (its sources: {', '.join(pages)})",
                rel,
                f"review.conflicts[{i}].source_id",
                conflict.source_id,
                resource.id,
            )


def _kept_from_removed_page(resource: Resource, listed: bool) -> bool:
    """A retired record's only observation, unlisted, may name a page the catalog no
    longer follows: ``sources remove`` keeps it as the record's last word from a page."""
    return resource.status is Status.RETIRED and not listed and len(resource.sources) == 1


@lru_cache(maxsize=256)
def _folded_sections(sections: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(s) for s in sections)


#: Section labels repeat across a catalog's records: fold each once.
_fold_label = lru_cache(maxsize=4096)(fold)
