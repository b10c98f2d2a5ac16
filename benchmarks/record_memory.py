"""How much memory one ``Resource`` model holds: ``python -m benchmarks.record_memory [N]``.

Builds N records (default 10,000) with :func:`benchmarks.generate.make_records`, then
measures with ``tracemalloc`` what the validated models add, and prints the mean per
record. The records are built before tracing starts, so only the models are counted.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc

from benchmarks.generate import make_records
from resource_catalog.models import Resource


def per_record(n: int) -> float:
    """Mean bytes one validated ``Resource`` holds, over ``n`` generated records."""
    records = make_records(n)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        models = [Resource.model_validate(r) for r in records]
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    if len(models) != n:  # keeps the models alive until measured, and says so
        raise RuntimeError(f"built {len(models)} models, not {n}")
    return (after - before) / n


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 10_000
    print(f"{per_record(n) / 1000:.2f} KB a record (mean over {n:,} records)")


if __name__ == "__main__":
    main(sys.argv[1:])
