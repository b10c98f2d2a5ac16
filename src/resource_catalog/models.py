"""Pydantic models of the catalog: pure data, no I/O.

Schema version 2.x: a catalog follows several source pages (``CatalogMeta.sources``,
each with an ``id`` and an optional reading :class:`~resource_catalog.profile.Profile`),
and a record keeps what each page said about it in ``Resource.sources`` (one
:class:`Observation` per page), so one office listed on several pages is one record.
Version 2.1 adds a record's accepted warnings (``review.accepted``); a 2.0 catalog is
read as it is, and written as 2.1 once a warning is accepted. Version 1.0 (one source
page, the record field ``source``) is read by :mod:`resource_catalog.store.migrate`.

JSON keys equal the field names. Every model forbids unknown fields so a typo such
as ``phonez`` is an error, not silently ignored. Domain checks that need the
building registry or the phone library (is this building real? is this number
valid?) live in :mod:`resource_catalog.checks.validate`; the models only check shape.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_serializer,
    model_serializer,
    model_validator,
)

from resource_catalog._base.display import quoted
from resource_catalog._base.urls import MAP_URL_PATTERN, SourceUrl, Url
from resource_catalog.profile import DialPlan, Profile

SCHEMA_VERSION = "2.1"
#: The versions this code reads; older ones are migrated (``resource-catalog migrate``).
READABLE_VERSIONS = ("1.0", "2.0", "2.1")

#: A stable resource identifier: lowercase words joined by single hyphens.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
#: E.164 (``+16172534861``) or the digits of a short code (``911``, ``741741``).
PHONE_NUMBER_PATTERN = r"^(?:\+[1-9][0-9]{6,14}|[0-9]{3,6})$"
#: A building number from the registry: ``5``, ``E23``, ``W20``, ``NW61``, ``7A``, ``W85ABC``.
BUILDING_PATTERN = r"^[A-Z]{0,2}[0-9]+[A-Z]{0,3}$"
#: A snapshot's file name under ``snapshots/``: no directories, no leading dot.
SNAPSHOT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"

ResourceId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
PhoneNumber = Annotated[
    str,
    StringConstraints(pattern=PHONE_NUMBER_PATTERN),
    Field(json_schema_extra={"format": "phone"}),
]
Building = Annotated[str, StringConstraints(pattern=BUILDING_PATTERN)]


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


class Observation(Source):
    """What one source page said about a resource: a :class:`Source` and whose page it was.

    ``listed`` is false once the page no longer lists the resource; the observation is
    kept as the base of the next merge should the listing come back.
    """

    source_id: Slug
    listed: bool = True


#: The fields a sync merges from a page into a record (and so the only ones in conflict).
MERGED_FIELDS = ("name", "section", "description", "phones", "locations", "links")


class Conflict(_Model):
    """A field that a page and the curators both changed: the curated value was kept.

    ``base`` is what the page said before, ``page`` what it says now and ``catalog``
    the curated value (each as the field's JSON value).
    """

    field: str
    source_id: str
    base: JsonValue = None
    page: JsonValue = None
    catalog: JsonValue = None


class Acceptance(_Model):
    """A curator's decision that a warning about a record is known and right (schema 2.1).

    ``finding`` is the warning's code; ``about`` what it concerns, so the decision covers
    that case only: the other record's id for the duplicate warnings, the values the
    pages gave for ``sources-disagree-*``. A new duplicate or new values warn again.
    """

    finding: Annotated[str, StringConstraints(pattern=ID_PATTERN)]
    about: NonEmpty
    reason: NonEmpty
    accepted_on: dt.date


class Review(_Model):
    """Curation state of a record."""

    needs_review: bool = False
    reasons: list[str] = []
    conflicts: list[Conflict] = []
    flagged_at: dt.date | None = None
    last_reviewed: dt.date | None = None
    accepted: list[Acceptance] = Field(
        default=[],
        description="Warnings a curator accepted, each with the reason (schema 2.1).",
    )

    @model_serializer(mode="wrap")
    def _accepted_only_when_any(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Written only when a warning was accepted: a record without any keeps the 2.0
        form byte for byte, so adding the field rewrote no file."""
        data = handler(self)
        if isinstance(data, dict) and not self.accepted:
            data.pop("accepted", None)
        return data


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
    sources: list[Observation] = Field(
        min_length=1, description="What each source page said about the resource, one per page."
    )
    review: Review = Review()

    @property
    def source(self) -> Observation:
        """The observation of the first page that lists the record (else its first one).

        Schema 1.0 had one ``source`` per record; this keeps ``record.source.name``
        working for single-page catalogs. Use :attr:`sources` for every page.
        """
        return next((o for o in self.sources if o.listed), self.sources[0])

    def observation(self, source_id: str) -> Observation | None:
        """What the page ``source_id`` said about this resource, if it ever listed it."""
        return next((o for o in self.sources if o.source_id == source_id), None)

    @property
    def listed_on(self) -> tuple[str, ...]:
        """The ids of the sources that list this resource now."""
        return tuple(o.source_id for o in self.sources if o.listed)

    @model_validator(mode="after")
    def _one_observation_per_source(self) -> Resource:
        ids = [o.source_id for o in self.sources]
        if len(ids) != len(set(ids)):
            raise ValueError("sources: one observation per source id")
        return self


class SourcePage(_Model):
    """A page the catalog is scraped from, and how to read it."""

    id: Slug
    url: SourceUrl
    title: str
    sections: list[NonEmpty] = []
    profile: Profile | None = Field(
        default=None, description="How to read the page (default: the first page's rules)."
    )
    snapshot: Annotated[str, StringConstraints(pattern=SNAPSHOT_PATTERN)] | None = Field(
        default=None,
        description="File name (no directories) of the saved page under catalog/snapshots/.",
    )
    etag: str | None = None
    last_modified: str | None = None
    last_sync: dt.datetime | None = None

    @field_serializer("profile")
    def _profile_as_written(self, profile: Profile | None) -> dict[str, JsonValue] | None:
        """A profile is stored as what differs from the default rules (plus its version)."""
        if profile is None:
            return None
        return {
            "version": profile.version,
            **profile.model_dump(mode="json", exclude_defaults=True),
        }


class CatalogMeta(_Model):
    """The contents of ``catalog/catalog.json``."""

    schema_version: str = SCHEMA_VERSION
    name: str
    description: str = ""
    review_interval_days: int = Field(
        default=365, ge=1, description="Active records are re-verified at least this often."
    )
    campus: DialPlan | Annotated[str, StringConstraints(pattern=ID_PATTERN)] | None = Field(
        default=None,
        description="The campus the catalog's pages belong to: the name of a built-in dial "
        "plan ('mit') or a dial plan. Its extensions are read on its pages; none: only "
        "full numbers.",
    )
    map_url: Annotated[str, StringConstraints(pattern=MAP_URL_PATTERN, max_length=2048)] | None = (
        Field(
            default=None,
            description="The campus map's address for a building: an http(s) URL in which "
            "'{building}' stands for the building number (the directory site links rooms "
            "to it); none: no map links.",
        )
    )
    sources: list[SourcePage] = Field(min_length=1)

    @model_serializer(mode="wrap")
    def _omit_absent_map(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Catalogs written before the map pattern existed stay byte-identical when saved.
        data: dict[str, Any] = handler(self)
        if data.get("map_url") is None:
            data.pop("map_url", None)
        return data

    @model_validator(mode="after")
    def _unique_source_ids(self) -> CatalogMeta:
        ids = [s.id for s in self.sources]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"sources: duplicate id(s) {', '.join(dupes)}")
        names = [s.snapshot for s in self.sources if s.snapshot]
        shared = sorted({n for n in names if names.count(n) > 1})
        if shared:
            raise ValueError(f"sources: two sources share the snapshot file {', '.join(shared)}")
        return self

    def source(self, source_id: str) -> SourcePage:
        """The source with this id; :class:`KeyError` naming the known ids when none."""
        for page in self.sources:
            if page.id == source_id:
                return page
        known = ", ".join(s.id for s in self.sources)
        raise KeyError(f"no source {quoted(source_id)} in this catalog (its sources: {known})")


class Finding(_Model):
    """One validation problem: where it is, the bad value, what is wrong."""

    severity: Severity
    code: str
    message: str
    resource_id: str | None = None
    file: str | None = None
    field: str | None = None
    value: str | None = None
