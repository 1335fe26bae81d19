"""How Codex (``@openai/codex`` 0.171) spells things: its model ids, its built-in roles, and
where it reads what. Read off the shipped client (``codex debug models``, agent files it
accepted and refused) in December 2026.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from agentpack.hostagents import HostAgent

AGENTS = ".codex/agents"
"""Project custom agents (``~/.codex/agents`` for a user); read recursively, trusted
projects only."""
SKILLS = ".agents/skills"
"""Project skills (``~/.agents/skills`` for a user); read even in an untrusted project."""
PLUGIN = ".codex-plugin/plugin.json"
MARKETPLACE = ".agents/plugins/marketplace.json"

MODELS: Mapping[str, str] = {"inherit": "inherit"}
"""Codex knows none of the Claude aliases: an agent whose alias has no Codex id runs on
the session's model (a Claude id would make the spawn fail)."""

DEFAULT_MODEL = "gpt-6.2-sol"
"""The default model of Codex 0.171 (``codex debug models``), for examples in messages."""

HOST_AGENTS: Mapping[str, HostAgent] = {
    "general": HostAgent("default", subagent=True),
    "explore": HostAgent("explorer", subagent=True),
    "worker": HostAgent("worker", subagent=True),
}
"""Codex's built-in roles by canonical name; a pack agent of the same name replaces one."""

NOT_OPENAI = re.compile(r"(^|/)(claude|anthropic)|^(haiku|sonnet|opus|fable)$", re.IGNORECASE)
"""Model ids Codex would send to OpenAI and fail on: Claude's ids and aliases."""
