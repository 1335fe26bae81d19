"""The Copilot plugin (``plugin.json`` at the root of ``dist/copilot/``) and the marketplace
that lists it (``.github/plugin/marketplace.json`` in the pack root).

The manifest holds the pack's metadata only; the Copilot CLI finds the items by its default
folders (``agents/``, ``commands/``, ``skills/``). It carries no Agent Plugins ``$schema``:
with one, the CLI 1.0.102 reads a plugin's agents only from ``com.github.copilot/agents``
and ignores ``agents/`` (seen in the lab).

The marketplace matters beyond convenience: the Copilot CLI also reads Claude Code's
``.claude-plugin/marketplace.json``, after its own locations, and would install the Claude
plugin, whose ``disallowedTools`` Copilot ignores. A Copilot marketplace in the pack's
repository is found first.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from agentpack import emit
from agentpack.model import Hook, ItemInfo, Manifest, McpServer
from agentpack.outputs import OutFile
from agentpack.permissions import mcp_parts
from agentpack.targets import parts
from agentpack.targets.base import Change, Context, Note, Report, Setup
from agentpack.targets.common import one_plugin, person_fields, plugin_fields
from agentpack.targets.copilot.names import CLAUDE_TOOL_NAMES, PLUGIN

NAME = "copilot"
MARKETPLACE = ".github/plugin/marketplace.json"
PLACES = (".github/plugin/marketplace.json", ".plugin/marketplace.json", "marketplace.json")
"""Where in a repository the Copilot CLI looks for a marketplace (before Claude Code's)."""


def render(
    manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
) -> Iterator[OutFile]:
    one_plugin(NAME, "Copilot", manifest, report)
    fields: dict[str, Any] = plugin_fields(manifest)
    yield OutFile.text(PLUGIN, emit.json_text(fields), manifest.source)
    yield from _servers_and_hooks(manifest, report)
    settings = _settings(manifest)
    if settings is None:
        return
    path = settings.get("path", MARKETPLACE)
    root = _root(path)
    source = (
        None if context.dist is None else posixpath.relpath(f"{context.dist}/{NAME}", root or ".")
    )
    if source is None or source.startswith(".."):
        report.about_pack(
            NAME,
            manifest,
            "copilot.marketplace",
            Change.DROPPED,
            f"no marketplace written: the output folder is not inside {root or 'the pack'}, "
            f"so {path} cannot point at it",
        )
        return
    owner = person_fields(manifest.author) if manifest.author else {"name": manifest.name}
    document = {
        "name": settings.get("name", manifest.name),
        "owner": owner,
        "metadata": {"description": manifest.description, "version": manifest.version},
        "plugins": [
            {
                "name": manifest.name,
                "source": f"./{source}",
                "description": manifest.description,
                "version": manifest.version,
            }
        ],
    }
    yield OutFile.text(path, emit.json_text(document), manifest.source, area="pack")


ROOT = "${PLUGIN_ROOT}"
"""The plugin's folder, which the Copilot CLI expands in its servers and hooks."""


FIELDS_OF_ITS_OWN = (
    "the Copilot CLI gives a hook Claude Code's tool names but its own input fields (path, "
    "file_text, old_str, new_str; seen with 1.0.102): a guard that reads file_path or content "
    "finds nothing there and lets the call through; only its shell's input is Claude Code's"
)


MCP_NAMES = (
    "the Copilot CLI names an MCP tool <server>-<tool> to a hook (db-echo, seen with "
    "1.0.102), not Claude Code's mcp__<server>__<tool>: the hook runs for it, but a guard that "
    "checks the name it was written for lets the call through; check both names"
)


def _servers_and_hooks(manifest: Manifest, report: Report) -> Iterator[OutFile]:
    """The plugin's ``.mcp.json`` (every server typed, as Copilot wants them, with all its
    tools) and ``hooks/hooks.json`` in Claude Code's shape, which Copilot reads too (and
    then gives each script Claude Code's input)."""
    servers, hooks = parts.servers(manifest, NAME), parts.hooks(manifest, NAME)
    if servers:
        config = {"mcpServers": mcp_servers(servers, ROOT)}
        yield OutFile.text(".mcp.json", emit.json_text(config), manifest.source)
    if hooks:
        for hook in hooks:
            if any(t != "bash" and not t.startswith("mcp:") for t in hook.tools) or (
                not hook.tools and hook.event in ("before_tool", "after_tool")
            ):
                change = Change.left_out(hook)
                report.notes.append(
                    Note(hook.source, NAME, hook.name, "tools", change, FIELDS_OF_ITS_OWN)
                )
            elif any(t.startswith("mcp:") for t in hook.tools):
                change = Change.left_out(hook)
                report.notes.append(Note(hook.source, NAME, hook.name, "tools", change, MCP_NAMES))
        events = parts.claude_hooks(hooks, ROOT, _matcher)
        yield OutFile.text("hooks/hooks.json", emit.json_text(events), manifest.source)
    yield from parts.files(manifest, servers, hooks)


def _matcher(hook: Hook) -> str | None:
    """Claude Code's tool names, which Copilot gives hooks in Claude Code's shape for its
    shell; an MCP tool by Copilot's name too (``<server>-<tool>``), which it gives them."""
    names = [n for tool in hook.tools for n in CLAUDE_TOOL_NAMES.get(tool, ())]
    for server, name in (mcp_parts(t) for t in hook.tools if t.startswith("mcp:")):
        names += [f"mcp__{server or '.*'}__{name or '.*'}", f"{server or '.*'}-{name or '.*'}"]
    return "|".join(names) or None


def _settings(manifest: Manifest) -> Mapping[str, Any] | None:
    """The pack's ``copilot.marketplace`` block; None when the pack asks for none."""
    block = manifest.extras.get(NAME, {}).get("marketplace", {})
    return None if block is False else block


def _root(path: str) -> str:
    """The repository folder whose marketplace ``path`` is: plugin sources are relative to
    it."""
    for place in PLACES:
        if path == place or path.endswith("/" + place):
            return path[: -len(place)].rstrip("/")
    return posixpath.dirname(path)


def mcp_servers(servers: list[McpServer], root: str) -> dict[str, Any]:
    """Every server typed, as Copilot wants them, with all its tools."""
    found = parts.mcp_servers(servers, root)
    for entry in found.values():
        entry.setdefault("type", "stdio")
        entry["tools"] = ["*"]
    return found


NO_HOOKS = (
    "the pack's hooks are installed with the Copilot plugin only (copilot plugin install): "
    "outside it Copilot reads hooks in a schema of its own"
)


SHADOWED = (
    "this repository has a .mcp.json, which Copilot reads instead of .github/mcp.json: "
    "copy the pack's servers into it to have them in Copilot"
)


def setup(manifest: Manifest, folder: Path, mcp_file: Path) -> Setup:
    """Outside a plugin: the servers into ``mcp_file`` (``mcp-config.json`` in the user's
    Copilot folder, where ``copilot mcp add`` writes, or the repository's
    ``.github/mcp.json``), their scripts under ``agentpack/<pack>/`` in ``folder``."""
    at = parts.scripts_folder(folder, manifest)
    found = mcp_servers(parts.servers(manifest, NAME), str(at))
    entries = parts.member_entries(mcp_file, ("mcpServers",), found)
    notes: tuple[str, ...] = (NO_HOOKS,) if parts.hooks(manifest, NAME) else ()
    if entries and mcp_file.name == "mcp.json" and (folder.parent / ".mcp.json").is_file():
        notes += (SHADOWED,)
    return Setup(tuple(entries), parts.scripts(manifest, NAME, folder, at, hooked=False), notes)
