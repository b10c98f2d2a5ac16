"""Render and check the JSON Schemas in ``schemas/``, generated from the models.

The files are outputs, never edited by hand: ``resource-catalog schema`` (or
``nox -s schemas``) rewrites them, ``resource-catalog schema --check`` and the
test suite fail when they are stale. Output is byte-stable: sorted keys, two
spaces, a trailing newline.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from resource_catalog._base.atomic import write_atomic
from resource_catalog._base.paths import bundled_schemas_dir
from resource_catalog.errors import SchemaError
from resource_catalog.models import SCHEMA_VERSION, CatalogMeta, Listing, Resource
from resource_catalog.profile import Profile
from resource_catalog.store.events import Event

SCHEMA_BASE_URL = "https://github.com/mit-student-life/resource-catalog/schemas/"

#: file name -> (model, title)
SCHEMA_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "catalog.schema.json": (CatalogMeta, "catalog/catalog.json: the catalog's metadata"),
    "event.schema.json": (Event, "catalog/history.jsonl: one change event per line"),
    "listing.schema.json": (Listing, "One listing as scraped from a source page"),
    "profile.schema.json": (
        Profile,
        "How to read one source page (catalog.json sources[].profile)",
    ),
    "resource.schema.json": (Resource, "catalog/resources/<id>.json: one campus resource"),
}


def render_schema(model: type[BaseModel], name: str, title: str) -> str:
    """One model's JSON Schema as canonical text."""
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE_URL + name,
        **model.model_json_schema(mode="validation"),
    }
    schema["description"] = f"{title} (schema version {SCHEMA_VERSION})."
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_schemas() -> dict[str, str]:
    """Every schema file name and its content."""
    return {
        name: render_schema(model, name, title) for name, (model, title) in SCHEMA_MODELS.items()
    }


def write_schemas(directory: str | os.PathLike[str]) -> list[Path]:
    """Write the schemas into ``directory``; returns the files that changed."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in render_schemas().items():
        path = target / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            try:
                write_atomic(path, text)
            except OSError as exc:
                raise SchemaError(f"cannot write {path}: {exc.strerror or exc}") from exc
            changed.append(path)
    return changed


def stale_schemas(directory: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of schema files that are missing or differ from the models."""
    target = Path(directory) if directory is not None else bundled_schemas_dir()
    stale = []
    for name, text in render_schemas().items():
        path = target / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


def load_schema(name: str = "resource.schema.json") -> dict[str, Any]:
    """A shipped schema as a dict (for consumers validating exports)."""
    path = bundled_schemas_dir() / name
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaError(f"cannot read schema {path}: {exc}") from exc
    return data
