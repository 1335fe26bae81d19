"""The portable bundle: ``plugin.json``, the skills and ``mcp.json`` in
``dist/agentplugins/<pack>/``, a plugins folder a client can be pointed at.

Only ``${PLUGIN_ROOT}`` and ``${PLUGIN_DATA}`` are expanded, and only in a stdio server's
args, env and cwd: a server that needs a variable of the user's (a token) cannot be written
portably and is left out, with a note; so is one whose command is not a single token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from agentpack import emit
from agentpack.model import PLUGIN_ROOT, Agent, Item, Manifest, McpServer, Skill
from agentpack.outputs import OutFile
from agentpack.secrets import REFERENCE
from agentpack.targets import parts
from agentpack.targets.agentplugins.names import (
    COMMAND,
    CWD,
    MCP,
    MCP_SCHEMA,
    PLUGIN,
    PLUGIN_SCHEMA,
    SKILLS,
    TRANSPORTS,
)
from agentpack.targets.base import Change, Note, Report
from agentpack.targets.common import body_notes, plugin_fields, skill_fields, skill_files

TARGET = "agentplugins"
NOT_PORTABLE = "an Agent Plugin carries skills and MCP servers only"


def folder(manifest: Manifest) -> str:
    return f"{manifest.name}/"


def item_files(item: Item, manifest: Manifest, report: Report) -> Iterator[OutFile]:
    if not isinstance(item, Skill):
        kind = "agent" if isinstance(item, Agent) else "command"
        report.add(TARGET, item, "-", Change.DROPPED, f"{NOT_PORTABLE}, no {kind}s")
        return
    if item.allowed_tools:
        why = "allowed-tools is experimental in Agent Skills and each client reads it its own way"
        report.add(TARGET, item, "allowed_tools", Change.DROPPED, f"{why}: the skill asks as usual")
    if item.disable_model_invocation:
        why = "Agent Skills has no such field (a client would skip the skill)"
        report.add(TARGET, item, "disable_model_invocation", Change.DROPPED, why)
    body_notes(TARGET, "An Agent Skills client", item, report)
    yield from skill_files(item, skill_fields(item), folder(manifest) + SKILLS)


def pack_files(manifest: Manifest, report: Report) -> Iterator[OutFile]:
    fields: dict[str, Any] = {"$schema": PLUGIN_SCHEMA, **plugin_fields(manifest)}
    if manifest.plugins:
        why = "one Agent Plugin holds the whole pack; plugin groups make Claude Code plugins"
        report.about_pack(TARGET, manifest, "plugins", Change.APPROXIMATED, why)
    base = folder(manifest)
    yield OutFile.text(base + PLUGIN, emit.json_text(fields), manifest.source)
    servers = [s for s in parts.servers(manifest, TARGET) if _portable(s, report)]
    if servers:
        document = {"$schema": MCP_SCHEMA, "mcpServers": mcp_servers(servers)}
        yield OutFile.text(base + MCP, emit.json_text(document), manifest.source)
    for hook in parts.hooks(manifest, TARGET):
        note = Note(hook.source, TARGET, hook.name, "-", Change.left_out(hook), NOT_PORTABLE)
        report.notes.append(note)
    yield from parts.files(manifest, servers, (), base)


def _portable(server: McpServer, report: Report) -> bool:
    """Whether the bundle can hold the server as the pack says it (else a note)."""
    values = [*server.args, *server.env.values(), server.cwd or "", *server.headers.values()]
    values.append(server.url or "")
    expanded = (PLUGIN_ROOT, "${PLUGIN_DATA}")
    named = sorted({m[1] for v in values for m in REFERENCE.finditer(v) if m[0] not in expanded})
    url = urlsplit(server.url or "")
    why = None
    if {"PLUGIN_ROOT", "PLUGIN_DATA"} & set(server.env):
        why = "its env sets PLUGIN_ROOT or PLUGIN_DATA, which the client sets itself"
    elif server.cwd and not CWD.match(server.cwd):
        why = "its cwd is not in the plugin (./ or ${PLUGIN_ROOT})"
    elif named:
        why = f"it needs {', '.join(named)} from the user's environment, which no client expands"
    elif server.command is not None and not COMMAND.match(_command(server.command)):
        why = "its command is not one token (a bare name or a ./ path)"
    elif server.url is not None and (url.scheme != "https" or "@" in url.netloc or url.fragment):
        why = "a remote server's URL must be HTTPS, with no user in it and no #fragment"
    elif len({h.casefold() for h in server.headers}) < len(server.headers):
        why = "two of its headers differ only in letter case"
    if why is not None:
        report.notes.append(
            Note(server.source, TARGET, server.name, "-", Change.DROPPED, f"left out: {why}")
        )
    return why is None


def _command(command: str) -> str:
    return (
        "./" + command[len(PLUGIN_ROOT) + 1 :] if command.startswith(PLUGIN_ROOT + "/") else command
    )


def mcp_servers(servers: list[McpServer]) -> dict[str, Any]:
    """The closed server variants of ``mcp.json``: stdio (type, command, args, env, cwd) or
    remote (type, url, headers)."""
    out: dict[str, Any] = {}
    for server in servers:
        if server.url is not None:
            entry: dict[str, Any] = {"type": TRANSPORTS[server.transport], "url": server.url}
            if server.headers:
                entry["headers"] = dict(server.headers)
        else:
            entry = {"type": "stdio", "command": _command(server.command or "")}
            if server.args:
                entry["args"] = list(server.args)
            if server.env:
                entry["env"] = dict(server.env)
            if server.cwd:
                entry["cwd"] = server.cwd
        out[server.name] = entry
    return out
