"""Render the directory site with Jinja2 and write its files.

Every template is autoescaped and undefined names are errors, so a catalog string can
only ever be text: the JSON placed in ``<script type="application/json">`` blocks is
escaped so that no ``<``, ``>`` or ``&`` survives in it. The pages carry a Content
Security Policy that allows only the site's own script and stylesheet.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources as package_files
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from resource_catalog._base.atomic import write_atomic
from resource_catalog.contacts._buildings import BuildingRegistry, load_buildings
from resource_catalog.contacts.dialplans import resolve_campus
from resource_catalog.errors import ExportError
from resource_catalog.exports.site import views
from resource_catalog.models import Resource, Status
from resource_catalog.store._layout import BUILDINGS_FILE
from resource_catalog.store.catalog import Catalog

__all__ = ["STATIC_FILES", "build_site", "catalog_buildings", "render_site", "script_json"]

_UNNAMED = "Support resources"
#: Files copied as they are from the package's ``static/`` folder.
STATIC_FILES = ("search.js", "site.css")

_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(value: Any) -> Markup:
    """``value`` as JSON that is safe inside a ``<script>`` element, keys in given order."""
    text = json.dumps(value, ensure_ascii=False, indent=None, separators=(",", ":"))
    return Markup(text.translate(_JSON_ESCAPES))  # noqa: S704 (no <, > or & is left in it)


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _long_date(day: dt.date) -> str:
    """``2026-11-26`` as ``26 November 2026``, whatever the machine's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("resource_catalog.exports.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["script_json"] = script_json
    env.filters["words"] = views.words
    env.filters["long_date"] = _long_date
    env.filters["mailto"] = lambda email: "mailto:" + quote(email, safe="@+")
    return env


@dataclass(frozen=True)
class _Page:
    """A record's page: the record and everything the template shows of it."""

    resource: Resource
    path: str
    phones: list[views.PhoneView]
    places: list[views.PlaceView]
    links: list[views.LinkView]
    listed_on: list[views.SourceView]
    confidentiality: str


def _base_url(base_url: str | None) -> str | None:
    if base_url is None:
        return None
    checked = views.safe_web_url(base_url)
    if checked is None:
        raise ExportError(f"--base-url must be an http(s) address, not {base_url!r}")
    return checked if checked.endswith("/") else checked + "/"


def _chosen(resources: Iterable[Resource], *, include_retired: bool) -> list[Resource]:
    by_id: dict[str, Resource] = {}
    for r in resources:
        if r.id in by_id:
            raise ExportError(f"two resources have the id {r.id!r}")
        by_id[r.id] = r
    return [
        by_id[rid] for rid in sorted(by_id) if include_retired or by_id[rid].status is Status.ACTIVE
    ]


def render_site(
    catalog: Catalog | Iterable[Resource],
    *,
    buildings: BuildingRegistry,
    title: str | None = None,
    base_url: str | None = None,
    include_retired: bool = False,
) -> dict[str, str]:
    """The site's files as ``{relative path: text}``, in a fixed order (no I/O).

    A bare list of resources (no catalog) has no source titles, sections order, dial
    plan or map: it is shown under a generic name, sections alphabetically, numbers
    in the North American style, rooms without map links.
    """
    base = _base_url(base_url)
    meta = catalog.meta if isinstance(catalog, Catalog) else None
    sources = meta.sources if meta else []
    map_url = meta.map_url if meta else None
    plan = resolve_campus(meta.campus) if meta else None
    home_country = plan.country_code if plan is not None else 1
    chosen = _chosen(catalog, include_retired=include_retired)
    pages = [
        _Page(
            resource=r,
            path=f"resources/{r.id}.html",
            phones=[views.phone_view(p, home_country) for p in r.phones],
            places=[views.place_view(loc, buildings, map_url) for loc in r.locations],
            links=[views.link_view(link) for link in r.links],
            listed_on=views.source_views(r, sources),
            confidentiality=views.CONFIDENTIALITY_WORDS[r.confidentiality],
        )
        for r in chosen
    ]
    by_id = {page.resource.id: page for page in pages}
    shared: dict[str, Any] = {
        "site_title": title or (meta.name if meta else _UNNAMED),
        "catalog_name": meta.name if meta else _UNNAMED,
        "catalog_description": meta.description if meta else "",
        "count": len(pages),
        "base": base,
    }
    env = _environment()
    files: dict[str, str] = {}
    files["index.html"] = env.get_template("index.html.j2").render(
        shared,
        root="",
        canonical=base and base + "index.html",
        sections=[
            (section, [by_id[r.id] for r in rs])
            for section, rs in views.group_by_section(sources, chosen)
        ],
        search_index={p.resource.id: views.search_words(p.resource) for p in pages},
    )
    files["topics.html"] = env.get_template("topics.html.j2").render(
        shared,
        root="",
        canonical=base and base + "topics.html",
        topics=[(topic, [by_id[r.id] for r in rs]) for topic, rs in views.group_by_topic(chosen)],
    )
    resource_template = env.get_template("resource.html.j2")
    for page in pages:
        url = base and base + page.path
        files[page.path] = resource_template.render(
            shared,
            root="../",
            canonical=url,
            page=page,
            json_ld=views.json_ld(page.resource, page.phones, page.places, url),
        )
    if base:
        files["sitemap.xml"] = env.get_template("sitemap.xml.j2").render(
            urls=[base + name for name in files]
        )
    static = package_files.files("resource_catalog.exports.site") / "static"
    for name in STATIC_FILES:
        files[name] = (static / name).read_text(encoding="utf-8")
    return files


def _write(directory: Path, files: Mapping[str, str]) -> list[Path]:
    written = []
    for name, text in files.items():
        path = directory.joinpath(*PurePosixPath(name).parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text)
        except OSError as exc:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
        written.append(path)
    return written


def catalog_buildings(catalog: Catalog | Iterable[Resource]) -> BuildingRegistry:
    """The catalog's own building registry when its directory has one, else the bundled one."""
    if (
        isinstance(catalog, Catalog)
        and catalog.path is not None
        and (catalog.path / BUILDINGS_FILE).is_file()
    ):
        return load_buildings(catalog.path / BUILDINGS_FILE)
    return load_buildings()


def build_site(
    catalog: Catalog | Iterable[Resource],
    directory: str | os.PathLike[str],
    *,
    buildings: BuildingRegistry | None = None,
    title: str | None = None,
    base_url: str | None = None,
    include_retired: bool = False,
) -> list[Path]:
    """Write the directory site into ``directory`` (created if missing); the files written.

    Raises :class:`ExportError` when ``base_url`` is not an http(s) address or a file
    cannot be written. Rooms take their building's name from ``buildings`` (default:
    :func:`catalog_buildings`). Each file is written atomically; nothing else in
    ``directory`` is touched.
    """
    files = render_site(
        catalog,
        buildings=buildings if buildings is not None else catalog_buildings(catalog),
        title=title,
        base_url=base_url,
        include_retired=include_retired,
    )
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} is not a directory")
    return _write(target, files)
