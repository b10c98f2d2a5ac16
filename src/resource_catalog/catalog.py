"""The catalog in memory (:class:`Catalog`) and on disk (load / save).

On disk a catalog is a directory::

    catalog.json              CatalogMeta: schema version, source pages
    resources/<id>.json       one Resource per file
    buildings.csv             the building registry
    snapshots/                the last source page seen

Writes are atomic per file (temp file + ``os.replace``) and a whole-catalog save
first writes every file to a temporary name, then renames them all, so a failure
before the renames leaves the old catalog untouched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from resource_catalog.models import CatalogMeta, Resource, Status


@dataclass(frozen=True)
class Catalog:
    """A loaded catalog: its metadata and resources, sorted by id."""

    meta: CatalogMeta
    resources: tuple[Resource, ...]
    path: Path | None = None
    _by_id: dict[str, Resource] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.resources, key=lambda r: r.id))
        object.__setattr__(self, "resources", ordered)
        object.__setattr__(self, "_by_id", {r.id: r for r in ordered})

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def __contains__(self, resource_id: object) -> bool:
        return resource_id in self._by_id

    def get(self, resource_id: str) -> Resource | None:
        """The resource with this id, or ``None``."""
        return self._by_id.get(resource_id)

    def __getitem__(self, resource_id: str) -> Resource:
        return self._by_id[resource_id]

    @property
    def active(self) -> tuple[Resource, ...]:
        """Resources still listed on their page (retired ones excluded)."""
        return tuple(r for r in self.resources if r.status is Status.ACTIVE)

    def replace(self, resources: Sequence[Resource]) -> Catalog:
        """A copy of this catalog with other resources."""
        return Catalog(meta=self.meta, resources=tuple(resources), path=self.path)
