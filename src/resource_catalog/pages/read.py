"""Get the listings of source pages: from saved files or over HTTP, several at a time.

This composes :mod:`resource_catalog.pages.fetch` and :mod:`resource_catalog.pages.parse`
(imported when first needed, so importing this module stays cheap) and is what the
``scrape``, ``diff``, ``sync`` and ``check`` workflows call. :func:`read_sources`
reads many sources concurrently: at most ``jobs`` at once and one per host at a time,
each fetch keeping its own retries, deadline and size limit.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from resource_catalog._base.paths import saved_file_problem
from resource_catalog.errors import CatalogError, FetchError, ResourceCatalogError
from resource_catalog.models import Listing, SourcePage
from resource_catalog.pages.fetching.local import MAX_PAGE_BYTES
from resource_catalog.profile import DialPlan, Profile, SectionFrom

if TYPE_CHECKING:
    import requests

    from resource_catalog.pages.fetch import FetchResult
    from resource_catalog.pages.parse import Reading

__all__ = [
    "JOB_SECONDS",
    "ScrapedPage",
    "read_page",
    "read_source",
    "read_sources",
    "scrape_page",
    "unexpected_error",
]


class _Default:
    """The campus of a page read on its own: MIT's, as it always was."""


_DEFAULT = _Default()

#: A bound over reading one source: fetching and parsing together.
JOB_SECONDS = 90.0
#: Parsing gets at least this long, however long the fetch took.
_MIN_PARSE_SECONDS = 10.0


@dataclass(frozen=True)
class ScrapedPage:
    """The listings of one page and where they came from.

    ``origin`` names what was read (a URL after redirects, or a file path);
    ``content`` is the page's raw bytes, for saving a snapshot byte for byte;
    ``fetched`` is the HTTP result when the page was fetched. ``not_modified`` is
    true when the server answered 304 and the saved snapshot was parsed instead.
    ``reading`` says what the profile matched (sections found, the page's title).
    """

    listings: list[Listing]
    origin: str
    content: bytes = field(repr=False)
    fetched: FetchResult | None = None
    not_modified: bool = False
    reading: Reading | None = field(default=None, repr=False, compare=False)
    source_id: str | None = None

    @property
    def moved_to(self) -> str | None:
        """The new URL when a redirect took the request to another host or path."""
        if self.fetched is not None and self.fetched.moved:
            return self.fetched.final_url
        return None

    @property
    def sections(self) -> tuple[str, ...]:
        """The section headings found on the page."""
        return self.reading.sections if self.reading is not None else ()


def _parse(
    html: str,
    source: SourcePage | None,
    base_url: str | None,
    seconds: float | None,
    profile: Profile | None = None,
    campus: DialPlan | _Default | None = _DEFAULT,
) -> Reading:
    from resource_catalog.contacts.dialplans import MIT_DIAL_PLAN  # noqa: PLC0415
    from resource_catalog.pages.parse import read_listings  # noqa: PLC0415
    from resource_catalog.pages.profiles import refuse_bad_selectors  # noqa: PLC0415

    plan = MIT_DIAL_PLAN if isinstance(campus, _Default) else campus
    chosen = source.profile if source is not None else profile
    if chosen is not None:
        whose = f"the profile of {source.id}" if source is not None else "the profile"
        refuse_bad_selectors(chosen, whose)
    if source is None:
        return read_listings(html, profile=profile, base_url=base_url, seconds=seconds, campus=plan)
    profile = source.profile
    heading_sections = profile is None or profile.section.source is SectionFrom.HEADING
    return read_listings(
        html,
        profile=profile,
        base_url=base_url or source.url,
        known_sections=source.sections if heading_sections and source.sections else None,
        default_section=source.title,
        seconds=seconds,
        campus=plan,
    )


def read_page(
    path: str | os.PathLike[str],
    *,
    source: SourcePage | None = None,
    base_url: str | None = None,
    profile: Profile | None = None,
    seconds: float | None = JOB_SECONDS,
    campus: DialPlan | _Default | None = _DEFAULT,
    max_bytes: int = MAX_PAGE_BYTES,
) -> ScrapedPage:
    """Parse a saved HTML file (its encoding detected as for a fetched page).

    ``source`` gives the profile, the known sections and the base URL (``base_url``
    wins); without it ``profile`` (default: the first page's rules) reads the page.
    ``campus`` is the catalog's campus (default: MIT's dial plan). Raises
    :class:`~resource_catalog.errors.ParseError` when it is not the resource page or
    is larger than ``max_bytes`` (default: the 5 MB a fetched page may have), and
    :class:`OSError` when it cannot be read.
    """
    from resource_catalog.pages.fetching.encoding import decode_html  # noqa: PLC0415 (no requests)
    from resource_catalog.pages.fetching.local import read_page_file  # noqa: PLC0415

    content = read_page_file(path, max_bytes)
    reading = _parse(decode_html(content), source, base_url, seconds, profile, campus)
    return ScrapedPage(
        listings=reading.listings,
        origin=str(path),
        content=content,
        reading=reading,
        source_id=source.id if source else None,
    )


def scrape_page(
    url: str,
    *,
    source: SourcePage | None = None,
    profile: Profile | None = None,
    snapshot: str | os.PathLike[str] | None = None,
    session: requests.Session | None = None,
    seconds: float = JOB_SECONDS,
    campus: DialPlan | _Default | None = _DEFAULT,
) -> ScrapedPage:
    """Fetch and parse the page at ``url`` within ``seconds`` for both.

    When ``source`` is the source at ``url`` and has ETag/Last-Modified from its last
    sync, the request is conditional; a 304 answer parses ``snapshot`` (the page as last
    saved) instead, and a 304 without a snapshot is a :class:`FetchError`.
    """
    from resource_catalog.pages.fetch import DEADLINE, fetch_page  # noqa: PLC0415

    started = time.monotonic()
    own = source is not None and source.url == url
    etag = source.etag if own and source else None
    modified = source.last_modified if own and source else None
    if seconds < DEADLINE:
        fetched = fetch_page(
            url, session=session, etag=etag, last_modified=modified, deadline=seconds
        )
    else:  # fetch_page's own default deadline
        fetched = fetch_page(url, session=session, etag=etag, last_modified=modified)
    left = max(_MIN_PARSE_SECONDS, seconds - (time.monotonic() - started))
    if fetched.not_modified:
        if not own or snapshot is None or not Path(snapshot).is_file():
            raise FetchError(url, "not modified (304), but there is no saved snapshot to read")
        saved = read_page(
            snapshot, source=source, base_url=fetched.final_url, seconds=left, campus=campus
        )
        return ScrapedPage(
            listings=saved.listings,
            origin=f"{fetched.final_url} (not modified; snapshot {snapshot})",
            content=saved.content,
            fetched=fetched,
            not_modified=True,
            reading=saved.reading,
            source_id=saved.source_id,
        )
    reading = _parse(fetched.html or "", source, fetched.final_url, left, profile, campus)
    return ScrapedPage(
        listings=reading.listings,
        origin=fetched.final_url,
        content=fetched.content or b"",
        fetched=fetched,
        reading=reading,
        source_id=source.id if source else None,
    )


def read_source(
    source: SourcePage,
    snapshots: Path | None,
    *,
    html_file: str | os.PathLike[str] | None = None,
    url: str | None = None,
    offline: bool = False,
    session: requests.Session | None = None,
    campus: DialPlan | _Default | None = _DEFAULT,
    max_bytes: int | None = None,
) -> ScrapedPage:
    """The page of one source: from ``html_file`` (``url`` is then where it was saved
    from), from its saved snapshot (``offline``), or fetched from ``url`` or its own URL.
    ``snapshots`` is the folder of the catalog's saved pages (the source's snapshot name
    was checked by its model, so it stays inside it); ``campus`` is the catalog's campus.
    ``max_bytes`` is the largest ``html_file`` read (default: 5 MB); snapshots and
    fetched pages keep the 5 MB limit.
    """
    if html_file is not None:  # the page is given: its snapshot is not read
        return read_page(
            html_file,
            source=source,
            base_url=url,
            campus=campus,
            max_bytes=MAX_PAGE_BYTES if max_bytes is None else max_bytes,
        )
    snapshot = None
    if snapshots is not None and source.snapshot:
        problem = saved_file_problem(snapshots.parent, snapshots.name, source.snapshot)
        if problem is not None:
            raise CatalogError(problem[1])
        snapshot = snapshots / source.snapshot
    if offline:
        if snapshot is None or not snapshot.is_file():
            raise FetchError(source.url, "no saved snapshot of this source to check offline")
        saved = read_page(snapshot, source=source, campus=campus)
        return replace(saved, origin=f"saved snapshot {snapshot.parent.name}/{snapshot.name}")
    return scrape_page(
        url or source.url, source=source, snapshot=snapshot, session=session, campus=campus
    )


def unexpected_error(exc: Exception) -> ResourceCatalogError:
    """An exception no reader should raise, as one source's error (the cause kept).

    A worker reading one of many sources reports it as that source's error, so a fault
    met on one page never hides what the other pages said.
    """
    error = ResourceCatalogError(
        f"could not read the page: unexpected {type(exc).__name__}: {exc} "
        "(a fault in resource-catalog; please report it)"
    )
    error.__cause__ = exc
    return error


class _HostGate:
    """One fetch per host at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.Lock] = {}

    def __call__(self, url: str) -> threading.Lock:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:  # fetch_page reports a malformed URL itself
            host = ""
        with self._lock:
            return self._hosts.setdefault(host, threading.Lock())


def read_sources(
    sources: Sequence[SourcePage],
    snapshots: Path | None,
    *,
    offline: bool = False,
    jobs: int = 4,
    session_factory: Callable[[], requests.Session] | None = None,
    files: Mapping[str, str | os.PathLike[str]] | None = None,
    progress: Callable[[SourcePage, ScrapedPage | ResourceCatalogError | OSError], None]
    | None = None,
    campus: DialPlan | _Default | None = _DEFAULT,
) -> dict[str, ScrapedPage | ResourceCatalogError | OSError]:
    """Read several sources' pages: id -> the page, or the error that kept it from being read.

    Fetches run in up to ``jobs`` threads, one per host at a time, so checking many
    pages costs about as long as the slowest host's pages, not the sum. ``files`` maps
    source ids to saved pages to read instead of fetching. Each thread gets its own
    session from ``session_factory`` (default: :func:`~resource_catalog.pages.fetch.make_session`).
    """
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    gate = _HostGate()
    files = files or {}

    def one(source: SourcePage) -> ScrapedPage | ResourceCatalogError | OSError:
        try:
            if source.id in files or offline:
                page = read_source(
                    source,
                    snapshots,
                    html_file=files.get(source.id),
                    offline=offline,
                    campus=campus,
                )
            else:
                from resource_catalog.pages.fetch import make_session  # noqa: PLC0415

                session = session_factory() if session_factory else make_session()
                with gate(source.url), session:
                    page = read_source(source, snapshots, session=session, campus=campus)
        except (ResourceCatalogError, OSError) as exc:
            result: ScrapedPage | ResourceCatalogError | OSError = exc
        except Exception as exc:  # noqa: BLE001 (one source's fault must not hide the others)
            result = unexpected_error(exc)
        else:
            result = page
        if progress is not None:
            progress(source, result)
        return result

    if len(sources) <= 1 or jobs == 1:
        return {s.id: one(s) for s in sources}
    with ThreadPoolExecutor(max_workers=min(jobs, len(sources))) as pool:
        results = list(pool.map(one, sources))
    return {s.id: r for s, r in zip(sources, results, strict=True)}
