"""The exception tree of :mod:`resource_catalog`.

Every error the library raises derives from :class:`ResourceCatalogError`, so a
caller can catch one type. Errors that mean "this value is wrong" also derive
from :class:`ValueError`; network errors from :class:`OSError` are wrapped, never
leaked::

    ResourceCatalogError
    ├── InvalidPhoneError(ValueError)       parse_phone: text is not a phone number
    ├── InvalidLocationError(ValueError)    parse_location: unknown building / bad room
    ├── CatalogError                        the catalog cannot be loaded or is invalid
    │   └── CatalogLockedError              another sync holds the catalog lock
    ├── SchemaError                         schemas/ is missing or stale
    ├── FetchError                          the page could not be fetched
    ├── ParseError(ValueError)              the page is not the resource page
    │   └── ProfileMismatchError            its profile found no listings on the page
    ├── SyncError                           sync refused (would retire too much, ...)
    ├── ReviewError                         a review step refused (no such record or conflict)
    └── ExportError                         an export could not be written

Errors carry their context as attributes (``.value``, ``.url``, ``.status``,
``.findings``) so a caller need not parse messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from resource_catalog.models import Finding


class ResourceCatalogError(Exception):
    """Base class of every error raised by resource_catalog."""


class InvalidPhoneError(ResourceCatalogError, ValueError):
    """A text is not a phone number we can normalise."""

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"invalid phone number {value!r}: {reason}")
        self.value = value
        self.reason = reason


class InvalidLocationError(ResourceCatalogError, ValueError):
    """A text is not a campus location (unknown building or malformed room)."""

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"invalid location {value!r}: {reason}")
        self.value = value
        self.reason = reason


class CatalogError(ResourceCatalogError):
    """The catalog cannot be loaded, or it is invalid.

    ``findings`` holds every problem found (not only the first).
    """

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings: tuple[Finding, ...] = tuple(findings)


class CatalogLockedError(CatalogError):
    """Another process holds the catalog's sync lock."""


class SchemaError(ResourceCatalogError):
    """The generated JSON Schemas are missing or out of date."""


class FetchError(ResourceCatalogError):
    """The source page could not be fetched."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        where = f"{url} (HTTP {status})" if status is not None else url
        super().__init__(f"could not fetch {where}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


#: The reasons of a :class:`FetchError` that mean the server was never reached (no
#: network, a name that does not resolve, nothing listening): the saved snapshots can
#: still be read instead.
UNREACHABLE_REASONS = (
    "DNS lookup failed",
    "connection refused",
    "connection failed",
    "timed out connecting",
)


def unreachable(message: str) -> bool:
    """Whether an error message (``str`` of a :class:`FetchError`) says the server was
    never reached, as opposed to a server that answered with an error."""
    return message.startswith("could not fetch ") and any(
        f": {reason}" in message for reason in UNREACHABLE_REASONS
    )


class ParseError(ResourceCatalogError, ValueError):
    """A page is not the resource page (no known sections, no listings)."""


class ProfileMismatchError(ParseError):
    """A source's profile no longer matches its page: no listings, or most of them gone.

    The message says which part of the profile found nothing.
    """


class SyncError(ResourceCatalogError):
    """A sync was refused; nothing was written."""


class ReviewError(ResourceCatalogError):
    """A review step was refused; nothing was written.

    An unknown record, a field without a conflict, or a page value that would not
    validate. ``resource_id`` names the record asked for.
    """

    def __init__(self, message: str, resource_id: str | None = None) -> None:
        super().__init__(message)
        self.resource_id = resource_id


class ExportError(ResourceCatalogError):
    """An export could not be produced or written."""
