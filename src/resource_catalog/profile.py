"""Profiles: how to read one source page, as declarative data (pure pydantic, no I/O).

A profile is JSON kept in ``catalog.json`` with its source and reviewed like code; its
JSON Schema is ``schemas/profile.schema.json``. It says:

* where the content is (``content``: CSS selectors tried in order) and what page
  chrome to drop besides the built-in list (``drop``);
* how listings are grouped (``listings.group``):

  ``items``     every element ``listings.selector`` matches is one listing (list
                items, cards, grid cells, accordion paragraphs);
  ``pairs``     ``listings.selector`` matches the name elements (``dt``, or every
                other ``li``); the elements after each, up to the next name, are its
                description (``dd``);
  ``headings``  ``listings.selector`` matches headings (``h3``); everything after one,
                up to the next heading of the same or a higher level, is its listing
                (a heading with nothing under it is a listing with only a name; in
                version 4, when the selector names two levels, a heading with nothing
                under it but deeper listing headings is their section instead, and a
                listing ends where the element holding its heading ends);
  ``lines``     every element ``listings.selector`` matches (``p``) is one listing whose
                lines are split at ``<br>``: an optional label line, then the name line,
                then details;
  ``runs``      every element ``listings.selector`` matches (a paragraph written as a
                list) holds several listings: its lines, split at ``<br>``, are cut into
                runs, each starting at a line ``listings.start`` names (every line, a
                line that starts with a literal bullet, or one that starts with a bold
                or linked lead); a run's first line names it, the others describe it
                (version 2);
  ``table``     every row ``listings.selector`` matches is a listing; ``listings.columns``
                names the columns (by header text or 0-based position);

* where the name is (``name``): a selector inside the listing, a leading link or bold
  element, or the text before a separator (``:``, an en dash); in version 2 also a link
  or bold phrase inside the first sentence (``inline``) or the sentence's leading noun
  phrase (``phrase``); a leading "The" is not part of the name (nor, in version 2, an
  "A" or "An" before a word in lower case), and (version 2) a name written as an
  instruction to reach someone ("Then call Security", "Notify Public Safety at
  555-0100") is the one it reaches, its number going to the description;
* where the section comes from (``section``): the nearest heading above (``heading``),
  a label inside the listing (``label``), or nowhere (``none``: the source's title);
* whether every link or bold phrase inside a listing element opens a listing of its own
  (``listings.phrases``, version 3: "reach the <a>Counseling Center</a> at ..., or
  <b>Campus Police</b> at ..." holds two), running up to the next one;
* whether items nested inside a listing are details of it (``details``);
* the phone region of the page (``region``, ISO 3166 alpha-2: a page outside the US
  reads its own national numbers), whose campus extensions it writes (``campus``: the
  catalog's campus, none, or a :class:`DialPlan` of its own; campus locations are read
  only on a page of the catalog's campus) and the base URL of relative links
  (``base_url``).

Selectors are CSS as soupsieve (BeautifulSoup's own engine) reads them. A source
without a profile is read with :data:`DEFAULT_PROFILE`: the first page's rules.

Versions: version 2 added the ``runs`` grouping with ``listings.start``,
``listings.named`` (only elements with a name are listings), ``listings.follow``
(an item keeps the siblings after it), and ``name.inline`` and
``name.phrase``. Every addition defaults to what version 1 did, so a
version 1 profile (in an older ``catalog.json``) loads unchanged and reads its page
exactly as before; only a version 2 profile may use the additions. Version 3 added
``listings.phrases``, on the same terms: a version 1 or 2 profile reads as it did, and
only a version 3 profile may name listings by the phrases inside a sentence. Version 4
reads a ``headings`` profile whose selector names two heading levels (``h2, h3``) as a
page writes offices at both: a heading with nothing under it but deeper listing headings
is their section, not a listing with only a name (version 3 and older read it as such a
listing), and a heading's listing ends where the element that holds the heading ends (a
layout cell, not the footer after it); and with ``listings.phrases``, the office a
sentence says to call at a number ("call Security on 01227 922355") opens a listing as a
link or bold phrase does. Version 5 added ``listings.names``: the names a person gave
as examples (``sources add --example``) open listings wherever they stand in a listing
element's text, plain words inside a sentence included, when no other reading lists
them. An older profile reads as before and needs no migrating.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

#: Where the main content usually is on a CMS page, most specific first.
DEFAULT_CONTENT = (
    "main",
    "[role=main]",
    "#main-content",
    ".region-content",
    "#content",
    "article",
)
#: Heading tags that give the section on the first page.
DEFAULT_SECTION_SELECTOR = "h2, h3, h4"

Selector = Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]
Region = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class DialPlan(_Model):
    """How a campus writes its own numbers: a short extension that stands for a full number.

    A five-digit extension ``3-1212`` is its first digit (a key of ``prefixes``) and
    four more; the full number is ``+<country_code> <area_code> <exchange> <four>``.
    ``ambiguous`` names the first digits that cannot be read, and why.
    """

    name: str
    country_code: int = Field(default=1, ge=1, le=999)
    area_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")]
    # An exchange is digits: anything else would pass validate and then fail every
    # page read at its first extension.
    prefixes: dict[
        Annotated[str, StringConstraints(pattern=r"^[0-9]$")],
        Annotated[str, StringConstraints(pattern=r"^[0-9]{1,6}$")],
    ]
    ambiguous: dict[Annotated[str, StringConstraints(pattern=r"^[0-9]$")], str] = {}

    @field_validator("prefixes", mode="before")
    @classmethod
    def _prefixes_are_a_mapping(cls, value: Any) -> Any:
        """A list of exchanges cannot say which first digit dials which: say so in words."""
        if value is not None and not isinstance(value, Mapping):
            raise ValueError(
                "prefixes maps an extension's first digit to the exchange it stands for, "
                "e.g. {'3': '253', '8': '258'}; got a "
                f"{type(value).__name__}, which does not say which digit dials which"
            )
        return value


class Grouping(StrEnum):
    """How the elements of a page make listings."""

    ITEMS = "items"
    PAIRS = "pairs"
    HEADINGS = "headings"
    LINES = "lines"
    RUNS = "runs"
    TABLE = "table"


class RunStart(StrEnum):
    """Which lines of a ``runs`` block open a new listing."""

    LINE = "line"  # every line is a listing
    BULLET = "bullet"  # a line that starts with a literal bullet (a dot, a dash, a star)
    LEAD = "lead"  # a line that starts with a bold or linked element


class SectionFrom(StrEnum):
    """Where a listing's section comes from."""

    HEADING = "heading"
    LABEL = "label"
    NONE = "none"


class ListingRule(_Model):
    """Which elements are listings, and how they group."""

    group: Grouping = Grouping.ITEMS
    selector: Selector = Field(
        default="li",
        description="CSS selector of the listing elements (items, lines, table rows), "
        "the name elements (pairs) or the headings (headings).",
    )
    columns: dict[Literal["name", "description", "phones", "locations", "section"], str | int] = (
        Field(
            default_factory=dict,
            description="table: the column of each role, by header text (case-insensitive) "
            "or 0-based position; 'name' is required.",
        )
    )
    exclude: list[Selector] = Field(
        default_factory=list,
        description="Elements matching these are never listings (a 'Back to top' item).",
    )
    named: bool = Field(
        default=False,
        description="Version 2: an element (or run) whose name is empty, a sentence or a "
        "field label ('Phone', 'Note') is not a listing (an intro or closing paragraph).",
    )
    follow: bool = Field(
        default=False,
        description="Version 2, items: the sibling elements after a listing element, up to "
        "the next one or a heading, are part of it (a paragraph that goes on below).",
    )
    phrases: bool = Field(
        default=False,
        description="Version 3, items: every link or bold phrase inside a listing element "
        "that reads as a name opens a listing of its own, up to the next one (names inside "
        "sentences, several to a paragraph); elements with none are not listings. Version "
        "4: so does the office a sentence says to call at a number.",
    )
    names: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        description="Version 5, items: names a person gave as examples. Each place one of "
        "them stands in a listing element's text (as whole words, compared without case) "
        "opens a listing named as given, with the sentence around it; so does the office a "
        "sentence says to call at a number, and, with phrases, every link or bold phrase. "
        "Elements with none of them are not listings.",
    )
    start: RunStart = Field(
        default=RunStart.LINE,
        description="runs: the lines that open a listing (every line, a line with a "
        "literal bullet, or a line that starts with a bold or linked lead).",
    )

    @model_validator(mode="after")
    def _columns_fit_the_group(self) -> ListingRule:
        if self.group is Grouping.TABLE and "name" not in self.columns:
            raise ValueError("a table profile needs columns.name (header text or position)")
        if self.group is not Grouping.TABLE and self.columns:
            raise ValueError(f"columns apply to the table group only, not {self.group.value!r}")
        return self


class NameRule(_Model):
    """Where a listing's name is."""

    selector: Selector | None = Field(
        default=None,
        description="CSS selector inside the listing; the first match's text is the name.",
    )
    lead: bool = Field(
        default=True, description="A leading link or bold element (after an optional 'The')."
    )
    separators: list[Annotated[str, StringConstraints(min_length=1, max_length=5)]] = Field(
        default_factory=lambda: [":"],
        description="The text before the first of these (after a lead element, or in plain "
        "text) is the name and the text after it the description.",
    )
    strip_article: bool = Field(default=True, description="A leading 'The' is not part of it.")
    inline: bool = Field(
        default=False,
        description="Version 2: with no lead, the first link or bold phrase inside the "
        "listing names it ('Contact the <b>Dean of Students</b> at ...').",
    )
    phrase: bool = Field(
        default=False,
        description="Version 2: with no lead or separator, the leading noun phrase of the "
        "text names it ('Care Line (staffed by ...) call 555-0100').",
    )


class SectionRule(_Model):
    """Where a listing's section comes from."""

    source: SectionFrom = Field(default=SectionFrom.HEADING, alias="from")
    selector: Selector | None = Field(
        default=DEFAULT_SECTION_SELECTOR,
        description="heading: the elements that open a section (the nearest one above a "
        "listing names it); label: the label element at the start of a listing.",
    )
    required: bool = Field(
        default=True,
        description="heading: listings above the first section heading are not listings.",
    )
    default: str | None = Field(
        default=None,
        description="The section when none is found (default: the source's title).",
    )

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class Profile(_Model):
    """How to read one source page (see the module documentation)."""

    version: Literal[1, 2, 3, 4, 5] = Field(
        default=2,
        description="The profile format: 1 (the first), 2 (runs, inline and phrase names), "
        "3 (listings named by the phrases inside sentences), 4 (headings of two levels: "
        "one with nothing under it but deeper listing headings is their section; phrases "
        "also name the office a sentence says to call at a number), 5 (listings at the "
        "names a person gave as examples, wherever they stand); an older profile "
        "reads as it always did.",
    )
    content: list[Selector] = Field(
        default_factory=lambda: list(DEFAULT_CONTENT),
        description="Main-content candidates, tried in order; the first that holds "
        "listings wins, else the whole body. An empty list reads the whole body (a page "
        "that marks no main content), less the chrome.",
    )
    drop: list[Selector] = Field(
        default_factory=list, description="Page chrome to remove, besides the built-in list."
    )
    listings: ListingRule = ListingRule()
    name: NameRule = NameRule()
    section: SectionRule = SectionRule()
    details: bool = Field(
        default=True,
        description="Listing elements nested inside a listing are details of it, not listings.",
    )
    region: Region = Field(default="US", description="The country whose numbers the page uses.")
    campus: DialPlan | Literal["catalog", "none"] = Field(
        default="catalog",
        description="Whose campus extensions the page writes: the catalog's campus "
        "('catalog'), none ('none': another campus's page reads only full numbers), or a "
        "dial plan of its own.",
    )
    base_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = Field(
        default=None, description="Relative links resolve against this (default: the page URL)."
    )

    @model_validator(mode="after")
    def _features_of_its_version(self) -> Profile:
        if self.version < 3 and self.listings.phrases:  # noqa: PLR2004
            raise ValueError(
                f"listings.phrases needs profile version 3 (this one is {self.version})"
            )
        if self.version < 5 and self.listings.names:  # noqa: PLR2004
            raise ValueError(f"listings.names needs profile version 5 (this one is {self.version})")
        if self.version >= 2:  # noqa: PLR2004
            return self
        newer = [
            what
            for what, used in (
                ("listings.group 'runs'", self.listings.group is Grouping.RUNS),
                ("listings.start", self.listings.start is not RunStart.LINE),
                ("listings.named", self.listings.named),
                ("listings.follow", self.listings.follow),
                ("name.inline", self.name.inline),
                ("name.phrase", self.name.phrase),
            )
            if used
        ]
        if newer:
            raise ValueError(f"{', '.join(newer)} need profile version 2 (this one is 1)")
        return self


#: The first page's rules: list items under h2-h4 section headings, "Name: text" or a
#: leading link/bold name, nested items as details.
DEFAULT_PROFILE = Profile()
