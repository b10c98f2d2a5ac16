"""The directory site: a static, accessible website of the catalog's active resources.

An index grouped by section (with a search box that filters as you type), a page per
topic list and a page per resource, rendered with autoescaped Jinja2 templates; the
same catalog always gives the same bytes. Imports the models, the building registry,
dial plans and phonenumbers; nothing here prints or exits. Importing this package loads
jinja2, so :mod:`resource_catalog.exports.writers` imports it only when a site is built.
"""

from __future__ import annotations

from resource_catalog.exports.site.build import (
    STATIC_FILES,
    build_site,
    catalog_buildings,
    render_site,
)

__all__ = ["STATIC_FILES", "build_site", "catalog_buildings", "render_site"]
