"""Validate a catalog directory and report every problem at once.

Lenient first, strict second (as pypa/packaging does it): each file is read and
checked on its own, so one broken file never hides the problems of another, and
then the records are checked against each other. Every problem is a
:class:`~resource_catalog.models.Finding` naming the file, the field path and the
bad value.

Finding codes (stable: tools filter on them)::

    error    unreadable           the file cannot be read
    error    encoding             the file is not UTF-8
    error    json                 the file is not JSON (line and column given)
    error    schema               a field is missing, mistyped, unknown or malformed
    error    id-mismatch          the id differs from the file name
    error    duplicate-id         two files carry one id
    error    phone                a phone number is not a valid number
    error    building             a location's building is not in the registry
    error    unknown-section      source.section is not a section of catalog.json
    error    interrupted-save     a save was interrupted; the next sync finishes it
    warning  duplicate-name       two active records share a name
    warning  duplicate-phone      two active records list the same phone
    warning  duplicate-link       two active records list the same link
    warning  possible-duplicate   two active records look like the same office
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from resource_catalog._gc import gc_paused
from resource_catalog._paths import default_catalog_dir
from resource_catalog.catalog import (
    BUILDINGS_FILE,
    JOURNAL_FILE,
    RESOURCES_DIR,
    Catalog,
    read_meta,
)
from resource_catalog.errors import InvalidPhoneError
from resource_catalog.locations import BuildingRegistry, load_buildings, nearest_buildings
from resource_catalog.models import CatalogMeta, Finding, Resource, Severity, Status
from resource_catalog.phones import suggest_e164, validate_phone_number

_MAX_VALUE = 120


@dataclass(frozen=True)
class ValidationResult:
    """Everything :func:`validate_catalog` found, and the records that loaded."""

    directory: Path
    catalog: Catalog
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings that make the catalog invalid."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings worth a look that do not make the catalog invalid."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def ok(self, *, strict: bool = False) -> bool:
        """True when there are no errors (and no warnings, if ``strict``)."""
        return not self.errors and not (strict and self.warnings)

    def summary(self) -> dict[str, int]:
        """Counts for reports: active resources, errors, warnings."""
        return {
            "resources": len(self.catalog.active),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


def validate_catalog(
    path: str | os.PathLike[str] | None = None,
    *,
    registry: BuildingRegistry | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationResult:
    """Check a catalog directory and return every finding without raising.

    ``path`` defaults to ``./catalog`` when the working directory has one, else
    the bundled catalog. Raises :class:`~resource_catalog.errors.CatalogError`
    only when the job cannot be done at all: the directory or its
    ``catalog.json`` is missing or unreadable, or the building registry is broken.
    ``progress(done, total)`` is called as resource files are read (for a
    progress bar over large catalogs).
    """
    directory = Path(path) if path is not None else default_catalog_dir()
    meta = read_meta(directory)
    if registry is None:
        own = directory / BUILDINGS_FILE
        registry = load_buildings(own if own.is_file() else None)
    findings: list[Finding] = []
    if (directory / JOURNAL_FILE).exists():
        findings.append(
            _finding(
                "interrupted-save",
                "a save was interrupted; run sync again (it finishes the save first)",
                file=JOURNAL_FILE,
            )
        )
    with gc_paused():  # a large catalog is millions of objects that all survive
        resources, files = _load_all(directory, _sections_of(meta), registry, findings, progress)
        active = [r for r in resources.values() if r.status is Status.ACTIVE]
        findings.extend(_check_across(active, files))
        catalog = Catalog(meta=meta, resources=tuple(resources.values()), path=directory)
    return ValidationResult(directory=directory, catalog=catalog, findings=tuple(findings))


def _sections_of(meta: CatalogMeta) -> frozenset[str]:
    """Every section named by the catalog's source pages."""
    return frozenset(s for page in meta.sources for s in page.sections)


def _load_all(
    directory: Path,
    sections: frozenset[str],
    registry: BuildingRegistry,
    findings: list[Finding],
    progress: Callable[[int, int], None] | None,
) -> tuple[dict[str, Resource], dict[str, str]]:
    """Read and check every resource file: the records by id, and their files by id."""
    resources: dict[str, Resource] = {}
    files: dict[str, str] = {}
    # By name: the same order as sorting the paths, without Path.__lt__'s cost.
    paths = sorted((directory / RESOURCES_DIR).glob("*.json"), key=lambda p: p.name)
    for done, file in enumerate(paths, start=1):
        if progress is not None:
            progress(done, len(paths))
        rel = f"{RESOURCES_DIR}/{file.name}"
        resource = _load_resource(file, rel, findings)
        if resource is None:
            continue
        if resource.id != file.stem:
            findings.append(
                _finding(
                    "id-mismatch",
                    f"id must equal the file name {file.stem!r}",
                    rel,
                    "id",
                    resource.id,
                    resource.id,
                )
            )
        if resource.id in resources:
            findings.append(
                _finding(
                    "duplicate-id",
                    f"id is also used by {files[resource.id]}",
                    rel,
                    "id",
                    resource.id,
                    resource.id,
                )
            )
            continue
        resources[resource.id] = resource
        files[resource.id] = rel
        findings.extend(_check_record(resource, rel, sections, registry))
    return resources, files


def _load_resource(file: Path, rel: str, findings: list[Finding]) -> Resource | None:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        findings.append(_finding("unreadable", f"cannot read: {exc.strerror or exc}", rel))
        return None
    try:
        # The fast path: one pass in pydantic-core, no Python-level JSON tree.
        return Resource.model_validate_json(raw)
    except ValidationError:
        pass
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 8]
        findings.append(
            _finding("encoding", f"not UTF-8 at byte {exc.start}", rel, value=repr(bad))
        )
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        findings.append(
            _finding(
                "json",
                f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                rel,
                value=_clip(text[max(0, exc.pos - 20) : exc.pos + 20]),
            )
        )
        return None
    try:
        return Resource.model_validate(data)
    except ValidationError as exc:
        rid = data.get("id") if isinstance(data, dict) else None
        findings.extend(
            _finding(
                "schema",
                _schema_message(err),
                rel,
                _field_path(err["loc"]),
                None if err["type"] == "missing" else _clip(_show(err.get("input"))),
                rid if isinstance(rid, str) else None,
            )
            for err in exc.errors(include_url=False)
        )
        return None


def _check_record(
    resource: Resource, rel: str, sections: frozenset[str], registry: BuildingRegistry
) -> Iterable[Finding]:
    rid = resource.id
    for prefix, phones in (("phones", resource.phones), ("source.phones", resource.source.phones)):
        for i, phone in enumerate(phones):
            reason = _phone_problem(phone.number)
            if reason is not None:
                yield _finding("phone", reason, rel, f"{prefix}[{i}].number", phone.number, rid)
    for i, location in enumerate(resource.locations):
        if location.building not in registry:
            near = nearest_buildings(location.building, registry)
            yield _finding(
                "building",
                "building is not in the building registry (buildings.csv)"
                + (f"; the nearest known: {', '.join(near)}" if near else ""),
                rel,
                f"locations[{i}].building",
                location.building,
                rid,
            )
    if resource.source.section not in sections:
        yield _finding(
            "unknown-section",
            "section is not one of the sections listed in catalog.json",
            rel,
            "source.section",
            resource.source.section,
            rid,
        )


@lru_cache(maxsize=65536)
def _phone_problem(number: str) -> str | None:
    try:
        validate_phone_number(number)
    except InvalidPhoneError as exc:
        return exc.reason
    return None


def _check_across(active: Sequence[Resource], files: dict[str, str]) -> Iterable[Finding]:
    """Warnings about records that look like each other (retired ones excluded)."""
    checks: list[tuple[str, str, Any]] = [
        ("duplicate-name", "name", lambda r: [_norm(r.name)]),
        ("duplicate-phone", "phones", lambda r: [p.number + (p.extension or "") for p in r.phones]),
        ("duplicate-link", "links", lambda r: [link.url.rstrip("/") for link in r.links]),
    ]
    for code, field, keys in checks:
        seen: dict[str, list[Resource]] = defaultdict(list)
        for resource in active:
            for key in dict.fromkeys(keys(resource)):
                seen[key].append(resource)
        for key, owners in sorted(seen.items()):
            for later in owners[1:]:
                yield _finding(
                    code,
                    f"same {field.rstrip('s')} as {files[owners[0].id]}",
                    files[later.id],
                    field,
                    key,
                    later.id,
                    Severity.WARNING,
                )
    yield from _similar_offices(active, files)


def _similar_offices(active: Sequence[Resource], files: dict[str, str]) -> Iterable[Finding]:
    """Records that share an acronym, or whose names share all significant words."""
    by_key: dict[str, list[Resource]] = defaultdict(list)
    for resource in active:
        keys = {_name_key(resource.name)}
        if resource.acronym:
            keys.add(f"acronym:{resource.acronym.upper()}")
        for key in keys:
            by_key[key].append(resource)
    reported: set[tuple[str, str]] = set()
    for owners in by_key.values():
        for later in owners[1:]:
            pair = (owners[0].id, later.id)
            if pair in reported or _norm(owners[0].name) == _norm(later.name):
                continue  # identical names are already a duplicate-name warning
            reported.add(pair)
            yield _finding(
                "possible-duplicate",
                f"looks like the same office as {files[owners[0].id]} "
                f"({owners[0].name!r}); merge them or say why both exist",
                files[later.id],
                "name",
                later.name,
                later.id,
                Severity.WARNING,
            )


_STOP = frozenset({"the", "of", "for", "and", "office", "mit", "a", "an", "s"})


def _name_key(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return " ".join(sorted({w for w in words if w not in _STOP and not w.isdigit()}))


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _finding(
    code: str,
    message: str,
    file: str | None = None,
    field: str | None = None,
    value: str | None = None,
    resource_id: str | None = None,
    severity: Severity = Severity.ERROR,
) -> Finding:
    return Finding(
        severity=severity,
        code=code,
        message=message,
        resource_id=resource_id,
        file=file,
        field=field,
        value=value,
    )


def _field_path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(record)"


def _schema_message(err: Any) -> str:
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


def _show(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def _clip(text: str | None) -> str | None:
    if text is None or len(text) <= _MAX_VALUE:
        return text
    return text[: _MAX_VALUE - 1] + "…"
