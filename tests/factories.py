"""Listings, records and catalogs built directly, without the parser or files."""

from __future__ import annotations

from collections.abc import Sequence

from resource_catalog.models import (
    CatalogMeta,
    Link,
    Listing,
    Location,
    Observation,
    Phone,
    Resource,
    SourcePage,
)
from resource_catalog.store.catalog import Catalog

URL = "http://studentlife.mit.edu/citizenship/resources"
SOURCE_ID = "osc-campus-resources"
SUPPORT = "Support Resources"
PARTNERS = "Additional Institute Partners and Resources"


def listing(
    name: str,
    description: str,
    section: str = SUPPORT,
    *,
    phones: Sequence[str] = (),
    locations: Sequence[tuple[str, str | None]] = (),
    links: Sequence[str] = (),
) -> Listing:
    """A scraped listing built directly (no parser)."""
    return Listing(
        name=name,
        section=section,
        description=description,
        phones=[Phone(number=p) for p in phones],
        locations=[Location(building=b, room=r) for b, r in locations],
        links=[Link(url=u) for u in links],
    )


def observation(
    page: Listing, source_id: str = SOURCE_ID, url: str = URL, *, listed: bool = True
) -> Observation:
    """What the page ``source_id`` said: ``page`` as an observation."""
    return Observation.model_validate(
        {**page.model_dump(), "url": url, "source_id": source_id, "listed": listed}
    )


def record(rid: str, page: Listing, *, name: str | None = None, **curated: object) -> Resource:
    """A record the first page lists as ``page``; curated fields copy it unless overridden."""
    data: dict[str, object] = {
        "id": rid,
        "name": name or page.name or "Unnamed",
        "section": page.section,
        "description": page.description,
        "phones": page.phones,
        "locations": page.locations,
        "links": page.links,
        "sources": [observation(page)],
        **curated,
    }
    return Resource.model_validate(data)


def catalog(*records: Resource, sections: Sequence[str] = (SUPPORT, PARTNERS)) -> Catalog:
    """A catalog of ``records`` from the one campus page."""
    page = SourcePage(id=SOURCE_ID, url=URL, title="Campus Resources", sections=list(sections))
    return Catalog(meta=CatalogMeta(name="test", sources=[page]), resources=records)
