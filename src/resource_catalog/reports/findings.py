"""Renderings of a validation result: text, json, and GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from resource_catalog._base.display import printable

if TYPE_CHECKING:
    from resource_catalog.checks.validate import ValidationResult

__all__ = ["VALIDATION_FORMATS", "iter_validation", "render_validation"]

VALIDATION_FORMATS = ("text", "json", "github")


def render_validation(
    result: ValidationResult, fmt: str, *, relative_to: Path | None = None
) -> str:
    """A validation result as ``text`` (one line per finding and a summary line naming the
    catalog checked), ``json`` (``{"summary": {...}, "catalog": DIR, "findings": [...]}``)
    or ``github`` (workflow annotations). Paths are shown relative to ``relative_to``
    (default: the working directory) when they are inside it.
    """
    return "".join(iter_validation(result, fmt, relative_to=relative_to))


def iter_validation(
    result: ValidationResult, fmt: str, *, relative_to: Path | None = None
) -> Iterator[str]:
    """:func:`render_validation` in pieces, one finding at a time: joined, they are its
    text. A writer that takes each piece as it comes holds one finding's text, never
    the whole report (10^5 warnings are megabytes of text)."""
    if fmt not in VALIDATION_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(VALIDATION_FORMATS)}")
    summary = result.summary()
    base = relative_to or Path.cwd()
    if fmt == "json":
        yield from _json_pieces(result, summary)
        return
    for f in result.findings:
        value = f" {printable(f.value)!r}" if f.value is not None else ""
        if fmt == "github":
            path = _shown_path(result.directory / f.file, base) if f.file else ""
            message = f"{f.field or ''}:{value} {printable(f.message)}"
            yield (
                f"::{f.severity.value} file={_gh_property(path)},title={_gh_property(f.code)}"
                f"::{_gh_data(message)}\n"
            )
        else:
            yield (
                f"{f.file or result.directory}: {f.field or '-'}:{value}: "
                f"{f.severity.value}: {printable(f.message)} [{f.code}]\n"
            )
    if fmt == "text":
        yield (
            f"{summary['resources']} active resources, {summary['errors']} errors, "
            f"{summary['warnings']} warnings in {_shown_path(result.directory, base)}\n"
        )


def _json_pieces(result: ValidationResult, summary: dict[str, int]) -> Iterator[str]:
    """``json.dumps({"summary", "catalog", "findings"}, indent=2)`` and a newline, written
    one finding at a time: each finding is dumped on its own and indented to its depth
    (JSON strings hold no raw newline, so every line break is the layout's)."""
    head = json.dumps(
        {"summary": summary, "catalog": str(result.directory)}, indent=2, ensure_ascii=False
    )
    if not result.findings:
        yield head[:-2] + ',\n  "findings": []\n}\n'
        return
    yield head[:-2] + ',\n  "findings": [\n'
    for i, f in enumerate(result.findings):
        text = json.dumps(f.model_dump(mode="json"), indent=2, ensure_ascii=False)
        yield ("" if i == 0 else ",\n") + "    " + text.replace("\n", "\n    ")
    yield "\n  ]\n}\n"


def _shown_path(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _gh_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's own escaping rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    """Escape a workflow command's property value (also ``:`` and ``,``)."""
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")
