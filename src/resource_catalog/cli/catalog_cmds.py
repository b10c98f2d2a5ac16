"""``validate``, ``schema``, ``export`` and ``migrate``: the catalog itself."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from resource_catalog.cli._base import (
    EXIT_FINDINGS,
    EXIT_OK,
    F,
    Progress,
    catalog_option,
    cli,
    echo_pieces,
    format_option,
    output_option,
    refuse_output_into,
    resolve_catalog,
)
from resource_catalog.errors import SchemaError


@cli.command()
@catalog_option
@format_option(
    ["text", "json", "github"],
    "text",
    "text for people, json for tools, github for workflow annotations.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
def validate(catalog_dir: Path | None, fmt: str, strict: bool) -> int:
    """Check the catalog: schema, phones, buildings, ids, sources, duplicates, history.

    Reports every problem at once, each naming the file, field and bad value, and
    says which catalog was checked.
    """
    from resource_catalog.checks.validate import validate_catalog  # noqa: PLC0415
    from resource_catalog.reports.findings import iter_validation  # noqa: PLC0415

    directory = resolve_catalog(catalog_dir)
    with Progress("Validating") as progress:
        result = validate_catalog(directory, progress=progress, keep_records=False)
    echo_pieces(iter_validation(result, fmt))
    if fmt != "text":
        click.echo(f"checked the catalog in {directory}", err=True)
    return EXIT_OK if result.ok(strict=strict) else EXIT_FINDINGS


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
    from resource_catalog.exports.schemas import stale_schemas, write_schemas  # noqa: PLC0415

    if check:
        if not directory.is_dir():
            raise SchemaError(
                f"no schema directory {directory} here: run it in the repository, or pass --dir DIR"
            )
        stale = stale_schemas(directory)
        for name in stale:
            what = "stale" if (directory / name).is_file() else "missing"
            click.echo(f"{directory / name}: {what}; run `resource-catalog schema`", err=True)
        return EXIT_FINDINGS if stale else EXIT_OK
    for path in write_schemas(directory):
        click.echo(f"wrote {path}")
    return EXIT_OK


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-28") from None


def since_option(func: F) -> F:
    """``--since DATE``: only what changed on or after this day (UTC)."""
    return click.option(
        "--since",
        callback=_date,
        metavar="DATE",
        help="Only what changed on or after this day (YYYY-MM-DD, UTC).",
    )(func)


@cli.command()
@catalog_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "csv", "datapackage", "hsds", "site"]),
    required=True,
    help="json, jsonl and csv write a file or stdout; datapackage, hsds and site a directory.",
)
@output_option
@click.option("--include-retired", is_flag=True, help="Also export retired resources.")
@since_option
@click.option("--title", help="The site's title (default: the catalog's name).")
@click.option("--base-url", metavar="URL", help="Where the site will be published (site only).")
def export(
    catalog_dir: Path | None,
    fmt: str,
    output: str,
    include_retired: bool,
    since: dt.date | None,
    title: str | None,
    base_url: str | None,
) -> int:
    """Export the catalog as JSON, JSON Lines, CSV, a Data Package or Open Referral HSDS.

    With --since DATE only the records created, updated or retired since then are
    exported (retired ones included), from the catalog's history; the HSDS change
    log (metadata) then holds the changes since then only. The site is a static
    directory website of the active resources (--title, --base-url for its links).
    """
    if fmt != "site" and (title is not None or base_url is not None):
        raise click.UsageError("--title and --base-url are options of --format site")
    from resource_catalog.checks.stream import open_stream  # noqa: PLC0415
    from resource_catalog.checks.validate import load_catalog  # noqa: PLC0415
    from resource_catalog.exports.writers import export as run_export  # noqa: PLC0415
    from resource_catalog.store.history import changes_catalog  # noqa: PLC0415

    directory = resolve_catalog(catalog_dir)
    refuse_output_into(directory, output)
    if fmt in ("datapackage", "hsds", "site") and output == "-":
        raise click.UsageError(f"--format {fmt} writes a directory: pass -o DIR")
    target = sys.stdout if output == "-" else Path(output)
    site = {"title": title, "base_url": base_url} if fmt == "site" else {}
    with Progress("Loading catalog") as progress:
        if since is None and fmt != "site":  # the records stream from the files, one at a time
            with open_stream(directory, progress=progress) as stream:
                run_export(stream, fmt, target, include_retired=include_retired)
        else:
            catalog = load_catalog(directory, progress=progress)
            if since is not None:
                catalog, include_retired = changes_catalog(catalog, since), True
            run_export(catalog, fmt, target, include_retired=include_retired, **site)
    if output != "-":
        click.echo(f"wrote {fmt} to {output}", err=True)  # every format says where it went
    return EXIT_OK


@cli.command()
@catalog_option
def migrate(catalog_dir: Path | None) -> int:
    """Rewrite an older catalog (schema 1.0) in the current schema, atomically."""
    from resource_catalog.workflows.sync import migrate_catalog  # noqa: PLC0415

    result = migrate_catalog(resolve_catalog(catalog_dir))
    if not result.written:
        click.echo(f"{result.directory} is already schema {result.from_version}: nothing to do")
    else:
        click.echo(
            f"migrated {result.directory} from schema {result.from_version}: "
            f"{len(result.written)} file(s) written"
        )
    return EXIT_OK
