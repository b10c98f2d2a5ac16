"""Whether a catalog is sound: record and cross-record checks, and loading a catalog validated.

Every problem is a :class:`~resource_catalog.models.Finding`. Imports ``store``, ``pages``
(a profile's selectors must parse) and what lies below them.
"""
