"""The workflows a maintainer or a nightly job runs, one library call each.

* :func:`diff_catalog`: read the sources' pages (live, from files or from the saved
  snapshots) and compare each with the catalog: a :class:`CatalogDrift`.
* :func:`check_catalog`: validate, then diff against the snapshots (or live).
* :func:`resource_catalog.workflows.sync.sync_catalog` and ``migrate_catalog`` (the workflows
  that write) build on the reading helpers here.

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

from resource_catalog._atomic import read_regular
from resource_catalog._display import quoted
from resource_catalog._paths import default_catalog_dir
from resource_catalog.checks.validate import ValidationResult, validate_catalog
from resource_catalog.contacts.dialplans import resolve_campus
from resource_catalog.contacts.fold import fold, normalize_text
from resource_catalog.drift.compare import CatalogDrift, SourceDrift, compare
from resource_catalog.errors import (
    CatalogError,
    ProfileMismatchError,
    ResourceCatalogError,
)
from resource_catalog.models import Listing, SourcePage, Status
from resource_catalog.pages.read import (
    ScrapedPage,
    read_page,
    read_source,
    read_sources,
    unexpected_error,
)
from resource_catalog.profile import DialPlan, Profile, SectionFrom
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.files import SNAPSHOTS_DIR, snapshot_path, snapshot_problem

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
    "select_sources",
]

#: A page that takes more than this share of a source's records off it, among at least
#: :data:`MISMATCH_MIN_RECORDS`, is read as a profile that no longer matches the page.
MISMATCH_SHARE = 0.5
MISMATCH_MIN_RECORDS = 4

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
) -> dict[str, PageResult]:
    snapshots = catalog.path / SNAPSHOTS_DIR if catalog.path is not None else None
    campus = campus_of(catalog)
    if html is not None or url is not None:
        (source,) = sources
        try:
            if html is not None:
                page: PageResult = read_source(
                    source, snapshots, html_file=html, url=url, campus=campus
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


def _compare(catalog: Catalog, source: SourcePage, page: ScrapedPage) -> SourceDrift:
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
        if r.status is Status.ACTIVE and (o := r.observation(source.id)) is not None and o.listed
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
    chosen = select_sources(catalog, sources, html=html, url=url)
    pages = read_pages(
        catalog,
        chosen,
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
) -> DiffResult:
    """Compare the catalog with its sources' pages.

    ``path`` is a catalog directory (loaded and validated) or a loaded :class:`Catalog`.
    Pages come from ``html`` (one source's saved page), ``url``, the saved snapshots
    (``offline``), or each source's own URL, fetched ``jobs`` at a time. A source that
    cannot be read, or whose profile no longer matches its page, is an error entry;
    the other sources are still compared.
    """
    from resource_catalog.checks.validate import load_catalog  # noqa: PLC0415

    catalog = path if isinstance(path, Catalog) else load_catalog(catalog_directory(path))
    chosen = select_sources(catalog, sources, html=html, url=url)
    pages = read_pages(
        catalog,
        chosen,
        html=html,
        url=url,
        offline=offline,
        jobs=jobs,
        session_factory=session_factory,
        progress=progress,
    )
    results: list[SourceDrift] = []
    moved: list[tuple[str, str]] = []
    for source in chosen:
        page = pages[source.id]
        if isinstance(page, ScrapedPage):
            results.append(_compare(catalog, source, page))
            if page.moved_to is not None and page.fetched is not None:
                moved.append((page.fetched.url, page.moved_to))
        else:
            results.append(SourceDrift(source.id, source.url, error=error_message(page)))
    return DiffResult(CatalogDrift(tuple(results)), tuple(moved))


def error_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, ResourceCatalogError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return str(exc)


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
