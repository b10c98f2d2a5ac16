"""Issue 22: the second hostile review, of the many-sources features.

One test or more per defect, named after its item, each reproducing the input of the
report; then a test for each sibling found (the same mistake in another place). Every
test here failed on the code before its fix.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import responses
from click.testing import CliRunner, Result

from resource_catalog.checks.validate import load_catalog, validate_catalog
from resource_catalog.cli import cli
from resource_catalog.errors import CatalogError, ReviewError
from resource_catalog.models import Conflict
from resource_catalog.pages import read
from resource_catalog.pages.fetch import fetch_page
from resource_catalog.pages.fetching.encoding import _detected_codec, choose_encoding, decode_html
from resource_catalog.pages.fetching.labels import codec_for_label
from resource_catalog.store.files import save_catalog
from resource_catalog.workflows.review import _conflict

STRUCTURES = Path(__file__).resolve().parent / "data" / "structures"
BASIC_NEEDS = next(STRUCTURES.glob("09-*.html"))
FIRST_SNAPSHOT = "campus-resources.html"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def files_of(directory: Path) -> dict[str, bytes]:
    """Every file of a catalog by relative path (lock files aside)."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def meta_of(directory: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((directory / "catalog.json").read_text("utf-8"))
    return data


def write_meta(directory: Path, data: dict[str, Any]) -> None:
    (directory / "catalog.json").write_text(json.dumps(data, indent=2) + "\n", "utf-8")


def one_error(result: Result) -> str:
    """The one error line of a command that could not do its job."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


# ------------------------------------------------ 1. a snapshot name already in use


@pytest.mark.parametrize(
    "naming",
    [["--id", "campus-resources"], ["--title", "Campus Resources"]],
    ids=["--id", "title"],
)
def test_1_add_never_takes_another_sources_snapshot(catalog_dir: Path, naming: list[str]) -> None:
    first = (catalog_dir / "snapshots" / FIRST_SNAPSHOT).read_bytes()
    result = run(
        "sources", "add", "--html", BASIC_NEEDS, "--url", "https://example.edu/basic-needs",
        *naming, "--catalog", catalog_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (catalog_dir / "snapshots" / FIRST_SNAPSHOT).read_bytes() == first
    assert validate_catalog(catalog_dir).ok()
    added = load_catalog(catalog_dir).meta.source("campus-resources")
    assert added.snapshot == "campus-resources-2.html"
    assert (catalog_dir / "snapshots" / "campus-resources-2.html").read_bytes() == (
        BASIC_NEEDS.read_bytes()
    )
    assert "saved snapshots/campus-resources-2.html" in result.output


def test_1_add_leaves_a_snapshot_file_no_source_claims(catalog_dir: Path) -> None:
    stray = catalog_dir / "snapshots" / "basic-needs.html"
    stray.write_bytes(b"<p>kept by hand</p>")
    result = run(
        "sources", "add", "--html", BASIC_NEEDS, "--url", "https://example.edu/basic-needs",
        "--id", "basic-needs", "--catalog", catalog_dir,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert stray.read_bytes() == b"<p>kept by hand</p>"
    assert load_catalog(catalog_dir).meta.source("basic-needs").snapshot == "basic-needs-2.html"


def test_1_sync_of_a_source_without_snapshot_never_takes_anothers(catalog_dir: Path) -> None:
    # A second source, never synced, whose id's snapshot name the first source uses.
    meta = meta_of(catalog_dir)
    meta["sources"].append(
        {"id": "campus-resources", "url": "https://example.edu/other", "title": "Other",
         "snapshot": None}
    )  # fmt: skip
    write_meta(catalog_dir, meta)
    first = (catalog_dir / "snapshots" / FIRST_SNAPSHOT).read_bytes()
    other = catalog_dir.parent / "other.html"
    other.write_bytes((catalog_dir / "snapshots" / FIRST_SNAPSHOT).read_bytes())
    result = run("sync", "--source", "campus-resources", "--html", other, "--catalog", catalog_dir)
    assert result.exit_code == 0, result.output
    assert (catalog_dir / "snapshots" / FIRST_SNAPSHOT).read_bytes() == first
    assert validate_catalog(catalog_dir).ok()
    assert load_catalog(catalog_dir).meta.source("campus-resources").snapshot == (
        "campus-resources-2.html"
    )


def test_1_no_save_writes_metadata_its_model_rejects(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir)
    (first,) = catalog.meta.sources
    twin = first.model_copy(update={"id": "twin"})  # the same snapshot file
    bad = catalog.with_meta(catalog.meta.model_copy(update={"sources": [first, twin]}))
    before = files_of(catalog_dir)
    with pytest.raises(CatalogError, match="share the snapshot file"):
        save_catalog(bad, catalog_dir)
    assert files_of(catalog_dir) == before


def test_1_sibling_no_save_writes_a_record_its_model_rejects(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir)
    record = catalog.resources[0]
    doubled = record.model_copy(update={"sources": [*record.sources, record.sources[0]]})
    bad = catalog.replace([doubled, *catalog.resources[1:]])
    before = files_of(catalog_dir)
    with pytest.raises(CatalogError, match=f"record '{record.id}'.*one observation per source"):
        save_catalog(bad, catalog_dir)
    assert files_of(catalog_dir) == before


# ------------------------------------------------ 2. a charset that is no text codec

NOT_TEXT = ["rot13", "base64", "zlib_codec", "idna", "hex", "uu_codec", "punycode"]
PAGE = (Path(__file__).resolve().parent / "data" / "campus-resources.html").read_bytes()


def with_meta_charset(page: bytes, label: str) -> bytes:
    return page.replace(b"<head>", f'<head><meta charset="{label}">'.encode(), 1)


@pytest.mark.parametrize("label", NOT_TEXT)
def test_2_a_label_that_is_no_text_encoding_is_ignored(label: str) -> None:
    text = "<p>Caf\u00e9 \u2014 x3-1212</p>"
    body = text.encode("utf-8")
    assert decode_html(body, f"text/html; charset={label}") == text
    assert choose_encoding(with_meta_charset(b"<head></head>", label)) == "utf-8"


@pytest.mark.parametrize(
    ("label", "codec"),
    [("latin1", "cp1252"), (" Windows-1251 ", "cp1251"), ("SHIFT_JIS", "cp932"),
     ("gbk", "gb18030"), ("utf-16", "utf-16-le"), ("bogus", None), ("", None)],
)  # fmt: skip
def test_2_labels_are_read_as_the_whatwg_table_says(label: str, codec: str | None) -> None:
    assert codec_for_label(label) == codec


def test_2_sibling_the_detector_guess_is_a_text_encoding_too() -> None:
    assert _detected_codec("rot13") is None
    assert _detected_codec("latin_1") == "cp1252"
    assert _detected_codec("big5") == "big5"


def test_2_a_saved_page_declaring_rot13_is_read(tmp_path: Path) -> None:
    saved = tmp_path / "page.html"
    saved.write_bytes(with_meta_charset(PAGE, "rot13"))
    result = run("scrape", "--html", saved, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Student Support Services" in result.output


def test_2_a_fetched_page_declaring_zlib_codec_is_read() -> None:
    with responses.RequestsMock() as mock:
        mock.get("https://example.edu/p", body=PAGE, content_type="text/html; charset=zlib_codec")
        fetched = fetch_page("https://example.edu/p")
    assert fetched.encoding == "utf-8"
    assert "Student Support Services" in (fetched.html or "")


def test_2_every_source_is_reported_when_one_snapshot_declares_base64(
    full_catalog_dir: Path,
) -> None:
    snapshot = full_catalog_dir / "snapshots" / "oge-roles-relationships.html"
    snapshot.write_bytes(with_meta_charset(snapshot.read_bytes(), "base64"))
    result = run("diff", "--offline", "--format", "json", "--catalog", full_catalog_dir)
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert len(report["sources"]) == 5
    assert {s["status"] for s in report["sources"]} == {"clean"}


def test_2_a_worker_fault_is_that_sources_error_and_the_others_are_reported(
    full_catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = read.read_source

    def faulty(source: Any, *args: Any, **kwargs: Any) -> Any:
        if source.id == "oge-roles-relationships":
            raise LookupError("a fault no reader expects")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(read, "read_source", faulty)
    for command in ("diff", "sync"):
        result = run(command, "--offline", "--catalog", full_catalog_dir)
        assert "Traceback" not in result.output
        assert result.exit_code == 2, result.output
        assert "oge-roles-relationships: could not read the page: unexpected LookupError" in (
            result.stderr
        )
    report = run("diff", "--offline", "--format", "json", "--catalog", full_catalog_dir)
    statuses = {s["id"]: s["status"] for s in json.loads(report.stdout)["sources"]}
    assert statuses.pop("oge-roles-relationships") == "error"
    assert set(statuses.values()) == {"clean"}


# ------------------------------------------------ 4. relisted on another page


def retire_as_a_sync_would(directory: Path, resource_id: str) -> None:
    data = json.loads((directory / "resources" / f"{resource_id}.json").read_text("utf-8"))
    data["status"] = "retired"
    for seen in data["sources"]:
        seen["listed"] = False
    (directory / "resources" / f"{resource_id}.json").write_text(
        json.dumps(data, indent=2) + "\n", "utf-8"
    )


def add_second_page(directory: Path) -> Path:
    """A second source whose page lists the same offices as the first one."""
    meta = meta_of(directory)
    meta["sources"].append(
        {"id": "second-page", "url": "https://example.edu/second", "title": "Second"}
    )
    write_meta(directory, meta)
    page = directory.parent / "second.html"
    page.write_bytes(PAGE)
    return page


def test_4_an_office_retired_by_one_page_and_listed_by_another_is_active_again(
    catalog_dir: Path,
) -> None:
    retire_as_a_sync_would(catalog_dir, "student-support-services")
    second = add_second_page(catalog_dir)
    before = run("diff", "--source", "second-page", "--html", second, "--format", "json",
                 "--catalog", catalog_dir)  # fmt: skip
    assert before.exit_code == 1, before.output
    result = run("sync", "--source", "second-page", "--html", second, "--catalog", catalog_dir)
    assert result.exit_code == 0, result.output
    catalog = load_catalog(catalog_dir)
    s3 = catalog["student-support-services"]
    assert s3.status.value == "active"
    assert s3.listed_on == ("second-page",)
    assert s3.review.needs_review
    assert any("second-page" in reason for reason in s3.review.reasons)
    events = [e for e in catalog.history if e.resource_id == "student-support-services"]
    assert events[-1].action.value == "relisted"
    assert events[-1].source_id == "second-page"
    exported = json.loads(run("export", "--format", "json", "--catalog", catalog_dir).stdout)
    assert "student-support-services" in {r["id"] for r in exported}
    after = run("diff", "--source", "second-page", "--html", second, "--catalog", catalog_dir)
    assert after.exit_code == 0, after.output


def test_4_a_record_its_curators_retired_stays_retired_when_another_page_lists_it(
    catalog_dir: Path,
) -> None:
    path = catalog_dir / "resources" / "student-support-services.json"
    data = json.loads(path.read_text("utf-8"))
    data["status"] = "retired"  # by hand: the first page still lists it
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    second = add_second_page(catalog_dir)
    result = run("sync", "--source", "second-page", "--html", second, "--catalog", catalog_dir)
    assert result.exit_code == 0, result.output
    s3 = load_catalog(catalog_dir)["student-support-services"]
    assert s3.status.value == "retired"
    assert set(s3.listed_on) == {"osc-campus-resources", "second-page"}


# ------------------------------------------------ 5. a conflict on a field sync never merges


def add_conflict(directory: Path, resource_id: str, **conflict: Any) -> None:
    path = directory / "resources" / f"{resource_id}.json"
    data = json.loads(path.read_text("utf-8"))
    data["review"]["needs_review"] = True
    data["review"]["conflicts"].append(conflict)
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")


@pytest.mark.parametrize("field", ["id", "status", "review", "sources", "nonsense"])
def test_5_validate_reports_a_conflict_on_a_field_sync_does_not_merge(
    catalog_dir: Path, field: str
) -> None:
    add_conflict(
        catalog_dir, "student-support-services", field=field,
        source_id="osc-campus-resources", page="mental-health", catalog="x",
    )  # fmt: skip
    found = [f for f in validate_catalog(catalog_dir).errors if f.code == "conflict"]
    assert [(f.resource_id, f.field, f.value) for f in found] == [
        ("student-support-services", "review.conflicts[0].field", field)
    ]
    before = files_of(catalog_dir)
    result = run(
        "review", "resolve", "student-support-services", "--field", field, "--take", "page",
        "--catalog", catalog_dir,
    )  # fmt: skip
    one_error(result)
    assert files_of(catalog_dir) == before


def test_5_resolve_refuses_a_field_sync_does_not_merge(catalog_dir: Path) -> None:
    record = load_catalog(catalog_dir)["student-support-services"]
    odd = record.review.model_copy(
        update={"conflicts": [Conflict(field="id", source_id="osc-campus-resources")]}
    )
    with pytest.raises(ReviewError, match="'id' is not a field a page can be in conflict on"):
        _conflict(record.model_copy(update={"review": odd}), "id", None)


def test_5_sibling_a_conflict_with_an_unknown_page_is_reported(catalog_dir: Path) -> None:
    add_conflict(catalog_dir, "student-support-services", field="phones", source_id="no-such-page")
    found = [f for f in validate_catalog(catalog_dir).errors if f.code == "unknown-source"]
    assert [(f.field, f.value) for f in found] == [
        ("review.conflicts[0].source_id", "no-such-page")
    ]


# ------------------------------------------------ 7. snapshots out of the catalog, huge pages

SECRET = "Outside Secret Office"


def cli_process(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own, so a hang fails the test, not the run."""
    return subprocess.run(  # noqa: S603 (our own interpreter running our own CLI)
        [sys.executable, "-m", "resource_catalog", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def link_snapshot_out(directory: Path) -> Path:
    """The first source's snapshot made a link to a page outside the catalog."""
    outside = directory.parent / "outside.html"
    outside.write_bytes(PAGE.replace(b"Student Support Services", SECRET.encode()))
    snapshot = directory / "snapshots" / FIRST_SNAPSHOT
    snapshot.unlink()
    snapshot.symlink_to(outside)
    return outside


def test_7_validate_reports_a_snapshot_linked_out_of_the_catalog(catalog_dir: Path) -> None:
    link_snapshot_out(catalog_dir)
    found = [f for f in validate_catalog(catalog_dir).errors if f.code == "symlink"]
    assert [(f.file, f.field, f.value) for f in found] == [
        ("catalog.json", "sources[0].snapshot", FIRST_SNAPSHOT)
    ]
    result = run("check", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert SECRET not in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["diff", "--offline"],
        ["sync", "--offline"],
        ["sources", "test", "osc-campus-resources"],
    ],
)
def test_7_no_reader_follows_a_snapshot_linked_out(catalog_dir: Path, command: list[str]) -> None:
    link_snapshot_out(catalog_dir)
    before = files_of(catalog_dir)
    result = run(*command, "--catalog", catalog_dir)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert SECRET not in result.output
    assert files_of(catalog_dir) == before


def test_7_the_reader_itself_refuses_a_snapshot_linked_out(catalog_dir: Path) -> None:
    link_snapshot_out(catalog_dir)
    (source,) = load_catalog_meta(catalog_dir).sources
    with pytest.raises(CatalogError, match="symbolic link out of the catalog"):
        read.read_source(source, catalog_dir / "snapshots", offline=True)


def load_catalog_meta(directory: Path) -> Any:
    from resource_catalog.store.files import read_meta  # noqa: PLC0415 (one test's helper)

    return read_meta(directory)


def test_7_a_huge_saved_page_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:
        handle.truncate(600_000_000)  # sparse: no disk used
    add = ("sources", "add", "--html", huge, "--url", "https://example.edu/x", "--dry-run")
    for command in (("scrape", "--html", huge), add):
        line = one_error(run(*command))
        assert "too large to be a page (600000000 bytes; the limit is 5000000)" in line


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_7_a_device_as_the_page_is_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} is not on this system")
    line = one_error(run("scrape", "--html", device))
    assert "is not a regular file" in line


def test_7_a_fifo_as_the_page_or_a_snapshot_never_hangs(catalog_dir: Path) -> None:
    fifo = catalog_dir.parent / "page.fifo"
    os.mkfifo(fifo)
    done = cli_process("scrape", "--html", fifo)
    assert done.returncode == 2, done.stderr
    assert "is not a regular file" in done.stderr
    snapshot = catalog_dir / "snapshots" / FIRST_SNAPSHOT
    snapshot.unlink()
    os.mkfifo(snapshot)
    found = [f for f in validate_catalog(catalog_dir).errors if f.code == "unreadable"]
    assert [f.field for f in found] == ["sources[0].snapshot"]
    done = cli_process("sources", "test", "osc-campus-resources", "--catalog", catalog_dir)
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr


@pytest.mark.untraced
def test_7_sibling_sync_compares_with_the_old_snapshot_within_the_limit(
    catalog_dir: Path,
) -> None:
    # The old snapshot grew past the limit by hand: sync --html does not read it whole
    # (not to compare, not to tell whether it changed), it saves the page in its place.
    snapshot = catalog_dir / "snapshots" / FIRST_SNAPSHOT
    with snapshot.open("r+b") as handle:
        handle.truncate(600_000_000)
    page = catalog_dir.parent / "page.html"
    page.write_bytes(PAGE)
    tracemalloc.start()
    try:
        result = run("sync", "--html", page, "--catalog", catalog_dir)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000_000, peak
    assert result.exit_code == 0, result.output
    assert snapshot.read_bytes() == PAGE


# ------------------------------------------------ 8. a selector typo in a profile

TYPOS = ["div[", "p:nth-child(2n+", "..x", "h2,,h3"]


@pytest.mark.parametrize("typo", TYPOS)
def test_8_a_selector_typo_in_a_profile_file_is_one_clear_error(
    catalog_dir: Path, typo: str
) -> None:
    profile = catalog_dir.parent / "profile.json"
    profile.write_text(json.dumps({"version": 1, "drop": [typo]}), "utf-8")
    saved = catalog_dir / "snapshots" / FIRST_SNAPSHOT
    for command in (
        ("scrape", "--html", saved, "--profile", profile),
        ("sources", "test", "osc-campus-resources", "--profile", profile,
         "--catalog", catalog_dir),
    ):  # fmt: skip
        line = one_error(run(*command))
        assert f"drop[0] {typo!r}: not a CSS selector" in line


@pytest.mark.parametrize("typo", TYPOS)
def test_8_a_selector_typo_in_catalog_json_is_one_clear_error(catalog_dir: Path, typo: str) -> None:
    meta = meta_of(catalog_dir)
    meta["sources"][0]["profile"] = {"version": 1, "listings": {"selector": typo}}
    write_meta(catalog_dir, meta)
    saved = catalog_dir / "snapshots" / FIRST_SNAPSHOT
    for command in (
        ("sources", "test", "osc-campus-resources", "--catalog", catalog_dir),
        ("scrape", "--source", "osc-campus-resources", "--html", saved,
         "--catalog", catalog_dir),
    ):  # fmt: skip
        result = run(*command)
        assert "Traceback" not in result.output
        assert result.exit_code == 2, result.output
        assert f"listings.selector {typo!r}: not a CSS selector" in result.stderr


# ------------------------------------------------ 9. a dial plan that is not digits


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"prefixes": {"3": "25x"}}, "prefixes.3"),
        ({"prefixes": {"3": ""}}, "prefixes.3"),
        ({"prefixes": {"3": "2531234"}}, "prefixes.3"),
        ({"prefixes": {"3": "253"}, "ambiguous": {"x": "why"}}, "ambiguous.x"),
        ({"prefixes": {"3": "253"}, "country_code": 0}, "country_code"),
        ({"prefixes": {"3": "253"}, "country_code": 10**20}, "country_code"),
    ],
)
def test_9_validate_rejects_a_dial_plan_a_read_would_crash_on(
    full_catalog_dir: Path, plan: dict[str, Any], field: str
) -> None:
    meta = meta_of(full_catalog_dir)
    meta["campus"] = {"name": "X", "area_code": "617", **plan}
    write_meta(full_catalog_dir, meta)
    (problem,) = validate_catalog(full_catalog_dir).errors
    assert problem.code == "catalog-json"
    assert f"campus.DialPlan.{field}" in problem.message
    result = run("diff", "--offline", "--catalog", full_catalog_dir)
    assert "Traceback" not in result.output
    assert result.exit_code == 2


def test_9_sibling_a_page_profile_with_such_a_plan_is_refused_too(tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    campus = {"name": "X", "area_code": "203", "prefixes": {"2": "43y"}}
    profile.write_text(json.dumps({"version": 1, "campus": campus}), "utf-8")
    saved = tmp_path / "page.html"
    saved.write_bytes(PAGE)
    line = one_error(run("scrape", "--html", saved, "--profile", profile))
    assert "is not a valid profile" in line


# ------------------------------------------------ 10. URLs urlsplit rejects; 16. credentials

BAD_URLS = {
    "http://[::1": "Invalid IPv6 URL",
    "http://[::1/x": "Invalid IPv6 URL",
    "http://example.edu:99999/x": "out of range",
    "http://example.edu:-1/x": "Port could not be cast",
    "http://user:secret@example.edu/x": "may not carry a user name or password",
    "https://token@example.edu/x": "may not carry a user name or password",
}


@pytest.mark.parametrize("url", BAD_URLS)
def test_10_add_refuses_a_url_no_reader_could_use(catalog_dir: Path, url: str) -> None:
    before = files_of(catalog_dir)
    result = run("sources", "add", "--html", BASIC_NEEDS, "--url", url, "--id", "x",
                 "--catalog", catalog_dir)  # fmt: skip
    assert BAD_URLS[url] in one_error(result)
    assert files_of(catalog_dir) == before


@pytest.mark.parametrize("url", BAD_URLS)
def test_10_validate_reports_such_a_url_in_catalog_json(catalog_dir: Path, url: str) -> None:
    meta = meta_of(catalog_dir)
    meta["sources"][0]["url"] = url
    write_meta(catalog_dir, meta)
    (problem,) = validate_catalog(catalog_dir).errors
    assert problem.code == "catalog-json"
    assert BAD_URLS[url] in problem.message
    result = run("sources", "add", "--html", BASIC_NEEDS, "--url", "https://example.edu/ok",
                 "--id", "x", "--catalog", catalog_dir)  # fmt: skip
    assert "is invalid" in one_error(result)


def test_10_a_canonical_link_no_reader_could_use_is_refused(
    catalog_dir: Path, tmp_path: Path
) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(
        BASIC_NEEDS.read_bytes().replace(
            b"<head>", b'<head><link rel="canonical" href="http://example.edu:70000/">', 1
        )
    )
    result = run("sources", "add", "--html", page, "--id", "x", "--catalog", catalog_dir)
    assert "out of range" in one_error(result)


def test_10_sibling_a_page_link_no_reader_could_use_is_left_out() -> None:
    from resource_catalog.pages.reading.listing import _absolute  # noqa: PLC0415 (the one helper)

    assert _absolute("http://example.edu:70000/x", None) is None
    assert _absolute("http://[::1/x", None) is None
    assert _absolute("/x", "https://example.edu/a") == "https://example.edu/x"


def test_16_a_huge_id_is_not_echoed_in_full(catalog_dir: Path) -> None:
    huge = "X" * 100_000
    add = ("sources", "add", "--html", BASIC_NEEDS, "--url", "https://example.edu/b")
    line = one_error(run(*add, "--id", huge, "--catalog", catalog_dir))
    assert len(line) < 1000
    assert "(100000 characters)" in line


# ------------------------------------------------ 11. @mentions in markdown reports

LIVE_MENTION = re.compile(r"(?<![\w.+-])@[A-Za-z0-9]")


def test_11_the_markdown_drift_report_pings_no_one(catalog_dir: Path) -> None:
    page = catalog_dir.parent / "page.html"
    page.write_bytes(
        PAGE.replace(b"Student Support Services", b"Ask @octocat or @mit/security-team", 1)
    )
    result = run("diff", "--html", page, "--format", "markdown", "--catalog", catalog_dir)
    assert result.exit_code == 1, result.output
    assert "octocat" in result.stdout
    assert "mit/security-team" in result.stdout
    assert not LIVE_MENTION.search(result.stdout)


def test_11_sibling_the_review_queue_in_markdown_pings_no_one(catalog_dir: Path) -> None:
    path = catalog_dir / "resources" / "student-support-services.json"
    data = json.loads(path.read_text("utf-8"))
    data["name"] = "S3 (@octocat)"
    data["review"] = {"needs_review": True, "reasons": ["asked by @someone, see a@mit.edu"]}
    path.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    result = run("review", "list", "--format", "markdown", "--catalog", catalog_dir)
    assert result.exit_code == 1, result.output
    assert not LIVE_MENTION.search(result.stdout)
    assert "a@mit.edu" in result.stdout  # an e-mail address is no mention and stays whole


# ------------------------------------------------ 12. outputs into the catalog's own files

OWN_FILES = ["catalog.json", "history.jsonl", "buildings.csv", "resources",
             "resources/student-support-services.json", "resources/new.json",
             "snapshots", "snapshots/drift.html", ".save-journal.json"]  # fmt: skip


@pytest.mark.parametrize("target", OWN_FILES)
def test_12_export_never_writes_into_the_catalogs_own_files(catalog_dir: Path, target: str) -> None:
    before = files_of(catalog_dir)
    for fmt in ("json", "csv", "hsds"):
        line = one_error(run("export", "--format", fmt, "-o", catalog_dir / target,
                             "--catalog", catalog_dir))  # fmt: skip
        assert "is inside the catalog" in line
    assert files_of(catalog_dir) == before


def test_12_export_through_a_link_into_the_catalog_is_refused(catalog_dir: Path) -> None:
    link = catalog_dir.parent / "out.json"
    link.symlink_to(catalog_dir / "catalog.json")
    before = files_of(catalog_dir)
    line = one_error(run("export", "--format", "json", "-o", link, "--catalog", catalog_dir))
    assert "its own catalog.json" in line
    assert files_of(catalog_dir) == before


def test_12_the_library_export_refuses_too(catalog_dir: Path) -> None:
    from resource_catalog.errors import ExportError  # noqa: PLC0415
    from resource_catalog.exports.writers import export  # noqa: PLC0415

    with pytest.raises(ExportError, match="inside the catalog"):
        export(load_catalog(catalog_dir), "jsonl", catalog_dir / "history.jsonl")


def test_12_an_export_beside_the_catalog_files_is_still_written(catalog_dir: Path) -> None:
    result = run("export", "--format", "csv", "-o", catalog_dir / "export.csv",
                 "--catalog", catalog_dir)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (catalog_dir / "export.csv").read_text("utf-8").startswith("id,name")


@pytest.mark.parametrize(
    "option",
    [["-o", "catalog.json"], ["--report-dir", "snapshots"], ["--report-dir", "resources"]],
)
def test_12_sibling_diff_and_scrape_outputs_never_land_in_the_catalog(
    catalog_dir: Path, option: list[str]
) -> None:
    before = files_of(catalog_dir)
    flag, where = option
    result = run("diff", "--offline", flag, catalog_dir / where, "--catalog", catalog_dir)
    assert "is inside the catalog" in one_error(result)
    if flag == "-o":
        saved = catalog_dir / "snapshots" / FIRST_SNAPSHOT
        result = run("scrape", "--html", saved, "-o", catalog_dir / where,
                     "--catalog", catalog_dir)  # fmt: skip
        assert "is inside the catalog" in one_error(result)
    assert files_of(catalog_dir) == before


# ------------------------------------------------ 13. many complex drop selectors


@pytest.mark.untraced
def test_13_thousands_of_complex_drop_selectors_stop_at_the_deadline() -> None:
    from resource_catalog.errors import ParseError  # noqa: PLC0415
    from resource_catalog.pages.parse import read_listings  # noqa: PLC0415
    from resource_catalog.profile import Profile  # noqa: PLC0415

    rows = "".join(
        f"<div class='c{i % 7}'><p>Office {i}: call 617-253-{1000 + i}</p><span>x</span></div>"
        for i in range(1500)
    )
    head = "<h2>Help</h2><ul><li>A: 617-253-1212</li></ul>"
    page = f"<html><body><main>{head}{rows}</main></body></html>"
    drops = [f"div:has(> p:nth-child({n}n+1)) ~ div:not(.c{n % 7}) span" for n in range(2, 3002)]
    profile = Profile.model_validate({"version": 1, "drop": drops})
    started = time.monotonic()
    with pytest.raises(ParseError, match="took longer than 1 s"):
        read_listings(page, profile=profile, seconds=1.0)
    assert time.monotonic() - started < 15


# ------------------------------------------------ 14. standard output closed early

EDITED = Path(__file__).resolve().parent / "data" / "campus-resources-edited.html"


def closed_stdout(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The command with its standard output's reader gone before it prints (`| head -0`)."""
    process = subprocess.Popen(  # noqa: S603 (our own interpreter running our own CLI)
        [sys.executable, "-m", "resource_catalog", *(str(a) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, "", err)


def test_14_sync_with_stdout_closed_saves_and_exits_quietly(catalog_dir: Path) -> None:
    done = closed_stdout("sync", "--html", EDITED, "--catalog", catalog_dir)
    assert done.stderr == ""
    assert done.returncode == 0
    assert (catalog_dir / "snapshots" / FIRST_SNAPSHOT).read_bytes() == EDITED.read_bytes()
    assert validate_catalog(catalog_dir).ok()


def test_14_review_done_with_stdout_closed_saves_and_exits_quietly(catalog_dir: Path) -> None:
    events = len(load_catalog(catalog_dir).history)
    done = closed_stdout("review", "done", "student-support-services", "--catalog", catalog_dir)
    assert done.stderr == ""
    assert done.returncode == 0
    history = load_catalog(catalog_dir).history
    assert len(history) == events + 1
    assert (history[-1].action.value, history[-1].resource_id) == (
        "reviewed",
        "student-support-services",
    )


def test_14_sibling_a_reading_command_exits_quietly_too(catalog_dir: Path) -> None:
    done = closed_stdout("sources", "list", "--catalog", catalog_dir)
    assert (done.returncode, done.stderr) == (0, "")


# ------------------------------------------------ 15. FIFOs among the catalog's files


def make_fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def test_15_catalog_json_as_a_fifo_is_reported_not_waited_on(catalog_dir: Path) -> None:
    make_fifo(catalog_dir / "catalog.json")
    for command in (("validate",), ("sync", "--offline"), ("review", "list")):
        done = cli_process(*command, "--catalog", catalog_dir, timeout=60)
        assert done.returncode == 2, done.stderr
        assert "not a regular file" in done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["history.jsonl", "resources/student-support-services.json"])
def test_15_a_fifo_history_or_record_is_a_finding(catalog_dir: Path, name: str) -> None:
    make_fifo(catalog_dir / name)
    done = cli_process("validate", "--format", "json", "--catalog", catalog_dir, timeout=60)
    assert done.returncode == 1, done.stderr
    found = [f for f in json.loads(done.stdout)["findings"] if f["file"] == name]
    assert [f["code"] for f in found] == ["unreadable"]
    assert "not a regular file" in found[0]["message"]


def test_15_sibling_a_fifo_profile_or_registry_is_refused(catalog_dir: Path) -> None:
    profile = catalog_dir.parent / "profile.fifo"
    os.mkfifo(profile)
    saved = catalog_dir / "snapshots" / FIRST_SNAPSHOT
    done = cli_process("scrape", "--html", saved, "--profile", profile, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr
    from resource_catalog.contacts.locations import load_buildings  # noqa: PLC0415

    registry = catalog_dir.parent / "buildings.fifo"
    os.mkfifo(registry)
    with pytest.raises(CatalogError, match="not a regular file"):
        load_buildings(registry)


# ------------------------------------------------ 16. messages


def test_16_a_bad_history_line_is_named_once(catalog_dir: Path) -> None:
    with (catalog_dir / "history.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"bad": 1}\n')
    result = run("validate", "--catalog", catalog_dir)
    (line,) = [x for x in result.output.splitlines() if x.startswith("history.jsonl")]
    assert line.count("line ") == 1, line


@pytest.mark.parametrize(("value", "shown"), [(1.0, "1.0"), (2, "2"), (None, "null")])
def test_16_a_schema_version_that_is_no_string_says_so(
    catalog_dir: Path, value: object, shown: str
) -> None:
    meta = meta_of(catalog_dir)
    meta["schema_version"] = value
    write_meta(catalog_dir, meta)
    (problem,) = validate_catalog(catalog_dir).errors
    assert f"has schema_version {shown}, which is not a string" in problem.message
    assert "newer tool" not in problem.message


@pytest.mark.parametrize(
    "command",
    [("diff", "--offline", "--source"), ("sources", "test"), ("sources", "show"),
     ("review", "show"), ("history",)],
)  # fmt: skip
def test_16_sibling_huge_ids_are_cut_in_every_message(
    catalog_dir: Path, command: tuple[str, ...]
) -> None:
    result = run(*command, "x" * 100_000, "--catalog", catalog_dir)
    line = one_error(result)
    assert len(line) < 1000, line[:300]
    assert "(100000 characters)" in line


# ------------------------------------------------ 17. sources remove


def test_17_remove_retires_what_only_that_page_listed_and_unlinks_the_rest(
    full_catalog_dir: Path,
) -> None:
    gone = "science-dispute-resolution"
    before = load_catalog(full_catalog_dir)
    only = sorted(r.id for r in before.active if r.listed_on == (gone,))
    shared = sorted(r.id for r in before if r.observation(gone) is not None and r.id not in only)
    assert only
    assert "student-support-services" in shared  # also on the first page
    events = len(before.history)
    dry = run("sources", "remove", gone, "--dry-run", "--catalog", full_catalog_dir)
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing written" in dry.output
    assert load_catalog(full_catalog_dir).meta == before.meta
    result = run("sources", "remove", gone, "--catalog", full_catalog_dir)
    assert result.exit_code == 0, result.output
    assert f"retired {len(only)} record(s)" in result.output
    assert validate_catalog(full_catalog_dir).ok()
    after = load_catalog(full_catalog_dir)
    assert gone not in {s.id for s in after.meta.sources}
    for rid in only:
        record = after[rid]
        assert record.status.value == "retired"
        assert record.review.needs_review
        assert not record.listed_on
    for rid in shared:
        assert after[rid].observation(gone) is None
        assert after[rid].status == before[rid].status
    assert len(after) == len(before)  # nothing deleted
    new = after.history[events:]
    assert {e.resource_id for e in new if e.action.value == "retired"} == set(only)
    assert any(e.resource_id is None and e.source_id == gone for e in new)
    # The other pages still check clean offline, and export leaves the retired out.
    assert run("check", "--catalog", full_catalog_dir).exit_code == 0
    exported = json.loads(run("export", "--format", "json", "--catalog", full_catalog_dir).stdout)
    assert not set(only) & {r["id"] for r in exported}


def test_17_remove_refuses_an_unknown_or_the_only_source(catalog_dir: Path) -> None:
    before = files_of(catalog_dir)
    assert "no source 'nope'" in one_error(
        run("sources", "remove", "nope", "--catalog", catalog_dir)
    )
    line = one_error(run("sources", "remove", "osc-campus-resources", "--catalog", catalog_dir))
    assert "only source" in line
    assert files_of(catalog_dir) == before


def test_17_remove_drops_that_pages_conflicts(full_catalog_dir: Path) -> None:
    add_conflict(
        full_catalog_dir, "student-support-services", field="phones",
        source_id="science-dispute-resolution", page=[], catalog=[],
    )  # fmt: skip
    from resource_catalog import remove_source  # noqa: PLC0415 (the public call)

    result = remove_source(full_catalog_dir, "science-dispute-resolution")
    assert "student-support-services" in result.unlinked
    record = load_catalog(full_catalog_dir)["student-support-services"]
    assert record.review.conflicts == []
