"""The catalog's sources as maintainers see them, and onboarding new ones.

* :func:`source_row` / :func:`source_rows`: a summary row per source.
* :func:`add_source`: read a page, infer its profile
  (:func:`~resource_catalog.pages.infer.infer_profile`), and add the source with its
  snapshot in one atomic commit; no record is created until ``sync --source ID``.
* :func:`test_source`: preview what a source's (possibly edited) profile reads.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from resource_catalog._base.display import quoted
from resource_catalog._base.paths import default_catalog_dir
from resource_catalog._base.urls import SourceUrl
from resource_catalog.checks.validate import load_for_change, refuse_invalid
from resource_catalog.contacts.dialplans import resolve_campus
from resource_catalog.contacts.fold import fold, slugify
from resource_catalog.errors import CatalogError, FetchError
from resource_catalog.models import SourcePage, Status
from resource_catalog.profile import Profile, SectionFrom
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Action, Event, event_lines, now, sha256
from resource_catalog.store.files import (
    catalog_lock,
    check_writable,
    free_snapshot_name,
    read_meta,
    save_catalog,
    snapshot_path,
    snapshot_problem,
)

if TYPE_CHECKING:
    import requests

    from resource_catalog.pages.infer import Inference
    from resource_catalog.pages.parse import Reading

__all__ = ["AddResult", "add_source", "same_url", "source_row", "source_rows", "test_source"]

_URL_CHECK: TypeAdapter[str] = TypeAdapter(SourceUrl)


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


# --------------------------------------------------------------------------- onboarding


@dataclass(frozen=True)
class AddResult:
    """What :func:`add_source` read, proposed and (unless it held back) wrote.

    ``inference`` is the inferred profile with its reading, confidence and runner-up;
    ``source`` the entry for ``catalog.json``; ``written`` the files saved (none with
    ``dry_run``, nor when the inference was weak or ambiguous and not ``force``d).
    """

    source: SourcePage
    inference: Inference
    origin: str
    written: tuple[Path, ...] = ()
    dry_run: bool = False

    @property
    def confident(self) -> bool:
        """Whether the inference was sure enough to save without ``force``."""
        return self.inference.confidence.value == "ok"

    @property
    def saved(self) -> bool:
        """Whether the source was written to the catalog."""
        return bool(self.written)


def add_source(
    directory: str | os.PathLike[str] | None = None,
    *,
    html: str | os.PathLike[str] | None = None,
    url: str | None = None,
    source_id: str | None = None,
    title: str | None = None,
    examples: Sequence[str] = (),
    take: int | None = None,
    dry_run: bool = False,
    force: bool = False,
    session: requests.Session | None = None,
) -> AddResult:
    """Onboard a page: read it, infer its profile, and add it to the catalog's sources.

    The page comes from ``html`` (a saved file; ``url`` is then where it was saved
    from, else its canonical link) or is fetched from ``url``. The source's id defaults
    to a slug of its title, the title to the page's own. ``examples`` are listing
    names the person sees on the page; the profile must read them all. ``take`` (1 or
    2) chooses one of the two readings shown for a weak or ambiguous page: it is then
    saved as a sure one.

    Under the catalog lock, ``catalog.json`` (with the new source and its profile) and
    the page's snapshot are saved in one atomic commit with a history event; no record
    is created (the next ``sync --source ID`` creates them, each flagged for review).
    Nothing is written with ``dry_run``, nor when the inference is weak or ambiguous
    unless ``force``: the result still carries the proposal and the runner-up.

    Raises:
        CatalogError: the id or URL is already a source, the catalog is invalid or not
            writable, no URL is known for a page read from a file, or ``take`` names no
            reading.
        ParseError: no reading of the page lists listings (or every example).
        FetchError: the page could not be fetched.
    """
    from resource_catalog.pages.infer import infer_profile  # noqa: PLC0415 (bs4, lazily)

    if source_id is not None and not source_id.strip():
        raise CatalogError("the source id must not be empty: pass --id ID, or leave it out")
    if any(not fold(e) for e in examples):
        raise CatalogError("an example must be a listing name you can see on the page, not empty")
    target = _directory(directory)
    if url is not None:
        _refuse_bad_url(url)
    catalog = load_for_change(target)
    campus = resolve_campus(catalog.meta.campus)
    content, text, origin, page_url = _page(html, url, session)
    inference = infer_profile(text, url=page_url, examples=examples, campus=campus)
    if take is not None:
        try:
            inference = inference.take(take)
        except ValueError as exc:
            raise CatalogError(str(exc)) from None
    page_url = page_url or inference.canonical_url
    name = title or inference.reading.title or "Resources"
    if not page_url:
        raise CatalogError(
            f"{origin} gives no URL: pass --url with the address the page was saved from"
        )
    sid = source_id if source_id is not None else _default_id(name, page_url)
    source = _source_entry(
        sid, page_url, name, inference, free_snapshot_name(catalog.meta, sid, target)
    )
    _refuse_clash(catalog, source)
    if dry_run or (inference.confidence.value != "ok" and not force):
        return AddResult(source, inference, origin, dry_run=dry_run)
    check_writable(target)
    with catalog_lock(target):
        catalog = load_for_change(target)  # again, under the lock: another writer may have added it
        _refuse_clash(catalog, source)
        snapshot = free_snapshot_name(catalog.meta, sid, target)
        source = source.model_copy(update={"snapshot": snapshot})
        updated = catalog.with_meta(
            catalog.meta.model_copy(update={"sources": [*catalog.meta.sources, source]})
        )
        refuse_invalid(updated, f"the catalog with source {sid!r}")
        event = Event(
            at=now(),
            action=Action.UPDATED,
            source_id=sid,
            field="sources",
            after=page_url,
            snapshot_sha256=sha256(content),
        )
        written = save_catalog(
            updated,
            target,
            snapshots={snapshot: content},
            history=event_lines([event]),
        )
    return AddResult(source, inference, origin, tuple(written))


def _refuse_bad_url(url: str) -> None:
    """Check ``--url`` as catalog.json would, before anything reads the page with it."""
    try:
        _URL_CHECK.validate_python(url)
    except ValidationError as exc:
        why = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise CatalogError(f"cannot add {quoted(url)}: {why}") from None


def _default_id(title: str, url: str) -> str:
    """A slug of the title; a title with no Latin letters or digits (a page in another
    script) gives a slug of the URL's path, else of its host, never the bare fallback."""
    slug = slugify(title)
    if slug != "listing" or fold(title) == "listing":  # "listing" is slugify's fallback
        return slug
    parts = urlsplit(url)
    for text in (parts.path.replace("/", " "), parts.hostname or ""):
        if (candidate := slugify(text)) != "listing":
            return candidate
    return slug


def _directory(path: str | os.PathLike[str] | None) -> Path:
    return Path(path) if path is not None else default_catalog_dir()


def _page(
    html: str | os.PathLike[str] | None, url: str | None, session: requests.Session | None
) -> tuple[bytes, str, str, str | None]:
    """(raw bytes, decoded text, where it came from, its URL) of the page to onboard."""
    from resource_catalog.pages.fetching.encoding import decode_html  # noqa: PLC0415
    from resource_catalog.pages.fetching.local import read_page_file  # noqa: PLC0415

    if html is not None:
        content = read_page_file(html)
        return content, decode_html(content), str(html), url
    if url is None:
        raise CatalogError("give the page to add: --url URL, or --html FILE [--url URL]")
    from resource_catalog.pages.fetch import fetch_page, make_session  # noqa: PLC0415

    if session is None:
        with make_session() as own:
            fetched = fetch_page(url, session=own)
    else:
        fetched = fetch_page(url, session=session)
    if fetched.not_modified:  # nothing was asked conditionally: the server is wrong
        raise FetchError(
            url, "the server answered 304 Not Modified to a request that was not conditional"
        )
    content = fetched.content or (fetched.html or "").encode("utf-8")
    return content, fetched.html or "", fetched.final_url, fetched.final_url


def _source_entry(
    sid: str, url: str, title: str, inference: Inference, snapshot: str
) -> SourcePage:
    profile = inference.profile
    headings = profile.section.source is SectionFrom.HEADING
    try:
        return SourcePage(
            id=sid,
            url=url,
            title=title,
            sections=list(inference.reading.sections) if headings else [],
            profile=profile,
            snapshot=snapshot,
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise CatalogError(f"cannot add source {quoted(sid)}: {problems}") from None


def same_url(a: str, b: str) -> bool:
    """Whether two source URLs name one page (host case, a trailing slash and the scheme
    aside): the rule by which ``sources add`` refuses a page the catalog already follows."""

    def key(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url.strip())
        return (parts.hostname or "").lower(), parts.path.rstrip("/") or "/", parts.query

    return key(a) == key(b)


def _refuse_clash(catalog: Catalog, source: SourcePage) -> None:
    for held in catalog.meta.sources:
        if held.id == source.id:
            raise CatalogError(
                f"the catalog already has a source {source.id!r} ({held.url}); choose another --id"
            )
        if same_url(held.url, source.url):
            raise CatalogError(
                f"the catalog already follows {source.url} as source {held.id!r}; "
                f"preview a changed profile with `sources test {held.id}`"
            )


# ruff reads "test_*" as a pytest test; this is the `sources test` workflow (see __test__)
def test_source(
    directory: str | os.PathLike[str] | None,
    source_id: str,
    *,
    html: str | os.PathLike[str] | None = None,  # noqa: PT028
    profile: Profile | None = None,  # noqa: PT028
) -> Reading:
    """What a source's profile (or an edited ``profile``) reads on its saved snapshot,
    or on ``html`` (a saved page). Writes nothing.

    Raises:
        CatalogError: no such source, or it has no snapshot and no ``html`` was given.
        ProfileMismatchError: the profile reads nothing there (the message says which
            part of it found nothing).
    """
    from resource_catalog.pages.read import read_page  # noqa: PLC0415

    target = _directory(directory)
    meta = read_meta(target)
    try:
        source = meta.source(source_id)
    except KeyError:
        known = ", ".join(s.id for s in meta.sources)
        raise CatalogError(
            f"no source {quoted(source_id)} in this catalog (its sources: {known})"
        ) from None
    if profile is not None:
        source = source.model_copy(update={"profile": profile})
    if html is None:
        problem = snapshot_problem(target, source.snapshot) if source.snapshot else None
        if problem is not None:
            raise CatalogError(problem[1])
        if not source.snapshot or not snapshot_path(target, source.snapshot).is_file():
            raise CatalogError(f"source {source_id!r} has no saved snapshot: pass --html FILE")
        html = snapshot_path(target, source.snapshot)

    try:
        campus = resolve_campus(meta.campus)
    except ValueError as exc:
        raise CatalogError(f"catalog.json: {exc}") from None
    page = read_page(html, source=source, campus=campus)
    if page.reading is None:  # read_page always reads; kept for the type
        raise CatalogError(f"could not read {html}")
    return page.reading


test_source.__test__ = False  # type: ignore[attr-defined]  # a workflow, not a pytest test
