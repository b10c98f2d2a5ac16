"""resource_catalog: a typed catalog of campus support resources.

>>> import resource_catalog as rc
>>> catalog = rc.load_catalog()            # the bundled catalog, validated
>>> s3 = catalog["student-support-services"]
>>> s3.phones[0].number
'+16172534861'

Importing this package is cheap: only ``__version__`` and the exceptions load at
once. Every other public name loads its module on first use (PEP 562), so a tool
that imports the package, or ``resource-catalog --help``, does not pay for pydantic
models, phonenumbers, requests or bs4 it never uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from resource_catalog._version import __version__
from resource_catalog.errors import (
    CatalogError,
    CatalogLockedError,
    ExportError,
    FetchError,
    InvalidLocationError,
    InvalidPhoneError,
    ParseError,
    ProfileMismatchError,
    ResourceCatalogError,
    ReviewError,
    SchemaError,
    SyncError,
)

if TYPE_CHECKING:
    from resource_catalog.checks.stream import iter_resources
    from resource_catalog.checks.validate import ValidationResult, load_catalog, validate_catalog
    from resource_catalog.contacts.locations import (
        BuildingRegistry,
        find_locations,
        load_buildings,
        parse_location,
    )
    from resource_catalog.contacts.phones import find_phones, parse_phone, validate_phone_number
    from resource_catalog.drift.compare import CatalogDrift, DriftReport, DriftSeverity, compare
    from resource_catalog.drift.plan import SyncPlan, apply_plan, plan_sync
    from resource_catalog.exports.writers import to_csv, to_datapackage, to_hsds, to_json, to_jsonl
    from resource_catalog.links.types import LinkReport
    from resource_catalog.models import (
        Acceptance,
        CatalogMeta,
        Confidentiality,
        Conflict,
        Finding,
        Link,
        Listing,
        Location,
        Observation,
        Phone,
        PhoneKind,
        Resource,
        Review,
        Severity,
        Source,
        SourcePage,
        Status,
    )
    from resource_catalog.pages.fetch import FetchResult, fetch_page
    from resource_catalog.pages.infer import Inference, infer_profile
    from resource_catalog.pages.parse import parse_page
    from resource_catalog.profile import DialPlan, Profile
    from resource_catalog.store.catalog import Catalog
    from resource_catalog.store.events import Change, Event
    from resource_catalog.store.files import save_catalog
    from resource_catalog.store.history import changes_catalog, history_events
    from resource_catalog.workflows.diff import check_catalog, diff_catalog, scrape_pages
    from resource_catalog.workflows.links import check_links
    from resource_catalog.workflows.review import (
        QueueItem,
        ResolveResult,
        ReviewResult,
        mark_reviewed,
        resolve_conflict,
        review_item,
        review_queue,
    )
    from resource_catalog.workflows.source_removal import RemoveResult, remove_source
    from resource_catalog.workflows.sources import AddResult, add_source, test_source
    from resource_catalog.workflows.sync import migrate_catalog, sync_catalog

# Public name -> the module that defines it; loaded on first attribute access.
_LAZY = {
    name: f"resource_catalog.{module}"
    for module, names in {
        "store.catalog": ("Catalog",),
        "drift.compare": ("CatalogDrift", "DriftReport", "DriftSeverity", "compare"),
        "exports.writers": ("to_csv", "to_datapackage", "to_hsds", "to_json", "to_jsonl"),
        "store.events": ("Change", "Event"),
        "store.history": ("changes_catalog", "history_events"),
        "contacts.locations": (
            "BuildingRegistry",
            "find_locations",
            "load_buildings",
            "parse_location",
        ),
        "links.types": ("LinkReport",),
        "workflows.links": ("check_links",),
        "models": (
            "Acceptance",
            "CatalogMeta",
            "Confidentiality",
            "Conflict",
            "Finding",
            "Link",
            "Listing",
            "Location",
            "Observation",
            "Phone",
            "PhoneKind",
            "Resource",
            "Review",
            "Severity",
            "Source",
            "SourcePage",
            "Status",
        ),
        "pages.fetch": ("FetchResult", "fetch_page"),
        "pages.infer": ("Inference", "infer_profile"),
        "pages.parse": ("parse_page",),
        "contacts.phones": ("find_phones", "parse_phone", "validate_phone_number"),
        "profile": ("DialPlan", "Profile"),
        "workflows.review": (
            "QueueItem",
            "ResolveResult",
            "ReviewResult",
            "mark_reviewed",
            "resolve_conflict",
            "review_item",
            "review_queue",
        ),
        "workflows.sources": ("AddResult", "add_source", "test_source"),
        "store.files": ("save_catalog",),
        "drift.plan": ("SyncPlan", "apply_plan", "plan_sync"),
        "checks.validate": ("ValidationResult", "load_catalog", "validate_catalog"),
        "checks.stream": ("iter_resources",),
        "workflows.sync": ("migrate_catalog", "sync_catalog"),
        "workflows.diff": ("check_catalog", "diff_catalog", "scrape_pages"),
        "workflows.source_removal": ("RemoveResult", "remove_source"),
    }.items()
    for name in names
}


if not TYPE_CHECKING:  # mypy sees the imports above, so it still rejects a misspelt name

    def __getattr__(name: str) -> Any:
        """Load a public name's module on first use, then keep the name here."""
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'resource_catalog' has no attribute {name!r}")
        import importlib  # noqa: PLC0415

        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    """The public names, loaded or not."""
    return sorted({*globals(), *__all__})


__all__ = [
    "Acceptance",
    "AddResult",
    "BuildingRegistry",
    "Catalog",
    "CatalogDrift",
    "CatalogError",
    "CatalogLockedError",
    "CatalogMeta",
    "Change",
    "Confidentiality",
    "Conflict",
    "DialPlan",
    "DriftReport",
    "DriftSeverity",
    "Event",
    "ExportError",
    "FetchError",
    "FetchResult",
    "Finding",
    "Inference",
    "InvalidLocationError",
    "InvalidPhoneError",
    "Link",
    "LinkReport",
    "Listing",
    "Location",
    "Observation",
    "ParseError",
    "Phone",
    "PhoneKind",
    "Profile",
    "ProfileMismatchError",
    "QueueItem",
    "RemoveResult",
    "ResolveResult",
    "Resource",
    "ResourceCatalogError",
    "Review",
    "ReviewError",
    "ReviewResult",
    "SchemaError",
    "Severity",
    "Source",
    "SourcePage",
    "Status",
    "SyncError",
    "SyncPlan",
    "ValidationResult",
    "__version__",
    "add_source",
    "apply_plan",
    "changes_catalog",
    "check_catalog",
    "check_links",
    "compare",
    "diff_catalog",
    "fetch_page",
    "find_locations",
    "find_phones",
    "history_events",
    "infer_profile",
    "iter_resources",
    "load_buildings",
    "load_catalog",
    "mark_reviewed",
    "migrate_catalog",
    "parse_location",
    "parse_page",
    "parse_phone",
    "plan_sync",
    "remove_source",
    "resolve_conflict",
    "review_item",
    "review_queue",
    "save_catalog",
    "scrape_pages",
    "sync_catalog",
    "test_source",
    "to_csv",
    "to_datapackage",
    "to_hsds",
    "to_json",
    "to_jsonl",
    "validate_catalog",
    "validate_phone_number",
]
