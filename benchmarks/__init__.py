"""Benchmarks for resource_catalog: ``nox -s bench`` (or ``python -m benchmarks.run``).

``generate`` makes synthetic catalogs and pages, ``steps`` times each library step
against its floor in a subprocess, ``run`` writes ``results.md`` and ``scaling.png``.
"""
