"""The finding constructor every check shares, the display clip of its value, and
:class:`Findings`, the compact sequence a validation keeps its findings in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from resource_catalog.models import Finding, Severity

__all__ = ["Findings", "clip", "count_of", "finding", "of_severity"]

_MAX_VALUE = 120

#: A finding's fields in the model's order: severity, code, message, resource_id, file,
#: field, value.
_Row = tuple[Severity, str, str, str | None, str | None, str | None, str | None]


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


def _row(found: Finding) -> _Row:
    return (
        found.severity,
        found.code,
        found.message,
        found.resource_id,
        found.file,
        found.field,
        found.value,
    )


def _model(row: _Row) -> Finding:
    severity, code, message, resource_id, file, field, value = row
    return Finding(
        severity=severity,
        code=code,
        message=message,
        resource_id=resource_id,
        file=file,
        field=field,
        value=value,
    )


class Findings(Sequence[Finding]):
    """Findings in order, each kept as a tuple of its fields and made a
    :class:`~resource_catalog.models.Finding` again only when it is read.

    A catalog of 10^5 records can have 10^5 warnings; as models they cost about 1.4 KB
    each, as tuples sharing the strings the checks already hold about a sixth of that.
    Reading is as from a tuple of findings (index, slice, iterate, ``len``, ``==``), and
    :meth:`count` and :meth:`of` answer "how many errors?" without building any model.
    """

    __slots__ = ("_rows",)

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self._rows: list[_Row] = [_row(f) for f in findings]

    def append(self, found: Finding) -> None:
        """Keep ``found`` (as its fields) after the others."""
        self._rows.append(_row(found))

    def extend(self, found: Iterable[Finding]) -> None:
        """Keep each of ``found`` in turn."""
        self._rows.extend(_row(f) for f in found)

    def count(self, value: object) -> int:
        """How many findings have this :class:`Severity` (or equal this finding)."""
        if isinstance(value, Severity):
            return sum(1 for row in self._rows if row[0] is value)
        return super().count(value)

    def of(self, severity: Severity) -> Findings:
        """The findings of one severity, in order (the rows are shared, not copied)."""
        chosen = Findings()
        chosen._rows = [row for row in self._rows if row[0] is severity]
        return chosen

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Finding, ...]: ...

    def __getitem__(self, index: int | slice) -> Finding | tuple[Finding, ...]:
        if isinstance(index, slice):
            return tuple(_model(row) for row in self._rows[index])
        return _model(self._rows[index])

    def __iter__(self) -> Iterator[Finding]:
        return (_model(row) for row in self._rows)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Findings):
            return self._rows == other._rows
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable while a validation fills it

    def __repr__(self) -> str:
        return f"Findings({list(self)!r})"


def of_severity(findings: Sequence[Finding], severity: Severity) -> Sequence[Finding]:
    """The findings of one severity, in order (of :class:`Findings` without a model built)."""
    if isinstance(findings, Findings):
        return findings.of(severity)
    return tuple(f for f in findings if f.severity is severity)


def count_of(findings: Sequence[Finding], severity: Severity) -> int:
    """How many findings have this severity (of :class:`Findings` without a model built)."""
    if isinstance(findings, Findings):
        return findings.count(severity)
    return sum(1 for f in findings if f.severity is severity)
