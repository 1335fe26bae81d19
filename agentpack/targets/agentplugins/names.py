"""How the Agent Plugins specification 1.0.0 (agentplugins/agent-plugins-spec, August 2026)
spells things: a plugin is a folder with a closed ``plugin.json``, Agent Skills under
``skills/`` and MCP servers in ``mcp.json``; nothing else is portable.
"""

from __future__ import annotations

import re

PLUGIN_SCHEMA = "https://agent-plugins.org/schemas/1.0.0/plugin.schema.json"
MCP_SCHEMA = "https://agent-plugins.org/schemas/1.0.0/mcp.schema.json"
SCHEMA_PREFIX = "https://agent-plugins.org/schemas/"
PLUGIN = "plugin.json"
MCP = "mcp.json"
SKILLS = "skills"

PLUGIN_KEYS = ("name", "version", "description", "author", "homepage", "repository")
"""With ``$schema``, ``license``, ``keywords`` and ``extensions``: the closed manifest."""
SKILL_KEYS = ("name", "description", "license", "compatibility", "metadata")
"""The Agent Skills fields a portable SKILL.md holds (``allowed-tools`` is experimental
there, and each client reads it its own way: a pack's grants are not written)."""

TRANSPORTS = {"http": "streamable-http", "sse": "sse"}
COMMAND = re.compile(r"^(\./[^\s]+|[^\s/$]+)$")
"""A stdio command: one token, a bare name or a ./ path (no placeholder is expanded)."""
CWD = re.compile(r"^(\./|\$\{PLUGIN_ROOT\}(/|$)|\$\{PLUGIN_DATA\}(/|$))")
"""A stdio server's working directory: in the plugin, or in the client's data for it."""
