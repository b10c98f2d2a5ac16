"""Drift against a catalog read record by record: :func:`compare_records`.

:func:`~resource_catalog.drift.compare.compare` takes a loaded catalog; for 10^5 records
that is every record held at once. :func:`compare_records` gives the same report from
records it is handed one at a time (a callable that starts a new pass each time it is
called, such as a :class:`~resource_catalog.checks.stream.ResourceStream`), holding
only what the report needs:

1. a first pass counts the records of each listing name (as matching normalises it);
2. a second pass pairs each record whose name is on exactly one record and exactly one
   listing (almost every record of a page that changed a little) and compares the pair
   at once; the record is then dropped. Only the other records are kept: those of a
   duplicate or empty name, and those no listing names (renamed, removed), each as its
   id and its observation of the page;
3. the kept records go through the rest of matching as in ``compare`` (duplicate
   groups, a link only they carry, very similar text); a third pass counts links over
   all records, when a leftover link needs it.

Pure, like the rest of :mod:`resource_catalog.drift`: no I/O but the passes asked for.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from resource_catalog.contacts.fold import normalize_text
from resource_catalog.drift._match import (
    Known,
    _pair_by_link,
    _pair_group,
    _pair_similar,
    _url_counts,
    _without,
)
from resource_catalog.drift.compare import _listed, compare_fields, report_of
from resource_catalog.drift.types import Added, Changed, DriftReport, Removed, Renamed
from resource_catalog.models import CatalogMeta, Listing, Resource, Status

__all__ = ["StreamedDrift", "compare_records"]


class StreamedDrift(NamedTuple):
    """The report, and how many active records the page listed (as the catalog says)."""

    report: DriftReport
    listed: int


class _Judged(NamedTuple):
    """What one pair adds to the report (``None`` for a pair with nothing to say)."""

    relisted: Added | None
    renamed: Renamed | None
    changed: list[Changed]


def _judge(known: Known, status: Status, listing: Listing, sid: str) -> _Judged | None:
    """One pair as :func:`~resource_catalog.drift.compare.compare` reports it."""
    if not _listed(known):
        return _Judged(
            Added(listing.name, listing.section, listing, sid, relisted=known.id), None, []
        )
    if status is not Status.ACTIVE:
        return None  # retired by its curators while still listed: that retirement holds
    old_name = known.source.name
    renamed = None
    if old_name != listing.name and normalize_text(old_name) != normalize_text(listing.name):
        renamed = Renamed(known.id, old_name, listing.name, sid)
    changed = compare_fields(known.id, known.source, listing, sid)
    return _Judged(None, renamed, changed) if renamed or changed else None


def compare_records(
    meta: CatalogMeta,
    records: Callable[[], Iterable[Resource]],
    scraped: Sequence[Listing],
    *,
    source_id: str | None = None,
    source_url: str | None = None,
    previous: Sequence[Listing] | None = None,
    page_sections: Sequence[str] | None = None,
) -> StreamedDrift:
    """:func:`~resource_catalog.drift.compare.compare` of the catalog whose metadata is
    ``meta`` and whose records ``records()`` yields, sorted by id, on each call.

    The report is equal to ``compare``'s on the loaded catalog; ``listed`` counts the
    active records whose observation of the page is listed.
    """
    page = meta.source(source_id) if source_id else meta.sources[0]
    sid = page.id
    names: Counter[str] = Counter()
    listed = 0
    for record in records():
        obs = record.observation(sid)
        if obs is not None:
            names[normalize_text(obs.name)] += 1
            listed += record.status is Status.ACTIVE and obs.listed
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, listing in enumerate(scraped):
        by_name[normalize_text(listing.name)].append(i)

    pairs: list[tuple[str, int, _Judged | None]] = []  # every pair: id, listing, its say
    kept: list[Known] = []  # the records matching still needs
    status: dict[str, Status] = {}
    for record in records():
        obs = record.observation(sid)
        if obs is None:
            continue
        key = normalize_text(obs.name)
        idxs = by_name.get(key)
        known = Known(record.id, obs)
        if key and names[key] == 1 and idxs is not None and len(idxs) == 1:
            pairs.append((record.id, idxs[0], _judge(known, record.status, scraped[idxs[0]], sid)))
        else:
            kept.append(known)
            status[record.id] = record.status
    del names

    left_r, left_i, found = _match_kept(kept, pairs, by_name, scraped, records, sid)
    for known, i in found:
        pairs.append((known.id, i, _judge(known, status[known.id], scraped[i], sid)))
    pairs.sort(key=lambda pair: pair[0])

    added = [Added(scraped[i].name, scraped[i].section, scraped[i], sid) for i in left_i]
    removed = [
        Removed(k.id, k.source.name, sid)
        for k in left_r
        if status[k.id] is Status.ACTIVE and _listed(k)
    ]
    renamed: list[Renamed] = []
    changed: list[Changed] = []
    for _, _, judged in pairs:
        if judged is None:
            continue
        if judged.relisted is not None:
            added.append(judged.relisted)
        if judged.renamed is not None:
            renamed.append(judged.renamed)
        changed += judged.changed
    report = report_of(
        page,
        source_url=source_url,
        page_sections=page_sections,
        scraped=scraped,
        previous=previous,
        added=added,
        removed=removed,
        renamed=renamed,
        changed=changed,
        matches={rid: scraped[i] for rid, i, _ in pairs},
    )
    return StreamedDrift(report, listed)


def _match_kept(
    kept: list[Known],
    paired: Sequence[tuple[str, int, object]],
    by_name: dict[str, list[int]],
    scraped: Sequence[Listing],
    records: Callable[[], Iterable[Resource]],
    sid: str,
) -> tuple[list[Known], list[int], list[tuple[Known, int]]]:
    """The rest of :func:`~resource_catalog.drift._match.match_listings` for the kept
    records, the listings ``paired`` did not take: (records left, listings left, pairs)."""
    kept_by_name: dict[str, list[Known]] = defaultdict(list)
    for known in kept:
        kept_by_name[normalize_text(known.source.name)].append(known)
    found: list[tuple[Known, int]] = []
    for name, idxs in by_name.items():
        recs = kept_by_name.get(name)
        if recs:
            found += _pair_group(recs, idxs, scraped, named=bool(name))
    done_r = {k.id for k, _ in found}
    left_r = [k for k in kept if k.id not in done_r]
    done_i = bytearray(len(scraped))
    for _, i, _ in paired:
        done_i[i] = 1
    for _, i in found:
        done_i[i] = 1
    left_i = [i for i, done in enumerate(done_i) if not done]
    del done_r, done_i
    if left_r and left_i:
        wanted = {link.url for k in left_r for link in k.source.links}
        wanted &= {link.url for i in left_i for link in scraped[i].links}
        rec_urls: Counter[str] = Counter()
        if wanted:  # a link counts only if no other record carries it: count over all
            for record in records():
                obs = record.observation(sid)
                if obs is not None and obs.links:
                    rec_urls.update({link.url for link in obs.links} & wanted)
        by_link = _pair_by_link(left_r, left_i, scraped, rec_urls, _url_counts(scraped, wanted))
        left_r, left_i = _without(left_r, left_i, by_link)
        similar = _pair_similar(left_r, left_i, scraped)
        left_r, left_i = _without(left_r, left_i, similar)
        found += by_link + similar
    return left_r, left_i, found
