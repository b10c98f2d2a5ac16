"""The ``resource-catalog`` command line: a thin layer over the public functions.

Each command parses its options, makes one library call and renders the result; see
:mod:`resource_catalog.cli._base` for the exit codes and error handling. The top layer:
it may import every family, and it is the only one that imports click, prints or exits.
"""

from __future__ import annotations

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
    """Console-script entry point."""
    cli.main(args=argv, prog_name="resource-catalog")
