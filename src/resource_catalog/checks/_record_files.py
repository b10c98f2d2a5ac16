"""Reading a catalog's files one by one into records, with a finding for each problem.

Used by :mod:`resource_catalog.checks.validate`: a resource file that cannot be read, decoded,
parsed or validated yields findings naming the file, the field path and the bad value,
and no record; history.jsonl yields its events and a finding per bad line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from resource_catalog.checks.records import clip, finding
from resource_catalog.contacts.phones import suggest_e164
from resource_catalog.models import Finding, Resource
from resource_catalog.store.events import Event, parse_history
from resource_catalog.store.files import HISTORY_FILE, Refused
from resource_catalog.store.migrate import source_ids_by_url, upgrade_meta, upgrade_resource

__all__ = ["check_identity", "history_events", "load_resource", "v1_upgrader"]


def v1_upgrader(meta_raw: bytes) -> Callable[[Any], Any]:
    data = json.loads(meta_raw.decode("utf-8-sig"))
    upgraded = upgrade_meta(data)
    ids = source_ids_by_url(upgraded)
    default = next(iter(ids.values()), "source")
    return lambda record: upgrade_resource(record, ids, default)


def check_identity(
    resource: Resource,
    name: str,
    rel: str,
    records: dict[str, Resource],
    where: dict[str, str],
    findings: list[Finding],
) -> None:
    stem = name[: -len(".json")]
    if resource.id != stem:
        findings.append(
            finding(
                "id-mismatch",
                f"id must equal the file name {stem!r}",
                rel,
                "id",
                resource.id,
                resource.id,
            )
        )
    if resource.id in records:
        findings.append(
            finding(
                "duplicate-id",
                f"id is also used by {where[resource.id]}",
                rel,
                "id",
                resource.id,
                resource.id,
            )
        )


def load_resource(
    raw: bytes | OSError | Refused,
    rel: str,
    findings: list[Finding],
    upgrade: Callable[[Any], Any] | None,
) -> Resource | None:
    if isinstance(raw, Refused):
        findings.append(finding("symlink", str(raw), rel))
        return None
    if isinstance(raw, OSError):
        findings.append(finding("unreadable", f"cannot read: {raw.strerror or raw}", rel))
        return None
    if upgrade is None:
        try:
            # The fast path: one pass in pydantic-core, no Python-level JSON tree.
            return Resource.model_validate_json(raw)
        except (ValidationError, RecursionError):
            pass
    data = json_data(raw, rel, findings)
    if data is _INVALID:
        return None
    if upgrade is not None:
        data = upgrade(data)
    try:
        return Resource.model_validate(data)
    except ValidationError as exc:
        rid = data.get("id") if isinstance(data, dict) else None
        findings.extend(
            finding(
                "schema",
                schema_message(err),
                rel,
                field_path(err["loc"]),
                None if err["type"] == "missing" else show(err.get("input")),
                rid if isinstance(rid, str) else None,
            )
            for err in exc.errors(include_url=False)
        )
        return None


_INVALID = object()


def json_data(raw: bytes, rel: str, findings: list[Finding]) -> Any:
    """The JSON data of a resource file (a UTF-8 BOM accepted), or ``_INVALID`` with a finding."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 8]
        findings.append(finding("encoding", f"not UTF-8 at byte {exc.start}", rel, value=repr(bad)))
        return _INVALID
    try:
        return json.loads(text)
    except RecursionError:
        findings.append(finding("json", "nested too deeply to be a resource record", rel))
    except json.JSONDecodeError as exc:
        findings.append(
            finding(
                "json",
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                rel,
                value=text[max(0, exc.pos - 20) : exc.pos + 20],
            )
        )
    return _INVALID


def history_events(
    raw: bytes | None, records: dict[str, Resource], findings: list[Finding]
) -> list[Event]:
    if raw is None:
        return []
    events, problems = parse_history(raw)
    findings.extend(
        finding("history", f"line {n}: {why}", HISTORY_FILE, f"line {n}") for n, why in problems
    )
    unknown = sorted(
        {e.resource_id for e in events if e.resource_id and e.resource_id not in records}
    )
    findings.extend(
        finding(
            "history",
            "an event names a resource id that no record has (records are never deleted)",
            HISTORY_FILE,
            "resource_id",
            rid,
        )
        for rid in unknown
    )
    return events


def field_path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(record)"


def schema_message(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field (not in the schema; a typo?)"
    if err["type"] == "missing":
        return "required field is missing"
    loc, value = err["loc"], err.get("input")
    if loc and loc[-1] == "number" and "phones" in loc and isinstance(value, str):
        e164 = suggest_e164(value)  # "617-253-2916": say the valid form, not just the pattern
        if e164 is not None and e164 != value:
            return f"{err['msg']}; write it as {e164}"
    return str(err["msg"])


def show(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return clip(value)
    try:
        return clip(json.dumps(value, ensure_ascii=False, sort_keys=True))
    except (TypeError, ValueError, RecursionError):
        return clip(repr(value))
