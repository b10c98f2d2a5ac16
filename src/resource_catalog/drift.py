"""Drift between the catalog and its source page: ``compare(catalog, scraped)``.

Pure and deterministic: no I/O, and the same inputs always give the same report.
Listings are matched to the catalog's *active* records by what the page said last
time (``record.source``), never by curated names, so curation causes no noise:

1. the same listing name (section-independent); duplicate names and the empty
   name are paired by description, links and text similarity;
2. then a link URL that only that listing and only that record carry;
3. then a very similar name and description (over the few leftovers only,
   through a token index, so 100,000 listings stay near-linear) -> ``renamed``.

Unmatched listings are ``added``, unmatched records ``removed``. For each pair the
fields are compared: phones and locations are critical, section and links major,
description minor. Reordering is reported as information only; it is not drift.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from resource_catalog._match import match_listings, normalize_text
from resource_catalog.catalog import Catalog
from resource_catalog.models import Listing, PhoneKind, Resource

#: A before/after value in a report: a string or a sorted list of strings.
FieldValue = str | tuple[str, ...]


class DriftSeverity(StrEnum):
    """How much a difference matters, from ``CRITICAL`` down to ``INFO``."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"

    @property
    def rank(self) -> int:
        """A number that orders severities: ``CRITICAL`` is highest."""
        return _RANK[self]

    def at_least(self, threshold: DriftSeverity) -> bool:
        """Whether this severity is ``threshold`` or worse."""
        return self.rank >= threshold.rank


_RANK = {
    DriftSeverity.CRITICAL: 3,
    DriftSeverity.MAJOR: 2,
    DriftSeverity.MINOR: 1,
    DriftSeverity.INFO: 0,
}

#: Compared fields in report order, with their severity.
FIELD_SEVERITY: Mapping[str, DriftSeverity] = {
    "phones": DriftSeverity.CRITICAL,
    "locations": DriftSeverity.CRITICAL,
    "section": DriftSeverity.MAJOR,
    "links": DriftSeverity.MAJOR,
    "description": DriftSeverity.MINOR,
}
#: A listing gone from the page takes its phones and rooms with it.
REMOVED_SEVERITY = DriftSeverity.CRITICAL
ADDED_SEVERITY = DriftSeverity.MAJOR
RENAMED_SEVERITY = DriftSeverity.MAJOR


@dataclass(frozen=True)
class Added:
    """A listing on the page that no record matches."""

    name: str
    section: str
    listing: Listing

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"name", "section"}``."""
        return {"name": self.name, "section": self.section}


@dataclass(frozen=True)
class Removed:
    """An active record that no listing on the page matches."""

    id: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"id", "name"}``."""
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class Renamed:
    """A record whose listing is still on the page under another name."""

    id: str
    old_name: str
    new_name: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"id", "old_name", "new_name"}``."""
        return {"id": self.id, "old_name": self.old_name, "new_name": self.new_name}


@dataclass(frozen=True)
class Changed:
    """One field of a matched listing that the page changed."""

    id: str
    name: str
    field: str
    before: FieldValue
    after: FieldValue
    severity: DriftSeverity

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; list values become JSON arrays."""
        return {
            "id": self.id,
            "name": self.name,
            "field": self.field,
            "before": _jsonable(self.before),
            "after": _jsonable(self.after),
            "severity": str(self.severity),
        }


@dataclass(frozen=True)
class Reordered:
    """Information only: the page shows the same items in another order.

    ``section`` is ``None`` for the order of the sections themselves, else the
    section whose listings (by name) were reordered.
    """

    section: str | None
    before: tuple[str, ...]
    after: tuple[str, ...]
    severity: DriftSeverity = DriftSeverity.INFO

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"section", "before", "after"}``."""
        return {"section": self.section, "before": list(self.before), "after": list(self.after)}


@dataclass(frozen=True)
class DriftReport:
    """The differences between a catalog and one scrape of its source page.

    ``matches`` (record id -> listing) is what :func:`compare` paired; sync uses it.
    It is not part of the JSON form.
    """

    source: str
    added: tuple[Added, ...] = ()
    removed: tuple[Removed, ...] = ()
    renamed: tuple[Renamed, ...] = ()
    changed: tuple[Changed, ...] = ()
    reordered: tuple[Reordered, ...] = ()
    matches: Mapping[str, Listing] = field(default_factory=dict, compare=False, repr=False)

    @property
    def status(self) -> str:
        """``"drift"`` when anything but the order differs, else ``"clean"``."""
        return "drift" if self.max_severity is not None else "clean"

    @property
    def max_severity(self) -> DriftSeverity | None:
        """The worst severity of the drift, ``None`` when clean (order is not drift)."""
        found = [c.severity for c in self.changed]
        found += [ADDED_SEVERITY] if self.added else []
        found += [REMOVED_SEVERITY] if self.removed else []
        found += [RENAMED_SEVERITY] if self.renamed else []
        return max(found, key=lambda s: s.rank, default=None)

    def has_drift(self, fail_on: DriftSeverity = DriftSeverity.MINOR) -> bool:
        """Whether there is drift at ``fail_on`` severity or worse."""
        worst = self.max_severity
        return worst is not None and worst.at_least(fail_on)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form other tools read (keys are a contract)."""
        return {
            "status": self.status,
            "source": self.source,
            "added": [a.to_dict() for a in self.added],
            "removed": [r.to_dict() for r in self.removed],
            "renamed": [r.to_dict() for r in self.renamed],
            "changed": [c.to_dict() for c in self.changed],
            "reordered": [r.to_dict() for r in self.reordered],
        }


def _jsonable(value: FieldValue) -> str | list[str]:
    return list(value) if isinstance(value, tuple) else value


def field_values(item: Listing) -> dict[str, FieldValue]:
    """The compared fields of a listing (or source) as comparable report values.

    Phones become ``+16172534861 x123 (tty)`` strings (extension and non-voice kind
    only when present), locations their codes (``5-104``), links their URLs; lists
    are sorted sets, text is whitespace-normalised.
    """
    phones = {
        p.number
        + (f" x{p.extension}" if p.extension else "")
        + (f" ({p.kind})" if p.kind is not PhoneKind.VOICE else "")
        for p in item.phones
    }
    return {
        "phones": tuple(sorted(phones)),
        "locations": tuple(sorted({loc.code for loc in item.locations})),
        "section": normalize_text(item.section),
        "links": tuple(sorted({link.url for link in item.links})),
        "description": normalize_text(item.description),
    }


def _same_url(a: str, b: str) -> bool:
    def key(url: str) -> str:
        return url.split("://", 1)[-1].rstrip("/").lower()

    return key(a) == key(b)


def _records_for(catalog: Catalog, url: str) -> list[Resource]:
    """The active records that come from the page at ``url``."""
    active = list(catalog.active)
    if len(catalog.meta.sources) <= 1:
        return active
    return [r for r in active if _same_url(r.source.url, url)]


#: Phone numbers and room codes as they appear in running text.
_CONTACT_TEXT = re.compile(
    r"\+?\d[\d\s().\-]{5,}\d"  # 617-253-4861, (617) 253 4861, +1 617 ...
    r"|\b[A-Z]{0,2}\d+[A-Z]{0,3}-\d+[A-Z]?\b"  # 5-104, W20-549
    r"|\b(?:NE|NW|WW|E|W|N)\d+[A-Z]{0,3}\b"  # E23, NW61, W85ABC
)


def _explained_by_contacts(old: str, new: str) -> bool:
    """Whether two descriptions differ only in their phone numbers and room codes."""
    return _CONTACT_TEXT.sub("#", old) == _CONTACT_TEXT.sub("#", new)


def _same_as_written(before: Listing, after: Listing) -> bool:
    """Whether the compared fields are equal as written, so their report values are too.

    Most pairs are unchanged: this is a few equality tests where :func:`field_values`
    would format and sort every phone, location and link of both sides.
    """
    return (
        before.description == after.description
        and before.section == after.section
        and before.phones == after.phones
        and before.locations == after.locations
        and before.links == after.links
    )


def compare_fields(record_id: str, before: Listing, after: Listing) -> list[Changed]:
    """The fields of ``after`` (the page now) that differ from ``before`` (the page then).

    A description that differs only in the phone numbers or rooms already reported
    as a critical change is not reported again: one change, one line.
    """
    if _same_as_written(before, after):
        return []
    old, new = field_values(before), field_values(after)
    changed = [
        Changed(record_id, after.name, name, old[name], new[name], severity)
        for name, severity in FIELD_SEVERITY.items()
        if old[name] != new[name]
    ]
    contacts_changed = any(c.field in ("phones", "locations") for c in changed)
    if contacts_changed and _explained_by_contacts(
        str(old["description"]), str(new["description"])
    ):
        changed = [c for c in changed if c.field != "description"]
    return changed


def _order(items: Sequence[str], keep: set[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        if item in keep:
            seen.setdefault(item, None)
    return tuple(seen)


def compute_reorders(
    known_sections: Sequence[str],
    scraped: Sequence[Listing],
    previous: Sequence[Listing] | None = None,
) -> list[Reordered]:
    """Order changes (information only): of sections, and of listings within a section.

    Section order is compared with ``known_sections`` (the catalog's source page);
    listing order needs the ``previous`` scrape, since records do not keep a position.
    Only items present both times are compared, so additions are not reorders.
    """
    result: list[Reordered] = []
    folded = {s: normalize_text(s) for s in {x.section for x in scraped}}  # a few sections
    now_sections = [folded[x.section] for x in scraped]
    known = [normalize_text(s) for s in known_sections]
    common = set(known) & set(now_sections)
    if _order(known, common) != _order(now_sections, common):
        result.append(Reordered(None, _order(known, common), _order(now_sections, common)))
    if previous is None:
        return result
    before: dict[str, list[str]] = defaultdict(list)
    after: dict[str, list[str]] = defaultdict(list)
    for items, into in ((previous, before), (scraped, after)):
        for x in items:
            into[normalize_text(x.section)].append(normalize_text(x.name))
    for section in sorted(before.keys() & after.keys()):
        both = set(before[section]) & set(after[section])
        old, new = _order(before[section], both), _order(after[section], both)
        if old != new:
            result.append(Reordered(section, old, new))
    return result


def compare(
    catalog: Catalog,
    scraped: Sequence[Listing],
    *,
    source_url: str | None = None,
    previous: Sequence[Listing] | None = None,
) -> DriftReport:
    """Compare the catalog with a scrape of its source page.

    ``source_url`` defaults to the catalog's first source page; with several source
    pages only the records from that page are compared. ``previous`` (the last
    scrape, e.g. the parsed snapshot) lets listing order changes be reported too.
    """
    url = source_url or catalog.meta.sources[0].url
    page = next((p for p in catalog.meta.sources if _same_url(p.url, url)), None)
    matching = match_listings(_records_for(catalog, url), scraped)
    added = sorted(
        (
            Added(scraped[i].name, scraped[i].section, scraped[i])
            for i in matching.unmatched_listings
        ),
        key=lambda a: (a.section, a.name, a.listing.description),
    )
    removed = sorted(
        (Removed(r.id, r.source.name) for r in matching.unmatched_records), key=lambda r: r.id
    )
    renamed: list[Renamed] = []
    changed: list[Changed] = []
    for rec, i in matching.pairs:
        listing = scraped[i]
        old_name = rec.source.name
        if old_name != listing.name and normalize_text(old_name) != normalize_text(listing.name):
            renamed.append(Renamed(rec.id, old_name, listing.name))
        changed += compare_fields(rec.id, rec.source, listing)
    return DriftReport(
        source=url,
        added=tuple(added),
        removed=tuple(removed),
        renamed=tuple(renamed),
        changed=tuple(changed),
        reordered=tuple(compute_reorders(page.sections if page else (), scraped, previous)),
        matches={rec.id: scraped[i] for rec, i in matching.pairs},
    )
