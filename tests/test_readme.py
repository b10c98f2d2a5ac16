"""The README's promises: its first two commands, its Python example, its command list."""

from __future__ import annotations

import contextlib
import io
import re

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.DOTALL)


def test_first_two_blocks_are_the_main_job_and_the_tests() -> None:
    (lang1, main_job), (lang2, tests) = BLOCKS[:2]
    assert (lang1, lang2) == ("sh", "sh")
    assert main_job.strip().endswith("resource-catalog check")
    assert "nox -s tests" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = BLOCKS[1][1].strip()
    assert command in ci.splitlines()


def test_python_example_runs_and_prints_what_it_says() -> None:
    example = next(code for lang, code in BLOCKS if lang == "python")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "README.md", "exec"), {})  # noqa: S102 (our own README)
    printed = out.getvalue().splitlines()
    promised = re.search(r"\n# (Student Support Services .*)\n", example)
    assert promised is not None
    assert printed[0] == promised.group(1)
    assert any(line.startswith("student-disability-services ") for line in printed)
