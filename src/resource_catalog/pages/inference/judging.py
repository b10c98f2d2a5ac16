"""Why a reading of a page is weak: what makes it thin, and what makes it wrong.

A *thin* reading is short of evidence (few listings, few contacts, a low score): a
person's examples may vouch for it. A *wrong* one reads something other than listings
(one listing, sentences or chrome for names, events, offices' sections, repeated
names): no example vouches for it, and as a runner-up it is no other reading of the
page, only a worse one. :mod:`resource_catalog.pages.infer` turns these into the
inference's confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from resource_catalog.models import Listing
from resource_catalog.pages.scoring import DESCRIBED, Signals, distinct_places
from resource_catalog.profile import ListingRule

__all__ = ["faults"]

#: Below these the best reading is weak.
MIN_LISTINGS: Final = 3
MIN_SCORE: Final = 0.3
MIN_NAMES: Final = 0.6
MIN_CONTACT: Final = 0.5
#: ... unless this share of them at least links somewhere (a list of linked resources).
MIN_LINKED: Final = 0.8
#: ... unless the names are this clean (a list of named offices that give no number).
CLEAN_NAMES: Final = 0.85
MAX_DATED: Final = 0.5
MAX_CROWDED: Final = 0.5
MIN_DISTINCT: Final = 0.9
#: The share of the content's phones two clean, reachable listings hold to stand alone.
MIN_COVERED: Final = 0.9


def faults(
    s: Signals,
    listings: Sequence[Listing],
    offices: bool = False,
    rule: ListingRule | None = None,
) -> tuple[list[str], list[str]]:
    """Why the reading of ``listings`` (with signals ``s``) is weak: what makes it thin
    and what makes it wrong, each as reasons a person can read (both empty: it is not).
    ``offices``: the reading is cut at the offices a page's sentences give a number for,
    on a page whose prose is about them, so two that each give a contact are enough.
    ``rule``: how the reading cuts the page; when each listing is an element of its own
    (not a phrase cut from a sentence), two that each give a contact and hold the
    content's numbers are enough too: the page lists no more (a story naming two
    offices in passing is cut from its sentences, and stays thin)."""
    elements = rule is not None and not (rule.names or rule.phrases)
    thin: list[str] = []
    wrong: list[str] = []
    pair = s.count >= 2 and s.contact >= 1.0 and s.names >= CLEAN_NAMES  # noqa: PLR2004
    enough = pair and (offices or (elements and s.coverage >= MIN_COVERED))
    if s.count < MIN_LISTINGS and not enough:
        (thin if s.count >= 2 else wrong).append(f"only {s.count} listing(s)")  # noqa: PLR2004
    if s.names < MIN_NAMES:
        wrong.append("many names look like sentences or page chrome, not names")
    if s.contact < MIN_CONTACT and s.linked < MIN_LINKED and s.names < CLEAN_NAMES:
        thin.append(f"{1 - s.linked:.0%} of the listings have no phone, room, e-mail or link")
    if s.dated > MAX_DATED:
        wrong.append(f"{s.dated:.0%} of the listings give dates (events or news, not resources)")
    if s.crowded > MAX_CROWDED:
        wrong.append(
            f"{s.crowded:.0%} of the listings hold several phones (sections, not offices?)"
        )
    if s.distinct < MIN_DISTINCT and distinct_places(listings) < MIN_DISTINCT:
        wrong.append(f"{1 - s.distinct:.0%} of the names repeat")
    if s.score < MIN_SCORE and not thin and not wrong and not _described(s, listings):
        thin.append(f"the best reading scores only {s.score:.2f}")
    return thin, wrong


def _described(s: Signals, listings: Sequence[Listing]) -> bool:
    """Clean names, most with a description of their own: offices that give no number
    but say what they do or when they are open (a heading per desk and its paragraph)."""
    return (
        s.count >= MIN_LISTINGS
        and s.names >= CLEAN_NAMES
        and sum(len(x.description) >= DESCRIBED for x in listings) * 4 >= len(listings) * 3
    )
