"""The catalog as a Frictionless Tabular Data Package, and the tabular helpers.

Pure: renders file contents, writes nothing (:func:`resource_catalog.exports.writers.to_datapackage`
writes them atomically). The package, for data tools rather than spreadsheets::

    datapackage.json   descriptor: one tabular resource per CSV, typed Table Schemas
    resources.csv      one row per resource, primary key ``id``
    phones.csv         one row per phone     } primary key (resource_id, position),
    locations.csv      one row per location  } foreign key resource_id ->
    links.csv          one row per link      } resources.id; position counts from 1

Multi-valued columns of ``resources.csv`` (emails, topics, audience) use the same
encoding as the ``csv`` export (:func:`join_multi`). Values are exact (the schema's
patterns and enums describe them), so cells are not formula-neutralised here.
CSV is UTF-8, RFC 4180 (``\\r\\n`` line ends), header first.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from resource_catalog.models import (
    BUILDING_PATTERN,
    PHONE_NUMBER_PATTERN,
    Confidentiality,
    PhoneKind,
    Resource,
    Status,
)

MULTI_SEPARATOR = "; "


def json_text(obj: Any) -> str:
    """``obj`` as deterministic JSON text: UTF-8 characters kept, indent 2, final newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """RFC 4180 CSV text (``\\r\\n`` line ends), header first."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def plain(value: object) -> str:
    """A cell for a typed table: ``""`` for ``None``, ``true``/``false``, else ``str``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def join_multi(items: Iterable[str]) -> str:
    """Join items with ``"; "``, escaping ``\\`` and ``;`` inside each item."""
    return MULTI_SEPARATOR.join(i.replace("\\", "\\\\").replace(";", "\\;") for i in items)


def split_multi(cell: str) -> list[str]:
    """Split a cell written by :func:`join_multi` back into its items."""
    if not cell:
        return []
    items: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for ch in chars:
        if ch == "\\":
            current.append(next(chars, ""))
        elif ch == ";":
            items.append("".join(current))
            current = []
            next(chars, None)  # the space of the separator
        else:
            current.append(ch)
    items.append("".join(current))
    return items


_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"


def _field(name: str, ftype: str = "string", *, required: bool = False, **extra: Any) -> Any:
    """A Table Schema field; ``extra`` holds constraints, or ``format``/``description``."""
    spec: dict[str, Any] = {"name": name, "type": ftype}
    for key in ("format", "description", "trueValues", "falseValues"):
        if key in extra:
            spec[key] = extra.pop(key)
    constraints = {"required": True, **extra} if required else extra
    if constraints:
        spec["constraints"] = constraints
    return spec


def _child_schema(*fields: Any) -> Any:
    """Schema of a table of items, one row per item of one resource."""
    return {
        "fields": [
            _field("resource_id", required=True, pattern=_ID),
            _field("position", "integer", required=True, minimum=1),
            *fields,
        ],
        "primaryKey": ["resource_id", "position"],
        "foreignKeys": [
            {"fields": "resource_id", "reference": {"resource": "resources", "fields": "id"}}
        ],
    }


_LIST = "Items separated by '; '."
#: The Table Schema of each table of the ``datapackage`` export, by table name.
DATAPACKAGE_TABLES: dict[str, Any] = {
    "resources": {
        "fields": [
            _field("id", required=True, unique=True, pattern=_ID),
            _field("name", required=True),
            _field("acronym"),
            _field("section", required=True),
            _field("description"),
            _field("emails", description=_LIST, pattern=r"[^@\s]+@[^@\s]+(; [^@\s]+@[^@\s]+)*"),
            _field("topics", description=_LIST, pattern=rf"{_ID}(; {_ID})*"),
            _field("audience", description=_LIST, pattern=rf"{_ID}(; {_ID})*"),
            _field("confidentiality", required=True, enum=[c.value for c in Confidentiality]),
            _field("availability"),
            _field("status", required=True, enum=[s.value for s in Status]),
            _field(
                "needs_review", "boolean", required=True, trueValues=["true"], falseValues=["false"]
            ),
            _field("last_reviewed", "date"),
            _field("source_url", required=True, format="uri"),
        ],
        "primaryKey": "id",
    },
    "phones": _child_schema(
        _field("number", required=True, pattern=PHONE_NUMBER_PATTERN.strip("^$")),
        _field("extension", pattern="[0-9]{1,6}"),
        _field("kind", required=True, enum=[k.value for k in PhoneKind]),
        _field("label"),
    ),
    "locations": _child_schema(
        _field("code", required=True),
        _field("building", required=True, pattern=BUILDING_PATTERN.strip("^$")),
        _field("room"),
        _field("label"),
    ),
    "links": _child_schema(_field("url", required=True, format="uri"), _field("label")),
}


def table_rows(r: Resource) -> Iterator[tuple[str, list[object]]]:
    """The rows one resource adds to the package's tables, as (table name, values)."""
    yield (
        "resources",
        [
            r.id,
            r.name,
            r.acronym,
            r.section,
            r.description,
            join_multi(r.emails),
            join_multi(r.topics),
            join_multi(r.audience),
            r.confidentiality.value,
            r.availability,
            r.status.value,
            r.review.needs_review,
            r.review.last_reviewed,
            r.source.url,
        ],
    )
    for n, p in enumerate(r.phones, 1):
        yield "phones", [r.id, n, p.number, p.extension, p.kind.value, p.label]
    for n, loc in enumerate(r.locations, 1):
        yield "locations", [r.id, n, loc.code, loc.building, loc.room, loc.label]
    for n, link in enumerate(r.links, 1):
        yield "links", [r.id, n, link.url, link.label]


def table_header(name: str) -> list[str]:
    """The column names of the package's table ``name``."""
    return [f["name"] for f in DATAPACKAGE_TABLES[name]["fields"]]


def package_descriptor(title: str) -> dict[str, Any]:
    """``datapackage.json``: each table described, typed and keyed."""
    described = [
        {
            "name": name,
            "path": f"{name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
        }
        for name, schema in DATAPACKAGE_TABLES.items()
    ]
    return {
        "profile": "tabular-data-package",
        "name": "resource-catalog",
        "title": title,
        "resources": described,
    }
