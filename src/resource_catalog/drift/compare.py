"""Drift between the catalog and its source pages: ``compare(catalog, scraped)``.

Pure and deterministic: no I/O, and the same inputs always give the same report.
Each page is compared on its own (:func:`compare` gives one :class:`DriftReport`);
:class:`CatalogDrift` gathers the reports of every source checked, with the sources
that could not be read. Listings are matched to the records that page listed, by
what the page said last time (the record's observation of that source), never by
curated names, so curation causes no noise:

1. the same listing name (section-independent); duplicate names and the empty
   name are paired by description, links and text similarity;
2. then a link URL that only that listing and only that record carry;
3. then a very similar name and description (over the few leftovers only,
   through a token index, so 100,000 listings stay near-linear) -> ``renamed``.

Unmatched listings are ``added`` (a listing that matches a record the page had
dropped is added again, ``relisted``); unmatched records ``removed``. A record its
curators retired stays retired: its listing is that record, not an addition. For
each pair the fields are compared: phones and locations are critical, section and
links major, description minor; section headings are compared as a reader would
(case, spacing and "&"/"and" aside). A page that gained or lost section headings is
minor drift. Reordering is reported as information only; it is not drift.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from resource_catalog.contacts.fold import fold, normalize_text
from resource_catalog.drift._match import Known, match_listings
from resource_catalog.drift.types import (
    ADDED_SEVERITY,
    FIELD_SEVERITY,
    REMOVED_SEVERITY,
    RENAMED_SEVERITY,
    SECTIONS_SEVERITY,
    Added,
    CatalogDrift,
    Changed,
    DriftReport,
    DriftSeverity,
    FieldValue,
    Removed,
    Renamed,
    Reordered,
    SourceDrift,
)
from resource_catalog.models import Listing, PhoneKind, SourcePage, Status
from resource_catalog.store.catalog import Catalog

__all__ = [
    "ADDED_SEVERITY",
    "FIELD_SEVERITY",
    "REMOVED_SEVERITY",
    "RENAMED_SEVERITY",
    "SECTIONS_SEVERITY",
    "Added",
    "CatalogDrift",
    "Changed",
    "DriftReport",
    "DriftSeverity",
    "FieldValue",
    "Removed",
    "Renamed",
    "Reordered",
    "SourceDrift",
    "compare",
    "compare_fields",
    "compute_reorders",
    "field_values",
]


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
        "locations": tuple(
            sorted(
                {loc.code + (f" floor {loc.floor}" if loc.floor else "") for loc in item.locations}
            )
        ),
        "section": normalize_text(item.section),
        "links": tuple(sorted({link.url for link in item.links})),
        "description": normalize_text(item.description),
    }


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


def compare_fields(
    record_id: str, before: Listing, after: Listing, source_id: str = ""
) -> list[Changed]:
    """The fields of ``after`` (the page now) that differ from ``before`` (the page then).

    A description that differs only in the phone numbers or rooms already reported
    as a critical change is not reported again: one change, one line.
    """
    if _same_as_written(before, after):
        return []
    old, new = field_values(before), field_values(after)
    changed = [
        Changed(record_id, after.name, name, old[name], new[name], severity, source_id)
        for name, severity in FIELD_SEVERITY.items()
        if old[name] != new[name]
        and not (name == "section" and fold(str(old[name])) == fold(str(new[name])))
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
    shown: dict[str, str] = {}  # folded -> as first written (the catalog's, then the page's)
    for name in (*known_sections, *(x.section for x in scraped)):
        shown.setdefault(fold(name), normalize_text(name))
    folded = {s: fold(s) for s in {x.section for x in scraped}}  # a few sections
    now_sections = [folded[x.section] for x in scraped]
    known = [fold(s) for s in known_sections]
    common = set(known) & set(now_sections)
    old, new = _order(known, common), _order(now_sections, common)
    if old != new:
        result.append(Reordered(None, tuple(shown[s] for s in old), tuple(shown[s] for s in new)))
    if previous is None:
        return result
    before: dict[str, list[str]] = defaultdict(list)
    after: dict[str, list[str]] = defaultdict(list)
    for items, into in ((previous, before), (scraped, after)):
        for x in items:
            key = fold(x.section)
            shown.setdefault(key, normalize_text(x.section))
            into[key].append(normalize_text(x.name))
    for section in sorted(before.keys() & after.keys()):
        both = set(before[section]) & set(after[section])
        old, new = _order(before[section], both), _order(after[section], both)
        if old != new:
            result.append(Reordered(shown[section], old, new))
    return result


def compare(
    catalog: Catalog,
    scraped: Sequence[Listing],
    *,
    source_id: str | None = None,
    source_url: str | None = None,
    previous: Sequence[Listing] | None = None,
    page_sections: Sequence[str] | None = None,
) -> DriftReport:
    """Compare the catalog with a scrape of one of its source pages.

    ``source_id`` names the page (default: the catalog's first source); only the
    records that page listed are compared. ``source_url`` is the URL reported
    (default: the source's). ``previous`` (the last scrape, e.g. the parsed snapshot)
    lets listing order changes be reported too. ``page_sections`` are the section
    headings found on the page, compared with the source's list.
    """
    page = catalog.meta.source(source_id) if source_id else catalog.meta.sources[0]
    sid = page.id
    known = [Known(r.id, obs) for r in catalog.resources if (obs := r.observation(sid)) is not None]
    by_id = {r.id: r for r in catalog.resources}
    matching = match_listings(known, scraped)
    added = [
        Added(scraped[i].name, scraped[i].section, scraped[i], sid)
        for i in matching.unmatched_listings
    ]
    removed = [
        Removed(k.id, k.source.name, sid)
        for k in matching.unmatched_records
        if by_id[k.id].status is Status.ACTIVE and _listed(k)
    ]
    renamed: list[Renamed] = []
    changed: list[Changed] = []
    for k, i in matching.pairs:
        listing, record = scraped[i], by_id[k.id]
        if not _listed(k):
            added.append(Added(listing.name, listing.section, listing, sid, relisted=k.id))
            continue
        if record.status is not Status.ACTIVE:
            continue  # retired by its curators while still listed: that retirement holds
        old_name = k.source.name
        if old_name != listing.name and normalize_text(old_name) != normalize_text(listing.name):
            renamed.append(Renamed(k.id, old_name, listing.name, sid))
        changed += compare_fields(k.id, k.source, listing, sid)
    return report_of(
        page,
        source_url=source_url,
        page_sections=page_sections,
        scraped=scraped,
        previous=previous,
        added=added,
        removed=removed,
        renamed=renamed,
        changed=changed,
        matches={k.id: scraped[i] for k, i in matching.pairs},
    )


def report_of(
    page: SourcePage,
    *,
    source_url: str | None,
    page_sections: Sequence[str] | None,
    scraped: Sequence[Listing],
    previous: Sequence[Listing] | None,
    added: list[Added],
    removed: list[Removed],
    renamed: list[Renamed],
    changed: list[Changed],
    matches: dict[str, Listing],
) -> DriftReport:
    """The report of one page, in the order every report keeps: additions by section and
    name, removals by id, the page's reorders and section changes. Both the in-memory
    :func:`compare` and the streamed one assemble their findings here."""
    sid = page.id
    sections_added, sections_removed = _section_changes(page.sections, page_sections)
    return DriftReport(
        source=source_url or page.url,
        source_id=sid,
        added=tuple(sorted(added, key=lambda a: (a.section, a.name, a.listing.description))),
        removed=tuple(sorted(removed, key=lambda r: r.id)),
        renamed=tuple(renamed),
        changed=tuple(changed),
        reordered=tuple(
            replace(r, source_id=sid) for r in compute_reorders(page.sections, scraped, previous)
        ),
        sections_added=sections_added,
        sections_removed=sections_removed,
        matches=matches,
    )


def _listed(known: Known) -> bool:
    return getattr(known.source, "listed", True) is not False


def _section_changes(
    before: Sequence[str], now: Sequence[str] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Headings the page gained and lost, compared as a reader would."""
    if now is None or not before:
        return (), ()
    old = {fold(s) for s in before}
    new = {fold(s) for s in now}
    gained = tuple(s for s in now if fold(s) not in old)
    lost = tuple(s for s in before if fold(s) not in new)
    return gained, lost
