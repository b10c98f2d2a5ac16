"""The pages a workflow reads: which sources, and each one's page, read once.

Every workflow that compares or syncs starts the same way: choose the sources a command
names (all by default), then read each one's page from a given file, a URL, the saved
snapshots or the live site (:func:`read_chosen`). The sections a page has and the
message of a source that could not be read are worked out here too, once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from resource_catalog._base.display import quoted
from resource_catalog._base.paths import default_catalog_dir
from resource_catalog.contacts.dialplans import resolve_campus
from resource_catalog.contacts.fold import fold, normalize_text
from resource_catalog.errors import CatalogError, ResourceCatalogError
from resource_catalog.models import SourcePage
from resource_catalog.pages.read import ScrapedPage, read_source, read_sources, unexpected_error
from resource_catalog.profile import DialPlan, SectionFrom
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.files import SNAPSHOTS_DIR

if TYPE_CHECKING:
    import requests

__all__ = [
    "PageResult",
    "Progress",
    "campus_of",
    "catalog_directory",
    "error_message",
    "page_sections",
    "read_chosen",
    "read_pages",
    "select_sources",
]

PageResult = ScrapedPage | ResourceCatalogError | OSError
Progress = Callable[[SourcePage, PageResult], None]


def catalog_directory(path: str | os.PathLike[str] | None) -> Path:
    return Path(path) if path is not None else default_catalog_dir()


def select_sources(
    catalog: Catalog,
    ids: Sequence[str] | None = None,
    *,
    html: str | os.PathLike[str] | None = None,
    url: str | None = None,
) -> list[SourcePage]:
    """The sources a command works on: ``ids`` (default: all), checked.

    ``html`` (a saved page) and ``url`` (a page to fetch) stand for one source's page,
    so with several sources they need exactly one id. Raises :class:`CatalogError`
    naming the catalog's ids.
    """
    known = ", ".join(s.id for s in catalog.meta.sources)
    chosen: list[SourcePage] = []
    for sid in dict.fromkeys(ids or ()):
        try:
            chosen.append(catalog.meta.source(sid))
        except KeyError:
            raise CatalogError(
                f"no source {quoted(sid)} in this catalog (its sources: {known})"
            ) from None
    if not chosen:
        chosen = list(catalog.meta.sources)
    if (html is not None or url is not None) and len(chosen) != 1:
        what = "--html FILE" if html is not None else "--url URL"
        raise CatalogError(
            f"{what} is one source's page: pass --source ID (this catalog's sources: {known})"
        )
    return chosen


def campus_of(catalog: Catalog) -> DialPlan | None:
    """The dial plan of the catalog's campus; :class:`CatalogError` for an unknown name."""
    try:
        return resolve_campus(catalog.meta.campus)
    except ValueError as exc:
        raise CatalogError(f"catalog.json: {exc}") from None


def reads_heading_sections(source: SourcePage) -> bool:
    return source.profile is None or source.profile.section.source is SectionFrom.HEADING


def page_sections(source: SourcePage, page: ScrapedPage) -> list[str] | None:
    """The sections a page has, for a source whose sections are headings (else ``None``).

    The headings found, after the sections of listings no heading names (a listing above
    the first heading gets the source's default section): every section a record of
    the page is in, so a sync never leaves a record in a section catalog.json lacks.
    """
    if not reads_heading_sections(source):
        return None
    known = {fold(h) for h in page.sections}
    unnamed: dict[str, str] = {}
    for listing in page.listings:
        if fold(listing.section) not in known:
            unnamed.setdefault(fold(listing.section), normalize_text(listing.section))
    return [*unnamed.values(), *page.sections]


def read_pages(
    catalog: Catalog,
    sources: Sequence[SourcePage],
    *,
    html: str | os.PathLike[str] | None,
    url: str | None,
    offline: bool,
    jobs: int,
    session_factory: Callable[[], requests.Session] | None,
    progress: Progress | None,
    max_page_bytes: int | None = None,
) -> dict[str, PageResult]:
    snapshots = catalog.path / SNAPSHOTS_DIR if catalog.path is not None else None
    campus = campus_of(catalog)
    if html is not None or url is not None:
        (source,) = sources
        try:
            if html is not None:
                page: PageResult = read_source(
                    source,
                    snapshots,
                    html_file=html,
                    url=url,
                    campus=campus,
                    max_bytes=max_page_bytes,
                )
            else:
                from resource_catalog.pages.fetch import make_session  # noqa: PLC0415

                with session_factory() if session_factory else make_session() as session:
                    page = read_source(source, snapshots, url=url, session=session, campus=campus)
        except (ResourceCatalogError, OSError) as exc:
            page = exc
        except Exception as exc:  # noqa: BLE001 (reported as the source's error, as in the pool)
            page = unexpected_error(exc)
        if progress is not None:
            progress(source, page)
        return {source.id: page}
    return read_sources(
        sources,
        snapshots,
        offline=offline,
        jobs=jobs,
        session_factory=session_factory,
        progress=progress,
        campus=campus,
    )


def read_chosen(
    catalog: Catalog,
    ids: Sequence[str] | None,
    *,
    html: str | os.PathLike[str] | None = None,
    url: str | None = None,
    offline: bool = False,
    jobs: int = 4,
    session_factory: Callable[[], requests.Session] | None = None,
    progress: Progress | None = None,
    max_page_bytes: int | None = None,
) -> tuple[list[SourcePage], dict[str, PageResult]]:
    """The sources ``ids`` names (:func:`select_sources`) and each one's page
    (:func:`read_pages`): what every workflow that reads pages starts with.
    ``max_page_bytes`` is the largest ``html`` file read (default: 5 MB, as a fetch)."""
    chosen = select_sources(catalog, ids, html=html, url=url)
    pages = read_pages(
        catalog,
        chosen,
        html=html,
        url=url,
        offline=offline,
        jobs=jobs,
        session_factory=session_factory,
        progress=progress,
        max_page_bytes=max_page_bytes,
    )
    return chosen, pages


def error_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, ResourceCatalogError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return str(exc)
