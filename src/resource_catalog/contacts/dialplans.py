"""Dial plans: how a campus writes its own phone numbers.

A campus's short extensions are data, a :class:`~resource_catalog.models.DialPlan`
passed as ``campus=``: text from MIT (the default) reads MIT's extensions, text
from elsewhere passes its own plan or ``campus=None`` and reads only full numbers
and short codes. A plan applies only to a page of its own country; and when the
full numbers of a text all have another area code (``203-432-…``), its short forms
are another campus's and are not read either.

MIT writes an on-campus number as its last five digits (``x3-1212``, ``3-1212``)
[news.mit.edu/2002/phone-1002; tech.mit.edu/V121/N34/34howto.34n.html]. The 2002
notice lists the exchanges 225, 252, 253, 258, 324, 452 and 577. A number written
as its last seven digits with an MIT exchange (``253-7923``) is read in 617 too.
:data:`MIT_DIAL_PLAN` is this table:

=======  =================  ==========  ==============================================
Written  Number             Status      Source
=======  =================  ==========  ==============================================
3-xxxx   +1 617-253-xxxx    confirmed   ``x3-HELP`` = 617-253-4357
                                        (web.mit.edu/ist/tel/isdnguide.html)
4-xxxx   +1 617-324-xxxx    confirmed   news.mit.edu/2002/phone-1002
8-xxxx   +1 617-258-xxxx    derived     last-five-digits rule + exchange list: 258 is
                                        the only listed exchange ending in 8
7-xxxx   +1 617-577-xxxx    derived     same rule: 577 is the only one ending in 7
2-xxxx   252 or 452?        ambiguous   rejected with ``InvalidPhoneError``
5-xxxx   225 or 715?        ambiguous   rejected: 617-715 appears in no source found
=======  =================  ==========  ==============================================
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from resource_catalog.profile import DialPlan

__all__ = ["CAMPUS_EXCHANGES", "DIAL_PLANS", "MIT_DIAL_PLAN", "resolve_campus"]

#: How MIT writes its own numbers (see the table above).
MIT_DIAL_PLAN = DialPlan(
    name="MIT",
    country_code=1,
    area_code="617",
    prefixes={"3": "253", "4": "324", "7": "577", "8": "258"},
    ambiguous={
        "2": "2-xxxx is ambiguous between 617-252 and 617-452",
        "5": "5-xxxx is ambiguous between 617-225 and the unconfirmed 617-715",
    },
)
#: Built-in dial plans a catalog can name (``"campus": "mit"`` in catalog.json).
DIAL_PLANS: Mapping[str, DialPlan] = MappingProxyType({"mit": MIT_DIAL_PLAN})


def resolve_campus(campus: DialPlan | str | None) -> DialPlan | None:
    """A catalog's ``campus`` as a dial plan: a built-in plan's name, a plan, or ``None``.

    Raises:
        ValueError: the name is not one of :data:`DIAL_PLANS`.
    """
    if campus is None or isinstance(campus, DialPlan):
        return campus
    try:
        return DIAL_PLANS[campus]
    except KeyError:
        known = ", ".join(sorted(DIAL_PLANS))
        raise ValueError(
            f"unknown campus {campus!r}: name one of {known} or give a dial plan"
        ) from None


#: Campus extension prefix digit -> 617 exchange: MIT_DIAL_PLAN's prefixes.
CAMPUS_EXCHANGES: Mapping[str, str] = MappingProxyType(dict(MIT_DIAL_PLAN.prefixes))
