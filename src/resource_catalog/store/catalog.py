"""The catalog in memory: :class:`Catalog`, its lookups, search and filters. No I/O.

Reading and writing a catalog directory is :mod:`resource_catalog.store.files`'s job;
:func:`resource_catalog.load_catalog` reads and validates one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from resource_catalog.contacts.fold import fold
from resource_catalog.models import CatalogMeta, Resource, Status
from resource_catalog.store.events import Change, Event, changes_in

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Catalog:
    """A loaded catalog: its metadata and resources, sorted by id.

    ``history`` holds the change events of ``history.jsonl`` (oldest first) when the
    catalog was read from a directory that has one.
    """

    meta: CatalogMeta
    resources: tuple[Resource, ...]
    path: Path | None = None
    history: tuple[Event, ...] = ()
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
        """Resources still listed on their pages (retired ones excluded)."""
        return tuple(r for r in self.resources if r.status is Status.ACTIVE)

    def from_source(self, source_id: str, *, listed_only: bool = False) -> tuple[Resource, ...]:
        """The resources the page ``source_id`` lists (or, by default, ever listed)."""
        return tuple(
            r
            for r in self.resources
            if any(o.source_id == source_id and (o.listed or not listed_only) for o in r.sources)
        )

    def search(self, text: str, *, include_retired: bool = False) -> list[Resource]:
        """Resources where every word of ``text`` begins a word of the record.

        The name, acronym, description and topics are searched, case-insensitively and
        by word ("dis" finds "disability"; "he" does not find "the"). Results are ranked
        by how many words hit the name or acronym, then by id.
        """
        words = _WORD.findall(text.casefold())
        pool = self.resources if include_retired else self.active
        hits: list[tuple[int, str, Resource]] = []
        for r in pool:
            title = _WORD.findall(f"{r.name} {r.acronym or ''}".casefold())
            body = _WORD.findall(f"{r.description} {' '.join(r.topics)}".casefold())
            in_title = [any(t.startswith(w) for t in title) for w in words]
            if all(
                hit or any(t.startswith(w) for t in body)
                for w, hit in zip(words, in_title, strict=True)
            ):
                hits.append((-sum(in_title), r.id, r))
        return [r for _, _, r in sorted(hits, key=lambda h: (h[0], h[1]))]

    def filter(
        self,
        *,
        section: str | None = None,
        topic: str | None = None,
        audience: str | None = None,
        source: str | None = None,
        include_retired: bool = False,
    ) -> list[Resource]:
        """Resources in a section, with a topic, for an audience, listed on a source.

        Every criterion given must hold. ``section`` is compared as a reader would
        (case, spacing and "&"/"and" aside); topics, audiences and source ids are slugs.
        """
        pool = self.resources if include_retired else self.active
        wanted = fold(section) if section is not None else None
        return [
            r
            for r in pool
            if (wanted is None or fold(r.section) == wanted)
            and (topic is None or topic in r.topics)
            and (audience is None or audience in r.audience)
            and (source is None or source in r.listed_on)
        ]

    def changes(self, since: dt.date | dt.datetime | None = None) -> list[Change]:
        """The records created, updated or retired since ``since`` (from ``history.jsonl``).

        One :class:`~resource_catalog.store.events.Change` per record, newest state first
        reported by its last event; ``since=None`` gives every change recorded.
        """
        return changes_in(self.history, self.get, since)

    def with_meta(self, meta: CatalogMeta) -> Catalog:
        """A copy of this catalog with other metadata."""
        return Catalog(meta=meta, resources=self.resources, path=self.path, history=self.history)

    def replace(self, resources: Sequence[Resource]) -> Catalog:
        """A copy of this catalog with other resources."""
        return Catalog(
            meta=self.meta, resources=tuple(resources), path=self.path, history=self.history
        )
