"""Link health: every link of the active records checked, politely and without false alarms.

:func:`check_links` is the one library call behind ``resource-catalog links``. It
collects the links of the active records, the curated ones and what each page that
lists the record showed, each URL once with the records that use it; asks the web
servers about the http(s) ones (:mod:`resource_catalog.links.probe`: HEAD first, a
bounded number at once and per host, ``Retry-After`` honoured, a total deadline) and
judges ``mailto:`` and ``tel:`` ones offline; then applies the flap rule
(:mod:`resource_catalog.links.verdicts`): an unreachable link counts as broken only
after ``fail_after`` failing runs in a row, counted in a state file kept between runs.

With ``fix=True`` the curated links that moved permanently are rewritten to where they
lead now, under the catalog's lock, checked as ``validate`` would check them, and saved
in one atomic commit with an ``updated`` event per record when the catalog keeps a
history. Nothing else in the catalog is written; the state file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from pydantic import ValidationError

from resource_catalog._base.atomic import write_atomic
from resource_catalog._base.paths import default_catalog_dir, is_bundled
from resource_catalog.checks.validate import load_catalog, load_for_change, refuse_invalid
from resource_catalog.errors import CatalogError
from resource_catalog.links.types import Fix, LinkReport, LinkResult
from resource_catalog.links.verdicts import (
    FAIL_AFTER,
    LinkState,
    LinkStatus,
    StateEntry,
    Verdict,
    judge,
    judge_offline,
    parse_state,
    settle,
    state_bytes,
)
from resource_catalog.models import Link, Resource, Status
from resource_catalog.store._layout import HISTORY_FILE, check_writable
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Action, Event, event_lines, now
from resource_catalog.store.files import catalog_lock, save_catalog

if TYPE_CHECKING:
    import requests

    from resource_catalog.links.verdicts import Probe

__all__ = ["STATE_FILE", "Fix", "LinkReport", "LinkResult", "check_links", "collect_links"]

#: The state file's name inside the catalog (git-ignored).
STATE_FILE: Final = ".links-state.json"
_WEB: Final = frozenset({"http", "https"})


def collect_links(catalog: Catalog, sources: Sequence[str] = ()) -> dict[str, tuple[str, ...]]:
    """Every link of the active records, URL -> the ids of the records that use it.

    A record's curated links and the links each page that lists it showed. With
    ``sources``, only the records those pages list, and only their observations.
    Raises :class:`CatalogError` for a source id the catalog does not have.
    """
    known = [s.id for s in catalog.meta.sources]
    unknown = [sid for sid in sources if sid not in known]
    if unknown:
        raise CatalogError(
            f"no source {unknown[0]!r} in this catalog (its sources: {', '.join(known)})"
        )
    chosen = set(sources)
    found: dict[str, dict[str, None]] = {}
    for record in catalog.active:
        pages = [o for o in record.sources if o.listed and (not chosen or o.source_id in chosen)]
        if chosen and not pages:
            continue
        for link in [*record.links, *(link for o in pages for link in o.links)]:
            found.setdefault(link.url, {})[record.id] = None
    return {url: tuple(ids) for url, ids in sorted(found.items())}


def check_links(
    catalog_dir: str | os.PathLike[str] | None = None,
    *,
    sources: Sequence[str] = (),
    jobs: int = 8,
    per_host: int = 2,
    timeout: float = 20.0,
    deadline: float = 900.0,
    state: str | os.PathLike[str] | None = None,
    fail_after: int = FAIL_AFTER,
    fix: bool = False,
    at: dt.datetime | None = None,
    session_factory: Callable[[], requests.Session] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LinkReport:
    """Check every link of a catalog's active records; see the module docstring.

    ``timeout`` bounds one link's check and ``deadline`` the whole run, in seconds;
    links not checked by the deadline are reported unreachable and ``not_checked``.
    ``state`` is the state file (default: ``.links-state.json`` in the catalog; none for
    the read-only bundled catalog). ``at`` stamps the state (default: now).
    ``progress(done, total)`` is called as links are checked.

    Raises :class:`CatalogError` when the catalog cannot be loaded (or, with ``fix``,
    changed), the state file is not one, or a source id is unknown; :class:`ValueError`
    for a bound that is not positive.
    """
    if fail_after < 1 or jobs < 1 or per_host < 1 or timeout <= 0 or deadline <= 0:
        raise ValueError("fail_after, jobs, per_host, timeout and deadline must be positive")
    directory = Path(catalog_dir) if catalog_dir is not None else default_catalog_dir()
    if fix:
        check_writable(directory)
        catalog = load_for_change(directory)
    else:
        catalog = load_catalog(directory)
    used = collect_links(catalog, sources)
    state_path = _state_path(directory, state)
    before = _read_state(state_path)
    stamp = at or now()
    verdicts = _check(used, jobs, per_host, timeout, deadline, session_factory, progress)
    results: list[LinkResult] = []
    entries = {url: e for url, e in before.links.items() if url in collect_links(catalog)}
    for url, ids in used.items():
        verdict = verdicts.get(url)
        previous = before.links.get(url)
        if verdict is None:
            results.append(_not_checked(url, ids, previous, deadline))
            continue
        if urlsplit(url).scheme.lower() in _WEB:
            shown, entry, failures = settle(verdict, previous, at=stamp, fail_after=fail_after)
        else:
            shown, entry, failures = verdict, None, 0
        _keep(entries, url, entry)
        results.append(
            LinkResult(
                url, ids, shown.status, shown.http_status, shown.final_url, shown.message, failures
            )
        )
    if state_path is not None:
        _write_state(state_path, before, LinkState(links=entries))
    fixes: tuple[Fix, ...] = ()
    written: tuple[Path, ...] = ()
    moved = {r.url: r.final_url for r in results if r.status is LinkStatus.REDIRECTED}
    if fix and moved:
        fixes, written = _fix(directory, {u: n for u, n in moved.items() if n}, stamp)
    return LinkReport(directory, tuple(results), state_path, fixes, written)


def _check(
    used: Mapping[str, tuple[str, ...]],
    jobs: int,
    per_host: int,
    timeout: float,
    deadline: float,
    session_factory: Callable[[], requests.Session] | None,
    progress: Callable[[int, int], None] | None,
) -> dict[str, Verdict]:
    """Each URL's verdict before the flap rule; a URL left out was not checked in time."""
    verdicts: dict[str, Verdict] = {}
    web = [url for url in used if urlsplit(url).scheme.lower() in _WEB]
    for url in used:
        if url not in web:
            verdicts[url] = judge_offline(url)
    if not web:
        return verdicts
    from resource_catalog.links.probe import link_session, probe_links  # noqa: PLC0415

    done: list[str] = []
    lock = threading.Lock()

    def tick(url: str, _probe: Probe) -> None:
        with lock:  # called from the worker threads
            done.append(url)
            if progress is not None:
                progress(len(done), len(web))

    probes = probe_links(
        web,
        jobs=jobs,
        per_host=per_host,
        timeout=timeout,
        deadline=deadline,
        session_factory=session_factory or link_session,
        progress=tick,
    )
    verdicts.update({url: judge(p) for url, p in probes.items() if p is not None})
    return verdicts


def _not_checked(
    url: str, ids: tuple[str, ...], previous: StateEntry | None, deadline: float
) -> LinkResult:
    failures = previous.failures if previous is not None else 0
    return LinkResult(
        url,
        ids,
        LinkStatus.UNREACHABLE,
        None,
        None,
        f"not checked: the run's deadline ({deadline:g} s) passed first",
        failures,
        checked=False,
    )


def _keep(entries: dict[str, StateEntry], url: str, entry: StateEntry | None) -> None:
    if entry is None:
        entries.pop(url, None)
    else:
        entries[url] = entry


def _state_path(directory: Path, given: str | os.PathLike[str] | None) -> Path | None:
    """The state file to read and write: the one given, else the catalog's own (none
    for the bundled catalog, which is never written). Its folder must exist."""
    if given is None:
        if is_bundled(directory):
            return None
        return directory / STATE_FILE
    path = Path(given)
    if not path.parent.is_dir():
        raise CatalogError(f"cannot keep the link state in {path}: no folder {path.parent}")
    return path


def _write_state(path: Path, before: LinkState, after: LinkState) -> None:
    """Save the state when it changed (no file at all while nothing fails)."""
    if after != before or (after.links and not path.exists()):
        write_atomic(path, state_bytes(after))


def _read_state(path: Path | None) -> LinkState:
    if path is None:
        return LinkState()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LinkState()
    except OSError as exc:
        raise CatalogError(f"cannot read the link state {path}: {exc.strerror or exc}") from exc
    try:
        return parse_state(raw, str(path))
    except ValueError as exc:
        raise CatalogError(f"{exc}; remove it to start counting again") from None


def _fix(
    directory: Path, moved: Mapping[str, str], stamp: dt.datetime
) -> tuple[tuple[Fix, ...], tuple[Path, ...]]:
    """Rewrite the curated links that moved, under the lock, in one commit with history."""
    with catalog_lock(directory):
        catalog = load_for_change(directory)
        fixes: list[Fix] = []
        events: list[Event] = []
        records: list[Resource] = []
        for record in catalog.resources:
            links = _moved_links(record.links, moved)
            if links == record.links or record.status is not Status.ACTIVE:
                records.append(record)
                continue
            fixes += [
                Fix(record.id, link.url, moved[link.url])
                for link in record.links
                if link.url in moved
            ]
            updated = record.model_copy(update={"links": links})
            records.append(updated)
            events.append(
                Event(
                    at=stamp,
                    action=Action.UPDATED,
                    resource_id=record.id,
                    field="links",
                    before=[link.model_dump(mode="json") for link in record.links],
                    after=[link.model_dump(mode="json") for link in links],
                )
            )
        if not fixes:
            return (), ()
        changed = catalog.replace(records)
        refuse_invalid(changed, "the catalog with its moved links fixed")
        history = event_lines(events) if (directory / HISTORY_FILE).is_file() else []
        written = save_catalog(changed, directory, history=history)
    return tuple(fixes), tuple(written)


def _moved_links(links: Iterable[Link], moved: Mapping[str, str]) -> list[Link]:
    """``links`` with each moved URL replaced, a link already present not repeated."""
    out: dict[str, Link] = {}
    for link in links:
        try:
            new = Link(url=moved.get(link.url, link.url), label=link.label)
        except ValidationError:  # a target the schema cannot hold: keep the old link
            new = link
        out.setdefault(new.url, new)
    return list(out.values())
