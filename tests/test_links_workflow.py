"""The nightly job's link check: its place after the drift check, its summary, its verdict.

The verdict step is run with bash for each pair of outcomes, so "a link is dead" (1)
and "could not check" (2) are tested as behaviour, as the drift outcomes are in
``test_workflows``.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from .test_workflows import _is_nox_session, _run_step, _step, load, needs_bash, nox_sessions


@pytest.fixture(scope="module")
def nightly() -> dict[str, Any]:
    return load("nightly-drift.yml")


def test_links_run_after_the_drift_check_with_their_state_carried_over(
    nightly: dict[str, Any],
) -> None:
    drift_at, _ = _step(nightly, r"nox -s drift")
    restore_at, restore = _step(nightly, r"^actions/cache/restore@")
    links_at, links = _step(nightly, r"nox -s links")
    save_at, save = _step(nightly, r"^actions/cache/save@")
    summary_at, _ = _step(nightly, r"GITHUB_STEP_SUMMARY")
    verdict_at, _ = _step(nightly, r"reports/links-exit-code")
    assert drift_at < restore_at < links_at < save_at < summary_at < verdict_at
    assert links.get("continue-on-error") is True
    assert save.get("if") == "always()"  # a failing night's count is the one to keep
    assert restore["with"]["path"] == save["with"]["path"] == "reports/links-state.json"
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])


def test_the_links_session_writes_what_the_workflow_reads() -> None:
    session = nox_sessions()["links"]
    decorator = next(d for d in session.decorator_list if _is_nox_session(d))
    assert isinstance(decorator, ast.Call)
    assert {k.arg: ast.unparse(k.value) for k in decorator.keywords}["default"] == "False"
    assert ast.get_docstring(session)
    body = ast.unparse(session)
    for written in ("'links.md'", "'links-exit-code'", "'links-state.json'", "'--state'"):
        assert written in body
    assert "*session.posargs" in body


def _workdir(tmp_path: Path, drift: str | None, links: str | None) -> Path:
    reports = tmp_path / "reports"
    reports.mkdir()
    if drift is not None:
        (reports / "exit-code").write_text(f"{drift}\n", encoding="utf-8")
    if links is not None:
        (reports / "links-exit-code").write_text(f"{links}\n", encoding="utf-8")
    return tmp_path


@needs_bash
@pytest.mark.parametrize(
    ("drift", "links", "status", "errors"),
    [
        ("0", "0", 0, []),
        ("0", "1", 1, ["::error::broken links"]),
        ("0", "2", 2, ["::error::could not check every link"]),
        ("1", "1", 1, ["::error::drift found", "::error::broken links"]),
        ("2", "1", 2, ["::error::could not fetch/check the page", "::error::broken links"]),
        ("0", None, 0, []),
    ],
)
def test_the_verdict_step_tells_broken_links_from_a_check_that_could_not_run(
    nightly: dict[str, Any],
    tmp_path: Path,
    drift: str,
    links: str | None,
    status: int,
    errors: list[str],
) -> None:
    _, step = _step(nightly, r"reports/links-exit-code")
    done = _run_step(step, _workdir(tmp_path, drift, links), FAIL_ON="major")
    assert done.returncode == status, done.stdout + done.stderr
    found = [line for line in done.stdout.splitlines() if line.startswith("::error::")]
    assert len(found) == len(errors)
    for line, start in zip(found, errors, strict=True):
        assert line.startswith(start)
    if links is None:
        assert "::warning::the link check did not finish" in done.stdout


@needs_bash
def test_the_summary_step_appends_the_links_report_after_the_drift_report(
    nightly: dict[str, Any], tmp_path: Path
) -> None:
    _, step = _step(nightly, r"GITHUB_STEP_SUMMARY")
    workdir = _workdir(tmp_path, "0", "1")
    (workdir / "reports" / "drift.md").write_text("## Drift\n", encoding="utf-8")
    (workdir / "reports" / "links.md").write_text("## Link check\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    done = _run_step(step, workdir, GITHUB_STEP_SUMMARY=str(summary))
    assert done.returncode == 0, done.stderr
    assert summary.read_text(encoding="utf-8") == "## Drift\n\n## Link check\n"
