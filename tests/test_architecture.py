"""The package's shape is tested, so it cannot decay quietly.

import-linter's contracts (in pyproject.toml) hold the layers; here they run in-process,
so ``nox -s tests`` (what CI runs) enforces them as well as ``nox -s lint``. The other
tests check what the contracts cannot: no import cycle inside a family, no new module at
the top level, and modules and families small enough to read.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

import resource_catalog

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(resource_catalog.__file__).resolve().parent

#: The vocabulary every layer uses, and the package's version; the low-level helpers
#: every family shares are the ``_base`` package.
TOP_LEVEL = {
    "__init__",
    "__main__",
    "_version",
    "models",
    "errors",
    "profile",
}
FAMILIES = {"cli", "workflows", "reports", "exports", "drift", "checks", "pages", "store"}
FAMILIES |= {"contacts", "links", "_base"}
MAX_LINES = 400
MAX_MODULES = 10
#: Modules allowed past MAX_LINES, each pinned at its size so that it can only shrink
#: (none today: a module that grows past the limit is split, or pinned here with a reason).
LONG_MODULES: dict[str, int] = {}
BIG_FAMILIES: dict[str, int] = {}


def test_import_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, capsys.readouterr().out


def test_contracts_name_every_family() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["type"] == "layers" and "containers" not in c
    ]
    named = {part.strip() for layer in layers["layers"] for part in layer.split("|")}
    for family in FAMILIES:
        assert f"resource_catalog.{family}" in named, family


def test_no_import_cycle_anywhere() -> None:
    graph = grimp.build_graph("resource_catalog")
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported == importer or not imported.startswith("resource_catalog"):
                continue
            if _is_ancestor(imported, importer) or _is_ancestor(importer, imported):
                continue  # a package and its own modules: __init__ is not a cycle
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append(" -> ".join((importer, *back)))
    assert cycles == []


def _is_ancestor(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def test_only_the_vocabulary_sits_at_the_top_level() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert modules - TOP_LEVEL == set()
    assert packages == FAMILIES


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_family_says_what_it_is_for_and_what_it_may_import(family: str) -> None:
    tree = ast.parse((PACKAGE / family / "__init__.py").read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc is not None
    assert "import" in doc.lower()


def test_modules_and_families_stay_small() -> None:
    too_long = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > LONG_MODULES.get(rel, MAX_LINES):
            too_long[rel] = lines
    assert too_long == {}
    too_big = {}
    for family in FAMILIES:
        count = sum(1 for p in (PACKAGE / family).glob("*.py") if p.name != "__init__.py")
        if count > BIG_FAMILIES.get(family, MAX_MODULES):
            too_big[family] = count
    assert too_big == {}
