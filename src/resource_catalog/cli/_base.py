"""The command group, its error handling and the option bundles every command shares.

This package is the only code that imports click, prints or exits. Exit codes:
0 clean, 1 findings (invalid data, drift, a review queue), 2 could not do the job. A
library error becomes one line on stderr; ``--debug`` shows the traceback instead.
When the reader of standard output goes away (``| head``), the command stops printing
and exits 0 without a word: what it had done (a save) stands, and cutting the output
short was the reader's choice, not a failure.
Modules that need requests or bs4 are imported inside the commands that use them, so
``--help`` and offline commands start fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from resource_catalog._base.paths import default_catalog_dir
from resource_catalog._version import __version__
from resource_catalog.errors import ResourceCatalogError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: An interrupted command (Ctrl-C), as shells report a process ended by SIGINT.
EXIT_INTERRUPTED = 130


class _Group(click.Group):
    """Turns library errors into one clear line and exit 2, Ctrl-C into exit 130.

    With ``--debug`` the traceback is printed instead of the line, and the exit code
    stays what it would have been: exit codes hold everywhere.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except KeyboardInterrupt:
            _report(ctx, "interrupted")
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # The reader of our output went away (`| head`). Whatever the command did,
            # a save included, stands and was not a failure: stop printing quietly.
            _silence_stdout()
            raise click.exceptions.Exit(EXIT_OK) from None
        except (ResourceCatalogError, OSError) as exc:
            message = str(exc) if isinstance(exc, ResourceCatalogError) else os_message(exc)
            _report(ctx, message)
            raise click.exceptions.Exit(EXIT_ERROR) from None
        # Commands return their exit code; click itself would discard it.
        if isinstance(code, int) and code:
            raise click.exceptions.Exit(code)
        return code


def _report(ctx: click.Context, message: str) -> None:
    """The error line on stderr, after the traceback of the exception being handled
    when ``--debug`` is on."""
    if _debug(ctx):
        click.echo(traceback.format_exc().rstrip("\n"), err=True)
    click.echo(f"error: {message}", err=True)


class SubGroup(_Group):
    """A group of subcommands (``sources``, ``review``) with the same error handling."""


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that flushing it at exit raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real descriptor (a test's runner)
        pass


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.find_root().params.get("debug"))


def os_message(exc: OSError) -> str:
    """An OS error as one line: the file, then the reason."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="resource-catalog")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output, even on a terminal.")
def cli(debug: bool, quiet: bool) -> None:
    """Keep a campus's lists of support resources true.

    Exit codes: 0 clean, 1 findings (invalid data, drift, records to review),
    2 could not run.
    """


# ----------------------------------------------------------------- shared options


def catalog_option(func: F) -> F:
    """``--catalog DIR``: the working directory if a catalog, ./catalog, or the bundled one."""
    return click.option(
        "--catalog",
        "catalog_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Catalog directory [default: the current directory if it is a catalog, "
        "else ./catalog if present, else the bundled catalog].",
    )(func)


def source_option(func: F) -> F:
    """``--source ID`` (repeatable): the sources to work on; default every source."""
    return click.option(
        "--source",
        "source_ids",
        multiple=True,
        metavar="ID",
        help="A source id from catalog.json (repeatable) [default: every source].",
    )(func)


def page_options(func: F) -> F:
    """``--url URL`` / ``--html FILE``: one source's page, from the web or a file."""
    func = click.option(
        "--html",
        "html_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read one source's page from a saved HTML file (with --url: saved from URL).",
    )(func)
    return click.option("--url", help="Fetch one source's page from this http(s) URL.")(func)


def jobs_option(func: F) -> F:
    """``--jobs N``: pages fetched at once."""
    return click.option(
        "--jobs",
        type=click.IntRange(1, 32),
        default=4,
        show_default=True,
        help="Pages fetched at once (one per host at a time).",
    )(func)


def output_option(func: F) -> F:
    """``-o/--output PATH``: a file (written atomically) or ``-`` for stdout."""
    return click.option(
        "-o",
        "--output",
        default="-",
        show_default=True,
        help="Write to this file ('-' for standard output).",
    )(func)


def format_option(choices: list[str], default: str, help_text: str) -> Callable[[F], F]:
    """``--format`` with the given choices."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help=help_text,
        )(func)

    return decorate


def resolve_catalog(given: Path | None) -> Path:
    """The catalog a command works on: the one given, else the default."""
    return given if given is not None else default_catalog_dir()


def quiet() -> bool:
    """Whether progress output is off (``-q``, or stderr is not a terminal)."""
    root = click.get_current_context().find_root()
    return bool(root.params.get("quiet")) or not sys.stderr.isatty()


class Progress:
    """A progress bar on stderr for long loads; silent when stderr is not a terminal,
    with ``--quiet``, or for small catalogs."""

    MIN_TOTAL = 500

    def __init__(self, label: str) -> None:
        self.enabled = not quiet()
        self.label = label
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.MIN_TOTAL:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(1)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def emit(text: str, output: str) -> None:
    """Write ``text`` to standard output (``-``) or to a file, atomically."""
    if output == "-":
        click.echo(text, nl=False)
        return
    from resource_catalog.exports.writers import write_text_atomic  # noqa: PLC0415

    write_text_atomic(Path(output), text)


def echo_pieces(pieces: Iterable[str], *, batch: int = 1 << 16) -> None:
    """Write ``pieces`` of text to standard output as they come, about ``batch``
    characters at a time: the whole text is never held, nor flushed line by line."""
    held: list[str] = []
    size = 0
    for piece in pieces:
        held.append(piece)
        size += len(piece)
        if size >= batch:
            click.echo("".join(held), nl=False)
            held, size = [], 0
    if held:
        click.echo("".join(held), nl=False)


def refuse_output_into(catalog_dir: Path, *outputs: str | Path | None) -> None:
    """Refuse (exit 2) an output path that is one of the catalog's own files or folders."""
    from resource_catalog.errors import CatalogError  # noqa: PLC0415
    from resource_catalog.store._layout import output_problem  # noqa: PLC0415

    for output in outputs:
        if output is None or output == "-":
            continue
        problem = output_problem(catalog_dir, output)
        if problem is not None:
            raise CatalogError(problem)


def warn(message: str) -> None:
    """One warning line on stderr."""
    click.echo(f"warning: {message}", err=True)
