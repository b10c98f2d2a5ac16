"""Reading a catalog's files one by one into records, with a finding for each problem.

Used by :mod:`resource_catalog.checks.validate`: a resource file that cannot be read, decoded,
parsed or validated yields findings naming the file, the field path and the bad value,
and no record; history.jsonl yields its events and a finding per bad line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from resource_catalog.checks._finding import Findings, clip, finding
from resource_catalog.contacts.phones import validate_phone_number
from resource_catalog.errors import InvalidPhoneError
from resource_catalog.models import Finding, Resource
from resource_catalog.store.events import Event, parse_history
from resource_catalog.store.files import HISTORY_FILE, RESOURCES_DIR, Refused
from resource_catalog.store.migrate import source_ids_by_url, upgrade_meta, upgrade_resource

__all__ = ["check_identity", "history_events", "load_resource", "v1_upgrader"]


def v1_upgrader(meta_raw: bytes) -> Callable[[Any], Any]:
    data = json.loads(meta_raw.decode("utf-8-sig"))
    upgraded = upgrade_meta(data)
    ids = source_ids_by_url(upgraded)
    default = next(iter(ids.values()), "source")
    return lambda record: upgrade_resource(record, ids, default)


def check_identity(
    resource: Resource, name: str, rel: str, where: Mapping[str, str], findings: Findings
) -> None:
    """An id that differs from its file name, or that an earlier file (in ``where``,
    id -> the file's name in ``resources/``) already carries."""
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
    if resource.id in where:
        findings.append(
            finding(
                "duplicate-id",
                f"id is also used by {RESOURCES_DIR}/{where[resource.id]}",
                rel,
                "id",
                resource.id,
                resource.id,
            )
        )


def load_resource(
    raw: bytes | OSError | Refused,
    rel: str,
    findings: Findings,
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
        return _report_invalid(data, exc.errors(include_url=False), rel, findings)


def _report_invalid(
    data: Any, errors: Sequence[Any], rel: str, findings: Findings
) -> Resource | None:
    """Findings for a record the schema rejects; the record without its bad phones when
    they are all that is wrong."""
    rid = data.get("id") if isinstance(data, dict) else None
    rid = rid if isinstance(rid, str) else None
    bad_phones = [e for e in errors if _bad_phone(e)]
    findings.extend(_phone_findings(bad_phones, rel, rid))
    findings.extend(
        finding(
            "schema",
            schema_message(err),
            rel,
            field_path(err["loc"]),
            None if err["type"] == "missing" else show(err.get("input")),
            rid,
        )
        for err in errors
        if not _bad_phone(err)
    )
    if len(bad_phones) < len(errors):
        return None
    # Only phones are wrong: the record is still a record (counted, its history events
    # and its duplicates checked), read without them. The catalog stays invalid.
    try:
        return Resource.model_validate(_without(data, [e["loc"] for e in bad_phones]))
    except ValidationError:
        return None


def _bad_phone(err: Any) -> bool:
    """A phone number that is not in the stored form (``phones[i].number`` anywhere)."""
    loc = err["loc"]
    return (
        len(loc) >= 3  # noqa: PLR2004 (phones, index, number)
        and loc[-1] == "number"
        and loc[-3] == "phones"
        and err["type"] == "string_pattern_mismatch"
        and isinstance(err.get("input"), str)
    )


def _phone_findings(errors: Sequence[Any], rel: str, rid: str | None) -> list[Finding]:
    """One ``phone`` finding per bad number, in words, naming every field that holds it
    (a number a page gave is in the record and in the page's observation)."""
    fields: dict[str, list[str]] = {}
    for err in errors:
        fields.setdefault(err["input"], []).append(field_path(err["loc"]))
    found = []
    for number, where in fields.items():
        try:
            validate_phone_number(number)
            reason = "not a phone number in the stored form"
        except InvalidPhoneError as exc:
            reason = exc.reason
        also = f" (also in {', '.join(where[1:])})" if len(where) > 1 else ""
        found.append(finding("phone", reason + also, rel, where[0], number, rid))
    return found


def _without(data: Any, locs: Sequence[Sequence[int | str]]) -> Any:
    """``data`` (a record's JSON) without the phones at ``locs`` (``(..., "phones", i,
    "number")``), later ones first so the indexes hold."""
    copy = json.loads(json.dumps(data))
    for loc in sorted(locs, key=lambda loc: [str(p).zfill(9) for p in loc], reverse=True):
        holder = copy
        for part in loc[:-2]:
            holder = holder[part]
        del holder[loc[-2]]
    return copy


_INVALID = object()


def json_data(raw: bytes, rel: str, findings: Findings) -> Any:
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
    raw: bytes | None,
    records: Container[str],
    findings: Findings,
    files: Sequence[str] = (),
) -> list[Event]:
    """The events of history.jsonl, a finding per bad line and per id that no record has
    (``records``: the ids of the records read).

    ``files`` are the resource file names: a record whose file exists but could not be
    read has its own finding, and its events are not a second problem.
    """
    if raw is None:
        return []
    events, problems = parse_history(raw)
    on_disk = {name.removesuffix(".json") for name in files}
    findings.extend(
        # The line is the finding's field; reports show it once (not "line 3: line 3:").
        finding("history", why, HISTORY_FILE, f"line {n}")
        for n, why in problems
    )
    unknown = sorted(
        {
            e.resource_id
            for e in events
            if e.resource_id and e.resource_id not in records and e.resource_id not in on_disk
        }
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
