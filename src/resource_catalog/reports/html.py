"""The drift as one self-contained HTML page.

Inline CSS, no scripts, nothing external; before and after side by side with the
differing words marked. Every piece of text from a page or the catalog is escaped.
"""

from __future__ import annotations

import difflib
import html

from resource_catalog._base.display import MAX_VALUE, printable, shorten
from resource_catalog.drift.compare import DriftReport, FieldValue
from resource_catalog.reports._parts import (
    Drift,
    as_catalog,
    counts,
    excerpts,
    headline,
    limited,
    reorder_note,
    sections_note,
    severity_first,
    short_name,
)

__all__ = ["highlight", "render_html"]


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
    body = limited(
        body,
        lambda n: f'<tr><td colspan="{len(header)}">… {n} more rows (see drift.json)</td></tr>',
    )
    return ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody></table>"]


def render_html(report: Drift) -> str:
    """The drift as one self-contained HTML page (inline CSS, nothing external)."""
    drift = as_catalog(report)
    esc = _esc
    status = esc(drift.status)
    body = [f'<h1>Drift check: <span class="{status}">{esc(headline(drift))}</span></h1>']
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
        f"<p>Source: <code>{esc(shorten(report.source, 200))}</code><br>{esc(counts(report))}</p>"
    ]
    if report.changed:
        rows = []
        for c in severity_first(report.changed):
            before, after = highlight(c.before, c.after)
            sev = esc(str(c.severity))
            rows.append(
                [f'<span class="sev {sev}">{sev}</span>', esc(c.id), esc(short_name(c.name)),
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
                    esc(short_name(a.name)),
                    esc(shorten(a.section, 120)),
                    esc(shorten(a.listing.description)),
                ]
                for a in report.added
            ],
        )
    if report.removed:
        body += [f"<h3>Removed ({len(report.removed)})</h3>"]
        body += _h_table(
            ["Resource", "Listing"], [[esc(r.id), esc(short_name(r.name))] for r in report.removed]
        )
    if report.renamed:
        body += [f"<h3>Renamed ({len(report.renamed)})</h3>"]
        rows = []
        for r in report.renamed:
            old, new = highlight(short_name(r.old_name), short_name(r.new_name))
            rows.append([esc(r.id), old, new])
        body += _h_table(["Resource", "Old name", "New name"], rows)
    notes = sections_note(report) + [reorder_note(r) for r in report.reordered]
    body += [f'<p class="note">Note: {esc(n)}.</p>' for n in notes]
    return body
