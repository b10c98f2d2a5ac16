"""``links``: is every link of the catalog still good?"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from resource_catalog.cli._base import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    Progress,
    catalog_option,
    cli,
    emit,
    format_option,
    output_option,
    resolve_catalog,
    source_option,
    warn,
)


@cli.command()
@catalog_option
@source_option
@format_option(
    ["text", "json", "markdown"],
    "text",
    "text for people, json for tools, markdown for a job summary.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Links checked at once (at most 2 per host).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=20.0,
    show_default=True,
    help="Seconds one link's check may take in all (redirects and retries included).",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=0, min_open=True),
    default=900.0,
    show_default=True,
    help="Seconds the whole run may take; links not checked by then make it exit 2.",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File that remembers failing links between runs "
    "[default: .links-state.json in the catalog].",
)
@click.option(
    "--fail-after",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Runs in a row an unreachable link must fail before it counts as broken.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Rewrite curated links that moved permanently (301/308) to their new URL.",
)
@output_option
def links(
    catalog_dir: Path | None,
    source_ids: Sequence[str],
    fmt: str,
    jobs: int,
    timeout: float,
    deadline: float,
    state_file: Path | None,
    fail_after: int,
    fix: bool,
    output: str,
) -> int:
    """Check every link of the active records, each URL once.

    404 and 410 are broken; a permanent redirect is reported with its new URL (--fix
    takes it); a timeout, DNS or connection failure, 429 or 5xx is unreachable and
    counts as broken only after --fail-after failing runs in a row. mailto: and tel:
    links are checked offline. Exit 0 when nothing is broken, 1 when something is, 2
    when the check could not run (or ran out of time before every link was checked).
    """
    from resource_catalog.reports.links import render_links  # noqa: PLC0415
    from resource_catalog.workflows.links import check_links  # noqa: PLC0415

    with Progress("Checking links") as progress:
        report = check_links(
            resolve_catalog(catalog_dir),
            sources=source_ids,
            jobs=jobs,
            timeout=timeout,
            deadline=deadline,
            state=state_file,
            fail_after=fail_after,
            fix=fix,
            progress=progress,
        )
    emit(render_links(report, fmt), output)
    if report.state_file is None:
        warn("the bundled catalog is read-only: failing links are not remembered (use --state)")
    if report.not_checked:
        click.echo(
            f"error: {len(report.not_checked)} link(s) not checked before the deadline", err=True
        )
        return EXIT_ERROR
    return EXIT_FINDINGS if report.broken else EXIT_OK
