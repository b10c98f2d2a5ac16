"""The consumer API: what ``import resource_catalog as rc`` promises.

- ``__all__`` is sorted, has no duplicates, and every name in it resolves (the
  network and HTML names lazily, through the module's ``__getattr__``).
- The surface is complete by one rule: every exception in ``errors.py`` (a caller
  must be able to catch what can be raised at it) and every class in ``models.py``
  (a caller meets all of them as fields of a :class:`Resource` or ``Catalog.meta``).
- Importing the package loads neither requests, bs4 nor click.
- ``tests/consumer_example.py`` passes ``mypy --strict`` and runs on the bundled
  catalog; a wrong consumer is rejected by mypy, each mistake on its own line.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import inspect
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import resource_catalog as rc
from resource_catalog import errors, models

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path(__file__).resolve().parent / "consumer_example.py"
# The directory holding the package under test, for the subprocesses (PYTHONPATH
# also puts it on mypy's search path).
PACKAGE_PARENT = str(Path(rc.__file__).resolve().parent.parent)
LAZY_NAMES = ("FetchResult", "fetch_page", "parse_page")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_PARENT, env.get("PYTHONPATH", "")) if p)
    return env


def _public_classes(module: object) -> list[str]:
    return sorted(
        name
        for name, obj in vars(module).items()
        if inspect.isclass(obj)
        and obj.__module__ == getattr(module, "__name__", None)
        and not name.startswith("_")
    )


REQUIRED = [*_public_classes(errors), *_public_classes(models)]


# -- __all__ ------------------------------------------------------------------------


def test_all_is_sorted_without_duplicates() -> None:
    assert rc.__all__ == sorted(rc.__all__)
    assert len(rc.__all__) == len(set(rc.__all__))


@pytest.mark.parametrize("name", rc.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(rc, name) is not None


@pytest.mark.parametrize("name", LAZY_NAMES)
def test_lazy_names_are_exported_and_are_the_real_objects(name: str) -> None:
    assert name in rc.__all__
    module = (
        "resource_catalog.pages.parse" if name == "parse_page" else "resource_catalog.pages.fetch"
    )
    assert getattr(rc, name) is getattr(importlib.import_module(module), name)


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'lod_catalog'"):
        getattr(rc, "lod_catalog")  # noqa: B009 (the name is deliberately not an attribute)


@pytest.mark.parametrize("name", [n for n in rc.__all__ if n != "__version__"])
def test_every_exported_object_has_its_own_docstring(name: str) -> None:
    doc = getattr(rc, name).__doc__
    assert doc
    assert doc.strip()


def test_the_rule_covers_both_modules() -> None:
    # Guard the rule itself: an empty REQUIRED would make the completeness test vacuous.
    assert {"ResourceCatalogError", "CatalogError", "FetchError"} <= set(REQUIRED)
    assert {"Resource", "Phone", "Location", "Listing", "PhoneKind", "Status"} <= set(REQUIRED)
    assert "_Model" not in REQUIRED


@pytest.mark.parametrize("name", REQUIRED)
def test_public_surface_is_complete(name: str) -> None:
    assert name in rc.__all__
    defined_in = errors if hasattr(errors, name) else models
    assert getattr(rc, name) is getattr(defined_in, name)


def test_every_exception_is_a_resource_catalog_error() -> None:
    for name in _public_classes(errors):
        assert issubclass(getattr(errors, name), errors.ResourceCatalogError), name


# -- cheap import -------------------------------------------------------------------

_PROBE = """
import json, sys
import resource_catalog as rc
heavy = ("requests", "bs4", "click")
def loaded():
    return sorted(m for m in sys.modules if m.split(".")[0] in heavy)
before = loaded()
rc.fetch_page, rc.parse_page
print(json.dumps({"before": before, "after": loaded()}))
"""


def test_import_loads_neither_requests_nor_bs4_until_asked() -> None:
    done = subprocess.run(  # noqa: S603 (our own interpreter on a fixed script)
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["before"] == []
    # The probe sees the modules once they are loaded: the lazy names load them.
    assert "requests" in seen["after"]
    assert "bs4" in seen["after"]
    assert "click" not in seen["after"]


# -- the consumer example under mypy --strict and at run time -----------------------


def _mistakes() -> tuple[str, list[tuple[int, str]]]:
    """A consumer that gets the API wrong, and the (line, mypy code) of each mistake."""
    lines = [
        ("import resource_catalog as rc", None),
        ("catalog = rc.load_catalog()", None),
        ("hotline = catalog['student-support-services']", None),
        ("found = catalog.get('student-support-services')", None),
        ("report = rc.compare(catalog, [])", None),
        ("found.name  # may be None", "union-attr"),
        ("number: int = hotline.phones[0].number", "assignment"),
        ("catalog.search(42)", "arg-type"),
        ("rc.to_csv(catalog, 42)  # neither a stream nor a path", "arg-type"),
        ("rc.Phone(number='+16172534861', kind='voicemail')", "arg-type"),
        ("catalog.filter('Support Resources')  # keyword-only", "call-arg"),
        ("hotline.name = 'Renamed'  # records are frozen", "misc"),
        ("report.severity", "attr-defined"),
    ]
    source = "\n".join(text for text, _ in lines) + "\n"
    expected = [(number, code) for number, (_, code) in enumerate(lines, 1) if code]
    return source, expected


MIST_SOURCE, MISTAKES = _mistakes()
TYPO_SOURCE = "import resource_catalog as rc\nrc.lod_catalog()\n"


@dataclass(frozen=True)
class MypyRun:
    """One ``mypy --strict`` run over the consumer snippets: its exit code and its
    error lines, grouped by the file they name."""

    returncode: int
    output: str
    lines: dict[str, list[str]]

    def of(self, name: str) -> list[str]:
        """The lines mypy wrote about the file called ``name``."""
        return self.lines.get(name, [])


@pytest.fixture(scope="session")
def mypy_run(tmp_path_factory: pytest.TempPathFactory) -> MypyRun:
    """mypy is slow to start, so the snippets are checked together, once per test
    process (with xdist, at most once per worker).

    Each test then reads the lines about its own file: a mistake in one file cannot
    hide or fake a result in another, since mypy names the file on every line.
    """
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (it is in the test and typecheck dependency groups)")
    work = tmp_path_factory.mktemp("mypy")
    (work / "wrong_consumer.py").write_text(MIST_SOURCE, encoding="utf-8")
    (work / "typo_consumer.py").write_text(TYPO_SOURCE, encoding="utf-8")
    files = [EXAMPLE, work / "wrong_consumer.py", work / "typo_consumer.py"]
    done = subprocess.run(  # noqa: S603 (our own interpreter running mypy)
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(work / "cache"),
            "--no-error-summary",
            "--show-error-codes",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        check=False,
    )
    lines: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        lines.setdefault(Path(line.split(":", 1)[0]).name, []).append(line)
    return MypyRun(done.returncode, done.stdout + done.stderr, lines)


def test_consumer_example_passes_mypy_strict(mypy_run: MypyRun) -> None:
    assert mypy_run.returncode in (0, 1), mypy_run.output  # 2 would be a crash or bad usage
    assert mypy_run.of(EXAMPLE.name) == [], mypy_run.output
    assert set(mypy_run.lines) <= {EXAMPLE.name, "wrong_consumer.py", "typo_consumer.py"}


def test_mypy_rejects_each_mistake_of_a_wrong_consumer(mypy_run: MypyRun) -> None:
    assert mypy_run.returncode == 1, mypy_run.output
    found = mypy_run.of("wrong_consumer.py")
    errors_at = {
        (int(line.split(":")[1]), line.rsplit("[", 1)[-1].rstrip("]"))
        for line in found
        if ": error: " in line
    }
    for number, code in MISTAKES:
        assert (number, code) in errors_at, (number, code, found)
    # And nothing else: the correct lines type-check.
    assert {n for n, _ in errors_at} == {n for n, _ in MISTAKES}, found


def test_mypy_rejects_a_misspelt_public_name(mypy_run: MypyRun) -> None:
    assert mypy_run.returncode == 1, mypy_run.output
    found = mypy_run.of("typo_consumer.py")
    assert any('has no attribute "lod_catalog"' in line for line in found), mypy_run.output


def _run_example(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter on our own script)
        [sys.executable, str(EXAMPLE), *args],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        check=False,
    )


def _facts(stdout: str) -> tuple[dict[str, str], list[dict[str, list[str]]]]:
    """The example's ``key: value`` lines; drift lines grouped per report."""
    facts: dict[str, str] = {}
    reports: list[dict[str, list[str]]] = []
    for line in stdout.splitlines():
        key, _, value = line.partition(": ")
        if key == "drift.status":
            reports.append({})
        if key.startswith("drift."):
            reports[-1].setdefault(key, []).append(value)
        else:
            facts[key] = value
    return facts, reports


def _ids(value: str) -> list[str]:
    return value.split(",") if value else []


def test_consumer_example_runs_on_the_bundled_catalog() -> None:
    done = _run_example()
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    facts, reports = _facts(done.stdout)

    catalog = rc.load_catalog()
    active = catalog.active
    hotline = catalog["student-support-services"]
    assert facts["resources"] == str(len(active))
    assert facts["lookup"].startswith(f"{hotline.name} ({hotline.acronym})")
    assert hotline.phones[0].number in facts["lookup"]
    assert hotline.locations[0].code in facts["lookup"]
    assert facts["missing"] == "True"

    def has(resource: rc.Resource, word: str) -> bool:
        text = " ".join([resource.name, resource.acronym or "", resource.description])
        return word in f"{text} {' '.join(resource.topics)}".lower()

    found = _ids(facts["search.disability"])
    assert found
    assert set(found) == {r.id for r in active if has(r, "disability")}
    assert facts["section"] == str(sum(r.section == "Support Resources" for r in active))
    assert _ids(facts["topic"]) == [r.id for r in active if "housing" in r.topics]
    assert _ids(facts["audience"]) == [r.id for r in active if "graduate-students" in r.audience]
    assert _ids(facts["confidential"]) == [
        r.id for r in active if r.confidentiality == "confidential"
    ]
    assert _ids(facts["topic"])
    assert _ids(facts["audience"])
    voice = [p for r in active for p in r.phones if p.kind in {"voice", "emergency"}]
    assert facts["phones"] == str(len(voice))
    assert _ids(facts["buildings"]) == sorted({loc.building for r in active for loc in r.locations})
    assert facts["csv.rows"] == str(len(active))
    assert facts["csv.first"] == min(r.id for r in active)
    assert facts["json.records"] == str(len(active))
    changes = catalog.changes(dt.date(2000, 1, 1))
    assert _ids(facts["changes"]) == [f"{c.resource_id}={c.change}" for c in changes]
    retired = {c.resource_id for c in changes if c.change == "retired"}
    assert facts["cache"] == str(len({r.id for r in active} - retired))

    assert _ids(facts["sources"]) == [s.id for s in catalog.meta.sources]
    first_page = [r for r in active if r.observation(catalog.meta.sources[0].id)]
    clean, drifted = reports
    assert clean == {
        "drift.status": ["clean"],
        "drift.max_severity": ["none"],
        "drift.fails_on_major": ["False"],
        "drift.removed": [""],
        "drift.added": [""],
    }
    # The example dropped the first listing and edited the second's description.
    assert drifted["drift.status"] == ["drift"]
    assert drifted["drift.max_severity"] == ["critical"]
    assert drifted["drift.fails_on_major"] == ["True"]
    assert drifted["drift.removed"] == [first_page[0].id]
    assert drifted["drift.added"] == [""]
    [change] = drifted["drift.changed"]
    assert change.startswith(f"{first_page[1].id} description minor: ")
    assert change.endswith(" Updated.'")


def test_consumer_example_reports_an_unusable_catalog(tmp_path: Path) -> None:
    done = _run_example(str(tmp_path / "no-catalog-here"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("catalog unusable: ")


def test_consumer_example_refreshes_its_cache_from_the_changes_feed(
    catalog_dir: Path, tmp_path: Path
) -> None:
    from .curation import NEW, S3, make_review_work  # noqa: PLC0415 (only this test syncs)

    make_review_work(catalog_dir, tmp_path)
    done = _run_example(str(catalog_dir))
    assert done.returncode == 0, done.stderr
    facts, _ = _facts(done.stdout)
    assert _ids(facts["changes"]) == sorted([f"{NEW}=created", f"{S3}=updated"])
    assert facts["cache"] == str(len(rc.load_catalog(catalog_dir).active))
