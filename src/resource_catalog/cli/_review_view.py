"""How the review commands show a queue item to people: values on one line, conflicts side by side.

Text and markdown for ``review list`` and ``review show`` (their JSON is the workflow's
values as they are). Rendering only: the queue comes from
:mod:`resource_catalog.workflows.review`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import JsonValue

    from resource_catalog.workflows.review import QueueItem

#: Widest value shown on one line of text output (the JSON keeps values whole).
WIDTH = 100
#: A review reason is a sentence a maintainer acts on: shown (nearly) whole.
REASON_WIDTH = 400
_TAKE = "--take page|catalog"


# --------------------------------------------------------------------------- values


def show_value(value: JsonValue, width: int = WIDTH) -> str:
    """A field's JSON value as one line for people: phones, rooms, links, a review."""
    if value is None:
        text = "(none)"
    elif isinstance(value, str):
        text = value or '""'
    elif isinstance(value, list):
        text = "; ".join(_item(v) for v in value) or "(none)"
    else:
        text = _item(value)
    from resource_catalog._base.display import printable  # noqa: PLC0415

    text = printable(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def _item(item: JsonValue) -> str:
    if not isinstance(item, dict):
        return item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
    label = f" ({item['label']})" if item.get("label") else ""
    text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
    if "number" in item:
        ext = f" x{item['extension']}" if item.get("extension") else ""
        kind = f" [{item['kind']}]" if item.get("kind") not in (None, "voice") else ""
        text = f"{item['number']}{ext}{kind}{label}"
    elif "building" in item:
        room = f"-{item['room']}" if item.get("room") else ""
        text = f"{item['building']}{room}{label}"
    elif "source_id" in item:
        listed = "" if item.get("listed", True) else ", not listed"
        text = f"{item['source_id']}: {item.get('name') or '(no name)'}{listed}"
    elif "url" in item:
        text = f"{item['url']}{label}"
    elif "needs_review" in item:
        text = _review_state(item)
    return text


def _review_state(review: dict[str, JsonValue]) -> str:
    reviewed = review.get("last_reviewed")
    last = f"last reviewed {reviewed}" if reviewed else "never reviewed"
    if not review.get("needs_review"):
        return f"not flagged, {last}"
    reasons, conflicts = review.get("reasons"), review.get("conflicts")
    n_reasons = len(reasons) if isinstance(reasons, list) else 0
    n_conflicts = len(conflicts) if isinstance(conflicts, list) else 0
    return f"needs review ({n_reasons} reason(s), {n_conflicts} conflict(s)), {last}"


def show_pair(left: JsonValue, right: JsonValue, width: int = WIDTH) -> tuple[str, str]:
    """Two values of one field for people; two long texts cut to where they differ."""
    if isinstance(left, str) and isinstance(right, str):
        from resource_catalog.reports.drift import excerpts  # noqa: PLC0415

        left, right = excerpts(left, right)
    return show_value(left, width), show_value(right, width)


def when(day: dt.date | None, never: str) -> str:
    return day.isoformat() if day is not None else never


# --------------------------------------------------------------------------- list


def _text_item(item: QueueItem, *, stale: bool) -> list[str]:
    review_ = item.review
    if stale:
        state = f"last reviewed {when(review_.last_reviewed, 'never')}"
    else:
        state = f"flagged {when(review_.flagged_at, 'on no recorded date')}"
    lines = [f"{item.id}: {show_value(item.resource.name)} ({state})"]
    if not stale:
        lines += [f"  - {show_value(reason, REASON_WIDTH)}" for reason in review_.reasons]
        for c in review_.conflicts:
            page, catalog = show_pair(c.page, c.catalog, 40)
            lines.append(
                f"  conflict on {c.field} ({c.source_id}): page {page} | catalog {catalog}"
            )
    return lines


def _markdown_item(item: QueueItem) -> list[str]:
    from resource_catalog.reports.drift import md_cell  # noqa: PLC0415

    review_ = item.review
    reasons = "; ".join(md_cell(r) for r in review_.reasons) or "no reason recorded"
    lines = [f"- [ ] `{item.id}` {md_cell(item.resource.name)}: {reasons}"]
    for c in review_.conflicts:
        page, catalog = show_pair(c.page, c.catalog, 60)
        lines.append(
            f"  - conflict on {md_cell(c.field)} ({md_cell(c.source_id)}): "
            f"page {md_cell(page)} / catalog {md_cell(catalog)}"
        )
    return lines


def render_queue(items: Sequence[QueueItem], fmt: str, *, stale: bool) -> str:
    if fmt == "json":
        return json.dumps([i.to_dict() for i in items], indent=2, ensure_ascii=False) + "\n"
    what = "due for re-verification" if stale else "to review"
    if fmt == "markdown":
        if not items:
            return f"No records {what}.\n"
        return "\n".join(line for i in items for line in _markdown_item(i)) + "\n"
    if not items:
        return f"no records {what}\n"
    lines = [line for i in items for line in _text_item(i, stale=stale)]
    step = "review done ID" if stale else "review show ID"
    lines.append(f"{len(items)} record(s) {what}; `resource-catalog {step}` next")
    return "\n".join(lines) + "\n"


def show_text(item: QueueItem) -> list[str]:
    review_ = item.review
    flag = (
        f"needs review (flagged {when(review_.flagged_at, 'on no recorded date')})"
        if review_.needs_review
        else "not flagged"
    )
    lines = [
        f"{item.id}: {show_value(item.resource.name)}",
        f"  {flag}; last reviewed {when(review_.last_reviewed, 'never')}",
    ]
    lines += [f"  - {show_value(reason, REASON_WIDTH)}" for reason in review_.reasons]
    for c in review_.conflicts:
        page, catalog = show_pair(c.page, c.catalog)
        lines += [
            f"  conflict on {c.field} with the page {c.source_id}:",
            f"    page:    {page}",
            f"    catalog: {catalog}",
            f"    before:  {show_pair(c.base, c.page)[0]}  (what the page said at the last sync)",
            f"    resolve: resource-catalog review resolve {item.id} --field {c.field} {_TAKE}",
        ]
    for d in item.differences:
        page, catalog = show_pair(d.page, d.catalog)
        lines += [
            f"  {d.field} differs on the page {d.source_id}:",
            f"    page:    {page}",
            f"    catalog: {catalog}",
        ]
    if review_.needs_review:
        lines.append(f"  when checked: resource-catalog review done {item.id}")
    return lines
