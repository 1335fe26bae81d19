"""agentpack: one schema-validated source tree of AI coding agents, compiled into each tool's files.

The public Python API lives in :mod:`agentpack.api`; it is re-exported here lazily so that
``import agentpack`` (and therefore ``agentpack --help``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentpack._version import __version__

__all__ = [
    "__version__",
    "list_items",
    "load_pack",
    "validate",
]

if TYPE_CHECKING:  # pragma: no cover
    from agentpack.api import list_items, load_pack, validate


def __getattr__(name: str) -> Any:
    if name in __all__ and name != "__version__":
        from agentpack import api

        return getattr(api, name)
    raise AttributeError(f"module 'agentpack' has no attribute {name!r}")
