"""``sources add`` / ``sources test`` and what happens to an onboarded source later."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import responses
from click.testing import CliRunner, Result

from resource_catalog.checks.validate import load_catalog
from resource_catalog.cli import cli
from resource_catalog.errors import CatalogError, ProfileMismatchError
from resource_catalog.workflows import sources

STRUCTURES = Path(__file__).resolve().parents[1] / "data" / "structures"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def page(prefix: str) -> Path:
    (found,) = STRUCTURES.glob(f"{prefix}-*.html")
    return found


def truth(prefix: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        page(prefix).with_suffix("").with_suffix(".expected.json").read_text("utf-8")
    )
    return data


def snapshot_of(directory: Path) -> dict[str, bytes]:
    """Every file of a catalog directory and its bytes."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def add(catalog_dir: Path, prefix: str, sid: str, *extra: str) -> Result:
    return run(
        "sources", "add", "--html", page(prefix), "--url", truth(prefix)["url"], "--id", sid,
        "--catalog", catalog_dir, *extra,
    )  # fmt: skip


# --------------------------------------------------------------------------- add


def test_add_writes_the_source_and_its_snapshot_and_no_record(catalog_dir: Path) -> None:
    before = snapshot_of(catalog_dir)
    result = add(catalog_dir, "09", "basic-needs")
    assert result.exit_code == 0, result.output
    assert "confidence: ok" in result.output
    assert "MIT Pantry [Food]" in result.output
    assert "sync --source basic-needs" in result.output
    after = snapshot_of(catalog_dir)
    changed = sorted(k for k in after if before.get(k) != after[k])
    assert changed == ["catalog.json", "history.jsonl", "snapshots/basic-needs.html"]
    assert after["snapshots/basic-needs.html"] == page("09").read_bytes()
    catalog = load_catalog(catalog_dir)
    source = catalog.meta.source("basic-needs")
    assert source.url == truth("09")["url"]
    assert source.title == "Basic Needs Resources"
    assert source.sections == ["Food", "Housing", "Money"]
    assert source.profile is not None
    assert source.profile.listings.selector == "div.views-row"
    assert not catalog.from_source("basic-needs")
    event = json.loads(after["history.jsonl"].splitlines()[-1])
    assert event["source_id"] == "basic-needs"
    assert event["field"] == "sources"


def test_the_next_sync_creates_the_records_each_flagged_for_review(catalog_dir: Path) -> None:
    assert add(catalog_dir, "09", "basic-needs").exit_code == 0
    synced = run("sync", "--catalog", catalog_dir, "--source", "basic-needs", "--html", page("09"))
    assert synced.exit_code == 0, synced.output
    records = load_catalog(catalog_dir).from_source("basic-needs")
    assert sorted(r.name for r in records) == sorted(x["name"] for x in truth("09")["listings"])
    assert all(r.review.needs_review for r in records)


def test_the_id_defaults_to_a_slug_of_the_title(catalog_dir: Path) -> None:
    result = run("sources", "add", "--html", page("33"), "--catalog", catalog_dir)
    assert result.exit_code == 0, result.output
    source = load_catalog(catalog_dir).meta.sources[-1]
    assert (source.id, source.title) == ("feeling-overwhelmed", "Feeling Overwhelmed?")
    assert source.url == "https://eecs-ug.mit.edu/wellness/"  # the page's canonical link
    assert (catalog_dir / "snapshots" / "feeling-overwhelmed.html").is_file()


def test_dry_run_writes_nothing(catalog_dir: Path) -> None:
    before = snapshot_of(catalog_dir)
    result = add(catalog_dir, "01", "reslife", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing written" in result.output
    assert "Student Support Services (S3) [Academic and Personal Support]" in result.output
    assert snapshot_of(catalog_dir) == before


def test_json_output_shows_listings_profile_and_runner_up(catalog_dir: Path) -> None:
    result = add(catalog_dir, "19", "offices", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["confidence"] == "ok"
    assert [x["name"] for x in body["listings"]] == [x["name"] for x in truth("19")["listings"]]
    assert body["profile"]["listings"]["group"] == "table"
    assert body["profile"] == body["source"]["profile"]
    assert body["runner_up"] is None or body["runner_up"]["listings"]
    assert body["written"] == []


@pytest.mark.parametrize("prefix", ["23", "24"])
def test_a_weak_page_exits_1_with_a_runner_up_and_saves_nothing(
    catalog_dir: Path, prefix: str
) -> None:
    before = snapshot_of(catalog_dir)
    result = add(catalog_dir, prefix, "weak")
    assert result.exit_code == 1, result.output
    assert "confidence: weak" in result.output
    assert "runner-up" in result.output
    assert '"version": 2' in result.output  # the profile is still printed
    assert "not saved" in result.output
    assert snapshot_of(catalog_dir) == before


def test_force_saves_a_weak_reading(catalog_dir: Path) -> None:
    result = add(catalog_dir, "24", "events", "--force")
    assert result.exit_code == 1, result.output
    assert "added source events" in result.output
    assert load_catalog(catalog_dir).meta.source("events").profile is not None


def test_examples_steer_the_cli(catalog_dir: Path) -> None:
    steered = add(catalog_dir, "21", "sloan", "--example", "Academic calendar", "--dry-run")
    assert "Academic calendar [Quick links]" in steered.output
    cards = add(catalog_dir, "21", "sloan", "--example", "Ombuds Office", "--dry-run")
    assert cards.exit_code == 0, cards.output
    assert "Ombuds Office [Who can help]" in cards.output
    assert "Academic calendar [" not in cards.output.split("runner-up")[0]


def test_an_example_no_reading_finds_exits_2_naming_it(catalog_dir: Path) -> None:
    result = add(catalog_dir, "21", "sloan", "--example", "Quidditch Office")
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert "'Quidditch Office'" in result.output


def test_an_id_or_url_already_in_the_catalog_is_refused(catalog_dir: Path) -> None:
    assert add(catalog_dir, "01", "reslife").exit_code == 0
    before = snapshot_of(catalog_dir)
    same_id = add(catalog_dir, "19", "reslife")
    assert same_id.exit_code == 2
    assert "already has a source 'reslife'" in same_id.output
    same_url = add(catalog_dir, "01", "another")
    assert same_url.exit_code == 2
    assert "already follows" in same_url.output
    assert snapshot_of(catalog_dir) == before
    with pytest.raises(CatalogError, match="already"):
        sources.add_source(catalog_dir, html=page("01"), url=truth("01")["url"] + "/")


@responses.activate
def test_add_fetches_the_url_when_no_file_is_given(catalog_dir: Path) -> None:
    url = truth("05")["url"]
    responses.get(url, body=page("05").read_bytes(), content_type="text/html; charset=utf-8")
    result = run("sources", "add", "--url", url, "--id", "emergency", "--catalog", catalog_dir)
    assert result.exit_code == 0, result.output
    assert responses.calls[0].request.url == url
    saved = catalog_dir / "snapshots" / "emergency.html"
    assert saved.read_bytes() == page("05").read_bytes()


def test_add_needs_a_page(catalog_dir: Path) -> None:
    result = run("sources", "add", "--catalog", catalog_dir)
    assert result.exit_code == 2
    assert "--url URL, or --html FILE" in result.output


# --------------------------------------------------------------------------- test


def test_sources_test_previews_an_edited_profile(catalog_dir: Path, tmp_path: Path) -> None:
    assert add(catalog_dir, "01", "reslife").exit_code == 0
    as_is = run("sources", "test", "reslife", "--catalog", catalog_dir)
    assert as_is.exit_code == 0, as_is.output
    assert "14 listing(s)" in as_is.output
    stored = load_catalog(catalog_dir).meta.source("reslife").profile
    assert stored is not None
    edited = stored.model_dump(mode="json", by_alias=True)
    edited["section"] = {"from": "none"}
    profile_file = tmp_path / "profile.json"
    profile_file.write_text(json.dumps(edited), encoding="utf-8")
    preview = run(
        "sources", "test", "reslife", "--catalog", catalog_dir, "--profile", profile_file,
        "--format", "json",
    )  # fmt: skip
    assert preview.exit_code == 0, preview.output
    sections = {x["section"] for x in json.loads(preview.stdout)["listings"]}
    assert sections == {"Resources for Residents"}  # the page title, with no section rule
    assert load_catalog(catalog_dir).meta.source("reslife").profile == stored  # nothing saved


def test_sources_test_of_a_profile_that_reads_nothing_exits_2(
    catalog_dir: Path, tmp_path: Path
) -> None:
    assert add(catalog_dir, "01", "reslife").exit_code == 0
    broken = tmp_path / "profile.json"
    broken.write_text(json.dumps({"listings": {"selector": "div.no-such-thing"}}), "utf-8")
    result = run("sources", "test", "reslife", "--catalog", catalog_dir, "--profile", broken)
    assert result.exit_code == 2
    assert "listings.selector 'div.no-such-thing' matched nothing" in result.output
    with pytest.raises(ProfileMismatchError):
        sources.test_source(catalog_dir, "reslife", html=page("25"))


# ------------------------------------------------------------------ later: drift, mismatch


def onboarded(catalog_dir: Path, prefix: str) -> None:
    assert add(catalog_dir, prefix, "src").exit_code == 0
    synced = run("sync", "--catalog", catalog_dir, "--source", "src", "--html", page(prefix))
    assert synced.exit_code == 0, synced.output


@pytest.mark.untraced
@pytest.mark.parametrize(("first", "redesign"), [("01", "25"), ("09", "26"), ("19", "27")])
@pytest.mark.parametrize("command", ["diff", "sync", "scrape"])
def test_a_redesigned_page_is_a_profile_that_no_longer_matches(
    catalog_dir: Path, first: str, redesign: str, command: str
) -> None:
    onboarded(catalog_dir, first)
    before = snapshot_of(catalog_dir)
    result = run(command, "--catalog", catalog_dir, "--source", "src", "--html", page(redesign))
    assert result.exit_code == 2, result.output
    assert "profile no longer matches the page" in result.output
    assert "removed" not in result.output
    assert any(part in result.output for part in ("selector", "content"))
    assert snapshot_of(catalog_dir) == before


def test_check_of_a_redesigned_snapshot_says_the_profile_no_longer_matches(
    catalog_dir: Path,
) -> None:
    onboarded(catalog_dir, "09")
    (catalog_dir / "snapshots" / "src.html").write_bytes(page("26").read_bytes())
    result = run("check", "--catalog", catalog_dir, "--source", "src")
    assert result.exit_code == 2, result.output
    assert "profile no longer matches the page" in result.output
    assert "content selector(s) 'div.view-content' found nothing" in result.output


def test_most_listings_gone_is_a_mismatch_not_removals(catalog_dir: Path, tmp_path: Path) -> None:
    onboarded(catalog_dir, "18")
    html = page("18").read_text("utf-8")
    head, _, rest = html.partition("<li>")
    items = rest.split("<li>")
    shrunk = tmp_path / "shrunk.html"
    shrunk.write_text(head + "<li>" + "<li>".join([*items[:3], items[-1]]), encoding="utf-8")
    result = run("diff", "--catalog", catalog_dir, "--source", "src", "--html", shrunk)
    assert result.exit_code == 2, result.output
    assert "profile no longer matches the page" in result.output


@pytest.mark.untraced
@pytest.mark.parametrize(
    ("first", "edited", "changed", "added", "removed"),
    [
        ("01", "28", ("Community Wellness", "+16172531320"), "Nightline", "SafeRide"),
        ("09", "29", ("Off-Campus Housing Office", "+16172531495"), "Textbook Lending Library",
         "Summer Storage"),
        ("19", "30", ("Office of Minority Education", "+16172535015"),
         "Career Advising & Professional Development", "SafeRide"),
    ],
)  # fmt: skip
def test_a_small_edit_is_the_drift_it_is(
    catalog_dir: Path,
    first: str,
    edited: str,
    changed: tuple[str, str],
    added: str,
    removed: str,
) -> None:
    onboarded(catalog_dir, first)
    result = run(
        "diff", "--catalog", catalog_dir, "--source", "src", "--html", page(edited),
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    drift = json.loads(result.stdout)
    assert [(c["name"], c["after"]) for c in drift["changed"] if c["field"] == "phones"] == [
        (changed[0], [changed[1]])
    ]
    assert [a["name"] for a in drift["added"]] == [added]
    assert [r["name"] for r in drift["removed"]] == [removed]
