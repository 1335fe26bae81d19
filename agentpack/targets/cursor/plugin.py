"""The Cursor plugin manifest (``.cursor-plugin/plugin.json``) of ``dist/cursor/``.

Cursor's schema for it (``cursor/plugins``, ``schemas/plugin.schema.json``) is closed: an
author has a name and an email only, and there is no ``$schema``. Cursor finds the items by
its default folders (``agents/``, ``commands/``, ``skills/``), so the manifest names none.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from agentpack import emit
from agentpack.model import ItemInfo, Manifest, McpServer
from agentpack.outputs import OutFile
from agentpack.targets import parts
from agentpack.targets.base import Change, Context, Note, Report, Setup
from agentpack.targets.common import one_plugin, plugin_fields
from agentpack.targets.cursor.names import PLUGIN

NAME = "cursor"
ROOT = "${CURSOR_PLUGIN_ROOT}"
"""The plugin's folder, as Cursor's own plugins name it in their servers."""
NO_HOOKS = (
    "not in the Cursor output yet: Cursor's hooks have events and input of their own "
    "(beforeShellExecution, ...), so the script would not get what it was written for"
)


def render(
    manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
) -> Iterator[OutFile]:
    one_plugin(NAME, "Cursor", manifest, report)
    fields: dict[str, Any] = plugin_fields(manifest)
    author = fields.get("author")
    if author is not None and "url" in author:
        del author["url"]
        report.about_pack(
            NAME, manifest, "author.url", Change.DROPPED, "a Cursor plugin's author has no url"
        )
    yield OutFile.text(PLUGIN, emit.json_text(fields), manifest.source)
    servers = parts.servers(manifest, NAME)
    if servers:
        config = {"mcpServers": mcp_servers(servers, ROOT)}
        yield OutFile.text("mcp.json", emit.json_text(config), manifest.source)
    for hook in parts.hooks(manifest, NAME):
        change = Change.left_out(hook)
        report.notes.append(Note(hook.source, NAME, hook.name, "-", change, NO_HOOKS))
    yield from parts.files(manifest, servers, ())


def mcp_servers(servers: list[McpServer], root: str) -> dict[str, Any]:
    """``mcpServers`` as Cursor reads it: ``${env:NAME}`` references, and no type on a
    remote server (Cursor tells one by its url)."""
    found = parts.mcp_servers(servers, root, lambda name: "${env:" + name + "}")
    for name, entry in found.items():
        kind = {"type": "stdio"} if "command" in entry else {}
        found[name] = {**kind, **{k: v for k, v in entry.items() if k != "type"}}
    return found


def setup(manifest: Manifest, folder: Path) -> Setup:
    """Outside a plugin: the servers into ``mcp.json`` in the scope's ``.cursor`` folder,
    their scripts under ``agentpack/<pack>/`` there, named by absolute path."""
    at = parts.scripts_folder(folder, manifest)
    found = mcp_servers(parts.servers(manifest, NAME), str(at))
    entries = parts.member_entries(folder / "mcp.json", ("mcpServers",), found)
    notes = tuple(f"hook {h.name} left out: {NO_HOOKS}" for h in parts.hooks(manifest, NAME))
    return Setup(tuple(entries), parts.scripts(manifest, NAME, folder, at, hooked=False), notes)
