"""Get the listings of a source page: from a saved file or over HTTP.

This composes :mod:`resource_catalog.fetch` and :mod:`resource_catalog.parse`
(imported when first needed, so importing this module stays cheap) and is what
the ``scrape``, ``diff``, ``sync`` and ``check`` commands call.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from resource_catalog.errors import FetchError
from resource_catalog.models import CatalogMeta, Listing

if TYPE_CHECKING:
    import requests

    from resource_catalog.fetch import FetchResult


@dataclass(frozen=True)
class ScrapedPage:
    """The listings of one page and where they came from.

    ``origin`` names what was read (a URL after redirects, or a file path);
    ``content`` is the page's raw bytes, for saving a snapshot byte for byte;
    ``fetched`` is the HTTP result when the page was fetched. ``not_modified`` is
    true when the server answered 304 and the saved snapshot was parsed instead.
    """

    listings: list[Listing]
    origin: str
    content: bytes = field(repr=False)
    fetched: FetchResult | None = None
    not_modified: bool = False

    @property
    def moved_to(self) -> str | None:
        """The new URL when a redirect took the request to another host or path."""
        if self.fetched is not None and self.fetched.moved:
            return self.fetched.final_url
        return None


def read_page(
    path: str | os.PathLike[str],
    *,
    base_url: str | None = None,
    known_sections: Sequence[str] | None = None,
) -> ScrapedPage:
    """Parse a saved HTML file (its encoding detected as for a fetched page).

    Raises :class:`~resource_catalog.errors.ParseError` when it is not the resource
    page, and :class:`OSError` when it cannot be read.
    """
    from resource_catalog._encoding import decode_html  # noqa: PLC0415 (no requests for a file)
    from resource_catalog.parse import parse_page  # noqa: PLC0415

    content = Path(path).read_bytes()
    listings = parse_page(decode_html(content), base_url=base_url, known_sections=known_sections)
    return ScrapedPage(listings=listings, origin=str(path), content=content)


def scrape_page(
    url: str,
    *,
    known_sections: Sequence[str] | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    snapshot: str | os.PathLike[str] | None = None,
    session: requests.Session | None = None,
) -> ScrapedPage:
    """Fetch and parse the page at ``url``.

    With ``etag``/``last_modified`` from the last sync the request is conditional;
    a 304 answer parses ``snapshot`` (the page as last saved) instead, and a 304
    without a snapshot is a :class:`~resource_catalog.errors.FetchError`.
    """
    from resource_catalog.fetch import fetch_page  # noqa: PLC0415
    from resource_catalog.parse import parse_page  # noqa: PLC0415

    fetched = fetch_page(url, session=session, etag=etag, last_modified=last_modified)
    if fetched.not_modified:
        if snapshot is None or not Path(snapshot).is_file():
            raise FetchError(url, "not modified (304), but there is no saved snapshot to read")
        saved = read_page(snapshot, base_url=fetched.final_url, known_sections=known_sections)
        return ScrapedPage(
            listings=saved.listings,
            origin=f"{fetched.final_url} (not modified; snapshot {snapshot})",
            content=saved.content,
            fetched=fetched,
            not_modified=True,
        )
    listings = parse_page(
        fetched.html or "", base_url=fetched.final_url, known_sections=known_sections
    )
    return ScrapedPage(
        listings=listings,
        origin=fetched.final_url,
        content=fetched.content or b"",
        fetched=fetched,
    )


def snapshot_path(directory: str | os.PathLike[str], meta: CatalogMeta) -> Path | None:
    """Where the catalog keeps the saved copy of its first source page, if it names one."""
    from resource_catalog.catalog import SNAPSHOTS_DIR  # noqa: PLC0415

    name = meta.sources[0].snapshot
    return Path(directory) / SNAPSHOTS_DIR / name if name else None


def page_for_catalog(
    directory: str | os.PathLike[str],
    *,
    url: str | None = None,
    html_file: str | os.PathLike[str] | None = None,
    session: requests.Session | None = None,
) -> ScrapedPage:
    """The listings to compare with the catalog in ``directory``.

    From ``html_file`` if given, else from ``url``, else from the URL recorded in
    ``catalog.json``. The catalog's sections decide whether the page is recognised.
    Fetching the catalog's own URL is conditional on the last sync's ETag /
    Last-Modified, and a 304 reads the saved snapshot.
    """
    from resource_catalog.catalog import read_meta  # noqa: PLC0415

    directory = Path(directory)
    meta = read_meta(directory)
    known = [s for page in meta.sources for s in page.sections]
    source = meta.sources[0]
    own = url is None or url == source.url
    url = source.url if url is None else url
    if html_file is not None:
        return read_page(html_file, base_url=url, known_sections=known)
    snapshot = snapshot_path(directory, meta)
    if own and snapshot is not None:
        return scrape_page(
            url,
            known_sections=known,
            etag=source.etag,
            last_modified=source.last_modified,
            snapshot=snapshot,
            session=session,
        )
    return scrape_page(url, known_sections=known, session=session)
