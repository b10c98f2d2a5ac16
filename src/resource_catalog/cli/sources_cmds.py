"""``sources list|show|add|test``: the pages the catalog follows."""

from __future__ import annotations

import json
from pathlib import Path

import click

from resource_catalog.cli._base import (
    EXIT_OK,
    SubGroup,
    catalog_option,
    cli,
    format_option,
    resolve_catalog,
)


@cli.group(cls=SubGroup)
def sources() -> None:
    """The source pages the catalog follows: list, show, add and test them."""


_fmt = format_option(["text", "json"], "text", "text for people, json for tools.")


def _load(catalog_dir: Path | None):  # type: ignore[no-untyped-def]
    from resource_catalog.validate import load_catalog  # noqa: PLC0415

    return load_catalog(resolve_catalog(catalog_dir))


@sources.command("list")
@catalog_option
@_fmt
def list_sources(catalog_dir: Path | None, fmt: str) -> int:
    """One line per source: id, records listed there, last sync, URL."""
    from resource_catalog.sources import source_rows  # noqa: PLC0415

    rows = source_rows(_load(catalog_dir))
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        synced = row["last_sync"] or "never synced"
        click.echo(f"{row['id']}: {row['resources']} resources, {synced}, {row['url']}")
    return EXIT_OK


@sources.command("show")
@click.argument("source_id", metavar="ID")
@catalog_option
@_fmt
def show_source(source_id: str, catalog_dir: Path | None, fmt: str) -> int:
    """One source: its entry in catalog.json (profile included) and its records."""
    from resource_catalog.errors import CatalogError  # noqa: PLC0415
    from resource_catalog.sources import source_row  # noqa: PLC0415

    catalog = _load(catalog_dir)
    try:
        source = catalog.meta.source(source_id)
    except KeyError as exc:
        raise CatalogError(str(exc.args[0])) from None
    row = source_row(catalog, source)
    entry = source.model_dump(mode="json")
    listed = [r.id for r in catalog.from_source(source_id, listed_only=True)]
    if fmt == "json":
        click.echo(
            json.dumps({**row, "source": entry, "records": listed}, indent=2, ensure_ascii=False)
        )
        return EXIT_OK
    click.echo(f"{row['id']}: {row['title']}")
    click.echo(f"  url: {row['url']}")
    click.echo(
        f"  snapshot: {row['snapshot'] or '(none)'}; last sync: {row['last_sync'] or 'never'}"
    )
    click.echo(f"  sections: {', '.join(source.sections) or '(none)'}")
    profile = entry.get("profile")
    click.echo(
        f"  profile: {json.dumps(profile) if profile else '(default: the first page rules)'}"
    )
    click.echo(f"  {len(listed)} record(s) listed: {', '.join(listed)}")
    return EXIT_OK
