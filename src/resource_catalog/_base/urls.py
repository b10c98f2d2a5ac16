"""Which URLs the catalog accepts: the shape, a host, a port in range, no credentials.

Pure rules with no I/O; :mod:`resource_catalog.models` uses them in its field types and
the page reader uses them to drop links no reader could follow.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, StringConstraints

URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
#: A campus map address with the ``{building}`` placeholder (and no other braces).
MAP_URL_PATTERN = r"^https?://[^\s/$.?#{}][^\s{}]*\{building\}[^\s{}]*$"


def url_problem(url: str) -> str | None:
    """Why ``url`` (already of :data:`URL_PATTERN`) cannot be used, or ``None``.

    The pattern lets through URLs that :func:`urllib.parse.urlsplit` rejects (``http://[::1``)
    and ports out of range; every reader of a URL would then fail on its own.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (the property raises on a port out of range)
    except ValueError as exc:
        return f"not a usable URL ({exc})"
    if not parts.hostname:
        return "not a usable URL (no host)"
    return None


def _usable_url(url: str) -> str:
    problem = url_problem(url)
    if problem is not None:
        raise ValueError(problem)
    return url


def _without_credentials(url: str) -> str:
    if urlsplit(url).username is not None:
        raise ValueError(
            "a source's URL may not carry a user name or password (catalog.json is "
            "shared and reviewed); give the address without them"
        )
    return url


Url = Annotated[
    str, StringConstraints(pattern=URL_PATTERN, max_length=2048), AfterValidator(_usable_url)
]
#: A page the catalog follows: a :data:`Url` without credentials, as catalog.json is public.
SourceUrl = Annotated[Url, AfterValidator(_without_credentials)]
