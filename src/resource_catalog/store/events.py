"""The events of ``history.jsonl`` and the changes feed derived from them: values only.

An :class:`Event` is one line of the file; :func:`parse_history` reads the file's bytes
leniently; :func:`changes_in` turns events into the consumers' :class:`Change` feed.
Nothing here reads a catalog's files or knows :class:`~resource_catalog.store.catalog.Catalog`,
so the catalog value can use these types without a cycle
(:mod:`resource_catalog.store.history` reads a catalog's history from disk).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, JsonValue, ValidationError, field_validator

if TYPE_CHECKING:
    from resource_catalog.models import Resource

__all__ = [
    "Action",
    "Change",
    "Event",
    "as_datetime",
    "changes_in",
    "event_lines",
    "field_events",
    "now",
    "parse_history",
    "sha256",
]


class Action(StrEnum):
    """What happened to a record."""

    CREATED = "created"
    UPDATED = "updated"
    RETIRED = "retired"
    RELISTED = "relisted"
    CONFLICT = "conflict"
    RESOLVED = "resolved"
    REVIEWED = "reviewed"


class Event(BaseModel):
    """One line of ``history.jsonl``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: dt.datetime
    action: Action
    resource_id: str | None = None
    source_id: str | None = None
    field: str | None = None
    before: JsonValue = None
    after: JsonValue = None
    snapshot_sha256: str | None = None

    @field_validator("at")
    @classmethod
    def _utc(cls, at: dt.datetime) -> dt.datetime:
        """A time without a zone is UTC (so events always compare)."""
        return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)

    def line(self) -> bytes:
        """The event as one compact JSON line (UTF-8, newline-terminated)."""
        data = self.model_dump(mode="json")
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        # JSON Lines: no raw line separators inside a record.
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return (text + "\n").encode("utf-8")


def sha256(content: bytes) -> str:
    """The hex SHA-256 of a page, as events record it."""
    return hashlib.sha256(content).hexdigest()


def now() -> dt.datetime:
    """The time events are stamped with: UTC, whole seconds."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def event_lines(events: Iterable[Event]) -> list[bytes]:
    """Events as the lines to append."""
    return [e.line() for e in events]


def parse_history(raw: bytes) -> tuple[list[Event], list[tuple[int, str]]]:
    """Read ``history.jsonl``: the events, and (line number, problem) for each bad line."""
    events: list[Event] = []
    problems: list[tuple[int, str]] = []
    text = raw.decode("utf-8", "replace").removeprefix("\ufeff")
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            events.append(Event.model_validate_json(line))
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in err["loc"]) or "(line)"
            problems.append((number, f"{where}: {err['msg']}"))
        except RecursionError:
            problems.append((number, "nested too deeply"))
    return events, problems


@dataclass(frozen=True)
class Change:
    """One record's change in a period, for consumers that cache the catalog.

    ``change`` is ``"created"``, ``"updated"`` or ``"retired"`` (the record's state at
    the end of the period); ``fields`` the fields that changed; ``at`` the last event's
    time; ``resource`` the record now (``None`` if it is no longer in the catalog).
    """

    resource_id: str
    change: str
    at: dt.datetime
    fields: tuple[str, ...]
    resource: Resource | None

    def to_dict(self) -> dict[str, object]:
        """The JSON form: ``{"resource_id", "change", "at", "fields", "resource"}``."""
        return {
            "resource_id": self.resource_id,
            "change": self.change,
            "at": self.at.isoformat().replace("+00:00", "Z"),
            "fields": list(self.fields),
            "resource": None if self.resource is None else self.resource.model_dump(mode="json"),
        }


def as_datetime(since: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(since, dt.datetime):
        return since if since.tzinfo else since.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)


_CONTENT = frozenset(
    {Action.CREATED, Action.UPDATED, Action.RETIRED, Action.RELISTED, Action.RESOLVED}
)


def changes_in(
    history: Iterable[Event],
    find: Callable[[str], Resource | None],
    since: dt.date | dt.datetime | None,
) -> list[Change]:
    """Records created, updated or retired at or after ``since``, oldest change first.

    Only events that change a record's content count (a review flag, a recorded
    conflict or a conflict resolved by keeping the curated value does not change what
    a consumer shows). ``find`` gives a record by id, ``None`` when it is gone.
    """
    start = as_datetime(since) if since is not None else None
    by_id: dict[str, list[Event]] = {}
    for event in history:
        if event.resource_id is None or event.action not in _CONTENT:
            continue
        if event.action is Action.RESOLVED and event.before == event.after:
            continue
        if start is not None and event.at < start:
            continue
        by_id.setdefault(event.resource_id, []).append(event)
    result: list[Change] = []
    for rid, events in by_id.items():
        record = find(rid)
        actions = {e.action for e in events}
        if record is not None and record.status.value == "retired" and Action.RETIRED in actions:
            kind = "retired"
        elif Action.CREATED in actions:
            kind = "created"
        else:
            kind = "updated"
        # A record created in the period is new as a whole: no field "changed".
        fields = (
            () if kind == "created" else tuple(dict.fromkeys(e.field for e in events if e.field))
        )
        result.append(Change(rid, kind, events[-1].at, fields, record))
    return sorted(result, key=lambda c: (c.at, c.resource_id))


def field_events(
    before: Resource,
    after: Resource,
    fields: Sequence[str],
    *,
    action: Action,
    at: dt.datetime,
    source_id: str | None = None,
    snapshot: str | None = None,
) -> list[Event]:
    """One event per field of ``fields`` whose value differs between the two records."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return [
        Event(
            at=at,
            action=action,
            resource_id=after.id,
            source_id=source_id,
            field=name,
            before=old.get(name),
            after=new.get(name),
            snapshot_sha256=snapshot,
        )
        for name in fields
        if old.get(name) != new.get(name)
    ]
