"""Where a page is: the country whose numbers it writes, and whether it is the catalog's campus.

Profile inference (:mod:`resource_catalog.pages.infer`) asks this once per page. The
country comes from the host's country domain (``.edu.au``, ``.ca``, ``.ac.uk``), else
the page's language tag, else the numbers it writes with a country code, else the
country in which its nationally written numbers are valid (far more than in the US),
else the US; a North American page whose numbers are mostly of another country of the
plan is that country's. A page is of the catalog's campus when it is in the campus's country and,
giving full local numbers, gives some in the campus's area code.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final
from urllib.parse import urlsplit

import phonenumbers

from resource_catalog.contacts._e164 import is_toll_free
from resource_catalog.contacts.phones import find_phones
from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.profile import DialPlan

__all__ = ["canonical_url", "own_campus", "page_region"]

_TLD_REGION: Final = {"uk": "GB"}


def own_campus(text: str, region: str, campus: DialPlan | None) -> bool:
    """Whether the page is of the catalog's campus: in its country, and, when the page
    gives full local numbers, some of them in the campus's area code."""
    if campus is None:
        return False
    if phonenumbers.region_code_for_country_code(campus.country_code) != region and not (
        campus.country_code == 1 and region in ("US", "CA")
    ):
        return False
    local = _local_numbers(text, region)
    prefix = f"+{campus.country_code}{campus.area_code}"
    return not local or any(n.startswith(prefix) for n in local)


def _local_numbers(text: str, region: str) -> list[str]:
    """The page's full numbers that belong to a place (no toll-free, no short code),
    read with no campus plan (one cached reading serves every question asked here)."""
    found = (p.number for p in find_phones(text, region=region, campus=None))
    return [n for n in found if n.startswith("+") and not is_toll_free(n)]


#: The countries of the North American plan (+1).
_NANP_REGIONS = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])


def page_region(url: str | None, tree: PageTree, text: str) -> str:
    """The phone region of the page: a country domain, else the page's language tag,
    else the US; a North American page whose numbers are mostly of another country of
    the plan (a Canadian site on a .com host, tagged en-US) is that country's."""
    declared = _declared_region(url, tree)
    region = declared or "US"
    if region == "US" and (abroad := _international_region(text)) is not None:
        return abroad  # said by nothing but its numbers: "+61 3 9555 0100"
    if declared is None and (national := _national_region(text)) is not None:
        return national  # "1800 555 203" and "13 11 14": numbers in Australia, not the US
    if region not in _NANP_REGIONS:
        return region
    countries = Counter(
        phonenumbers.region_code_for_number(phonenumbers.parse(n))
        for n in _local_numbers(text, region)
        if n.startswith("+1")
    )
    top = countries.most_common(1)
    if top and top[0][0] in _NANP_REGIONS and top[0][1] * 2 > sum(countries.values()):
        return str(top[0][0])
    return region


#: A number written with a country code other than +1.
_INTERNATIONAL: Final = re.compile(r"(?<![\w+])\+[2-9]\d{0,2}[\s.\-]?\(?\d[\d\s().\-]{5,16}\d")


def _international_region(text: str) -> str | None:
    """The country most of the page's numbers written with a country code belong to,
    when that is not a North American one (a page that says where it is by its numbers)."""
    countries: Counter[str] = Counter()
    for match in _INTERNATIONAL.finditer(text):
        try:
            number = phonenumbers.parse(match[0], None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            countries[phonenumbers.region_code_for_number(number) or ""] += 1
    top = countries.most_common(1)
    if top and top[0][0] and top[0][0] not in _NANP_REGIONS and top[0][1] * 2 > countries.total():
        return top[0][0]
    return None


def _declared_region(url: str | None, tree: PageTree) -> str | None:
    """The region a page's domain or language tag declares (``None`` when neither does)."""
    host = (urlsplit(url).hostname or "") if url else ""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    region = _TLD_REGION.get(tld, tld.upper())
    if len(region) == 2 and region in phonenumbers.SUPPORTED_REGIONS:  # noqa: PLR2004
        return region
    html = tree.soup.find("html")
    lang = str(html.get("lang", "")) if html is not None and hasattr(html, "get") else ""
    match = re.fullmatch(r"[a-zA-Z]{2,3}[-_]([a-zA-Z]{2})", lang.strip())
    if match and match[1].upper() in phonenumbers.SUPPORTED_REGIONS:
        return match[1].upper()
    return None


#: The countries whose national numbers an undeclared page may write (besides the US).
_ABROAD: Final = ("GB", "AU", "NZ", "IE")
#: Valid numbers enough for a page's numbers alone to say where it is.
_SAYS_WHERE: Final = 3


def _valid_numbers(text: str, region: str) -> int:
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    return sum(1 for _ in matcher)


def _national_region(text: str) -> str | None:
    """The country in which the page's numbers, written nationally, are numbers, when
    they are not in the US: several valid there and at least twice as many as in the US."""
    home = _valid_numbers(text, "US")
    counts = {region: _valid_numbers(text, region) for region in _ABROAD}
    best = max(counts, key=lambda r: counts[r])
    if counts[best] >= _SAYS_WHERE and counts[best] >= 2 * max(home, 1):
        return best
    return None


def canonical_url(tree: PageTree) -> str | None:
    """The page's ``<link rel=canonical>`` URL, when it has an absolute one."""
    for link in tree.soup.find_all("link"):
        rels = [str(r).lower() for r in link.get_attribute_list("rel")]
        href = str(link.get("href") or "").strip()
        if "canonical" in rels and re.match(r"https?://\S+$", href):
            return href
    return None
