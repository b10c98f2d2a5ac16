"""The ``resource-catalog`` command line: a thin layer over the public functions.

Each command parses its options, makes one library call and renders the result; see
:mod:`resource_catalog.cli._base` for the exit codes and error handling. The top layer:
it may import every family, and it is the only one that imports click, prints or exits.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from resource_catalog.cli import (  # noqa: F401 (importing a module registers its commands)
    catalog_cmds,
    drift_cmds,
    links_cmds,
    review_cmds,
    sources_cmds,
)
from resource_catalog.cli._base import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Progress, cli

_Progress = Progress  # the name the tests and older callers use

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "cli", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point.

    On the real command line (no ``argv`` given) the process ends with :func:`os._exit`
    once standard output and standard error are flushed: after a large catalog the
    interpreter would otherwise spend seconds freeing every object just to exit. A
    caller that passes ``argv`` gets the ordinary :class:`SystemExit`.
    """
    try:
        cli.main(args=argv, prog_name="resource-catalog")
    except SystemExit as stop:
        if argv is not None:
            raise
        code = stop.code
        if not isinstance(code, int):  # None is success; a message is printed, exit 1
            if code is not None:
                sys.stderr.write(f"{code}\n")
            code = 0 if code is None else 1
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # what Python's own exit reports as a failure
                code = code or EXIT_ERROR
        os._exit(code)
