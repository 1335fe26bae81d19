"""The operations the CLI offers, as plain functions returning result dataclasses.

Everything a command does happens here or below; ``cli.py`` only parses flags and prints.
One module per operation; this package names them all, and imports each on first use, so
that ``agentpack --help`` imports none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agentpack.api.explaining import Explanation, ToolRow, explain
    from agentpack.api.exporting import ExportResult, export
    from agentpack.api.imports import ImportResult, import_
    from agentpack.api.installing import destination, install, roots, uninstall
    from agentpack.api.pack import (
        InitResult,
        Row,
        Validation,
        init,
        list_items,
        load_pack,
        validate,
    )
    from agentpack.api.schemas import schema_text, write_schemas
    from agentpack.api.where import PackLocation, bundled_pack, find_pack, locate, registry

_MODULES = {
    "explaining": ("Explanation", "ToolRow", "explain"),
    "exporting": ("ExportResult", "export"),
    "imports": ("ImportResult", "import_"),
    "installing": ("destination", "install", "roots", "uninstall"),
    "pack": ("InitResult", "Row", "Validation", "init", "list_items", "load_pack", "validate"),
    "schemas": ("schema_text", "write_schemas"),
    "where": ("PackLocation", "bundled_pack", "find_pack", "locate", "registry"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "Explanation",
    "ExportResult",
    "ImportResult",
    "InitResult",
    "PackLocation",
    "Row",
    "ToolRow",
    "Validation",
    "bundled_pack",
    "destination",
    "explain",
    "export",
    "find_pack",
    "import_",
    "init",
    "install",
    "list_items",
    "load_pack",
    "locate",
    "registry",
    "roots",
    "schema_text",
    "uninstall",
    "validate",
    "write_schemas",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'agentpack.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"agentpack.api.{module}"), name)
    globals()[name] = value
    return value
