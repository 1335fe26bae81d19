"""The target registry: built-ins from a static table, third parties from entry points.

Built-ins are import strings so that nothing is imported until a target is used (the CLI's
start-up time depends on it). A third-party target registers the same way and gets the same
powers (its block schema, model ids, host agents, reader). It may not take a built-in's name:
for a tool whose promise is "never widen permissions", a silent swap of a built-in is not
acceptable. The registry is a value, never global state: tests build their own.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from agentpack.errors import TargetLoadError, UsageError
from agentpack.targets.base import Target

BUILTIN: Final[Mapping[str, str]] = {
    "claude": "agentpack.targets.claude:ClaudeTarget",
    "opencode": "agentpack.targets.opencode:OpencodeTarget",
    "codex": "agentpack.targets.codex:CodexTarget",
    "copilot": "agentpack.targets.copilot:CopilotTarget",
    "cursor": "agentpack.targets.cursor:CursorTarget",
    "agentplugins": "agentpack.targets.agentplugins:AgentPluginsTarget",
}
"""One line per built-in target, in the order a pack builds them by default."""
ENTRY_POINT_GROUP: Final = "agentpack.targets"


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
    """Known targets by name."""

    specs: dict[str, str] = field(default_factory=lambda: dict(BUILTIN))
    third_party: bool = True
    _loaded: dict[str, Target] = field(default_factory=dict)
    _scanned: bool = False
    _spellings: dict[str, str] | None = None

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
        """Every target: the built-ins in their order, then third parties by name."""
        self._scan()
        return [n for n in self.specs if n in BUILTIN] + sorted(
            n for n in self.specs if n not in BUILTIN
        )

    def defaults(self) -> tuple[str, ...]:
        """What a pack builds when its manifest names no targets: the built-ins that say
        so (the Agent Plugins bundle, which takes no agents, is built when named)."""
        return tuple(n for n in self.specs if n in BUILTIN and self.get(n).by_default)

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
            spec = self.specs[name]
            module, _, attr = spec.partition(":")
            try:
                self._loaded[name] = getattr(importlib.import_module(module), attr)()
            except Exception as exc:  # a broken plugin must not look like our bug
                raise TargetLoadError(f"target {name!r} failed to load from {spec}: {exc}") from exc
        return self._loaded[name]

    def all(self) -> list[Target]:
        return [self.get(name) for name in self.names()]

    def spellings(self) -> Mapping[str, str]:
        """Every registered host's names for its built-in agents -> the canonical name."""
        if self._spellings is None:
            from agentpack.hostagents import spellings

            self._spellings = spellings(self.all())
        return self._spellings
