"""Open Referral HSDS 3.0: map resources to HSDS service objects and tables.

Pure mapping, no file writes (:func:`resource_catalog.exports.writers.to_hsds` writes). The
official Tabular Data Package descriptor ships in ``hsds_data/`` (CC BY-SA 4.0, see
its README) and :func:`package_descriptor` trims it to the tables we write.

Identifiers are UUIDs, as HSDS requires, derived with ``uuid5`` from the fixed
:data:`NAMESPACE` and our own keys, so an export is deterministic and an id never
changes while the resource id (or the phone, or the location) stays the same.

How a :class:`~resource_catalog.models.Resource` maps::

    Resource                   HSDS
    id                         service.id = uuid5(NAMESPACE, "service:<id>")
    name / acronym             service.name / service.alternate_name
    description                service.description (omitted when empty)
    links[0].url, emails[0]    service.url, service.email (the first one only)
    status active / retired    service.status "active" / "inactive"
    review.last_reviewed       service.assured_date ("date last checked")
    availability               one schedule, its free-text description
    phones[]                   phone: number as stored (E.164 "+16172531212" or a
                               short code's digits "911"), extension as an integer
                               (HSDS types it as a number), type from kind (voice,
                               emergency -> voice, tty -> textphone, fax, sms -> text),
                               description = label ("Emergency" noted for emergency)
    locations[]                location: physical, one per distinct building+room,
                               shared by services, named "Building 5" /
                               "Building 5, room 104", alternate_name = "5-104";
                               with a building registry: description = the
                               building's name, latitude / longitude from it
                               service_at_location links it, description = our label
    (all)                      one organization, ``organization_name``
    history events             metadata, HSDS's change log (see below)

Not mapped, for want of an HSDS home short of a taxonomy: section, topics, audience,
confidentiality, and any link or email after the first.

The ``metadata`` change log (a table, and nested in each service) comes from the
catalog's history: :func:`metadata_rows` says how.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping
from importlib import resources as importlib_resources
from typing import Any

from resource_catalog.contacts.locations import BuildingRegistry
from resource_catalog.exports._output import Write, csv_rows, json_array
from resource_catalog.exports.datapackage import plain
from resource_catalog.models import Location, Phone, PhoneKind, Resource, Status
from resource_catalog.store.events import Action, Event

JsonObject = dict[str, Any]

#: Namespace of every HSDS id we derive. Never change it: ids would all change.
NAMESPACE = uuid.UUID("6f1c3b0e-2d4a-4c5e-9b7f-0a8d3e6c1f52")

#: The HSDS tables we write, in the official descriptor's resource names.
TABLES = (
    "organization",
    "service",
    "service_at_location",
    "location",
    "phone",
    "schedule",
    "metadata",
)

DEFAULT_ORGANIZATION = "Massachusetts Institute of Technology"

_PHONE_TYPES = {
    PhoneKind.VOICE: "voice",
    PhoneKind.EMERGENCY: "voice",
    PhoneKind.TTY: "textphone",
    PhoneKind.FAX: "fax",
    PhoneKind.SMS: "text",
}
_SERVICE_STATUS = {Status.ACTIVE: "active", Status.RETIRED: "inactive"}


def hsds_id(kind: str, key: str) -> str:
    """The deterministic HSDS id (a UUID string) of a ``kind`` of record with ``key``."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def load_official_descriptor() -> JsonObject:
    """The official HSDS 3.0 ``datapackage.json`` as shipped in the package (a fresh copy)."""
    ref = importlib_resources.files("resource_catalog.exports").joinpath(
        "hsds_data/datapackage.json"
    )
    loaded: JsonObject = json.loads(ref.read_text(encoding="utf-8"))
    return loaded


def package_descriptor(tables: Collection[str] = TABLES) -> JsonObject:
    """The official descriptor trimmed to ``tables`` (HSDS resource names).

    Each kept table keeps its official schema and the foreign keys that point at
    another kept table; a foreign key to a table we do not write (``program``,
    ``contact``) is dropped, since its column is always empty and a validator
    could not resolve the reference. The top-level ``license`` is dropped too: it
    licenses the specification, not the data exported with it. Every table is
    declared UTF-8.
    """
    official = load_official_descriptor()
    known = {r["name"] for r in official["resources"]}
    unknown = set(tables) - known
    if unknown:
        raise ValueError(f"not HSDS tables: {sorted(unknown)}")
    kept: list[JsonObject] = []
    for official_res in official["resources"]:
        if official_res["name"] not in tables:
            continue
        res = copy.deepcopy(official_res)
        schema = res["schema"]
        if "foreignKeys" in schema:
            fks = [fk for fk in schema["foreignKeys"] if fk["reference"]["resource"] in tables]
            if fks:
                schema["foreignKeys"] = fks
            else:
                del schema["foreignKeys"]
        res["encoding"] = "utf-8"
        kept.append(res)
    descriptor: JsonObject = {
        key: official[key]
        for key in ("name", "title", "description", "profile", "version", "homepage")
        if key in official
    }
    descriptor["resources"] = kept
    return descriptor


def table_files() -> dict[str, str]:
    """HSDS table name -> its CSV file's name, in the descriptor's order."""
    return {res["name"]: res["path"] for res in package_descriptor(TABLES)["resources"]}


def write_hsds(
    resources: Iterable[Resource],
    writes: Mapping[str, Write],
    *,
    organization_name: str = DEFAULT_ORGANIZATION,
    organization_description: str | None = None,
    buildings: BuildingRegistry | None = None,
    history: Iterable[Event] = (),
) -> None:
    """Write ``services.json`` and each table's CSV (``writes``: file name -> its
    :data:`Write`) for ``resources``, taken one at a time in the order given (by id).

    Only the distinct locations (a table sorted by code, written at the end), the
    exported service ids and the change log are held, never the services.
    ``buildings``, when given, adds each location's building name and coordinates;
    ``history`` (the catalog's events) gives the ``metadata`` change log.
    """
    org_id = hsds_id("organization", organization_name)
    organization = _drop_none(
        {
            "id": org_id,
            "name": organization_name,
            "description": organization_description
            or f"The organization offering the support resources of this catalog: "
            f"{organization_name}.",
        }
    )
    described = package_descriptor(TABLES)["resources"]
    headers = {res["name"]: [f["name"] for f in res["schema"]["fields"]] for res in described}
    tables = {res["name"]: csv_rows(writes[res["path"]], headers[res["name"]]) for res in described}

    def row(name: str, obj: JsonObject) -> None:
        tables[name].writerow([plain(obj.get(col)) for col in headers[name]])

    row("organization", organization)
    change_log = metadata_rows(history)
    changes: dict[str, list[JsonObject]] = {}
    for change in change_log:
        changes.setdefault(change["resource_id"], []).append(change)
    locations: dict[str, JsonObject] = {}
    exported: set[str] = set()

    def services() -> Iterator[str]:
        for resource in resources:
            service_id = hsds_id("service", resource.id)
            exported.add(service_id)
            service = _service(resource, service_id, org_id)
            row("service", service)
            phones: list[JsonObject] = []
            at: list[JsonObject] = []  # service_at_location, its location nested
            used: set[str] = set()
            for phone in resource.phones:
                key = _unique(used, f"{resource.id}:{phone.number}:{phone.extension or ''}")
                phones.append(_phone(phone, hsds_id("phone", key), service_id))
            for loc in resource.locations:
                location = locations.setdefault(loc.code, _location(loc, org_id, buildings))
                key = _unique(used, f"{resource.id}@{loc.code}")
                sal = {
                    "id": hsds_id("service_at_location", key),
                    "service_id": service_id,
                    "location_id": location["id"],
                    "description": loc.label,
                }
                row("service_at_location", sal)
                at.append({**_drop_none(sal), "location": location})
            schedules: list[JsonObject] = []
            if resource.availability:
                schedules.append(
                    {
                        "id": hsds_id("schedule", resource.id),
                        "service_id": service_id,
                        "description": resource.availability,
                    }
                )
            for obj in phones:
                row("phone", obj)
            for obj in schedules:
                row("schedule", obj)
            nested = {**service, "phones": phones, "schedules": schedules}
            nested["service_at_locations"] = at
            nested["organization"] = dict(organization)
            nested["metadata"] = changes.get(service_id, [])
            yield json.dumps(nested, ensure_ascii=False, indent=2)

    json_array(writes["services.json"], services())
    for location in sorted(locations.values(), key=lambda loc: loc["alternate_name"]):
        row("location", location)
    for change in change_log:
        if change["resource_id"] in exported:
            row("metadata", change)


def _service(resource: Resource, service_id: str, org_id: str) -> JsonObject:
    last_reviewed = resource.review.last_reviewed
    return _drop_none(
        {
            "id": service_id,
            "organization_id": org_id,
            "name": resource.name,
            "alternate_name": resource.acronym or None,
            "description": resource.description or None,
            "url": resource.links[0].url if resource.links else None,
            "email": resource.emails[0] if resource.emails else None,
            "status": _SERVICE_STATUS[resource.status],
            "assured_date": last_reviewed.isoformat() if last_reviewed else None,
        }
    )


def _phone(phone: Phone, phone_id: str, service_id: str) -> JsonObject:
    description = phone.label
    if phone.kind is PhoneKind.EMERGENCY:
        description = f"Emergency: {phone.label}" if phone.label else "Emergency"
    return _drop_none(
        {
            "id": phone_id,
            "service_id": service_id,
            "number": phone.number,
            "extension": int(phone.extension) if phone.extension else None,
            "type": _PHONE_TYPES[phone.kind],
            "description": description,
        }
    )


def _location(loc: Location, org_id: str, buildings: BuildingRegistry | None) -> JsonObject:
    name = f"Building {loc.building}"
    if loc.room:
        name += f", room {loc.room}"
    info = buildings.get(loc.building) if buildings is not None else None
    return _drop_none(
        {
            "id": hsds_id("location", loc.code),
            "location_type": "physical",
            "organization_id": org_id,
            "name": name,
            "alternate_name": loc.code,
            "description": info.name if info else None,
            "latitude": info.latitude if info else None,
            "longitude": info.longitude if info else None,
        }
    )


def _unique(used: set[str], key: str) -> str:
    """``key``, or ``key#2``, ``key#3``... when a resource repeats an entry."""
    candidate, n = key, 1
    while candidate in used:
        n += 1
        candidate = f"{key}#{n}"
    used.add(candidate)
    return candidate


def _drop_none(obj: JsonObject) -> JsonObject:
    """HSDS JSON types optional fields as plain strings: omit absent values."""
    return {k: v for k, v in obj.items() if v is not None}


# --------------------------------------------------------------------------- metadata

#: Our field -> the service field (or nested list) of HSDS a change is logged under.
_HSDS_FIELDS = {
    "name": "name",
    "acronym": "alternate_name",
    "description": "description",
    "links": "url",
    "emails": "email",
    "status": "status",
    "review": "assured_date",
    "availability": "schedules",
    "phones": "phones",
    "locations": "service_at_locations",
}
_BY_REVIEW = frozenset({Action.RESOLVED, Action.REVIEWED})


def _hsds_value(name: str, value: Any) -> Any:
    """A field's value as the HSDS field holds it (where the two differ)."""
    if name in {"links", "emails"}:
        first = value[0] if isinstance(value, list) and value else None
        return first.get("url") if isinstance(first, dict) else first
    if name == "status":
        return {s.value: hsds for s, hsds in _SERVICE_STATUS.items()}.get(value, value)
    if name == "review":
        return value.get("last_reviewed") if isinstance(value, dict) else None
    return value


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def metadata_rows(history: Iterable[Event]) -> list[JsonObject]:
    """HSDS ``metadata`` rows, in the history's order: one per event that changed a
    service's HSDS data.

    ``resource_id`` is the service's id (``resource_type`` ``"service"``),
    ``last_action_date`` the event's day (UTC), ``last_action_type`` its action
    (``created``, ``updated``, ``retired``, ``relisted``, ``resolved``, ``reviewed``),
    ``field_name`` the HSDS field (:data:`_HSDS_FIELDS`; a created record's row names
    ``name``). Values are what the HSDS field holds where it maps one to one (the first
    URL, ``inactive``, the review date), else compact JSON; an absent value is ``null``
    (the columns are required). ``updated_by`` names the command. Left out: fields with
    no HSDS home, recorded conflicts, resolutions that kept the curated value.
    """
    rows: list[JsonObject] = []
    used: set[str] = set()
    for event in history:
        name = "name" if event.action is Action.CREATED else event.field
        if event.resource_id is None or name not in _HSDS_FIELDS or event.action is Action.CONFLICT:
            continue
        before, after = _hsds_value(name, event.before), _hsds_value(name, event.after)
        if before == after:
            continue
        by = "review" if event.action in _BY_REVIEW else "sync"
        key = _unique(used, f"{event.resource_id}@{event.at.isoformat()}:{event.action}:{name}")
        rows.append(
            {
                "id": hsds_id("metadata", key),
                "resource_id": hsds_id("service", event.resource_id),
                "resource_type": "service",
                "last_action_date": event.at.date().isoformat(),
                "last_action_type": event.action.value,
                "field_name": _HSDS_FIELDS[name],
                "previous_value": _cell(before),
                "replacement_value": _cell(after),
                "updated_by": f"resource-catalog {by}",
            }
        )
    return rows
