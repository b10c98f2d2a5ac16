"""``review list|show|resolve|done`` and ``history``: working through what sync flagged.

``review list`` (and bare ``review``) and ``review show`` exit 1 when there is something
to review, 0 when not. ``review done`` exits 1 when the record still has conflicts
(it is marked reviewed, the flag stays). A record or conflict that does not exist is
an ``error:`` line and exit 2, as is every other error.
"""

from __future__ import annotations

import datetime as dt
import json
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
from resource_catalog.cli._review_view import render_queue, show_pair, show_text, show_value, when
from resource_catalog.cli.catalog_cmds import since_option

if TYPE_CHECKING:
    from pydantic import JsonValue

    from resource_catalog.store.events import Event

_QUEUE_FORMATS = ["text", "json", "markdown"]
_STALE_HELP = "List the active records due for re-verification instead, oldest review first."
_QUEUE_FORMAT_HELP = "text for people, json for tools, markdown for a checklist."


@cli.group(cls=SubGroup, invoke_without_command=True)
@catalog_option
@click.option("--stale", is_flag=True, help=_STALE_HELP + " (bare `review` only)")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_QUEUE_FORMATS),
    default=None,
    help=_QUEUE_FORMAT_HELP + " (bare `review` only) [default: text]",
)
@click.pass_context
def review(
    ctx: click.Context, catalog_dir: Path | None, stale: bool, fmt: str | None
) -> int | None:
    """Work through the records a sync flagged: list, show, resolve, done; accept warnings.

    Bare `review` is `review list` and takes its options. Every write holds the
    catalog's sync lock and saves the record with its history event in one atomic commit.
    """
    if ctx.invoked_subcommand is None:
        code: int = ctx.invoke(list_queue, catalog_dir=catalog_dir, stale=stale, fmt=fmt or "text")
        return code
    if stale or fmt is not None:
        raise click.UsageError(
            f"--stale and --format go after the subcommand: `review {ctx.invoked_subcommand} "
            "--format ...`"
        )
    if catalog_dir is not None:  # `review --catalog DIR show ID`: the subcommand's default
        ctx.default_map = {name: {"catalog_dir": catalog_dir} for name in review.commands}
    return None


_fmt = format_option(["text", "json"], "text", "text for people, json for tools.")


@review.command("list")
@catalog_option
@click.option("--stale", is_flag=True, help=_STALE_HELP)
@format_option(_QUEUE_FORMATS, "text", _QUEUE_FORMAT_HELP)
def list_queue(catalog_dir: Path | None, stale: bool, fmt: str) -> int:
    """The records needing review, oldest flag first (with --stale: those overdue).

    Exit 0 when there are none, 1 when there are.
    """
    from resource_catalog.workflows.review import review_queue  # noqa: PLC0415

    items = review_queue(resolve_catalog(catalog_dir), stale=stale)
    click.echo(render_queue(items, fmt, stale=stale), nl=False)
    return EXIT_FINDINGS if items else EXIT_OK


# --------------------------------------------------------------------------- show


@review.command("show")
@click.argument("resource_id", metavar="ID")
@catalog_option
@_fmt
def show(resource_id: str, catalog_dir: Path | None, fmt: str) -> int:
    """One record: why it is flagged, and the page's and the catalog's values side by side.

    Exit 1 when the record needs review, 0 when not.
    """
    from resource_catalog.workflows.review import review_item  # noqa: PLC0415

    item = review_item(resolve_catalog(catalog_dir), resource_id)
    if fmt == "json":
        click.echo(json.dumps(item.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(show_text(item)))
    return EXIT_FINDINGS if item.review.needs_review else EXIT_OK


# --------------------------------------------------------------------------- resolve / done


@review.command("resolve")
@click.argument("resource_id", metavar="ID")
@click.option("--field", required=True, help="The field in conflict (name, phones, ...).")
@click.option(
    "--take",
    type=click.Choice(["page", "catalog"]),
    required=True,
    help="page: the curated field becomes the page's value; catalog: keep the curated one.",
)
@click.option(
    "--source", "source_id", metavar="ID", help="The page, when several conflict on the field."
)
@catalog_option
def resolve(
    resource_id: str, field: str, take: str, source_id: str | None, catalog_dir: Path | None
) -> int:
    """Settle one conflict of a record: take the page's value or keep the catalog's."""
    from resource_catalog.workflows.review import resolve_conflict  # noqa: PLC0415

    result = resolve_conflict(
        resolve_catalog(catalog_dir),
        resource_id,
        field,
        "page" if take == "page" else "catalog",
        source_id=source_id,
    )
    kept = "took the page's value" if take == "page" else "kept the catalog's value"
    left = len(result.resource.review.conflicts)
    click.echo(
        f"{resource_id}: {field} {kept} ({show_value(result.event.after, 60)}); "
        f"{left} conflict(s) left"
    )
    if result.resource.review.needs_review:
        click.echo(f"when checked: resource-catalog review done {resource_id}")
    return EXIT_OK


@review.command("done")
@click.argument("resource_id", metavar="ID")
@catalog_option
def done(resource_id: str, catalog_dir: Path | None) -> int:
    """Mark a record reviewed today; clears its flag when no conflict is left.

    Exit 1 when conflicts are left: the record is marked reviewed and stays flagged.
    """
    from resource_catalog.workflows.review import conflict_summary, mark_reviewed  # noqa: PLC0415

    result = mark_reviewed(resolve_catalog(catalog_dir), resource_id)
    day = when(result.resource.review.last_reviewed, "today")
    if result.remaining:
        click.echo(
            f"{resource_id}: reviewed {day}, but still flagged: resolve the conflict(s) on "
            f"{conflict_summary(result.remaining)} with `resource-catalog review resolve "
            f"{resource_id} --field F --take page|catalog`"
        )
        return EXIT_FINDINGS
    if result.event is None:
        click.echo(f"{resource_id}: already reviewed {day}; nothing to do")
    else:
        click.echo(f"{resource_id}: reviewed {day}; no longer flagged")
    return EXIT_OK


@review.command("accept")
@click.argument("resource_id", metavar="ID")
@click.option("--finding", "code", required=True, metavar="CODE", help="The warning's code.")
@click.option("--reason", required=True, help="Why the warning is right (kept in the record).")
@catalog_option
def accept(resource_id: str, code: str, reason: str, catalog_dir: Path | None) -> int:
    """Accept a warning about a record as known and right, saying why.

    For the duplicate warnings (possible-duplicate, duplicate-phone/-name/-link) and
    sources-disagree-*: the decision is kept in the record's review.accepted, naming the
    other record (or the pages' values), so validate --strict passes while a new
    duplicate or contradiction still warns.
    """
    from resource_catalog.workflows.acceptance import accept_warning  # noqa: PLC0415

    result = accept_warning(resolve_catalog(catalog_dir), resource_id, code, reason)
    for item in result.accepted:
        click.echo(f"{resource_id}: accepted {code} about {show_value(item.about, 80)}")
    return EXIT_OK


# --------------------------------------------------------------------------- history


def _event_text(event: Event) -> str:
    when = event.at.isoformat().replace("+00:00", "Z")
    what = event.resource_id or "(catalog)"
    field = f" {event.field}" if event.field else ""
    page = f" [{event.source_id}]" if event.source_id else ""
    return f"{when} {event.action.value} {what}{field}{page}: {_change_text(event)}"


def _change_text(event: Event) -> str:
    """``before -> after`` for people; when the two would print alike, the parts that
    differ (an observation's description, a phone's label), so a line never reads A -> A."""
    if event.before == event.after:
        kept = show_value(event.after, 70)
        return f"kept the catalog's value {kept}" if event.action.value == "resolved" else kept
    before, after = show_pair(event.before, event.after, 70)
    if before != after:
        return f"{before} -> {after}"
    parts = [
        f"{key}: {' -> '.join(show_pair(old, new, 70))}"
        for key, old, new in _differing(event.before, event.after)
    ]
    return "; ".join(parts) or f"{before} -> {after}"


def _differing(before: JsonValue, after: JsonValue, key: str = "") -> list[tuple[str, Any, Any]]:
    """(path, before, after) of the items or keys that differ between two JSON values."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            found
            for k in dict.fromkeys([*before, *after])
            if before.get(k) != after.get(k)
            for found in _differing(before.get(k), after.get(k), f"{key}.{k}" if key else k)
        ]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        items = [
            (b, a, f"{key}[{i}]" if len(before) > 1 else key)
            for i, (b, a) in enumerate(zip(before, after, strict=True))
        ]
        return [found for b, a, where in items if b != a for found in _differing(b, a, where)]
    return [(key or "value", before, after)]


@cli.command()
@click.argument("resource_id", metavar="[ID]", required=False)
@catalog_option
@since_option
@_fmt
def history(
    resource_id: str | None, catalog_dir: Path | None, since: dt.date | None, fmt: str
) -> int:
    """What sync, migrate and review changed, oldest first (one record's with ID).

    JSON: the events as history.jsonl holds them, in one array.
    """
    from resource_catalog.store.history import history_events  # noqa: PLC0415

    events = history_events(resolve_catalog(catalog_dir), resource_id, since)
    if fmt == "json":
        data: list[dict[str, Any]] = [e.model_dump(mode="json") for e in events]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif events:
        click.echo("\n".join(_event_text(e) for e in events))
    else:
        click.echo("no events" + (f" since {since.isoformat()}" if since else ""))
    return EXIT_OK
