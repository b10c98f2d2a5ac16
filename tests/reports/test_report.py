"""Tests of the drift report renderings: text, markdown, json, html.

Reports are built directly from the drift dataclasses. Names and numbers come from the
captured Campus Resources page; the changed number is in the 555-01xx fiction range.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from resource_catalog.drift.compare import (
    Added,
    Changed,
    DriftReport,
    DriftSeverity,
    Removed,
    Renamed,
    Reordered,
)
from resource_catalog.models import Listing
from resource_catalog.reports.drift import (
    FORMATS,
    excerpts,
    highlight,
    md_cell,
    render,
    render_html,
    render_json,
    render_markdown,
    render_text,
)

URL = "http://studentlife.mit.edu/citizenship/resources"
SUPPORT = "Support Resources"
EVIL = "<script>alert('x')</script>"
S3_TEXT = "S3 is located in 5-104 and may be reached at 617-253-4861."


def drift_report() -> DriftReport:
    """A report with one of everything, listed least severe first on purpose."""
    evil = Listing(name=EVIL, section=SUPPORT, description=f"Text with {EVIL} | pipes")
    return DriftReport(
        source=URL,
        added=(Added(EVIL, SUPPORT, evil),),
        removed=(Removed("dean-on-call", "Dean On Call | crafted pipe"),),
        renamed=(
            Renamed("vpr", "Violence Prevetion and Response", "Violence Prevention and Response"),
        ),
        changed=(
            Changed(
                "student-support-services",
                "Student Support Services (S3)",
                "description",
                S3_TEXT,
                S3_TEXT.replace("617-253-4861", "617-555-0123"),
                DriftSeverity.MINOR,
            ),
            Changed(
                "mit-police",
                "MIT Police",
                "links",
                (),
                ("https://example.org/police",),
                DriftSeverity.MAJOR,
            ),
            Changed(
                "student-support-services",
                "Student Support Services (S3)",
                "phones",
                ("+16172534861",),
                ("+16175550123",),
                DriftSeverity.CRITICAL,
            ),
        ),
        reordered=(Reordered(None, (SUPPORT, "Policy Documents"), ("Policy Documents", SUPPORT)),),
    )


CLEAN = DriftReport(source=URL)


def test_render_dispatches_and_rejects_unknown_formats() -> None:
    report = drift_report()
    assert render(report, "text") == render_text(report)
    assert render(report, "markdown") == render_markdown(report)
    assert render(report, "json") == render_json(report)
    assert render(report, "html") == render_html(report)
    assert set(FORMATS) == {"text", "markdown", "json", "html"}
    with pytest.raises(ValueError, match="unknown report format 'yaml'"):
        render(report, "yaml")


def test_json_is_to_dict_sorted_with_trailing_newline() -> None:
    report = drift_report()
    text = render_json(report)
    assert text.endswith("}\n")
    assert json.loads(text) == report.to_dict()
    assert list(json.loads(text)) == sorted(report.to_dict())
    assert render_json(report) == text  # stable
    assert json.loads(render_json(CLEAN))["status"] == "clean"


def test_text_names_ids_and_values_severity_first() -> None:
    text = render_text(drift_report())
    assert text.startswith("Drift check of 1 source(s): drift (worst: critical)\n")
    assert f"\n{URL}: drift\n" in text
    lines = text.splitlines()
    changed = [line for line in lines if line.startswith("    [")]
    assert [line.split("]")[0] for line in changed] == ["    [critical", "    [major", "    [minor"]
    assert "student-support-services" in changed[0]
    assert "+16172534861 -> +16175550123" in changed[0]
    assert "(none) -> https://example.org/police" in changed[1]
    assert "    - dean-on-call (Dean On Call | crafted pipe)" in lines
    assert "information only" in text
    assert render_text(CLEAN).startswith("Drift check of 1 source(s): clean\n")


def test_markdown_heading_and_change_table_severity_first() -> None:
    md = render_markdown(drift_report())
    assert md.splitlines()[0] == "## Drift check: drift (worst: critical)"
    rows = [line for line in md.splitlines() if re.match(r"\| (critical|major|minor) \|", line)]
    assert [row.split(" | ")[0] for row in rows] == ["| critical", "| major", "| minor"]
    assert rows[0] == (
        "| critical | student-support-services | Student Support Services (S3) | phones "
        "| +16172534861 | +16175550123 |"
    )
    assert "#### Added (1)" in md
    assert "#### Removed (1)" in md
    assert "| dean-on-call | Dean On Call \\| crafted pipe |" in md
    assert "#### Renamed (1)" in md
    assert "> Note: the page shows the sections in another order" in md
    assert render_markdown(CLEAN).splitlines()[0] == "## Drift check: clean"


def test_markdown_cells_escape_pipes_and_markup() -> None:
    md = render_markdown(drift_report())
    assert "<script>" not in md
    assert "&lt;script&gt;" in md
    for line in md.splitlines():
        if line.startswith("| ") and ("alert" in line or "dean-on-call" in line):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == line.count(" | ") + 3  # no cell was split by an escaped pipe
            assert len(cells) in (4, 5)  # "", the table's two or three cells, ""
    assert md_cell("a | b *c* `d`\nnext") == r"a \| b \*c\* \`d\` next"


def test_long_text_is_shown_around_the_change() -> None:
    before = " ".join(f"word{i}" for i in range(40)) + " 617-253-4861 end"
    after = before.replace("617-253-4861", "617-555-0123")
    old, new = excerpts(before, after)
    assert old.startswith("... ")
    assert "617-253-4861" in old
    assert "617-555-0123" in new
    assert len(old) < len(before)
    assert excerpts("short", "text") == ("short", "text")
    assert excerpts((), ("a", "b")) == ("(none)", "a, b")


class _Collector(HTMLParser):
    """Collects tags, attributes and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_every_piece_of_text() -> None:
    page = render_html(drift_report())
    parsed = _Collector()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert any(EVIL in chunk for chunk in parsed.text)  # shown as text
    evil_source = DriftReport(source=f"{URL}?q={EVIL}")
    assert "<script>" not in render_html(evil_source)


def test_html_is_self_contained() -> None:
    page = render_html(drift_report())
    parsed = _Collector()
    parsed.feed(page)
    assert page.startswith("<!DOCTYPE html>")
    assert "style" in parsed.tags
    assert not {"link", "img", "iframe", "script"} & set(parsed.tags)
    assert not [value for name, value in parsed.attrs if name in {"src", "href"}]


def test_html_changes_side_by_side_severity_first_highlighted() -> None:
    page = render_html(drift_report())
    positions = [page.index(f'<span class="sev {sev}">') for sev in ("critical", "major", "minor")]
    assert positions == sorted(positions)
    assert "<del>+16172534861</del>" in page
    assert "<ins>+16175550123</ins>" in page
    assert "may be reached at <del>617-253-4861.</del>" in page
    assert "may be reached at <ins>617-555-0123.</ins>" in page
    assert "Violence <del>Prevetion</del>" in page


def test_highlight_escapes_and_marks_only_differences() -> None:
    old, new = highlight("call <b>now</b> please", "call <i>now</i> please")
    assert old == "call <del>&lt;b&gt;now&lt;/b&gt;</del> please"
    assert new == "call <ins>&lt;i&gt;now&lt;/i&gt;</ins> please"
    old, new = highlight(("5-104", "E23"), ("E23",))
    assert (old, new) == ("<del>5-104</del><br>E23", "E23")
    assert highlight((), ("a&b",)) == ("<em>(none)</em>", "<ins>a&amp;b</ins>")
