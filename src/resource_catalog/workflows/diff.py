"""The workflows a maintainer or a nightly job runs, one library call each.

* :func:`diff_catalog`: read the sources' pages (live, from files or from the saved
  snapshots) and compare each with the catalog: a :class:`CatalogDrift`.
* :func:`check_catalog`: validate, then diff against the snapshots (or live).
* :func:`resource_catalog.workflows.sync.sync_catalog` and ``migrate_catalog`` (the workflows
  that write) read their pages the same way, through :mod:`resource_catalog.workflows._pages`.

The command line only parses options, calls one of these and renders the result.
Every source is read and checked even when another fails; a source that cannot be
read or recognised is reported (an error, exit 2), never as "N removed".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from resource_catalog._base.atomic import read_regular
from resource_catalog.checks.stream import ResourceStream, open_stream
from resource_catalog.checks.validate import ValidationResult, validate_catalog
from resource_catalog.drift.compare import CatalogDrift, SourceDrift, compare
from resource_catalog.drift.streamed import compare_records
from resource_catalog.errors import (
    CatalogError,
    ProfileMismatchError,
    ResourceCatalogError,
)
from resource_catalog.models import Listing, SourcePage, Status
from resource_catalog.pages.read import (
    ScrapedPage,
    read_page,
)
from resource_catalog.profile import Profile
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.files import snapshot_path, snapshot_problem
from resource_catalog.workflows._pages import (
    Progress,
    campus_of,
    catalog_directory,
    error_message,
    page_sections,
    read_chosen,
)

if TYPE_CHECKING:
    import requests

__all__ = [
    "CheckResult",
    "DiffResult",
    "ScrapeResult",
    "check_catalog",
    "diff_catalog",
    "read_profile",
    "scrape_pages",
]

#: A page that takes more than this share of a source's records off it, among at least
#: :data:`MISMATCH_MIN_RECORDS`, is read as a profile that no longer matches the page.
MISMATCH_SHARE = 0.5
MISMATCH_MIN_RECORDS = 4


def _previous(catalog: Catalog, source: SourcePage, page: ScrapedPage) -> list[Listing] | None:
    """The listings of the saved snapshot, for order changes, when the page is not it."""
    if catalog.path is None or not source.snapshot:
        return None
    if snapshot_problem(catalog.path, source.snapshot) is not None:
        return None
    saved = snapshot_path(catalog.path, source.snapshot)
    if not saved.is_file():
        return None
    try:
        previous = read_page(saved, source=source, campus=campus_of(catalog))
    except (ResourceCatalogError, OSError):
        return None
    return None if previous.content == page.content else previous.listings


def _compare(
    catalog: Catalog,
    source: SourcePage,
    page: ScrapedPage,
    stream: ResourceStream | None = None,
) -> SourceDrift:
    """One source's drift: against ``catalog``'s records, or (with ``stream``) against
    the records read one at a time (``catalog`` then has the metadata and no record)."""
    if stream is None:
        report = compare(
            catalog,
            page.listings,
            source_id=source.id,
            source_url=page.origin,
            previous=_previous(catalog, source, page),
            page_sections=page_sections(source, page),
        )
        listed = sum(
            1
            for r in catalog.resources
            if r.status is Status.ACTIVE
            and (o := r.observation(source.id)) is not None
            and o.listed
        )
    else:
        report, listed = compare_records(
            catalog.meta,
            stream.__iter__,
            page.listings,
            source_id=source.id,
            source_url=page.origin,
            previous=_previous(catalog, source, page),
            page_sections=page_sections(source, page),
        )
    if listed >= MISMATCH_MIN_RECORDS and len(report.removed) > MISMATCH_SHARE * listed:
        found = len(page.listings)
        profile = source.profile
        lost = (
            f" (its content {', '.join(repr(c) for c in profile.content)} found nothing)"
            if profile is not None
            and profile.content
            and page.reading is not None
            and page.reading.content == "body"
            else ""
        )
        return SourceDrift(
            source.id,
            source.url,
            error=str(
                ProfileMismatchError(
                    f"page not recognised: the profile no longer matches the page{lost}: it "
                    f"read {found} listing(s), and {len(report.removed)} of the {listed} records "
                    f"{source.id} lists are not among them (check the page and its profile; "
                    "sync --force if the page really lost them)"
                )
            ),
        )
    return SourceDrift(source.id, source.url, report=report)


# --------------------------------------------------------------------------- scrape


def read_profile(path: str | os.PathLike[str]) -> Profile:
    """A profile from a JSON file; :class:`CatalogError` naming every problem when invalid
    (a selector soupsieve cannot parse among them, as ``validate`` reports it)."""
    try:
        raw = read_regular(path)
    except OSError as exc:
        raise CatalogError(f"cannot read the profile {path}: {exc.strerror or exc}") from exc
    try:
        profile = Profile.model_validate_json(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise CatalogError(f"{path} is not a valid profile: {problems}") from None
    from resource_catalog.pages.profiles import refuse_bad_selectors  # noqa: PLC0415 (soupsieve)

    refuse_bad_selectors(profile, f"the profile {path}")
    return profile


@dataclass(frozen=True)
class ScrapeResult:
    """Listings read from pages, in page order, with the id of the source each came from."""

    listings: tuple[Listing, ...]
    source_ids: tuple[str | None, ...]
    errors: Mapping[str, str] = field(default_factory=dict)
    moved: tuple[tuple[str, str], ...] = ()


def scrape_pages(
    path: str | os.PathLike[str] | None = None,
    *,
    sources: Sequence[str] | None = None,
    html: str | os.PathLike[str] | None = None,
    url: str | None = None,
    profile: Profile | None = None,
    offline: bool = False,
    jobs: int = 4,
    session_factory: Callable[[], requests.Session] | None = None,
    progress: Progress | None = None,
) -> ScrapeResult:
    """The listings of pages as parsed, without comparing them with anything.

    With ``path=None`` the one page given by ``html`` or ``url`` is read with ``profile``
    (default: the first page's rules). With a catalog, the chosen ``sources`` (default:
    all) are read through their own profiles: from ``html``/``url`` for one source, else
    their saved snapshots (``offline``), else fetched from their URLs. Sources that
    cannot be read are reported in ``errors``.
    """
    if path is None:
        if html is None and url is None:
            raise CatalogError("give a page to scrape: --html FILE or --url URL")
        if html is not None:
            loose = read_page(html, base_url=url, profile=profile)
        else:
            from resource_catalog.pages.read import scrape_page  # noqa: PLC0415

            loose = scrape_page(url or "", profile=profile)
        went = ((loose.fetched.url, loose.moved_to),) if loose.moved_to and loose.fetched else ()
        return ScrapeResult(tuple(loose.listings), (None,) * len(loose.listings), moved=went)
    from resource_catalog.store.files import read_meta  # noqa: PLC0415

    directory = Path(path)
    catalog = Catalog(meta=read_meta(directory), resources=(), path=directory)
    chosen, pages = read_chosen(
        catalog,
        sources,
        html=html,
        url=url,
        offline=offline,
        jobs=jobs,
        session_factory=session_factory,
        progress=progress,
    )
    listings: list[Listing] = []
    ids: list[str | None] = []
    errors: dict[str, str] = {}
    moved: list[tuple[str, str]] = []
    for source in chosen:
        page = pages[source.id]
        if not isinstance(page, ScrapedPage):
            errors[source.id] = error_message(page)
            continue
        if page.moved_to is not None and page.fetched is not None:
            moved.append((page.fetched.url, page.moved_to))
        listings += page.listings
        ids += [source.id] * len(page.listings)
    return ScrapeResult(tuple(listings), tuple(ids), errors, tuple(moved))


# --------------------------------------------------------------------------- diff / check


@dataclass(frozen=True)
class DiffResult:
    """A drift check: the drift of every source, and pages that moved (old -> new URL)."""

    drift: CatalogDrift
    moved: tuple[tuple[str, str], ...] = ()


def diff_catalog(
    path: str | os.PathLike[str] | Catalog | None = None,
    *,
    sources: Sequence[str] | None = None,
    html: str | os.PathLike[str] | None = None,
    url: str | None = None,
    offline: bool = False,
    jobs: int = 4,
    session_factory: Callable[[], requests.Session] | None = None,
    progress: Progress | None = None,
    max_page_bytes: int | None = None,
    validation_progress: Callable[[int, int], None] | None = None,
) -> DiffResult:
    """Compare the catalog with its sources' pages.

    ``path`` is a catalog directory or a loaded :class:`Catalog`. A directory is
    validated first (:class:`CatalogError` when invalid; ``validation_progress(done,
    total)`` as its files are checked) and its records are then read one at a time
    (:func:`~resource_catalog.checks.stream.open_stream`), never all held: only the few
    that matching needs beyond a listing of the same name stay in memory (the files'
    commit lock is held shared meanwhile: a save waits for the diff). Pages come
    from ``html`` (one source's saved page, at most ``max_page_bytes``: default 5 MB, as
    for a fetched page), ``url``, the saved snapshots (``offline``), or each source's
    own URL, fetched ``jobs`` at a time. A source that cannot be read, or whose profile
    no longer matches its page, is an error entry; the other sources are still compared.
    """

    def run(catalog: Catalog, stream: ResourceStream | None) -> DiffResult:
        return _diff(
            catalog,
            stream,
            sources,
            html=html,
            url=url,
            offline=offline,
            jobs=jobs,
            session_factory=session_factory,
            progress=progress,
            max_page_bytes=max_page_bytes,
        )

    if isinstance(path, Catalog):
        return run(path, None)
    directory = catalog_directory(path)
    with open_stream(directory, progress=validation_progress) as stream:
        return run(
            Catalog(meta=stream.meta, resources=(), path=directory, history=stream.history),
            stream,
        )


def _diff(
    catalog: Catalog,
    stream: ResourceStream | None,
    sources: Sequence[str] | None,
    *,
    html: str | os.PathLike[str] | None,
    url: str | None,
    offline: bool,
    jobs: int,
    session_factory: Callable[[], requests.Session] | None,
    progress: Progress | None,
    max_page_bytes: int | None,
) -> DiffResult:
    chosen, pages = read_chosen(
        catalog,
        sources,
        html=html,
        url=url,
        offline=offline,
        jobs=jobs,
        session_factory=session_factory,
        progress=progress,
        max_page_bytes=max_page_bytes,
    )
    results: list[SourceDrift] = []
    moved: list[tuple[str, str]] = []
    for source in chosen:
        page = pages[source.id]
        if isinstance(page, ScrapedPage):
            results.append(_compare(catalog, source, page, stream))
            if page.moved_to is not None and page.fetched is not None:
                moved.append((page.fetched.url, page.moved_to))
        else:
            results.append(SourceDrift(source.id, source.url, error=error_message(page)))
    return DiffResult(CatalogDrift(tuple(results)), tuple(moved))


@dataclass(frozen=True)
class CheckResult:
    """``validate`` then ``diff``: the validation, and the drift (``None`` when invalid)."""

    validation: ValidationResult
    diff: DiffResult | None


def check_catalog(
    path: str | os.PathLike[str] | None = None,
    *,
    sources: Sequence[str] | None = None,
    live: bool = False,
    url: str | None = None,
    jobs: int = 4,
    session_factory: Callable[[], requests.Session] | None = None,
    progress: Progress | None = None,
    validation_progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """Validate the catalog, then diff it with its saved snapshots (offline, the default),
    its live pages (``live``), or ``url`` (one source). No drift check when invalid."""
    validation = validate_catalog(catalog_directory(path), progress=validation_progress)
    if validation.errors:
        return CheckResult(validation, None)
    diff = diff_catalog(
        validation.catalog,
        sources=sources,
        url=url,
        offline=not live and url is None,
        jobs=jobs,
        session_factory=session_factory,
        progress=progress,
    )
    return CheckResult(validation, diff)
