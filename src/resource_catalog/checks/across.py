"""Records against each other: duplicates, look-alike offices, pages that disagree, and
overdue reviews. No I/O.

The checks never need a whole record: each active record is first reduced to its
:class:`RecordKeys` (id, name and folded name, acronym, phone and link keys, what it
accepted, when it was reviewed), so a caller that reads records one at a time keeps only
these small values, and every check is a hash join over them (one pass to group by a
key, one to report each group), linear in the number of records.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from resource_catalog.checks._finding import finding
from resource_catalog.contacts.fold import fold
from resource_catalog.models import Finding, Resource, Severity, Status

__all__ = [
    "ACCEPTABLE",
    "NEW_LISTING_REASON",
    "RecordKeys",
    "check_across",
    "check_keys",
    "open_warnings",
    "record_keys",
    "review_overdue",
]

#: The review reason a sync gives a record it created (newest records are blamed first).
NEW_LISTING_REASON = "new listing on the page"

#: Warnings a curator may accept (``review accept``): about two records, or two pages.
ACCEPTABLE = (
    "duplicate-link",
    "duplicate-name",
    "duplicate-phone",
    "possible-duplicate",
    "sources-disagree-links",
    "sources-disagree-locations",
    "sources-disagree-phones",
)

#: A warning, and for each record that may accept it what the acceptance must name.
_Open = tuple[Finding, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class RecordKeys:
    """What the cross-record checks need of one active record, and nothing more.

    Held for every active record while a catalog is validated, so it shares what it
    can: ``own_file`` is ``None`` for the usual file (``resources/<id>.json``, built
    again when shown), an empty ``accepted`` is one shared set, equal review dates are
    one date.
    """

    id: str
    name: str
    folded: str
    acronym: str | None
    own_file: str | None
    newness: int
    phones: tuple[str, ...]
    links: tuple[str, ...]
    accepted: frozenset[tuple[str, str]]
    last_reviewed: dt.date | None
    disagreements: tuple[_Open, ...]

    @property
    def file(self) -> str:
        """The record's file, as its findings show it (``resources/<id>.json``)."""
        return self.own_file if self.own_file is not None else f"resources/{self.id}.json"


_NONE_ACCEPTED: frozenset[tuple[str, str]] = frozenset()
#: Review dates seen, each kept once (a catalog has few distinct ones).
_DATES: dict[dt.date, dt.date] = {}
_MAX_DATES = 4096


def _phone_key(phone: Any) -> str:
    return str(phone.number) + (f" x{phone.extension}" if phone.extension else "")


def record_keys(resource: Resource, file: str) -> RecordKeys:
    """The keys of one record, found in ``file`` (the path shown in its findings)."""
    review = resource.review
    last = review.last_reviewed
    if last is not None and len(_DATES) < _MAX_DATES:
        last = _DATES.setdefault(last, last)
    return RecordKeys(
        id=resource.id,
        name=resource.name,
        folded=fold(resource.name),
        acronym=resource.acronym,
        own_file=None if file == f"resources/{resource.id}.json" else file,
        newness=_newness(resource),
        phones=tuple(_phone_key(p) for p in resource.phones),
        links=tuple(lk.url.rstrip("/") for lk in resource.links),
        accepted=(
            frozenset((a.finding, a.about) for a in review.accepted)
            if review.accepted
            else _NONE_ACCEPTED
        ),
        last_reviewed=last,
        disagreements=tuple(_disagreements(resource, file)),
    )


def check_across(
    resources: Sequence[Resource],
    files: Mapping[str, str],
    *,
    today: dt.date | None = None,
    review_interval_days: int = 365,
) -> Iterable[Finding]:
    """Warnings about records against each other and about overdue reviews.

    Duplicates are looked for among active records; each is blamed on the newer record
    of a pair (a record a sync created and nobody reviewed yet is newer than a reviewed
    one; otherwise the later id), and the finding shows both names. A warning either
    record of it accepted (``review.accepted``, naming the other record or the values)
    is not reported.
    """
    keys = [record_keys(r, files[r.id]) for r in resources if r.status is Status.ACTIVE]
    return check_keys(keys, today=today, review_interval_days=review_interval_days)


def check_keys(
    keys: Iterable[RecordKeys], *, today: dt.date | None = None, review_interval_days: int = 365
) -> Iterable[Finding]:
    """:func:`check_across` on the keys of the active records (any order)."""
    active = sorted(keys, key=lambda k: (k.newness, k.id))
    accepted = {(k.id, code, about) for k in active for code, about in k.accepted}
    for found, about in _open_across(active):
        if not any((rid, found.code, what) in accepted for rid, what in about.items()):
            yield found
    today = today or dt.datetime.now(dt.UTC).date()
    yield from _stale(active, today, review_interval_days)


def open_warnings(
    resources: Sequence[Resource], resource_id: str, code: str
) -> list[tuple[Finding, str]]:
    """The ``code`` warnings about ``resource_id`` that it has not accepted yet, each with
    what an acceptance on it must name (``about``)."""
    active = sorted(
        (record_keys(r, f"resources/{r.id}.json") for r in resources if r.status is Status.ACTIVE),
        key=lambda k: (k.newness, k.id),
    )
    own = next((k for k in active if k.id == resource_id), None)
    done = own.accepted if own else frozenset()
    return [
        (found, about[resource_id])
        for found, about in _open_across(active)
        if found.code == code and resource_id in about and (code, about[resource_id]) not in done
    ]


def _open_across(active: Sequence[RecordKeys]) -> Iterable[_Open]:
    yield from _duplicates(active)
    yield from _similar_offices(active)
    for keys in active:
        yield from keys.disagreements


def _newness(resource: Resource) -> int:
    """0 for records that have been reviewed or are not new, 1 for unreviewed new ones."""
    return int(resource.review.needs_review and NEW_LISTING_REASON in resource.review.reasons)


def _duplicates(active: Sequence[RecordKeys]) -> Iterable[_Open]:
    checks: list[tuple[str, str, Callable[[RecordKeys], Sequence[str]]]] = [
        ("duplicate-name", "name", lambda k: (k.folded,) if k.folded else ()),
        ("duplicate-phone", "phones", lambda k: k.phones),
        ("duplicate-link", "links", lambda k: k.links),
    ]
    for code, field, keys_of in checks:
        seen: dict[str, list[RecordKeys]] = defaultdict(list)
        for keys in active:
            for key in dict.fromkeys(keys_of(keys)):
                seen[key].append(keys)
        for key in sorted(seen):
            first, *later_ones = seen[key]
            for later in later_ones:
                shown = later.name if code == "duplicate-name" else key
                found = finding(
                    code,
                    f"same {field.rstrip('s')} as {first.file} ({first.name!r})",
                    later.file,
                    field,
                    shown,
                    later.id,
                    Severity.WARNING,
                )
                yield found, {later.id: first.id, first.id: later.id}


_STOP = frozenset({"the", "of", "for", "and", "office", "mit", "a", "an", "s"})
_WORD = re.compile(r"\w+")


def _name_key(folded: str) -> str:
    """The significant words of a folded name, sorted; empty when it has none."""
    words = _WORD.findall(folded)
    return " ".join(sorted({w for w in words if w not in _STOP and not w.isdigit()}))


def _similar_offices(active: Sequence[RecordKeys]) -> Iterable[_Open]:
    """Records that share an acronym, or whose names share all significant words."""
    by_key: dict[str, list[RecordKeys]] = defaultdict(list)
    for keys in active:
        groups = {f"name:{key}"} if (key := _name_key(keys.folded)) else set()
        if keys.acronym:
            groups.add(f"acronym:{keys.acronym.upper()}")
        for group in groups:
            by_key[group].append(keys)
    reported: set[tuple[str, str]] = set()
    for owners in by_key.values():
        first = owners[0]
        for later in owners[1:]:
            pair = (first.id, later.id)
            if pair in reported or first.folded == later.folded:
                continue  # identical names are already a duplicate-name warning
            reported.add(pair)
            found = finding(
                "possible-duplicate",
                f"looks like the same office as {first.file} ({first.name!r}); merge "
                f"them or say why both exist (`resource-catalog review accept {later.id} "
                "--finding possible-duplicate --reason TEXT`)",
                later.file,
                "name",
                later.name,
                later.id,
                Severity.WARNING,
            )
            yield found, {later.id: first.id, first.id: later.id}


def _contact_sets(resource: Resource, field: str) -> list[tuple[str, frozenset[str]]]:
    """(source id, the set of values) per listed observation, for one compared field."""
    key: dict[str, Callable[[Any], str]] = {
        "phones": _phone_key,
        "locations": lambda x: x.code,
        "links": lambda x: x.url.split("://", 1)[-1].rstrip("/").lower(),
    }
    return [
        (o.source_id, frozenset(key[field](item) for item in getattr(o, field)))
        for o in resource.sources
        if o.listed
    ]


def _disagreements(resource: Resource, file: str) -> Iterable[_Open]:
    """Two pages that list one office with phones, rooms or links that contradict.

    A page that says less (a subset of what the other says) is not a contradiction.
    """
    if len(resource.listed_on) < 2:  # noqa: PLR2004
        return
    for field in ("phones", "locations", "links"):
        sets = _contact_sets(resource, field)
        for i, (sid_a, a) in enumerate(sets):
            for sid_b, b in sets[i + 1 :]:
                if a and b and not (a <= b or b <= a):
                    value = f"{sid_a}: {', '.join(sorted(a))} | {sid_b}: {', '.join(sorted(b))}"
                    found = finding(
                        f"sources-disagree-{field}",
                        f"{sid_a!r} lists {', '.join(sorted(a))} but {sid_b!r} lists "
                        f"{', '.join(sorted(b))}; check which is right",
                        file,
                        field,
                        value,
                        resource.id,
                        Severity.WARNING,
                    )
                    yield found, {resource.id: value}


def review_overdue(resource: Resource, today: dt.date, interval: int) -> bool:
    """Whether a record is due for re-verification: never reviewed, or last reviewed
    more than ``interval`` days before ``today`` (the ``stale-review`` rule)."""
    return _overdue(resource.review.last_reviewed, today, interval)


def _overdue(last: dt.date | None, today: dt.date, interval: int) -> bool:
    return last is None or last < today - dt.timedelta(days=interval)


def _stale(active: Sequence[RecordKeys], today: dt.date, interval: int) -> Iterable[Finding]:
    """Active records not reviewed within the catalog's review interval."""
    for keys in active:
        last = keys.last_reviewed
        if _overdue(last, today, interval):
            when = "never reviewed" if last is None else f"last reviewed {last.isoformat()}"
            yield finding(
                "stale-review",
                f"{when}; records are re-verified at least every {interval} days",
                keys.file,
                "review.last_reviewed",
                None if last is None else last.isoformat(),
                keys.id,
                Severity.WARNING,
            )
