"""Table profiles: which column of a table holds a listing's name, phones and so on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bs4 import Tag

from resource_catalog.contacts.fold import fold
from resource_catalog.pages.text import table_cells, table_header, text_of

__all__ = ["TableColumns"]


class TableColumns:
    """Resolves a profile's ``columns`` (header text or position) per table, once each."""

    def __init__(self, columns: Mapping[Any, str | int]) -> None:
        self.columns: dict[str, str | int] = {str(k): v for k, v in columns.items()}
        self._cache: dict[int, tuple[Tag | None, dict[str, int]]] = {}

    def for_row(self, row: Tag) -> dict[str, int] | None:
        """Role -> column index for ``row``'s table; ``None`` when ``row`` is the header."""
        table = row.find_parent("table")
        if table is None:
            return self._resolve(None)
        key = id(table)
        if key not in self._cache:
            header = table_header(table)
            self._cache[key] = (header, self._resolve(header))
        header, roles = self._cache[key]
        return None if row is header else roles

    def _resolve(self, header: Tag | None) -> dict[str, int]:
        titles = [fold(text_of(c)) for c in table_cells(header)] if header is not None else []
        roles: dict[str, int] = {}
        for role, spec in self.columns.items():
            if isinstance(spec, int):
                roles[role] = spec
                continue
            want = fold(spec)
            exact = [i for i, t in enumerate(titles) if t == want]
            partial = [i for i, t in enumerate(titles) if want and want in t]
            if exact or partial:
                roles[role] = (exact or partial)[0]
        return roles
