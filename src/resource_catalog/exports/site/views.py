"""What the directory site shows of a record, worked out in plain Python (no templates).

Each function here turns catalog values into display values: a phone's readable form
and its ``tel:``/``sms:`` address, a room with its building's name and map link, a
slug as words, the search index and the schema.org description of an office. The
templates only place these values; they decide nothing. Everything is pure and
deterministic: the same catalog gives the same values in the same order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import phonenumbers

from resource_catalog.contacts._buildings import BuildingRegistry
from resource_catalog.models import (
    Confidentiality,
    Link,
    Location,
    Phone,
    PhoneKind,
    Resource,
    SourcePage,
)

__all__ = [
    "CONFIDENTIALITY_WORDS",
    "LinkView",
    "PhoneView",
    "PlaceView",
    "SourceView",
    "group_by_section",
    "group_by_topic",
    "json_ld",
    "link_view",
    "phone_view",
    "place_view",
    "safe_web_url",
    "search_words",
    "words",
]

#: How each confidentiality value reads on the site: always in words, never a colour.
CONFIDENTIALITY_WORDS: dict[Confidentiality, str] = {
    Confidentiality.CONFIDENTIAL: "Confidential",
    Confidentiality.PRIVATE: "Private",
    Confidentiality.ANONYMOUS: "Anonymous reporting possible",
    Confidentiality.NOT_STATED: "Not stated by the pages that list it",
}

_KIND_WORDS = {
    PhoneKind.VOICE: "",
    PhoneKind.EMERGENCY: "Emergency",
    PhoneKind.TTY: "TTY",
    PhoneKind.FAX: "Fax",
    PhoneKind.SMS: "Text message",
}

_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PhoneView:
    """A phone as shown: readable text, its address (``None`` for a fax), what it is."""

    text: str
    href: str | None
    kind: PhoneKind
    kind_text: str
    label: str | None
    number: str
    extension: str | None


@dataclass(frozen=True, slots=True)
class PlaceView:
    """A room or building as shown: its code, the building's name, a map address."""

    code: str
    building: str
    building_name: str | None
    street_address: str | None
    label: str | None
    map_href: str | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class LinkView:
    """A web link; ``href`` is ``None`` when the address is not http(s)."""

    text: str
    href: str | None


@dataclass(frozen=True, slots=True)
class SourceView:
    """A page that lists a record: its title, address and the section it is under."""

    title: str
    href: str | None
    section: str


def words(slug: str) -> str:
    """A slug as words for people: ``graduate-students`` -> ``Graduate students``."""
    text = slug.replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def safe_web_url(url: str) -> str | None:
    """``url`` when it is an http(s) address with a host, else ``None`` (never a script)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(c) < 0x21 or c in "<>\"'`" for c in url.strip()):  # noqa: PLR2004 (controls, space)
        return None
    return url.strip()


def _readable(number: str, home_country: int) -> str:
    if not number.startswith("+"):
        return number  # a short code's digits are its readable form
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == home_country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(parsed, style))


def phone_view(phone: Phone, home_country: int = 1) -> PhoneView:
    """How a phone shows: national form at home, international abroad; a ``tel:`` link.

    The address keeps the E.164 number (or a short code's digits) exactly, with an
    extension as ``;ext=`` (RFC 3966); a text line is an ``sms:`` link and a fax has
    none (a browser cannot send one).
    """
    text = _readable(phone.number, home_country)
    if phone.extension:
        text = f"{text} ext. {phone.extension}"
    if phone.kind is PhoneKind.FAX:
        href = None
    elif phone.kind is PhoneKind.SMS:
        href = f"sms:{phone.number}"
    else:
        href = f"tel:{phone.number}" + (f";ext={phone.extension}" if phone.extension else "")
    return PhoneView(
        text=text,
        href=href,
        kind=phone.kind,
        kind_text=_KIND_WORDS[phone.kind],
        label=phone.label,
        number=phone.number,
        extension=phone.extension,
    )


def map_href(map_url: str | None, building: str) -> str | None:
    """The campus map's address for ``building``, from the catalog's pattern (or none)."""
    if not map_url:
        return None
    return safe_web_url(map_url.replace("{building}", quote(building, safe="")))


def place_view(location: Location, registry: BuildingRegistry, map_url: str | None) -> PlaceView:
    """A location with its building's name and street from the registry, and a map link."""
    info = registry.get(location.building)
    code = location.code
    if location.floor and not location.room:
        code = f"{location.building}, floor {location.floor}"
    return PlaceView(
        code=code,
        building=location.building,
        building_name=info.name if info else None,
        street_address=info.street_address if info else None,
        label=location.label,
        map_href=map_href(map_url, location.building),
        latitude=info.latitude if info else None,
        longitude=info.longitude if info else None,
    )


def link_view(link: Link) -> LinkView:
    """A link shows its label, or its address when it has none."""
    return LinkView(text=link.label or link.url, href=safe_web_url(link.url))


def source_views(resource: Resource, pages: Sequence[SourcePage]) -> list[SourceView]:
    """The pages that list ``resource`` now, in the catalog's order of ``pages``."""
    titles = {page.id: page.title for page in pages}
    order = {page.id: i for i, page in enumerate(pages)}
    listed = sorted(
        (o for o in resource.sources if o.listed), key=lambda o: order.get(o.source_id, len(order))
    )
    return [
        SourceView(
            title=titles.get(o.source_id, o.source_id), href=safe_web_url(o.url), section=o.section
        )
        for o in listed
    ]


def _fold(text: str) -> str:
    """Lower case without accents, as the page's script folds what is typed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def search_words(resource: Resource) -> list[str]:
    """The words a search can start: name, acronym, description, section, topics, audience.

    Folded as the page's script folds what is typed (NFKD, accents dropped, lower
    case), unique and sorted so the index is the same bytes every time.
    """
    text = " ".join(
        [
            resource.name,
            resource.acronym or "",
            resource.description,
            resource.section,
            *(words(t) for t in resource.topics),
            *(words(a) for a in resource.audience),
        ]
    )
    return sorted(set(_WORD_RE.findall(_fold(text))))


def _sort_key(resource: Resource) -> tuple[str, str]:
    return (_fold(resource.name), resource.id)


def section_order(pages: Sequence[SourcePage], resources: Iterable[Resource]) -> list[str]:
    """Sections as the source pages order them, then any others alphabetically."""
    present = {r.section for r in resources}
    ordered: list[str] = []
    for page in pages:
        ordered.extend(s for s in page.sections if s in present and s not in ordered)
    rest = sorted(present - set(ordered), key=lambda s: (_fold(s), s))
    return ordered + rest


def group_by_section(
    pages: Sequence[SourcePage], resources: Sequence[Resource]
) -> list[tuple[str, list[Resource]]]:
    """``(section, records by name)`` in :func:`section_order`."""
    return [
        (section, sorted((r for r in resources if r.section == section), key=_sort_key))
        for section in section_order(pages, resources)
    ]


def group_by_topic(resources: Sequence[Resource]) -> list[tuple[str, list[Resource]]]:
    """``(topic slug, records by name)`` for every topic, topics in alphabetical order."""
    topics = sorted({t for r in resources for t in r.topics})
    return [(t, sorted((r for r in resources if t in r.topics), key=_sort_key)) for t in topics]


def json_ld(
    resource: Resource,
    phones: Sequence[PhoneView],
    places: Sequence[PlaceView],
    page_url: str | None,
) -> dict[str, Any]:
    """The schema.org ``GovernmentOffice`` of a record, its lines as ``ContactPoint``s."""
    office: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentOffice",
        "name": resource.name,
    }
    if page_url:
        office["@id"] = page_url
        office["url"] = page_url
    if resource.acronym:
        office["alternateName"] = resource.acronym
    if resource.description:
        office["description"] = resource.description
    same_as = [href for href in (safe_web_url(link.url) for link in resource.links) if href]
    if same_as:
        office["sameAs"] = same_as
    if resource.emails:
        office["email"] = resource.emails[0]
    calls = [p for p in phones if p.href and p.href.startswith("tel:")]
    if calls:
        office["telephone"] = calls[0].number
    points = []
    for phone in phones:
        point: dict[str, Any] = {"@type": "ContactPoint"}
        number = phone.number + (f";ext={phone.extension}" if phone.extension else "")
        point["faxNumber" if phone.kind is PhoneKind.FAX else "telephone"] = number
        if phone.label or phone.kind_text:
            point["contactType"] = phone.label or phone.kind_text
        points.append(point)
    points.extend({"@type": "ContactPoint", "email": email} for email in resource.emails)
    if points:
        office["contactPoint"] = points
    if places:
        office["location"] = [_place(p) for p in places]
    if resource.audience:
        office["audience"] = [
            {"@type": "Audience", "audienceType": words(a)} for a in resource.audience
        ]
    return office


def _place(place: PlaceView) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Place", "name": place.code}
    if place.building_name:
        data["name"] = f"{place.code} ({place.building_name})"
    if place.street_address:
        data["address"] = {"@type": "PostalAddress", "streetAddress": place.street_address}
    if place.latitude is not None and place.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": place.latitude,
            "longitude": place.longitude,
        }
    if place.map_href:
        data["hasMap"] = place.map_href
    return data
