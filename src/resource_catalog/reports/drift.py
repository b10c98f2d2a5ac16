"""Renderings of drift: text, markdown, json, html; and of validation results.

* ``text``: for a terminal.
* ``markdown``: for ``$GITHUB_STEP_SUMMARY`` or a pull request body; a table of the
  sources, then per source a table of changes, severity first, then added / removed /
  renamed, reorders as a note. Cells are escaped (pipes, markdown and HTML markup) so
  page text cannot break the table.
* ``json``: :meth:`CatalogDrift.to_dict`, keys sorted, indented, newline-terminated.
  The JSON form always holds every value in full.
* ``html``: one self-contained page (inline CSS, no scripts, no external assets),
  before and after side by side with the differing parts highlighted. Every piece
  of text from the page or the catalog goes through :func:`html.escape`.

Reports for people are bounded: a value longer than :data:`MAX_VALUE` characters is cut
(and says so), a table longer than :data:`MAX_ROWS` rows stops with a count of the rest,
so a 4 MB description cannot make a 4 MB step summary. Control characters from a page
never reach a terminal or a report raw: they are shown as ``\\x1b``-style escapes.

All renderers are pure functions of the report (validation results have theirs in
:mod:`resource_catalog.reports.findings`). A single-source
:class:`~resource_catalog.drift.compare.DriftReport` renders as a check of that one source.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

from resource_catalog._base.display import printable, shorten
from resource_catalog.drift.compare import DriftReport
from resource_catalog.reports._parts import (
    MAX_ROWS,
    Drift,
    as_catalog,
    count_cells,
    counts,
    excerpts,
    headline,
    limited,
    reorder_note,
    sections_note,
    severity_first,
    short_name,
    source_title,
)
from resource_catalog.reports.html import highlight, render_html

__all__ = [
    "FORMATS",
    "MAX_ROWS",
    "Drift",
    "excerpts",
    "highlight",
    "md_cell",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
]

FORMATS = ("text", "markdown", "json", "html")


# --------------------------------------------------------------------------- text


def render_text(report: Drift) -> str:
    """The drift for a terminal: a headline, then per source one line per difference."""
    drift = as_catalog(report)
    lines = [f"Drift check of {len(drift.sources)} source(s): {headline(drift)}"]
    for entry in drift.sources:
        lines += ["", f"{source_title(entry)}: {entry.status}"]
        if entry.report is None:
            lines.append(f"  error: {shorten(entry.error or 'could not be checked')}")
            continue
        if entry.report.source != entry.url:
            lines.append(f"  read from: {shorten(entry.report.source, 300)}")
        lines += _text_body(entry.report)
    return "\n".join(lines) + "\n"


def _text_body(report: DriftReport) -> list[str]:
    lines = [f"  {counts(report)}"]

    def more(n: int) -> str:
        return f"    ... and {n} more (see the JSON report)"

    if report.changed:
        lines += ["  Changed (severity first):"]
        lines += limited(
            [
                f"    [{c.severity}] {c.id} ({short_name(c.name)}) {c.field}: {{}} -> {{}}".format(
                    *excerpts(c.before, c.after)
                )
                for c in severity_first(report.changed)
            ],
            more,
        )
    if report.added:
        rows = [
            f"    + {short_name(a.name)} ({shorten(a.section, 120)})"
            + (f" [listed again: {a.relisted}]" if a.relisted else "")
            for a in report.added
        ]
        lines += ["  Added:", *limited(rows, more)]
    if report.removed:
        rows = [f"    - {r.id} ({short_name(r.name)})" for r in report.removed]
        lines += ["  Removed:", *limited(rows, more)]
    if report.renamed:
        rows = [
            f"    ~ {r.id}: {short_name(r.old_name)} -> {short_name(r.new_name)}"
            for r in report.renamed
        ]
        lines += ["  Renamed:", *limited(rows, more)]
    lines += [f"  Sections: {note}" for note in sections_note(report)]
    if report.reordered:
        lines += ["  Order (information only, not drift):"]
        lines += [f"    {reorder_note(r)}" for r in report.reordered]
    return lines


# --------------------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~!])")


#: An ``@`` that GitHub would read as a mention (``@user``, ``@org/team``): not one inside
#: an e-mail address, where a word character comes before it.
_MENTION = re.compile(r"(?<![\w.+-])@(?=[A-Za-z0-9])")
#: Put after such an ``@``: the text reads the same, and no one is notified.
_ZERO_WIDTH_SPACE = "\u200b"


def md_cell(text: str) -> str:
    """``text`` safe inside a markdown table cell: one line, markup and pipes escaped,
    and no ``@mention`` left live (a page's text must not ping people from the bot's
    pull request)."""
    one_line = " ".join(printable(text).split())
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))
    return _MENTION.sub("@" + _ZERO_WIDTH_SPACE, escaped)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    body = ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return lines + limited(
        body, lambda n: f"| … {n} more rows (see drift.json) |" + " |" * (len(header) - 1)
    )


def render_markdown(report: Drift) -> str:
    """The drift as GitHub-flavoured markdown: a status heading, the sources, then tables."""
    drift = as_catalog(report)
    lines = [f"## Drift check: {md_cell(headline(drift))}", ""]
    lines += _md_table(
        ["Source", "URL", "Status", "Changed", "Added", "Removed", "Renamed"],
        [
            [
                e.id,
                shorten(e.url, 200),
                e.status,
                *count_cells(e),
            ]
            for e in drift.sources
        ],
    )
    for entry in drift.sources:
        lines += ["", f"### {md_cell(entry.id or entry.url)}: {md_cell(entry.status)}", ""]
        if entry.report is None:
            lines.append(f"Could not be checked: `{md_cell(shorten(entry.error or ''))}`")
            continue
        lines += _markdown_body(entry.report)
    return "\n".join(lines) + "\n"


def _markdown_body(report: DriftReport) -> list[str]:
    lines = [f"Source: {md_cell(shorten(report.source, 200))}  ", md_cell(counts(report))]
    if report.changed:
        lines += ["", "#### Changes (severity first)", ""]
        lines += _md_table(
            ["Severity", "Resource", "Listing", "Field", "Before", "After"],
            [
                [str(c.severity), c.id, short_name(c.name), c.field, *excerpts(c.before, c.after)]
                for c in severity_first(report.changed)
            ],
        )
    if report.added:
        lines += ["", f"#### Added ({len(report.added)})", ""]
        lines += _md_table(
            ["Listing", "Section", "Listed again"],
            [[short_name(a.name), shorten(a.section, 120), a.relisted or ""] for a in report.added],
        )
    if report.removed:
        lines += ["", f"#### Removed ({len(report.removed)})", ""]
        lines += _md_table(
            ["Resource", "Listing"], [[r.id, short_name(r.name)] for r in report.removed]
        )
    if report.renamed:
        lines += ["", f"#### Renamed ({len(report.renamed)})", ""]
        lines += _md_table(
            ["Resource", "Old name", "New name"],
            [[r.id, short_name(r.old_name), short_name(r.new_name)] for r in report.renamed],
        )
    notes = sections_note(report) + [reorder_note(r) for r in report.reordered]
    if notes:
        lines.append("")
        lines += [f"> Note: {md_cell(n)}." for n in notes]
    return lines


# --------------------------------------------------------------------------- json


def render_json(report: Drift) -> str:
    """The drift's JSON form: sorted keys, indent 2, a trailing newline (values whole)."""
    data = as_catalog(report).to_dict()
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


_RENDERERS: dict[str, Callable[[Drift], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}


def render(report: Drift, fmt: str) -> str:
    """The drift in format ``fmt`` (one of :data:`FORMATS`); ``ValueError`` otherwise."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}") from None
    return renderer(report)
