"""The catalog in memory (:class:`~resource_catalog.store.catalog.Catalog`) and on disk.

Its files and layout, the lock and the save journal, atomic writes, the history events
and the migration of old formats. Imports ``contacts`` and the vocabulary below it.
"""
