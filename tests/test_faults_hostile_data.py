"""Fault matrix: hostile data from the page or the catalog.

* markup and script in a listing's *text* are stored as text and never reach the HTML
  report unescaped; real ``<script>``/``<img onerror>`` tags never become text;
* formula cells from the page are neutralised in every CSV the tool writes (the
  exporter's own rules: ``test_export.py::test_csv_neutralises_formula_cells`` and
  ``test_neutralise_is_reversible``);
* ids or file names with path separators or ``..`` are refused before any file is
  written (the id pattern itself: ``test_catalog.py::test_unsafe_ids_are_refused_before_writing``
  and ``test_validate.py::test_unsafe_or_malformed_ids_are_rejected``);
* a 10 MB description and a page of 10,000 listings parse and diff in bounded time
  and memory (tracemalloc peak well under 20x the page).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from resource_catalog.checks.validate import load_catalog
from resource_catalog.cli import cli
from resource_catalog.drift.compare import compare
from resource_catalog.errors import CatalogError
from resource_catalog.models import ID_PATTERN, Resource
from resource_catalog.pages.parse import parse_page
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.files import resource_path, save_catalog

from .conftest import CATALOG, DATA

PAGE = (DATA / "campus-resources.html").read_text(encoding="utf-8")
S3_PHONE = "617-253-4861"  # in the S3 listing of the page
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
SCRIPT_TEXT = "<script>alert(1)</script>"


def page_with(insert: str, before: str = S3_PHONE) -> str:
    """The real page with ``insert`` placed into a listing, just before ``before``."""
    assert PAGE.count(before) == 1
    return PAGE.replace(before, insert + before)


def write_page(tmp_path: Path, html: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def catalog_files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != ".sync.lock"
    }


# ------------------------------------------------------- markup and script as text

HOSTILE = (
    f"{ESCAPED_SCRIPT} &lt;img src=x onerror=alert(2)&gt; "
    '<img src="x" onerror="alert(3)"><script>alert(4)</script>'
    '<a href="javascript:alert(5)">here</a> '
)


def s3_description(html: str) -> str:
    listing = next(x for x in parse_page(html) if x.name == "Student Support Services (S3)")
    return listing.description


def test_markup_in_listing_text_is_parsed_as_text_and_tags_are_dropped() -> None:
    description = s3_description(page_with(HOSTILE))
    assert SCRIPT_TEXT in description  # the page's text, as text
    assert "<img src=x onerror=alert(2)>" in description
    assert "alert(3)" not in description  # a real tag is markup, not text
    assert "alert(4)" not in description  # a real script is chrome
    listing = next(
        x for x in parse_page(page_with(HOSTILE)) if x.name == "Student Support Services (S3)"
    )
    assert all(not link.url.startswith("javascript:") for link in listing.links)


@pytest.mark.parametrize("fmt", ["html", "markdown", "text", "json"])
def test_script_text_never_reaches_a_report_unescaped(
    tmp_path: Path, catalog_dir: Path, fmt: str
) -> None:
    page = write_page(tmp_path, page_with(HOSTILE))
    result = invoke(
        "diff",
        "--catalog",
        str(catalog_dir),
        "--source",
        "osc-campus-resources",
        "--html",
        str(page),
        "--format",
        fmt,
    )
    assert result.exit_code == 1, result.output  # the description changed: minor drift
    out = result.stdout
    assert "alert(1)" in out  # the change is reported ...
    if fmt == "html":  # ... and only ever escaped in HTML
        assert "<script" not in out.lower()
        assert "<img" not in out.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    if fmt == "markdown":  # GitHub renders inline HTML in Markdown
        assert SCRIPT_TEXT not in out
    if fmt == "json":
        after = {c["field"]: c["after"] for c in json.loads(out)["changed"]}
        assert SCRIPT_TEXT in after["description"]


def test_report_dir_html_is_escaped_too(tmp_path: Path, catalog_dir: Path) -> None:
    page = write_page(tmp_path, page_with(HOSTILE))
    reports = tmp_path / "reports"
    args = [
        "--catalog",
        str(catalog_dir),
        "--source",
        "osc-campus-resources",
        "--html",
        str(page),
        "--report-dir",
        str(reports),
    ]
    invoke("diff", *args)
    html = (reports / "drift.html").read_text(encoding="utf-8")
    assert "alert(1)" in html
    assert "<script" not in html.lower()


def test_sync_stores_script_text_as_text(tmp_path: Path, catalog_dir: Path) -> None:
    page = write_page(tmp_path, page_with(HOSTILE))
    assert (
        invoke(
            "sync",
            "--catalog",
            str(catalog_dir),
            "--source",
            "osc-campus-resources",
            "--html",
            str(page),
        ).exit_code
        == 0
    )
    record = load_catalog(catalog_dir)["student-support-services"]
    assert SCRIPT_TEXT in record.source.description
    raw = (catalog_dir / "resources" / "student-support-services.json").read_text("utf-8")
    assert SCRIPT_TEXT in json.loads(raw)["sources"][0]["description"]


# ------------------------------------------------------------------ formula cells

FORMULA_NAME = "=SUM(A1)+cmd|' /C calc'!A0"  # no colon: it would end the name


def formula_page() -> str:
    """The page with one more listing whose name is a spreadsheet formula."""
    item = f"<li><strong>{FORMULA_NAME}:</strong> @SUM(A1) -2+3 +cmd|' /C calc'!A0</li>"
    anchor = "<li>"
    first = PAGE.index(anchor, PAGE.index("Support Resources</h2>"))
    return PAGE[:first] + item + PAGE[first:]


def assert_no_formula_cells(text: str) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_scrape_csv_neutralises_formulas_from_the_page(tmp_path: Path) -> None:
    result = invoke(
        "scrape", "--html", str(write_page(tmp_path, formula_page())), "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    assert [row[0] for row in csv.reader(io.StringIO(result.stdout))][1] == "'" + FORMULA_NAME
    assert_no_formula_cells(result.stdout)


def test_page_formula_synced_then_exported_to_csv_is_neutralised(
    tmp_path: Path, catalog_dir: Path
) -> None:
    page = write_page(tmp_path, formula_page())
    assert (
        invoke(
            "sync",
            "--catalog",
            str(catalog_dir),
            "--source",
            "osc-campus-resources",
            "--html",
            str(page),
        ).exit_code
        == 0
    )
    assert any(r.name == FORMULA_NAME for r in load_catalog(catalog_dir))  # stored as is
    out = tmp_path / "out.csv"
    result = invoke("export", "--catalog", str(catalog_dir), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert_no_formula_cells(out.read_text(encoding="utf-8"))


# -------------------------------------------------------------- unsafe ids and paths

UNSAFE_IDS = ["../evil", "../../etc/passwd", "a/b", "a\\b", "..", "/abs", "x.json", "", "ok/.."]


@pytest.mark.parametrize("bad", UNSAFE_IDS)
def test_save_refuses_an_unsafe_id_before_writing_anything(tmp_path: Path, bad: str) -> None:
    directory = tmp_path / "catalog"
    catalog = load_catalog(CATALOG)
    rogue = Resource.model_construct(**{**dict(catalog.resources[0]), "id": bad})  # no checks
    with pytest.raises(CatalogError, match="unsafe id"):
        resource_path(directory, bad)
    directory.mkdir()
    (directory / "catalog.json").write_bytes((CATALOG / "catalog.json").read_bytes())
    before = sorted(p for p in tmp_path.rglob("*"))
    # Refused by the record's own model (re-checked on every save) or the path rule.
    with pytest.raises(CatalogError, match=r"unsafe id|would not load again"):
        save_catalog(Catalog(meta=catalog.meta, resources=(*catalog.resources, rogue)), directory)
    after = sorted(p for p in tmp_path.rglob("*"))
    assert [p for p in after if p.is_file()] == [p for p in before if p.is_file()]


def test_validate_rejects_a_record_whose_id_climbs_out(catalog_dir: Path) -> None:
    path = catalog_dir / "resources" / "chaplaincy.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["id"] = "../../chaplaincy"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = invoke("validate", "--catalog", str(catalog_dir))
    assert result.exit_code == 1
    assert "../../chaplaincy" in result.output


@pytest.mark.parametrize(
    "name",
    ["../../../etc/passwd", "..\\..\\windows", "/", "..", "resources/../../x", ".hidden"],
)
def test_page_listing_names_never_become_paths(
    tmp_path: Path, catalog_dir: Path, name: str
) -> None:
    item = f"<li><strong>{name}:</strong> A listing the page gained.</li>"
    first = PAGE.index("<li>", PAGE.index("Support Resources</h2>"))
    page = write_page(tmp_path, PAGE[:first] + item + PAGE[first:])
    outside = {p for p in tmp_path.rglob("*") if catalog_dir not in p.parents}
    result = invoke(
        "sync",
        "--catalog",
        str(catalog_dir),
        "--source",
        "osc-campus-resources",
        "--html",
        str(page),
    )
    assert result.exit_code == 0, result.output
    added = [line for line in result.stdout.splitlines() if line.startswith("add ")]
    assert len(added) == 1
    new_id = added[0].split()[1]
    assert re.fullmatch(ID_PATTERN, new_id)
    assert (catalog_dir / "resources" / f"{new_id}.json").is_file()
    assert {p for p in tmp_path.rglob("*") if catalog_dir not in p.parents} == outside


def test_snapshot_name_climbing_out_is_refused_and_nothing_written(
    tmp_path: Path, catalog_dir: Path
) -> None:
    meta_file = catalog_dir / "catalog.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["sources"][0]["snapshot"] = "../../evil.html"
    meta_file.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    before = catalog_files(catalog_dir)
    page = DATA / "campus-resources-edited.html"
    result = invoke(
        "sync",
        "--catalog",
        str(catalog_dir),
        "--source",
        "osc-campus-resources",
        "--html",
        str(page),
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "snapshot" in result.stderr
    assert catalog_files(catalog_dir) == before
    assert not (tmp_path / "evil.html").exists()
    assert not list(tmp_path.rglob("*.tmp"))


# ------------------------------------------------------------ big pages: memory, time

WORDS = "Counseling support is available to students at any hour of the day. "


def measure(html: str) -> tuple[int, float, int]:
    """Parse and diff ``html`` against the bundled catalog: (listings, seconds, peak bytes)."""
    catalog = load_catalog(CATALOG)
    parse_page(PAGE)  # warm up imports and caches outside the measurement
    tracemalloc.start()
    try:
        started = time.monotonic()
        listings = parse_page(html)
        report = compare(catalog, listings)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.status == "drift"
    return len(listings), elapsed, peak


@pytest.mark.untraced
def test_a_10_mb_description_parses_and_diffs_in_bounded_memory_and_time() -> None:
    html = page_with(WORDS * (10_000_000 // len(WORDS)))
    count, elapsed, peak = measure(html)
    assert count == 23
    assert peak < 20 * len(html)
    assert elapsed < 30.0


@pytest.mark.untraced
def test_ten_thousand_listings_parse_and_diff_in_bounded_memory_and_time() -> None:
    items = "".join(
        f"<li><strong>Peer support group {n}:</strong> Meets weekly in room {n}.</li>"
        for n in range(10_000)
    )
    first = PAGE.index("<li>", PAGE.index("Support Resources</h2>"))
    html = PAGE[:first] + items + PAGE[first:]
    count, elapsed, peak = measure(html)
    assert count == 10_023
    assert peak < 20 * len(html) + 50_000_000  # bs4 keeps a tree object per tag
    assert elapsed < 30.0
