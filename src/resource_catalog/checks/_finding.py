"""The finding constructor every check shares, and the display clip of its value."""

from __future__ import annotations

from resource_catalog.models import Finding, Severity

__all__ = ["clip", "finding"]

_MAX_VALUE = 120


def finding(
    code: str,
    message: str,
    file: str | None = None,
    field: str | None = None,
    value: str | None = None,
    resource_id: str | None = None,
    severity: Severity = Severity.ERROR,
) -> Finding:
    """A finding, its value clipped for display."""
    return Finding(
        severity=severity,
        code=code,
        message=message,
        resource_id=resource_id,
        file=file,
        field=field,
        value=clip(value),
    )


def clip(text: str | None) -> str | None:
    """``text`` cut to a displayable length (an ellipsis says it was cut)."""
    if text is None or len(text) <= _MAX_VALUE:
        return text
    return text[: _MAX_VALUE - 1] + "…"
