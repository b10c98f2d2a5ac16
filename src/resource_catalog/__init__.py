"""resource_catalog: a typed catalog of campus support resources."""

from __future__ import annotations

__version__ = "0.1.0"
