"""The catalog in other formats: json, jsonl, csv, a Frictionless data package, HSDS, schemas.

Imports ``store`` and ``contacts`` and the vocabulary below them; never ``reports`` or a
workflow.
"""
