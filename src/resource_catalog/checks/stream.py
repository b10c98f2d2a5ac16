"""A valid catalog's records one at a time: :func:`iter_resources`, :func:`open_stream`.

For catalogs too large to hold (an Open Referral directory of 10^5 services): the
whole catalog is first checked as :func:`~resource_catalog.checks.validate.load_catalog`
checks it, keeping no record and no warning (only "is it valid?" matters here, and a
large catalog can have 10^5 warnings), and an invalid one raises :class:`CatalogError`
with every error before any record is given. The records are then read again from the
same consistent view of the files, one file at a time, in id order, so only one record
is in memory at once. The exports stream through :func:`open_stream`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from resource_catalog._base.paths import default_catalog_dir
from resource_catalog.checks._finding import Findings
from resource_catalog.checks._record_files import load_resource, v1_upgrader
from resource_catalog.checks.validate import raise_errors, validate_files
from resource_catalog.errors import CatalogError
from resource_catalog.models import CatalogMeta, Resource
from resource_catalog.store.events import Event
from resource_catalog.store.files import RESOURCES_DIR, open_files
from resource_catalog.store.migrate import V1

__all__ = ["ResourceStream", "iter_resources", "open_stream"]


@dataclass(frozen=True)
class ResourceStream:
    """A checked catalog whose records are read from its files each time it is iterated.

    Every iteration yields every record (active and retired), sorted by id, ids unique:
    what a :class:`~resource_catalog.store.catalog.Catalog` holds, without holding it.
    ``meta``, ``path`` and ``history`` are the catalog's, as on a ``Catalog``. Only
    iterable inside the :func:`open_stream` block that made it.
    """

    meta: CatalogMeta
    path: Path
    history: tuple[Event, ...]
    _read: Callable[[], Iterator[Resource]] = field(repr=False)

    def __iter__(self) -> Iterator[Resource]:
        return self._read()


@contextmanager
def open_stream(
    path: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[ResourceStream]:
    """Check the catalog at ``path`` (default as :func:`load_catalog`), then give its
    records as a :class:`ResourceStream` while the ``with`` block runs.

    Raises :class:`CatalogError` when the catalog cannot be read or is invalid.
    ``progress(done, total)`` is called as the files are checked. The commit lock is
    held shared for the whole block: a save waits for it, and the records read are the
    ones that were checked.
    """
    directory = Path(path) if path is not None else default_catalog_dir()
    with open_files(directory, progress=progress) as files:
        result = validate_files(directory, files, keep=False, warnings=False)
        raise_errors(result)
        meta_raw = files.meta if isinstance(files.meta, bytes) else b""  # read, or raised
        upgrade = v1_upgrader(meta_raw) if result.schema_version == V1 else None
        # File names sort "a-b.json" before "a.json"; ids sort "a" first.
        order = sorted(files.names, key=lambda name: name.removesuffix(".json"))

        def read() -> Iterator[Resource]:
            for name, raw in files.each_resource(order):
                lost = Findings()
                resource = load_resource(raw, f"{RESOURCES_DIR}/{name}", lost, upgrade)
                if resource is None:  # checked a moment ago under the same lock
                    raise CatalogError(f"{directory / RESOURCES_DIR / name} changed while read")
                yield resource

        catalog = result.catalog
        yield ResourceStream(meta=catalog.meta, path=directory, history=catalog.history, _read=read)


def iter_resources(path: str | os.PathLike[str] | None = None) -> Iterator[Resource]:
    """Yield a catalog's records one at a time, sorted by id, each a validated
    :class:`~resource_catalog.models.Resource` (retired ones included).

    ``path`` defaults as for :func:`~resource_catalog.checks.validate.load_catalog`.
    The whole catalog is checked before the first record is yielded: a catalog that
    is missing, unreadable or invalid raises :class:`CatalogError` (``err.findings``
    holds every error; warnings are not kept) on the first ``next()``, and memory
    stays that of one record whatever the catalog's size. The catalog's commit lock is
    held shared until the iteration ends or the generator is closed, so a save waits.
    """
    with open_stream(path) as stream:
        yield from stream
