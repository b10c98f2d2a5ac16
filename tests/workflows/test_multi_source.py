"""Many source pages in one catalog: migration, per-source commands, disagreements,
concurrent fetches, and one failing source among healthy ones.

Pages are served by real HTTP servers on loopback addresses (127.0.0.x are separate
hosts to the fetcher). Page text comes from the project's own test pages.
"""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner, Result

from resource_catalog.checks.validate import load_catalog, validate_catalog
from resource_catalog.cli import cli
from resource_catalog.models import Resource
from resource_catalog.workflows.diff import diff_catalog
from resource_catalog.workflows.sync import migrate_catalog, sync_catalog
from tests.conftest import DATA, FIRST_SOURCE, read_record, write_record
from tests.localserver import serve

PAGE = (DATA / "campus-resources.html").read_bytes()
STRUCTURES = DATA / "structures"
HOLD = 0.2  # seconds a held page keeps its connection busy
MEET = 10.0  # how long the meeting pages wait for each other before giving up


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


class Pages(http.server.BaseHTTPRequestHandler):
    """Serves ``ROUTES[path]`` (status, body, delay); counts requests per path, and the
    most requests it had in hand at once, per host and over all hosts.

    ``MEETING``, when set, is a barrier every request waits at before it is answered:
    the requests meet only if the client sent them at the same time, so a fetcher that
    works one at a time breaks the barrier (the test sees 503s) instead of the test
    needing a stopwatch.
    """

    ROUTES: ClassVar[dict[str, tuple[int, bytes, float]]] = {}
    hits: ClassVar[dict[str, int]] = {}
    busy: ClassVar[dict[str, int]] = {}
    peak: ClassVar[dict[str, int]] = {}
    MEETING: ClassVar[threading.Barrier | None] = None
    lock = threading.Lock()

    def do_GET(self) -> None:
        status, body, delay = self.ROUTES.get(self.path, (404, b"", 0.0))
        host = self.headers.get("Host", "")
        cls = type(self)
        with cls.lock:
            cls.hits[self.path] = cls.hits.get(self.path, 0) + 1
            for key in (host, "*"):
                cls.busy[key] = cls.busy.get(key, 0) + 1
                cls.peak[key] = max(cls.peak.get(key, 0), cls.busy[key])
        try:
            if cls.MEETING is not None:
                try:
                    cls.MEETING.wait()
                except threading.BrokenBarrierError:
                    status, body = 503, b""
            time.sleep(delay)
        finally:
            with cls.lock:
                for key in (host, "*"):
                    cls.busy[key] -= 1
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def hosts() -> Iterator[list[str]]:
    """Three servers on three loopback hosts."""
    Pages.hits, Pages.busy, Pages.peak, Pages.MEETING = {}, {}, {}, None
    with ExitStack() as stack:
        yield [stack.enter_context(serve(Pages, f"127.0.0.{n}")) for n in (2, 3, 4)]


def add_source(directory: Path, source_id: str, url: str, **extra: Any) -> None:
    """Add a source entry to catalog.json by hand (as a maintainer would)."""
    meta_path = directory / "catalog.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sources"].append({"id": source_id, "url": url, "title": source_id, **extra})
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def table_page_profile() -> dict[str, Any]:
    profiles = json.loads((STRUCTURES / "profiles.json").read_text(encoding="utf-8"))
    profile: dict[str, Any] = profiles["19-table-d10-mit-offices"]
    return profile


# ------------------------------------------------------------------ schema 1.0 -> 2.0


def downgrade_to_v1(directory: Path) -> None:
    """Write the first-page catalog as schema 1.0 wrote it: no ids, ``source`` per record."""
    meta = json.loads((directory / "catalog.json").read_text(encoding="utf-8"))
    meta["schema_version"] = "1.0"
    for key in ("review_interval_days", "campus"):
        meta.pop(key)
    for source in meta["sources"]:
        source.pop("id")
        source.pop("profile")
    (directory / "catalog.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    for path in (directory / "resources").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        (seen,) = data.pop("sources")
        review = data.pop("review")
        data["source"] = {k: v for k, v in seen.items() if k not in ("source_id", "listed")}
        data["review"] = {k: review[k] for k in ("needs_review", "reasons", "last_reviewed")}
        write_record(directory, path.stem, data)
    (directory / "history.jsonl").unlink()


def test_a_1_0_catalog_loads_with_a_hint_and_migrate_rewrites_it(catalog_dir: Path) -> None:
    before = load_catalog(catalog_dir)
    downgrade_to_v1(catalog_dir)
    result = validate_catalog(catalog_dir)
    assert result.errors == ()
    assert result.schema_version == "1.0"
    assert any(f.code == "old-schema" and "migrate" in f.message for f in result.warnings)
    old = load_catalog(catalog_dir)

    def curated(r: Resource) -> dict[str, Any]:
        return r.model_dump(exclude={"sources", "review"})

    assert [curated(r) for r in old.resources] == [curated(r) for r in before.resources]
    pages = [o.model_dump(exclude={"source_id"}) for r in old.resources for o in r.sources]
    assert pages == [o.model_dump(exclude={"source_id"}) for r in before for o in r.sources]
    refused = run("sync", "--catalog", catalog_dir, "--html", DATA / "campus-resources.html")
    assert refused.exit_code == 2
    assert "migrate" in refused.stderr
    migrated = run("migrate", "--catalog", catalog_dir)
    assert migrated.exit_code == 0, migrated.output
    assert "from schema 1.0" in migrated.stdout
    after = validate_catalog(catalog_dir)
    assert (after.errors, after.schema_version) == ((), "2.1")
    assert after.catalog.meta.sources[0].id == "campus-resources"  # the slug of its title
    assert after.catalog.meta.campus == "mit"
    assert [e.field for e in after.catalog.history] == ["schema_version"]
    assert run("migrate", "--catalog", catalog_dir).stdout.endswith("nothing to do\n")
    assert migrate_catalog(catalog_dir).written == ()


def test_a_1_0_record_that_was_retired_is_unlisted_on_its_page(catalog_dir: Path) -> None:
    downgrade_to_v1(catalog_dir)
    data = read_record(catalog_dir, "chaplaincy")
    write_record(catalog_dir, "chaplaincy", {**data, "status": "retired"})
    migrate_catalog(catalog_dir)
    (seen,) = load_catalog(catalog_dir)["chaplaincy"].sources
    assert not seen.listed


def test_a_catalog_of_a_newer_schema_is_refused_clearly(catalog_dir: Path) -> None:
    meta = json.loads((catalog_dir / "catalog.json").read_text(encoding="utf-8"))
    (catalog_dir / "catalog.json").write_text(json.dumps({**meta, "schema_version": "9.0"}))
    result = run("validate", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert "schema_version '9.0'" in result.stdout


# ------------------------------------------------------------------ several pages


def test_two_pages_that_disagree_about_an_office_are_reported(full_catalog_dir: Path) -> None:
    data = read_record(full_catalog_dir, "ombuds-office")
    for seen in data["sources"]:
        if seen["source_id"] == FIRST_SOURCE:
            seen["phones"] = [
                {"number": "+16172539999", "extension": None, "label": None, "kind": "voice"}
            ]
    write_record(full_catalog_dir, "ombuds-office", data)
    result = validate_catalog(full_catalog_dir)
    [finding] = [f for f in result.warnings if "disagree" in f.code]
    assert finding.resource_id == "ombuds-office"
    assert finding.code == "sources-disagree-phones"
    for needle in (FIRST_SOURCE, "oge-roles-relationships", "+16172539999", "+16172535921"):
        assert needle in finding.message
    assert result.errors == ()


def test_a_page_that_says_less_does_not_disagree(full_catalog_dir: Path) -> None:
    result = validate_catalog(full_catalog_dir)
    assert not [f for f in result.warnings if "disagree" in f.code]
    # MIT Police: the first page gives no phone, the IDHR page two; that is not a contradiction.
    police = result.catalog["mit-police"]
    assert [len(o.phones) for o in police.sources] == [0, 1]


def test_sources_list_and_show(full_catalog_dir: Path) -> None:
    listed = run("sources", "list", "--catalog", full_catalog_dir, "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [set(r) for r in rows] == [
        {"id", "url", "title", "snapshot", "resources", "last_sync"}
    ] * 5
    assert rows[0]["id"] == FIRST_SOURCE
    assert rows[0]["resources"] == 23
    assert sum(r["resources"] for r in rows) == 23 + 6 + 4 + 4 + 5
    shown = run("sources", "show", "oge-roles-relationships", "--catalog", full_catalog_dir)
    assert shown.exit_code == 0
    assert "ombuds-office" in shown.stdout
    assert '"group": "headings"' in shown.stdout
    missing = run("sources", "show", "nope", "--catalog", full_catalog_dir)
    assert missing.exit_code == 2
    assert "its sources:" in missing.stderr


def test_check_runs_every_source_offline_and_names_each(full_catalog_dir: Path) -> None:
    result = run("check", "--catalog", full_catalog_dir, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "clean"
    assert [s["id"] for s in report["sources"]] == [
        FIRST_SOURCE,
        "oge-roles-relationships",
        "idhr-reporting-police",
        "science-dispute-resolution",
        "dusp-individual-and-community-support",
    ]
    one = run(
        "check",
        "--catalog",
        full_catalog_dir,
        "--source",
        "idhr-reporting-police",
        "--format",
        "json",
    )
    assert [s["id"] for s in json.loads(one.stdout)["sources"]] == ["idhr-reporting-police"]


def test_an_unknown_source_id_is_refused_naming_the_ids(full_catalog_dir: Path) -> None:
    result = run("diff", "--catalog", full_catalog_dir, "--source", "nope", "--offline")
    assert result.exit_code == 2
    assert "no source 'nope'" in result.stderr
    assert FIRST_SOURCE in result.stderr


def test_a_new_page_listing_a_known_office_joins_its_record(
    catalog_dir: Path, hosts: list[str]
) -> None:
    html = (STRUCTURES / "19-table-d10-mit-offices.html").read_bytes()
    Pages.ROUTES = {"/offices": (200, html, 0.0)}
    add_source(catalog_dir, "offices", f"{hosts[0]}/offices", profile=table_page_profile())
    result = sync_catalog(catalog_dir, sources=["offices"])
    assert result.errors == {}
    catalog = load_catalog(catalog_dir)
    s3 = catalog["student-support-services"]
    assert [o.source_id for o in s3.sources] == [FIRST_SOURCE, "offices"]  # one record
    assert s3.review.needs_review
    assert any("also listed on offices" in reason for reason in s3.review.reasons)
    new = [r for r in catalog.from_source("offices") if len(r.sources) == 1]
    assert new
    assert all(r.review.needs_review for r in new)
    again = sync_catalog(catalog_dir, sources=["offices"])
    assert again.written == ()
    assert validate_catalog(catalog_dir).errors == ()


# ------------------------------------------------------------------ fetching many pages


def slow_catalog(directory: Path, urls: list[str]) -> None:
    """The first-page catalog with its page served (slowly) at each of ``urls``."""
    meta = json.loads((directory / "catalog.json").read_text(encoding="utf-8"))
    first = meta["sources"][0]
    meta["sources"] = [
        {**first, "id": f"copy-{i}", "url": url, "snapshot": None} for i, url in enumerate(urls)
    ]
    (directory / "catalog.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    for path in (directory / "resources").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        (seen,) = data["sources"]
        data["sources"] = [
            {**seen, "source_id": f"copy-{i}", "url": url} for i, url in enumerate(urls)
        ]
        write_record(directory, path.stem, data)
    (directory / "history.jsonl").unlink()


def test_pages_on_several_hosts_are_fetched_at_once(catalog_dir: Path, hosts: list[str]) -> None:
    # The three pages are answered only once all three requests are in: a fetcher that
    # waited for one page before asking for the next would get 503s, not a clean diff.
    Pages.ROUTES = {"/page": (200, PAGE, 0.0)}
    Pages.MEETING = threading.Barrier(3, timeout=MEET)
    slow_catalog(catalog_dir, [f"{h}/page" for h in hosts])
    result = diff_catalog(catalog_dir, jobs=4)
    assert result.drift.status == "clean", result.drift.to_dict()
    assert len(result.drift.sources) == 3
    assert Pages.peak["*"] == 3
    # With one job the same pages come one after another (and need no meeting).
    Pages.MEETING, Pages.peak = None, {}
    Pages.ROUTES = {"/page": (200, PAGE, HOLD)}
    assert diff_catalog(catalog_dir, jobs=1).drift.status == "clean"
    assert Pages.peak["*"] == 1
    assert Pages.hits["/page"] == 6


def test_pages_of_one_host_are_fetched_one_at_a_time(catalog_dir: Path, hosts: list[str]) -> None:
    # Each page holds its connection a while, so overlapping requests would be seen.
    Pages.ROUTES = {f"/page-{i}": (200, PAGE, HOLD) for i in range(3)}
    slow_catalog(catalog_dir, [f"{hosts[0]}/page-{i}" for i in range(3)])
    result = diff_catalog(catalog_dir, jobs=4)
    assert result.drift.status == "clean"
    host = hosts[0].removeprefix("http://")
    assert Pages.peak[host] == 1  # polite: no host gets two at once
    assert sum(Pages.hits.values()) == 3


def test_one_failing_source_among_healthy_ones(catalog_dir: Path, hosts: list[str]) -> None:
    Pages.ROUTES = {"/page": (200, PAGE, 0.0), "/gone": (404, b"", 0.0)}
    slow_catalog(catalog_dir, [f"{hosts[0]}/page", f"{hosts[1]}/gone", f"{hosts[2]}/page"])
    result = run("diff", "--catalog", catalog_dir, "--format", "json")
    assert result.exit_code == 2  # the worst: one source could not be checked
    report = json.loads(result.stdout)  # every other source is still checked and reported
    assert report["status"] == "error"
    assert [(s["id"], s["status"]) for s in report["sources"]] == [
        ("copy-0", "clean"),
        ("copy-1", "error"),
        ("copy-2", "clean"),
    ]
    assert "404" in report["sources"][1]["error"]
    assert report["removed"] == []  # never "23 removed"
    assert "error: copy-1: could not fetch" in result.stderr
    before = {p.name: p.read_bytes() for p in (catalog_dir / "resources").glob("*.json")}
    synced = run("sync", "--catalog", catalog_dir)
    assert synced.exit_code == 2
    catalog = load_catalog(catalog_dir)
    assert len(catalog.active) == 23  # the failing page retired nothing
    assert all(o.listed for r in catalog.resources for o in r.sources)
    after = {p.name: p.read_bytes() for p in (catalog_dir / "resources").glob("*.json")}
    assert after == before  # the healthy pages had nothing new


def test_a_source_without_snapshot_cannot_be_checked_offline(catalog_dir: Path) -> None:
    meta = json.loads((catalog_dir / "catalog.json").read_text(encoding="utf-8"))
    meta["sources"][0]["snapshot"] = None
    (catalog_dir / "catalog.json").write_text(json.dumps(meta), encoding="utf-8")
    result = run("check", "--catalog", catalog_dir)
    assert result.exit_code == 2
    assert "no saved snapshot" in result.stderr


def test_a_copied_catalog_checks_offline_from_any_directory(
    full_catalog_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(full_catalog_dir, elsewhere / "catalog")
    monkeypatch.chdir(elsewhere / "catalog")  # inside the catalog: it is the one checked
    result = run("validate")
    assert result.exit_code == 0
    assert "35 active resources" in result.stdout
    assert "in ." in result.stdout or "in catalog" not in result.stdout


def test_sync_offline_reads_the_saved_snapshots(full_catalog_dir: Path) -> None:
    snapshot = full_catalog_dir / "snapshots" / "science-dispute-resolution.html"
    html = snapshot.read_text(encoding="utf-8")
    snapshot.write_text(
        html.replace("<h3>Committee on Discipline</h3>", "<h3>Discipline Committee</h3>")
    )
    result = run(
        "sync", "--catalog", full_catalog_dir, "--source", "science-dispute-resolution", "--offline"
    )
    assert result.exit_code == 0, result.output
    assert "update committee-on-discipline: took name from the page" in result.stdout
    renamed = load_catalog(full_catalog_dir)["committee-on-discipline"]
    assert renamed.name == "Discipline Committee"
    again = run("sync", "--catalog", full_catalog_dir, "--offline")  # every source, no network
    assert again.exit_code == 0, again.output
    assert "0 file(s) written" in again.stdout
