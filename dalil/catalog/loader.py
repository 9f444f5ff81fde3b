"""Reading the catalog file, with errors that name the file, the service and the field."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from dalil import project
from dalil.catalog.model import Catalog


class CatalogError(ValueError):
    """The catalog file cannot be used as it is; the message says where and why."""


def _describe(location: tuple, raw: dict) -> str:
    """Turns pydantic's ('services', 3, 'answers', 'fees') into words an editor can act on."""
    parts = list(location)
    where = []
    if len(parts) >= 2 and parts[0] == "services" and isinstance(parts[1], int):
        services = raw.get("services") or []
        entry = services[parts[1]] if parts[1] < len(services) else {}
        name = entry.get("id") if isinstance(entry, dict) else None
        where.append(f"service '{name}'" if name else f"service #{parts[1] + 1}")
        parts = parts[2:]
    if parts and parts != ["__root__"]:
        where.append("field '" + ".".join(str(p) for p in parts) + "'")
    return ", ".join(where) or "catalog"


def parse_catalog(raw: object, source: str = "catalog") -> Catalog:
    """Validates already-parsed YAML data."""
    if not isinstance(raw, dict):
        raise CatalogError(f"{source}: the catalog must be a mapping with 'services' and 'general'")
    try:
        return Catalog.parse_obj(raw)
    except ValidationError as error:
        lines = [f"{source}: {_describe(e['loc'], raw)}: {e['msg']}" for e in error.errors()]
        raise CatalogError("\n".join(lines)) from None


def load_catalog(path: Path | str = project.CATALOG) -> Catalog:
    """Loads and validates a catalog file; cached until the file changes."""
    path = Path(path)
    try:
        return _load(path.resolve(), path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise CatalogError(f"{path}: no such catalog file") from None


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int) -> Catalog:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogError(f"{path.name}: not valid YAML: {error}") from None
    return parse_catalog(raw, path.name)
