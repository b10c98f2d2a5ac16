"""The catalog's sources as maintainers see them: a summary row each.

Onboarding a new page (``sources add``, profile inference) builds on this module.
"""

from __future__ import annotations

from typing import Any

from resource_catalog.catalog import Catalog
from resource_catalog.models import SourcePage, Status

__all__ = ["source_row", "source_rows"]


def source_row(catalog: Catalog, source: SourcePage) -> dict[str, Any]:
    """``{"id", "url", "title", "snapshot", "resources", "last_sync"}`` for one source.

    ``resources`` counts the active records the page lists now.
    """
    listed = sum(
        1
        for r in catalog.resources
        if r.status is Status.ACTIVE and (o := r.observation(source.id)) is not None and o.listed
    )
    return {
        "id": source.id,
        "url": source.url,
        "title": source.title,
        "snapshot": source.snapshot,
        "resources": listed,
        "last_sync": source.last_sync.isoformat().replace("+00:00", "Z")
        if source.last_sync
        else None,
    }


def source_rows(catalog: Catalog) -> list[dict[str, Any]]:
    """A row per source, in ``catalog.json`` order."""
    return [source_row(catalog, s) for s in catalog.meta.sources]
