"""The operations the CLI offers, as plain functions returning result dataclasses.

Everything a command does happens here or below; ``cli.py`` only parses flags and prints.
One module per operation; this package gathers them.
"""

from agentpack.api.explain import Explanation, ToolRow, explain
from agentpack.api.export import ExportResult, export
from agentpack.api.imports import ImportResult, import_
from agentpack.api.install import INSTALLED_FOLDERS, destination, install, uninstall
from agentpack.api.pack import (
    InitResult,
    Row,
    Validation,
    init,
    kinds,
    list_items,
    load_pack,
    schema_text,
    validate,
)
from agentpack.api.where import PackLocation, bundled_pack, locate, registry

__all__ = [
    "INSTALLED_FOLDERS",
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
    "import_",
    "init",
    "install",
    "kinds",
    "list_items",
    "load_pack",
    "locate",
    "registry",
    "schema_text",
    "uninstall",
    "validate",
]
