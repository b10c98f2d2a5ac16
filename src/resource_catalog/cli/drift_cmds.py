"""``scrape``, ``diff``, ``check`` and ``sync``: pages against the catalog."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from resource_catalog.cli._base import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    F,
    Progress,
    catalog_option,
    cli,
    emit,
    format_option,
    jobs_option,
    output_option,
    page_options,
    quiet,
    refuse_output_into,
    resolve_catalog,
    source_option,
    warn,
)

if TYPE_CHECKING:
    from resource_catalog.drift.compare import CatalogDrift
    from resource_catalog.models import SourcePage
    from resource_catalog.workflows._pages import PageResult

_SEVERITIES = ["critical", "major", "minor"]


def _fail_on_option(func: F) -> F:
    return click.option(
        "--fail-on",
        type=click.Choice(_SEVERITIES),
        default="minor",
        show_default=True,
        help="Exit 1 only for drift at or above this severity.",
    )(func)


_report_format = format_option(
    ["text", "markdown", "json", "html"], "text", "Format of the drift report."
)


def _errors(errors: Mapping[str, str], checked: int) -> None:
    """One ``error:`` line per source that failed (named when several were checked)."""
    for sid, message in errors.items():
        click.echo(f"error: {sid}: {message}" if checked > 1 else f"error: {message}", err=True)


def _offline_hint(errors: Mapping[str, str]) -> None:
    """A hint line when pages could not be reached at all (no network, DNS, refused)."""
    from resource_catalog.errors import unreachable  # noqa: PLC0415

    cut_off = [sid for sid, message in errors.items() if unreachable(message)]
    if cut_off:
        click.echo(
            f"hint: {len(cut_off)} page(s) could not be reached (no network?); "
            "--offline compares with the saved snapshots instead",
            err=True,
        )


class _PageProgress:
    """One line per page read, on a terminal only (pages are read in parallel)."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0
        self.enabled = total > 1 and not quiet()
        self._lock = threading.Lock()

    def __call__(self, source: SourcePage, result: PageResult) -> None:
        if not self.enabled:
            return
        with self._lock:
            self.done += 1
            what = "read" if not isinstance(result, Exception) else "failed"
            click.echo(f"[{self.done}/{self.total}] {what} {source.id}", err=True)


# ------------------------------------------------------------------------- scrape


@cli.command()
@catalog_option
@source_option
@page_options
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the page with this profile (JSON) instead of the default rules.",
)
@click.option("--offline", is_flag=True, help="Read the saved snapshots, fetch nothing.")
@format_option(["json", "csv"], "json", "json objects or csv rows of the listings as parsed.")
@output_option
def scrape(
    catalog_dir: Path | None,
    source_ids: Sequence[str],
    url: str | None,
    html_file: Path | None,
    profile_file: Path | None,
    offline: bool,
    fmt: str,
    output: str,
) -> int:
    """Read pages and print their listings as parsed.

    With --source, each source's page is read through its profile (from --html FILE,
    --url URL or its own URL). Without --source, --url or --html is read with the
    default rules (or --profile FILE). With neither, every source is fetched, or with
    --offline read from its saved snapshot. Nothing is printed when no page could be read.
    """
    from resource_catalog.exports.writers import listings_to_csv, listings_to_json  # noqa: PLC0415
    from resource_catalog.workflows.diff import read_profile, scrape_pages  # noqa: PLC0415

    refuse_output_into(resolve_catalog(catalog_dir), output)

    if profile_file is not None and source_ids:
        raise click.UsageError("give --source ID (its own profile) or --profile FILE, not both")
    if offline and (url is not None or html_file is not None):
        raise click.UsageError("--offline reads the saved snapshots; it takes no --url or --html")
    standalone = not source_ids and (url is not None or html_file is not None)
    result = scrape_pages(
        None if standalone else resolve_catalog(catalog_dir),
        sources=source_ids,
        html=html_file,
        url=url,
        profile=read_profile(profile_file) if profile_file is not None else None,
        offline=offline,
        progress=None if standalone else _PageProgress(len(source_ids) or 2),
    )
    for old, new in result.moved:
        warn(f"the page moved: {old} -> {new}")
    _errors(result.errors, len(set(result.source_ids)) + len(result.errors))
    if not offline:
        _offline_hint(result.errors)
    if result.errors and not result.listings:
        return EXIT_ERROR  # no page was read: an empty list would say "no listings"
    ids = result.source_ids if len(set(result.source_ids)) > 1 else None
    text = (
        listings_to_json(result.listings, ids)
        if fmt == "json"
        else listings_to_csv(result.listings)
    )
    emit(text, output)
    return EXIT_ERROR if result.errors else EXIT_OK


# --------------------------------------------------------------------------- diff


def _render_reports(drift: CatalogDrift, directory: Path) -> None:
    from resource_catalog.exports.writers import write_text_atomic  # noqa: PLC0415
    from resource_catalog.reports.drift import render  # noqa: PLC0415

    directory.mkdir(parents=True, exist_ok=True)
    for fmt, name in (("json", "drift.json"), ("markdown", "drift.md"), ("html", "drift.html")):
        write_text_atomic(directory / name, render(drift, fmt))


def _exit(drift: CatalogDrift, fail_on: str, *, offline: bool) -> int:
    from resource_catalog.drift.compare import DriftSeverity  # noqa: PLC0415

    errors = {e.id: e.error or "could not be checked" for e in drift.errors}
    _errors(errors, len(drift.sources))
    if not offline:
        _offline_hint(errors)
    if drift.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if drift.has_drift(DriftSeverity(fail_on)) else EXIT_OK


@cli.command()
@catalog_option
@source_option
@page_options
@click.option("--offline", is_flag=True, help="Compare with the saved snapshots, fetch nothing.")
@jobs_option
@_report_format
@_fail_on_option
@output_option
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write drift.json, drift.md and drift.html into this directory.",
)
@click.option(
    "--max-page-bytes",
    type=click.IntRange(min=1),
    metavar="BYTES",
    help="The largest --html FILE read (default: 5000000, the limit of a fetched page); "
    "for a large directory saved locally.",
)
def diff(
    catalog_dir: Path | None,
    source_ids: Sequence[str],
    url: str | None,
    html_file: Path | None,
    offline: bool,
    jobs: int,
    fmt: str,
    fail_on: str,
    output: str,
    report_dir: Path | None,
    max_page_bytes: int | None,
) -> int:
    """Compare the sources' pages with the catalog and report drift that matters.

    Without --url or --html every chosen source is fetched from the URL in
    catalog.json (conditionally on its last sync), --jobs at a time. The catalog is
    read one record at a time, so a catalog of 10^5 records is never held whole.
    """
    from resource_catalog.errors import CatalogError  # noqa: PLC0415
    from resource_catalog.reports.drift import render  # noqa: PLC0415
    from resource_catalog.store.files import read_meta  # noqa: PLC0415
    from resource_catalog.workflows.diff import diff_catalog  # noqa: PLC0415

    directory = resolve_catalog(catalog_dir)
    refuse_output_into(directory, output, report_dir)
    try:
        pages = len(source_ids) or len(read_meta(directory).sources)
    except CatalogError:
        pages = 0  # the diff says what is wrong with catalog.json
    with Progress("Loading catalog") as progress:
        result = diff_catalog(
            directory,
            sources=source_ids,
            html=html_file,
            url=url,
            offline=offline,
            jobs=jobs,
            progress=_PageProgress(pages),
            max_page_bytes=max_page_bytes,
            validation_progress=progress,
        )
    for old, new in result.moved:
        warn(f"the page moved: {old} -> {new}")
    # Always the whole report: when every source failed, each is an `error` row (the
    # nightly summary must not be blank on the night it matters).
    emit(render(result.drift, fmt), output)
    if report_dir is not None:
        _render_reports(result.drift, report_dir)
    return _exit(result.drift, fail_on, offline=offline or html_file is not None)


# -------------------------------------------------------------------------- check


@cli.command()
@catalog_option
@source_option
@click.option("--url", help="Diff one source against the live page at this URL.")
@click.option("--live", is_flag=True, help="Diff against the live pages, not the snapshots.")
@jobs_option
@_report_format
@_fail_on_option
def check(
    catalog_dir: Path | None,
    source_ids: Sequence[str],
    url: str | None,
    live: bool,
    jobs: int,
    fmt: str,
    fail_on: str,
) -> int:
    """Validate the catalog, then diff it with the saved snapshots (offline) or live pages."""
    from resource_catalog.reports.drift import render  # noqa: PLC0415
    from resource_catalog.reports.findings import render_validation  # noqa: PLC0415
    from resource_catalog.workflows.diff import check_catalog  # noqa: PLC0415

    with Progress("Validating") as progress:
        result = check_catalog(
            resolve_catalog(catalog_dir),
            sources=source_ids,
            live=live,
            url=url,
            jobs=jobs,
            validation_progress=progress,
        )
    click.echo(render_validation(result.validation, "text"), nl=False, err=fmt != "text")
    if result.diff is None:
        click.echo("check: the catalog is invalid; drift not checked", err=True)
        return EXIT_FINDINGS
    for old, new in result.diff.moved:
        warn(f"the page moved: {old} -> {new}")
    click.echo(render(result.diff.drift, fmt), nl=False)
    return _exit(result.diff.drift, fail_on, offline=not live and url is None)


# --------------------------------------------------------------------------- sync


@cli.command()
@catalog_option
@source_option
@page_options
@click.option("--offline", is_flag=True, help="Read the saved snapshots (as after sources add).")
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option("--force", is_flag=True, help="Apply even if it would retire many records.")
@jobs_option
def sync(
    catalog_dir: Path | None,
    source_ids: Sequence[str],
    url: str | None,
    html_file: Path | None,
    offline: bool,
    dry_run: bool,
    force: bool,
    jobs: int,
) -> int:
    """Apply the pages' changes to the catalog without losing curated work.

    A three-way merge per field and source; new listings need review, removed ones
    are retired (never deleted); each page is saved in snapshots/ for offline checks,
    and every change is appended to history.jsonl in the same atomic commit.
    """
    from resource_catalog._base.display import printable  # noqa: PLC0415
    from resource_catalog.workflows.sync import sync_catalog  # noqa: PLC0415

    result = sync_catalog(
        resolve_catalog(catalog_dir),
        sources=source_ids,
        html=html_file,
        url=url,
        offline=offline,
        dry_run=dry_run,
        force=force,
        jobs=jobs,
        progress=_PageProgress(max(len(source_ids), 2)),
    )
    for old, new in result.moved:
        warn(f"the page moved: {old} -> {new}")
    for plan in result.plans:
        for line in plan.summary():
            click.echo(printable(line))  # curated names may hold control characters
    _errors(result.errors, len(result.plans) + len(result.errors))
    if not offline:
        _offline_hint(result.errors)
    if dry_run and result.plans:
        click.echo("dry run: nothing written")
    elif result.plans:
        where = ", ".join(result.origins.values())
        click.echo(f"synced {where}: {len(result.written)} file(s) written")
    return EXIT_ERROR if result.errors else EXIT_OK
