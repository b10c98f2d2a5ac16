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
:mod:`resource_catalog.report_findings`). A single-source
:class:`~resource_catalog.drift.DriftReport` renders as a check of that one source.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from collections.abc import Callable, Sequence

from resource_catalog._display import MAX_VALUE, printable, shorten
from resource_catalog.drift import (
    FIELD_SEVERITY,
    CatalogDrift,
    Changed,
    DriftReport,
    FieldValue,
    Reordered,
    SourceDrift,
)

FORMATS = ("text", "markdown", "json", "html")
#: Most rows of one table in a text, markdown or html report.
MAX_ROWS = 200
_FIELD_ORDER = {name: i for i, name in enumerate(FIELD_SEVERITY)}

Drift = DriftReport | CatalogDrift


def _as_catalog(report: Drift) -> CatalogDrift:
    if isinstance(report, CatalogDrift):
        return report
    return CatalogDrift((SourceDrift(report.source_id, report.source, report),))


def _severity_first(changed: Sequence[Changed]) -> list[Changed]:
    return sorted(
        changed,
        key=lambda c: (-c.severity.rank, c.id, _FIELD_ORDER.get(c.field, 99), c.field),
    )


def _plain(value: FieldValue) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) if value else "(none)"
    return value or "(empty)"


_LONG = 120  # text longer than this is shown as an excerpt around the change
_CONTEXT = 5  # words of context either side of the change


def excerpts(before: FieldValue, after: FieldValue) -> tuple[str, str]:
    """Plain ``before`` and ``after``; long texts cut to the changed words and some context."""
    if isinstance(before, tuple) or isinstance(after, tuple) or len(before) + len(after) <= _LONG:
        return shorten(_plain(before)), shorten(_plain(after))
    a, b = before.split(), after.split()
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    if not changed:
        return shorten(_plain(before)), shorten(_plain(after))
    i1, j1 = changed[0][1] - _CONTEXT, changed[0][3] - _CONTEXT
    i2, j2 = changed[-1][2] + _CONTEXT, changed[-1][4] + _CONTEXT

    def cut(words: list[str], start: int, end: int) -> str:
        start, end = max(start, 0), min(end, len(words))
        text = " ".join(words[start:end])
        return ("... " if start > 0 else "") + text + (" ..." if end < len(words) else "")

    return shorten(cut(a, i1, i2)), shorten(cut(b, j1, j2))


def _name(name: str) -> str:
    return shorten(name, 120) or "(no name)"


def _headline(drift: CatalogDrift | DriftReport) -> str:
    worst = drift.max_severity
    return f"{drift.status}" + (f" (worst: {worst})" if worst is not None else "")


def _counts(report: DriftReport) -> str:
    return (
        f"{len(report.changed)} changed, {len(report.added)} added, "
        f"{len(report.removed)} removed, {len(report.renamed)} renamed"
    )


def _reorder_note(item: Reordered) -> str:
    where = "the sections" if item.section is None else f"the listings of {item.section!r}"
    return shorten(f"the page shows {where} in another order: {', '.join(item.after)}")


def _sections_note(report: DriftReport) -> list[str]:
    notes = []
    if report.sections_added:
        notes.append(f"new section heading(s): {', '.join(report.sections_added)}")
    if report.sections_removed:
        notes.append(f"section heading(s) gone: {', '.join(report.sections_removed)}")
    return [shorten(n) for n in notes]


def _count_cells(entry: SourceDrift) -> list[str]:
    report = entry.report
    if report is None:
        return ["-", "-", "-", "-"]
    counts = (report.changed, report.added, report.removed, report.renamed)
    return [str(len(items)) for items in counts]


def _limited(rows: Sequence[str], more: Callable[[int], str]) -> list[str]:
    """At most :data:`MAX_ROWS` rows, then one saying how many were left out."""
    if len(rows) <= MAX_ROWS:
        return list(rows)
    return [*rows[:MAX_ROWS], more(len(rows) - MAX_ROWS)]


def _source_title(entry: SourceDrift) -> str:
    return f"{entry.id} ({shorten(entry.url, 200)})" if entry.id else shorten(entry.url, 200)


# --------------------------------------------------------------------------- text


def render_text(report: Drift) -> str:
    """The drift for a terminal: a headline, then per source one line per difference."""
    drift = _as_catalog(report)
    lines = [f"Drift check of {len(drift.sources)} source(s): {_headline(drift)}"]
    for entry in drift.sources:
        lines += ["", f"{_source_title(entry)}: {entry.status}"]
        if entry.report is None:
            lines.append(f"  error: {shorten(entry.error or 'could not be checked')}")
            continue
        if entry.report.source != entry.url:
            lines.append(f"  read from: {shorten(entry.report.source, 300)}")
        lines += _text_body(entry.report)
    return "\n".join(lines) + "\n"


def _text_body(report: DriftReport) -> list[str]:
    lines = [f"  {_counts(report)}"]

    def more(n: int) -> str:
        return f"    ... and {n} more (see the JSON report)"

    if report.changed:
        lines += ["  Changed (severity first):"]
        lines += _limited(
            [
                f"    [{c.severity}] {c.id} ({_name(c.name)}) {c.field}: {{}} -> {{}}".format(
                    *excerpts(c.before, c.after)
                )
                for c in _severity_first(report.changed)
            ],
            more,
        )
    if report.added:
        rows = [
            f"    + {_name(a.name)} ({shorten(a.section, 120)})"
            + (f" [listed again: {a.relisted}]" if a.relisted else "")
            for a in report.added
        ]
        lines += ["  Added:", *_limited(rows, more)]
    if report.removed:
        rows = [f"    - {r.id} ({_name(r.name)})" for r in report.removed]
        lines += ["  Removed:", *_limited(rows, more)]
    if report.renamed:
        rows = [f"    ~ {r.id}: {_name(r.old_name)} -> {_name(r.new_name)}" for r in report.renamed]
        lines += ["  Renamed:", *_limited(rows, more)]
    lines += [f"  Sections: {note}" for note in _sections_note(report)]
    if report.reordered:
        lines += ["  Order (information only, not drift):"]
        lines += [f"    {_reorder_note(r)}" for r in report.reordered]
    return lines


# --------------------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~!])")


def md_cell(text: str) -> str:
    """``text`` safe inside a markdown table cell: one line, markup and pipes escaped."""
    one_line = " ".join(printable(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    body = ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return lines + _limited(
        body, lambda n: f"| … {n} more rows (see drift.json) |" + " |" * (len(header) - 1)
    )


def render_markdown(report: Drift) -> str:
    """The drift as GitHub-flavoured markdown: a status heading, the sources, then tables."""
    drift = _as_catalog(report)
    lines = [f"## Drift check: {md_cell(_headline(drift))}", ""]
    lines += _md_table(
        ["Source", "URL", "Status", "Changed", "Added", "Removed", "Renamed"],
        [
            [
                e.id,
                shorten(e.url, 200),
                e.status,
                *_count_cells(e),
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
    lines = [f"Source: {md_cell(shorten(report.source, 200))}  ", md_cell(_counts(report))]
    if report.changed:
        lines += ["", "#### Changes (severity first)", ""]
        lines += _md_table(
            ["Severity", "Resource", "Listing", "Field", "Before", "After"],
            [
                [str(c.severity), c.id, _name(c.name), c.field, *excerpts(c.before, c.after)]
                for c in _severity_first(report.changed)
            ],
        )
    if report.added:
        lines += ["", f"#### Added ({len(report.added)})", ""]
        lines += _md_table(
            ["Listing", "Section", "Listed again"],
            [[_name(a.name), shorten(a.section, 120), a.relisted or ""] for a in report.added],
        )
    if report.removed:
        lines += ["", f"#### Removed ({len(report.removed)})", ""]
        lines += _md_table(["Resource", "Listing"], [[r.id, _name(r.name)] for r in report.removed])
    if report.renamed:
        lines += ["", f"#### Renamed ({len(report.renamed)})", ""]
        lines += _md_table(
            ["Resource", "Old name", "New name"],
            [[r.id, _name(r.old_name), _name(r.new_name)] for r in report.renamed],
        )
    notes = _sections_note(report) + [_reorder_note(r) for r in report.reordered]
    if notes:
        lines.append("")
        lines += [f"> Note: {md_cell(n)}." for n in notes]
    return lines


# --------------------------------------------------------------------------- json


def render_json(report: Drift) -> str:
    """The drift's JSON form: sorted keys, indent 2, a trailing newline (values whole)."""
    data = _as_catalog(report).to_dict()
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- html


def highlight(before: FieldValue, after: FieldValue) -> tuple[str, str]:
    """Escaped HTML of ``before`` and ``after`` with the differing parts marked.

    Text is compared word by word (``<del>`` in before, ``<ins>`` in after); lists
    item by item. Every piece of text is escaped; long values are shortened.
    """

    def esc(text: str) -> str:
        return html.escape(shorten(text))

    if isinstance(before, tuple) or isinstance(after, tuple):
        old = before if isinstance(before, tuple) else (before,)
        new = after if isinstance(after, tuple) else (after,)
        left = [f"<del>{esc(x)}</del>" if x not in new else esc(x) for x in old]
        right = [f"<ins>{esc(x)}</ins>" if x not in old else esc(x) for x in new]
        return "<br>".join(left) or "<em>(none)</em>", "<br>".join(right) or "<em>(none)</em>"
    if len(before) + len(after) > 4 * MAX_VALUE:
        before, after = excerpts(before, after)
    a, b = before.split(), after.split()
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_text = html.escape(printable(" ".join(a[i1:i2])))
        new_text = html.escape(printable(" ".join(b[j1:j2])))
        if op == "equal":
            left.append(old_text)
            right.append(new_text)
            continue
        if old_text:
            left.append(f"<del>{old_text}</del>")
        if new_text:
            right.append(f"<ins>{new_text}</ins>")
    return " ".join(left) or "<em>(empty)</em>", " ".join(right) or "<em>(empty)</em>"


_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.2em;margin-top:1.8em}h3{font-size:1.05em;margin-top:1.4em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35em .5em;
vertical-align:top;text-align:left}th{background:#f3f3f3}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
.sev{font-weight:bold;text-transform:uppercase;font-size:.85em}
.critical{color:#a00}.major{color:#b60}.minor{color:#666}.clean{color:#070}.drift{color:#a00}
.error{color:#a00}.note{color:#555;font-style:italic}
""".strip()


def _esc(text: str) -> str:
    return html.escape(printable(text))


def _h_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """An HTML table; ``rows`` cells must already be escaped HTML."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = ["<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows]
    body = _limited(
        body,
        lambda n: f'<tr><td colspan="{len(header)}">… {n} more rows (see drift.json)</td></tr>',
    )
    return ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody></table>"]


def render_html(report: Drift) -> str:
    """The drift as one self-contained HTML page (inline CSS, nothing external)."""
    drift = _as_catalog(report)
    esc = _esc
    status = esc(drift.status)
    body = [f'<h1>Drift check: <span class="{status}">{esc(_headline(drift))}</span></h1>']
    for entry in drift.sources:
        st = esc(entry.status)
        body.append(f'<h2>{esc(entry.id or entry.url)}: <span class="{st}">{st}</span></h2>')
        if entry.report is None:
            body.append(
                f'<p class="error">Could not be checked: {esc(shorten(entry.error or ""))}</p>'
            )
            continue
        body += _html_body(entry.report)
    title = drift.sources[0].url if len(drift.sources) == 1 else f"{len(drift.sources)} sources"
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f"<title>Drift check: {esc(drift.status)} - {esc(shorten(title, 200))}</title>",
                f"<style>{_CSS}</style>",
                "</head>",
                "<body>",
                *body,
                "</body>",
                "</html>",
            ]
        )
        + "\n"
    )


def _html_body(report: DriftReport) -> list[str]:
    esc = _esc
    body = [
        f"<p>Source: <code>{esc(shorten(report.source, 200))}</code><br>{esc(_counts(report))}</p>"
    ]
    if report.changed:
        rows = []
        for c in _severity_first(report.changed):
            before, after = highlight(c.before, c.after)
            sev = esc(str(c.severity))
            rows.append(
                [f'<span class="sev {sev}">{sev}</span>', esc(c.id), esc(_name(c.name)),
                 esc(c.field), before, after]
            )  # fmt: skip
        body += ["<h3>Changes (severity first)</h3>"]
        body += _h_table(["Severity", "Resource", "Listing", "Field", "Before", "After"], rows)
    if report.added:
        body += [f"<h3>Added ({len(report.added)})</h3>"]
        body += _h_table(
            ["Listing", "Section", "Text"],
            [
                [
                    esc(_name(a.name)),
                    esc(shorten(a.section, 120)),
                    esc(shorten(a.listing.description)),
                ]
                for a in report.added
            ],
        )
    if report.removed:
        body += [f"<h3>Removed ({len(report.removed)})</h3>"]
        body += _h_table(
            ["Resource", "Listing"], [[esc(r.id), esc(_name(r.name))] for r in report.removed]
        )
    if report.renamed:
        body += [f"<h3>Renamed ({len(report.renamed)})</h3>"]
        rows = []
        for r in report.renamed:
            old, new = highlight(_name(r.old_name), _name(r.new_name))
            rows.append([esc(r.id), old, new])
        body += _h_table(["Resource", "Old name", "New name"], rows)
    notes = _sections_note(report) + [_reorder_note(r) for r in report.reordered]
    body += [f'<p class="note">Note: {esc(n)}.</p>' for n in notes]
    return body


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
