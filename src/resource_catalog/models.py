"""Pydantic models of the catalog: pure data, no I/O.

JSON keys equal the field names. Every model forbids unknown fields so a typo such
as ``phonez`` is an error, not silently ignored. Domain checks that need the
building registry or the phone library (is this building real? is this number
valid?) live in :mod:`resource_catalog.validate`; the models only check shape.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)

SCHEMA_VERSION = "1.0"

#: A stable resource identifier: lowercase words joined by single hyphens.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
#: E.164 (``+16172534861``) or the digits of a short code (``911``, ``741741``).
PHONE_NUMBER_PATTERN = r"^(?:\+[1-9][0-9]{6,14}|[0-9]{3,6})$"
#: A building number from the registry: ``5``, ``E23``, ``W20``, ``NW61``, ``7A``, ``W85ABC``.
BUILDING_PATTERN = r"^[A-Z]{0,2}[0-9]+[A-Z]{0,3}$"
URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"

ResourceId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
PhoneNumber = Annotated[
    str,
    StringConstraints(pattern=PHONE_NUMBER_PATTERN),
    Field(json_schema_extra={"format": "phone"}),
]
Building = Annotated[str, StringConstraints(pattern=BUILDING_PATTERN)]
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN, max_length=2048)]
Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_default=True,
        use_enum_values=False,
    )


class PhoneKind(StrEnum):
    """What a phone entry is for."""

    VOICE = "voice"
    EMERGENCY = "emergency"
    TTY = "tty"
    FAX = "fax"
    SMS = "sms"


class Status(StrEnum):
    """Whether a resource is still listed on its source page."""

    ACTIVE = "active"
    RETIRED = "retired"


class Confidentiality(StrEnum):
    """What the source page says about confidentiality."""

    CONFIDENTIAL = "confidential"
    PRIVATE = "private"
    ANONYMOUS = "anonymous"
    NOT_STATED = "not_stated"


class Severity(StrEnum):
    """Severity of a validation finding."""

    ERROR = "error"
    WARNING = "warning"


class Phone(_Model):
    """A phone number: E.164 (or a short code's digits), an extension, what it is for."""

    number: PhoneNumber
    extension: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,6}$")] | None = None
    label: str | None = None
    kind: PhoneKind = PhoneKind.VOICE


class Location(_Model):
    """A campus location: building number from the registry, optional room and floor.

    ``floor`` is the floor when the text names one without a room (``W98-2nd FL``
    gives building W98, floor ``2``); a room number already says its floor.
    """

    building: Building
    room: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")] | None = None
    label: str | None = None
    floor: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,3}$")] | None = None

    @model_serializer(mode="wrap")
    def _omit_absent_floor(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Records written before floors existed stay byte-identical when saved again.
        data: dict[str, Any] = handler(self)
        if data.get("floor") is None:
            data.pop("floor", None)
        return data

    @property
    def code(self) -> str:
        """The location as MIT writes it: ``5-104`` or ``E23``."""
        return f"{self.building}-{self.room}" if self.room else self.building


class DialPlan(_Model):
    """How a campus writes its own numbers: a short extension that stands for a full number.

    A five-digit extension ``3-1212`` is its first digit (a key of ``prefixes``) and
    four more; the full number is ``+<country_code> <area_code> <exchange> <four>``.
    ``ambiguous`` names the first digits that cannot be read, and why.
    """

    name: str
    country_code: int = 1
    area_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")]
    prefixes: dict[Annotated[str, StringConstraints(pattern=r"^[0-9]$")], str]
    ambiguous: dict[str, str] = {}


class Link(_Model):
    """A web link (http or https)."""

    url: Url
    label: str | None = None


class Listing(_Model):
    """One listing as the source page shows it: the unit the scraper produces.

    ``name`` is the listing's own name text (may be empty when the page lost it);
    ``description`` is the normalised text of the listing after the name.
    """

    name: str
    section: str
    description: str
    phones: list[Phone] = []
    locations: list[Location] = []
    links: list[Link] = []


class Source(Listing):
    """What the source page said about a resource, kept apart from curated fields."""

    url: Url


class Review(_Model):
    """Curation state of a record."""

    needs_review: bool = False
    reasons: list[str] = []
    last_reviewed: dt.date | None = None


class Resource(_Model):
    """One campus support resource: curated fields plus what the page said."""

    id: ResourceId
    name: NonEmpty
    acronym: str | None = None
    section: NonEmpty
    description: str
    phones: list[Phone] = []
    locations: list[Location] = []
    links: list[Link] = []
    emails: list[Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = []
    audience: list[Slug] = []
    topics: list[Slug] = []
    confidentiality: Confidentiality = Confidentiality.NOT_STATED
    availability: str | None = None
    status: Status = Status.ACTIVE
    source: Source
    review: Review = Review()


class SourcePage(_Model):
    """A page the catalog is scraped from."""

    url: Url
    title: str
    sections: list[NonEmpty]
    snapshot: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")] | None
    ) = Field(
        default=None,
        description="File name (no directories) of the saved page under catalog/snapshots/.",
    )
    etag: str | None = None
    last_modified: str | None = None
    last_sync: dt.datetime | None = None


class CatalogMeta(_Model):
    """The contents of ``catalog/catalog.json``."""

    schema_version: str = SCHEMA_VERSION
    name: str
    description: str = ""
    sources: list[SourcePage] = Field(min_length=1)


class Finding(_Model):
    """One validation problem: where it is, the bad value, what is wrong."""

    severity: Severity
    code: str
    message: str
    resource_id: str | None = None
    file: str | None = None
    field: str | None = None
    value: str | None = None
