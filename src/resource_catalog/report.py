"""Renderings of a :class:`~resource_catalog.drift.DriftReport`: text, markdown, json, html.

* ``text``: for a terminal.
* ``markdown``: for ``$GITHUB_STEP_SUMMARY`` or an issue body; a table of changes,
  severity first, then added / removed / renamed, reorders as a note. Cells are
  escaped (pipes, markdown and HTML markup) so page text cannot break the table.
* ``json``: :meth:`DriftReport.to_dict`, keys sorted, indented, newline-terminated.
* ``html``: one self-contained page (inline CSS, no scripts, no external assets),
  before and after side by side with the differing parts highlighted. Every piece
  of text from the page or the catalog goes through :func:`html.escape`.

All renderers are pure functions of the report. :func:`render_validation` renders
a :class:`~resource_catalog.validate.ValidationResult` as text, json or GitHub
workflow annotations.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from resource_catalog.drift import FIELD_SEVERITY, Changed, DriftReport, FieldValue, Reordered

if TYPE_CHECKING:
    from resource_catalog.validate import ValidationResult

FORMATS = ("text", "markdown", "json", "html")
_FIELD_ORDER = {name: i for i, name in enumerate(FIELD_SEVERITY)}


def _severity_first(report: DriftReport) -> list[Changed]:
    return sorted(
        report.changed,
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
        return _plain(before), _plain(after)
    a, b = before.split(), after.split()
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    if not changed:
        return _plain(before), _plain(after)
    i1, j1 = changed[0][1] - _CONTEXT, changed[0][3] - _CONTEXT
    i2, j2 = changed[-1][2] + _CONTEXT, changed[-1][4] + _CONTEXT

    def cut(words: list[str], start: int, end: int) -> str:
        start, end = max(start, 0), min(end, len(words))
        text = " ".join(words[start:end])
        return ("... " if start > 0 else "") + text + (" ..." if end < len(words) else "")

    return cut(a, i1, i2), cut(b, j1, j2)


def _name(name: str) -> str:
    return name or "(no name)"


def _headline(report: DriftReport) -> str:
    worst = report.max_severity
    return f"{report.status}" + (f" (worst: {worst})" if worst is not None else "")


def _counts(report: DriftReport) -> str:
    return (
        f"{len(report.changed)} changed, {len(report.added)} added, "
        f"{len(report.removed)} removed, {len(report.renamed)} renamed"
    )


def _reorder_note(item: Reordered) -> str:
    where = "the sections" if item.section is None else f"the listings of {item.section!r}"
    return f"the page shows {where} in another order: {', '.join(item.after)}"


def render_text(report: DriftReport) -> str:
    """The report for a terminal: a headline, then one line per difference."""
    lines = [f"Drift check of {report.source}: {_headline(report)}", f"  {_counts(report)}"]
    if report.changed:
        lines += ["", "Changed (severity first):"]
        lines += [
            f"  [{c.severity}] {c.id} ({_name(c.name)}) {c.field}: {{}} -> {{}}".format(
                *excerpts(c.before, c.after)
            )
            for c in _severity_first(report)
        ]
    if report.added:
        lines += ["", "Added:"] + [f"  + {_name(a.name)} ({a.section})" for a in report.added]
    if report.removed:
        lines += ["", "Removed:"] + [f"  - {r.id} ({_name(r.name)})" for r in report.removed]
    if report.renamed:
        lines += ["", "Renamed:"]
        lines += [f"  ~ {r.id}: {_name(r.old_name)} -> {_name(r.new_name)}" for r in report.renamed]
    if report.reordered:
        lines += ["", "Order (information only, not drift):"]
        lines += [f"  {_reorder_note(r)}" for r in report.reordered]
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~!])")


def md_cell(text: str) -> str:
    """``text`` safe inside a markdown table cell: one line, markup and pipes escaped."""
    one_line = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def render_markdown(report: DriftReport) -> str:
    """The report as GitHub-flavoured markdown: a status heading, then tables."""
    lines = [
        f"## Drift check: {md_cell(_headline(report))}",
        "",
        f"Source: {md_cell(report.source)}  ",
        md_cell(_counts(report)),
    ]
    if report.changed:
        lines += ["", "### Changes (severity first)", ""]
        lines += _md_table(
            ["Severity", "Resource", "Listing", "Field", "Before", "After"],
            [
                [str(c.severity), c.id, _name(c.name), c.field, *excerpts(c.before, c.after)]
                for c in _severity_first(report)
            ],
        )
    if report.added:
        lines += ["", f"### Added ({len(report.added)})", ""]
        lines += _md_table(
            ["Listing", "Section"], [[_name(a.name), a.section] for a in report.added]
        )
    if report.removed:
        lines += ["", f"### Removed ({len(report.removed)})", ""]
        lines += _md_table(["Resource", "Listing"], [[r.id, _name(r.name)] for r in report.removed])
    if report.renamed:
        lines += ["", f"### Renamed ({len(report.renamed)})", ""]
        lines += _md_table(
            ["Resource", "Old name", "New name"],
            [[r.id, _name(r.old_name), _name(r.new_name)] for r in report.renamed],
        )
    if report.reordered:
        lines.append("")
        lines += [f"> Note (not drift): {md_cell(_reorder_note(r))}." for r in report.reordered]
    return "\n".join(lines) + "\n"


def render_json(report: DriftReport) -> str:
    """The report's JSON form: sorted keys, indent 2, a trailing newline."""
    return json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def highlight(before: FieldValue, after: FieldValue) -> tuple[str, str]:
    """Escaped HTML of ``before`` and ``after`` with the differing parts marked.

    Text is compared word by word (``<del>`` in before, ``<ins>`` in after); lists
    item by item. Every piece of text is escaped.
    """
    if isinstance(before, tuple) or isinstance(after, tuple):
        old = before if isinstance(before, tuple) else (before,)
        new = after if isinstance(after, tuple) else (after,)
        left = [f"<del>{html.escape(x)}</del>" if x not in new else html.escape(x) for x in old]
        right = [f"<ins>{html.escape(x)}</ins>" if x not in old else html.escape(x) for x in new]
        return "<br>".join(left) or "<em>(none)</em>", "<br>".join(right) or "<em>(none)</em>"
    a, b = before.split(), after.split()
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_text, new_text = html.escape(" ".join(a[i1:i2])), html.escape(" ".join(b[j1:j2]))
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
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35em .5em;
vertical-align:top;text-align:left}th{background:#f3f3f3}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
.sev{font-weight:bold;text-transform:uppercase;font-size:.85em}
.critical{color:#a00}.major{color:#b60}.minor{color:#666}.clean{color:#070}.drift{color:#a00}
.note{color:#555;font-style:italic}
""".strip()


def _h_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """An HTML table; ``rows`` cells must already be escaped HTML."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = ["<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows]
    return ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody></table>"]


def render_html(report: DriftReport) -> str:
    """The report as one self-contained HTML page (inline CSS, nothing external)."""
    esc = html.escape
    status = esc(report.status)
    body = [
        f'<h1>Drift check: <span class="{status}">{esc(_headline(report))}</span></h1>',
        f"<p>Source: <code>{esc(report.source)}</code><br>{esc(_counts(report))}</p>",
    ]
    if report.changed:
        rows = []
        for c in _severity_first(report):
            before, after = highlight(c.before, c.after)
            sev = esc(str(c.severity))
            rows.append(
                [f'<span class="sev {sev}">{sev}</span>', esc(c.id), esc(_name(c.name)),
                 esc(c.field), before, after]
            )  # fmt: skip
        body += ["<h2>Changes (severity first)</h2>"]
        body += _h_table(["Severity", "Resource", "Listing", "Field", "Before", "After"], rows)
    if report.added:
        body += [f"<h2>Added ({len(report.added)})</h2>"]
        body += _h_table(
            ["Listing", "Section", "Text"],
            [
                [esc(_name(a.name)), esc(a.section), esc(a.listing.description)]
                for a in report.added
            ],
        )
    if report.removed:
        body += [f"<h2>Removed ({len(report.removed)})</h2>"]
        body += _h_table(
            ["Resource", "Listing"], [[esc(r.id), esc(_name(r.name))] for r in report.removed]
        )
    if report.renamed:
        body += [f"<h2>Renamed ({len(report.renamed)})</h2>"]
        rows = []
        for r in report.renamed:
            old, new = highlight(_name(r.old_name), _name(r.new_name))
            rows.append([esc(r.id), old, new])
        body += _h_table(["Resource", "Old name", "New name"], rows)
    body += [f'<p class="note">Not drift: {esc(_reorder_note(r))}.</p>' for r in report.reordered]
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                "<head>",
                '<meta charset="utf-8">',
                f"<title>Drift check: {esc(report.status)} - {esc(report.source)}</title>",
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


_RENDERERS: dict[str, Callable[[DriftReport], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}


def render(report: DriftReport, fmt: str) -> str:
    """The report in format ``fmt`` (one of :data:`FORMATS`); ``ValueError`` otherwise."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}") from None
    return renderer(report)


# -- validation results ----------------------------------------------------------

VALIDATION_FORMATS = ("text", "json", "github")


def render_validation(
    result: ValidationResult, fmt: str, *, relative_to: Path | None = None
) -> str:
    """A validation result as ``text`` (one line per finding and a summary line),
    ``json`` (``{"summary": {...}, "findings": [...]}``) or ``github`` (workflow
    annotations). Paths are shown relative to ``relative_to`` (default: the
    working directory) when they are inside it.
    """
    summary = result.summary()
    if fmt == "json":
        payload = {
            "summary": summary,
            "findings": [f.model_dump(mode="json") for f in result.findings],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt not in VALIDATION_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(VALIDATION_FORMATS)}")
    base = relative_to or Path.cwd()
    lines = []
    for f in result.findings:
        value = f" {f.value!r}" if f.value is not None else ""
        if fmt == "github":
            path = _shown_path(result.directory / f.file, base) if f.file else ""
            message = f"{f.field or ''}:{value} {f.message}"
            lines.append(
                f"::{f.severity.value} file={_gh_property(path)},title={_gh_property(f.code)}"
                f"::{_gh_data(message)}"
            )
        else:
            lines.append(
                f"{f.file or result.directory}: {f.field or '-'}:{value}: "
                f"{f.severity.value}: {f.message} [{f.code}]"
            )
    if fmt == "text":
        lines.append(
            f"{summary['resources']} active resources, {summary['errors']} errors, "
            f"{summary['warnings']} warnings in {_shown_path(result.directory, base)}"
        )
    return "".join(line + "\n" for line in lines)


def _shown_path(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _gh_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's own escaping rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    """Escape a workflow command's property value (also ``:`` and ``,``)."""
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")
