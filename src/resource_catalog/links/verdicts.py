"""What a link check concludes: the verdict on one answer, the flap rule, the state file.

Pure and offline. :mod:`resource_catalog.links.probe` asks a server about a URL and
describes what it said as a :class:`Probe`; :func:`judge` turns that into a
:class:`Verdict`:

* ``ok``: the page answers (a temporary redirect, 302/303/307, is still ok: the
  link is the one to keep);
* ``redirected``: a permanent redirect (301, 308) that ends on a page that answers;
  ``final_url`` is where the permanent part of the chain ends, the URL to take;
* ``broken``: 404 or 410 (also at the end of a redirect chain);
* ``unreachable``: no usable answer (timeouts, DNS, refused connections, 429, 5xx,
  a redirect loop, any other error status).

An unreachable link is a flaky host until it has failed ``fail_after`` runs in a row:
:func:`settle` counts the runs in the :class:`LinkState` kept between runs and only
then reports it as broken. ``mailto:`` and ``tel:`` links are judged without the
network by :func:`judge_offline`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "FAIL_AFTER",
    "Hop",
    "LinkState",
    "LinkStatus",
    "Probe",
    "StateEntry",
    "Verdict",
    "judge",
    "judge_offline",
    "parse_state",
    "settle",
    "state_bytes",
]

#: Consecutive failing runs after which an unreachable link counts as broken.
FAIL_AFTER: Final = 3
STATE_VERSION: Final = 1

PERMANENT: Final = frozenset({301, 308})
GONE: Final = frozenset({404, 410})
#: Answers that say "not for you" rather than "not here": a login wall or a bot filter.
#: The page may be fine for a person, so they are not counted against the link.
REFUSED: Final = frozenset({401, 403, 407, 451})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class LinkStatus(StrEnum):
    """The verdict on one link."""

    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Hop:
    """One answer on the way to a page: its status and the URL that gave it."""

    status: int
    url: str


@dataclass(frozen=True)
class Probe:
    """What the server said about ``url``, in order.

    ``hops`` are the answers received (redirects first, the final answer last).
    ``error`` says why there is no final answer (a timeout, a refused connection, a
    redirect loop...); the hops then end before it. ``method`` is the request of the
    last answer (``HEAD``, or ``GET`` when the server refused a HEAD).
    ``retry_after`` is the wait in seconds a final 429 or 503 asked for, if any.
    """

    url: str
    hops: tuple[Hop, ...] = ()
    error: str | None = None
    method: str = "HEAD"
    retry_after: float | None = None


@dataclass(frozen=True)
class Verdict:
    """One check's conclusion, before the flap rule (see :func:`settle`)."""

    status: LinkStatus
    http_status: int | None
    final_url: str | None
    message: str


def judge(probe: Probe) -> Verdict:
    """The verdict on what a server said; see the module docstring for the rules."""
    last = probe.hops[-1] if probe.hops else None
    if probe.error is not None or last is None:
        where = f" (after {_chain(probe)})" if probe.hops else ""
        return Verdict(
            LinkStatus.UNREACHABLE,
            last.status if last is not None else None,
            None,
            f"{probe.error or 'no answer'}{where}",
        )
    status = last.status
    moved_to = _permanent_target(probe)
    via = f" via {_chain(probe)}" if len(probe.hops) > 1 else ""
    if status in GONE:
        what = "not found" if status == 404 else "gone"  # noqa: PLR2004 (Not Found)
        return Verdict(LinkStatus.BROKEN, status, last.url, f"{what} ({status}){via}")
    if 200 <= status < 400:  # noqa: PLR2004 (success, or a 3xx that is not a redirect)
        if moved_to is not None:
            return Verdict(
                LinkStatus.REDIRECTED,
                status,
                moved_to,
                f"moved permanently to {moved_to}{via}",
            )
        note = f"answers {status}{via}" if via else f"answers {status}"
        return Verdict(LinkStatus.OK, status, last.url, note)
    if status in REFUSED:
        return Verdict(
            LinkStatus.OK,
            status,
            last.url,
            f"answers {status}{via}: a login or a filter against automated checks; "
            "not counted as broken",
        )
    kind = "rate limited" if status == 429 else "server error" if status >= 500 else "error"  # noqa: PLR2004
    return Verdict(LinkStatus.UNREACHABLE, status, last.url, f"{kind} ({status}){via}")


def _permanent_target(probe: Probe) -> str | None:
    """Where the leading permanent redirects lead, when they lead somewhere else."""
    target = None
    for current, after in zip(probe.hops, probe.hops[1:], strict=False):
        if current.status not in PERMANENT:
            break
        target = after.url
    return target if target is not None and target != probe.url else None


def _chain(probe: Probe) -> str:
    return " -> ".join(str(h.status) for h in probe.hops)


def judge_offline(url: str) -> Verdict:
    """A ``mailto:`` or ``tel:`` link judged by its syntax (a ``tel:`` number must parse
    as a phone); any other scheme that is not http(s) is broken for a reader."""
    scheme, _, rest = url.partition(":")
    scheme = scheme.lower()
    if scheme == "mailto":
        address = unquote(rest.split("?", 1)[0])
        addresses = [a.strip() for a in address.split(",") if a.strip()]
        bad = [a for a in addresses if not _EMAIL.match(a)]
        if not addresses or bad:
            shown = bad[0] if bad else "(none)"
            return Verdict(LinkStatus.BROKEN, None, None, f"not an email address: {shown!r}")
        return Verdict(LinkStatus.OK, None, url, "email address (checked offline)")
    if scheme == "tel":
        from resource_catalog.contacts.phones import parse_phone  # noqa: PLC0415 (phonenumbers is heavy)
        from resource_catalog.errors import InvalidPhoneError  # noqa: PLC0415

        try:
            number = parse_phone(unquote(url), campus=None)
        except InvalidPhoneError as exc:
            return Verdict(LinkStatus.BROKEN, None, None, f"not a phone number: {exc}")
        return Verdict(LinkStatus.OK, None, f"tel:{number}", "phone number (checked offline)")
    if urlsplit(url).scheme.lower() in {"http", "https"}:
        raise ValueError(f"{url!r} is a web link: check it over the network")
    return Verdict(LinkStatus.BROKEN, None, None, f"not a link a reader can follow: {url!r}")


# --------------------------------------------------------------------------- state


class StateEntry(BaseModel):
    """A link that failed in the last run(s): how many runs in a row, since when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    failures: int = Field(ge=1)
    first_failed: dt.datetime
    last_failed: dt.datetime
    message: str = ""


class LinkState(BaseModel):
    """The state file: the links failing at the end of the last run, by URL.

    A link that answers again is dropped, so the file stays as small as the trouble.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = STATE_VERSION
    links: dict[str, StateEntry] = {}


def parse_state(raw: bytes, where: str) -> LinkState:
    """Read a state file's bytes; :class:`ValueError` naming ``where`` when it is not one."""
    try:
        state = LinkState.model_validate_json(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or "(file)"
        raise ValueError(f"{where} is not a link state file ({field}: {err['msg']})") from None
    if state.version != STATE_VERSION:
        raise ValueError(f"{where} is a link state file of version {state.version}, not 1")
    return state


def state_bytes(state: LinkState) -> bytes:
    """The state file's content: sorted, indented JSON with a final newline."""
    data = state.model_dump(mode="json")
    data["links"] = dict(sorted(data["links"].items()))
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def settle(
    verdict: Verdict,
    previous: StateEntry | None,
    *,
    at: dt.datetime,
    fail_after: int = FAIL_AFTER,
) -> tuple[Verdict, StateEntry | None, int]:
    """Apply the flap rule to one checked link.

    Returns the verdict to report, the link's new state entry (``None`` once it answers)
    and its count of failing runs in a row. An unreachable link becomes ``broken``
    when this run makes ``fail_after`` failures in a row; a definite answer (ok,
    redirected, broken) clears the count.
    """
    if fail_after < 1:
        raise ValueError("fail_after must be at least 1")
    if verdict.status is not LinkStatus.UNREACHABLE:
        return verdict, None, 0
    failures = (previous.failures if previous is not None else 0) + 1
    entry = StateEntry(
        failures=failures,
        first_failed=previous.first_failed if previous is not None else at,
        last_failed=at,
        message=verdict.message,
    )
    if failures < fail_after:
        note = f"{verdict.message}; failing run {failures} of {fail_after} before it counts"
        return (
            Verdict(verdict.status, verdict.http_status, verdict.final_url, note),
            entry,
            failures,
        )
    since = entry.first_failed.date().isoformat()
    broken = Verdict(
        LinkStatus.BROKEN,
        verdict.http_status,
        verdict.final_url,
        f"{verdict.message}; unreachable in {failures} runs in a row (since {since})",
    )
    return broken, entry, failures
