"""Synthetic catalogs and pages for the benchmarks (deterministic, clearly synthetic).

Records look like the curated ones in ``catalog/resources``: office-style names,
descriptions of typical length (the real median is about 220 characters) holding
campus phones (``617-253-xxxx``, sometimes written ``x3-xxxx``), rooms and buildings
from the real registry (``catalog/buildings.csv``), links, topics and audiences.
Links and e-mail addresses use the reserved ``example.edu`` domain, so nothing here
can be mistaken for a real office's contact details.

Pages are the real snapshot (``catalog/snapshots/campus-resources.html``, Drupal 7
chrome) with its body replaced by sections (``<h2>``) of listings
(``<li><strong>Name:</strong> ...`` or ``<li><a href=...>Name</a> ...``).
"""

from __future__ import annotations

import csv
import html
import json
import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog"
SNAPSHOT = CATALOG / "snapshots" / "campus-resources.html"
PAGE_URL = "http://studentlife.mit.edu/citizenship/resources"
SOURCE_ID = "osc-campus-resources"
LINK_BASE = "https://www.example.edu"
REVIEWED = "2026-11-26"

Record = dict[str, Any]

DEPARTMENTS = (
    "Aeronautics and Astronautics", "Architecture", "Biological Engineering", "Biology",
    "Brain and Cognitive Sciences", "Chemical Engineering", "Chemistry",
    "Civil and Environmental Engineering", "Comparative Media Studies",
    "Earth, Atmospheric and Planetary Sciences", "Economics", "Electrical Engineering",
    "Computer Science", "History", "Linguistics and Philosophy", "Literature",
    "Management", "Materials Science", "Mathematics", "Mechanical Engineering",
    "Media Arts and Sciences", "Music and Theater Arts", "Nuclear Science", "Physics",
    "Political Science", "Urban Studies and Planning", "Graduate Student Life",
    "Undergraduate Advising", "Residential Life", "Student Wellbeing", "Career Services",
    "Community Engagement", "Religious Life", "Athletics and Recreation", "Libraries",
    "Global Education", "Writing and Communication", "Teaching and Learning",
    "Family Resources", "Housing", "Dining", "Campus Activities", "Fraternities and Sororities",
    "Veterans Services", "First Generation Programs", "Health Promotion",
    "Financial Aid", "Registrar", "Accessibility", "Sustainability",
)  # fmt: skip
SERVICES = (
    "Advising Office", "Peer Mentoring Program", "Support Center", "Help Desk",
    "Counseling Service", "Resource Office", "Outreach Team", "Wellness Program",
    "Student Services", "Graduate Office", "Orientation Program", "Tutoring Service",
    "Emergency Fund", "Drop-In Hours", "Community Office", "Crisis Line",
    "Mediation Service", "Leadership Program", "Coaching Service", "Referral Desk",
    "Accommodations Office", "Information Line", "Liaison Office", "Listening Line",
    "Advocacy Program", "Writing Lab", "Study Space", "Food Security Program",
    "Housing Assistance", "Financial Counseling",
)  # fmt: skip
SITES = (
    "East Campus", "West Campus", "North Campus", "Kendall", "Main Group", "Graduate Housing",
    "Undergraduate Housing", "Evening Hours", "Weekend Hours", "Summer Session",
    "Independent Activities Period", "Online",
)  # fmt: skip
SECTION_KINDS = (
    "Resources", "Support Resources", "Advising", "Student Life", "Wellbeing",
    "Policy Documents", "Partners and Resources", "Off Campus Resources",
)  # fmt: skip
TOPICS = (
    "advising", "mental-health", "student-support", "housing", "dining", "safety",
    "harassment", "disability", "religious-life", "conflict-resolution", "financial-aid",
    "career", "academics", "international-students", "emergency", "wellbeing",
)  # fmt: skip
AUDIENCES = (
    "students", "undergraduates", "graduate-students", "faculty", "staff", "postdocs",
    "campus-community",
)  # fmt: skip
CONFIDENTIALITY = ("confidential", "private", "anonymous", "not_stated")
AVAILABILITY = (None, None, None, "24/7", "Monday to Friday, 9 am to 5 pm", "Weekdays")

# Sentences in the style of the real listings; placeholders are filled per record.
OPENERS = (
    "{name} offers confidential support to {audience} across the Institute.",
    "{name} provides individualized advising, referrals and resources for {audience}.",
    "The {short} team is here to help anyone dealing with {topic} questions at MIT.",
    "{name} is a low-key, welcoming place that makes asking for help a little easier.",
    "Staff at {name} work with {audience} on {topic} concerns, large or small.",
)
MIDDLES = (
    "A diverse staff is available to you for private conversation and support.",
    "Services are free for students and completely confidential.",
    "They can connect you with other offices on campus when your concern needs more help.",
    "Workshops and drop-in hours are offered during the academic year and over the summer.",
    "Appointments can be made online, by phone, or in person during office hours.",
    "Peer volunteers receive training before they begin supporting members of the community.",
)
CONTACTS = (
    "{short} is located in {location} and may be reached at {phone}.",
    "Call {phone} during office hours, Monday to Friday, 9 am to 5 pm.",
    "Visit the office in {location}, or call {phone} to speak with a staff member.",
    "After hours, the on-call staff member can be reached at {phone}.",
    "From a campus phone, dial {campus}; the office is in {location}.",
    "Walk-in hours are held in {location} on weekdays.",
)


def load_buildings(path: Path = CATALOG / "buildings.csv") -> list[str]:
    """The building numbers of the real registry, in file order."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["building"] for row in csv.DictReader(fh)]


def slugify(text: str) -> str:
    """``"Biology Help Desk (Kendall)"`` -> ``"biology-help-desk-kendall"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def section_names(count: int) -> list[str]:
    """``count`` distinct section headings: the real page's four first."""
    real = json.loads((CATALOG / "catalog.json").read_text(encoding="utf-8"))
    names: list[str] = list(real["sources"][0]["sections"])
    k = 0
    while len(names) < count:
        dept = DEPARTMENTS[k % len(DEPARTMENTS)]
        kind = SECTION_KINDS[(k // len(DEPARTMENTS)) % len(SECTION_KINDS)]
        rounds = k // (len(DEPARTMENTS) * len(SECTION_KINDS))
        names.append(f"{dept} {kind}" + (f" {rounds + 1}" if rounds else ""))
        k += 1
    return names[:count]


GROUPS = (
    "", "for Graduate Students", "for Undergraduates", "for Postdocs", "for Families",
    "for Transfer Students", "for Veterans", "for Athletes", "for Commuters", "for Researchers",
)  # fmt: skip


def _name(i: int) -> str:
    """A unique office name for record ``i``; no two share all their significant words."""
    dept = DEPARTMENTS[i % len(DEPARTMENTS)]
    service = SERVICES[(i // len(DEPARTMENTS)) % len(SERVICES)]
    rest = i // (len(DEPARTMENTS) * len(SERVICES))
    group = GROUPS[rest % len(GROUPS)]
    rounds = rest // len(GROUPS)
    name = f"{dept} {service} {group}".strip()
    if rounds:
        name += f" ({SITES[(rounds - 1) % len(SITES)]})"
    if rounds > len(SITES):
        raise ValueError(f"at most {len(GROUPS) * (len(SITES) + 1) * 1500:,} distinct names")
    return name


def _location(rng: random.Random, buildings: Sequence[str]) -> tuple[str, Record]:
    """A location as written in text, and as a record field."""
    building = rng.choice(buildings)
    if rng.random() < 0.7:
        room = str(rng.randint(100, 999))
        return f"{building}-{room}", {"building": building, "room": room, "label": None}
    written = building if building[0].isalpha() else f"Building {building}"
    return written, {"building": building, "room": None, "label": None}


def make_records(n: int, *, seed: int = 7, sections: int | None = None) -> list[Record]:
    """``n`` resource records in their JSON form (``Resource.model_dump(mode="json")``).

    One section per hundred records (at least the real page's four), all active.
    """
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    buildings = load_buildings()
    heads = section_names(sections or max(4, n // 100))
    acronyms: set[str] = set()
    records: list[Record] = []
    for i in range(n):
        name = _name(i)
        rid = slugify(name)
        if len(rid) > 80:
            rid = f"{rid[:72].rstrip('-')}-{i}"
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper())
        acronym = initials if len(initials) >= 3 and initials not in acronyms else None
        if acronym:
            acronyms.add(acronym)
        short = acronym or name
        topic = rng.choice(TOPICS)
        audience = rng.sample(AUDIENCES, rng.randint(1, 2))
        fill: dict[str, str] = {
            "name": name,
            "short": short,
            "topic": topic.replace("-", " "),
            "audience": " and ".join(a.replace("-", " ") for a in audience),
        }
        phones: list[Record] = []
        locations: list[Record] = []
        sentences = [rng.choice(OPENERS).format(**fill), rng.choice(MIDDLES)]
        if rng.random() < 0.85:
            contact = rng.choice(CONTACTS)
            line = f"{rng.randint(0, 9999):04d}"
            fill["phone"] = f"617-253-{line}"
            fill["campus"] = f"x3-{line}"
            fill["location"], where = _location(rng, buildings)
            sentences.append(contact.format(**fill))
            if "{phone}" in contact or "{campus}" in contact:
                phones.append(
                    {"number": f"+1617253{line}", "extension": None, "label": None, "kind": "voice"}
                )
            if "{location}" in contact:
                locations.append(where)
        if rng.random() < 0.3:
            sentences.append(rng.choice(MIDDLES))
        description = " ".join(dict.fromkeys(sentences))
        links = [
            {
                "url": f"{LINK_BASE}/{slugify(DEPARTMENTS[i % len(DEPARTMENTS)])}/{rid}",
                "label": None,
            }
        ]
        if rng.random() < 0.3:
            links.append({"url": f"{LINK_BASE}/help/{topic}", "label": None})
        section = heads[rng.randrange(len(heads))]
        source = {
            "name": name,
            "section": section,
            "description": description,
            "phones": phones,
            "locations": locations,
            "links": links,
            "url": PAGE_URL,
            "source_id": SOURCE_ID,
            "listed": True,
        }
        records.append(
            {
                "id": rid,
                "name": name,
                "acronym": acronym,
                "section": section,
                "description": description,
                "phones": [dict(p, label=name) for p in phones],
                "locations": [dict(loc, label=f"{short} office") for loc in locations],
                "links": [dict(link, label=f"{short} website") for link in links],
                "emails": [f"{rid[:40].rstrip('-')}@example.edu"] if rng.random() < 0.3 else [],
                "audience": audience,
                "topics": rng.sample(TOPICS, rng.randint(1, 3)),
                "confidentiality": rng.choice(CONFIDENTIALITY),
                "availability": rng.choice(AVAILABILITY),
                "status": "active",
                "sources": [source],
                "review": {
                    "needs_review": False,
                    "reasons": [],
                    "conflicts": [],
                    "flagged_at": None,
                    "last_reviewed": REVIEWED,
                },
            }
        )
    return sorted(records, key=lambda r: str(r["id"]))  # the catalog's order


def listings_of(records: Sequence[Record]) -> list[Record]:
    """What the page shows for each record: its observation without the URL and id."""
    hidden = ("url", "source_id", "listed")
    return [{k: v for k, v in r["sources"][0].items() if k not in hidden} for r in records]


def changed_listings(
    listings: Sequence[Record], *, fraction: float = 0.01, seed: int = 11
) -> list[Record]:
    """A copy of ``listings`` with ``fraction`` of them changed, four kinds in turn.

    Renamed, description edited, phone changed, location changed: every kind of
    drift :func:`resource_catalog.drift.compare.compare` reports for a matched listing.
    """
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    out = [dict(x) for x in listings]
    picked = sorted(rng.sample(range(len(out)), max(1, round(len(out) * fraction))))
    for k, i in enumerate(picked):
        item = out[i]
        kind = k % 4
        if kind == 0:
            item["name"] = f"{item['name']} Office"
        elif kind == 1:
            item["description"] = item["description"] + " Hours change during the summer."
        elif kind == 2:
            item["phones"] = [
                {
                    "number": f"+1617258{k % 10000:04d}",
                    "extension": None,
                    "label": None,
                    "kind": "voice",
                }
            ]
        else:
            item["locations"] = [{"building": "E23", "room": None, "label": None}]
    return out


def canonical_json(data: Any) -> str:
    """The catalog's on-disk JSON form: 2-space indent, UTF-8, trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_catalog(directory: Path, records: Sequence[Record]) -> Path:
    """Write a catalog directory: ``catalog.json``, ``buildings.csv``, one file per record."""
    (directory / "resources").mkdir(parents=True, exist_ok=True)
    meta = json.loads((CATALOG / "catalog.json").read_text(encoding="utf-8"))
    meta["name"] = "Synthetic benchmark catalog"
    meta["sources"] = meta["sources"][:1]
    meta["sources"][0]["sections"] = list(
        dict.fromkeys(r["sources"][0]["section"] for r in records)
    )
    meta["sources"][0]["snapshot"] = None
    (directory / "catalog.json").write_text(canonical_json(meta), encoding="utf-8")
    registry = (CATALOG / "buildings.csv").read_text(encoding="utf-8")
    (directory / "buildings.csv").write_text(registry, encoding="utf-8")
    for record in records:
        path = directory / "resources" / f"{record['id']}.json"
        path.write_text(canonical_json(record), encoding="utf-8")
    return directory


def write_single_file(path: Path, records: Sequence[Record]) -> Path:
    """All records in one JSON array (the validation floor's input)."""
    path.write_text(canonical_json(list(records)), encoding="utf-8")
    return path


def _listing_html(item: Record, index: int) -> str:
    """One ``<li>``: colon form with ``<strong>``, or the leading-link form."""
    name, description = html.escape(item["name"]), html.escape(item["description"])
    links = item["links"]
    extra = "".join(
        f' See <a href="{html.escape(link["url"])}">more about {html.escape(item["name"])}</a>.'
        for link in links[1:]
    )
    if index % 4 == 3 and links and description.startswith(name):  # <a href>Name</a> is ...
        href = html.escape(links[0]["url"])
        rest = description.removeprefix(name)
        return f'<li><a href="{href}">{name}</a>{rest}{extra}</li>'
    first = f' <a href="{html.escape(links[0]["url"])}">Website</a>.' if links else ""
    return f"<li><strong>{name}:</strong> {description}{first}{extra}</li>"


def page_html(listings: Sequence[Record]) -> str:
    """A page of ``listings`` inside the real snapshot's Drupal chrome.

    Listings keep their order; a section heading (``<h2>``) opens wherever the
    section changes, with an introductory paragraph like the real page's.
    """
    template = SNAPSHOT.read_text(encoding="utf-8")
    template = re.sub(r"<!--.*?-->\s*", "", template, count=1, flags=re.S)
    start_tag = '<div class="field-item even" property="content:encoded">'
    head, _, rest = template.partition(start_tag)
    _, _, tail = rest.partition("</div></div>")
    body: list[str] = []
    section = None
    for i, item in enumerate(listings):
        if item["section"] != section:
            if section is not None:
                body.append("</ul>")
            section = item["section"]
            body.append(f"<h2>{html.escape(section)}</h2>")
            body.append(
                "<p>These offices can help you find support; listing here does not imply "
                "endorsement of any service.</p>"
            )
            body.append("<ul>")
        body.append(_listing_html(item, i))
    body.append("</ul>")
    return head + start_tag + "\n" + "\n".join(body) + "\n</div></div>" + tail


def page_listings(n: int, *, seed: int = 13) -> list[Record]:
    """``n`` listings, one section per 25 (at least four), grouped by section in page order."""
    heads = section_names(max(4, n // 25))
    order = {name: k for k, name in enumerate(heads)}
    records = make_records(n, seed=seed, sections=len(heads))
    return sorted(listings_of(records), key=lambda x: order[x["section"]])


def main(argv: Sequence[str]) -> None:
    """``DATA_DIR CATALOG_SIZES PAGE_SIZES`` (sizes comma-separated): write every input."""
    data = Path(argv[0])
    for n in (int(x) for x in argv[1].split(",") if x):
        records = make_records(n)
        write_catalog(data / f"catalog-{n}", records)
        write_single_file(data / f"records-{n}.json", records)
        del records
    for n in (int(x) for x in argv[2].split(",") if x):
        (data / f"page-{n}.html").write_text(page_html(page_listings(n)), encoding="utf-8")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
