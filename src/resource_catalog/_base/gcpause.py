"""Pausing the cyclic garbage collector around bulk object construction."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived objects are built.

    Loading 100,000 records or parsing a page of 10,000 listings creates millions of
    container objects that all survive; every full collection meanwhile rescans all
    of them, which was half the time of loading a large catalog and a third of
    parsing a large page. Nothing is leaked: the collector is switched back on (if
    it was on) when the block ends, and collects whatever became garbage as usual.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
