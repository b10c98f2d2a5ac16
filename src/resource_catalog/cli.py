"""The ``resource-catalog`` command line: a thin layer over the public functions.

This is the only module that imports click, prints or exits. Exit codes:
0 clean, 1 findings (invalid data, drift), 2 could not do the job. A library
error becomes one line on stderr; ``--debug`` shows the traceback instead.
Modules that need requests or bs4 are imported inside the commands that use
them, so ``--help`` and offline commands start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from resource_catalog import __version__
from resource_catalog._paths import default_catalog_dir
from resource_catalog.errors import ResourceCatalogError

if TYPE_CHECKING:
    from resource_catalog.catalog import Catalog
    from resource_catalog.drift import DriftReport
    from resource_catalog.page import ScrapedPage

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Group(click.Group):
    """Turns library errors into one clear line and exit 2 (unless --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except KeyboardInterrupt:
            if ctx.params.get("debug"):
                raise
            click.echo("error: interrupted", err=True)
            raise click.exceptions.Exit(EXIT_ERROR) from None
        except (ResourceCatalogError, OSError) as exc:
            if ctx.params.get("debug"):
                raise
            message = str(exc) if isinstance(exc, ResourceCatalogError) else _os_message(exc)
            click.echo(f"error: {message}", err=True)
            raise click.exceptions.Exit(EXIT_ERROR) from None
        # Commands return their exit code; click itself would discard it.
        if isinstance(code, int) and code:
            raise click.exceptions.Exit(code)
        return code


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="resource-catalog")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars, even on a terminal.")
def cli(debug: bool, quiet: bool) -> None:
    """Keep a campus's list of support resources true.

    Exit codes: 0 clean, 1 findings (invalid data or drift), 2 could not run.
    """


# ----------------------------------------------------------------- shared options


def catalog_option(func: F) -> F:
    """``--catalog DIR``: ./catalog when present, else the catalog bundled in the package."""
    return click.option(
        "--catalog",
        "catalog_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Catalog directory [default: ./catalog if present, else the bundled catalog].",
    )(func)


def page_options(func: F) -> F:
    """``--url URL`` / ``--html FILE``: where the page comes from."""
    func = click.option(
        "--html",
        "html_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read the page from a saved HTML file instead of fetching it.",
    )(func)
    return click.option("--url", help="Fetch the page from this http(s) URL.")(func)


def output_option(func: F) -> F:
    """``-o/--output PATH``: a file (written atomically) or ``-`` for stdout."""
    return click.option(
        "-o",
        "--output",
        default="-",
        show_default=True,
        help="Write to this file ('-' for standard output).",
    )(func)


class _Progress:
    """A progress bar on stderr for long loads; silent when stderr is not a terminal,
    with ``--quiet``, or for small catalogs."""

    MIN_TOTAL = 500

    def __init__(self, label: str) -> None:
        quiet = bool(click.get_current_context().find_root().params.get("quiet"))
        self.enabled = not quiet and sys.stderr.isatty()
        self.label = label
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.MIN_TOTAL:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(1)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _load(catalog_dir: Path | None) -> Catalog:
    """Load and validate the catalog, with a progress bar on a terminal."""
    from resource_catalog.catalog import load_catalog  # noqa: PLC0415

    with _Progress("Loading catalog") as progress:
        return load_catalog(_catalog_dir(catalog_dir), progress=progress)


def _catalog_dir(given: Path | None) -> Path:
    return given if given is not None else default_catalog_dir()


def _emit(text: str, output: str) -> None:
    if output == "-":
        click.echo(text, nl=False)
        return
    from resource_catalog.export import write_text_atomic  # noqa: PLC0415

    write_text_atomic(Path(output), text)


# ----------------------------------------------------------------------- validate


@cli.command()
@catalog_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for workflow annotations.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
def validate(catalog_dir: Path | None, fmt: str, strict: bool) -> int:
    """Check the catalog: schema, phones, buildings, ids, duplicates.

    Reports every problem at once, each naming the file, field and bad value.
    """
    from resource_catalog.report import render_validation  # noqa: PLC0415
    from resource_catalog.validate import validate_catalog  # noqa: PLC0415

    with _Progress("Validating") as progress:
        result = validate_catalog(_catalog_dir(catalog_dir), progress=progress)
    click.echo(render_validation(result, fmt), nl=False)
    return EXIT_OK if result.ok(strict=strict) else EXIT_FINDINGS


# ------------------------------------------------------------------------- schema


@cli.command()
@click.option("--check", is_flag=True, help="Only check that the files are up to date.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Where the schema files live.",
)
def schema(check: bool, directory: Path) -> int:
    """Write the JSON Schemas generated from the models (or --check them)."""
    from resource_catalog.schemas import stale_schemas, write_schemas  # noqa: PLC0415

    if check:
        stale = stale_schemas(directory)
        for name in stale:
            click.echo(f"{directory / name}: stale; run `resource-catalog schema`", err=True)
        return EXIT_FINDINGS if stale else EXIT_OK
    for path in write_schemas(directory):
        click.echo(f"wrote {path}")
    return EXIT_OK


# ------------------------------------------------------------- scrape / diff / sync


def _read_page(
    catalog_dir: Path | None, url: str | None, html_file: Path | None, *, need_catalog: bool
) -> ScrapedPage:
    """The listings of the page given by --url / --html, or of the catalog's own URL."""
    from resource_catalog.page import page_for_catalog, read_page, scrape_page  # noqa: PLC0415

    if url and html_file:
        raise click.UsageError("give --url or --html, not both")
    if need_catalog:
        page = page_for_catalog(_catalog_dir(catalog_dir), url=url, html_file=html_file)
    elif html_file is not None:
        page = read_page(html_file, base_url=url)
    elif url is not None:
        page = scrape_page(url)
    else:
        raise click.UsageError("give --url URL or --html FILE")
    if page.fetched is not None and page.fetched.moved:
        moved = page.fetched
        click.echo(f"warning: the page moved: {moved.url} -> {moved.final_url}", err=True)
    return page


@cli.command()
@page_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json objects or csv rows of the listings as parsed.",
)
@output_option
def scrape(url: str | None, html_file: Path | None, fmt: str, output: str) -> int:
    """Fetch or read the page and print its listings as parsed."""
    listings = _read_page(None, url, html_file, need_catalog=False).listings
    from resource_catalog.export import listings_to_csv, listings_to_json  # noqa: PLC0415

    _emit(listings_to_json(listings) if fmt == "json" else listings_to_csv(listings), output)
    return EXIT_OK


_SEVERITIES = ["critical", "major", "minor"]


def _fail_on_option(func: F) -> F:
    return click.option(
        "--fail-on",
        type=click.Choice(_SEVERITIES),
        default="minor",
        show_default=True,
        help="Exit 1 only for drift at or above this severity.",
    )(func)


def _report_format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "markdown", "json", "html"]),
        default="text",
        show_default=True,
        help="Format of the drift report.",
    )(func)


@cli.command()
@catalog_option
@page_options
@_report_format_option
@_fail_on_option
@output_option
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write drift.json, drift.md and drift.html into this directory.",
)
def diff(
    catalog_dir: Path | None,
    url: str | None,
    html_file: Path | None,
    fmt: str,
    fail_on: str,
    output: str,
    report_dir: Path | None,
) -> int:
    """Compare the page with the catalog and report drift that matters.

    Without --url or --html the page is fetched from the URL in catalog.json.
    """
    from resource_catalog.drift import compare  # noqa: PLC0415
    from resource_catalog.report import render  # noqa: PLC0415

    catalog = _load(catalog_dir)
    page = _read_page(catalog_dir, url, html_file, need_catalog=True)
    report = compare(catalog, page.listings, source_url=page.origin)
    _emit(render(report, fmt), output)
    if report_dir is not None:
        _write_reports(report, report_dir)
    return _drift_exit(report, fail_on)


def _write_reports(report: DriftReport, directory: Path) -> None:
    from resource_catalog.export import write_text_atomic  # noqa: PLC0415
    from resource_catalog.report import render  # noqa: PLC0415

    directory.mkdir(parents=True, exist_ok=True)
    for fmt, name in (("json", "drift.json"), ("markdown", "drift.md"), ("html", "drift.html")):
        write_text_atomic(directory / name, render(report, fmt))


def _drift_exit(report: DriftReport, fail_on: str) -> int:
    from resource_catalog.drift import DriftSeverity  # noqa: PLC0415

    return EXIT_FINDINGS if report.has_drift(DriftSeverity(fail_on)) else EXIT_OK


@cli.command()
@catalog_option
@page_options
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option("--force", is_flag=True, help="Apply even if it would retire many records.")
def sync(
    catalog_dir: Path | None,
    url: str | None,
    html_file: Path | None,
    dry_run: bool,
    force: bool,
) -> int:
    """Apply the page's changes to the catalog without losing curated work.

    A three-way merge per field; new listings need review, removed ones are
    retired (never deleted); the page is saved in snapshots/ for offline checks.
    """
    from resource_catalog.catalog import (  # noqa: PLC0415
        catalog_lock,
        check_writable,
        mark_synced,
        save_catalog,
    )
    from resource_catalog.sync import apply_plan, plan_sync  # noqa: PLC0415

    directory = _catalog_dir(catalog_dir)
    if not dry_run:
        check_writable(directory)
    with nullcontext() if dry_run else catalog_lock(directory):
        catalog = _load(directory)
        page = _read_page(catalog_dir, url, html_file, need_catalog=True)
        plan = plan_sync(
            catalog, page.listings, source_url=catalog.meta.sources[0].url, force=force
        )
        for line in plan.summary():
            click.echo(line)
        if dry_run:
            click.echo("dry run: nothing written")
            return EXIT_OK
        fetched = page.fetched
        new = mark_synced(
            apply_plan(catalog, plan),
            etag=fetched.etag if fetched else None,
            last_modified=fetched.last_modified if fetched else None,
        )
        snapshot = new.meta.sources[0].snapshot or "page.html"
        changed = save_catalog(new, directory, snapshot=(snapshot, page.content))
    click.echo(f"synced {page.origin}: {len(changed)} file(s) written")
    return EXIT_OK


# -------------------------------------------------------------------------- check


@cli.command()
@catalog_option
@click.option("--url", help="Diff against the live page at this URL instead of the snapshot.")
@_report_format_option
@_fail_on_option
def check(catalog_dir: Path | None, url: str | None, fmt: str, fail_on: str) -> int:
    """Validate the catalog, then diff it against the saved snapshot (offline) or --url."""
    from resource_catalog.drift import compare  # noqa: PLC0415
    from resource_catalog.report import render, render_validation  # noqa: PLC0415
    from resource_catalog.validate import validate_catalog  # noqa: PLC0415

    directory = _catalog_dir(catalog_dir)
    with _Progress("Validating") as progress:
        result = validate_catalog(directory, progress=progress)
    click.echo(render_validation(result, "text"), nl=False, err=fmt != "text")
    if result.errors:
        click.echo("check: the catalog is invalid; drift not checked", err=True)
        return EXIT_FINDINGS
    html_file = None
    if url is None:
        from resource_catalog.page import snapshot_path  # noqa: PLC0415

        html_file = snapshot_path(directory, result.catalog.meta)
        if html_file is None:
            raise click.UsageError("catalog.json names no snapshot; pass --url")
    page = _read_page(directory, url, html_file, need_catalog=True)
    report = compare(result.catalog, page.listings, source_url=page.origin)
    click.echo(render(report, fmt), nl=False)
    return _drift_exit(report, fail_on)


# ------------------------------------------------------------------------- export


@cli.command()
@catalog_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "csv", "datapackage", "hsds"]),
    required=True,
    help="json, jsonl and csv write a file or stdout; datapackage and hsds a directory.",
)
@output_option
@click.option("--include-retired", is_flag=True, help="Also export retired resources.")
def export(catalog_dir: Path | None, fmt: str, output: str, include_retired: bool) -> int:
    """Export the catalog as JSON, JSON Lines, CSV, a Data Package or Open Referral HSDS."""
    from resource_catalog.export import export as run_export  # noqa: PLC0415

    catalog = _load(catalog_dir)
    if fmt in ("datapackage", "hsds"):
        if output == "-":
            raise click.UsageError(f"--format {fmt} writes a directory: pass -o DIR")
        run_export(catalog, fmt, Path(output), include_retired=include_retired)
        click.echo(f"wrote {fmt} to {output}", err=True)
    elif output == "-":
        run_export(catalog, fmt, sys.stdout, include_retired=include_retired)
    else:
        run_export(catalog, fmt, Path(output), include_retired=include_retired)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="resource-catalog")
