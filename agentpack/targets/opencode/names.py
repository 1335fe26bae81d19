"""How opencode 1.x spells things, in one place for writing and for reading back: colours,
built-in agents and model ids."""

from __future__ import annotations

from collections.abc import Mapping

from agentpack.hostagents import HostAgent

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

MODELS: Mapping[str, str] = {
    "inherit": "inherit",
    "haiku": "anthropic/claude-haiku-4-5",
    "sonnet": "anthropic/claude-sonnet-5",
    "opus": "anthropic/claude-opus-5",
    "fable": "anthropic/claude-fable-5",
}
"""The Claude model aliases as opencode 1.18's bundled catalogue names them."""
