"""The dial plan of a page that writes its own numbers short, for profile inference.

A small North American page of another campus than the catalog's often gives a full
number once ("(479) 968-0389", the footer's switchboard) and its offices' numbers as
their last seven digits ("call the Housing Operations Office at 356-2060"). The reader
completes a seven-digit number only with a dial plan that names its exchange
(:class:`~resource_catalog.profile.DialPlan`), so, read with no plan, those offices had
no phone and a reading of them looked no better than one of the topic headings above
them. :func:`page_plan` infers the plan from the page itself: the area code its full
numbers share, and the exchanges of the seven-digit numbers no plan reads, each under
its first digit (two exchanges with one first digit leave that digit out: the reader
could not tell them apart). The inference puts the plan in every candidate profile it
reads (:func:`on_plan`), as the profile's ``campus``, so the saved profile reads the
page as the inference did.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Final

import phonenumbers

from resource_catalog.contacts._e164 import is_toll_free
from resource_catalog.contacts.phones import find_phones
from resource_catalog.pages.inference.candidates import Candidate
from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.profile import DialPlan

__all__ = ["on_plan", "page_plan"]

#: A number written in full (area code first), taken out before short ones are counted
#: (the search for seven-digit ones would find its last seven digits).
_FULL: Final = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}")
#: A number written as its last seven digits: an exchange and four digits.
_SEVEN: Final = re.compile(r"(?<![\w.-])([2-9]\d\d)[-.](\d{4})(?![\w-]|\.\d)")
#: A full North American number as the reader stores it.
_FULL_E164: Final = re.compile(r"\+1\d{10}")
#: The countries of the North American plan (+1).
_NANP: Final = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])


def page_plan(tree: PageTree, region: str, campus: DialPlan | None) -> DialPlan | None:
    """The plan of a North American page that writes seven-digit numbers ``campus``
    does not complete: the area code most of its full numbers share (its chrome's too:
    the footer often holds the one full number) and those numbers' exchanges; ``None``
    when it writes none, or gives no full number to take the area code from."""
    if region not in _NANP:
        return None
    text = " ".join(tree.body.get_text(" ").split())
    short = _FULL.sub(" ", text)
    seven = _SEVEN.finditer(short)
    unread = [m for m in seven if not find_phones(m.group(), region=region, campus=campus)]
    if not unread:
        return None
    full = [p.number for p in find_phones(text, region=region, campus=None)]
    codes = Counter(n[2:5] for n in full if _FULL_E164.fullmatch(n) and not is_toll_free(n))
    if not codes:
        return None
    exchanges: dict[str, set[str]] = {}
    for match in unread:
        exchanges.setdefault(match[1][0], set()).add(match[1])
    prefixes = {digit: next(iter(held)) for digit, held in exchanges.items() if len(held) == 1}
    if not prefixes:
        return None
    return DialPlan(name="this page", area_code=codes.most_common(1)[0][0], prefixes=prefixes)


def on_plan(candidates: Iterable[Candidate], plan: DialPlan | None) -> Iterator[Candidate]:
    """``candidates`` with ``plan`` as their profiles' campus (as they are, with none)."""
    for candidate in candidates:
        if plan is None:
            yield candidate
        else:
            profile = candidate.profile.model_copy(update={"campus": plan})
            yield replace(candidate, profile=profile)
