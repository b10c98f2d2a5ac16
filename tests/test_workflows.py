"""The GitHub workflows: what they run, and that it matches the noxfile and the CLI.

The nightly job's shell steps are run here with bash on each outcome of the
drift session, so "drift found" (1) and "could not check" (2) are tested as
behaviour, not only as text.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from resource_catalog.cli import cli

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
NOXFILE = ROOT / "noxfile.py"
NOX_RUN = re.compile(r"\bnox\b[^\n]*?\s-s\s+(\$\{\{[^}]*\}\}|[\w-]+)")


def load(name: str) -> dict[str, Any]:
    """A workflow as a dict; YAML 1.1 reads the key ``on`` as True, so it is renamed."""
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def sessions_run(workflow: dict[str, Any]) -> list[str]:
    """Every nox session a workflow's run steps invoke, matrix values expanded."""
    found: list[str] = []
    for job in workflow["jobs"].values():
        matrix = job.get("strategy", {}).get("matrix", {})
        for step in job["steps"]:
            for token in NOX_RUN.findall(step.get("run", "")):
                expression = re.fullmatch(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", token)
                found += matrix[expression.group(1)] if expression else [token]
    return found


def noxfile_tree() -> ast.Module:
    return ast.parse(NOXFILE.read_text(encoding="utf-8"))


def _is_nox_session(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) == "nox.session"


def nox_sessions() -> dict[str, ast.FunctionDef]:
    """The functions of noxfile.py decorated with ``@nox.session``, by name."""
    return {
        node.name: node
        for node in noxfile_tree().body
        if isinstance(node, ast.FunctionDef) and any(map(_is_nox_session, node.decorator_list))
    }


def noxfile_constant(name: str) -> Any:
    for node in noxfile_tree().body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == name:
            return ast.literal_eval(node.value)
    raise AssertionError(f"noxfile.py does not set {name}")


# -- both workflows -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["ci.yml", "nightly-drift.yml"])
def test_every_nox_session_named_in_a_workflow_exists(name: str) -> None:
    named = sessions_run(load(name))
    assert named
    assert set(named) <= set(nox_sessions()), set(named) - set(nox_sessions())


def test_the_noxfile_parser_finds_the_sessions() -> None:
    # Guard the guard: the AST walk must see decorated sessions, and only those.
    found = nox_sessions()
    assert {"lint", "typecheck", "tests", "package", "drift"} <= set(found)
    assert "_group" not in found


@pytest.mark.parametrize("name", ["ci.yml", "nightly-drift.yml"])
def test_workflows_use_the_noxfile_python_and_read_only_permissions(name: str) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {"contents": "read"}
    setups = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setups
    assert {s["with"]["python-version"] for s in setups} == {noxfile_constant("PYTHON")}
    assert {job["runs-on"] for job in workflow["jobs"].values()} == {"ubuntu-latest"}


# -- ci.yml ---------------------------------------------------------------------------


def test_ci_runs_the_default_sessions_on_push_and_pull_request() -> None:
    workflow = load("ci.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    run = sessions_run(workflow)
    assert sorted(run) == sorted(["lint", "typecheck", "tests", "package"])
    assert sorted(run) == sorted(noxfile_constant("nox.options.sessions"))


# -- nightly-drift.yml ----------------------------------------------------------------


@pytest.fixture(scope="module")
def nightly() -> dict[str, Any]:
    return load("nightly-drift.yml")


def _step(workflow: dict[str, Any], pattern: str) -> tuple[int, dict[str, Any]]:
    matches = [
        (i, s)
        for i, s in enumerate(steps(workflow))
        if re.search(pattern, s.get("run", "") + s.get("uses", ""))
    ]
    assert len(matches) == 1, (pattern, matches)
    return matches[0]


def test_nightly_is_scheduled_and_can_be_run_by_hand(nightly: dict[str, Any]) -> None:
    triggers = nightly["on"]
    [schedule] = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5
    fail_on = triggers["workflow_dispatch"]["inputs"]["fail_on"]
    diff = cli.commands["diff"]
    choices = next(p for p in diff.params if p.name == "fail_on").type.choices  # type: ignore[attr-defined]
    assert set(fail_on["options"]) <= set(choices)
    assert fail_on["default"] in fail_on["options"]
    # A scheduled run has no inputs: its fallback is the same default.
    assert nightly["jobs"]["drift"]["env"]["FAIL_ON"] == (
        f"${{{{ inputs.fail_on || '{fail_on['default']}' }}}}"
    )


def test_nightly_runs_the_drift_session_without_stopping_the_job(
    nightly: dict[str, Any],
) -> None:
    _, step = _step(nightly, r"nox -s drift")
    assert re.search(r"nox -s drift -- --fail-on \"\$FAIL_ON\"", step["run"])
    assert step.get("continue-on-error") is True or "|| true" in step["run"]


def test_nightly_reports_then_decides(nightly: dict[str, Any]) -> None:
    drift_at, _ = _step(nightly, r"nox -s drift")
    summary_at, summary = _step(nightly, r"GITHUB_STEP_SUMMARY")
    artifact_at, artifact = _step(nightly, r"^actions/upload-artifact@")
    verdict_at, _ = _step(nightly, r"reports/exit-code")
    assert drift_at < summary_at < verdict_at
    assert drift_at < artifact_at < verdict_at
    assert verdict_at == len(steps(nightly)) - 1
    assert "reports/drift.md" in summary["run"]
    assert artifact["with"]["path"].rstrip("/") == "reports"
    for step in (summary, artifact, steps(nightly)[verdict_at]):
        assert step.get("if") == "always()"


def test_the_drift_session_writes_what_the_workflow_reads() -> None:
    body = ast.unparse(nox_sessions()["drift"])
    assert "'exit-code'" in body
    assert "'drift.md'" in body
    assert "'--fail-on'" in body


# -- the nightly job's shell steps, run -------------------------------------------------

BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def _run_step(step: dict[str, Any], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    assert BASH is not None
    # The way GitHub runs a `run:` step on ubuntu: bash -e -o pipefail.
    return subprocess.run(  # noqa: S603 (bash on the workflow's own step)
        [BASH, "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _workdir(tmp_path: Path, exit_code: str | None, markdown: str | None) -> Path:
    reports = tmp_path / "reports"
    reports.mkdir()
    if exit_code is not None:
        (reports / "exit-code").write_text(f"{exit_code}\n", encoding="utf-8")
    if markdown is not None:
        (reports / "drift.md").write_text(markdown, encoding="utf-8")
    return tmp_path


@needs_bash
@pytest.mark.parametrize(
    ("exit_code", "status", "message"),
    [
        ("0", 0, None),
        ("1", 1, "::error::drift found at or above minor"),
        ("2", 2, "::error::could not fetch/check the page"),
        (None, 3, "::error::the drift session did not finish"),
    ],
)
def test_the_verdict_step_tells_drift_from_a_failed_check(
    nightly: dict[str, Any],
    tmp_path: Path,
    exit_code: str | None,
    status: int,
    message: str | None,
) -> None:
    _, step = _step(nightly, r"reports/exit-code")
    done = _run_step(step, _workdir(tmp_path, exit_code, None), FAIL_ON="minor")
    assert done.returncode == status, done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error::")]
    if message is None:
        assert errors == []
    else:
        [error] = errors
        assert error.startswith(message)


@needs_bash
@pytest.mark.parametrize("markdown", ["## Drift\n\n| severity |\n", None])
def test_the_summary_step_appends_the_markdown_report(
    nightly: dict[str, Any], tmp_path: Path, markdown: str | None
) -> None:
    _, step = _step(nightly, r"GITHUB_STEP_SUMMARY")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    workdir = _workdir(tmp_path, "1", markdown)
    done = _run_step(step, workdir, GITHUB_STEP_SUMMARY=str(summary))
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")
    if markdown is None:
        assert "did not produce a report" in text
    else:
        assert text == "earlier step\n" + markdown
