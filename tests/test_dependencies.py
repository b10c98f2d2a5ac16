"""Every third-party module the package imports is a declared runtime dependency.

A plain ``pip install .`` must give a working tool: a module that is only a test extra
(lxml once was) fails on a user's machine and nowhere else.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "resource_catalog"


def imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"resource_catalog", "__future__"}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower().replace("_", "-")
        for spec in project["dependencies"]
    }


def test_every_imported_package_is_a_runtime_dependency() -> None:
    distributions = importlib.metadata.packages_distributions()
    wanted = declared()
    missing = {}
    for module in sorted(imported_top_levels()):
        owners = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not owners & wanted:
            missing[module] = sorted(owners)
    assert missing == {}, f"imported but not in [project] dependencies: {missing}"
    assert {"lxml", "soupsieve", "phonenumbers"} <= wanted
