"""Start-up cost and import hygiene, each measured in fresh subprocesses.

Timing: every command runs ``reps`` times, interleaved round by round, wall time
of the whole subprocess, median reported. Hygiene: commands that do not fetch run
in a subprocess that then lists which heavy modules ``sys.modules`` holds, and
``python -X importtime -c "import resource_catalog"`` is read for the same names.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import ROOT

#: Modules that only fetching (requests) or parsing HTML (bs4, lxml) may load.
HEAVY = ("requests", "urllib3", "bs4", "lxml", "click", "phonenumbers", "pydantic")
FORBIDDEN_OFFLINE = ("requests", "bs4")

_PROBE = f"""
import json, sys
out, argv = sys.argv[1], sys.argv[2:]
if argv == ["import"]:
    import resource_catalog
else:
    sys.argv = ["resource-catalog", *argv]
    from resource_catalog.cli import main
    try:
        main(argv)
    except SystemExit:
        pass
names = {HEAVY!r}
with open(out, "w") as fh:
    json.dump([n for n in names if n in sys.modules], fh)
"""


def cli_command() -> list[str]:
    """The console script next to this interpreter, else ``python -m resource_catalog``."""
    script = Path(sys.executable).with_name("resource-catalog")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "resource_catalog"]


def commands() -> dict[str, list[str]]:
    """The timed commands, by the label the results show."""
    py = sys.executable
    return {
        "python -c pass": [py, "-c", "pass"],
        "python -c 'import pydantic'": [py, "-c", "import pydantic"],
        "python -c 'import resource_catalog'": [py, "-c", "import resource_catalog"],
        "resource-catalog --help": [*cli_command(), "--help"],
    }


def time_startup(reps: int) -> dict[str, dict[str, Any]]:
    """Median wall time of each command over ``reps`` interleaved rounds."""
    cmds = commands()
    times: dict[str, list[float]] = {label: [] for label in cmds}
    for _ in range(reps):
        for label, argv in cmds.items():
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            times[label].append(time.perf_counter() - start)
    return {
        label: {"argv": cmds[label], "times": t, "median": statistics.median(t)}
        for label, t in times.items()
    }


def loaded_modules(args: list[str]) -> list[str]:
    """Which of :data:`HEAVY` a subprocess has loaded after ``resource-catalog ARGS``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "modules.json"
        subprocess.run(
            [sys.executable, "-c", _PROBE, str(out), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        loaded: list[str] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


OFFLINE_COMMANDS: dict[str, list[str]] = {
    "import resource_catalog": ["import"],
    "resource-catalog --help": ["--help"],
    "resource-catalog --version": ["--version"],
    "resource-catalog validate": ["validate"],
    "resource-catalog export --format csv": ["export", "--format", "csv", "-o", os.devnull],
}


def import_hygiene() -> dict[str, Any]:
    """Heavy modules loaded by each offline command, and ``-X importtime`` of the package."""
    per_command = {label: loaded_modules(args) for label, args in OFFLINE_COMMANDS.items()}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import resource_catalog"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    rows: list[tuple[int, int, str]] = []
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            rows.append((int(parts[0]), int(parts[1]), parts[2].strip()))
    imported = {name for _, _, name in rows}
    total = next((cum for _, cum, name in rows if name == "resource_catalog"), 0)
    return {
        "commands": per_command,
        "importtime_forbidden": sorted(n for n in imported if n.split(".")[0] in FORBIDDEN_OFFLINE),
        "importtime_total_us": total,
        "importtime_top": sorted(rows, key=lambda r: -r[0])[:8],
        "ok": all(not set(mods) & set(FORBIDDEN_OFFLINE) for mods in per_command.values())
        and not any(n.split(".")[0] in FORBIDDEN_OFFLINE for n in imported),
    }
