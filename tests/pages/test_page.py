"""read_page / scrape_page: files, conditional fetches answered 304, moved pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner

from resource_catalog.cli import cli
from resource_catalog.errors import FetchError, ParseError
from resource_catalog.models import SourcePage
from resource_catalog.pages.read import read_page, scrape_page
from tests.conftest import DATA

PAGE = DATA / "campus-resources.html"
URL = "http://studentlife.mit.edu/citizenship/resources"
HTML = "text/html; charset=utf-8"
SOURCE = SourcePage(
    id="osc-campus-resources", url=URL, title="Campus Resources", sections=["Support Resources"]
)


def test_read_page_keeps_the_raw_bytes() -> None:
    page = read_page(PAGE)
    assert len(page.listings) == 23
    assert page.content == PAGE.read_bytes()
    assert page.origin == str(PAGE)
    assert page.fetched is None


def test_read_page_of_an_unrelated_page() -> None:
    with pytest.raises(ParseError):
        read_page(DATA / "unrelated-news.html", source=SOURCE)


@responses.activate
def test_scrape_page_fetches_and_parses() -> None:
    responses.get(URL, body=PAGE.read_bytes(), content_type=HTML, headers={"ETag": '"v1"'})
    page = scrape_page(URL)
    assert len(page.listings) == 23
    assert page.fetched is not None
    assert page.fetched.etag == '"v1"'
    assert page.content == PAGE.read_bytes()
    assert not page.not_modified
    assert page.moved_to is None


@responses.activate
def test_not_modified_reads_the_snapshot() -> None:
    responses.get(
        URL,
        status=304,
        match=[responses.matchers.header_matcher({"If-None-Match": '"v1"'})],
    )
    page = scrape_page(URL, source=SOURCE.model_copy(update={"etag": '"v1"'}), snapshot=PAGE)
    assert page.not_modified
    assert len(page.listings) == 23
    assert "not modified" in page.origin


@responses.activate
def test_not_modified_without_snapshot_is_an_error(tmp_path: Path) -> None:
    responses.get(URL, status=304)
    source = SOURCE.model_copy(update={"etag": '"v1"'})
    with pytest.raises(FetchError, match="no saved snapshot"):
        scrape_page(URL, source=source, snapshot=tmp_path / "missing.html")


@responses.activate
def test_moved_page_is_reported() -> None:
    new = "https://studentlife.mit.edu/osc/resources"
    responses.get(URL, status=301, headers={"Location": new})
    responses.get(new, body=PAGE.read_bytes(), content_type=HTML)
    page = scrape_page(URL)
    assert page.moved_to == new
    assert page.origin == new


@responses.activate
def test_diff_uses_the_last_sync_validators(catalog_dir: Path) -> None:
    meta_path = catalog_dir / "catalog.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sources"][0]["etag"] = '"v1"'
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    responses.get(
        URL, status=304, match=[responses.matchers.header_matcher({"If-None-Match": '"v1"'})]
    )
    result = CliRunner().invoke(cli, ["diff", "--catalog", str(catalog_dir)])
    assert result.exit_code == 0, result.output
    assert "not modified" in result.output


@responses.activate
def test_cli_warns_when_the_page_moved(catalog_dir: Path) -> None:
    new = "https://studentlife.mit.edu/osc/resources"
    responses.get(URL, status=301, headers={"Location": new})
    responses.get(new, body=PAGE.read_bytes(), content_type=HTML)
    result = CliRunner().invoke(cli, ["diff", "--catalog", str(catalog_dir)])
    assert result.exit_code == 0, result.output
    assert f"warning: the page moved: {URL} -> {new}" in result.output
