"""Tests of drift.compare: matching by what the page said, severities, the JSON shape.

Names, numbers and rooms come from the captured Campus Resources page. Changed numbers
use the 555-01xx range reserved for fiction; link URLs use the reserved example.org
domain because the capture lost the page's link targets.
"""

from __future__ import annotations

import gc
import itertools
import time

import pytest

from resource_catalog.drift import _match
from resource_catalog.drift.compare import (
    Changed,
    DriftReport,
    DriftSeverity,
    Removed,
    Renamed,
    Reordered,
    compare,
)
from resource_catalog.models import (
    CatalogMeta,
    Link,
    Listing,
    Location,
    Observation,
    Phone,
    Resource,
    SourcePage,
    Status,
)
from resource_catalog.store.catalog import Catalog
from tests.factories import PARTNERS, SOURCE_ID, SUPPORT, URL, catalog, listing, observation, record

S3_TEXT = (
    "Student Support Services, S3, is a low-key, safe place that makes asking for help a "
    "little easier. S3 is located in 5-104 and may be reached at 617-253-4861."
)
MH_TEXT = (
    "Mental Health services offered through MIT Medical are a good place to go when you "
    "would like to speak to a counseling professional. Mental Health is located in E23 and "
    "may be contacted 617-253-2916."
)
DOC_TEXT = (
    "The Dean on Call is an after hours resource for you if you do not know where else to "
    "go. To reach him or her for any reason, call Campus Police (617-253-1212)."
)
POLICE_TEXT = (
    "MIT Police are sworn law enforcement officers who protect people and property on and "
    "around MIT's campus, investigate crimes, and take law enforcement action."
)
VPR_TEXT = (
    "The Program for Violence Prevention and Response (VPR) is here to help anyone dealing "
    "with issues around sexual assault, intimate partner violence, and stalking at MIT."
)


S3 = listing(
    "Student Support Services (S3)", S3_TEXT, phones=["+16172534861"], locations=[("5", "104")]
)
MH = listing(
    "Mental Health and Counseling", MH_TEXT, phones=["+16172532916"], locations=[("E23", None)]
)
DOC = listing("Dean On Call", DOC_TEXT, phones=["+16172531212"])
POLICE = listing("MIT Police", POLICE_TEXT, PARTNERS, links=["https://example.org/police"])
PAGE = [MH, DOC, S3, POLICE]


def base_catalog() -> Catalog:
    return catalog(
        record("mental-health", MH),
        record("dean-on-call", DOC),
        record("s3", S3, name="Student Support Services", acronym="S3"),
        record("mit-police", POLICE),
    )


def test_same_page_is_clean() -> None:
    report = compare(base_catalog(), PAGE)
    assert report.status == "clean"
    assert report.max_severity is None
    assert not report.has_drift(DriftSeverity.MINOR)
    assert report.to_dict() == {
        "status": "clean",
        "source": URL,
        "added": [],
        "removed": [],
        "renamed": [],
        "changed": [],
        "reordered": [],
        "sources": [
            {
                "id": SOURCE_ID,
                "url": URL,
                "status": "clean",
                "error": None,
                "counts": {"added": 0, "removed": 0, "renamed": 0, "changed": 0},
                "sections_added": [],
                "sections_removed": [],
            }
        ],
    }


def test_one_phone_changed_is_critical_naming_the_record() -> None:
    page = [MH, DOC, S3.model_copy(update={"phones": [Phone(number="+16175550123")]}), POLICE]
    report = compare(base_catalog(), page)
    assert report.status == "drift"
    assert report.changed == (
        Changed(
            id="s3",
            name="Student Support Services (S3)",
            field="phones",
            before=("+16172534861",),
            after=("+16175550123",),
            severity=DriftSeverity.CRITICAL,
            source_id=SOURCE_ID,
        ),
    )
    assert report.to_dict()["changed"] == [
        {
            "id": "s3",
            "name": "Student Support Services (S3)",
            "field": "phones",
            "before": ["+16172534861"],
            "after": ["+16175550123"],
            "severity": "critical",
            "source_id": SOURCE_ID,
        }
    ]
    assert report.max_severity is DriftSeverity.CRITICAL
    assert report.has_drift(DriftSeverity.CRITICAL)


LOC_106 = [Location(building="5", room="106")]
S3_LINK = "https://example.org/s3"


@pytest.mark.parametrize(
    ("update", "field", "before", "after", "severity"),
    [
        ({"locations": LOC_106}, "locations", ("5-104",), ("5-106",), "critical"),
        ({"section": PARTNERS}, "section", SUPPORT, PARTNERS, "major"),
        ({"links": [Link(url=S3_LINK)]}, "links", (), (S3_LINK,), "major"),
        ({"description": "S3 has moved."}, "description", S3_TEXT, "S3 has moved.", "minor"),
        (
            {"phones": [Phone(number="+16172534861", extension="12")]},
            "phones",
            ("+16172534861",),
            ("+16172534861 x12",),
            "critical",
        ),
    ],
)
def test_field_severities(
    update: dict[str, object], field: str, before: object, after: object, severity: str
) -> None:
    report = compare(base_catalog(), [MH, DOC, S3.model_copy(update=update), POLICE])
    assert [c.to_dict() for c in report.changed] == [
        {
            "id": "s3",
            "name": S3.name,
            "field": field,
            "before": list(before) if isinstance(before, tuple) else before,
            "after": list(after) if isinstance(after, tuple) else after,
            "severity": severity,
            "source_id": SOURCE_ID,
        }
    ]
    assert report.max_severity == DriftSeverity(severity)


def test_whitespace_and_phone_order_are_not_drift() -> None:
    spaced = S3.model_copy(update={"description": "  " + S3_TEXT.replace(" ", "  \n") + " "})
    two = listing("Dean On Call", DOC_TEXT, phones=["+16172531212", "+16172534861"])
    cat = catalog(record("s3", S3), record("dean-on-call", two))
    swapped = two.model_copy(update={"phones": list(reversed(two.phones))})
    assert compare(cat, [swapped, spaced]).status == "clean"


def test_curated_names_cause_no_noise() -> None:
    cat = catalog(record("s3", S3, name="S3 (curated name)", description="Curated text."))
    assert compare(cat, [S3]).status == "clean"


def test_reordered_listings_are_information_only() -> None:
    cat = base_catalog()
    page = [S3, DOC, MH, POLICE]
    report = compare(cat, page, previous=PAGE)
    assert report.status == "clean"
    assert not report.has_drift(DriftSeverity.MINOR)
    assert report.reordered == (
        Reordered(
            SUPPORT,
            (MH.name, DOC.name, S3.name),
            (S3.name, DOC.name, MH.name),
            source_id=SOURCE_ID,
        ),
    )
    before, after = [MH.name, DOC.name, S3.name], [S3.name, DOC.name, MH.name]
    assert report.to_dict()["reordered"] == [
        {"section": SUPPORT, "before": before, "after": after, "source_id": SOURCE_ID}
    ]
    assert compare(cat, PAGE, previous=PAGE).reordered == ()


def test_reordered_sections_are_information_only() -> None:
    report = compare(base_catalog(), [POLICE, MH, DOC, S3])
    assert report.status == "clean"
    assert report.reordered == (
        Reordered(None, (SUPPORT, PARTNERS), (PARTNERS, SUPPORT), source_id=SOURCE_ID),
    )


def test_added_and_removed() -> None:
    new = listing("Chaplaincy", "MIT Religious Life has representatives from most major religions.")
    report = compare(base_catalog(), [MH, S3, POLICE, new])
    assert report.removed == (Removed("dean-on-call", "Dean On Call", SOURCE_ID),)
    assert report.to_dict()["added"] == [
        {"name": "Chaplaincy", "section": SUPPORT, "source_id": SOURCE_ID, "relisted": None}
    ]
    assert report.added[0].listing == new
    assert report.max_severity is DriftSeverity.CRITICAL  # a listing gone takes its phone
    assert report.has_drift(DriftSeverity.MAJOR)


def test_retired_records_are_not_reported_removed() -> None:
    cat = catalog(record("s3", S3), record("dean-on-call", DOC, status=Status.RETIRED))
    assert compare(cat, [S3]).status == "clean"


def test_a_listing_of_a_record_its_curators_retired_is_not_an_addition() -> None:
    cat = catalog(record("s3", S3), record("dean-on-call", DOC, status=Status.RETIRED))
    report = compare(cat, [S3, DOC.model_copy(update={"phones": []})])
    assert report.status == "clean"
    assert set(report.matches) == {"s3", "dean-on-call"}


def test_a_listing_the_page_had_dropped_is_added_again_naming_its_record() -> None:
    dropped = record(
        "dean-on-call", DOC, status=Status.RETIRED, sources=[observation(DOC, listed=False)]
    )
    report = compare(catalog(record("s3", S3), dropped), [S3, DOC])
    assert [(a.name, a.relisted) for a in report.added] == [(DOC.name, "dean-on-call")]
    assert report.has_drift(DriftSeverity.MAJOR)


def test_rename_by_same_link() -> None:
    renamed = POLICE.model_copy(
        update={"name": "MIT Police Department", "description": "Sworn officers on campus."}
    )
    report = compare(base_catalog(), [MH, DOC, S3, renamed])
    assert report.renamed == (
        Renamed("mit-police", "MIT Police", "MIT Police Department", SOURCE_ID),
    )
    assert report.added == ()
    assert report.removed == ()
    assert [c.field for c in report.changed] == ["description"]
    assert report.changed[0].name == "MIT Police Department"


def test_shared_link_does_not_pair_different_listings() -> None:
    shared = "https://example.org/medical"
    mh = MH.model_copy(update={"links": [Link(url=shared)]})
    doc = DOC.model_copy(update={"links": [Link(url=shared)]})
    cat = catalog(record("mental-health", mh), record("dean-on-call", doc))
    other = listing("Chaplaincy", "Religious Life has representatives.", links=[shared])
    report = compare(cat, [mh, other])
    assert [r.id for r in report.removed] == ["dean-on-call"]
    assert [a.name for a in report.added] == ["Chaplaincy"]


def test_rename_by_similar_name_and_text() -> None:
    typo = listing("Violence Prevetion and Response", VPR_TEXT)
    cat = catalog(record("vpr", typo, name="Violence Prevention and Response"))
    fixed = typo.model_copy(update={"name": "Violence Prevention and Response"})
    report = compare(cat, [fixed])
    assert report.renamed == (
        Renamed(
            "vpr", "Violence Prevetion and Response", "Violence Prevention and Response", SOURCE_ID
        ),
    )
    assert (report.added, report.removed, report.changed) == ((), (), ())


def test_different_text_under_a_new_name_is_not_a_rename() -> None:
    cat = catalog(record("vpr", listing("Violence Prevetion and Response", VPR_TEXT)))
    report = compare(cat, [listing("Stop It!", "A program run by IS&T against harassment.")])
    assert report.renamed == ()
    assert [r.id for r in report.removed] == ["vpr"]
    assert [a.name for a in report.added] == ["Stop It!"]


def test_duplicate_names_are_paired_by_description() -> None:
    a = listing("Resources", MH_TEXT, phones=["+16172532916"])
    b = listing("Resources", S3_TEXT, phones=["+16172534861"])
    cat = catalog(record("resources-a", a), record("resources-b", b))
    b_new = b.model_copy(update={"phones": [Phone(number="+16175550123")]})
    report = compare(cat, [b_new, a])
    assert [(c.id, c.field) for c in report.changed] == [("resources-b", "phones")]
    assert (report.added, report.removed) == ((), ())


def test_empty_name_matched_by_description_not_by_emptiness() -> None:
    text = "is a central web resource for information about MIT's sexual misconduct policy."
    nameless = listing("", text, PARTNERS)
    cat = catalog(record("sexual-misconduct", nameless, name="Sexual misconduct resource"))
    edited = listing("", text + " It lists survivor resources.", PARTNERS)
    report = compare(cat, [edited])
    assert [(c.id, c.field) for c in report.changed] == [("sexual-misconduct", "description")]
    unrelated = listing("", "A program run by IS&T designed to help with harassment.", PARTNERS)
    report = compare(cat, [unrelated])
    assert [r.id for r in report.removed] == ["sexual-misconduct"]
    assert [a.name for a in report.added] == [""]


def test_only_records_of_the_compared_page_with_several_sources() -> None:
    other_url = "https://example.org/other-page"
    chaplaincy = listing("Chaplaincy", "Religious Life.")
    other = record(
        "chaplaincy", chaplaincy, sources=[observation(chaplaincy, "other-page", other_url)]
    )
    both = record(
        "s3-both", S3, sources=[observation(S3), observation(S3, "other-page", other_url)]
    )
    pages = [
        SourcePage(id=SOURCE_ID, url=URL, title="Campus Resources", sections=[SUPPORT]),
        SourcePage(id="other-page", url=other_url, title="Other", sections=[SUPPORT]),
    ]
    records = (record("s3", S3), other, both)
    cat = Catalog(meta=CatalogMeta(name="t", sources=pages), resources=records)
    report = compare(cat, [S3], source_id=SOURCE_ID)
    assert report.source == URL
    assert [r.id for r in report.removed] == ["s3-both"]  # two records, one listing
    other_report = compare(cat, [], source_id="other-page")
    assert other_report.source == other_url
    assert [r.id for r in other_report.removed] == ["chaplaincy", "s3-both"]


def test_output_is_deterministic_whatever_the_input_order() -> None:
    page = [
        S3.model_copy(update={"phones": [Phone(number="+16175550123")]}),
        MH.model_copy(update={"description": "Moved."}),
        listing("Chaplaincy", "Religious Life."),
        listing("Ombuds Office", "The MIT Ombudspersons are neutral.", PARTNERS),
    ]
    first = compare(base_catalog(), page).to_dict()
    for shuffled in itertools.permutations(page):
        again = compare(base_catalog(), shuffled).to_dict()
        assert {k: v for k, v in again.items() if k != "reordered"} == {
            k: v for k, v in first.items() if k != "reordered"
        }
    assert [a["name"] for a in first["added"]] == ["Ombuds Office", "Chaplaincy"]  # by section
    assert [c["id"] for c in first["changed"]] == ["mental-health", "s3"]


def test_severity_order_and_thresholds() -> None:
    order = [DriftSeverity.INFO, DriftSeverity.MINOR, DriftSeverity.MAJOR, DriftSeverity.CRITICAL]
    assert sorted([order[2], order[0], order[3], order[1]], key=lambda s: s.rank) == order
    assert DriftSeverity.MAJOR.at_least(DriftSeverity.MINOR)
    assert not DriftSeverity.MINOR.at_least(DriftSeverity.MAJOR)
    minor_only = DriftReport(
        source=URL,
        changed=(Changed("s3", "S3", "description", "a", "b", DriftSeverity.MINOR),),
    )
    assert minor_only.has_drift(DriftSeverity.MINOR)
    assert not minor_only.has_drift(DriftSeverity.MAJOR)
    info_only = DriftReport(source=URL, reordered=(Reordered(None, ("a", "b"), ("b", "a")),))
    assert info_only.status == "clean"
    assert not info_only.has_drift(DriftSeverity.INFO)


def test_report_shape_keys_are_exact() -> None:
    renamed = POLICE.model_copy(update={"name": "MIT Police Department"})
    page = [MH, S3.model_copy(update={"section": PARTNERS}), renamed, listing("New", "x")]
    data = compare(base_catalog(), page).to_dict()
    assert list(data) == [
        "status",
        "source",
        "added",
        "removed",
        "renamed",
        "changed",
        "reordered",
        "sources",
    ]
    assert set(data["added"][0]) == {"name", "section", "source_id", "relisted"}
    assert set(data["removed"][0]) == {"id", "name", "source_id"}
    assert set(data["renamed"][0]) == {"id", "old_name", "new_name", "source_id"}
    assert set(data["changed"][0]) == {
        "id",
        "name",
        "field",
        "before",
        "after",
        "severity",
        "source_id",
    }
    assert set(data["sources"][0]) == {
        "id",
        "url",
        "status",
        "error",
        "counts",
        "sections_added",
        "sections_removed",
    }


def _synthetic(n: int) -> list[Listing]:
    """Made-up listings for the timing test (clearly not campus data)."""
    return [
        listing(
            f"Resource {i:06d}",
            f"Synthetic listing number {i} offers service {i % 97} in area {i % 13}.",
            f"Section {i % 20}",
            phones=[f"+1617555{i % 10000:04d}"],
        )
        for i in range(n)
    ]


def _fast_record(rid: str, page: Listing) -> Resource:
    """Like :func:`record` without re-validation, to build 100,000 records quickly."""
    seen = Observation.model_construct(**dict(page), url=URL, source_id=SOURCE_ID, listed=True)
    fields = {k: v for k, v in dict(page).items() if k != "name"}
    return Resource.model_construct(id=rid, name=page.name, sources=[seen], **fields)


def _timed_compare(n: int) -> float:
    """Compare a catalog of ``n`` records with its page, 1% of it changed; the best of
    five runs in seconds, after checking that the report finds exactly the changes."""
    old = _synthetic(n)
    cat = catalog(*(_fast_record(f"r{i:06d}", x) for i, x in enumerate(old)))
    new = list(old)
    for i in range(0, n, 100):  # 1% changed: a third renamed, a third edited, a third new phone
        if i % 300 == 0:
            new[i] = new[i].model_copy(update={"name": f"Renamed resource {i:06d}"})
        elif i % 300 == 100:
            new[i] = new[i].model_copy(update={"description": new[i].description + " Updated."})
        else:
            new[i] = new[i].model_copy(update={"phones": [Phone(number="+16175550199")]})
    best = float("inf")
    gc.collect()
    gc.disable()  # a collection landing in one run but not another is noise, not shape
    try:
        for _ in range(5):
            start = time.thread_time()
            report = compare(cat, new)
            best = min(best, time.thread_time() - start)
    finally:
        gc.enable()
    assert len(report.renamed) == len(range(0, n, 300))
    assert (report.added, report.removed) == ((), ())
    assert len(report.changed) == n // 100 - len(report.renamed)
    return best


@pytest.mark.untraced
def test_large_catalog_is_near_linear() -> None:
    # Growth between two sizes shows the shape: four times the records costs about four
    # times the time when compare is linear, sixteen times when it is quadratic. The
    # benchmark (``nox -s bench``) times the 100,000-record size itself.
    small, large = _timed_compare(4_000), _timed_compare(16_000)
    assert large < 8 * small, f"4k: {small:.3f}s, 16k: {large:.3f}s"
    assert large < 4.0, f"compare of 16,000 records took {large:.1f}s"


def test_leftovers_of_a_large_catalog_pair_by_shared_words_as_all_pairs_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Past a size, listings left unpaired are matched through an index of their words
    # instead of scoring every pair; on a catalog both ways can score, they must agree.
    topics = ("sleep", "stress", "grief", "money")
    old = [
        listing(f"Peer group on {t}", f"Students trained in listening meet weekly about {t}.", "S")
        for t in topics
    ]
    cat = catalog(*(record(f"peer-{t}", x) for t, x in zip(topics, old, strict=True)))
    new = [x.model_copy(update={"name": x.name.replace("Peer group", "Peer circle")}) for x in old]
    scored_all = compare(cat, new)
    monkeypatch.setattr(_match, "_GROUP_PAIR_LIMIT", 0)
    indexed = compare(cat, new)
    assert [r.id for r in indexed.renamed] == [f"peer-{t}" for t in sorted(topics)]
    assert indexed.renamed == scored_all.renamed
    assert (indexed.added, indexed.removed) == ((), ())
