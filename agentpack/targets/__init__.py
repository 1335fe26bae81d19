"""The target registry: built-ins from a static table, third parties from entry points.

Built-ins are import strings so that nothing is imported until a target is used (the CLI's
start-up time depends on it). A third-party target may not take a built-in's name: for a tool
whose promise is "never widen permissions", a silent swap of ``claude`` is not acceptable.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from agentpack.errors import UsageError
from agentpack.targets.base import Target

BUILTIN: Final[Mapping[str, str]] = {
    "claude": "agentpack.targets.claude:ClaudeTarget",
    "opencode": "agentpack.targets.opencode:OpencodeTarget",
}
ENTRY_POINT_GROUP: Final = "agentpack.targets"


def _import(spec: str) -> type[Target]:
    module, _, attr = spec.partition(":")
    target: type[Target] = getattr(importlib.import_module(module), attr)
    return target


@dataclass(frozen=True, slots=True)
class _Known(Collection[str]):
    """The target names a pack may use, asked of the registry only when needed (a
    third-party target is imported only if named)."""

    registry: Registry

    def __contains__(self, name: object) -> bool:
        return name in self.registry.specs or name in self.registry.names()

    def __iter__(self) -> Iterator[str]:
        return iter(self.registry.names())

    def __len__(self) -> int:
        return len(self.registry.names())


@dataclass(slots=True)
class Registry:
    """Known targets by name. Tests build their own; nothing here is global state."""

    specs: dict[str, str] = field(default_factory=lambda: dict(BUILTIN))
    third_party: bool = True
    _loaded: dict[str, Target] = field(default_factory=dict)
    _scanned: bool = False

    def _scan(self) -> None:
        if self._scanned or not self.third_party:
            return
        self._scanned = True
        from importlib.metadata import entry_points

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if ep.name in BUILTIN:
                dist = ep.dist.name if ep.dist else "an installed package"
                raise UsageError(
                    f"{dist} registers a target named {ep.name!r}, which is built "
                    "into agentpack; uninstall it or ask its author to rename it"
                )
            self.specs.setdefault(ep.name, ep.value)

    def names(self) -> list[str]:
        self._scan()
        return sorted(self.specs)

    def known(self) -> Collection[str]:
        """The target names, as a collection that looks at installed distributions (20-30
        ms) only when asked about a name that is not built in, or for all of them."""
        return _Known(self)

    def get(self, name: str) -> Target:
        if name not in self._loaded:
            if name not in self.specs:
                self._scan()
            if name not in self.specs:
                raise UsageError(
                    f"unknown target {name!r}; known targets: {', '.join(self.names())}"
                )
            try:
                self._loaded[name] = _import(self.specs[name])()
            except Exception as exc:  # a broken plugin must not look like our bug
                raise UsageError(
                    f"target {name!r} failed to load from {self.specs[name]}: {exc}"
                ) from exc
        return self._loaded[name]
