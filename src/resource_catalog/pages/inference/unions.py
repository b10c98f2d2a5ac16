"""Two readings of one page that each read part of its listings: one profile for both.

A page may write some of its offices as names inside a paragraph and the others as a
list of links, or as prose and a grid of tiles. Each structure gives a reading of its
own, and each lists only some of the offices; neither is the page. When two good
readings list different names, the reading of both structures at once (the one
profile with both listing selectors, read by either's rules) is proposed too, and the
scorer weighs it like any other reading.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final

from resource_catalog.contacts.fold import fold
from resource_catalog.pages.inference.candidates import Candidate
from resource_catalog.pages.inference.scope import scoped_profile
from resource_catalog.pages.inference.structure import Group, PageTree, matches_within
from resource_catalog.profile import Grouping, Profile

__all__ = ["union_candidates"]

#: Readings weighed for a union: the best few, each scoring this share of the best.
_TOP: Final = 4
_FLOOR: Final = 0.6
#: Groupings whose listings are elements of their own (a union of two stays one).
_ELEMENTS: Final = frozenset({Grouping.ITEMS, Grouping.LINES})


def union_candidates(
    tree: PageTree,
    readings: Sequence[tuple[Profile, list[str], float]],
    region: str,
    own_campus: bool,
) -> list[Candidate]:
    """Candidates reading two of ``readings`` (profile, names, score; best first) at
    once: two of the best few, of listings that are elements in the same content, that
    share no name."""
    top = [r for r in readings[:_TOP] if r[2] >= _FLOOR * readings[0][2]] if readings else []
    found: dict[str, Candidate] = {}
    for i, (first, names, _) in enumerate(top):
        for second, others, _ in top[i + 1 :]:
            if {fold(n) for n in names} & {fold(n) for n in others}:
                continue
            if first.content != second.content:
                continue  # two parts of the page: a union would read what lies between
            for rules in _both(first, second):
                profile = _scoped(tree, rules, region, own_campus)
                if profile is not None and profile.content == first.content:
                    found.setdefault(
                        profile.model_dump_json(),
                        Candidate(
                            profile, f"both structures at once: {rules['listings']['selector']}"
                        ),
                    )
    return list(found.values())


def _both(first: Profile, second: Profile) -> Iterator[dict[str, Any]]:
    """The rules of each profile, over the listing selectors of both."""
    one, two = first.listings, second.listings
    if one.group not in _ELEMENTS or two.group not in _ELEMENTS or one.selector == two.selector:
        return
    selector = f"{one.selector}, {two.selector}"
    for profile in (first, second):
        rules = profile.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        kept: dict[str, Any] = {k: rules[k] for k in ("version", "name") if k in rules}
        listings = {**rules.get("listings", {}), "group": profile.listings.group.value}
        listings["selector"] = selector
        yield {**kept, "listings": listings}


def _scoped(tree: PageTree, rules: dict[str, Any], region: str, own: bool) -> Profile | None:
    """The rules scoped to the lowest element holding every listing element they name."""
    selector = rules["listings"]["selector"]
    members = [t for t in matches_within(tree.body, selector) if not tree.is_chrome(t)]
    if len(members) < 2:  # noqa: PLR2004
        return None
    group = Group((selector,), tuple(members))
    return scoped_profile(tree, group, tree.content_root(group.members), rules, region, own)
