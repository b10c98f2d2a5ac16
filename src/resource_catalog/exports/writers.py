"""Exports: json, jsonl, csv, datapackage and hsds writers.

Every writer takes the resources (any iterable of :class:`Resource`, a
:class:`~resource_catalog.store.catalog.Catalog` included), an output and
``include_retired`` (default ``False``: retired resources are left out). Output is
deterministic: records sorted by id, fields in model order, a trailing newline, so
a diff of two exports shows only real change. Two resources with one id raise
:class:`ExportError`. Records are written as they come (JSON as pydantic-core's bytes,
CSV row by row): from a :class:`~resource_catalog.checks.stream.ResourceStream`, already
checked and sorted, none is held (``export`` streams so), else they are sorted first.

Outputs: ``json``, ``jsonl`` and ``csv`` write to a text stream or a file path
(``str`` or path-like); ``datapackage`` and ``hsds`` write files into a directory
path (created if missing). A regular file is written atomically (temp file in the
same directory, flushed and fsynced, then ``os.replace``; the temp file is removed
on failure), so a reader sees the old file or the new one, never half of one; a
symlink's target is replaced and the link kept, and a FIFO or device is written
through (:mod:`resource_catalog._base.atomic`).

``json``
    An array of records, ``Resource.model_dump(mode="json")``, indented by 2;
    valid against ``schemas/resource.schema.json``.
``jsonl``
    One compact record per line.
``csv``
    For spreadsheets and scripts. UTF-8, RFC 4180 (``\\r\\n`` line ends; open a
    stream with ``newline=""``), header first, one row per resource, columns
    :data:`CSV_COLUMNS`:

    ``id, name, acronym, section, description, phones, locations, links, emails,
    topics, audience, confidentiality, availability, status, needs_review``

    Absent values are empty cells; ``needs_review`` is ``true``/``false``.
    Multi-valued cells join their items with ``"; "`` (:func:`join_multi`); inside
    an item ``\\`` and ``;`` are escaped as ``\\\\`` and ``\\;`` (:func:`split_multi`
    undoes it). Items: a phone is ``NUMBER[ xEXT][ [KIND]][ (LABEL)]`` with the
    kind only when it is not ``voice`` (``+16172531212 x5 [tty] (Front desk)``);
    a location ``CODE[ (LABEL)]`` (``5-104 (Counseling)``); a link
    ``URL[ (LABEL)]``; emails, topics and audience are plain values.

    Formula injection: a cell whose text starts with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return, or with ``'`` itself, gets one ``'`` prefixed
    (:func:`neutralise`). The rule has no exception, so every ``phones`` cell
    starts with ``'+``; a reader recovers the data by dropping one leading ``'``
    from any cell that has one (:func:`unneutralise`).
``datapackage``
    A Frictionless Tabular Data Package for data tools, described in
    :mod:`resource_catalog.exports.datapackage`: ``datapackage.json``, ``resources.csv``,
    ``phones.csv``, ``locations.csv``, ``links.csv``, typed and keyed.
``hsds``
    Open Referral HSDS 3.0, mapped in :mod:`resource_catalog.exports.hsds`:
    ``services.json`` and the tables of the official descriptor, the ``metadata``
    change log from the catalog's history included.

``site``
    A static, accessible directory website (:mod:`resource_catalog.exports.site`): an
    index with a search box, a page per topic list and per resource.

The two data directory formats hold exact values for data tools, so their cells are
not formula-neutralised; use ``csv`` for spreadsheets. Each of their files is
written atomically, the descriptor last.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from pydantic import TypeAdapter
from pydantic_core import PydanticSerializationError

from resource_catalog.checks.stream import ResourceStream
from resource_catalog.contacts.locations import BuildingRegistry, load_buildings
from resource_catalog.errors import ExportError
from resource_catalog.exports import hsds
from resource_catalog.exports._output import (
    Output,
    csv_rows,
    json_array,
    open_output,
    open_outputs,
    write_text_atomic,
)
from resource_catalog.exports.cells import (
    format_link,
    format_location,
    format_phone,
    item_cells,
    neutralise,
    unneutralise,
)
from resource_catalog.exports.datapackage import (
    DATAPACKAGE_TABLES,
    csv_text,
    join_multi,
    json_text,
    package_descriptor,
    plain,
    split_multi,
    table_header,
    table_rows,
)
from resource_catalog.models import Listing, Resource, Status
from resource_catalog.store._layout import output_problem
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Event

__all__ = [
    "CSV_COLUMNS",
    "DIRECTORY_FORMATS",
    "FORMATS",
    "LISTING_CSV_COLUMNS",
    "csv_row",
    "export",
    "format_link",
    "format_location",
    "format_phone",
    "join_multi",
    "listings_to_csv",
    "listings_to_json",
    "neutralise",
    "select_resources",
    "split_multi",
    "to_csv",
    "to_datapackage",
    "to_hsds",
    "to_json",
    "to_jsonl",
    "unneutralise",
    "write_text_atomic",
]

FORMATS = ("json", "jsonl", "csv", "datapackage", "hsds", "site")
#: Formats that write a directory of files (``out`` must be a path).
DIRECTORY_FORMATS = frozenset({"datapackage", "hsds", "site"})

#: Columns of :func:`listings_to_csv`, encoded like the resource columns.
LISTING_CSV_COLUMNS = ("name", "section", "description", "phones", "locations", "links")
CSV_COLUMNS = (
    "id",
    "name",
    "acronym",
    "section",
    "description",
    "phones",
    "locations",
    "links",
    "emails",
    "topics",
    "audience",
    "confidentiality",
    "availability",
    "status",
    "needs_review",
)

_RESOURCE = TypeAdapter(Resource)
#: What the writers take: records, a loaded catalog, or a checked catalog read as written.
Resources = Iterable[Resource] | Catalog | ResourceStream


# -- selection and low-level writing ---------------------------------------------


def select_resources(
    resources: Iterable[Resource] | Catalog, *, include_retired: bool = False
) -> list[Resource]:
    """The resources to export, sorted by id; retired ones only if asked.

    Raises :class:`ExportError` when two resources share an id.
    """
    chosen = sorted(
        (r for r in resources if include_retired or r.status is Status.ACTIVE),
        key=lambda r: r.id,
    )
    dupes = sorted({a.id for a, b in itertools.pairwise(chosen) if a.id == b.id})
    if dupes:
        raise ExportError(f"duplicate resource ids: {', '.join(dupes)}")
    return chosen


def _chosen(resources: Resources, *, include_retired: bool) -> Iterable[Resource]:
    """:func:`select_resources`, except that a :class:`ResourceStream` (checked: sorted by
    id, ids unique) is filtered as it is read, never held."""
    if isinstance(resources, ResourceStream):
        return (r for r in resources if include_retired or r.status is Status.ACTIVE)
    return select_resources(resources, include_retired=include_retired)


# -- json / jsonl ------------------------------------------------------------------


def _json_record(resource: Resource) -> bytes | str:
    try:
        # pydantic-core writes the very text json_text(model_dump) writes (2-space
        # indent, UTF-8 kept, same escapes), ten times faster.
        return _RESOURCE.dump_json(resource, indent=2)
    except PydanticSerializationError:  # e.g. a lone surrogate: Python's json copes
        return json.dumps(resource.model_dump(mode="json"), ensure_ascii=False, indent=2)


def to_json(resources: Resources, out: Output, *, include_retired: bool = False) -> None:
    """Write the resources as a JSON array of records, sorted by id, one at a time."""
    chosen = _chosen(resources, include_retired=include_retired)
    with open_output(out) as write:
        json_array(write, map(_json_record, chosen))


def to_jsonl(resources: Resources, out: Output, *, include_retired: bool = False) -> None:
    """Write one compact JSON record per line, sorted by id."""
    chosen = _chosen(resources, include_retired=include_retired)
    with open_output(out) as write:
        for r in chosen:
            data = r.model_dump(mode="json")
            write(_one_line(json.dumps(data, ensure_ascii=False, separators=(",", ":"))))


#: Characters json.dumps leaves raw that ``str.splitlines`` (and some JSON Lines
#: readers) treat as line breaks; escaping them keeps one record per line.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _one_line(text: str) -> str:
    return text.translate(_LINE_BREAKS) + "\n"


# -- csv ------------------------------------------------------------------------


def csv_row(resource: Resource) -> list[str]:
    """One resource as the cells of :data:`CSV_COLUMNS`, neutralised."""
    cells = [
        resource.id,
        resource.name,
        resource.acronym or "",
        resource.section,
        resource.description,
        *item_cells(resource),
        join_multi(resource.emails),
        join_multi(resource.topics),
        join_multi(resource.audience),
        resource.confidentiality.value,
        resource.availability or "",
        resource.status.value,
        "true" if resource.review.needs_review else "false",
    ]
    return [neutralise(c) for c in cells]


def to_csv(resources: Resources, out: Output, *, include_retired: bool = False) -> None:
    """Write one CSV row per resource, columns :data:`CSV_COLUMNS` (see module doc)."""
    chosen = _chosen(resources, include_retired=include_retired)
    with open_output(out) as write:
        csv_rows(write, CSV_COLUMNS).writerows(map(csv_row, chosen))


def listings_to_csv(listings: Iterable[Listing]) -> str:
    """Scraped listings as CSV text, in page order: :data:`LISTING_CSV_COLUMNS`.

    Same encoding and formula neutralisation as :func:`to_csv`.
    """
    rows = [
        [neutralise(c) for c in [li.name, li.section, li.description, *item_cells(li)]]
        for li in listings
    ]
    return csv_text(LISTING_CSV_COLUMNS, rows)


def listings_to_json(
    listings: Iterable[Listing], source_ids: Sequence[str | None] | None = None
) -> str:
    """Scraped listings as a JSON array, in page order (they have no id yet).

    With ``source_ids`` (one per listing, from several pages) each object also says
    which source it came from (``"source_id"``).
    """
    rows = [li.model_dump(mode="json") for li in listings]
    if source_ids is not None:
        rows = [{"source_id": sid, **row} for sid, row in zip(source_ids, rows, strict=True)]
    return json_text(rows)


# -- directory formats -----------------------------------------------------------


def to_datapackage(
    resources: Resources, directory: str | os.PathLike[str], *, include_retired: bool = False
) -> None:
    """Write a Frictionless Tabular Data Package into ``directory`` (see module doc)."""
    chosen = _chosen(resources, include_retired=include_retired)
    title = "Support resources"
    if isinstance(resources, Catalog | ResourceStream):
        title = resources.meta.name
    names = {name: f"{name}.csv" for name in DATAPACKAGE_TABLES}
    with open_outputs(directory, list(names.values())) as writes:
        tables = {name: csv_rows(writes[file], table_header(name)) for name, file in names.items()}
        for resource in chosen:
            for name, row in table_rows(resource):
                tables[name].writerow([plain(v) for v in row])
    write_text_atomic(Path(directory) / "datapackage.json", json_text(package_descriptor(title)))


def to_hsds(
    resources: Resources,
    directory: str | os.PathLike[str],
    *,
    include_retired: bool = False,
    organization_name: str = hsds.DEFAULT_ORGANIZATION,
    organization_description: str | None = None,
    buildings: BuildingRegistry | None = None,
    history: Iterable[Event] | None = None,
) -> None:
    """Write Open Referral HSDS 3.0 into ``directory``: ``services.json`` and the tables.

    Every service belongs to one organization, ``organization_name``;
    ``organization_description`` (required by HSDS) defaults to a sentence naming it.
    Locations take their building's name and coordinates from ``buildings``
    (default: the bundled registry, :func:`~resource_catalog.contacts.locations.load_buildings`).
    The ``metadata`` change log comes from ``history`` (default: a catalog's own).
    """
    chosen = _chosen(resources, include_retired=include_retired)
    if history is None:
        history = resources.history if isinstance(resources, Catalog | ResourceStream) else ()
    files = ["services.json", *hsds.table_files().values()]
    with open_outputs(directory, files) as writes:
        hsds.write_hsds(
            chosen,
            writes,
            organization_name=organization_name,
            organization_description=organization_description,
            buildings=buildings if buildings is not None else load_buildings(),
            history=history,
        )
    descriptor = json_text(hsds.package_descriptor(hsds.TABLES))
    write_text_atomic(Path(directory) / "datapackage.json", descriptor)


# -- dispatch ------------------------------------------------------------------


_STREAM_WRITERS: dict[str, Callable[..., None]] = {
    "json": to_json,
    "jsonl": to_jsonl,
    "csv": to_csv,
}


def export(
    resources: Resources,
    fmt: str,
    out: Output,
    *,
    include_retired: bool = False,
    title: str | None = None,
    base_url: str | None = None,
) -> None:
    """Export in format ``fmt`` (one of :data:`FORMATS`) to ``out``.

    ``datapackage``, ``hsds`` and ``site`` need a directory path; the others take a
    stream or a file path (``str`` or path-like). ``title`` and ``base_url`` are the
    site's (:func:`resource_catalog.exports.site.build_site`), which shows more of a whole
    :class:`Catalog` (source titles, the campus map) than of a list. Raises
    :class:`ExportError` for an unknown format, and when ``out`` is one of the files of
    the catalog ``resources`` was loaded from.
    """
    home = resources.path if isinstance(resources, Catalog | ResourceStream) else None
    if home is not None and isinstance(out, str | os.PathLike):
        problem = output_problem(home, out)
        if problem is not None:
            raise ExportError(problem)
    if fmt == "site":
        from resource_catalog.exports.site import build_site  # noqa: PLC0415 (jinja2 only when used)

        build_site(
            resources,
            _as_path(out, fmt),
            title=title,
            base_url=base_url,
            include_retired=include_retired,
        )
    elif fmt == "datapackage":
        to_datapackage(resources, _as_path(out, fmt), include_retired=include_retired)
    elif fmt == "hsds":
        to_hsds(resources, _as_path(out, fmt), include_retired=include_retired)
    elif fmt in _STREAM_WRITERS:
        _STREAM_WRITERS[fmt](resources, out, include_retired=include_retired)
    else:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _as_path(out: Output, fmt: str) -> Path:
    if not isinstance(out, str | os.PathLike):
        raise ExportError(f"format {fmt!r} writes a directory: give a directory path")
    return Path(out)
