"""``sources list|show|add|test|remove``: the pages the catalog follows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from resource_catalog.cli._base import (
    EXIT_FINDINGS,
    EXIT_OK,
    SubGroup,
    catalog_option,
    cli,
    format_option,
    resolve_catalog,
)

if TYPE_CHECKING:
    from resource_catalog.models import Listing
    from resource_catalog.pages.infer import Scored
    from resource_catalog.profile import Profile
    from resource_catalog.workflows.sources import AddResult


@cli.group(cls=SubGroup)
def sources() -> None:
    """The source pages the catalog follows: list, show, add, test and remove them."""


_fmt = format_option(["text", "json"], "text", "text for people, json for tools.")


def _load(catalog_dir: Path | None):  # type: ignore[no-untyped-def]
    from resource_catalog.checks.validate import load_catalog  # noqa: PLC0415

    return load_catalog(resolve_catalog(catalog_dir))


@sources.command("list")
@catalog_option
@_fmt
def list_sources(catalog_dir: Path | None, fmt: str) -> int:
    """One line per source: id, records listed there, last sync, URL."""
    from resource_catalog.workflows.sources import source_rows  # noqa: PLC0415

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
    from resource_catalog.workflows.sources import source_row  # noqa: PLC0415

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


# ----------------------------------------------------------------------- add / test


def _listing_line(number: int, listing: Listing) -> str:
    """``  3. Name [Section]  phones ...  rooms ...`` for one listing."""
    parts = [f"{number:>3}. {listing.name or '(no name)'} [{listing.section}]"]
    if listing.phones:
        parts.append("phones " + ", ".join(p.number for p in listing.phones))
    if listing.locations:
        parts.append("rooms " + ", ".join(loc.code for loc in listing.locations))
    return "  ".join(parts)


def _listing_json(listing: Listing) -> dict[str, Any]:
    return {
        "name": listing.name,
        "section": listing.section,
        "phones": [p.number for p in listing.phones],
        "locations": [loc.code for loc in listing.locations],
    }


def _stored(profile: Profile) -> Any:
    """The profile as catalog.json stores it (what differs from the default rules)."""
    from resource_catalog.models import SourcePage  # noqa: PLC0415

    page = SourcePage(id="x", url="https://example.org/", title="x", profile=profile)
    return page.model_dump(mode="json")["profile"]


def _scored_json(scored: Scored) -> dict[str, Any]:
    return {
        "score": round(scored.score, 3),
        "description": scored.candidate.description,
        "profile": _stored(scored.candidate.profile),
        "listings": [_listing_json(x) for x in scored.reading.listings],
    }


@sources.command("add")
@click.option("--url", help="The page's http(s) URL (fetched unless --html gives the page).")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the page from this saved HTML file (with --url: saved from URL).",
)
@click.option("--id", "source_id", help="The source's id [default: a slug of the title].")
@click.option("--title", help="The source's title [default: the page's own title].")
@click.option(
    "--example",
    "examples",
    multiple=True,
    metavar="NAME",
    help="A listing name you can see on the page (repeatable): the profile must read it.",
)
@click.option(
    "--take",
    type=click.IntRange(1, 2),
    metavar="N",
    help="Save reading N (1 or 2) of the two shown for a weak or ambiguous page.",
)
@catalog_option
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
@click.option(
    "--force", is_flag=True, help="Save the source even when the reading is weak or ambiguous."
)
@_fmt
def add_source_cmd(
    url: str | None,
    html_file: Path | None,
    source_id: str | None,
    title: str | None,
    examples: Sequence[str],
    take: int | None,
    catalog_dir: Path | None,
    dry_run: bool,
    force: bool,
    fmt: str,
) -> int:
    """Onboard a page: infer its profile, show what it reads, add it to catalog.json.

    Prints the listings the inferred profile reads, the profile as stored, and the
    runner-up reading when there is one. Saves the snapshot and the source entry in one
    commit, creating no records: the next `sync --source ID` creates them, each
    flagged for review. Exit 1 (and nothing written, unless --force) when the reading
    is weak or ambiguous: the two best readings are shown; take one with --take N, add
    --example NAME, or edit the profile and check it with `sources test`.
    """
    from resource_catalog.workflows.sources import add_source  # noqa: PLC0415

    if url is None and html_file is None:
        raise click.UsageError("give the page: --url URL, or --html FILE [--url URL]")
    if source_id is not None and not source_id.strip():
        raise click.BadParameter(
            "must not be empty (leave --id out for a slug of the title)", param_hint="--id"
        )
    if any(not e.strip() for e in examples):
        raise click.BadParameter(
            "must be a listing name you can see on the page", param_hint="--example"
        )
    result = add_source(
        resolve_catalog(catalog_dir),
        html=html_file,
        url=url,
        source_id=source_id,
        title=title,
        examples=examples,
        take=take,
        dry_run=dry_run,
        force=force,
    )
    inference = result.inference
    if fmt == "json":
        body = {
            "source": result.source.model_dump(mode="json"),
            "confidence": inference.confidence.value,
            "score": round(inference.score, 3),
            "reasons": list(inference.reasons),
            "description": inference.best.candidate.description,
            "listings": [_listing_json(x) for x in inference.reading.listings],
            "profile": result.source.model_dump(mode="json")["profile"],
            "runner_up": (
                {**_scored_json(inference.runner_up), "reasons": list(inference.runner_up_reasons)}
                if inference.runner_up
                else None
            ),
            "written": [str(p) for p in result.written],
            "dry_run": result.dry_run,
        }
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        _render_add(result)
    return EXIT_OK if result.confident else EXIT_FINDINGS


def _render_add(result: AddResult) -> None:
    inference = result.inference
    source = result.source
    listings = inference.reading.listings
    click.echo(f"{source.id}: {source.title} ({source.url})")
    click.echo(
        f"confidence: {inference.confidence.value} (score {inference.score:.2f}); "
        f"reading 1: {inference.best.candidate.description}"
    )
    for reason in inference.reasons:
        click.echo(f"  - {reason}")
    click.echo(f"it would read {len(listings)} listing(s):")
    for i, listing in enumerate(listings, 1):
        click.echo(_listing_line(i, listing))
    click.echo("profile (as stored in catalog.json):")
    click.echo(json.dumps(source.model_dump(mode="json")["profile"], indent=2, ensure_ascii=False))
    runner = inference.runner_up
    if runner is not None:
        shown = len(runner.reading.listings)
        click.echo(
            f"runner-up, reading 2 (score {runner.score:.2f}, {shown} listing(s)): "
            f"{runner.candidate.description}"
        )
        for reason in inference.runner_up_reasons:
            click.echo(f"  - {reason}")
        for i, listing in enumerate(runner.reading.listings[:10], 1):
            click.echo(_listing_line(i, listing))
        if shown > 10:  # noqa: PLR2004
            click.echo(f"  ... and {shown - 10} more")
        click.echo(json.dumps(_stored(runner.candidate.profile), ensure_ascii=False))
    if result.saved:
        click.echo(
            f"added source {source.id} to catalog.json and saved snapshots/{source.snapshot}; "
            f"no records yet: run `resource-catalog sync --source {source.id}` to create them "
            "(each flagged for review)"
        )
    elif result.dry_run:
        click.echo("dry run: nothing written")
    else:
        takes = "--take 1 or --take 2" if runner is not None else "--take 1"
        click.echo(
            f"not saved: the reading is {inference.confidence.value}. Take the reading you "
            f"want with {takes}, name a listing you can see with --example NAME, or save it "
            "with --force, edit the profile in catalog.json and preview it with "
            f"`resource-catalog sources test {source.id}`"
        )


@sources.command("test")
@click.argument("source_id", metavar="ID")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read this saved page instead of the source's snapshot.",
)
@click.option(
    "--profile",
    "profile_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read with this profile (JSON) instead of the one in catalog.json.",
)
@catalog_option
@_fmt
def test_source_cmd(
    source_id: str,
    html_file: Path | None,
    profile_file: Path | None,
    catalog_dir: Path | None,
    fmt: str,
) -> int:
    """Preview what a source's profile (or an edited one) reads on its page.

    Reads the saved snapshot (or --html FILE) through the profile in catalog.json (or
    --profile FILE) and prints the listings; writes nothing. Exit 2 when the profile
    reads nothing there, naming the part of it that found nothing.
    """
    from resource_catalog.workflows import sources as workflows  # noqa: PLC0415
    from resource_catalog.workflows.diff import read_profile  # noqa: PLC0415

    reading = workflows.test_source(
        resolve_catalog(catalog_dir),
        source_id,
        html=html_file,
        profile=read_profile(profile_file) if profile_file is not None else None,
    )
    if fmt == "json":
        body = {
            "id": source_id,
            "content": reading.content,
            "matched": reading.matched,
            "sections": list(reading.sections),
            "listings": [_listing_json(x) for x in reading.listings],
        }
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return EXIT_OK
    click.echo(
        f"{source_id}: {len(reading.listings)} listing(s) in the content found by "
        f"{reading.content!r}"
    )
    for i, listing in enumerate(reading.listings, 1):
        click.echo(_listing_line(i, listing))
    return EXIT_OK


@sources.command("remove")
@click.argument("source_id", metavar="ID")
@catalog_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def remove_source_cmd(source_id: str, catalog_dir: Path | None, dry_run: bool) -> int:
    """Stop following a page: remove it from catalog.json.

    Records only that page listed are retired (with history and a review reason);
    records other pages list too only lose its observation. No record is deleted.
    The page's snapshot file stays on disk: remove it with git.
    """
    from resource_catalog.workflows.source_removal import remove_source  # noqa: PLC0415

    result = remove_source(resolve_catalog(catalog_dir), source_id, dry_run=dry_run)
    retired, kept = ", ".join(result.retired), ", ".join(result.unlinked)
    verb, keep = ("would retire", "would keep") if result.dry_run else ("retired", "kept")
    click.echo(
        f"{verb} {len(result.retired)} record(s) only {source_id} listed"
        + (f": {retired}" if retired else "")
    )
    click.echo(
        f"{keep} {len(result.unlinked)} record(s) other pages list, without its observation"
        + (f": {kept}" if kept else "")
    )
    if result.dry_run:
        click.echo("dry run: nothing written")
    else:
        snapshot = result.source.snapshot
        left = f"; its snapshot snapshots/{snapshot} is left on disk" if snapshot else ""
        click.echo(f"removed source {source_id} from {result.directory}{left}")
    return EXIT_OK
