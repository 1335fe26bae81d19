"""How opencode 1.x spells things, in one place for writing and for reading back: colours,
built-in agents and model ids."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agentpack.hostagents import HostAgent

NAME = "opencode"
"""The target's name: its folder under dist/, its block in the pack's files."""

COLORS: Mapping[str, str] = {
    "red": "#EF4444",
    "blue": "#3B82F6",
    "green": "#22C55E",
    "yellow": "#EAB308",
    "purple": "#A855F7",
    "orange": "#F97316",
    "pink": "#EC4899",
    "cyan": "#06B6D4",
}
"""The canonical colour names as hex, since opencode takes #RRGGBB or theme keys only."""

NAMED: Mapping[str, str] = {hex_: name for name, hex_ in COLORS.items()}
"""The hex colours agentpack writes, back to their names (on import)."""

HOST_AGENTS: Mapping[str, HostAgent] = {
    "general": HostAgent("general", subagent=True),
    "explore": HostAgent("explore", subagent=True),
    "plan": HostAgent("plan", subagent=False),
    "build": HostAgent("build", subagent=False),
}
"""opencode 1.18's built-in agents that a command may name (checked November 2026)."""

HIDDEN_AGENTS = frozenset({"compaction", "title", "summary"})
"""opencode's hidden built-in agents, which no command or user picks."""

BUILT_IN_RULES: Mapping[str, Mapping[str, Any]] = {
    "plan": {"edit": "deny", "task": {"general": "deny"}},
    "general": {"todowrite": "deny"},
    "explore": {
        "*": "deny",
        **dict.fromkeys(("grep", "glob", "list", "bash", "webfetch", "websearch"), "allow"),
        "read": "allow",
    },
    **{name: {"*": "deny"} for name in sorted(HIDDEN_AGENTS)},
}
"""What each built-in agent's own rules say beyond every agent's defaults, as
``opencode debug agent NAME`` (1.18.33) lists them: an agent file of that name is merged
into the built-in, whose rules come first, then the project's, then the file's. (plan
also allows editing its own plan files, which the pack cannot hold to paths.)"""

MODELS: Mapping[str, str] = {
    "inherit": "inherit",
    "haiku": "anthropic/claude-haiku-4-5",
    "sonnet": "anthropic/claude-sonnet-5",
    "opus": "anthropic/claude-opus-5",
    "fable": "anthropic/claude-fable-5",
}
"""The Claude model aliases as opencode 1.18's bundled catalogue names them."""


_OLDER = {"agents": "agent", "commands": "command"}


def twin(folder: Path, rel: str) -> str | None:
    """opencode also reads ``agent/`` and ``command/``, the folders' older names: a user's
    ``agent/reviewer.md`` beside the install's ``agents/reviewer.md`` is one agent."""
    top, _, rest = rel.partition("/")
    other = f"{_OLDER[top]}/{rest}" if top in _OLDER else None
    return other if other is not None and (folder / other).is_file() else None
