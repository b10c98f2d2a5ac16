"""The change history: reading it, checking it, the ``history`` command and the changes feed.

``history.jsonl`` is written by sync, migrate and review (their own tests cover what
they append); this module covers what is read back: ``parse_history``,
``history_events`` and ``resource-catalog history``, ``validate``'s checks of the file,
``Catalog.changes`` / ``changes_catalog`` and ``export --since``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import resource_catalog as rc
from resource_catalog.history import Action, Event, changes_since, event_lines, parse_history
from resource_catalog.validate import load_catalog

from .curation import NEW, S3, SOURCE, make_review_work, run

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
    result = run("validate", "--catalog", catalog_dir, "--format", "json")
    assert result.exit_code == 1
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "history"]
    assert [(f["field"], f["value"]) for f in findings] == [
        ("line 3", None),
        ("resource_id", "no-such-record"),
    ]
    assert findings[0]["message"].startswith("line 3: action: ")


def test_the_bundled_history_validates() -> None:
    catalog = load_catalog()
    assert [e.field for e in catalog.history] == ["schema_version"]


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
    with pytest.raises(rc.CatalogError, match=r"history.jsonl line 2: .*1 bad line"):
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
        ("mit-police", "created", ("phones",)),
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
    page = (tmp_path / "campus-resources-review.html").read_text(encoding="utf-8")
    start = page.index("<li><strong>Chaplaincy:</strong>")
    end = page.index("</li>", start) + len("</li>")
    gone = tmp_path / "without-chaplaincy.html"
    gone.write_text(page[:start] + page[end:], encoding="utf-8")
    result = run("sync", "--catalog", work, "--source", SOURCE, "--html", gone)
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
