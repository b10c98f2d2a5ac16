"""Fault matrix: broken, hostile or wrong pages.

A page nobody here controls can be truncated, empty, binary, another page, or built
to hurt the parser. Through the CLI each ends in exit 2 with one ``error:`` line
(and ``sync`` writes nothing), or in a correct result; the parser alone ends in
bounded time with listings or ``ParseError``. Random HTML is in
``test_properties.py``; the golden pages' content rules are in ``test_parse.py``.
"""

from __future__ import annotations

import codecs
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from resource_catalog.cli import cli
from resource_catalog.errors import ParseError
from resource_catalog.models import Listing
from resource_catalog.pages.parse import parse_page
from tests.conftest import DATA

PAGE_BYTES = (DATA / "campus-resources.html").read_bytes()
PAGE = PAGE_BYTES.decode("utf-8")
SECTIONS = ["Support Resources", "Additional Institute Partners and Resources"]
PARSERS = ["lxml", "html.parser"]


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != ".sync.lock"
    }


def run(command: str, catalog_dir: Path, page: Path, *extra: str) -> Result:
    args = [
        command,
        "--catalog",
        str(catalog_dir),
        "--source",
        "osc-campus-resources",
        "--html",
        str(page),
        *extra,
    ]
    return CliRunner().invoke(cli, args)


def assert_one_error_line(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.output


# --------------------------------------------------- not the page: exit 2, no writes

NOT_THE_PAGE: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b" \n\t ",
    "unrelated": (DATA / "unrelated-news.html").read_bytes(),
    "no-listings": (DATA / "campus-resources-no-listings.html").read_bytes(),
    "json": b'{"resources": [{"name": "Chaplaincy"}]}',
    "binary": bytes(range(256)) * 64,
    "gzip-not-decoded": b"\x1f\x8b\x08\x00" + bytes(200),
    "only-chrome": PAGE_BYTES[: PAGE_BYTES.index(b"Support Resources</h2>") - 40],
    "headings-no-lists": b"<h2>Support Resources</h2><p>Being updated.</p>",
    "xml": b'<?xml version="1.0"?><rss><channel><title>Support Resources</title></channel></rss>',
}


# scrape reads no catalog, so it has no section names to expect: an unrelated page
# with headings and lists is scraped as it is (test_parse.py covers that case).
CASES = [
    (command, name)
    for command in ("diff", "sync", "scrape")
    for name in NOT_THE_PAGE
    if (command, name) != ("scrape", "unrelated")
]


@pytest.mark.parametrize(("command", "name"), CASES)
def test_not_the_page_is_exit_2_and_nothing_written(
    tmp_path: Path, catalog_dir: Path, command: str, name: str
) -> None:
    page = tmp_path / f"{name}.html"
    page.write_bytes(NOT_THE_PAGE[name])
    before = files_of(catalog_dir)
    if command == "scrape":
        result = CliRunner().invoke(cli, ["scrape", "--html", str(page)])
    else:
        result = run(command, catalog_dir, page)
    assert_one_error_line(result, "page not recognised")
    assert "removed" not in result.output  # never "23 resources removed"
    assert files_of(catalog_dir) == before


def test_missing_page_file_is_exit_2(tmp_path: Path, catalog_dir: Path) -> None:
    result = run("diff", catalog_dir, tmp_path / "nowhere.html")
    assert_one_error_line(result, "nowhere.html")


def test_unreadable_page_path_is_exit_2(tmp_path: Path, catalog_dir: Path) -> None:
    # A path through a file (permissions would not stop root, who runs CI here).
    afile = tmp_path / "page.html"
    afile.write_bytes(PAGE_BYTES)
    result = run("diff", catalog_dir, afile / "page.html")
    assert_one_error_line(result, "Not a directory")


# ------------------------------------------------ broken but readable: right result


def _with_bad_bytes() -> bytes:
    """Invalid UTF-8 and NUL bytes in the page chrome (the listings stay intact)."""
    head = PAGE_BYTES.index(b"</head>")
    return PAGE_BYTES[:head] + b"<!-- \xff\xfe\x00\x00 \x80\x81 -->" + PAGE_BYTES[head:]


READABLE: dict[str, bytes] = {
    "utf-16 with BOM": codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le"),
    "utf-8 BOM": codecs.BOM_UTF8 + PAGE_BYTES,
    "bad bytes and NULs in the chrome": _with_bad_bytes(),
    "CRLF line ends": PAGE_BYTES.replace(b"\n", b"\r\n"),
    "all on one line": PAGE_BYTES.replace(b"\n", b" "),
    "unclosed list items": PAGE_BYTES.replace(b"</li>", b""),
    "upper-case tags": PAGE_BYTES.replace(b"<li>", b"<LI>").replace(b"</li>", b"</LI>"),
}


@pytest.mark.parametrize("name", list(READABLE))
def test_broken_but_readable_page_is_clean(tmp_path: Path, catalog_dir: Path, name: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(READABLE[name])
    result = run("diff", catalog_dir, page)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith(": clean")


def test_truncated_page_is_reported_and_sync_refuses_to_retire_most(
    tmp_path: Path, catalog_dir: Path
) -> None:
    start = PAGE_BYTES.index(b"Support Resources</h2>")
    page = tmp_path / "truncated.html"
    page.write_bytes(PAGE_BYTES[: start + (len(PAGE_BYTES) - start) // 5])  # cut mid-list
    diff = run("diff", catalog_dir, page, "--format", "json")
    assert_one_error_line(diff, "profile no longer matches the page")  # never "18 removed"
    report = json.loads(diff.stdout)  # the whole report: its one source, an error
    assert (report["status"], report["removed"]) == ("error", [])
    before = files_of(catalog_dir)
    result = run("sync", catalog_dir, page)
    assert_one_error_line(result, "more likely broken")
    assert files_of(catalog_dir) == before


# -------------------------------------------------------- parser: bounded time


def parse_within(html: str, parser: str, seconds: float) -> list[Listing] | None:
    """Listings, or None for ParseError; fails on anything else or when too slow."""
    started = time.monotonic()
    try:
        result: list[Listing] | None = parse_page(html, parser=parser)
    except ParseError:
        result = None
    assert time.monotonic() - started < seconds
    return result


@pytest.mark.parametrize("parser", PARSERS)
def test_5000_levels_of_nesting(parser: str) -> None:
    depth = 5_000
    html = f"<h2>{SECTIONS[0]}</h2><ul><li><b>Name:</b> text{'<div>' * depth} deep"
    html += "</div>" * depth + "</li></ul>"
    listings = parse_within(html, parser, seconds=10.0)
    assert listings is not None
    assert [(x.name, x.description) for x in listings] == [("Name", "text deep")]


@pytest.mark.parametrize("parser", PARSERS)
def test_a_listing_5000_levels_down_is_beyond_the_depth_a_browser_builds(parser: str) -> None:
    # Like Chromium and WebKit, the tree stops at 512 levels: a listing nested deeper is
    # not a listing any more (its text is kept), and the page is not recognised.
    depth = 5_000
    html = f"<h2>{SECTIONS[0]}</h2><ul>{'<div>' * depth}<li><b>Name:</b> text</li>"
    html += "</div>" * depth + "</ul>"
    assert parse_within(html, parser, seconds=10.0) is None


@pytest.mark.parametrize("parser", PARSERS)
def test_5000_unclosed_tags(parser: str) -> None:
    html = f"<h2>{SECTIONS[0]}</h2><ul><li><b>Name:</b> text" + "<span><i><em>" * 1_700
    listings = parse_within(html, parser, seconds=10.0)
    assert listings is not None
    assert listings[0].name == "Name"


@pytest.mark.parametrize("parser", PARSERS)
def test_huge_attributes(parser: str) -> None:
    huge = "x" * 5_000_000
    html = (
        f'<h2 class="{huge}">{SECTIONS[0]}</h2><ul><li data-x="{huge}">'
        f'<a href="https://example.org/{huge}" title="{huge}">Name</a>: text</li></ul>'
    )
    listings = parse_within(html, parser, seconds=10.0)
    assert listings is not None
    assert listings[0].name == "Name"
    assert listings[0].links == []  # a 5 MB URL is not a link we keep


@pytest.mark.untraced
@pytest.mark.parametrize("parser", PARSERS)
def test_40000_list_items_and_headings(parser: str) -> None:
    html = f"<h2>{SECTIONS[0]}</h2><ul>" + "<li>a</li><h3>b</h3>" * 20_000 + "</ul>"
    listings = parse_within(html, parser, seconds=20.0)
    assert listings is not None
    assert len(listings) == 20_000


@pytest.mark.untraced
@pytest.mark.parametrize("parser", PARSERS)
def test_many_comments_and_entities(parser: str) -> None:
    body = "<!--x-->&amp;&#0;&#xD800;&#1114112;&bogus;" * 20_000
    html = f"<h2>{SECTIONS[0]}</h2><ul><li><b>Name:</b> {body}</li></ul>"
    listings = parse_within(html, parser, seconds=10.0)
    assert listings is not None
    assert "\x00" not in listings[0].description
