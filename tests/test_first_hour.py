"""Issue 21: what a new maintainer meets in the first hour, each point as behaviour.

Every test here failed before the fix it guards: the bare ``review`` with its options,
the full drift report when no source can be reached, exit codes under ``--debug`` and
Ctrl-C, ``scrape --offline``, and the drift session's report when ``diff`` cannot run.
"""

from __future__ import annotations

import ast
import functools
import json
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from resource_catalog.cli import cli
from resource_catalog.pages import fetch

from .conftest import ROOT


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def closed_port() -> int:
    """A local port nothing listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def unreachable(full_catalog_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The whole catalog, every source's URL on a port that refuses connections."""
    monkeypatch.setattr(
        fetch,
        "make_session",
        functools.partial(
            fetch.make_session, retries=0, backoff=0.01, max_retry_after=0.05, max_backoff=0.05
        ),
    )
    meta_path = full_catalog_dir / "catalog.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    port = closed_port()
    for source in meta["sources"]:
        source["url"] = f"http://127.0.0.1:{port}/{source['id']}"
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return full_catalog_dir


def source_ids(directory: Path) -> list[str]:
    meta = json.loads((directory / "catalog.json").read_text(encoding="utf-8"))
    return [s["id"] for s in meta["sources"]]


# ------------------------------------------------------------------ bare `review`


def test_bare_review_takes_the_options_of_review_list(catalog_dir: Path) -> None:
    listed = run("review", "list", "--catalog", catalog_dir, "--format", "json")
    bare = run("review", "--catalog", catalog_dir, "--format", "json")
    assert (bare.exit_code, bare.stdout) == (listed.exit_code, listed.stdout)
    assert bare.exit_code == 1  # the catalog flags records
    assert json.loads(bare.stdout)
    stale = run("review", "--stale", "--catalog", catalog_dir)
    assert stale.exit_code == 0, stale.output
    assert stale.stdout == "no records due for re-verification\n"
    markdown = run("review", "--format", "markdown", "--catalog", catalog_dir)
    assert markdown.stdout.startswith("- [ ] `")


def test_review_catalog_before_a_subcommand_is_its_catalog(catalog_dir: Path) -> None:
    shown = run("review", "--catalog", catalog_dir, "show", "house-teams", "--format", "json")
    assert shown.exit_code == 1, shown.output
    assert json.loads(shown.stdout)["id"] == "house-teams"
    wrong = run("review", "--format", "json", "show", "house-teams")
    assert wrong.exit_code == 2
    assert "go after the subcommand" in wrong.stderr


# ------------------------------------------------------------- every source fails


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_diff_prints_the_full_report_when_no_source_can_be_reached(
    unreachable: Path, fmt: str
) -> None:
    result = run("diff", "--catalog", unreachable, "--format", fmt)
    assert result.exit_code == 2, result.output
    ids = source_ids(unreachable)
    assert len(ids) == 5
    for sid in ids:
        assert sid in result.stdout
        assert f"error: {sid}: could not fetch" in result.stderr
    if fmt == "json":
        report = json.loads(result.stdout)
        assert report["status"] == "error"
        assert [s["status"] for s in report["sources"]] == ["error"] * len(ids)
        assert all("connection refused" in s["error"] for s in report["sources"])
    assert "--offline" in result.stderr.splitlines()[-1]


def test_diff_report_dir_holds_every_error_when_no_source_can_be_reached(
    unreachable: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    result = run("diff", "--catalog", unreachable, "--report-dir", reports, "-o", tmp_path / "o")
    assert result.exit_code == 2
    markdown = (reports / "drift.md").read_text(encoding="utf-8")
    for sid in source_ids(unreachable):
        assert f"| {sid} |" in markdown
    data = json.loads((reports / "drift.json").read_text(encoding="utf-8"))
    assert len(data["sources"]) == len(source_ids(unreachable))


def test_a_server_that_answers_with_an_error_gets_no_offline_hint() -> None:
    from resource_catalog.errors import FetchError, unreachable  # noqa: PLC0415

    assert unreachable(str(FetchError("http://x/", "connection refused")))
    assert unreachable(str(FetchError("http://x/", "DNS lookup failed: host not found")))
    assert not unreachable(str(FetchError("http://x/", "not found (404)", 404)))
    assert not unreachable("page not recognised: connection refused by nobody")


def test_offline_diff_of_an_unreachable_catalog_needs_no_network(unreachable: Path) -> None:
    result = run("diff", "--catalog", unreachable, "--offline")
    assert result.exit_code == 0, result.output
    assert "hint" not in result.stderr


def _drift_reports() -> Any:
    """noxfile.drift_reports, taken out of the noxfile without importing nox."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    (node,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "drift_reports"]
    namespace: dict[str, Any] = {"Path": Path, "Sequence": Sequence, "subprocess": subprocess}
    namespace["sys"] = sys
    exec(compile(ast.Module([node], []), "noxfile.py", "exec"), namespace)  # noqa: S102
    return namespace["drift_reports"]


def _fake_cli(tmp_path: Path, script: str) -> Path:
    cli_path = tmp_path / "resource-catalog"
    cli_path.write_text(f"#!{sys.executable}\nimport sys\n{script}\n", encoding="utf-8")
    cli_path.chmod(0o755)
    return cli_path


def test_drift_session_keeps_every_error_line_when_diff_writes_no_report(
    tmp_path: Path,
) -> None:
    lines = ["error: a: could not fetch A", "error: b: could not fetch B", "hint: --offline"]
    fake = _fake_cli(tmp_path, f"sys.stderr.write({chr(10).join(lines)!r} + '\\n'); sys.exit(2)")
    reports = tmp_path / "reports"
    code = _drift_reports()(fake, reports, [])
    assert code == 2
    summary = (reports / "drift.md").read_text(encoding="utf-8")
    assert all(line in summary for line in lines)
    assert (reports / "exit-code").read_text(encoding="utf-8") == "2\n"


def test_drift_session_keeps_the_report_diff_wrote(tmp_path: Path) -> None:
    fake = _fake_cli(
        tmp_path,
        "from pathlib import Path\n"
        "d = Path(sys.argv[sys.argv.index('--report-dir') + 1])\n"
        "(d / 'drift.md').write_text('## the report\\n')\n"
        "sys.stderr.write('error: x\\n'); sys.exit(2)",
    )
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "drift.json").write_text("{}", encoding="utf-8")  # last night's
    assert _drift_reports()(fake, reports, ["--fail-on", "minor"]) == 2
    assert (reports / "drift.md").read_text(encoding="utf-8") == "## the report\n"
    assert not (reports / "drift.json").exists()


# --------------------------------------------------------------- exit codes


def test_debug_keeps_exit_2_and_shows_the_traceback(tmp_path: Path) -> None:
    result = run("--debug", "validate", "--catalog", tmp_path / "missing")
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith(
        f"error: catalog directory not found: {tmp_path}/missing"
    )
    plain = run("validate", "--catalog", tmp_path / "missing")
    assert plain.exit_code == 2
    assert "Traceback" not in plain.stderr


@pytest.mark.parametrize("debug", [[], ["--debug"]])
def test_ctrl_c_exits_130(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, debug: list[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("resource_catalog.workflows.review.review_queue", interrupted)
    result = run(*debug, "review", "list", "--catalog", catalog_dir)
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-1] == "error: interrupted"
    assert ("Traceback" in result.stderr) == bool(debug)
    assert "Aborted!" not in result.stderr


def test_ctrl_c_of_a_top_level_command_exits_130(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("resource_catalog.checks.validate.validate_catalog", interrupted)
    result = run("--debug", "validate", "--catalog", catalog_dir)
    assert result.exit_code == 130


# -------------------------------------------------------------- scrape


def test_scrape_offline_reads_the_snapshot(unreachable: Path) -> None:
    result = run(
        "scrape", "--catalog", unreachable, "--source", "idhr-reporting-police", "--offline"
    )
    assert result.exit_code == 0, result.output
    names = [item["name"] for item in json.loads(result.stdout)]
    assert "MIT Police" in names
    refused = run("scrape", "--offline", "--url", "http://example.edu/")
    assert refused.exit_code == 2
    assert "--offline" in refused.stderr


def test_a_failed_scrape_prints_no_empty_list(unreachable: Path) -> None:
    result = run("scrape", "--catalog", unreachable, "--source", "idhr-reporting-police")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "connection refused" in result.stderr
    assert "--offline" in result.stderr


# ------------------------------------------------------------- a bad phone in a file


def test_a_bad_phone_is_one_finding_in_words_and_the_record_still_counts(
    full_catalog_dir: Path,
) -> None:
    from resource_catalog.checks.validate import validate_catalog  # noqa: PLC0415

    path = full_catalog_dir / "resources" / "mit-police.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"+16172531212"', '"617-253-12"'),
        encoding="utf-8",
    )
    result = validate_catalog(full_catalog_dir)
    [error] = result.errors
    assert (error.code, error.file, error.field, error.value) == (
        "phone",
        "resources/mit-police.json",
        "phones[0].number",
        "617-253-12",
    )
    assert "pattern" not in error.message
    assert "E.164" in error.message
    assert "sources[1].phones[0].number" in error.message  # the same number, said once
    assert result.summary()["resources"] == 35  # the record is not dropped
    assert "mit-police" in result.catalog  # its history events name a record
    out = run("validate", "--catalog", full_catalog_dir, "--format", "json")
    assert out.exit_code == 1
    assert json.loads(out.stdout)["summary"]["errors"] == 1


def test_a_record_with_another_schema_error_is_still_left_out(full_catalog_dir: Path) -> None:
    from resource_catalog.checks.validate import validate_catalog  # noqa: PLC0415

    path = full_catalog_dir / "resources" / "mit-police.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["phones"][0]["number"] = "617-253-12"
    data["confidentiality"] = "whispered"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = validate_catalog(full_catalog_dir)
    assert sorted(f.code for f in result.errors) == ["phone", "schema"]  # no knock-on
    assert "mit-police" not in result.catalog


# ------------------------------------------------------------ history and the feed


def test_no_history_line_reads_the_same_before_and_after(catalog_dir: Path, tmp_path: Path) -> None:
    from .conftest import DATA  # noqa: PLC0415

    html = (DATA / "campus-resources.html").read_text(encoding="utf-8")
    old = "MIT Religious Life has representatives from most major religions."
    assert old in html
    page = tmp_path / "page.html"
    page.write_text(html.replace(old, old + " Call ahead."), encoding="utf-8")
    synced = run(
        "sync", "--catalog", catalog_dir, "--source", "osc-campus-resources", "--html", page
    )
    assert synced.exit_code == 0, synced.output
    lines = run("history", "chaplaincy", "--catalog", catalog_dir).stdout.splitlines()
    [line] = [x for x in lines if " sources [" in x]
    change = line.split(": ", 1)[1]
    assert change.startswith("description: ")
    before, _, after = change.partition(" -> ")
    assert before != after


def test_a_page_that_drops_a_record_others_list_is_a_visible_history_line(
    full_catalog_dir: Path, tmp_path: Path
) -> None:
    from .conftest import DATA  # noqa: PLC0415

    html = (DATA / "campus-resources.html").read_text(encoding="utf-8")
    start = html.index("<li><strong>Student Support Services (S3):</strong>")
    page = tmp_path / "page.html"
    page.write_text(html[:start] + html[html.index("</li>", start) + 5 :], encoding="utf-8")
    synced = run(
        "sync", "--catalog", full_catalog_dir, "--source", "osc-campus-resources", "--html", page
    )
    assert synced.exit_code == 0, synced.output
    out = run("history", "student-support-services", "--catalog", full_catalog_dir).stdout
    [line] = [x for x in out.splitlines() if "[osc-campus-resources]" in x]
    assert "(none) -> (none)" not in line
    assert line.endswith("osc-campus-resources: Student Support Services (S3), not listed")


def test_a_kept_value_reads_as_kept_in_the_history(catalog_dir: Path, tmp_path: Path) -> None:
    from .curation import S3, make_review_work  # noqa: PLC0415

    work = make_review_work(catalog_dir, tmp_path)
    kept = run("review", "resolve", S3, "--field", "phones", "--take", "catalog", "--catalog", work)
    assert kept.exit_code == 0, kept.output
    [line] = [
        x for x in run("history", S3, "--catalog", work).stdout.splitlines() if " resolved " in x
    ]
    assert " -> " not in line
    assert "kept the catalog's value +16172534862" in line


def test_a_created_record_lists_no_changed_fields_in_the_feed() -> None:
    import datetime as dt  # noqa: PLC0415

    import resource_catalog as rc  # noqa: PLC0415
    from resource_catalog.store.catalog import Catalog  # noqa: PLC0415
    from resource_catalog.store.events import Action, Event  # noqa: PLC0415
    from resource_catalog.store.history import changes_since  # noqa: PLC0415

    bundled = rc.load_catalog()
    at = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    rid = "mit-health"
    events = (
        Event(at=at, action=Action.CREATED, resource_id=rid, source_id="a", after="MIT Health"),
        Event(at=at, action=Action.UPDATED, resource_id=rid, source_id="b", field="sources"),
        Event(at=at, action=Action.UPDATED, resource_id="ombuds-office", field="sources"),
    )
    catalog = Catalog(meta=bundled.meta, resources=bundled.resources, history=events)
    feed = {c.resource_id: (c.change, c.fields) for c in changes_since(catalog, at.date())}
    assert feed == {rid: ("created", ()), "ombuds-office": ("updated", ("sources",))}


# ------------------------------------------------------------ curated labels


def test_resolve_take_page_keeps_the_curated_phone_label(catalog_dir: Path, tmp_path: Path) -> None:
    from resource_catalog.checks.validate import load_catalog  # noqa: PLC0415

    from .curation import PAGE_PHONE, S3, make_review_work  # noqa: PLC0415

    work = make_review_work(catalog_dir, tmp_path)
    label = load_catalog(work)[S3].phones[0].label
    assert label
    took = run("review", "resolve", S3, "--field", "phones", "--take", "page", "--catalog", work)
    assert took.exit_code == 0, took.output
    [phone] = load_catalog(work)[S3].phones
    assert (phone.number, phone.label) == (PAGE_PHONE, label)


def test_a_sync_that_carries_a_label_over_reports_one_update_and_no_conflict(
    catalog_dir: Path,
) -> None:
    from .conftest import DATA  # noqa: PLC0415

    page = DATA / "campus-resources-edited.html"
    args = ("sync", "--catalog", catalog_dir, "--source", "osc-campus-resources", "--html", page)
    result = run(*args, "--dry-run")
    assert result.exit_code == 0, result.output
    s3 = [x for x in result.stdout.splitlines() if "student-support-services" in x]
    note = "(phones: the curated label(s) 'Student Support Services (S3)' were carried over"
    [line] = s3
    assert line.startswith("update student-support-services: took description, phones from")
    assert note in line


# ------------------------------------------------------------ export, schema, dial plans


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_export_to_a_file_says_what_it_wrote(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    result = run("export", "--format", fmt, "-o", target)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {fmt} to {target}\n"
    assert target.stat().st_size > 0
    to_stdout = run("export", "--format", fmt)
    assert to_stdout.stderr == ""


def test_schema_check_outside_the_repository_is_not_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("schema", "--check")
    assert result.exit_code == 2
    assert "stale" not in result.stderr
    assert result.stderr.startswith("error: no schema directory schemas here")
    (tmp_path / "schemas").mkdir()
    missing = run("schema", "--check")
    assert missing.exit_code == 1
    assert "schemas/resource.schema.json: missing;" in missing.stderr
    assert "stale" not in missing.stderr
    assert run("schema", "--check", "--dir", ROOT / "schemas").exit_code == 0


def test_a_dial_plan_s_prefixes_given_as_a_list_are_explained() -> None:
    import pydantic  # noqa: PLC0415

    import resource_catalog as rc  # noqa: PLC0415

    with pytest.raises(pydantic.ValidationError, match="first digit to the exchange"):
        rc.DialPlan(name="x", area_code="617", prefixes=["253"])  # type: ignore[arg-type]
    plan = rc.DialPlan(name="x", area_code="617", prefixes={"3": "253"})
    assert rc.parse_phone("x3-1212", campus=plan) == "+16172531212"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`prefixes` is a mapping" in readme


# ------------------------------------------------------------ accepted warnings


def test_the_bundled_catalog_passes_validate_strict() -> None:
    result = run("validate", "--strict", "--catalog", ROOT / "catalog")
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.stdout


def _as_2_0(directory: Path) -> None:
    """The catalog as it was before schema 2.1: no accepted warnings, version 2.0."""
    for path in (directory / "resources").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["review"].pop("accepted", None) is not None:
            path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    meta = json.loads((directory / "catalog.json").read_text(encoding="utf-8"))
    meta["schema_version"] = "2.0"
    (directory / "catalog.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def test_review_accept_keeps_the_decision_in_the_record(full_catalog_dir: Path) -> None:
    from resource_catalog.checks.validate import load_catalog  # noqa: PLC0415

    _as_2_0(full_catalog_dir)
    strict = run("validate", "--strict", "--catalog", full_catalog_dir)
    assert strict.exit_code == 1
    assert "[duplicate-phone]" in strict.stdout
    assert "review accept student-disability-services-office" in strict.stdout  # the hint
    reason = "reached through the police line on purpose"
    accepted = run(
        "review", "accept", "dean-on-call", "--finding", "duplicate-phone",
        "--reason", reason, "--catalog", full_catalog_dir,
    )  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    assert accepted.stdout == "dean-on-call: accepted duplicate-phone about mit-police\n"
    catalog = load_catalog(full_catalog_dir)
    [decision] = catalog["dean-on-call"].review.accepted
    assert (decision.finding, decision.about, decision.reason) == (
        "duplicate-phone",
        "mit-police",
        reason,
    )
    assert catalog.meta.schema_version == "2.1"  # the record format it now uses
    assert catalog.history[-1].field == "review.accepted"
    still = run("validate", "--strict", "--catalog", full_catalog_dir)
    assert "[duplicate-phone]" not in still.stdout
    assert "[possible-duplicate]" in still.stdout


def test_an_accepted_duplicate_does_not_cover_a_new_one(full_catalog_dir: Path) -> None:
    from resource_catalog.checks.validate import validate_catalog  # noqa: PLC0415

    assert validate_catalog(full_catalog_dir).warnings == ()
    path = full_catalog_dir / "resources" / "chaplaincy.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["phones"] = [{"number": "+16172531212", "label": "ask the police"}]
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    warnings = validate_catalog(full_catalog_dir).warnings
    assert {(w.code, w.resource_id) for w in warnings} == {
        ("duplicate-phone", "mit-police"),  # against chaplaincy now, which nobody accepted
        ("duplicate-phone", "dean-on-call"),
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stale-review"], "'stale-review' cannot be accepted"),
        (["duplicate-name"], "chaplaincy has no open 'duplicate-name' warning"),
        (["duplicate-phone", "--reason", " "], "say why the warning is right"),
    ],
)
def test_review_accept_refuses_what_it_cannot_accept(
    full_catalog_dir: Path, args: list[str], message: str
) -> None:
    before = (full_catalog_dir / "history.jsonl").read_bytes()
    extra = [] if "--reason" in args else ["--reason", "because"]
    result = run(
        "review", "accept", "chaplaincy", "--finding", *args, *extra,
        "--catalog", full_catalog_dir,
    )  # fmt: skip
    assert result.exit_code == 2
    assert message in result.stderr
    assert (full_catalog_dir / "history.jsonl").read_bytes() == before


def test_migrate_rewrites_a_2_0_catalog_as_2_1(full_catalog_dir: Path) -> None:
    _as_2_0(full_catalog_dir)
    result = run("migrate", "--catalog", full_catalog_dir)
    assert result.exit_code == 0, result.output
    assert "from schema 2.0: 2 file(s) written" in result.stdout  # catalog.json, history
    meta = json.loads((full_catalog_dir / "catalog.json").read_text(encoding="utf-8"))
    assert meta["schema_version"] == "2.1"
    again = run("migrate", "--catalog", full_catalog_dir)
    assert "already schema 2.1" in again.stdout
