"""Renderings of a validation result: text, json, and GitHub workflow annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from resource_catalog._base.display import printable

if TYPE_CHECKING:
    from resource_catalog.checks.validate import ValidationResult

__all__ = ["VALIDATION_FORMATS", "render_validation"]

VALIDATION_FORMATS = ("text", "json", "github")


def render_validation(
    result: ValidationResult, fmt: str, *, relative_to: Path | None = None
) -> str:
    """A validation result as ``text`` (one line per finding and a summary line naming the
    catalog checked), ``json`` (``{"summary": {...}, "catalog": DIR, "findings": [...]}``)
    or ``github`` (workflow annotations). Paths are shown relative to ``relative_to``
    (default: the working directory) when they are inside it.
    """
    summary = result.summary()
    base = relative_to or Path.cwd()
    if fmt == "json":
        payload = {
            "summary": summary,
            "catalog": str(result.directory),
            "findings": [f.model_dump(mode="json") for f in result.findings],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt not in VALIDATION_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(VALIDATION_FORMATS)}")
    lines = []
    for f in result.findings:
        value = f" {printable(f.value)!r}" if f.value is not None else ""
        if fmt == "github":
            path = _shown_path(result.directory / f.file, base) if f.file else ""
            message = f"{f.field or ''}:{value} {printable(f.message)}"
            lines.append(
                f"::{f.severity.value} file={_gh_property(path)},title={_gh_property(f.code)}"
                f"::{_gh_data(message)}"
            )
        else:
            lines.append(
                f"{f.file or result.directory}: {f.field or '-'}:{value}: "
                f"{f.severity.value}: {printable(f.message)} [{f.code}]"
            )
    if fmt == "text":
        lines.append(
            f"{summary['resources']} active resources, {summary['errors']} errors, "
            f"{summary['warnings']} warnings in {_shown_path(result.directory, base)}"
        )
    return "".join(line + "\n" for line in lines)


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
