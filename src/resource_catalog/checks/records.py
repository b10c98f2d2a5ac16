"""Checks on records in memory: one record, and records against each other. No I/O.

:mod:`resource_catalog.checks.validate` reads a catalog directory and runs these; a sync runs
them on the catalog it is about to save, so it never writes one that ``validate``
rejects. Every problem is a :class:`~resource_catalog.models.Finding`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from resource_catalog.contacts.fold import fold
from resource_catalog.contacts.locations import BuildingRegistry, nearest_buildings
from resource_catalog.contacts.phones import validate_phone_number
from resource_catalog.errors import InvalidPhoneError
from resource_catalog.models import (
    MERGED_FIELDS,
    CatalogMeta,
    Finding,
    Resource,
    Severity,
    Status,
)

__all__ = [
    "ACCEPTABLE",
    "NEW_LISTING_REASON",
    "check_across",
    "check_record",
    "finding",
    "open_warnings",
    "review_overdue",
]

#: The review reason a sync gives a record it created (newest records are blamed first).
NEW_LISTING_REASON = "new listing on the page"
_MAX_VALUE = 120


def finding(
    code: str,
    message: str,
    file: str | None = None,
    field: str | None = None,
    value: str | None = None,
    resource_id: str | None = None,
    severity: Severity = Severity.ERROR,
) -> Finding:
    """A finding, its value clipped for display."""
    return Finding(
        severity=severity,
        code=code,
        message=message,
        resource_id=resource_id,
        file=file,
        field=field,
        value=clip(value),
    )


def clip(text: str | None) -> str | None:
    """``text`` cut to a displayable length (an ellipsis says it was cut)."""
    if text is None or len(text) <= _MAX_VALUE:
        return text
    return text[: _MAX_VALUE - 1] + "…"


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


# --------------------------------------------------------------------------- across records


#: Warnings a curator may accept (``review accept``): about two records, or two pages.
ACCEPTABLE = (
    "duplicate-link",
    "duplicate-name",
    "duplicate-phone",
    "possible-duplicate",
    "sources-disagree-links",
    "sources-disagree-locations",
    "sources-disagree-phones",
)

#: A warning, and for each record that may accept it what the acceptance must name.
_Open = tuple[Finding, Mapping[str, str]]


def check_across(
    resources: Sequence[Resource],
    files: Mapping[str, str],
    *,
    today: dt.date | None = None,
    review_interval_days: int = 365,
) -> Iterable[Finding]:
    """Warnings about records against each other and about overdue reviews.

    Duplicates are looked for among active records; each is blamed on the newer record
    of a pair (a record a sync created and nobody reviewed yet is newer than a reviewed
    one; otherwise the later id), and the finding shows both names. A warning either
    record of it accepted (``review.accepted``, naming the other record or the values)
    is not reported.
    """
    active = sorted(
        (r for r in resources if r.status is Status.ACTIVE), key=lambda r: (_newness(r), r.id)
    )
    accepted = {(r.id, a.finding, a.about) for r in active for a in r.review.accepted}
    for found, about in _open_across(active, files):
        if not any((rid, found.code, what) in accepted for rid, what in about.items()):
            yield found
    yield from _stale(active, files, today or dt.datetime.now(dt.UTC).date(), review_interval_days)


def open_warnings(
    resources: Sequence[Resource], resource_id: str, code: str
) -> list[tuple[Finding, str]]:
    """The ``code`` warnings about ``resource_id`` that it has not accepted yet, each with
    what an acceptance on it must name (``about``)."""
    active = sorted(
        (r for r in resources if r.status is Status.ACTIVE), key=lambda r: (_newness(r), r.id)
    )
    files = {r.id: f"resources/{r.id}.json" for r in active}
    own = next((r for r in active if r.id == resource_id), None)
    done = {(a.finding, a.about) for a in own.review.accepted} if own else set()
    return [
        (found, about[resource_id])
        for found, about in _open_across(active, files)
        if found.code == code and resource_id in about and (code, about[resource_id]) not in done
    ]


def _open_across(active: Sequence[Resource], files: Mapping[str, str]) -> Iterable[_Open]:
    names = {r.id: fold(r.name) for r in active}  # folded once, asked for three times
    yield from _duplicates(active, files, names)
    yield from _similar_offices(active, files, names)
    yield from _disagreements(active, files)


def _newness(resource: Resource) -> int:
    """0 for records that have been reviewed or are not new, 1 for unreviewed new ones."""
    return int(resource.review.needs_review and NEW_LISTING_REASON in resource.review.reasons)


def _duplicates(
    active: Sequence[Resource], files: Mapping[str, str], names: Mapping[str, str]
) -> Iterable[_Open]:
    checks: list[tuple[str, str, Callable[[Resource], list[str]]]] = [
        ("duplicate-name", "name", lambda r: [names[r.id]] if names[r.id] else []),
        (
            "duplicate-phone",
            "phones",
            lambda r: [p.number + (f" x{p.extension}" if p.extension else "") for p in r.phones],
        ),
        ("duplicate-link", "links", lambda r: [lk.url.rstrip("/") for lk in r.links]),
    ]
    for code, field, keys in checks:
        seen: dict[str, list[Resource]] = defaultdict(list)
        for resource in active:
            for key in dict.fromkeys(keys(resource)):
                seen[key].append(resource)
        for key, owners in sorted(seen.items()):
            first = owners[0]
            for later in owners[1:]:
                shown = later.name if code == "duplicate-name" else key
                found = finding(
                    code,
                    f"same {field.rstrip('s')} as {files[first.id]} ({first.name!r})",
                    files[later.id],
                    field,
                    shown,
                    later.id,
                    Severity.WARNING,
                )
                yield found, {later.id: first.id, first.id: later.id}


_STOP = frozenset({"the", "of", "for", "and", "office", "mit", "a", "an", "s"})
_WORD = re.compile(r"\w+")


def _name_key(folded: str) -> str:
    """The significant words of a folded name, sorted; empty when it has none."""
    words = _WORD.findall(folded)
    return " ".join(sorted({w for w in words if w not in _STOP and not w.isdigit()}))


def _similar_offices(
    active: Sequence[Resource], files: Mapping[str, str], names: Mapping[str, str]
) -> Iterable[_Open]:
    """Records that share an acronym, or whose names share all significant words."""
    by_key: dict[str, list[Resource]] = defaultdict(list)
    for resource in active:
        keys = {f"name:{key}"} if (key := _name_key(names[resource.id])) else set()
        if resource.acronym:
            keys.add(f"acronym:{resource.acronym.upper()}")
        for key in keys:
            by_key[key].append(resource)
    reported: set[tuple[str, str]] = set()
    for owners in by_key.values():
        first = owners[0]
        for later in owners[1:]:
            pair = (first.id, later.id)
            if pair in reported or names[first.id] == names[later.id]:
                continue  # identical names are already a duplicate-name warning
            reported.add(pair)
            found = finding(
                "possible-duplicate",
                f"looks like the same office as {files[first.id]} ({first.name!r}); merge "
                f"them or say why both exist (`resource-catalog review accept {later.id} "
                "--finding possible-duplicate --reason TEXT`)",
                files[later.id],
                "name",
                later.name,
                later.id,
                Severity.WARNING,
            )
            yield found, {later.id: first.id, first.id: later.id}


def _contact_sets(resource: Resource, field: str) -> list[tuple[str, frozenset[str]]]:
    """(source id, the set of values) per listed observation, for one compared field."""
    key: dict[str, Callable[[Any], str]] = {
        "phones": lambda p: p.number + (f" x{p.extension}" if p.extension else ""),
        "locations": lambda x: x.code,
        "links": lambda x: x.url.split("://", 1)[-1].rstrip("/").lower(),
    }
    return [
        (o.source_id, frozenset(key[field](item) for item in getattr(o, field)))
        for o in resource.sources
        if o.listed
    ]


def _disagreements(active: Sequence[Resource], files: Mapping[str, str]) -> Iterable[_Open]:
    """Two pages that list one office with phones, rooms or links that contradict.

    A page that says less (a subset of what the other says) is not a contradiction.
    """
    for resource in active:
        if len(resource.listed_on) < 2:  # noqa: PLR2004
            continue
        for field in ("phones", "locations", "links"):
            sets = _contact_sets(resource, field)
            for i, (sid_a, a) in enumerate(sets):
                for sid_b, b in sets[i + 1 :]:
                    if a and b and not (a <= b or b <= a):
                        value = f"{sid_a}: {', '.join(sorted(a))} | {sid_b}: {', '.join(sorted(b))}"
                        found = finding(
                            f"sources-disagree-{field}",
                            f"{sid_a!r} lists {', '.join(sorted(a))} but {sid_b!r} lists "
                            f"{', '.join(sorted(b))}; check which is right",
                            files[resource.id],
                            field,
                            value,
                            resource.id,
                            Severity.WARNING,
                        )
                        yield found, {resource.id: value}


def review_overdue(resource: Resource, today: dt.date, interval: int) -> bool:
    """Whether a record is due for re-verification: never reviewed, or last reviewed
    more than ``interval`` days before ``today`` (the ``stale-review`` rule)."""
    last = resource.review.last_reviewed
    return last is None or last < today - dt.timedelta(days=interval)


def _stale(
    active: Sequence[Resource], files: Mapping[str, str], today: dt.date, interval: int
) -> Iterable[Finding]:
    """Active records not reviewed within the catalog's review interval."""
    for resource in active:
        last = resource.review.last_reviewed
        if review_overdue(resource, today, interval):
            when = "never reviewed" if last is None else f"last reviewed {last.isoformat()}"
            yield finding(
                "stale-review",
                f"{when}; records are re-verified at least every {interval} days",
                files[resource.id],
                "review.last_reviewed",
                None if last is None else last.isoformat(),
                resource.id,
                Severity.WARNING,
            )
