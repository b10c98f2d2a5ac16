"""Renderings of a link check: text for a terminal, markdown for a job summary, JSON.

Text and markdown list the links that need a look (broken first, then unreachable,
then moved) and count the rest; JSON has every link. Values from the catalog or a
server are shown printable and cut (:mod:`resource_catalog._base.display`), markdown cells
escaped.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from resource_catalog._base.display import shorten
from resource_catalog.links.verdicts import LinkStatus
from resource_catalog.reports._parts import limited
from resource_catalog.reports.drift import md_cell

if TYPE_CHECKING:
    from resource_catalog.links.types import LinkReport, LinkResult

__all__ = ["LINK_FORMATS", "render_links"]

LINK_FORMATS: Final = ("text", "json", "markdown")
_ORDER: Final = {
    LinkStatus.BROKEN: 0,
    LinkStatus.UNREACHABLE: 1,
    LinkStatus.REDIRECTED: 2,
    LinkStatus.OK: 3,
}


def render_links(report: LinkReport, fmt: str) -> str:
    """The report as ``text``, ``markdown`` or ``json`` (``{"summary", "links"}``)."""
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "text":
        return _text(report)
    if fmt == "markdown":
        return _markdown(report)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(LINK_FORMATS)}")


def _to_look_at(report: LinkReport) -> list[LinkResult]:
    return sorted(
        (r for r in report.links if r.status is not LinkStatus.OK),
        key=lambda r: (_ORDER[r.status], r.url),
    )


def _counts(report: LinkReport) -> str:
    s = report.summary()
    return (
        f"{s['links']} link(s): {s['ok']} ok, {s['redirected']} redirected, "
        f"{s['broken']} broken, {s['unreachable']} unreachable"
    )


def _records(result: LinkResult) -> str:
    shown = ", ".join(result.resource_ids[:5])
    more = len(result.resource_ids) - 5
    return shown + (f" and {more} more" if more > 0 else "")


def _text(report: LinkReport) -> str:
    lines = []
    for r in _to_look_at(report):
        code = str(r.http_status) if r.http_status is not None else "-"
        lines.append(
            f"{r.status.value:<11} {code:>3}  {shorten(r.url, 200)}  [{_records(r)}]: "
            f"{shorten(r.message)}"
        )
    lines += [
        f"fixed {f.resource_id}: {shorten(f.old, 200)} -> {shorten(f.new, 200)}"
        for f in report.fixes
    ]
    lines.append(f"{_counts(report)} in {report.directory}")
    return "".join(line + "\n" for line in lines)


def _markdown(report: LinkReport) -> str:
    broken = len(report.broken)
    title = "all links work" if not broken else f"{broken} broken link(s)"
    lines = [f"## Link check: {title}", "", md_cell(_counts(report)) + ".", ""]
    rows = [
        "| "
        + " | ".join(
            md_cell(cell)
            for cell in (
                r.status.value,
                shorten(r.url, 200),
                str(r.http_status) if r.http_status is not None else "-",
                _records(r),
                shorten(r.message),
            )
        )
        + " |"
        for r in _to_look_at(report)
    ]
    if rows:
        lines += ["| status | link | HTTP | records | what happened |", "|---|---|---|---|---|"]
        lines += limited(rows, lambda n: f"| … {n} more (see the JSON report) | | | | |")
        lines.append("")
    if report.fixes:
        lines += ["Fixed in the catalog:", ""]
        lines += [
            f"- {md_cell(f.resource_id)}: {md_cell(shorten(f.old, 200))} → "
            f"{md_cell(shorten(f.new, 200))}"
            for f in report.fixes
        ]
        lines.append("")
    return "\n".join(lines)
