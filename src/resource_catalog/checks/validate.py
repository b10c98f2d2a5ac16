"""Validate a catalog directory and report every problem at once; load a valid one.

Lenient first, strict second (as pypa/packaging does it): each file is read and
checked on its own, so one broken file never hides the problems of another, and
then the records are checked against each other (:mod:`resource_catalog.checks.records`).
Every problem is a :class:`~resource_catalog.models.Finding` naming the file, the
field path and the bad value.

Finding codes (stable: tools filter on them)::

    error    catalog-json         catalog.json is not valid (every problem listed)
    error    unreadable           the file cannot be read (or is a FIFO or a device)
    error    encoding             the file is not UTF-8
    error    json                 the file is not JSON (line and column given)
    error    schema               a field is missing, mistyped, unknown or malformed
    error    id-mismatch          the id differs from the file name
    error    duplicate-id         two files carry one id
    error    phone                a phone number is not a valid number
    error    building             a location's building is not in the registry
    error    unknown-source       an observation (or a conflict) names a source catalog.json lacks
    error    unknown-section      an observation's section is not one of its source's
    error    conflict             a review conflict names a field sync does not merge
    error    profile              a source's profile has a CSS selector that does not parse
    error    symlink              a resource file (or resources/, history.jsonl or a snapshot)
                                  is a link out of the catalog
    error    unsafe-journal       the save journal is corrupt or names files outside the layout
    error    history              a line of history.jsonl is malformed or names no record
    warning  interrupted-save     a save was interrupted; readers see it finished, sync finishes it
    warning  old-schema           catalog.json is an older schema version; run migrate
    warning  duplicate-name       two active records share a name
    warning  duplicate-phone      two active records list the same phone
    warning  duplicate-link       two active records list the same link
    warning  possible-duplicate   two active records look like the same office
    warning  sources-disagree-*   two pages list one office with contradicting phones,
                                  locations or links (phones, locations, links)
    warning  stale-review         an active record was not reviewed within the interval

The duplicate and ``sources-disagree-*`` warnings are not reported once a record of them
accepted them (``review.accepted``, :mod:`resource_catalog.workflows.acceptance`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from resource_catalog._base.gcpause import gc_paused
from resource_catalog._base.paths import default_catalog_dir
from resource_catalog.checks._finding import Findings, count_of, of_severity
from resource_catalog.checks._record_files import (
    check_identity,
    history_events,
    load_resource,
    v1_upgrader,
)
from resource_catalog.checks.across import RecordKeys, check_keys, record_keys
from resource_catalog.checks.records import check_across, check_record, finding
from resource_catalog.contacts.dialplans import resolve_campus
from resource_catalog.contacts.locations import BuildingRegistry, load_buildings
from resource_catalog.errors import CatalogError
from resource_catalog.models import CatalogMeta, Finding, Resource, Severity, Status
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.files import (
    BUILDINGS_FILE,
    HISTORY_FILE,
    JOURNAL_FILE,
    META_FILE,
    RESOURCES_DIR,
    CatalogFiles,
    Refused,
    open_files,
    parse_meta,
    snapshot_problem,
)
from resource_catalog.store.migrate import V1

__all__ = [
    "Findings",
    "ValidationResult",
    "check_catalog_value",
    "load_catalog",
    "load_for_change",
    "raise_errors",
    "refuse_invalid",
    "validate_catalog",
    "validate_files",
]


@dataclass(frozen=True)
class ValidationResult:
    """Everything :func:`validate_catalog` found, and the records that loaded.

    ``findings`` reads as a tuple of :class:`~resource_catalog.models.Finding`, in the
    order found; :func:`validate_catalog` keeps them as :class:`Findings` (each a tuple
    of its fields, a model again when read), so 10^5 warnings stay small.
    """

    directory: Path
    catalog: Catalog
    findings: Sequence[Finding]
    schema_version: str = "2.0"
    #: Active records checked (the catalog may not keep them: ``keep_records=False``).
    active_count: int | None = None

    @property
    def errors(self) -> Sequence[Finding]:
        """Findings that make the catalog invalid."""
        return of_severity(self.findings, Severity.ERROR)

    @property
    def warnings(self) -> Sequence[Finding]:
        """Findings worth a look that do not make the catalog invalid."""
        return of_severity(self.findings, Severity.WARNING)

    def ok(self, *, strict: bool = False) -> bool:
        """True when there are no errors (and no warnings, if ``strict``)."""
        errors = count_of(self.findings, Severity.ERROR)
        return not errors and not (strict and count_of(self.findings, Severity.WARNING))

    def summary(self) -> dict[str, int]:
        """Counts for reports: active resources, errors, warnings."""
        return {
            "resources": (
                len(self.catalog.active) if self.active_count is None else self.active_count
            ),
            "errors": count_of(self.findings, Severity.ERROR),
            "warnings": count_of(self.findings, Severity.WARNING),
        }


def load_catalog(
    path: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Catalog:
    """Load and validate a catalog directory (the bundled catalog by default).

    Raises :class:`CatalogError` when the directory cannot be read or when any
    record is invalid; ``err.findings`` then holds every problem, not only the first.
    Warnings (possible duplicates, an older schema version) do not prevent loading.
    ``progress(done, total)`` is called as files are read.
    """
    result = validate_catalog(path, progress=progress)
    raise_errors(result)
    return result.catalog


def raise_errors(result: ValidationResult) -> None:
    """Raise :class:`CatalogError` with every finding when ``result`` has an error."""
    if result.errors:
        first = result.errors[0]
        raise CatalogError(
            f"catalog {result.directory} has {len(result.errors)} error(s); first: "
            f"{first.file}: {first.field or first.code}: {first.message}",
            result.findings,
        )


def validate_catalog(
    path: str | os.PathLike[str] | None = None,
    *,
    registry: BuildingRegistry | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
    keep_records: bool = True,
) -> ValidationResult:
    """Check a catalog directory and return every finding without raising.

    ``path`` defaults to the current directory when it is a catalog, else ``./catalog``
    when the working directory has one, else the bundled catalog. Raises
    :class:`~resource_catalog.errors.CatalogError` only when the job cannot be done at
    all: the directory or its ``catalog.json`` is missing or unreadable, or the building
    registry is broken. ``progress(done, total)`` is called as resource files are read.
    With ``keep_records=False`` each record is dropped once it is checked, so memory
    stays small whatever the catalog's size; the result then holds the findings and
    the counts, and its ``catalog`` has the metadata and history but no records.
    """
    directory = Path(path) if path is not None else default_catalog_dir()
    with open_files(directory, progress=progress) as files:
        return validate_files(directory, files, registry, today, keep=keep_records)


def validate_files(
    directory: Path,
    files: CatalogFiles,
    registry: BuildingRegistry | None = None,
    today: dt.date | None = None,
    *,
    keep: bool = True,
    warnings: bool = True,
) -> ValidationResult:
    """:func:`validate_catalog` on a view open in :func:`open_files`; without ``keep``
    the records are checked and dropped one by one (the result's catalog is empty);
    without ``warnings`` only errors are kept (a large catalog can have 10^5 warnings,
    which a caller that only asks "is it valid?" need not hold)."""
    if isinstance(files.meta, OSError):
        exc = files.meta
        raise CatalogError(f"cannot read {directory / META_FILE}: {exc.strerror or exc}")
    findings = Findings()
    try:
        meta, version = parse_meta(files.meta, META_FILE)
    except CatalogError as exc:
        return _invalid_meta(directory, str(exc))
    if version == V1:
        findings.append(
            finding(
                "old-schema",
                f"catalog.json is schema {V1}; it was read as 2.0 in memory. Run "
                "`resource-catalog migrate` to rewrite it",
                META_FILE,
                "schema_version",
                V1,
                severity=Severity.WARNING,
            )
        )
    if registry is None:
        own = directory / BUILDINGS_FILE
        registry = load_buildings(own if own.is_file() else None)
    findings.extend(_view_findings(files))
    findings.extend(_profile_findings(meta))
    findings.extend(_snapshot_findings(directory, meta))
    upgrade = v1_upgrader(files.meta) if version == V1 else None
    with gc_paused():  # a large catalog is millions of objects that all survive
        kept: dict[str, Resource] = {}
        where: dict[str, str] = {}  # id -> its file's name, for every record read
        keys: list[RecordKeys] = []  # what the cross-record checks need of each
        active = 0
        # One file's bytes at a time: the bytes of 100,000 files (300 MB) are never
        # held next to their records, nor (unless kept) the records themselves.
        for name, raw in files.each_resource():
            rel = f"{RESOURCES_DIR}/{name}"
            resource = load_resource(raw, rel, findings, upgrade)
            if resource is None:
                continue
            check_identity(resource, name, rel, where, findings)
            if resource.id in where:
                continue
            where[resource.id] = name
            findings.extend(_kept(check_record(resource, rel, meta, registry), warnings))
            if resource.status is Status.ACTIVE:
                active += 1
                keys.append(record_keys(resource, rel))
            if keep:
                kept[resource.id] = resource
        history = history_events(files.history, where, findings, files.names)
        across = check_keys(keys, today=today, review_interval_days=meta.review_interval_days)
        findings.extend(_kept(across, warnings))
        del keys
        catalog = Catalog(
            meta=meta, resources=tuple(kept.values()), path=directory, history=tuple(history)
        )
    return ValidationResult(
        directory=directory,
        catalog=catalog,
        findings=findings,
        schema_version=version,
        active_count=active,
    )


def check_catalog_value(
    catalog: Catalog, registry: BuildingRegistry | None = None, *, today: dt.date | None = None
) -> list[Finding]:
    """The findings ``validate`` would report for ``catalog`` saved as is (no I/O but the
    registry). Used before a save, so a command never writes a catalog it would reject."""
    registry = load_buildings() if registry is None else registry
    files = {r.id: f"{RESOURCES_DIR}/{r.id}.json" for r in catalog.resources}
    findings = list(_profile_findings(catalog.meta))
    for resource in catalog.resources:
        findings.extend(check_record(resource, files[resource.id], catalog.meta, registry))
    findings.extend(
        check_across(
            catalog.resources,
            files,
            today=today,
            review_interval_days=catalog.meta.review_interval_days,
        )
    )
    return findings


def load_for_change(path: str | os.PathLike[str]) -> Catalog:
    """The catalog a command is about to change: validated and of the current schema.

    Raises :class:`CatalogError` (with every finding) when it is invalid, or names
    ``resource-catalog migrate`` when it is an older schema: a command that writes never
    starts from a catalog it could not save as it found it.
    """
    directory = Path(path)
    validation = validate_catalog(directory)
    if validation.schema_version == V1:
        raise CatalogError(
            f"catalog {directory} is schema {V1}; run `resource-catalog migrate --catalog "
            f"{directory}` first (it rewrites the catalog in the current schema)"
        )
    if validation.errors:
        first = validation.errors[0]
        raise CatalogError(
            f"catalog {directory} is invalid ({len(validation.errors)} error(s); first: "
            f"{first.file}: {first.message}); run `resource-catalog validate` and fix it first",
            validation.findings,
        )
    return validation.catalog


def refuse_invalid(
    catalog: Catalog, what: str, error: Callable[[str], Exception] = CatalogError
) -> None:
    """Raise ``error`` when ``catalog``, saved as it is, would not pass ``validate``.

    The check uses the catalog's own building registry, as ``validate`` does. ``what``
    names the change in the message ("the synced catalog").
    """
    registry = None
    if catalog.path is not None and (catalog.path / BUILDINGS_FILE).is_file():
        registry = load_buildings(catalog.path / BUILDINGS_FILE)
    problems = [f for f in check_catalog_value(catalog, registry) if f.severity is Severity.ERROR]
    if problems:
        first = problems[0]
        raise error(
            f"{what} would not validate ({len(problems)} error(s); first: {first.file}: "
            f"{first.field or first.code}: {first.message}); nothing was written"
        )


# --------------------------------------------------------------------------- pieces


def _kept(found: Iterable[Finding], warnings: bool) -> Iterable[Finding]:
    return found if warnings else (f for f in found if f.severity is Severity.ERROR)


def _invalid_meta(directory: Path, message: str) -> ValidationResult:
    """A result for a catalog whose catalog.json cannot be used: one finding, no records."""
    placeholder = CatalogMeta.model_construct(name="(invalid catalog.json)", sources=[])
    return ValidationResult(
        directory=directory,
        catalog=Catalog(meta=placeholder, resources=(), path=directory),
        findings=Findings([finding("catalog-json", message, META_FILE)]),
    )


def _view_findings(files: CatalogFiles) -> list[Finding]:
    """What the view of the files says: an unsafe or interrupted save, an unread history."""
    found: list[Finding] = []
    if files.journal_error is not None:
        found.append(finding("unsafe-journal", files.journal_error, JOURNAL_FILE))
    elif files.interrupted:
        found.append(
            finding(
                "interrupted-save",
                "a save was interrupted; it is read as finished, and the next sync finishes it",
                JOURNAL_FILE,
                severity=Severity.WARNING,
            )
        )
    if isinstance(files.history_error, Refused):
        found.append(finding("symlink", str(files.history_error), HISTORY_FILE))
    elif files.history_error is not None:
        why = files.history_error.strerror or files.history_error
        found.append(finding("unreadable", f"cannot read: {why}", HISTORY_FILE))
    return found


def _snapshot_findings(directory: Path, meta: CatalogMeta) -> list[Finding]:
    """A snapshot that leaves the catalog through a link, or is no regular file."""
    found: list[Finding] = []
    for i, page in enumerate(meta.sources):
        problem = snapshot_problem(directory, page.snapshot) if page.snapshot else None
        if problem is not None:
            code, message = problem
            found.append(finding(code, message, META_FILE, f"sources[{i}].snapshot", page.snapshot))
    return found


def _profile_findings(meta: CatalogMeta) -> list[Finding]:
    """An unknown campus, or a profile's CSS selector that soupsieve cannot parse: errors
    found before any page is read."""
    found: list[Finding] = []
    try:
        resolve_campus(meta.campus)
    except ValueError as exc:
        found.append(finding("catalog-json", str(exc), META_FILE, "campus", str(meta.campus)))
    if all(page.profile is None for page in meta.sources):
        return found
    from resource_catalog.pages.profiles import selector_problems  # noqa: PLC0415 (soupsieve)

    return found + [
        finding("profile", problem, META_FILE, f"sources[{i}].profile.{where}", selector)
        for i, page in enumerate(meta.sources)
        if page.profile is not None
        for where, selector, problem in selector_problems(page.profile)
    ]
