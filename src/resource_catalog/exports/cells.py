"""CSV cells: how phones, locations and links become items, and formula neutralisation.

Pure functions shared by the ``csv`` export of resources and the CSV of scraped
listings (:mod:`resource_catalog.exports.writers`, which re-exports every public name here;
its docstring describes the format). Multi-valued cells join their items with
:func:`~resource_catalog.exports.datapackage.join_multi`.
"""

from __future__ import annotations

from resource_catalog.exports.datapackage import join_multi
from resource_catalog.models import Link, Listing, Location, Phone, PhoneKind, Resource

__all__ = [
    "format_link",
    "format_location",
    "format_phone",
    "item_cells",
    "neutralise",
    "unneutralise",
]

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet could read as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or
    ``'`` itself gets one ``'`` prefixed; :func:`unneutralise` undoes it.
    """
    return "'" + cell if cell.startswith(_FORMULA_TRIGGERS) else cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise`: drop one leading ``'``."""
    return cell[1:] if cell.startswith("'") else cell


def _labelled(value: str, label: str | None) -> str:
    return f"{value} ({label})" if label else value


def format_phone(phone: Phone) -> str:
    """A phone as one CSV item: ``NUMBER[ xEXT][ [KIND]][ (LABEL)]``."""
    text = phone.number
    if phone.extension:
        text += f" x{phone.extension}"
    if phone.kind is not PhoneKind.VOICE:
        text += f" [{phone.kind.value}]"
    return _labelled(text, phone.label)


def format_location(location: Location) -> str:
    """A location as one CSV item: ``CODE[ [floor N]][ (LABEL)]`` (the floor only when given)."""
    text = location.code
    if location.floor:
        text += f" [floor {location.floor}]"
    return _labelled(text, location.label)


def format_link(link: Link) -> str:
    """A link as one CSV item: ``URL[ (LABEL)]``."""
    return _labelled(link.url, link.label)


def item_cells(item: Listing | Resource) -> list[str]:
    """The ``phones``, ``locations`` and ``links`` cells of an item (not neutralised)."""
    return [
        join_multi(format_phone(p) for p in item.phones),
        join_multi(format_location(loc) for loc in item.locations),
        join_multi(format_link(link) for link in item.links),
    ]
