"""The GitHub workflows: what they run, and that it matches the noxfile and the CLI.

The nightly job's shell steps are run here with bash on each outcome of the
drift session, so "drift found" (1) and "could not check" (2) are tested as
behaviour, not only as text. So are the sync pull request's: a failed sync or an
unchanged catalog never reaches the job that pushes.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
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


ALL = sorted(p.name for p in WORKFLOWS.glob("*.yml"))


@pytest.mark.parametrize("name", ["ci.yml", "nightly-drift.yml", "sync-pr.yml"])
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


def test_the_workflows_are_the_three_we_know() -> None:
    assert ALL == ["ci.yml", "nightly-drift.yml", "sync-pr.yml"]


@pytest.mark.parametrize("name", ALL)
def test_checkouts_do_not_keep_the_token_in_the_working_copy(name: str) -> None:
    checkouts = [s for s in steps(load(name)) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, name


@pytest.mark.parametrize("name", ALL)
def test_actions_are_githubs_own_pinned_by_major_version(name: str) -> None:
    # .github/zizmor.yml allows a tag for actions/* only; anything else needs a hash.
    for step in steps(load(name)):
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+(/[a-z-]+)?@v\d+", step["uses"]), step["uses"]


@pytest.mark.parametrize("name", ["nightly-drift.yml", "sync-pr.yml"])
def test_run_steps_take_values_from_the_environment_not_expressions(name: str) -> None:
    # An expression in a run script is pasted into the shell before it runs (injection).
    for step in steps(load(name)):
        assert "${{" not in step.get("run", ""), step


ZIZMOR = Path(sys.executable).with_name("zizmor")


@pytest.mark.skipif(not ZIZMOR.exists(), reason="zizmor is not installed next to python")
def test_zizmor_finds_nothing() -> None:
    done = subprocess.run(  # noqa: S603 (zizmor from this environment, on our workflows)
        [str(ZIZMOR), "--offline", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


_PIPE = re.compile(r"(?<![|])[|](?![|])")


@pytest.mark.parametrize("name", ["ci.yml", "nightly-drift.yml", "sync-pr.yml"])
def test_a_step_with_a_pipeline_sets_pipefail(name: str) -> None:
    # GitHub runs a step without `shell:` as `bash -e`: the status of `a | tee f` is
    # tee's, and a failed command would pass unnoticed (issue 22, item 3).
    for step in steps(load(name)):
        script = step.get("run", "")
        lines = [line.split("#", 1)[0] for line in script.splitlines()]
        if any(_PIPE.search(line) for line in lines) and step.get("shell") != "bash":
            assert any(line.strip() == "set -o pipefail" for line in lines), (
                f"{name}: step {step.get('name')!r} pipes without pipefail"
            )


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
    helper = next(
        node
        for node in noxfile_tree().body
        if isinstance(node, ast.FunctionDef) and node.name == "drift_reports"
    )
    session = ast.unparse(nox_sessions()["drift"])
    assert "drift_reports(" in session
    body = session + ast.unparse(helper)
    assert "'exit-code'" in body
    assert "'drift.md'" in body
    assert "'--fail-on'" in body


# -- the nightly job's shell steps, run -------------------------------------------------

BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def _shell_options(step: dict[str, Any]) -> list[str]:
    """The options GitHub gives bash for a ``run:`` step on ubuntu: ``-eo pipefail`` only
    when the step says ``shell: bash``; with no ``shell`` it runs plain ``bash -e``."""
    return ["-eo", "pipefail"] if step.get("shell") == "bash" else ["-e"]


def _run_step(step: dict[str, Any], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    assert BASH is not None
    return subprocess.run(  # noqa: S603 (bash on the workflow's own step)
        [BASH, "--noprofile", "--norc", *_shell_options(step), "-c", step["run"]],
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


# -- nox -s review ---------------------------------------------------------------------


def test_the_review_session_shows_the_queue_without_failing_on_it() -> None:
    session = nox_sessions()["review"]
    decorator = next(d for d in session.decorator_list if _is_nox_session(d))
    assert isinstance(decorator, ast.Call)
    assert {k.arg: ast.unparse(k.value) for k in decorator.keywords}["default"] == "False"
    assert ast.get_docstring(session)
    body = ast.unparse(session)
    assert "'resource-catalog', 'review', 'list', *session.posargs" in body
    assert "success_codes=[0, 1]" in body


# -- sync-pr.yml ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sync_pr() -> dict[str, Any]:
    return load("sync-pr.yml")


def _job_step(job: dict[str, Any], pattern: str) -> tuple[int, dict[str, Any]]:
    matches = [
        (i, s)
        for i, s in enumerate(job["steps"])
        if re.search(pattern, s.get("run", "") + s.get("uses", "") + s.get("name", ""))
    ]
    assert len(matches) == 1, (pattern, matches)
    return matches[0]


def test_sync_pr_is_off_unless_asked_for(sync_pr: dict[str, Any]) -> None:
    assert set(sync_pr["on"]) == {"schedule", "workflow_dispatch"}
    assert sync_pr["jobs"]["sync"]["if"] == (
        "github.event_name == 'workflow_dispatch' || vars.CATALOG_SYNC_PR == 'true'"
    )


def test_sync_pr_gives_write_access_to_the_pushing_job_only(sync_pr: dict[str, Any]) -> None:
    assert sync_pr["permissions"] == {}
    jobs = sync_pr["jobs"]
    assert set(jobs) == {"sync", "pull-request"}
    assert jobs["sync"]["permissions"] == {"contents": "read"}
    assert jobs["pull-request"]["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_only_the_pull_request_job_pushes_and_it_runs_only_on_a_change(
    sync_pr: dict[str, Any],
) -> None:
    jobs = sync_pr["jobs"]
    for name, job in jobs.items():
        for step in job["steps"]:
            run = step.get("run", "")
            if name != "pull-request":
                assert not re.search(r"\bgh\b|git push|GH_TOKEN", run + str(step.get("env"))), step
    pr_job = jobs["pull-request"]
    assert pr_job["needs"] == "sync"
    assert pr_job["if"] == "needs.sync.outputs.changed == 'true'"
    assert jobs["sync"]["outputs"]["changed"] == "${{ steps.decide.outputs.changed }}"
    _, push = _job_step(pr_job, r"git push")
    _, gh_pr = _job_step(pr_job, r"gh pr create")
    assert "gh pr edit" in gh_pr["run"]
    assert "--body-file" in gh_pr["run"]
    for step in (push, gh_pr):
        assert step["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_sync_pr_checks_drift_then_syncs_then_decides(sync_pr: dict[str, Any]) -> None:
    job = sync_pr["jobs"]["sync"]
    drift_at, drift = _job_step(job, r"nox -s drift")
    sync_at, sync = _job_step(job, r"resource-catalog sync")
    decide_at, decide = _job_step(job, r"GITHUB_OUTPUT")
    body_at, body = _job_step(job, r"review list")
    upload_at, upload = _job_step(job, r"^actions/upload-artifact@")
    assert drift_at < sync_at < decide_at < body_at < upload_at
    assert drift.get("continue-on-error") is True
    assert "continue-on-error" not in sync
    assert decide["id"] == "decide"
    for step in (body, upload):
        assert step["if"] == "steps.decide.outputs.changed == 'true'"
    assert "--format markdown" in body["run"]
    assert "reports/drift.md" in body["run"]


def _fake_cli(tmp_path: Path, script: str) -> str:
    """A PATH whose ``resource-catalog`` is ``script`` (bash)."""
    bindir = tmp_path / "fake-bin"
    bindir.mkdir()
    fake = bindir / "resource-catalog"
    fake.write_text(f"#!/usr/bin/env bash\n{script}\n", encoding="utf-8")
    fake.chmod(0o755)
    return f"{bindir}{os.pathsep}{os.environ['PATH']}"


@needs_bash
@pytest.mark.parametrize("status", [0, 1, 2])
def test_the_sync_step_records_the_exit_status_without_stopping(
    sync_pr: dict[str, Any], tmp_path: Path, status: int
) -> None:
    _, step = _job_step(sync_pr["jobs"]["sync"], r"resource-catalog sync")
    path = _fake_cli(tmp_path, f'echo "synced $*"; exit {status}')
    done = _run_step(step, tmp_path, PATH=path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "reports" / "sync-exit-code").read_text(encoding="utf-8") == f"{status}\n"
    assert (tmp_path / "reports" / "sync.txt").read_text(encoding="utf-8") == (
        "synced sync --catalog catalog\n"
    )


GIT = shutil.which("git")


def _git(repo: Path, *args: str) -> None:
    assert GIT is not None
    subprocess.run(  # noqa: S603 (git on a temporary repository)
        [GIT, "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _repo(tmp_path: Path, *, changed: bool, exit_code: str | None) -> Path:
    repo = tmp_path / "repo"
    (repo / "catalog").mkdir(parents=True)
    (repo / "catalog" / "a.json").write_text("{}\n", encoding="utf-8")
    (repo / ".gitignore").write_text("reports/\npr/\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "catalog")
    if changed:
        (repo / "catalog" / "a.json").write_text('{"changed": true}\n', encoding="utf-8")
    if exit_code is not None:
        (repo / "reports").mkdir()
        (repo / "reports" / "sync-exit-code").write_text(f"{exit_code}\n", encoding="utf-8")
    return repo


needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


@needs_bash
@needs_git
@pytest.mark.parametrize(
    ("exit_code", "changed", "status", "output"),
    [
        ("0", True, 0, "changed=true"),
        ("0", False, 0, "changed=false"),
        ("2", True, 1, "changed=false"),  # a source failed: never a pull request
        ("1", True, 1, "changed=false"),
        (None, True, 1, "changed=false"),  # the sync step did not finish
    ],
)
def test_the_decision_makes_a_pull_request_only_from_a_clean_sync_that_changed_something(
    sync_pr: dict[str, Any],
    tmp_path: Path,
    exit_code: str | None,
    changed: bool,
    status: int,
    output: str,
) -> None:
    _, step = _job_step(sync_pr["jobs"]["sync"], r"GITHUB_OUTPUT")
    repo = _repo(tmp_path, changed=changed, exit_code=exit_code)
    outputs = tmp_path / "github-output"
    done = _run_step(step, repo, GITHUB_OUTPUT=str(outputs))
    assert done.returncode == status, done.stdout + done.stderr
    assert outputs.read_text(encoding="utf-8") == f"{output}\n"
    if status:
        assert done.stdout.startswith("::error::the sync did not succeed for every source")


@needs_bash
@needs_git
def test_the_body_is_the_drift_report_and_the_queue_as_a_checklist(
    sync_pr: dict[str, Any], tmp_path: Path
) -> None:
    _, step = _job_step(sync_pr["jobs"]["sync"], r"review list")
    repo = _repo(tmp_path, changed=True, exit_code="0")
    (repo / "reports" / "drift.md").write_text("## Drift\n\n| severity |\n", encoding="utf-8")
    path = _fake_cli(tmp_path, 'echo "- [ ] \\`s3\\` Student Support Services: new"; exit 1')
    done = _run_step(step, repo, PATH=path)
    assert done.returncode == 0, done.stdout + done.stderr
    body = (repo / "pr" / "body.md").read_text(encoding="utf-8")
    assert body.startswith("## Drift\n\n| severity |\n\n## Review queue\n")
    assert body.endswith("- [ ] `s3` Student Support Services: new\n")
    patch = (repo / "pr" / "catalog.patch").read_text(encoding="utf-8")
    assert "catalog/a.json" in patch
    assert '+{"changed": true}' in patch


@needs_bash
@needs_git
def test_the_body_step_fails_when_the_queue_cannot_be_read(
    sync_pr: dict[str, Any], tmp_path: Path
) -> None:
    _, step = _job_step(sync_pr["jobs"]["sync"], r"review list")
    repo = _repo(tmp_path, changed=True, exit_code="0")
    done = _run_step(step, repo, PATH=_fake_cli(tmp_path, "echo 'error: broken' >&2; exit 2"))
    assert done.returncode != 0


@needs_bash
@needs_git
def test_a_body_too_long_for_github_is_cut_and_says_so(
    sync_pr: dict[str, Any], tmp_path: Path
) -> None:
    _, step = _job_step(sync_pr["jobs"]["sync"], r"review list")
    repo = _repo(tmp_path, changed=True, exit_code="0")
    line = 'echo "- [ ] \\`record-$i\\` Ünïcode name: a reason"'
    many = f"for i in $(seq 1 5000); do {line}; done; exit 1"
    done = _run_step(step, repo, PATH=_fake_cli(tmp_path, many))
    assert done.returncode == 0, done.stdout + done.stderr
    body = (repo / "pr" / "body.md").read_bytes()
    assert len(body) < 60_200
    assert body.decode("utf-8").endswith("`review list` for the rest.)\n")
