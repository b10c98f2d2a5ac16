"""The change history: what sync and migrate append, reading it back, checking it, the
``history`` command and the changes feed.

What review appends is in ``test_review.py``; that each append is atomic with its
change is in ``test_faults_crash.py``. Here: the events of a sync (created, updated,
conflict, retired, relisted, with the page's SHA-256) and of a migration,
``parse_history``, ``history_events`` and ``resource-catalog history``, ``validate``'s
checks of the file, ``Catalog.changes`` / ``changes_catalog`` and ``export --since``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import JsonValue

import resource_catalog as rc
from resource_catalog.checks.validate import load_catalog, validate_catalog
from resource_catalog.store.events import Action, Event, event_lines, parse_history, sha256
from resource_catalog.store.history import changes_since

from ..conftest import first_page_catalog
from ..curation import (
    CURATED_PHONE,
    NEW,
    PAGE_PHONE,
    S3,
    SOURCE,
    make_review_work,
    run,
    sync_page,
)

T0 = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 2, 5, 6, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 3, 5, 6, 0, tzinfo=dt.UTC)


def event(at: dt.datetime, action: Action, rid: str | None, **fields: Any) -> Event:
    return Event(at=at, action=action, resource_id=rid, **fields)


def append(directory: Path, *events: Event) -> None:
    with (directory / "history.jsonl").open("ab") as fh:
        for line in event_lines(events):
            fh.write(line)


@pytest.fixture
def work(catalog_dir: Path, tmp_path: Path) -> Path:
    return make_review_work(catalog_dir, tmp_path)


def numbers(phones: JsonValue) -> list[JsonValue]:
    """The numbers of a phones field's JSON value."""
    assert isinstance(phones, list)
    return [p["number"] for p in phones if isinstance(p, dict)]


def without(page: Path, name: str, target: Path) -> Path:
    """``page`` with the listing whose name is ``name`` removed, saved as ``target``."""
    html = page.read_text(encoding="utf-8")
    start = html.index(f"<li><strong>{name}:</strong>")
    target.write_text(html[:start] + html[html.index("</li>", start) + 5 :], encoding="utf-8")
    return target


# -------------------------------------------------------------------- what sync appends


def test_a_sync_appends_one_event_per_change_with_the_page_it_came_from(
    work: Path, tmp_path: Path
) -> None:
    page = tmp_path / "campus-resources-review.html"
    before = load_catalog(first_page_catalog(tmp_path / "before")).history
    events = load_catalog(work).history[len(before) :]  # the sync's, after the bundled ones
    assert {(e.source_id, e.snapshot_sha256) for e in events} == {
        (SOURCE, sha256(page.read_bytes()))
    }
    assert len({e.at for e in events}) == 1
    by_kind = {(e.action, e.resource_id, e.field): e for e in events}
    assert set(by_kind) == {
        (Action.UPDATED, S3, "description"),
        (Action.CONFLICT, S3, "phones"),
        (Action.UPDATED, S3, "sources"),
        (Action.CREATED, NEW, None),
    }
    conflict = by_kind[(Action.CONFLICT, S3, "phones")]
    assert numbers(conflict.before) == [CURATED_PHONE]  # the catalog's
    assert numbers(conflict.after) == [PAGE_PHONE]  # the page's
    assert by_kind[(Action.CREATED, NEW, None)].after == "Example Peer Listening Line"
    assert by_kind[(Action.UPDATED, S3, "description")].after == load_catalog(work)[S3].description


def test_a_sync_that_changes_nothing_appends_nothing(work: Path, tmp_path: Path) -> None:
    before = (work / "history.jsonl").read_bytes()
    assert sync_page(work, tmp_path / "campus-resources-review.html").exit_code == 0
    assert (work / "history.jsonl").read_bytes() == before


def test_retired_then_listed_again(work: Path, tmp_path: Path) -> None:
    page = tmp_path / "campus-resources-review.html"
    assert sync_page(work, without(page, "Chaplaincy", tmp_path / "gone.html")).exit_code == 0
    assert sync_page(work, page).exit_code == 0
    events = rc.history_events(work, "chaplaincy")
    assert [(e.action, e.field, e.before, e.after) for e in events[:2]] == [
        (Action.RETIRED, "status", "active", "retired"),
        (Action.RELISTED, "status", "retired", "active"),
    ]
    # Listed again, its observation of the page is listed again too.
    [(action, field)] = [(e.action, e.field) for e in events[2:]]
    assert (action, field) == (Action.UPDATED, "sources")
    observations = events[2].after
    assert isinstance(observations, list)
    assert [o["listed"] for o in observations if isinstance(o, dict)] == [True]


# -------------------------------------------------------------------- what migrate appends


def _as_schema_1(directory: Path) -> None:
    """Rewrite a 2.0 catalog as 1.0 had it: no source ids, one ``source`` per record."""
    meta = json.loads((directory / "catalog.json").read_text(encoding="utf-8"))
    meta["schema_version"] = "1.0"
    meta["sources"] = [{k: v for k, v in s.items() if k != "id"} for s in meta["sources"]]
    (directory / "catalog.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    for path in (directory / "resources").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        [obs] = data.pop("sources")
        data["source"] = {k: v for k, v in obs.items() if k not in ("source_id", "listed")}
        del data["review"]["conflicts"]
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    (directory / "history.jsonl").unlink()


def test_migrate_appends_one_event_and_a_second_run_none(catalog_dir: Path) -> None:
    _as_schema_1(catalog_dir)
    result = run("migrate", "--catalog", catalog_dir)
    assert result.exit_code == 0, result.output
    [migrated] = rc.history_events(catalog_dir)
    assert (migrated.action, migrated.resource_id, migrated.field) == (
        Action.UPDATED,
        None,
        "schema_version",
    )
    assert (migrated.before, migrated.after) == ("1.0", "2.1")
    assert run("migrate", "--catalog", catalog_dir).exit_code == 0
    assert rc.history_events(catalog_dir) == [migrated]
    assert validate_catalog(catalog_dir).errors == ()


# -------------------------------------------------------------------- parse_history


def test_parse_history_reads_good_lines_and_numbers_bad_ones() -> None:
    good = event(T0, Action.CREATED, "a", after="A").line()
    raw = b"\xef\xbb\xbf" + good + b"\n" + b"{not json}\n" + b'{"at": "x", "action": "made"}\n'
    events, problems = parse_history(raw + good)
    assert [e.resource_id for e in events] == ["a", "a"]
    assert [n for n, _ in problems] == [3, 4]
    assert problems[0][1].startswith("(line): Invalid JSON")
    assert problems[1][1].startswith("at: ")


def test_an_event_time_without_a_zone_is_utc() -> None:
    naive = Event.model_validate_json('{"at": "2026-01-05T06:00:00", "action": "reviewed"}')
    assert naive.at == T0
    assert naive.line().startswith(b'{"at":"2026-01-05T06:00:00Z"')


def test_an_event_line_is_one_line_whatever_the_text() -> None:
    line = event(T0, Action.UPDATED, "a", field="name", after="a\u2028b\nc").line()
    assert line.count(b"\n") == 1
    assert line.endswith(b"\n")
    [back], problems = parse_history(line)
    assert (back.after, problems) == ("a\u2028b\nc", [])


# -------------------------------------------------------------------- validate


def test_validate_reports_malformed_lines_and_unknown_ids(catalog_dir: Path) -> None:
    append(catalog_dir, event(T0, Action.UPDATED, "no-such-record", field="name"))
    with (catalog_dir / "history.jsonl").open("ab") as fh:
        fh.write(b'{"at": "2026-01-05T06:00:00Z", "action": "deleted"}\n')
    bad = len((catalog_dir / "history.jsonl").read_bytes().splitlines())
    result = run("validate", "--catalog", catalog_dir, "--format", "json")
    assert result.exit_code == 1
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "history"]
    assert [(f["field"], f["value"]) for f in findings] == [
        (f"line {bad}", None),
        ("resource_id", "no-such-record"),
    ]
    assert findings[0]["message"].startswith("action: ")


def test_the_bundled_history_validates() -> None:
    catalog = load_catalog()
    first, *rest = catalog.history
    assert (first.action, first.field, first.before, first.after) == (
        "updated",
        "schema_version",
        "1.0",
        "2.0",
    )
    # Then the four pages added to the catalog: a record created per new office, and
    # an observation added to each office a page shares with the first one.
    created = [e.resource_id for e in rest if e.action == "created"]
    joined = [e.resource_id for e in rest if e.action == "updated" and e.field == "sources"]
    assert len(created) == 12
    assert len(joined) == 7
    assert all(e.resource_id in catalog for e in rest)
    # Then the two warnings the curators accepted (review accept), which come from no page.
    synced = [e for e in rest if e.action != "reviewed"]
    accepted = [(e.resource_id, e.field) for e in rest if e.action == "reviewed"]
    assert all(e.snapshot_sha256 for e in synced)
    assert accepted == [
        ("student-disability-services-office", "review.accepted"),
        ("mit-police", "review.accepted"),
    ]


# -------------------------------------------------------------------- history_events


def test_history_events_filters_by_record_and_day(work: Path) -> None:
    everything = rc.history_events(work)
    assert everything == list(load_catalog(work).history)
    s3 = rc.history_events(work, S3)
    assert {e.resource_id for e in s3} == {S3}
    assert [e.action for e in s3 if e.field == "phones"] == [Action.CONFLICT]
    synced = s3[0].at  # the sync's events, after the bundled catalog's migration event
    assert rc.history_events(work, since=synced) == [e for e in everything if e.at >= synced]
    assert everything[0] not in rc.history_events(work, since=synced)
    later = synced.date() + dt.timedelta(days=1)
    assert rc.history_events(work, since=later) == []


def test_history_events_of_an_unknown_record_is_an_error(work: Path) -> None:
    with pytest.raises(rc.CatalogError, match="no record 'nobody' in the catalog"):
        rc.history_events(work, "nobody")


def test_a_record_without_events_has_an_empty_history(work: Path) -> None:
    assert rc.history_events(work, "chaplaincy") == []


def test_a_catalog_without_a_history_file_has_no_events(catalog_dir: Path) -> None:
    (catalog_dir / "history.jsonl").unlink()
    assert rc.history_events(catalog_dir) == []


def test_a_malformed_history_line_is_named(catalog_dir: Path) -> None:
    with (catalog_dir / "history.jsonl").open("ab") as fh:
        fh.write(b"{oops\n")
    bad = len((catalog_dir / "history.jsonl").read_bytes().splitlines())
    with pytest.raises(rc.CatalogError, match=rf"history.jsonl line {bad}: .*1 bad line"):
        rc.history_events(catalog_dir)


def test_a_directory_that_is_no_catalog_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(rc.CatalogError, match=r"cannot read .*catalog\.json"):
        rc.history_events(tmp_path)


# -------------------------------------------------------------------- the command


def test_history_text_is_one_line_per_event(work: Path) -> None:
    result = run("history", S3, "--catalog", work)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(rc.history_events(work, S3))
    conflict = next(line for line in lines if " conflict " in line)
    assert conflict.endswith(
        f"conflict {S3} phones [{SOURCE}]: +16172534862 (Student Support Services (S3)) "
        "-> +16172539999"
    )
    described = next(line for line in lines if " description " in line)
    assert described.endswith(
        "... and may be reached at 617-253-4861. -> ... and may be reached at 617-253-9999."
    )


def test_history_json_is_the_events_as_stored(work: Path) -> None:
    result = run("history", "--catalog", work, "--format", "json")
    assert result.exit_code == 0
    lines = (work / "history.jsonl").read_bytes().splitlines()
    assert json.loads(result.stdout) == [json.loads(line) for line in lines]


def test_history_since_a_later_day_says_there_is_nothing(work: Path) -> None:
    result = run("history", "--catalog", work, "--since", "2099-01-01")
    assert (result.exit_code, result.output) == (0, "no events since 2099-01-01\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody",), "error: no record 'nobody' in the catalog"),
        (("--since", "yesterday"), "'yesterday' is not a date like 2026-11-28"),
    ],
)
def test_history_errors_exit_2(work: Path, args: tuple[str, ...], message: str) -> None:
    result = run("history", *args, "--catalog", work)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


# -------------------------------------------------------------------- the changes feed


def test_changes_say_created_updated_or_retired_once_per_record(catalog_dir: Path) -> None:
    append(
        catalog_dir,
        event(T0, Action.UPDATED, "chaplaincy", field="description", before="a", after="b"),
        event(T1, Action.CREATED, "mit-police", after="MIT Police"),
        event(T1, Action.UPDATED, "mit-police", field="phones", before=[], after=[]),
        event(T1, Action.CONFLICT, "ethicspoint", field="phones"),
        event(T2, Action.REVIEWED, "ethicspoint", field="review"),
        event(T2, Action.RESOLVED, "ombuds-office", field="name", before="O", after="O"),
        event(T2, Action.RESOLVED, "stop-it", field="name", before="S", after="Stop It"),
    )
    catalog = load_catalog(catalog_dir)
    changes = catalog.changes()
    assert [(c.resource_id, c.change, c.fields) for c in changes] == [
        ("chaplaincy", "updated", ("description",)),
        ("mit-police", "created", ()),  # new as a whole: no field "changed"
        ("stop-it", "updated", ("name",)),
    ]
    assert changes[0].resource is catalog["chaplaincy"]
    assert changes[0].to_dict()["at"] == "2026-01-05T06:00:00Z"
    assert [c.resource_id for c in catalog.changes(dt.date(2026, 2, 5))] == [
        "mit-police",
        "stop-it",
    ]
    assert [c.resource_id for c in catalog.changes(T2)] == ["stop-it"]
    assert changes_since(catalog, None) == changes


def test_a_retired_record_is_reported_retired(work: Path, tmp_path: Path) -> None:
    page = tmp_path / "campus-resources-review.html"
    result = sync_page(work, without(page, "Chaplaincy", tmp_path / "gone.html"))
    assert result.exit_code == 0, result.output
    today = dt.datetime.now(dt.UTC).date()
    changes = {c.resource_id: c for c in load_catalog(work).changes(today)}
    assert changes["chaplaincy"].change == "retired"
    assert changes["chaplaincy"].resource is not None
    assert changes[NEW].change == "created"


def test_changes_catalog_keeps_the_records_and_events_of_the_period(catalog_dir: Path) -> None:
    append(
        catalog_dir,
        event(T0, Action.UPDATED, "chaplaincy", field="description", before="a", after="b"),
        event(T2, Action.UPDATED, "chaplaincy", field="name", before="C", after="Chaplaincy"),
        event(T2, Action.RETIRED, "mit-police", field="status", before="active", after="retired"),
    )
    cut = rc.changes_catalog(load_catalog(catalog_dir), dt.date(2026, 3, 1))
    assert [r.id for r in cut.resources] == ["chaplaincy", "mit-police"]
    assert [(e.resource_id, e.field) for e in cut.history] == [
        ("mit-police", "review.accepted"),  # the bundled catalog's, dated after T2
        ("chaplaincy", "name"),
        ("mit-police", "status"),
    ]


def test_export_since_gives_the_changed_records_only(work: Path) -> None:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    result = run("export", "--catalog", work, "--format", "json", "--since", today)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == [NEW, S3]
    later = run("export", "--catalog", work, "--format", "jsonl", "--since", "2099-01-01")
    assert (later.exit_code, later.stdout) == (0, "")


def test_export_since_writes_the_change_log_of_the_period_only(
    catalog_dir: Path, tmp_path: Path
) -> None:
    append(
        catalog_dir,
        event(T0, Action.UPDATED, "chaplaincy", field="description", before="a", after="b"),
        event(T2, Action.UPDATED, "chaplaincy", field="name", before="C", after="Chaplaincy"),
    )
    out = tmp_path / "hsds"
    result = run(
        "export", "--catalog", catalog_dir, "--format", "hsds", "-o", out, "--since", "2026-03-01"
    )
    assert result.exit_code == 0, result.output
    rows = (out / "metadata.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2
    assert ",2026-03-05,updated,name,C,Chaplaincy,resource-catalog sync" in rows[1]
