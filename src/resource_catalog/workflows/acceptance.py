"""Accepting a warning: a curator's decision, kept in the record, that a warning is right.

``validate`` warns about records that look alike (``possible-duplicate``, a shared
phone, name or link) and about pages that contradict each other about one office
(``sources-disagree-*``). Some of these are true and intended: two offices reached
through one switchboard, one office that a page lists twice. :func:`accept_warning`
records the decision in ``review.accepted`` of the record, naming what it is about (the
other record, or the values the pages gave) and why, so ``validate --strict`` passes
on a curated catalog while a new duplicate or a new contradiction still warns.

It holds the catalog's sync lock, checks the changed catalog as ``validate`` would and
saves the record with a ``reviewed`` history event in one atomic commit. A catalog of
schema 2.0 is written as 2.1 in that commit (2.1 adds ``review.accepted``).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from resource_catalog._base.paths import default_catalog_dir
from resource_catalog.checks.records import ACCEPTABLE, open_warnings
from resource_catalog.checks.validate import load_for_change, refuse_invalid
from resource_catalog.errors import ReviewError
from resource_catalog.models import SCHEMA_VERSION, Acceptance, Resource
from resource_catalog.store.events import Action, Event, event_lines, now
from resource_catalog.store.files import catalog_lock, save_catalog
from resource_catalog.workflows.review import find_record

__all__ = ["AcceptResult", "accept_warning"]


@dataclass(frozen=True)
class AcceptResult:
    """What :func:`accept_warning` recorded: the record after, and the files written."""

    directory: Path
    resource: Resource
    accepted: tuple[Acceptance, ...]
    written: tuple[Path, ...]


def accept_warning(
    path: str | os.PathLike[str] | None,
    resource_id: str,
    code: str,
    reason: str,
    *,
    today: dt.date | None = None,
    at: dt.datetime | None = None,
) -> AcceptResult:
    """Accept every open ``code`` warning about ``resource_id``, for ``reason``.

    Raises :class:`ReviewError` (nothing written) for a code that cannot be accepted,
    an empty reason, an unknown record, or a record with no such warning.
    """
    if code not in ACCEPTABLE:
        raise ReviewError(
            f"{code!r} cannot be accepted; the warnings a curator can accept: "
            f"{', '.join(ACCEPTABLE)}",
            resource_id,
        )
    if not reason.strip():
        raise ReviewError("say why the warning is right: --reason TEXT", resource_id)
    stamp = at or now()
    day = today or stamp.date()
    directory = Path(path) if path is not None else default_catalog_dir()
    with catalog_lock(directory):
        catalog = load_for_change(directory)
        record = find_record(catalog, resource_id)
        found = open_warnings(catalog.resources, resource_id, code)
        if not found:
            raise ReviewError(f"{resource_id} has no open {code!r} warning", resource_id)
        new = tuple(
            Acceptance(finding=code, about=about, reason=reason.strip(), accepted_on=day)
            for about in dict.fromkeys(about for _finding, about in found)
        )
        review = record.review.model_copy(update={"accepted": [*record.review.accepted, *new]})
        updated = record.model_copy(update={"review": review})
        event = Event(
            at=stamp,
            action=Action.REVIEWED,
            resource_id=resource_id,
            field="review.accepted",
            before=[a.model_dump(mode="json") for a in record.review.accepted],
            after=[a.model_dump(mode="json") for a in review.accepted],
        )
        changed = catalog.replace(
            [updated if r.id == resource_id else r for r in catalog.resources]
        )
        if changed.meta.schema_version != SCHEMA_VERSION:
            changed = changed.with_meta(
                changed.meta.model_copy(update={"schema_version": SCHEMA_VERSION})
            )
        refuse_invalid(changed, resource_id, lambda message: ReviewError(message, resource_id))
        written = save_catalog(changed, directory, history=event_lines([event]))
    return AcceptResult(directory, updated, new, tuple(written))
