"""The dial plan of a page that writes its own campus's numbers without the area code.

A small North American page often gives its offices seven-digit local numbers ("call
the Housing Operations Office at 356-2060") and writes the area code only once, in a
full number elsewhere on the page (the footer's switchboard, "(479) 968-0389"). The
reader completes a seven-digit number only with a dial plan that names its exchange
(:class:`~resource_catalog.profile.DialPlan`), so such a page's offices came out with no
phone. :func:`page_plan` infers that plan from the page itself: the area code its full
numbers share, and the exchanges of its seven-digit numbers, each by its first digit
(two exchanges with one first digit leave that digit out: the reader could not tell
them apart). A profile that reads the page's offices carries the plan as its
``campus``, a format the profile already has.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

from resource_catalog.contacts._e164 import is_toll_free
from resource_catalog.contacts.phones import find_phones
from resource_catalog.profile import DialPlan

__all__ = ["page_plan"]

#: A full North American number, written any common way (left out before the search
#: for seven-digit ones, which would find its last seven digits).
_FULL: Final = re.compile(r"(?:\+?1[\s.-]?)?\(?[2-9]\d\d\)?[\s.-]?[2-9]\d\d[\s.-]\d{4}\b")
#: A seven-digit local number: an exchange and four digits.
_LOCAL: Final = re.compile(r"(?<![\w.-])([2-9]\d\d)[-.](\d{4})(?![\w-]|\.\d)")
#: A full North American number as the reader stores it.
_FULL_E164: Final = re.compile(r"\+1\d{10}")
#: The regions whose numbers are North American.
_NANP: Final = frozenset({"US", "CA"})


def page_plan(
    page_text: str, content_text: str, region: str, campus: DialPlan | None
) -> DialPlan | None:
    """The dial plan of a page whose content (``content_text``) writes seven-digit
    numbers that ``campus`` does not complete, with the area code of the full numbers of
    the whole page (``page_text``); ``None`` when there are none, or no area code."""
    if region not in _NANP:
        return None
    bare = list(_LOCAL.finditer(_FULL.sub(" ", content_text)))
    unread = [m for m in bare if not find_phones(m.group(), region=region, campus=campus)]
    if not unread:
        return None
    full = [p.number for p in find_phones(page_text, region=region, campus=None)]
    codes = Counter(n[2:5] for n in full if _FULL_E164.fullmatch(n) and not is_toll_free(n))
    if not codes:
        return None
    exchanges: dict[str, set[str]] = {}
    for match in unread:
        exchanges.setdefault(match[1][0], set()).add(match[1])
    prefixes = {digit: next(iter(held)) for digit, held in exchanges.items() if len(held) == 1}
    if not prefixes:
        return None
    return DialPlan(
        name="the page's own numbers", area_code=codes.most_common(1)[0][0], prefixes=prefixes
    )
