"""Pairing scraped listings with catalog records: the matching half of drift.

Records are matched by what the page said about them last time (their observation of
this page), in three stages:

1. the same listing name (section-independent); duplicate names and the empty
   name are paired by everything they say (section, description, links, phones,
   locations), then by section and description, description, links, then text
   similarity;
2. a link URL that exactly one leftover record and one leftover listing carry;
3. a very similar name and description, over the leftovers only: candidates come
   from a word index that ignores common words, and only the best few per listing
   are scored with difflib, so 100,000 listings stay near-linear.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from resource_catalog.contacts.fold import normalize_text
from resource_catalog.models import Listing


class Known(NamedTuple):
    """A record as matching sees it: its id and what this page said about it last time."""

    id: str
    source: Listing


#: Minimum similarity (difflib ratio of name + description) for a rename.
SIMILARITY_THRESHOLD = 0.75
_GROUP_PAIR_LIMIT = 2_500  # all-pairs scoring inside one duplicate-name group
_CANDIDATES = 8  # fuzzy stage: best token-overlap candidates scored per listing
_MAX_POSTING = 32  # fuzzy stage: tokens carried by more leftovers are too common
_MIN_TOKEN = 3  # shorter words carry no identity


def _text(item: Listing) -> str:
    return normalize_text(f"{item.name} {item.description}").lower()


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY_THRESHOLD:
        return 0.0
    if matcher.quick_ratio() < SIMILARITY_THRESHOLD:
        return 0.0
    return matcher.ratio()


def _identity(item: Listing) -> tuple[object, ...]:
    """Everything a listing says, for pairing duplicates that are exactly alike."""
    return (
        item.name,  # as written: "X" and "X " are one name, but pair each with its own
        normalize_text(item.section),
        normalize_text(item.description),
        tuple(sorted(link.url for link in item.links)),
        tuple(sorted((p.number, p.extension or "", p.kind) for p in item.phones)),
        tuple(sorted((x.building, x.room or "") for x in item.locations)),
    )


def _as_written(item: Listing) -> tuple[object, ...]:
    """Everything a listing says, exactly as written (spacing included)."""
    return (item.name, item.section, item.description, *_identity(item)[3:])


def _pair_group(
    records: list[Known], indexes: list[int], scraped: Sequence[Listing], *, named: bool
) -> list[tuple[Known, int]]:
    """Pair records and listings that share one name (duplicates or the empty name)."""
    pairs: list[tuple[Known, int]] = []
    recs, idxs = list(records), list(indexes)
    for key in (
        _as_written,  # byte for byte first: texts alike but for spacing pair with their own
        _identity,  # then alike: same text, other links or phones must not pair by order
        lambda x: (normalize_text(x.section), normalize_text(x.description)),
        lambda x: normalize_text(x.description),
        lambda x: tuple(sorted(link.url for link in x.links)) or None,
    ):
        by_key: dict[object, list[Known]] = defaultdict(list)
        for rec in recs:
            if (k := key(rec.source)) is not None:
                by_key[k].append(rec)
        rest = []
        for i in idxs:
            k = key(scraped[i])
            if k is not None and by_key.get(k):
                pairs.append((by_key[k].pop(0), i))
            else:
                rest.append(i)
        taken = {id(r) for r, _ in pairs}
        recs, idxs = [r for r in recs if id(r) not in taken], rest
    if not recs or not idxs:
        return pairs
    if len(recs) * len(idxs) > _GROUP_PAIR_LIMIT:
        # Too many to score: pair named duplicates in a stable order, nameless not at all.
        return pairs + (list(zip(recs, idxs, strict=False)) if named else [])
    scored = sorted(
        (
            (-difflib.SequenceMatcher(None, _text(r.source), _text(scraped[i])).ratio(), r.id, i)
            for r in recs
            for i in idxs
        ),
    )
    by_id = {r.id: r for r in recs}
    used_r: set[str] = set()
    used_i: set[int] = set()
    for neg, rid, i in scored:
        if rid in used_r or i in used_i or (not named and -neg < SIMILARITY_THRESHOLD):
            continue
        used_r.add(rid)
        used_i.add(i)
        pairs.append((by_id[rid], i))
    return pairs


def _pair_by_link(
    records: list[Known],
    indexes: list[int],
    scraped: Sequence[Listing],
    rec_urls: Counter[str],
    lst_urls: Counter[str],
) -> list[tuple[Known, int]]:
    """Pair leftovers by a link URL that one record and one listing carry, of them all.

    ``rec_urls`` / ``lst_urls`` count URLs over *all* records and listings: a link
    that several listings share (a common portal) identifies none of them.
    """
    owner = {
        u: r
        for r in records
        for u in {link.url for link in r.source.links}
        if rec_urls[u] == 1 and lst_urls[u] == 1
    }
    pairs: list[tuple[Known, int]] = []
    used: set[str] = set()
    for i in indexes:
        candidates = {
            owner[u].id: owner[u] for u in {link.url for link in scraped[i].links} & owner.keys()
        }
        if len(candidates) == 1:
            ((rid, rec),) = candidates.items()
            if rid not in used:
                used.add(rid)
                pairs.append((rec, i))
    return pairs


def _tokens(text: str) -> set[str]:
    return {
        t for t in "".join(c if c.isalnum() else " " for c in text).split() if len(t) >= _MIN_TOKEN
    }


def _pair_similar(
    records: list[Known], indexes: list[int], scraped: Sequence[Listing]
) -> list[tuple[Known, int]]:
    """Pair leftovers whose name and description are very similar (renames).

    Candidates come from an index of the leftover records' words; words that many
    leftovers share are ignored, and only the best few candidates per listing are
    scored with difflib, so the cost stays near-linear in the number of leftovers.
    """
    if not records or not indexes:
        return []
    texts = {r.id: _text(r.source) for r in records}
    posting: dict[str, list[str]] = defaultdict(list)
    for rid, text in texts.items():
        for token in _tokens(text):
            posting[token].append(rid)
    small = len(records) * len(indexes) <= _GROUP_PAIR_LIMIT
    scored: list[tuple[float, str, int]] = []
    for i in indexes:
        text = _text(scraped[i])
        if small:
            candidates = sorted(texts)
        else:
            overlap: Counter[str] = Counter()
            for token in _tokens(text):
                ids = posting.get(token, ())
                if len(ids) <= _MAX_POSTING:
                    overlap.update(ids)
            candidates = [rid for rid, _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0]))]
            candidates = candidates[:_CANDIDATES]
        for rid in candidates:
            score = _similarity(texts[rid], text)
            if score >= SIMILARITY_THRESHOLD:
                scored.append((-score, rid, i))
    by_id = {r.id: r for r in records}
    pairs: list[tuple[Known, int]] = []
    used_r: set[str] = set()
    used_i: set[int] = set()
    for _, rid, i in sorted(scored):
        if rid not in used_r and i not in used_i:
            used_r.add(rid)
            used_i.add(i)
            pairs.append((by_id[rid], i))
    return pairs


@dataclass(frozen=True)
class Matching:
    """How :func:`match_listings` paired records with listings."""

    pairs: tuple[tuple[Known, int], ...]
    unmatched_records: tuple[Known, ...]
    unmatched_listings: tuple[int, ...]


def _url_counts(items: Sequence[Listing], wanted: set[str]) -> Counter[str]:
    """How many of ``items`` carry each URL in ``wanted`` (each item counted once)."""
    counts: Counter[str] = Counter()
    for item in items:
        links = item.links
        if links:
            counts.update({link.url for link in links} & wanted)
    return counts


def match_listings(records: Sequence[Known], scraped: Sequence[Listing]) -> Matching:
    """Pair records (by their ``source``) with scraped listings (by index).

    Stages: same name, then a link only they carry, then very similar text.
    """
    by_name: dict[str, list[Known]] = defaultdict(list)
    for rec in records:
        by_name[normalize_text(rec.source.name)].append(rec)
    listings_by_name: dict[str, list[int]] = defaultdict(list)
    for i, listing in enumerate(scraped):
        listings_by_name[normalize_text(listing.name)].append(i)
    pairs: list[tuple[Known, int]] = []
    for name, idxs in listings_by_name.items():
        recs = by_name.get(name)
        if not recs:
            continue
        if name and len(recs) == 1 and len(idxs) == 1:
            pairs.append((recs[0], idxs[0]))
        else:
            pairs += _pair_group(recs, idxs, scraped, named=bool(name))
    # The later stages only see the leftovers, usually a few: track them, not the pairs.
    done_r = {r.id for r, _ in pairs}
    left_r = [r for r in records if r.id not in done_r]
    done_i = bytearray(len(scraped))
    for _, i in pairs:
        done_i[i] = 1
    left_i = [i for i, done in enumerate(done_i) if not done]
    del done_r, done_i
    if left_r and left_i:
        # A link identifies a pair only if no other record / listing carries it, so
        # the leftovers' URLs are counted over all of them (and only those URLs).
        wanted = {link.url for r in left_r for link in r.source.links}
        wanted &= {link.url for i in left_i for link in scraped[i].links}
        sources = [r.source for r in records]
        by_link = _pair_by_link(
            left_r, left_i, scraped, _url_counts(sources, wanted), _url_counts(scraped, wanted)
        )
        left_r, left_i = _without(left_r, left_i, by_link)
        similar = _pair_similar(left_r, left_i, scraped)
        left_r, left_i = _without(left_r, left_i, similar)
        pairs += by_link + similar
    return Matching(
        pairs=tuple(sorted(pairs, key=lambda p: p[0].id)),
        unmatched_records=tuple(left_r),
        unmatched_listings=tuple(left_i),
    )


def _without(
    records: list[Known], indexes: list[int], pairs: list[tuple[Known, int]]
) -> tuple[list[Known], list[int]]:
    """``records`` and ``indexes`` without the ones ``pairs`` took (order kept)."""
    taken_r = {r.id for r, _ in pairs}
    taken_i = {i for _, i in pairs}
    return [r for r in records if r.id not in taken_r], [i for i in indexes if i not in taken_i]
