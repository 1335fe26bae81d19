"""How Cursor spells things, from its documentation (cursor.com/docs: subagents, commands,
skills, plugins) and the plugins Cursor publishes (``cursor/plugins``), December 2026.
Cursor has no command-line client to check them against here.
"""

from __future__ import annotations

from collections.abc import Mapping

from agentpack.hostagents import HostAgent

AGENTS = "agents"
"""``.cursor/agents`` in a project, ``~/.cursor/agents`` for a user, a plugin's agents."""
COMMANDS = "commands"
SKILLS = "skills"
PLUGIN = ".cursor-plugin/plugin.json"
MARKETPLACE = ".cursor-plugin/marketplace.json"
"""A repository of several plugins lists them here."""

READONLY: tuple[str, ...] = ("write", "edit", "notebook")
"""What ``readonly: true`` takes from an agent besides every MCP tool: file edits of any
kind. It also stops commands that change state, but Cursor decides which those are, so no
source policy on bash can rely on it."""

MODELS: Mapping[str, str] = {"inherit": "inherit", "opus": "claude-opus-5"}
"""The aliases with a Cursor id seen in Cursor's own plugins; give others under
``models:`` (Cursor falls back to a model the plan allows when an id is not available)."""

HOST_AGENTS: Mapping[str, HostAgent] = {}
"""A Cursor command cannot name the agent it runs in."""

NAME_PATTERN = r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"
"""Names Cursor's plugin schema takes (a pack's names always match)."""
