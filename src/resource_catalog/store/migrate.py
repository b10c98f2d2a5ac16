"""Read older catalog formats: schema 1.0 -> 2.0, as pure functions on JSON data.

Schema 1.0 followed one page: ``catalog.json`` had ``sources`` without ids, and each
record kept what the page said in ``source``. In 2.0 every source has an ``id`` and a
record keeps a list of observations, ``sources``, one per page. The upgrade:

* each source gets an id: the slug of its title (made unique by a number), and the
  catalog the campus ``"mit"`` (1.0 read every page with MIT's dial plan);
* a record's ``source`` becomes ``sources: [{...source, "source_id": ..., "listed": ...}]``,
  the id chosen by the page's URL (the first source when no URL matches), ``listed``
  false for a retired record (in 1.0 only a sync retired records: the page had
  dropped them);
* the review state gains the 2.0 fields with their defaults.

Loading a 1.0 catalog upgrades it in memory (with a hint to migrate);
``resource-catalog migrate`` (:func:`resource_catalog.workflows.sync.migrate_catalog`)
rewrites it on disk, atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resource_catalog.contacts.fold import slugify

__all__ = ["V1", "source_ids_by_url", "upgrade_meta", "upgrade_resource"]

V1 = "1.0"


def _url_key(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/").lower()


def upgrade_meta(data: Mapping[str, Any]) -> dict[str, Any]:
    """A 1.0 ``catalog.json`` (as JSON data) in the 2.0 form; unknown shapes pass through.

    The result still goes through :class:`~resource_catalog.models.CatalogMeta`
    validation, which reports whatever was wrong in the old file.
    """
    upgraded = dict(data)
    upgraded["schema_version"] = "2.0"
    upgraded.setdefault("campus", "mit")  # 1.0 read every page with MIT's dial plan
    sources = data.get("sources")
    if isinstance(sources, list):
        taken: set[str] = set()
        new_sources = []
        for page in sources:
            if isinstance(page, dict) and "id" not in page:
                base = slugify(str(page.get("title") or page.get("url") or "source"))
                sid, n = base, 2
                while sid in taken:
                    sid, n = f"{base}-{n}", n + 1
                taken.add(sid)
                new_sources.append({"id": sid, **page})
            else:
                new_sources.append(page)
        upgraded["sources"] = new_sources
    return upgraded


def source_ids_by_url(meta: Mapping[str, Any]) -> dict[str, str]:
    """URL key -> source id of an upgraded ``catalog.json`` (first source first)."""
    ids: dict[str, str] = {}
    for page in meta.get("sources") or ():
        if isinstance(page, dict) and isinstance(page.get("url"), str):
            ids.setdefault(_url_key(page["url"]), str(page.get("id")))
    return ids


def upgrade_resource(data: Any, ids_by_url: Mapping[str, str], default_id: str) -> Any:
    """A 1.0 resource record (JSON data) in the 2.0 form; other values pass through."""
    if not isinstance(data, dict) or "source" not in data or "sources" in data:
        return data
    upgraded = {k: v for k, v in data.items() if k != "source"}
    source = data["source"]
    if isinstance(source, dict):
        url = source.get("url")
        sid = ids_by_url.get(_url_key(url), default_id) if isinstance(url, str) else default_id
        listed = data.get("status", "active") != "retired"
        upgraded["sources"] = [{**source, "source_id": sid, "listed": listed}]
    else:
        upgraded["sources"] = source  # let validation say what is wrong with it
    review = upgraded.pop("review", None)
    # Keep the field order of the 2.0 model: sources, then review.
    if review is not None:
        upgraded["review"] = review
    return upgraded
