"""What another campus tool writes against resource_catalog's public API.

It uses only names that ``resource_catalog`` exports, and only through ``rc.``.
``tests/test_api.py`` type-checks it with ``mypy --strict`` and runs it on the
bundled catalog: ``python tests/consumer_example.py [CATALOG_DIR]``. It prints one
``key: value`` line per fact it looked up, so the test can check each of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Sequence

import resource_catalog as rc

# Facts of the bundled catalog (the Campus Resources page) this tool relies on.
HOTLINE_ID = "student-support-services"
SECTION = "Support Resources"
TOPIC = "housing"
AUDIENCE = "graduate-students"


def describe(resource: rc.Resource) -> str:
    """One line for a chat answer: name, acronym, first phone and room."""
    title = f"{resource.name} ({resource.acronym})" if resource.acronym else resource.name
    parts = [title]
    if resource.phones:
        first: rc.Phone = resource.phones[0]
        ext = f" x{first.extension}" if first.extension is not None else ""
        parts.append(f"{first.number}{ext}")
    if resource.locations:
        room: rc.Location = resource.locations[0]
        parts.append(room.code)
    return ", ".join(parts)


def phone_book(catalog: rc.Catalog) -> dict[str, list[str]]:
    """Active resource id -> its voice and emergency numbers (no fax, TTY or SMS)."""
    wanted = {rc.PhoneKind.VOICE, rc.PhoneKind.EMERGENCY}
    book: dict[str, list[str]] = {}
    for resource in catalog.active:
        numbers = [p.number for p in resource.phones if p.kind in wanted]
        if numbers:
            book[resource.id] = numbers
    return book


def by_building(catalog: rc.Catalog) -> dict[str, list[str]]:
    """Building number -> ids of the resources located in it, for a campus map."""
    rooms: dict[str, list[str]] = {}
    for resource in catalog.active:
        for location in resource.locations:
            rooms.setdefault(location.building, []).append(resource.id)
    return rooms


def page_as_listings(catalog: rc.Catalog, source_id: str) -> list[rc.Listing]:
    """The listings one source page showed, rebuilt from the records' observations of it."""
    listings: list[rc.Listing] = []
    for record in catalog.active:
        seen: rc.Observation | None = record.observation(source_id)
        if seen is None or not seen.listed:
            continue
        listings.append(
            rc.Listing(
                name=seen.name,
                section=seen.section,
                description=seen.description,
                phones=list(seen.phones),
                locations=list(seen.locations),
                links=list(seen.links),
            )
        )
    return listings


def refresh_cache(cache: dict[str, rc.Resource], catalog: rc.Catalog, since: dt.date) -> list[str]:
    """Bring a cache of records up to date from the changes feed; the ids touched."""
    touched: list[str] = []
    for change in catalog.changes(since=since):
        record: rc.Resource | None = change.resource
        if record is None or change.change == "retired":
            cache.pop(change.resource_id, None)
        else:
            cache[change.resource_id] = record
        touched.append(f"{change.resource_id}={change.change}")
    return touched


def drift_lines(report: rc.DriftReport) -> list[str]:
    """The report as ``key: value`` lines."""
    worst: rc.DriftSeverity | None = report.max_severity
    lines = [
        f"drift.status: {report.status}",
        f"drift.max_severity: {worst.value if worst is not None else 'none'}",
        f"drift.fails_on_major: {report.has_drift(rc.DriftSeverity.MAJOR)}",
        f"drift.removed: {','.join(r.id for r in report.removed)}",
        f"drift.added: {','.join(a.name for a in report.added)}",
    ]
    lines += [
        f"drift.changed: {c.id} {c.field} {c.severity.value}: {c.before!r} -> {c.after!r}"
        for c in report.changed
    ]
    return lines


def main(argv: Sequence[str]) -> int:
    """Look things up the way an importing tool does; 2 when the catalog is unusable."""
    try:
        catalog = rc.load_catalog(argv[0] if argv else None)
    except rc.CatalogError as exc:
        problems = [f.message for f in exc.findings]
        sys.stderr.write(f"catalog unusable: {exc} {problems}\n")
        return 2

    out: list[str] = [f"resources: {len(catalog.active)}"]

    # Lookup by id: get() for "maybe", [] when the id must exist.
    hotline = catalog[HOTLINE_ID]
    out.append(f"lookup: {describe(hotline)}")
    out.append(f"missing: {catalog.get('no-such-resource') is None}")

    # Search and filters.
    out.append(f"search.disability: {','.join(r.id for r in catalog.search('disability'))}")
    out.append(f"section: {len(catalog.filter(section=SECTION))}")
    out.append(f"topic: {','.join(r.id for r in catalog.filter(topic=TOPIC))}")
    out.append(f"audience: {','.join(r.id for r in catalog.filter(audience=AUDIENCE))}")
    confidential = [
        r.id for r in catalog.active if r.confidentiality is rc.Confidentiality.CONFIDENTIAL
    ]
    out.append(f"confidential: {','.join(confidential)}")
    out.append(f"phones: {sum(len(v) for v in phone_book(catalog).values())}")
    out.append(f"buildings: {','.join(sorted(by_building(catalog)))}")

    # Exports into memory, read back by the stdlib.
    csv_buffer = io.StringIO(newline="")
    rc.to_csv(catalog, csv_buffer)
    rows = list(csv.DictReader(io.StringIO(csv_buffer.getvalue(), newline="")))
    out.append(f"csv.rows: {len(rows)}")
    out.append(f"csv.first: {rows[0]['id'] if rows else ''}")
    json_buffer = io.StringIO()
    rc.to_json(catalog, json_buffer)
    records: list[dict[str, object]] = json.loads(json_buffer.getvalue())
    out.append(f"json.records: {len(records)}")

    # What changed since the last import, from the catalog's history.
    cache = {r.id: r for r in catalog.active}
    out.append(f"changes: {','.join(refresh_cache(cache, catalog, dt.date(2000, 1, 1)))}")
    out.append(f"cache: {len(cache)}")

    # Drift, page by page: the first page as the catalog last saw it is clean; drop one
    # listing and edit another's description, and the report says what changed.
    first: rc.SourcePage = catalog.meta.sources[0]
    out.append(f"sources: {','.join(s.id for s in catalog.meta.sources)}")
    page = page_as_listings(catalog, first.id)
    out += drift_lines(rc.compare(catalog, page, source_id=first.id))
    edited = page[1].model_copy(update={"description": page[1].description + " Updated."})
    out += drift_lines(rc.compare(catalog, [edited, *page[2:]], source_id=first.id))

    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
