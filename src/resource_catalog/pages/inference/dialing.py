"""The dial plan of a page that writes its own numbers short, for profile inference.

A North American page of another campus than the catalog's often gives its main number
in full once ("(559) 453-2000", in its footer) and every office's number as its last
seven digits ("call Campus Safety at 453-2298"). Read with no plan, those offices have
no phone, so a reading of them looks no better than one of the topic headings above
them. :func:`page_plan` gives such a page a plan of its own: its full numbers' area
code, and the exchange they share, which its seven-digit numbers are written in. The
inference puts the plan in every candidate profile it reads (:func:`on_plan`), so the
saved profile reads the page as the inference did.
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

#: A number written in full (area code first), taken out before short ones are counted.
_FULL: Final = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}")
#: A number written as its last seven digits: an exchange and four digits.
_SEVEN: Final = re.compile(r"(?<![\d.-])(\d{3})[.-](\d{4})(?![\d-]|\.\d)")
#: The countries of the North American plan (+1).
_NANP: Final = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])


def page_plan(tree: PageTree, region: str, campus: DialPlan | None) -> DialPlan | None:
    """The plan of a North American page that writes numbers of its own exchange short:
    the area code and exchange most of its full numbers share (its chrome's too: the
    footer often holds the one full number), when the page also writes some number of
    that exchange as its last seven digits (``None`` otherwise, and for a page in the
    area code of the catalog's ``campus``, whose own plan reads it)."""
    if region not in _NANP:
        return None
    text = " ".join(tree.body.get_text(" ").split())
    full = [
        p.number
        for p in find_phones(text, region=region, campus=None)
        if p.number.startswith("+1") and len(p.number) == 12 and not is_toll_free(p.number)  # noqa: PLR2004
    ]
    places = Counter((n[2:5], n[5:8]) for n in full)
    if not places:
        return None
    (area, exchange), count = places.most_common(1)[0]
    if count * 2 <= len(full):
        return None  # no exchange of its own: numbers of many places
    if campus is not None and campus.country_code == 1 and campus.area_code == area:
        return None
    short = _FULL.sub(" ", text)
    if not any(m[1] == exchange for m in _SEVEN.finditer(short)):
        return None
    return DialPlan(name="this page", area_code=area, prefixes={exchange[-1]: exchange})


def on_plan(candidates: Iterable[Candidate], plan: DialPlan | None) -> Iterator[Candidate]:
    """``candidates`` with ``plan`` as their profiles' campus (as they are, with none)."""
    for candidate in candidates:
        if plan is None:
            yield candidate
        else:
            profile = candidate.profile.model_copy(update={"campus": plan})
            yield replace(candidate, profile=profile)
