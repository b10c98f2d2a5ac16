"""Which readings of a page read another reading's sections or details as listings.

Two readings of one page often nest: a heading reading whose one "listing" is a whole
list of hotlines, and the reading of that list; a reading of the units a desk serves,
all under that desk's heading; a reading of the paragraphs under a page's headings,
next to the reading of the headings themselves. The outer or inner reading of such a
pair is *coarse*: it reads sections, or details, as if they were listings, and
:mod:`resource_catalog.pages.infer` scores it down. Works on what the readings read,
never on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from resource_catalog.contacts.fold import fold
from resource_catalog.models import Listing
from resource_catalog.pages.scoring import DESCRIBED, ENOUGH, has_contact

__all__ = [
    "COARSE_BEATEN",
    "Nest",
    "coarse_readings",
    "heading_key",
    "holds_listings",
    "names_topics",
    "reads_bodies",
    "splits_details",
]

#: A finer reading marks a coarser one when it scores at least this share of it.
COARSE_BEATEN: Final = 0.3
#: ... and, to call its names the other's sections, its names read at least this share
#: as well as the other's (lines of hours under each office's heading are no offices).
FINER_NAMES: Final = 0.8
#: Listings enough for a reading of records (below, a reading is thin).
_RECORDS: Final = ENOUGH - 1
#: Characters into a description within which a finer reading's name starts, when the
#: description is that listing's body (its first words name it).
_BODY_LEAD: Final = 12


@dataclass(frozen=True)
class Nest:
    """What the nesting rules need of one reading: its listings, its score, whether its
    sections come from labels inside the listings, and how much its names look like
    names (:attr:`~resource_catalog.pages.scoring.Signals.names`). The folded texts are
    computed once, as every reading is compared with every other."""

    listings: Sequence[Listing]
    score: float
    labels: bool = False
    quality: float = 1.0

    @cached_property
    def keys(self) -> list[str]:
        """The folded names, in order."""
        return [fold(x.name) for x in self.listings]

    @cached_property
    def names(self) -> set[str]:
        """The folded names."""
        return set(self.keys)

    @cached_property
    def sections(self) -> set[str]:
        """The folded sections, compared as names are."""
        return {heading_key(x.section) for x in self.listings}

    @cached_property
    def texts(self) -> list[str]:
        """The folded descriptions, padded with a space to find whole words in."""
        return [f" {fold(x.description)} " for x in self.listings]

    @cached_property
    def reached(self) -> list[str]:
        """The folded names of the listings that give a contact of their own, or a link
        and a description (a resource reached through its site)."""
        return [
            k
            for k, x in zip(self.keys, self.listings, strict=True)
            if k and (has_contact(x) or (x.links and _described(x)))
        ]


def _described(listing: Listing) -> bool:
    """Whether a listing says what it does besides its name ("Ombuds Office - a
    confidential place to talk through concerns"): a resource, not a bare link."""
    return len(listing.description.replace(listing.name, "").strip()) >= DESCRIBED


def heading_key(section: str) -> str:
    """A section folded as a name is: without a leading "The" (names never keep it)."""
    folded = fold(section)
    return folded[4:] if folded.startswith("the ") else folded


def holds_listings(outer: Nest, inner: Nest) -> bool:
    """Whether one listing of ``outer`` holds most of the listings of ``inner``, at least
    three of them, each with a contact of its own (or a link and words on what it does):
    that listing is a section of listings ("Hotlines" over a list of named lines, a
    topic heading over "<a>Ombuds Office</a> - a confidential place to ..."), not one
    office."""
    own = inner.reached
    count = len(inner.listings)
    if len(own) < _RECORDS or len(own) * 2 <= count:
        return False
    written = {fold(x.name): x.name for x in inner.listings}
    for text, listing in zip(outer.texts, outer.listings, strict=True):
        held = sum(
            1
            for name in own
            if f" {name} " in text and _as_written(written[name], listing.description)
        )
        if held >= _RECORDS and held * 2 >= count:
            return True
    return False


def _as_written(name: str, description: str) -> bool:
    """Whether the first word of ``name`` occurs in ``description`` with the capitals it
    is written with, when it has any: "Urgent" (a label) is not held by "... your
    concern is urgent"."""
    return name == name.lower() or name.split(maxsplit=1)[0] in description


def reads_bodies(inner: Nest, outer: Nest) -> bool:
    """Whether most listings of ``inner`` are the descriptions of listings of ``outer``,
    one each (the paragraph under each heading, named by its first words, so the name
    opens the description): ``inner`` reads the details of ``outer``'s records. A name
    met deep inside a description is another office named in passing, not that body."""
    if len(outer.listings) < _RECORDS or inner.names & outer.names:
        return False
    homes = []
    for key in inner.keys:
        found = [
            i
            for i, text in enumerate(outer.texts)
            if key and -1 < text.find(f" {key} ") <= _BODY_LEAD
        ]
        if len(found) == 1:
            homes.append(found[0])
    enough = len(homes) >= 2 and len(homes) * 2 >= len(inner.listings)  # noqa: PLR2004
    return enough and len(set(homes)) == len(homes)


def names_topics(outer: Nest, inner: Nest) -> bool:
    """Whether ``outer`` names topics and ``inner`` the offices under them: ``inner``'s
    names are none of ``outer``'s, each different, and read more like names than
    ``outer``'s do; and most of ``outer``'s listings that give a contact hold one of
    ``inner``'s names inside their text, not as its first words ("After Hours" over "a
    student can reach the <a>Counseling Center</a> at ..."): the contact is that
    name's, not the heading's."""
    keyed = [k for k in inner.keys if k]
    if (
        not keyed
        or len(set(keyed)) < len(keyed)
        or inner.quality <= outer.quality
        or inner.names & outer.names
    ):
        return False
    contacted = [t for t, x in zip(outer.texts, outer.listings, strict=True) if has_contact(x)]
    keys = [f" {k} " for k in keyed]
    holding = sum(1 for text in contacted if any(text.find(k) > 0 for k in keys))
    return len(contacted) >= 2 and holding * 2 >= len(contacted)  # noqa: PLR2004


def splits_details(reading: Nest, finer: Nest) -> bool:
    """Whether the listings ``finer`` reads besides ``reading``'s are, most of them (3 in
    4), lines of ``reading``'s descriptions: ``finer`` cuts its records' details ("After
    hours", "Call reception") off into listings of their own."""
    extra = [k for k in finer.keys if k and k not in reading.names]
    inside = sum(1 for k in extra if any(f" {k} " in text for text in reading.texts))
    return bool(extra) and inside * 4 >= len(extra) * 3


def coarse_readings(readings: Sequence[Nest]) -> list[bool]:
    """For each reading, whether it reads another reading's sections or details."""
    shapes = [(len(r.listings), r.score, r.names, r.sections, r.labels) for r in readings]
    marked = []
    for reading in readings:
        names, count, score = reading.names, len(reading.listings), reading.score
        coarse = any(
            (
                other_score >= score * COARSE_BEATEN
                and other.quality >= reading.quality * FINER_NAMES
                # one listing per heading: the heading names it; one per label: the label
                # is a section, the line after it the name
                and len(names & sections) * 2 >= len(names)
                and (
                    other_count > count
                    or (labels and other_count == count)
                    # or its names are topics, the offices are the finer reading's names
                    or names_topics(reading, other)
                )
            )
            or (
                other_score >= score / 2
                and other_count >= 1.5 * count
                and len(names & held) * 2 >= len(names)
                and not splits_details(reading, other)
            )
            for other, (other_count, other_score, held, sections, labels) in zip(
                readings, shapes, strict=True
            )
        )
        # one of its listings holds most of a finer reading's listings: it is their section
        coarse = coarse or any(
            len(other.listings) > count
            and other.score >= score * COARSE_BEATEN
            and holds_listings(reading, other)
            for other in readings
        )
        own = reading.sections
        # all of them under one heading that another reading lists among several
        # records: they are that record's details (the units a desk serves), not
        # listings; unless they give contacts of their own (then the record is a section)
        inner = len(own) == 1 and any(
            other_score >= score / 2
            and other_count >= _RECORDS
            and own <= held
            and not holds_listings(other, reading)
            for other, (other_count, other_score, held, _, _) in zip(readings, shapes, strict=True)
        )
        # its listings are the bodies of another reading's records, one each (a reading
        # by labels nests so by design: the label is the section, the line after it the
        # name), unless they are names inside those bodies' sentences under topic headings
        bodies = not reading.labels and any(
            other.score >= score / 2
            and reads_bodies(reading, other)
            and not names_topics(other, reading)
            for other in readings
            if other is not reading
        )
        marked.append(coarse or inner or bodies)
    return marked
