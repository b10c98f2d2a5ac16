"""Fetching helpers: the deadline that bounds a fetch, charset detection, bounded local reads.

Used by :mod:`resource_catalog.pages.fetch` only. May import the vocabulary (models,
errors) and each other; never the reading or inference helpers.
"""
