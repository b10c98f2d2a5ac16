"""The cyclic GC is paused only for the duration of a bulk load or parse, never left off."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from resource_catalog._base.gcpause import gc_paused
from resource_catalog.checks.validate import validate_catalog
from resource_catalog.pages.parse import parse_page

PAGE = Path(__file__).resolve().parent / "data" / "campus-resources.html"


@pytest.fixture
def gc_state() -> Iterator[None]:
    """Restore the collector's state whatever a test does to it."""
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("gc_state")
def test_paused_inside_and_back_on_after() -> None:
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("gc_state")
def test_back_on_after_an_error() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()


@pytest.mark.usefixtures("gc_state")
def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.usefixtures("gc_state")
def test_validate_and_parse_leave_the_collector_on(catalog_dir: Path) -> None:
    gc.enable()
    assert validate_catalog(catalog_dir).ok()
    assert gc.isenabled()
    assert len(parse_page(PAGE.read_text(encoding="utf-8"))) == 23
    assert gc.isenabled()
