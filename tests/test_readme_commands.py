"""Every command in the README's shell blocks, run as a newcomer would run them.

The commands are parsed out of the README's ``sh`` blocks and run in order, in process,
in a directory whose ``./catalog`` is a copy of the bundled catalog, offline. Each must
exit as the README says (0 unless listed in EXPECTED, with the README's words). What
cannot run here is listed in SKIPPED with the reason, and what the README asks for in
prose between two commands ("run the same command without --dry-run") is done by
PRELUDES; none of the three lists may name a command the README no longer shows.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from resource_catalog.cli import cli

from .conftest import CATALOG, DATA, ROOT
from .curation import curate_s3_phone, edited_page, sync_page

README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGE_URL = "https://counseling.example.edu/get-help"
#: Placeholders the README writes in a command, and what they stand for here.
PLACEHOLDERS = {"URL": PAGE_URL}

_NETWORK = "fetches live pages (network); the tests run offline"
SKIPPED = {
    "python3 -m venv .venv": "makes a virtual environment; the tests already run in one",
    ".venv/bin/pip install .": "installs the package; the tests import it",
    ".venv/bin/pip install nox": "installs nox, a tool outside the package",
    ".venv/bin/nox -s tests": "nox runs this very test suite",
    "nox -s lint typecheck tests package": "nox builds environments and runs this suite",
    "nox -s schemas": "nox session; `resource-catalog schema` is tested on its own",
    "nox -s review": "nox session; the `review list` it runs is in the list here",
    "resource-catalog diff --format markdown --fail-on major >> $GITHUB_STEP_SUMMARY": _NETWORK,
    "resource-catalog sync": _NETWORK,
    f"resource-catalog sources add --url {PAGE_URL} --dry-run": (
        _NETWORK + "; the next command reads the same page from a saved file"
    ),
    "git switch -c add-counseling-page": "git works on the repository, not the catalog",
    "git add catalog/catalog.json catalog/history.jsonl catalog/snapshots/ catalog/resources/": (
        "git works on the repository, not the catalog"
    ),
    "git commit -m Add the counseling center's Get Help page as a source": (
        "git works on the repository, not the catalog"
    ),
}

#: Commands the README says exit non-zero, with its words.
EXPECTED = {
    # The README: bare review is "what a sync flagged (exit 1 when any)", and the
    # bundled catalog flags four records; review show exits 1 "when it needs review".
    "resource-catalog review": 1,
    "resource-catalog review show counseling-center": 1,
    "resource-catalog review show student-support-services": 1,
}


def _add_the_page(work: Path) -> None:
    """Step 3 of "Adding a page": "Run the same command without --dry-run"; and the
    profile a maintainer edits, saved as edited.json for `sources test --profile`."""
    result = _run(["sources", "add", "--html", "get-help.html", "--url", PAGE_URL])
    assert result.exit_code == 0, result.output
    meta = json.loads((work / "catalog" / "catalog.json").read_text(encoding="utf-8"))
    [source] = [s for s in meta["sources"] if s["id"] == "counseling-get-help"]
    (work / "edited.json").write_text(json.dumps(source["profile"]), encoding="utf-8")


def _make_a_conflict(work: Path) -> None:
    """ "The review queue" works on what a sync flagged: a curator changed the phone of
    Student Support Services, then the page changed it too (a conflict)."""
    curate_s3_phone(work / "catalog")
    assert sync_page(work / "catalog", edited_page(work)).exit_code == 0


#: Steps the README gives in prose, run before the command they precede.
PRELUDES: dict[str, Callable[[Path], None]] = {
    "resource-catalog sources test counseling-get-help": _add_the_page,
    "resource-catalog review": _make_a_conflict,  # at "The review queue", see below
}
#: PRELUDES apply at this appearance of their command (1 = the first; `review` is
#: shown three times: for a maintainer, after adding a page, in "The review queue").
PRELUDE_AT = {"resource-catalog review": 3}


def readme_commands() -> list[list[str]]:
    """The README's shell commands in order, as words: one per line or ``&&`` step,
    continuation lines joined, comments dropped."""
    commands: list[list[str]] = []
    for block in re.findall(r"^ *```sh\n(.*?)^ *```", README, flags=re.DOTALL | re.MULTILINE):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            step: list[str] = []
            for word in [*shlex.split(line, comments=True), "&&"]:
                if word != "&&":
                    step.append(word)
                elif step:
                    commands.append(step)
                    step = []
    return commands


def key(words: list[str]) -> str:
    """A command as the lists here name it: its words joined by spaces."""
    return " ".join(words)


def _run(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args)


def test_the_readme_commands_are_found() -> None:
    commands = [key(c) for c in readme_commands()]
    assert ".venv/bin/resource-catalog check" in commands
    assert "resource-catalog review done student-support-services" in commands
    assert len(commands) >= 30  # the README shows about 35


def test_the_lists_name_only_commands_the_readme_shows() -> None:
    shown = {key(c) for c in readme_commands()}
    for listed in (SKIPPED, EXPECTED, PRELUDES, PRELUDE_AT):
        stale = set(listed) - shown
        assert not stale, f"no longer in the README: {stale}"


def test_every_readme_command_exits_as_the_readme_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(CATALOG, tmp_path / "catalog")
    shutil.copy(DATA / "readme" / "get-help.html", tmp_path / "get-help.html")
    shutil.copy(CATALOG / "snapshots" / "campus-resources.html", tmp_path / "saved-page.html")
    monkeypatch.chdir(tmp_path)
    seen: dict[str, int] = {}
    ran: list[str] = []
    for words in readme_commands():
        command = key(words)
        seen[command] = seen.get(command, 0) + 1
        if command in PRELUDES and seen[command] == PRELUDE_AT.get(command, 1):
            PRELUDES[command](tmp_path)
        if command in SKIPPED:
            continue
        program, *args = [PLACEHOLDERS.get(w, w) for w in words]
        assert program.removeprefix(".venv/bin/") == "resource-catalog", command
        result = _run(args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command,
            result.output,
        )
        expected = EXPECTED.get(command, 0)
        assert result.exit_code == expected, f"{command}: exit {result.exit_code}\n{result.output}"
        ran.append(command)
    resolve = "resource-catalog review resolve student-support-services --field phones --take page"
    assert resolve in ran
    assert "resource-catalog check --source counseling-get-help" in ran
    assert len(ran) >= 20  # most of the README runs here
