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
#: What no offline command may load: the network stack.
FORBIDDEN_OFFLINE = ("requests", "urllib3")
#: What importing the package and asking for help may not load either: the HTML stack.
#: ``validate`` and ``export`` may load bs4: a catalog's profiles have their CSS
#: selectors checked by soupsieve, which imports bs4 (and bs4 its lxml builder).
FORBIDDEN_LIGHT = (*FORBIDDEN_OFFLINE, "bs4", "lxml")

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


OFFLINE_COMMANDS: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "import resource_catalog": (["import"], FORBIDDEN_LIGHT),
    "resource-catalog --help": (["--help"], FORBIDDEN_LIGHT),
    "resource-catalog --version": (["--version"], FORBIDDEN_LIGHT),
    "resource-catalog validate": (["validate"], FORBIDDEN_OFFLINE),
    "resource-catalog export --format csv": (
        ["export", "--format", "csv", "-o", os.devnull],
        FORBIDDEN_OFFLINE,
    ),
}


def import_hygiene() -> dict[str, Any]:
    """Heavy modules loaded by each offline command, and ``-X importtime`` of the package."""
    per_command = {label: loaded_modules(args) for label, (args, _) in OFFLINE_COMMANDS.items()}
    broken = {
        label: sorted(set(per_command[label]) & set(forbidden))
        for label, (_, forbidden) in OFFLINE_COMMANDS.items()
        if set(per_command[label]) & set(forbidden)
    }
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
    heavy = sorted(n for n in imported if n.split(".")[0] in FORBIDDEN_LIGHT)
    return {
        "commands": per_command,
        "forbidden": {label: list(f) for label, (_, f) in OFFLINE_COMMANDS.items()},
        "broken": broken,
        "importtime_forbidden": heavy,
        "importtime_total_us": total,
        "importtime_top": sorted(rows, key=lambda r: -r[0])[:8],
        "ok": not broken and not heavy,
    }
