"""Property-based tests (hypothesis) of the pure core: parse, compare, sync, export.

Fault family: *anything the page or a curator can throw at the pure functions*.
Run quickly by default; ``HYPOTHESIS_PROFILE=deep`` (see conftest.py) runs 2000
examples per property.

Properties already proved elsewhere, not repeated here:

* ``parse_phone`` on arbitrary text returns E.164 or raises ``InvalidPhoneError``:
  ``test_phones.py::test_parse_phone_returns_e164_or_raises`` (and
  ``test_find_phones_never_raises``); this module adds phone-shaped text only.
* sync then the same page is clean and a second sync is a no-op, for edits of the
  real listings: ``test_sync.py::test_sync_then_same_page_is_clean_and_second_sync_is_empty``;
  this module adds arbitrary pages (duplicate and empty names, any text).
* CSV cells are neutralised and reversible: ``test_export.py::test_neutralise_is_reversible``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resource_catalog.checks.validate import load_catalog
from resource_catalog.contacts.phones import parse_phone
from resource_catalog.drift.compare import compare
from resource_catalog.drift.plan import apply_plan, plan_sync
from resource_catalog.errors import InvalidPhoneError, ParseError
from resource_catalog.exports.writers import to_json, to_jsonl
from resource_catalog.models import (
    PHONE_NUMBER_PATTERN,
    CatalogMeta,
    Link,
    Listing,
    Observation,
    Phone,
    Resource,
    SourcePage,
)
from resource_catalog.pages.parse import parse_page
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.files import save_catalog

from .conftest import CATALOG, DATA

URL = "http://studentlife.mit.edu/citizenship/resources"
SOURCE_ID = "osc-campus-resources"
SECTIONS = ["Support Resources", "Additional Institute Partners and Resources"]
TODAY = dt.date(2026, 11, 27)
PAGE = (DATA / "campus-resources.html").read_text(encoding="utf-8")
BUNDLED = load_catalog(CATALOG)
#: Real phone numbers of the catalog (never invented ones).
PHONES = sorted({p.number for r in BUNDLED for p in r.phones if p.number.startswith("+")})
PARSERS = st.sampled_from(["lxml", "html.parser"])
# The catalog lost its link targets; example.org is reserved for examples.
LINKS = [f"https://example.org/{n}" for n in ("a", "b", "c")]


def check_listings(result: list[Listing]) -> None:
    """What parse_page promises about any listings it returns."""
    assert result, "parse_page never returns an empty list"
    for item in result:
        assert isinstance(item, Listing)
        assert item.section
        for text in (item.name, item.section, item.description):
            assert "\x00" not in text  # the parser's internal marker never leaks
            assert text == " ".join(text.split())  # normalised whitespace
        for link in item.links:
            assert link.url.startswith(("http://", "https://"))


def parse_or_parse_error(html: str, parser: str) -> None:
    """parse_page returns valid listings or raises ParseError, nothing else."""
    try:
        result = parse_page(html, base_url=URL, parser=parser)
    except ParseError:
        return
    check_listings(result)


# ----------------------------------------------------------------- parse: any HTML

ANY_CHARACTER = st.characters(exclude_categories=[])  # lone surrogates and controls too


@given(st.text(ANY_CHARACTER, max_size=500), PARSERS)
def test_parse_any_text_returns_listings_or_raises_parse_error(html: str, parser: str) -> None:
    parse_or_parse_error(html, parser)


@given(st.binary(max_size=2000), PARSERS)
def test_parse_binary_garbage_read_as_latin1(data: bytes, parser: str) -> None:
    parse_or_parse_error(data.decode("latin-1"), parser)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), PARSERS)
def test_parse_any_slice_of_the_real_page(data: st.DataObject, parser: str) -> None:
    start = data.draw(st.integers(0, len(PAGE)), label="start")
    end = data.draw(st.integers(start, len(PAGE)), label="end")
    parse_or_parse_error(PAGE[start:end], parser)


TAGS = ["h2", "h3", "ul", "ol", "li", "b", "strong", "a", "div", "p", "main", "nav",
        "script", "style", "header", "footer", "span", "br", "table", "td", "template"]  # fmt: skip
ATTRS = st.sampled_from(
    ['', ' href="/x"', ' href="https://example.org/a"', " href='javascript:alert(1)'",
     ' id="main-content"', ' class="menu"', ' role="main"', ' href="#top"', " href=",
     ' href="http://[::1"', ' name="x"'])  # fmt: skip
FRAGMENTS = st.one_of(
    st.sampled_from(
        [*SECTIONS, ":", " : ", "The ", "617-253-4861", "5-104", "E23", "&nbsp;", "&amp;",
         "&lt;script&gt;", "<!-- c -->", "\x00", "<", ">", "&#0;", "&#xD800;", "</li>"]
    ),
    st.text(max_size=20),
)  # fmt: skip


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def build(tag: str, attrs: str, inner: list[str], close: bool) -> str:
        return f"<{tag}{attrs}>{''.join(inner)}" + (f"</{tag}>" if close else "")

    return st.builds(
        build, st.sampled_from(TAGS), ATTRS, st.lists(children, max_size=5), st.booleans()
    )


TAG_SOUP = st.recursive(FRAGMENTS, _element, max_leaves=60)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TAG_SOUP, max_size=8).map("".join), PARSERS)
def test_parse_tag_soup_with_the_page_vocabulary(html: str, parser: str) -> None:
    parse_or_parse_error(html, parser)


@given(st.lists(st.sampled_from(TAGS), min_size=1, max_size=30), st.integers(1, 300))
def test_parse_deep_unclosed_nesting(tags: list[str], depth: int) -> None:
    opening = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    html = f"<h2>{SECTIONS[0]}</h2><ul>{opening}<li><b>Name:</b> text"
    parse_or_parse_error(html, "lxml")
    parse_or_parse_error(html, "html.parser")


# ------------------------------------------------- compare(x, x) and sync twice

NAMES = st.sampled_from(
    ["", "MIT Police", "Chaplaincy", "Chaplaincy ", "chaplaincy", "Ombuds Office", "S3", ":"]
)


@st.composite
def listings(draw: st.DrawFn) -> Listing:
    """A listing with names that collide often, any description, real phone numbers."""
    return Listing(
        name=draw(st.one_of(NAMES, st.text(max_size=15))),
        section=draw(st.sampled_from(SECTIONS)),
        description=draw(st.one_of(st.text(max_size=60), st.sampled_from(["", "Same text."]))),
        phones=[Phone(number=n) for n in draw(st.lists(st.sampled_from(PHONES), max_size=2))],
        links=[Link(url=u) for u in draw(st.lists(st.sampled_from(LINKS), max_size=2))],
    )


PAGES = st.lists(listings(), min_size=1, max_size=12)


def empty_catalog() -> Catalog:
    page = SourcePage(id=SOURCE_ID, url=URL, title="t", sections=SECTIONS)
    meta = CatalogMeta(name="test", sources=[page])
    return Catalog(meta=meta, resources=())


def catalog_from(page: list[Listing]) -> Catalog:
    """One record per listing whose ``source`` is that listing (curated = page)."""
    records = [
        Resource(
            id=f"r{i}",
            name=" ".join(x.name.split()) or "unnamed",
            section=x.section,
            description=x.description,
            phones=x.phones,
            links=x.links,
            sources=[
                Observation.model_validate({**x.model_dump(), "url": URL, "source_id": SOURCE_ID})
            ],
        )
        for i, x in enumerate(page)
    ]
    return empty_catalog().replace(records)


@given(PAGES)
def test_compare_a_catalog_with_its_own_sources_is_clean(page: list[Listing]) -> None:
    report = compare(catalog_from(page), page, source_url=URL)
    assert report.status == "clean", report.to_dict()
    assert len(report.matches) == len(page)


@given(st.data(), PAGES)
def test_compare_is_clean_whatever_the_listing_order(
    data: st.DataObject, page: list[Listing]
) -> None:
    shuffled = data.draw(st.permutations(page), label="order")
    assert compare(catalog_from(page), shuffled, source_url=URL).status == "clean"


def test_counterexample_alike_listings_that_differ_only_by_link_or_phone() -> None:
    # Found by the property above: duplicates were paired in page order, so a
    # reorder reported a link (or a critical phone) change that never happened.
    plain = Listing(name="", section=SECTIONS[0], description="More information.")
    linked = plain.model_copy(update={"links": [Link(url=LINKS[0])]})
    phoned = plain.model_copy(update={"phones": [Phone(number=PHONES[0])]})
    page = [plain, linked, phoned]
    for order in ([linked, phoned, plain], [phoned, plain, linked]):
        report = compare(catalog_from(page), order, source_url=URL)
        assert report.status == "clean", report.to_dict()


def test_counterexample_names_that_differ_only_in_spacing_sync_once() -> None:
    # Found by the deep profile: "Chaplaincy" and "Chaplaincy " were paired in id
    # order, so every sync swapped their recorded sources and rewrote both files.
    page = [
        Listing(name="Chaplaincy ", section=SECTIONS[0], description=""),
        Listing(name="Chaplaincy", section=SECTIONS[0], description=""),
    ]
    synced = apply_plan(empty_catalog(), plan_sync(empty_catalog(), page, source_url=URL))
    assert plan_sync(synced, page, source_url=URL).is_empty


@given(PAGES)
def test_sync_into_an_empty_catalog_then_again_is_a_no_op(page: list[Listing]) -> None:
    first = plan_sync(empty_catalog(), page, source_url=URL, today=TODAY)
    assert len(first.added) == len(page)
    synced = apply_plan(empty_catalog(), first)
    assert compare(synced, page, source_url=URL).status == "clean"
    second = plan_sync(synced, page, source_url=URL, today=TODAY)
    assert second.is_empty, second.summary()
    assert apply_plan(synced, second) == synced


@given(PAGES, PAGES)
def test_sync_any_page_over_any_catalog_then_again_is_a_no_op(
    old: list[Listing], new: list[Listing]
) -> None:
    catalog = catalog_from(old)
    synced = apply_plan(catalog, plan_sync(catalog, new, source_url=URL, force=True, today=TODAY))
    assert {r.id for r in catalog} <= {r.id for r in synced}  # nothing is ever deleted
    assert compare(synced, new, source_url=URL).status == "clean"
    assert plan_sync(synced, new, source_url=URL, force=True, today=TODAY).is_empty


# ----------------------------------------------------------- export round-trips

FREE_TEXT = st.text(max_size=80)  # any unicode except lone surrogates (not storable)


@st.composite
def edited_resources(draw: st.DrawFn) -> list[Resource]:
    """The bundled records with curated text fields replaced by arbitrary text."""
    picked = draw(
        st.lists(
            st.sampled_from(BUNDLED.resources), min_size=1, max_size=5, unique_by=lambda r: r.id
        )
    )
    out = []
    for rec in picked:
        name = draw(FREE_TEXT.filter(lambda s: s.strip()))
        update = {
            "name": name.strip(),
            "description": draw(FREE_TEXT),
            "acronym": draw(st.one_of(st.none(), FREE_TEXT)),
            "availability": draw(st.one_of(st.none(), FREE_TEXT)),
        }
        out.append(Resource.model_validate({**dict(rec), **update}))
    return out


@given(edited_resources())
def test_json_export_loads_back_equal(resources: list[Resource]) -> None:
    buffer = io.StringIO()
    to_json(resources, buffer)
    loaded = [Resource.model_validate(item) for item in json.loads(buffer.getvalue())]
    assert loaded == sorted(resources, key=lambda r: r.id)


@given(edited_resources())
def test_jsonl_export_loads_back_equal(resources: list[Resource]) -> None:
    buffer = io.StringIO()
    to_jsonl(resources, buffer)
    # JSON Lines records end in "\n" only; U+2028 or U+0085 inside a value stay text.
    lines = buffer.getvalue().removesuffix("\n").split("\n")
    assert len(lines) == len(resources)
    loaded = [Resource.model_validate_json(line) for line in lines]
    assert loaded == sorted(resources, key=lambda r: r.id)


# Each example writes a catalog to disk: a fifth of the profile's examples (at least 20).
@settings(max_examples=max(20, settings().max_examples // 5))
@given(edited_resources())
def test_saved_catalog_loads_back_equal(resources: list[Resource]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "catalog"
        shutil.copytree(CATALOG, target, ignore=shutil.ignore_patterns(".sync.lock", ".*.tmp"))
        ids = {r.id for r in resources}
        edited = BUNDLED.replace([*(r for r in BUNDLED if r.id not in ids), *resources])
        save_catalog(edited, target)
        assert load_catalog(target).resources == edited.resources


# ------------------------------------------------------- parse_phone: phone-shaped text

PHONE_SHAPED = st.text(alphabet="0123456789-(). x+#*tel:TALK ext\u2013\u00a0", max_size=30)


@given(PHONE_SHAPED)
def test_parse_phone_on_phone_shaped_text_is_e164_or_invalid(text: str) -> None:
    try:
        number = parse_phone(text)
    except InvalidPhoneError:
        return
    assert re.fullmatch(PHONE_NUMBER_PATTERN, number)
    assert number.startswith("+")
