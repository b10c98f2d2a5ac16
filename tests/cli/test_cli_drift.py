"""scrape / diff / check / sync / export through the CLI, on the golden pages."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner, Result

from resource_catalog.checks.validate import load_catalog
from resource_catalog.cli import cli
from resource_catalog.models import Status
from resource_catalog.store.files import catalog_lock
from tests.conftest import CATALOG, DATA

PAGE = DATA / "campus-resources.html"
URL = "http://studentlife.mit.edu/citizenship/resources"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def one_phone_changed(tmp_path: Path) -> Path:
    page = tmp_path / "page.html"
    html = PAGE.read_text(encoding="utf-8")
    assert html.count("617-253-4861") == 1
    page.write_text(html.replace("617-253-4861", "617-253-4862"), encoding="utf-8")
    return page


# ------------------------------------------------------------------------ scrape


def test_scrape_json_has_the_documented_fields() -> None:
    result = run("scrape", "--html", PAGE)
    assert result.exit_code == 0, result.output
    listings = json.loads(result.output)
    assert len(listings) == 23
    s3 = next(x for x in listings if x["name"] == "Student Support Services (S3)")
    assert s3["section"] == "Support Resources"
    assert [p["number"] for p in s3["phones"]] == ["+16172534861"]
    assert [(loc["building"], loc["room"]) for loc in s3["locations"]] == [("5", "104")]
    assert "links" in s3


def test_scrape_csv_reads_back() -> None:
    result = run("scrape", "--html", PAGE, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 23
    assert {"name", "section", "description"} <= set(rows[0])


@responses.activate
def test_scrape_without_a_page_reads_every_source_of_the_catalog() -> None:
    responses.get(URL, body=PAGE.read_bytes(), content_type="text/html; charset=utf-8")
    result = run("scrape", "--catalog", CATALOG, "--source", "osc-campus-resources")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 23
    assert responses.calls[0].request.url == URL


def test_scrape_with_url_and_html_reads_the_file_as_saved_from_the_url(tmp_path: Path) -> None:
    page = tmp_path / "linked.html"
    html = PAGE.read_text(encoding="utf-8")
    page.write_text(html.replace("<a>MIT Police</a>", '<a href="/police">MIT Police</a>'))
    result = run("scrape", "--html", page, "--url", URL)
    assert result.exit_code == 0, result.output
    police = next(x for x in json.loads(result.stdout) if x["name"] == "MIT Police")
    assert [link["url"] for link in police["links"]] == ["http://studentlife.mit.edu/police"]


def test_scrape_html_of_several_sources_needs_source(tmp_path: Path) -> None:
    two = tmp_path / "catalog"
    shutil.copytree(CATALOG, two)
    meta = json.loads((two / "catalog.json").read_text(encoding="utf-8"))
    meta["sources"].append({**meta["sources"][0], "id": "second", "snapshot": None})
    (two / "catalog.json").write_text(json.dumps(meta), encoding="utf-8")
    result = run("diff", "--catalog", two, "--html", PAGE)
    assert result.exit_code == 2
    assert "--source" in result.output
    assert "osc-campus-resources, " in result.output
    assert ", second)" in result.output


# -------------------------------------------------------------------------- diff


def test_diff_bundled_catalog_against_bundled_snapshot_is_clean() -> None:
    snapshot = CATALOG / "snapshots" / "campus-resources.html"
    result = run(
        "diff",
        "--catalog",
        CATALOG,
        "--source",
        "osc-campus-resources",
        "--html",
        snapshot,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["status"] == "clean"


def test_one_changed_phone_is_critical_drift(one_phone_changed: Path) -> None:
    result = run(
        "diff",
        "--catalog",
        CATALOG,
        "--source",
        "osc-campus-resources",
        "--html",
        one_phone_changed,
        "--format",
        "json",
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["status"] == "drift"
    assert report["changed"] == [
        {
            "id": "student-support-services",
            "name": "Student Support Services (S3)",
            "field": "phones",
            "before": ["+16172534861"],
            "after": ["+16172534862"],
            "severity": "critical",
            "source_id": "osc-campus-resources",
        }
    ]
    assert report["added"] == report["removed"] == report["renamed"] == []


def test_text_report_names_resource_numbers_and_severity(one_phone_changed: Path) -> None:
    result = run(
        "diff",
        "--catalog",
        CATALOG,
        "--source",
        "osc-campus-resources",
        "--html",
        one_phone_changed,
    )
    assert result.exit_code == 1
    for needle in ("student-support-services", "+16172534861", "+16172534862", "critical"):
        assert needle in result.output


def test_fail_on_threshold(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    html = PAGE.read_text(encoding="utf-8")
    page.write_text(html.replace("a little easier", "a bit easier"), encoding="utf-8")
    assert (
        run(
            "diff", "--catalog", CATALOG, "--source", "osc-campus-resources", "--html", page
        ).exit_code
        == 1
    )  # minor
    assert (
        run(
            "diff",
            "--catalog",
            CATALOG,
            "--source",
            "osc-campus-resources",
            "--html",
            page,
            "--fail-on",
            "major",
        ).exit_code
        == 0
    )


def test_same_content_in_other_markup_is_clean() -> None:
    other = DATA / "campus-resources-other-markup.html"
    result = run("diff", "--catalog", CATALOG, "--source", "osc-campus-resources", "--html", other)
    assert result.exit_code == 0, result.output


def test_windows_1252_page_is_clean() -> None:
    result = run(
        "diff",
        "--catalog",
        CATALOG,
        "--source",
        "osc-campus-resources",
        "--html",
        DATA / "campus-resources-cp1252.html",
    )
    assert result.exit_code == 0, result.output


def test_unrelated_page_cannot_be_checked() -> None:
    result = run(
        "diff",
        "--catalog",
        CATALOG,
        "--source",
        "osc-campus-resources",
        "--html",
        DATA / "unrelated-news.html",
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "not recognised" in result.stderr
    assert "removed" not in result.output
    assert "osc-campus-resources" in result.stdout  # the report: its one source, an error


def test_page_without_listings_cannot_be_checked() -> None:
    page = DATA / "campus-resources-no-listings.html"
    result = run("diff", "--catalog", CATALOG, "--source", "osc-campus-resources", "--html", page)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_edited_page_reports_added_removed_changed() -> None:
    page = DATA / "campus-resources-edited.html"
    result = run(
        "diff",
        "--catalog",
        CATALOG,
        "--source",
        "osc-campus-resources",
        "--html",
        page,
        "--format",
        "json",
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [a["name"] for a in report["added"]] == ["Example Peer Listening Line"]
    assert [r["id"] for r in report["removed"]] == ["chaplaincy"]
    assert [c["id"] for c in report["changed"]] == ["student-support-services"]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_other_report_formats(one_phone_changed: Path, fmt: str) -> None:
    result = run(
        "diff",
        "--catalog",
        CATALOG,
        "--source",
        "osc-campus-resources",
        "--html",
        one_phone_changed,
        "--format",
        fmt,
    )
    assert result.exit_code == 1
    assert "+16172534862" in result.output
    assert "critical" in result.output.lower()


def test_report_dir_writes_all_three_reports(one_phone_changed: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    args = (
        "diff",
        "--catalog",
        CATALOG,
        "--source",
        "osc-campus-resources",
        "--html",
        one_phone_changed,
        "--report-dir",
        out,
    )
    assert run(*args).exit_code == 1
    assert json.loads((out / "drift.json").read_text())["status"] == "drift"
    assert "| critical" in (out / "drift.md").read_text().lower()
    assert (out / "drift.html").read_text().startswith("<!DOCTYPE html>")


@responses.activate
def test_diff_without_page_fetches_the_catalog_url() -> None:
    responses.get(URL, body=PAGE.read_bytes(), content_type="text/html; charset=utf-8")
    result = run("diff", "--catalog", CATALOG, "--source", "osc-campus-resources")
    assert result.exit_code == 0, result.output
    assert responses.calls[0].request.url == URL


@responses.activate
def test_live_fetch_of_a_gone_page_fails_clearly() -> None:
    responses.get(URL, status=404)
    result = run("diff", "--catalog", CATALOG, "--source", "osc-campus-resources", "--url", URL)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: could not fetch")
    assert "404" in result.stderr
    assert "hint" not in result.stderr  # the server answered: --offline would not help
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------- check


def test_check_runs_offline_on_the_bundled_catalog() -> None:
    result = run("check", "--catalog", CATALOG)
    assert result.exit_code == 0, result.output
    assert "clean" in result.output


def test_check_stops_on_an_invalid_catalog(catalog_dir: Path) -> None:
    (catalog_dir / "resources" / "chaplaincy.json").write_text("{", encoding="utf-8")
    result = run("check", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert "drift not checked" in result.output


def test_check_reports_drift_against_a_changed_snapshot(
    catalog_dir: Path, one_phone_changed: Path
) -> None:
    shutil.copy(one_phone_changed, catalog_dir / "snapshots" / "campus-resources.html")
    result = run("check", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert "+16172534862" in result.output


# -------------------------------------------------------------------------- sync


def test_sync_dry_run_writes_nothing(catalog_dir: Path) -> None:
    before = {p: p.read_bytes() for p in catalog_dir.rglob("*") if p.is_file()}
    page = DATA / "campus-resources-edited.html"
    result = run(
        "sync",
        "--catalog",
        catalog_dir,
        "--source",
        "osc-campus-resources",
        "--html",
        page,
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    after = {p: p.read_bytes() for p in catalog_dir.rglob("*") if p.is_file()}
    assert after == before


def test_sync_applies_changes_then_diff_is_clean_and_valid(catalog_dir: Path) -> None:
    page = DATA / "campus-resources-edited.html"
    result = run(
        "sync", "--catalog", catalog_dir, "--source", "osc-campus-resources", "--html", page
    )
    assert result.exit_code == 0, result.output
    catalog = load_catalog(catalog_dir)
    s3 = catalog["student-support-services"]
    assert [p.number for p in s3.phones] == ["+16172539999"]
    assert s3.phones[0].label == "Student Support Services (S3)"  # carried over
    assert any("carried over" in reason for reason in s3.review.reasons)
    assert catalog["chaplaincy"].status is Status.RETIRED  # retired, not deleted
    new = [r for r in catalog if r.review.needs_review and r.source.name.startswith("Example")]
    assert len(new) == 1
    assert (catalog_dir / "snapshots" / "campus-resources.html").read_bytes() == page.read_bytes()
    assert catalog.meta.sources[0].last_sync is not None
    assert (
        run(
            "diff", "--catalog", catalog_dir, "--source", "osc-campus-resources", "--html", page
        ).exit_code
        == 0
    )
    assert run("validate", "--catalog", catalog_dir).exit_code == 0
    assert run("check", "--catalog", catalog_dir).exit_code == 0
    second = run(
        "sync", "--catalog", catalog_dir, "--source", "osc-campus-resources", "--html", page
    )
    assert second.exit_code == 0
    assert "0 file(s) written" in second.output


def test_sync_keeps_curated_text_when_the_page_is_unchanged(catalog_dir: Path) -> None:
    before = load_catalog(catalog_dir)["student-support-services"]
    assert (
        run(
            "sync", "--catalog", catalog_dir, "--source", "osc-campus-resources", "--html", PAGE
        ).exit_code
        == 0
    )
    after = load_catalog(catalog_dir)["student-support-services"]
    assert after.name == before.name
    assert after.description == before.description


def test_sync_refuses_a_page_that_lost_most_listings(catalog_dir: Path) -> None:
    before = {p: p.read_bytes() for p in catalog_dir.rglob("*.json")}
    page = DATA / "campus-resources-gutted.html"
    result = run(
        "sync", "--catalog", catalog_dir, "--source", "osc-campus-resources", "--html", page
    )
    assert result.exit_code == 2
    assert "--force" in result.output
    assert {p: p.read_bytes() for p in catalog_dir.rglob("*.json")} == before
    forced = run(
        "sync",
        "--catalog",
        catalog_dir,
        "--source",
        "osc-campus-resources",
        "--html",
        page,
        "--force",
    )
    assert forced.exit_code == 0, forced.output
    assert len(load_catalog(catalog_dir).active) == 3


def test_sync_refuses_an_unrecognised_page(catalog_dir: Path) -> None:
    result = run(
        "sync",
        "--catalog",
        catalog_dir,
        "--source",
        "osc-campus-resources",
        "--html",
        DATA / "unrelated-news.html",
    )
    assert result.exit_code == 2
    assert "not recognised" in result.output


def test_second_sync_is_refused_while_one_holds_the_lock(catalog_dir: Path) -> None:
    with catalog_lock(catalog_dir):
        result = run(
            "sync", "--catalog", catalog_dir, "--source", "osc-campus-resources", "--html", PAGE
        )
    assert result.exit_code == 2
    assert "locked" in result.output


def test_sync_never_writes_into_the_installed_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from resource_catalog._base import paths  # noqa: PLC0415

    monkeypatch.setattr(paths, "_PACKAGE_DIR", CATALOG.parent)
    result = run("sync", "--catalog", CATALOG, "--source", "osc-campus-resources", "--html", PAGE)
    assert result.exit_code == 2
    assert "--catalog" in result.output


# ------------------------------------------------------------------------ export


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_export_to_stdout_and_file(fmt: str, tmp_path: Path) -> None:
    result = run("export", "--catalog", CATALOG, "--format", fmt)
    assert result.exit_code == 0, result.output
    out = tmp_path / f"out.{fmt}"
    assert run("export", "--catalog", CATALOG, "--format", fmt, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == result.output


@pytest.mark.parametrize("fmt", ["datapackage", "hsds"])
def test_export_directory_formats(fmt: str, tmp_path: Path) -> None:
    assert run("export", "--catalog", CATALOG, "--format", fmt).exit_code == 2
    out = tmp_path / fmt
    result = run("export", "--catalog", CATALOG, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert (out / "datapackage.json").is_file()


def test_max_page_bytes_sets_the_largest_saved_page_diff_reads(tmp_path: Path) -> None:
    args: list[str | Path] = [
        "diff",
        "--catalog",
        CATALOG,
        "--source",
        "osc-campus-resources",
        "--html",
        PAGE,
    ]
    size = PAGE.stat().st_size
    refused = run(*args, "--max-page-bytes", str(size - 1))
    assert refused.exit_code == 2
    assert f"is too large to be a page ({size} bytes; the limit is {size - 1})" in refused.output
    assert run(*args, "--max-page-bytes", str(size), "--format", "json").exit_code in (0, 1)
    assert run(*args, "--max-page-bytes", "0").exit_code == 2  # not a size
