"""Where the bundled catalog and schemas live, installed or in a checkout, and which
files inside a catalog may be read."""

from __future__ import annotations

import stat
from pathlib import Path

#: The ``resource_catalog`` package (this module sits in its ``_base`` folder).
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
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


def inside(path: Path, directory: Path) -> bool:
    """Whether ``path`` (symlinks followed) lies inside ``directory`` (symlinks followed)."""
    try:
        path.resolve().relative_to(directory.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def saved_file_problem(directory: Path, folder: str, name: str) -> tuple[str, str] | None:
    """Why the file ``folder/name`` of the catalog ``directory`` must not be read, as
    (finding code, message), or ``None`` (a missing file is no problem).

    Such a file is read as a page, and git stores symbolic links, so a pull request
    could make one point anywhere: it must resolve inside the catalog, and be a regular
    file (not a FIFO or a device). The store and the page reader both ask this.
    """
    path = directory / folder / name
    if path.parent.is_symlink() and not inside(path.parent, directory):
        return "symlink", (
            f"the folder {folder}/ is a symbolic link out of the catalog; {name} not read"
        )
    if path.is_symlink() and not inside(path, directory):
        return "symlink", f"{folder}/{name} is a symbolic link out of the catalog; not read"
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return "unreadable", f"{folder}/{name} cannot be read: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return "unreadable", f"{folder}/{name} is not a regular file (a FIFO or a device); not read"
    return None
