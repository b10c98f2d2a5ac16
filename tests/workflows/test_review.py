"""The review queue and its steps, as a maintainer runs them and as a library call.

The end-to-end test is the issue's "done when": after a sync with a conflict and a new
listing, ``review list --format json`` shows both with their reasons; ``resolve`` and
``done`` empty the queue; ``history`` shows every step; ``validate`` passes; the HSDS
export's change log validates against the HSDS descriptor.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import frictionless
import pytest

import resource_catalog as rc
from resource_catalog.checks.validate import load_catalog, validate_catalog
from resource_catalog.errors import CatalogError, CatalogLockedError, ReviewError
from resource_catalog.store.events import Action
from resource_catalog.store.files import catalog_lock
from resource_catalog.workflows import review
from tests.conftest import CATALOG, read_record
from tests.curation import (
    CURATED_PHONE,
    FLAGGED_BY_HAND,
    NEW,
    OLD_PHONE,
    PAGE_PHONE,
    S3,
    SOURCE,
    make_review_work,
    run,
)

Edit = Callable[[str, Callable[[dict[str, Any]], None]], Path]
QUEUE_KEYS = {"id", "name", "reasons", "conflicts", "flagged_at"}


@pytest.fixture
def work(catalog_dir: Path, tmp_path: Path) -> Path:
    """A copy of the catalog after a sync that left a conflict and a new listing."""
    return make_review_work(catalog_dir, tmp_path)


def queue_json(directory: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    result = run("review", "list", "--catalog", directory, "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.output
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return result.exit_code, data


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


# -------------------------------------------------------------------- the whole job


def test_a_maintainer_works_through_the_queue_to_empty(work: Path, tmp_path: Path) -> None:
    code, queue = queue_json(work)
    assert code == 1
    by_id = {item["id"]: item for item in queue}
    assert set(by_id) == {S3, NEW, *FLAGGED_BY_HAND}
    assert all(set(item) == QUEUE_KEYS for item in queue)
    assert by_id[NEW]["reasons"] == ["new listing on the page"]
    assert by_id[NEW]["conflicts"] == []
    [conflict] = by_id[S3]["conflicts"]
    assert conflict["field"] == "phones"
    assert conflict["source_id"] == SOURCE
    assert [p["number"] for p in conflict["base"]] == [OLD_PHONE]
    assert [p["number"] for p in conflict["page"]] == [PAGE_PHONE]
    assert [p["number"] for p in conflict["catalog"]] == [CURATED_PHONE]
    assert any(r.startswith("phones: changed both on the page") for r in by_id[S3]["reasons"])
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert by_id[S3]["flagged_at"] == by_id[NEW]["flagged_at"] == today
    # Flags without a date (set by hand) come first, then the oldest.
    assert [item["id"] for item in queue][-2:] == sorted([NEW, S3])

    shown = run("review", "show", S3, "--catalog", work)
    assert shown.exit_code == 1
    assert f"page:    {PAGE_PHONE}" in shown.output
    assert f"catalog: {CURATED_PHONE}" in shown.output

    resolved = run(
        "review", "resolve", S3, "--field", "phones", "--take", "page", "--catalog", work
    )
    assert resolved.exit_code == 0, resolved.output
    assert [p["number"] for p in read_record(work, S3)["phones"]] == [PAGE_PHONE]
    for rid in (S3, NEW, *FLAGGED_BY_HAND):
        done = run("review", "done", rid, "--catalog", work)
        assert done.exit_code == 0, done.output
        assert "no longer flagged" in done.output

    code, queue = queue_json(work)
    assert (code, queue) == (0, [])
    empty = run("review", "list", "--catalog", work)
    assert empty.exit_code == 0
    assert empty.output == "no records to review\n"

    history = run("history", S3, "--catalog", work, "--format", "json")
    assert history.exit_code == 0, history.output
    steps = [(e["action"], e["field"]) for e in json.loads(history.stdout)]
    assert ("conflict", "phones") in steps
    assert steps[-2:] == [("resolved", "phones"), ("reviewed", "review")]
    text = run("history", NEW, "--catalog", work)
    assert [line.split()[1] for line in text.output.splitlines()] == ["created", "reviewed"]

    validated = run("validate", "--catalog", work)
    assert validated.exit_code == 0, validated.output
    assert validate_catalog(work).errors == ()

    out = tmp_path / "hsds"
    exported = run("export", "--catalog", work, "--format", "hsds", "-o", out)
    assert exported.exit_code == 0, exported.output
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.flatten(["rowNumber", "fieldName", "type", "note"]) == []
    metadata = (out / "metadata.csv").read_text(encoding="utf-8")
    assert ",resolved,phones," in metadata
    assert ",created,name,null,Example Peer Listening Line," in metadata


# -------------------------------------------------------------------- the queue


def test_bare_review_is_review_list(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(work)  # the default catalog: the working directory
    bare, listed = run("review"), run("review", "list")
    assert bare.exit_code == listed.exit_code == 1
    assert bare.output == listed.output
    assert f"{S3}: Student Support Services (flagged " in bare.output
    assert bare.output.endswith("6 record(s) to review; `resource-catalog review show ID` next\n")


def test_queue_items_carry_exactly_the_documented_keys(work: Path) -> None:
    items = rc.review_queue(work)
    assert [i.id for i in items][:4] == sorted(FLAGGED_BY_HAND)
    for item in items:
        assert set(item.to_dict()) == QUEUE_KEYS
        assert item.to_dict()["conflicts"] == [
            c.model_dump(mode="json") for c in item.resource.review.conflicts
        ]


def test_queue_takes_a_loaded_catalog_too(work: Path) -> None:
    catalog = load_catalog(work)
    assert [i.id for i in rc.review_queue(catalog)] == [i.id for i in rc.review_queue(work)]


def test_markdown_queue_is_a_checklist_with_page_text_escaped(
    work: Path, edit_record: Edit
) -> None:
    edit_record(NEW, lambda d: d["review"].update(reasons=["<script>x</script> *bold* | pipe"]))
    result = run("review", "list", "--catalog", work, "--format", "markdown")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert all(line.startswith(("- [ ] `", "  - conflict on ")) for line in lines)
    new = next(line for line in lines if f"`{NEW}`" in line)
    assert "<script>" not in new
    assert "&lt;script&gt;" in new
    assert "\\*bold\\*" in new
    assert "\\|" in new
    assert f"page {PAGE_PHONE} / catalog {CURATED_PHONE}" in result.output


def test_empty_markdown_queue_says_so(catalog_dir: Path) -> None:
    for rid in FLAGGED_BY_HAND:
        assert run("review", "done", rid, "--catalog", catalog_dir).exit_code == 0
    result = run("review", "list", "--catalog", catalog_dir, "--format", "markdown")
    assert (result.exit_code, result.output) == (0, "No records to review.\n")


def _reviewed(edit_record: Edit, dates: dict[str, str | None]) -> None:
    """Set records' ``last_reviewed`` (an ISO date, or ``None`` for never)."""
    for rid, day in dates.items():

        def change(d: dict[str, Any], day: str | None = day) -> None:
            d["review"]["last_reviewed"] = day

        edit_record(rid, change)


def test_stale_lists_overdue_active_records_never_reviewed_first_then_oldest(
    catalog_dir: Path, edit_record: Edit
) -> None:
    today = dt.date(2026, 11, 28)
    _reviewed(
        edit_record,
        {
            "chaplaincy": "2025-11-27",  # 366 days: overdue
            "mit-police": None,  # never
            "ethicspoint": "2024-01-01",  # the oldest
            "ombuds-office": "2025-11-28",  # 365 days: just in time
        },
    )

    def retire(d: dict[str, Any]) -> None:
        d["status"] = "retired"
        d["review"]["last_reviewed"] = None

    edit_record("stop-it", retire)  # retired records are not re-verified
    items = rc.review_queue(catalog_dir, stale=True, today=today)
    assert [i.id for i in items] == ["mit-police", "ethicspoint", "chaplaincy"]
    # The same records validate warns about, on the same day.
    warned = {
        f.resource_id
        for f in validate_catalog(catalog_dir, today=today).warnings
        if f.code == "stale-review"
    }
    assert warned == {i.id for i in items}


def test_stale_interval_comes_from_catalog_json(catalog_dir: Path) -> None:
    meta = json.loads((catalog_dir / "catalog.json").read_text(encoding="utf-8"))
    meta["review_interval_days"] = 1
    (catalog_dir / "catalog.json").write_text(json.dumps(meta), encoding="utf-8")
    items = rc.review_queue(catalog_dir, stale=True, today=dt.date(2026, 11, 28))
    assert len(items) == len(load_catalog(catalog_dir).active)


def test_stale_cli_lists_oldest_first_and_exits_1(catalog_dir: Path, edit_record: Edit) -> None:
    long_ago = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=800)).isoformat()
    _reviewed(edit_record, {"chaplaincy": long_ago, "mit-police": None})
    result = run("review", "list", "--stale", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        "mit-police: MIT Police (last reviewed never)",
        f"chaplaincy: Chaplaincy (last reviewed {long_ago})",
    ]
    meta = json.loads((catalog_dir / "catalog.json").read_text(encoding="utf-8"))
    meta["review_interval_days"] = 100_000
    (catalog_dir / "catalog.json").write_text(json.dumps(meta), encoding="utf-8")
    _reviewed(edit_record, {"mit-police": long_ago})
    fresh = run("review", "list", "--stale", "--catalog", catalog_dir, "--format", "json")
    assert (fresh.exit_code, json.loads(fresh.stdout)) == (0, [])
    text = run("review", "list", "--stale", "--catalog", catalog_dir)
    assert text.output == "no records due for re-verification\n"


# -------------------------------------------------------------------- show


def test_show_puts_page_and_catalog_side_by_side(work: Path) -> None:
    result = run("review", "show", S3, "--catalog", work)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    at = lines.index(f"  conflict on phones with the page {SOURCE}:")
    assert lines[at + 1] == f"    page:    {PAGE_PHONE}"
    assert lines[at + 2] == f"    catalog: {CURATED_PHONE} (Student Support Services (S3))"
    assert lines[at + 3].startswith(f"    before:  {OLD_PHONE}")
    assert lines[at + 4].endswith(f"resolve {S3} --field phones --take page|catalog")
    # A curated name that differs from the page's is shown too.
    at = lines.index(f"  name differs on the page {SOURCE}:")
    assert lines[at + 1 : at + 3] == [
        "    page:    Student Support Services (S3)",
        "    catalog: Student Support Services",
    ]
    assert lines[-1] == f"  when checked: resource-catalog review done {S3}"


def test_show_json_is_the_queue_item(work: Path) -> None:
    result = run("review", "show", NEW, "--catalog", work, "--format", "json")
    assert result.exit_code == 1
    [item] = [i for i in rc.review_queue(work) if i.id == NEW]
    assert json.loads(result.stdout) == item.to_dict()


def test_show_a_record_that_needs_nothing_exits_0() -> None:
    result = run("review", "show", "chaplaincy", "--catalog", CATALOG)
    assert result.exit_code == 0
    assert "not flagged; last reviewed 2026-11-26" in result.output


def test_show_an_unknown_record_is_one_error_line() -> None:
    result = run("review", "show", "chaplancy", "--catalog", CATALOG)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no record 'chaplancy' in {CATALOG}; did you mean 'chaplaincy'?\n"
    )


# -------------------------------------------------------------------- resolve


LATER = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_take_catalog_keeps_the_curated_value_and_records_it(work: Path) -> None:
    before = read_record(work, S3)
    result = rc.resolve_conflict(work, S3, "phones", "catalog", at=LATER)
    after = read_record(work, S3)
    assert after["phones"] == before["phones"]
    assert after["review"]["conflicts"] == []
    assert after["review"]["needs_review"] is True  # until someone says done
    assert result.event.action is Action.RESOLVED
    assert result.event.before == result.event.after == before["phones"]
    assert result.event.source_id == SOURCE
    assert load_catalog(work).history[-1] == result.event
    # Keeping the curated value is no change for consumers.
    assert load_catalog(work).changes(LATER) == []


def test_take_page_validates_the_page_value_into_the_field(work: Path) -> None:
    result = rc.resolve_conflict(work, S3, "phones", "page", at=LATER)
    assert [p.number for p in result.resource.phones] == [PAGE_PHONE]
    assert result.written == (work / "history.jsonl", work / "resources" / f"{S3}.json")
    [change] = load_catalog(work).changes(LATER)
    assert (change.resource_id, change.change, change.fields) == (S3, "updated", ("phones",))


def _second_page_conflict(edit_record: Edit, work: Path) -> None:
    def add(d: dict[str, Any]) -> None:
        other = {**d["review"]["conflicts"][0], "source_id": "other-page"}
        d["review"]["conflicts"].append(other)

    edit_record(S3, add)
    # validate reports a conflict with a page catalog.json does not follow
    meta = json.loads((work / "catalog.json").read_text(encoding="utf-8"))
    meta["sources"].append({"id": "other-page", "url": "https://example.edu/other", "title": "x"})
    (work / "catalog.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def test_two_pages_in_conflict_need_source(work: Path, edit_record: Edit) -> None:
    _second_page_conflict(edit_record, work)
    before = files_of(work)
    result = run("review", "resolve", S3, "--field", "phones", "--take", "page", "--catalog", work)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {S3} has conflicts on phones with several pages ({SOURCE}, other-page); "
        "pass --source ID\n"
    )
    assert files_of(work) == before
    ok = rc.resolve_conflict(work, S3, "phones", "catalog", source_id="other-page")
    assert [(c.field, c.source_id) for c in ok.resource.review.conflicts] == [("phones", SOURCE)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (S3, "--field", "name"),
            f"{S3} has no conflict on 'name' (its conflicts: phones ({SOURCE}))",
        ),
        (
            (S3, "--field", "phones", "--source", "elsewhere"),
            f"{S3} has no conflict on 'phones' with elsewhere (its conflicts: phones ({SOURCE}))",
        ),
        (
            ("chaplaincy", "--field", "phones"),
            "chaplaincy has no conflict on 'phones' (it has none)",
        ),
        (("nobody", "--field", "phones"), "no record 'nobody' in {work}"),
    ],
)
def test_resolve_refusals_are_one_line_and_write_nothing(
    work: Path, args: tuple[str, ...], message: str
) -> None:
    before = files_of(work)
    result = run("review", "resolve", *args, "--take", "page", "--catalog", work)
    assert result.exit_code == 2
    assert result.stderr == f"error: {message.format(work=work)}\n"
    assert files_of(work) == before


def test_a_page_value_the_schema_rejects_is_refused(work: Path, edit_record: Edit) -> None:
    def empty_name_conflict(d: dict[str, Any]) -> None:
        d["review"]["conflicts"].append(
            {"field": "name", "source_id": SOURCE, "base": "S3", "page": "  ", "catalog": d["name"]}
        )

    edit_record(S3, empty_name_conflict)
    before = files_of(work)
    with pytest.raises(
        ReviewError, match=r"the page's name for student-support-services would not"
    ):
        rc.resolve_conflict(work, S3, "name", "page")
    assert files_of(work) == before
    rc.resolve_conflict(work, S3, "name", "catalog")  # keeping the curated one is fine


def test_a_page_value_validate_rejects_is_refused(work: Path, edit_record: Edit) -> None:
    def bad_room(d: dict[str, Any]) -> None:
        page = [{"building": "ZZ99", "room": "1", "label": None}]
        d["review"]["conflicts"].append(
            {"field": "locations", "source_id": SOURCE, "base": [], "page": page, "catalog": []}
        )

    edit_record(S3, bad_room)
    before = files_of(work)
    with pytest.raises(
        ReviewError, match=r"would not validate .*locations\[0\]\.building: building is not in"
    ):
        rc.resolve_conflict(work, S3, "locations", "page")
    assert files_of(work) == before


def test_take_must_be_page_or_catalog(work: Path) -> None:
    with pytest.raises(ReviewError, match="take must be 'page' or 'catalog'"):
        rc.resolve_conflict(work, S3, "phones", "theirs")  # type: ignore[arg-type]
    result = run(
        "review", "resolve", S3, "--field", "phones", "--take", "theirs", "--catalog", work
    )
    assert result.exit_code == 2
    assert "'theirs' is not one of 'page', 'catalog'" in result.output


# -------------------------------------------------------------------- done


def test_done_with_a_conflict_left_marks_reviewed_keeps_the_flag_and_exits_1(work: Path) -> None:
    result = run("review", "done", S3, "--catalog", work)
    assert result.exit_code == 1
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert result.output == (
        f"{S3}: reviewed {today}, but still flagged: resolve the conflict(s) on phones "
        f"({SOURCE}) with `resource-catalog review resolve {S3} --field F --take page|catalog`\n"
    )
    review_ = read_record(work, S3)["review"]
    assert review_["last_reviewed"] == today
    assert review_["needs_review"] is True
    assert [c["field"] for c in review_["conflicts"]] == ["phones"]
    assert review_["reasons"]
    assert load_catalog(work).history[-1].action is Action.REVIEWED


def test_done_clears_the_flag_reasons_and_date(work: Path) -> None:
    result = rc.mark_reviewed(work, NEW, today=dt.date(2026, 12, 1))
    assert result.cleared
    assert result.remaining == ()
    assert read_record(work, NEW)["review"] == {
        "needs_review": False,
        "reasons": [],
        "conflicts": [],
        "flagged_at": None,
        "last_reviewed": "2026-12-01",
    }
    assert result.event is not None
    assert result.event.field == "review"
    assert isinstance(result.event.before, dict)
    assert result.event.before["reasons"] == ["new listing on the page"]


def test_done_again_the_same_day_writes_nothing(work: Path) -> None:
    first = run("review", "done", NEW, "--catalog", work)
    assert first.exit_code == 0
    before = files_of(work)
    again = run("review", "done", NEW, "--catalog", work)
    assert again.exit_code == 0
    assert "already reviewed" in again.output
    assert "nothing to do" in again.output
    assert files_of(work) == before


def test_done_reverifies_a_record_nobody_flagged(catalog_dir: Path) -> None:
    result = rc.mark_reviewed(catalog_dir, "chaplaincy", today=dt.date(2027, 12, 1))
    assert result.written == (
        catalog_dir / "history.jsonl",
        catalog_dir / "resources" / "chaplaincy.json",
    )
    assert read_record(catalog_dir, "chaplaincy")["review"]["last_reviewed"] == "2027-12-01"
    stale = {i.id for i in rc.review_queue(catalog_dir, stale=True, today=dt.date(2028, 1, 1))}
    assert stale == {r.id for r in load_catalog(catalog_dir).active} - {"chaplaincy"}


# -------------------------------------------------------------------- refusals common to both


def test_the_installed_catalog_is_never_written(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installed package's catalog: is_bundled says so (a checkout's is writable).
    monkeypatch.setattr(
        "resource_catalog.store._layout.is_bundled", lambda path: path == catalog_dir
    )
    before = files_of(catalog_dir)
    result = run("review", "done", "house-teams", "--catalog", catalog_dir)
    assert result.exit_code == 2
    assert "bundled in the installed package and is never written to" in result.stderr
    assert files_of(catalog_dir) == before


def test_review_waits_for_no_one_while_a_sync_holds_the_lock(work: Path) -> None:
    before = files_of(work)
    with catalog_lock(work):
        result = run("review", "done", NEW, "--catalog", work)
        with pytest.raises(CatalogLockedError):
            rc.resolve_conflict(work, S3, "phones", "page")
    assert result.exit_code == 2
    assert "locked by a running sync" in result.stderr
    assert files_of(work) == before


def test_an_invalid_catalog_is_refused_before_any_write(work: Path, edit_record: Edit) -> None:
    edit_record("chaplaincy", lambda d: d.update(phonez=[]))
    before = files_of(work)
    result = run("review", "done", NEW, "--catalog", work)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: catalog {work} is invalid (1 error(s); first: ")
    assert files_of(work) == before
    with pytest.raises(CatalogError):
        review.mark_reviewed(work, NEW)
