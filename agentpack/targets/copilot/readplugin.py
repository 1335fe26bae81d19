"""A Copilot plugin's parts that are not items, for ``import``: where its manifest is,
and the MCP servers and hooks it and its folder hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentpack.native import Importing
from agentpack.source import within
from agentpack.targets import readhooks, readparts
from agentpack.targets.copilot.names import CLAUDE_TOOL_NAMES, MANIFESTS

ROOTS = ("${PLUGIN_ROOT}", "${COPILOT_PLUGIN_ROOT}", "${CLAUDE_PLUGIN_ROOT}")
SPELLING = readparts.Spelling(
    (*ROOTS, *(root.replace("{", "").replace("}", "") for root in ROOTS)), bare=True
)
"""The Copilot CLI's (1.0.102): a plugin's folder by three names, and ``$NAME`` as well as
``${NAME}`` for a variable."""
VSCODE_SPELLING = readparts.Spelling(("${PLUGIN_ROOT}",))
"""VS Code's ``.vscode/mcp.json``, where ``$NAME`` is text."""
VSCODE_SERVERS = ".vscode/mcp.json"
HOOK_TOOLS = {name: tool for tool, names in CLAUDE_TOOL_NAMES.items() for name in names}
"""Copilot gives hooks in Claude Code's shape Claude Code's tool names."""


def servers_and_hooks(folder: Path, run: Importing) -> set[Path]:
    """A plugin's ``.mcp.json`` and ``hooks/hooks.json``, a repository's
    ``.github/mcp.json`` and ``.github/hooks/*.json`` (the CLI reads every one), a home's
    ``mcp-config.json``: what was read."""
    taken = set()
    for name in (".mcp.json", "mcp.json", "mcp-config.json"):
        if (folder / name).is_file():
            taken.add(folder / name)
            readparts.servers_file(folder / name, run, SPELLING)
    found = sorted((folder / "hooks").glob("*.json")) if (folder / "hooks").is_dir() else []
    for path in found:
        taken.add(folder / "hooks")
        readhooks.hooks_file(path, run, SPELLING, HOOK_TOOLS)
    return taken


def manifest(folder: Path) -> Path | None:
    """The plugin manifest the Copilot CLI reads in ``folder``, if any."""
    # one linked from outside the plugin (from ~/, say) is no manifest of it
    found = (folder / m for m in MANIFESTS if (folder / m).is_file())
    return next((path for path in found if within(path, folder)), None)


def named_servers(found: Path, folder: Path, named: Any, run: Importing) -> set[Path]:
    """The servers a manifest's ``mcpServers`` names, as the Copilot CLI 1.0.102 reads
    them: a file of the plugin, or the servers themselves; none when the plugin has a
    ``.mcp.json``, which the CLI reads instead, or when it names a list."""
    if named is None:
        return set()
    if (folder / ".mcp.json").is_file() or not isinstance(named, (str, dict)):
        why = "the CLI reads .mcp.json instead" if isinstance(named, (str, dict)) else "no file"
        run.report(found, "MCP servers").dropped.append(f"mcpServers ({why})")
        return set()
    if isinstance(named, dict):
        readparts.servers(named, folder, SPELLING, run, run.report(found, "MCP servers"))
        return set()
    path = folder / named
    if not path.is_file() or not within(path, folder):
        run.skip(path, "named by the plugin's mcpServers, not a file of the plugin")
        return set()
    readparts.servers_file(path, run, SPELLING)
    return {path}
