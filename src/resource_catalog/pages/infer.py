"""Infer a page's profile: propose every reading, read the page through each, keep the best.

:func:`infer_profile` finds the repeated structures of a page outside its chrome
(:mod:`resource_catalog.pages.inference.structure`), turns each into candidate profiles
(:mod:`resource_catalog.pages.inference.candidates`), reads the page through every candidate with
the real reader (:func:`~resource_catalog.pages.parse.read_listings`, so the preview is
exactly what ``scrape`` will read), and scores the readings
(:mod:`resource_catalog.pages.scoring`). Readings that list the same names are one
reading (the stablest profile among them is kept); two good ones in one content that
list different names are read as one too (:mod:`resource_catalog.pages.inference.unions`).

The answer says how sure it is (:class:`Confidence`): ``weak`` when the best reading
has few listings, names that look like sentences, or mostly no contact details;
``ambiguous`` when another, different reading scores close to it. Either way the
runner-up is given, so a person can steer with examples (names they can see on the
page: only readings that list every one of them are kept) or edit the profile.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
from typing import Final

from resource_catalog.contacts.dialplans import MIT_DIAL_PLAN
from resource_catalog.contacts.fold import fold
from resource_catalog.contacts.phones import find_phones
from resource_catalog.errors import ParseError
from resource_catalog.pages.inference.anchors import anchored_candidates
from resource_catalog.pages.inference.candidates import Candidate, propose
from resource_catalog.pages.inference.cued import cued_names, names_topics, reads_offices
from resource_catalog.pages.inference.dialing import on_plan, page_plan
from resource_catalog.pages.inference.examples import different, example_groups, located, steered
from resource_catalog.pages.inference.judging import faults
from resource_catalog.pages.inference.nesting import Nest, coarse_readings
from resource_catalog.pages.inference.region import canonical_url, own_campus, page_region
from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.pages.inference.unions import union_candidates
from resource_catalog.pages.parse import Reading, page_soup, read_listings
from resource_catalog.pages.scoring import (
    Signals,
    numbers_in,
    score_reading,
)
from resource_catalog.profile import DialPlan, Profile, SectionFrom

__all__ = ["INFER_SECONDS", "Confidence", "Inference", "Scored", "infer_profile"]

#: The default bound over one inference, within the 90 s a source's job may take.
INFER_SECONDS: Final = 60.0
#: A runner-up scoring at least this share of the best makes the choice ambiguous.
CLOSE: Final = 0.85
#: The score factor of a reading whose names are a finer reading's sections.
COARSE: Final = 0.4


class Confidence(StrEnum):
    """How sure an inference is."""

    OK = "ok"
    WEAK = "weak"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Scored:
    """A candidate profile, what it reads, and how good that looks.

    ``coarse`` is set when a finer reading of the same page lists this reading's
    names among its own names or section headings: this one reads sections (or
    groups of listings) as if they were listings.
    """

    candidate: Candidate
    reading: Reading
    signals: Signals
    coarse: bool = False

    @property
    def score(self) -> float:
        """The reading's score in [0, 1]."""
        return self.signals.score * (COARSE if self.coarse else 1.0)

    @property
    def names(self) -> list[str]:
        """The listing names, in page order."""
        return [x.name for x in self.reading.listings]


@dataclass(frozen=True)
class Inference:
    """The chosen profile and its reading, how sure that is and why, and the runner-up.

    ``tried`` counts the candidate profiles read; ``canonical_url`` is the page's own
    ``<link rel=canonical>`` address, when it gives one.
    """

    best: Scored
    confidence: Confidence
    reasons: tuple[str, ...]
    runner_up: Scored | None
    tried: int
    canonical_url: str | None = None
    runner_up_reasons: tuple[str, ...] = ()

    def take(self, number: int) -> Inference:
        """The same inference with reading ``number`` (1: the best, 2: the runner-up)
        chosen by a person: sure, since they looked at it.

        Raises:
            ValueError: there is no such reading.
        """
        if number == 1:
            chosen, other, why = self.best, self.runner_up, self.reasons
        elif number == 2 and self.runner_up is not None:  # noqa: PLR2004
            chosen, other, why = self.runner_up, self.best, self.runner_up_reasons
        else:
            shown = "1 or 2" if self.runner_up is not None else "1 (there is no second reading)"
            raise ValueError(f"there is no reading {number} to take: take {shown}")
        reasons = (f"reading {number} taken by the person (it was {self.confidence.value})", *why)
        return replace(
            self, best=chosen, runner_up=other, confidence=Confidence.OK, reasons=reasons
        )

    @property
    def profile(self) -> Profile:
        """The chosen profile."""
        return self.best.candidate.profile

    @property
    def reading(self) -> Reading:
        """What the chosen profile reads on the page."""
        return self.best.reading

    @property
    def score(self) -> float:
        """The chosen reading's score in [0, 1]."""
        return self.best.score


def infer_profile(
    html: str,
    *,
    url: str | None = None,
    examples: Sequence[str] = (),
    campus: DialPlan | None = MIT_DIAL_PLAN,
    seconds: float | None = INFER_SECONDS,
) -> Inference:
    """Propose a profile for the resource page ``html`` (saved from ``url``).

    ``seconds`` bounds the whole inference (``None``: no bound): once it is spent, the
    candidates not yet read are left out (the reasons say so), and when none was read
    in time the page is not recognised. Time grows about linearly with the page.

    ``examples`` are listing names the person can see on the page: only readings that
    list all of them (compared as :func:`~resource_catalog.contacts.fold.fold` compares) count.
    ``campus`` is the catalog's campus: a page in another country, or one whose full
    numbers all have other area codes than the campus's, is read as another campus's
    page (``campus: "none"``: its short extensions are not the catalog's, its rooms not
    read).

    Raises:
        ParseError: no candidate reads any listing, or none reads every example (the
            message names the examples no reading found).
    """
    until = None if seconds is None else time.monotonic() + seconds
    tree = PageTree(page_soup(html))
    text = tree.text(tree.body)
    region = page_region(url, tree, text)
    plan = page_plan(tree, region, campus)  # another campus's numbers, written short
    campus, own = (plan, True) if plan else (campus, own_campus(text, region, campus))
    content_phones = {
        p.number[-10:] for p in find_phones(text, region=region, campus=campus if own else None)
    } | numbers_in(text)
    scored: dict[tuple[str, ...], Scored] = {}
    seeds = example_groups(tree, located(tree, examples)) if examples else []
    candidates = propose(tree, region, own_campus=own, seeds=seeds)
    read = partial(_read_all, scored, until, html, url, campus, content_phones, plan)
    skipped = read(candidates)
    tops = [(r.candidate.profile, r.names, r.score) for r in _ranked(scored) if not r.coarse]
    unions = union_candidates(tree, tops, region, own)  # no sections or details
    read(list(unions))
    readings = _ranked(scored)
    few: frozenset[str] = frozenset()  # the offices the page's sentences give a cue for
    if not examples:
        readings, few = _with_cued(scored, readings, tree, (region, own, campus), read)
    unread: list[str] = []
    if examples:
        readings, unread = steered(readings, examples)
        if unread:  # read from where the examples stand (``inference.anchors``)
            read(anchored_candidates(tree, examples, region, own))
            readings = _ranked(scored)
            readings, unread = steered(readings, examples)
        # of the readings that list the examples, one that is not wrong in itself first
        readings.sort(key=lambda r: bool(_faults(r)[1]))
    if not readings and skipped:
        raise ParseError(f"page not recognised: reading it took longer than {seconds:g} s")
    if not readings or readings[0].score <= 0:
        raise ParseError("page not recognised: no repeated structure of the page reads as listings")
    best = readings[0]
    runner_up = next((r for r in readings[1:] if different(r.names, best.names)), None)
    confidence, reasons = _judge(best, runner_up, bool(examples) and not unread, few)
    second = _judge(runner_up, None, steered=False)[1] if runner_up is not None else []
    if skipped:
        reasons = [*reasons, f"{skipped} of {len(candidates)} readings left untried: out of time"]
    if unread:
        names = ", ".join(repr(e) for e in unread)
        reasons = [f"no reading of the page lists the example(s) {names} as a name", *reasons]
        confidence = Confidence.WEAK
    return Inference(
        best,
        confidence,
        tuple(reasons),
        runner_up,
        len(candidates),
        canonical_url(tree),
        tuple(second),
    )


def _with_cued(
    scored: dict[tuple[str, ...], Scored],
    readings: list[Scored],
    tree: PageTree,
    where: tuple[str, bool, DialPlan | None],
    read: Callable[[list[Candidate]], int],
) -> tuple[list[Scored], frozenset[str]]:
    """The readings, and those at the offices the sentences give a cue for when none
    holds, the best names topics over them or a rival scores close (then the offices'
    reading first, when not weak); the offices, folded, when two or more are found."""
    region, own, campus = where
    offices = cued_names(tree, region, campus if own else None)
    best = readings[0].reading.listings if readings else []
    best_names, top = [x.name for x in best], readings[0].score if readings else 0.0
    topics = bool(offices.enough) and names_topics(best, offices)
    torn = any(different(r.names, best_names) and r.score >= CLOSE * top for r in readings[1:2])
    if best and not topics and not torn and not any(_faults(readings[0])):
        return readings, frozenset()
    if offices.names:
        at = ("the offices given a number", offices.blocks)
        read(anchored_candidates(tree, offices.names, region, own, *at))
    readings = _ranked(scored)
    # a heading per topic over the offices in its sentences: not a reading of them
    kept = [r for r in readings if not (topics and names_topics(r.reading.listings, offices))]
    kept, few = kept or readings, offices.enough
    # a weak best, a reading of topics or a close rival gives way to the offices' reading
    if few and (topics or torn or any(any(_faults(r, few)) for r in kept[:1])):
        kept.sort(key=lambda r: not (reads_offices(r.names, few) and not any(_faults(r, few))))
    return kept, few


def _read_all(
    scored: dict[tuple[str, ...], Scored],
    until: float | None,
    html: str,
    url: str | None,
    campus: DialPlan | None,
    content_phones: set[str],
    plan: DialPlan | None,
    candidates: list[Candidate],
) -> int:
    """Read the page through each of ``candidates`` into ``scored`` while time is left;
    how many were left unread."""
    skipped = 0
    for candidate in on_plan(candidates, plan):
        left = None if until is None else until - time.monotonic()
        if left is not None and left <= 0:
            skipped += 1
        else:
            _read_into(scored, candidate, html, url, campus, content_phones, left)
    return skipped


def _read_into(
    scored: dict[tuple[str, ...], Scored],
    candidate: Candidate,
    html: str,
    url: str | None,
    campus: DialPlan | None,
    content_phones: set[str],
    seconds: float | None = None,
) -> None:
    """Read the page through ``candidate`` into ``scored`` (one reading per list of
    names: the better profile of those that read it)."""
    try:
        reading = read_listings(
            html, profile=candidate.profile, base_url=url, campus=campus, seconds=seconds
        )
    except ParseError:
        return
    result = Scored(candidate, reading, score_reading(reading.listings, content_phones))
    # a reading cut at phrases is kept apart: one that reads the same names one to
    # an element is the simpler profile (:func:`_ranked`)
    cut = "|" if candidate.profile.listings.phrases or candidate.profile.listings.names else ""
    key = (cut, *(fold(x.name) for x in reading.listings))
    held = scored.get(key)
    if held is None or _rank(result) > _rank(held):
        scored[key] = result


def _rank(scored: Scored) -> tuple[float, float]:
    """The score, then the profile that says less and names elements by class, not position."""
    text = scored.candidate.profile.model_dump_json(exclude_defaults=True)
    return (round(scored.score, 6), -len(text) - (200 if ":nth-" in text else 0))


def _ranked(scored: dict[tuple[str, ...], Scored]) -> list[Scored]:
    """The readings best first, marked when coarse (:func:`_coarse`), less those that cut
    elements at their phrases and read no name a reading of one listing to an element
    does not (they only leave elements out)."""
    plain = [set(k[1:]) for k in scored if not k[0]]
    kept = [s for k, s in scored.items() if not (k[0] and any(set(k[1:]) <= p for p in plain))]
    return sorted(_coarse(kept), key=_rank, reverse=True)


def _coarse(readings: list[Scored]) -> list[Scored]:
    """Mark readings that read another reading's sections or details as listings."""
    nests = [
        Nest(
            r.reading.listings,
            r.signals.score,
            r.candidate.profile.section.source is SectionFrom.LABEL,
            r.signals.names,
        )
        for r in readings
    ]
    return [
        replace(r, coarse=True) if coarse else r
        for r, coarse in zip(readings, coarse_readings(nests), strict=True)
    ]


def _judge(
    best: Scored, runner_up: Scored | None, steered: bool, few: frozenset[str] = frozenset()
) -> tuple[Confidence, list[str]]:
    """How sure the best reading is. Examples (``steered``) vouch for a reading that is
    only thin (few listings, few numbers, a low score), never for one that reads
    sections, events or repeated names. A runner-up that scores close makes the choice
    ambiguous unless it is wrong in itself (one listing, sentences for names, events,
    repeated names): that is no other reading of the page, only a worse one. ``few``:
    the offices the page's sentences give a cue for; two are enough, and a runner-up
    that is thin beside them is a worse reading too."""
    thin, wrong = _faults(best, few)
    s = best.signals
    about = (
        f"{s.count} listings, {s.contact:.0%} with a phone, room or e-mail, "
        f"name quality {s.names:.2f}, {s.coverage:.0%} of the content's phones"
    )
    if thin and steered and not wrong:
        # the person named listings this reading reads: their word settles it
        return Confidence.OK, [
            f"the examples chose this reading (alone it would be weak: {'; '.join(thin)})",
            about,
        ]
    if thin or wrong:
        return Confidence.WEAK, [*thin, *wrong, about]
    if (
        runner_up is not None
        and runner_up.score >= CLOSE * best.score
        and not _faults(runner_up)[1]
        and not (few and _worse(best, runner_up, few))
    ):
        close = (
            f"another reading scores close ({runner_up.score:.2f} against {best.score:.2f}): "
            f"{runner_up.candidate.description}"
        )
        hint = "" if steered else "; name a listing with --example to choose"
        return Confidence.AMBIGUOUS, [close + hint, about]
    return Confidence.OK, [about]


def _faults(scored: Scored, few: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """What makes ``scored`` thin, and what makes it wrong (:func:`faults`). A reading
    at the names a person gave (``listings.names``) has the names they chose: neither
    their look nor their number (one example, one listing) makes it wrong. With
    ``few`` (the offices the page's sentences give a cue for), a reading of two or more
    of those offices, or cut from sentences, each with its contact, is not thin."""
    rule = scored.candidate.profile.listings
    offices = reads_offices(scored.names, few)
    cut = offices or (bool(few) and bool(rule.names or rule.phrases))
    thin, wrong = faults(scored.signals, scored.reading.listings, cut, rule)
    if rule.names:
        thin += [w for w in wrong if w.startswith("only ")]
        wrong = [w for w in wrong if not w.startswith(("only ", "many names look"))]
    if offices and scored.signals.count >= 2:  # noqa: PLR2004
        thin = [w for w in thin if not w.startswith("only ")]  # each office has its own cue
    return thin, wrong


def _worse(best: Scored, other: Scored, few: frozenset[str]) -> bool:
    """Whether ``other`` is no rival of ``best`` on a page of the offices ``few``: it is
    thin beside them, or it reads something else while ``best`` reads the offices."""
    mine, theirs = reads_offices(best.names, few), reads_offices(other.names, few)
    return any(_faults(other, few)) or (mine and not theirs)
