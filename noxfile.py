"""Maintainer sessions: ``nox -l`` lists them, ``nox`` runs the default ones.

Dependencies come from pyproject's dependency groups; every session passes
``*session.posargs`` through. Sessions that write files or need the network
are not run by default.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "tests", "package"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHON = "3.11"


def _group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff (lint and formatting) and import-linter (the layers in pyproject)."""
    session.install("-e", ".", *_group("lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """Mypy --strict with the pydantic plugin over src, tests and this file."""
    session.install("-e", ".", *_group("typecheck"), "nox")
    session.run("mypy", *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Pytest on every core, with branch coverage; the 15 slowest tests are listed.

    Hypothesis runs its small "ci" profile here; ``nox -s thorough`` runs the deep one.
    """
    session.install("-e", ".", *_group("test"))
    session.run(
        "pytest",
        "-n",
        "auto",
        "--cov",
        "--cov-report=term",
        "--cov-report=xml",
        "--durations=15",
        *session.posargs,
        env={"HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "ci")},
    )


@nox.session(python=PYTHON, default=False)
def thorough(session: nox.Session) -> None:
    """The property tests with hypothesis's "thorough" profile (2,000 examples each)."""
    session.install("-e", ".", *_group("test"))
    with_properties = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("test_*.py")
        if "from hypothesis import" in path.read_text(encoding="utf-8")
    )
    session.run(
        "pytest",
        "-n",
        "auto",
        *(session.posargs or with_properties),
        env={"HYPOTHESIS_PROFILE": "thorough"},
    )


@nox.session(python=PYTHON)
def package(session: nox.Session) -> None:
    """Build sdist + wheel, check their contents, install the wheel in a fresh venv, run it."""
    session.install(*_group("package"))
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(dist))
    session.run("twine", "check", "--strict", *map(str, dist.iterdir()))
    wheel = next(dist.glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    wanted = [
        "resource_catalog/py.typed",
        "resource_catalog/data/catalog/catalog.json",
        "resource_catalog/data/catalog/buildings.csv",
        "resource_catalog/data/catalog/NOTICE.md",
        "resource_catalog/data/schemas/resource.schema.json",
        "resource_catalog/exports/site/templates/index.html.j2",
        "resource_catalog/exports/site/static/site.css",
        "resource_catalog/exports/site/static/search.js",
    ]
    missing = [n for n in wanted if n not in names]
    if not any(n.startswith("resource_catalog/data/catalog/resources/") for n in names):
        missing.append("resource_catalog/data/catalog/resources/*.json")
    if missing:
        session.error(f"wheel lacks {missing}")
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        session.run(sys.executable, "-m", "venv", str(venv), external=True)
        bindir = venv / ("Scripts" if os.name == "nt" else "bin")
        session.run(str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel), external=True)
        session.chdir(tmp)  # no ./catalog here: the bundled one must be found
        cli = str(bindir / "resource-catalog")
        session.run(cli, "--version", external=True)
        session.run(cli, "validate", external=True)
        session.run(cli, "check", external=True)
        session.run(cli, "export", "--format", "site", "-o", "site", external=True)
        session.run(
            str(bindir / "python"),
            "-c",
            "import resource_catalog as rc; c = rc.load_catalog();"
            " assert len(c.active) == 35, len(c.active); print(len(c.active), 'resources')",
            external=True,
        )
        session.chdir(ROOT)


@nox.session(python=PYTHON, default=False)
def schemas(session: nox.Session) -> None:
    """Regenerate schemas/ from the models (writes files)."""
    session.install("-e", ".")
    session.run("resource-catalog", "schema", "--dir", "schemas", *session.posargs)


@nox.session(python=PYTHON, default=False)
def screenshot(session: nox.Session) -> None:
    """Retake docs/site-index.png, the README's picture of the site (writes a file).

    Needs Debian's chromium; the browser test that takes it runs with the test extras.
    """
    session.install("-e", ".", *_group("test"))
    session.run(
        "pytest",
        "tests/exports/test_site_browser.py",
        "-k",
        "screenshot",
        *session.posargs,
        env={"SITE_SCREENSHOT": str(ROOT / "docs" / "site-index.png")},
    )


@nox.session(python=PYTHON, default=False)
def drift(session: nox.Session) -> None:
    """Live drift check (needs the network): text on the console, reports in reports/.

    Writes reports/drift.json, drift.md (for $GITHUB_STEP_SUMMARY), drift.html and
    exit-code (0 clean, 1 drift at or above --fail-on, 2 could not check), so a
    workflow can tell "drift found" from "could not fetch". Extra arguments go to
    ``resource-catalog diff`` (default: ``--fail-on major``).
    """
    session.install(".")
    code = drift_reports(Path(session.bin) / "resource-catalog", ROOT / "reports", session.posargs)
    if code:
        meaning = {1: "drift found", 2: "could not check the page"}.get(code, "failed")
        session.error(f"resource-catalog diff exited {code}: {meaning}")


def drift_reports(cli: Path, reports: Path, posargs: Sequence[str]) -> int:
    """Run ``diff --report-dir`` and write ``exit-code``; the drift session's work.

    ``diff`` writes the full report even when no page could be checked (each source an
    error row). Only when it wrote none (the catalog could not be read, bad options)
    does drift.md become every ``error:`` line it printed, so the summary is never blank.
    """
    args = list(posargs) or ["--fail-on", "major"]
    reports.mkdir(exist_ok=True)
    for stale in ("drift.json", "drift.md", "drift.html", "exit-code"):
        (reports / stale).unlink(missing_ok=True)  # a report is always this run's
    done = subprocess.run(  # nox's session.run cannot return the exit status
        [str(cli), "diff", "--report-dir", str(reports), *args],
        check=False,
        stderr=subprocess.PIPE,
        text=True,
    )
    code = done.returncode
    sys.stderr.write(done.stderr)
    if not (reports / "drift.md").exists():
        lines = [line for line in done.stderr.splitlines() if line.strip()] or ["no output"]
        shown = "\n".join(f"    {line}" for line in lines)
        (reports / "drift.md").write_text(
            f"## Drift check could not run (exit {code})\n\n{shown}\n", encoding="utf-8"
        )
    (reports / "exit-code").write_text(f"{code}\n", encoding="utf-8")
    return code


@nox.session(python=PYTHON, default=False)
def links(session: nox.Session) -> None:
    """Link health (needs the network): every link of the catalog checked, report in reports/.

    Writes reports/links.md (for $GITHUB_STEP_SUMMARY) and links-exit-code (0 nothing
    broken, 1 broken links, 2 could not check), and keeps the failing links' count in
    reports/links-state.json, so a link counts as broken only after three failing runs
    in a row when the workflow carries that file from night to night. Extra arguments go
    to ``resource-catalog links``.
    """
    session.install(".")
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    cli = Path(session.bin) / "resource-catalog"
    command = [str(cli), "links", "--format", "markdown", "-o", str(reports / "links.md")]
    command += ["--state", str(reports / "links-state.json"), *session.posargs]
    (reports / "links.md").unlink(missing_ok=True)  # never post an earlier run's report
    done = subprocess.run(command, check=False, stderr=subprocess.PIPE, text=True)
    code = done.returncode
    sys.stderr.write(done.stderr)
    if code == 2 and not (reports / "links.md").exists():  # noqa: PLR2004 (could not check)
        error = done.stderr.strip().splitlines()[-1:] or ["unknown error"]
        (reports / "links.md").write_text(
            f"## Link check could not run\n\n`{error[0]}`\n", encoding="utf-8"
        )
    (reports / "links-exit-code").write_text(f"{code}\n", encoding="utf-8")
    if code:
        meaning = {1: "broken links", 2: "could not check the links"}.get(code, "failed")
        session.error(f"resource-catalog links exited {code}: {meaning}")


@nox.session(python=PYTHON, default=False)
def review(session: nox.Session) -> None:
    """Print the review queue: records a sync flagged, with reasons and conflicts.

    Arguments go to ``resource-catalog review list`` (``--stale`` for the records due
    for re-verification, ``--format json|markdown``). A non-empty queue exits 1 in the
    CLI; here it is a result, not a failure, so the session passes and shows it.
    """
    if not _installed_from_here(session):  # once; an editable install follows the source
        session.install("-e", ".")
    session.run("resource-catalog", "review", "list", *session.posargs, success_codes=[0, 1])


def _installed_from_here(session: nox.Session) -> bool:
    """Whether the session's venv imports resource_catalog from this checkout's src/."""
    probe = (
        "import pathlib, sys, resource_catalog as rc; "
        "here = pathlib.Path(rc.__file__).resolve(); "
        "sys.exit(not here.is_relative_to(pathlib.Path(sys.argv[1])))"
    )
    python = Path(session.bin) / "python"
    src = str((ROOT / "src").resolve())
    found = subprocess.run([str(python), "-c", probe, src], check=False, capture_output=True)
    return found.returncode == 0


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks: regenerate benchmarks/results.md and scaling.png (writes files; minutes).

    Times load + validate, parse, diff and exports at 1k-100k against their floors,
    plus start-up. ``nox -s bench -- --quick`` is a smoke run into a temporary directory.
    """
    session.install(".", *_group("bench"))
    session.run("python", "-m", "benchmarks.run", *session.posargs, env={"BENCH_VIA_NOX": "1"})
