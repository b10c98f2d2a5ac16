"""Drift between a catalog and its pages: match listings to records, compare, merge, plan a sync.

Pure and deterministic, no I/O. Imports ``checks``, ``store`` (the catalog value and its
events) and what lies below them; never ``pages``' fetching or a workflow.
"""
