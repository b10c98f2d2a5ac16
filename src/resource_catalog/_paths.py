"""Where the bundled catalog and schemas live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
# A wheel carries the data inside the package (see pyproject's force-include);
# an editable install or a checkout reads it from the repository's top level.
_INSTALLED_DATA = _PACKAGE_DIR / "data"
_CHECKOUT_ROOT = _PACKAGE_DIR.parent.parent


def bundled_catalog_dir() -> Path:
    """The catalog shipped with the package."""
    installed = _INSTALLED_DATA / "catalog"
    if installed.is_dir():
        return installed
    return _CHECKOUT_ROOT / "catalog"


def bundled_schemas_dir() -> Path:
    """The JSON Schemas shipped with the package."""
    installed = _INSTALLED_DATA / "schemas"
    if installed.is_dir():
        return installed
    return _CHECKOUT_ROOT / "schemas"


def is_bundled(path: Path) -> bool:
    """True when ``path`` is inside the installed package (never write there)."""
    try:
        path.resolve().relative_to(_PACKAGE_DIR)
    except ValueError:
        return False
    return True


def default_catalog_dir(cwd: Path | None = None) -> Path:
    """The working directory when it is a catalog, else ``./catalog`` when it has one,
    else the bundled catalog."""
    here = cwd or Path.cwd()
    for candidate in (here, here / "catalog"):
        if (candidate / "catalog.json").is_file():
            return candidate
    return bundled_catalog_dir()
