"""The directory site in headless Chromium: loads cleanly, searches, stays accessible.

Uses Debian's ``chromium`` driven by Playwright (``executable_path``; Playwright never
downloads a browser here) and axe-core's ``axe.min.js`` as shipped by the
``axe-playwright-python`` package. Pages are opened from ``file://``, as a reader who
downloaded the site would. Without a browser the module is skipped, except on CI
(``CI=true``), where ``.ci/run`` installs one and a missing browser is a failure.
Set ``SITE_SCREENSHOT=docs/site-index.png`` to refresh the README's screenshot.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import resource_catalog as rc
from resource_catalog.exports.site import build_site
from resource_catalog.exports.site.views import search_words
from resource_catalog.models import PhoneKind
from resource_catalog.store.catalog import Catalog

from ..conftest import CATALOG, read_record, write_record

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_FLAGS = [
    "--no-sandbox",  # the tests may run as root
    "--disable-gpu",
    "--disable-background-networking",  # no calls home: the machine may have no network
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS = {"serious", "critical"}


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing: .ci/run installs it, and CI must run the browser tests")
    pytest.skip(f"{what} is missing")


def chromium_path() -> str:
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if found is None:
        _missing("chromium")
    assert found is not None
    return found


def axe_source() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or spec.origin is None:
        _missing("axe-core (the axe-playwright-python package)")
    assert spec is not None
    assert spec.origin is not None
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if importlib.util.find_spec("playwright") is None:
        _missing("playwright")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (may be missing)

    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return rc.load_catalog(CATALOG)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(catalog, out)
    return out


class Opened:
    """A page opened in the browser, with every console error and script error it caused."""

    def __init__(self, browser: Browser, *, width: int = 1000, script: bool = True) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=script,
            bypass_csp=True,  # lets the test inject axe-core; the site's own CSP is tested apart
        )
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"script error: {exc}"))
        self.page.on("requestfailed", lambda req: self.errors.append(f"failed: {req.url}"))
        self.page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> Page:
        self.page.goto(path.as_uri())
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser: Browser) -> Iterator[Opened]:
    tab = Opened(browser)
    yield tab
    tab.close()


def visible_ids(page: Page) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        "[data-id]", "els => els.filter(e => !e.closest('[hidden]')).map(e => e.dataset.id)"
    )
    return sorted(ids)


def serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe_source())
    result: dict[str, Any] = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


# -- loading ----------------------------------------------------------------------


@pytest.mark.untraced
def test_every_page_loads_without_a_console_error(
    opened: Opened, site: Path, catalog: Catalog
) -> None:
    pages = [
        site / "index.html",
        site / "topics.html",
        *sorted((site / "resources").glob("*.html")),
    ]
    assert len(pages) == len(catalog.active) + 2
    for path in pages:
        page = opened.open(path)
        assert page.title()
        assert page.evaluate("() => document.styleSheets.length") == 1, path  # the CSP let it in
    assert opened.errors == []


def test_every_tel_href_in_the_browser_parses_back_to_the_record(
    opened: Opened, site: Path, catalog: Catalog
) -> None:
    seen = 0
    for r in catalog.active:
        page = opened.open(site / "resources" / f"{r.id}.html")
        links: list[str] = page.eval_on_selector_all(
            "a[href^='tel:'], a[href^='sms:']", "els => els.map(e => e.href)"
        )
        numbers = sorted((p.number, p.extension) for p in r.phones if p.kind is not PhoneKind.FAX)
        parsed = []
        for href in links:
            scheme, rest = href.split(":", 1)
            number, _, ext = rest.partition(";ext=")
            assert scheme in ("tel", "sms")
            parsed.append((number, ext or None))
        assert sorted(parsed) == numbers, r.id
        seen += len(parsed)
    assert seen == sum(p.kind is not PhoneKind.FAX for r in catalog.active for p in r.phones)


# -- search -------------------------------------------------------------------------


def expected_hits(catalog: Catalog, query: str) -> list[str]:
    wanted = query.lower().split()
    return sorted(
        r.id
        for r in catalog.active
        if all(any(w.startswith(q) for w in search_words(r)) for q in wanted)
    )


@pytest.mark.parametrize("query", ["police", "CONFIDENTIAL", "grad stud", "mental health", "s3"])
def test_search_filters_the_list_as_you_type(
    opened: Opened, site: Path, catalog: Catalog, query: str
) -> None:
    page = opened.open(site / "index.html")
    assert visible_ids(page) == sorted(r.id for r in catalog.active)
    page.fill("#search-input", query)
    hits = expected_hits(catalog, query)
    assert 0 < len(hits) < len(catalog.active)
    assert visible_ids(page) == hits
    status = page.text_content("#search-status") or ""
    assert status.startswith(f"{len(hits)} resource")
    hidden_sections = page.eval_on_selector_all(
        "[data-section]", "els => els.filter(e => e.hidden).length"
    )
    sections_with_hits = {catalog[i].section for i in hits}
    assert hidden_sections == len({r.section for r in catalog.active}) - len(sections_with_hits)
    page.fill("#search-input", "")
    assert visible_ids(page) == sorted(r.id for r in catalog.active)
    assert page.text_content("#search-status") == f"All {len(catalog.active)} resources are listed."
    assert opened.errors == []


def test_a_search_with_no_match_says_so(opened: Opened, site: Path) -> None:
    page = opened.open(site / "index.html")
    page.fill("#search-input", "zzqx")
    assert visible_ids(page) == []
    assert "No resource matches" in (page.text_content("#search-status") or "")
    assert page.eval_on_selector_all("[data-section]", "els => els.every(e => e.hidden)")


def test_without_javascript_everything_is_listed_and_the_box_is_hidden(
    browser: Browser, site: Path, catalog: Catalog
) -> None:
    tab = Opened(browser, script=False)
    try:
        page = tab.open(site / "index.html")
        assert visible_ids(page) == sorted(r.id for r in catalog.active)
        assert not page.is_visible("#search")
    finally:
        tab.close()


# -- accessibility ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["index.html", "topics.html", "resources/student-support-services.html"]
)
@pytest.mark.parametrize("width", [1000, 320])
def test_axe_finds_no_serious_violation(opened: Opened, site: Path, name: str, width: int) -> None:
    opened.page.set_viewport_size({"width": width, "height": 900})
    page = opened.open(site / name)
    if name == "index.html":
        page.fill("#search-input", "support")  # the status line and hidden entries too
    assert serious_violations(page) == []


@pytest.mark.parametrize("name", ["index.html", "resources/student-support-services.html"])
def test_pages_reflow_at_phone_width_and_200_percent_zoom(
    browser: Browser, site: Path, name: str
) -> None:
    # 320 CSS pixels is a 1280-pixel window at 400% or a 640-pixel one at 200% (WCAG reflow).
    tab = Opened(browser, width=320)
    try:
        page = tab.open(site / name)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        font = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        assert font >= 16
    finally:
        tab.close()


def test_print_leaves_out_the_search_and_the_navigation(opened: Opened, site: Path) -> None:
    page = opened.open(site / "index.html")
    assert page.is_visible("#search")
    page.emulate_media(media="print")
    assert not page.is_visible("#search")
    assert not page.is_visible("header nav")
    assert page.is_visible("main h1")


# -- hostile strings --------------------------------------------------------------------


def test_hostile_strings_do_nothing_in_the_browser(
    browser: Browser, full_catalog_dir: Path, tmp_path: Path
) -> None:
    data = read_record(full_catalog_dir, "student-support-services")
    data["name"] = "<script>alert('name')</script><img src=x onerror=alert('img')>"
    data["description"] = "</script><script>alert('desc')</script> \"'quotes'\""
    data["phones"][0]["label"] = '" onmouseover="alert(\'label\')" autofocus onfocus="alert(1)'
    data["links"] = [{"url": "https://example.edu/\"><script>alert('url')</script>", "label": None}]
    write_record(full_catalog_dir, "student-support-services", data)
    out = tmp_path / "site"
    build_site(rc.load_catalog(full_catalog_dir), out)
    tab = Opened(browser)
    try:
        page = tab.open(out / "resources" / "student-support-services.html")
        page.hover("a[href^='tel:']")
        assert page.text_content("h1") == data["name"] + " (S3)"
        index = tab.open(out / "index.html")
        index.fill("#search-input", "script alert")
        assert visible_ids(index) == ["student-support-services"]
        assert tab.dialogs == []
        assert index.evaluate("() => document.querySelectorAll('img, iframe').length") == 0
        assert [e for e in tab.errors if "failed:" not in e] == []
    finally:
        tab.close()


# -- the README's screenshot ------------------------------------------------------------------


def test_screenshot_of_the_index(browser: Browser, site: Path, tmp_path: Path) -> None:
    target = Path(os.environ.get("SITE_SCREENSHOT") or tmp_path / "index.png")
    tab = Opened(browser, width=900)
    try:
        page = tab.open(site / "index.html")
        page.set_viewport_size({"width": 900, "height": 900})
        page.screenshot(path=str(target))
    finally:
        tab.close()
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (900, 900)
