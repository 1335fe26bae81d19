"""The Codex plugin (``.codex-plugin/plugin.json``) and the marketplace that lists it
(``.agents/plugins/marketplace.json`` in the pack root, where ``codex plugin marketplace
add`` looks). A Codex plugin carries skills (and, later, MCP servers and hooks), not agents:
agents are installed into ``~/.codex/agents`` or a project's ``.codex/agents``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from agentpack import emit
from agentpack.model import PLUGIN_ROOT, Hook, ItemInfo, Kind, Manifest, McpServer
from agentpack.outputs import OutFile
from agentpack.permissions import mcp_parts
from agentpack.targets import parts
from agentpack.targets.base import Change, Context, Note, Report, Setup
from agentpack.targets.codex.names import MARKETPLACE, PLUGIN, SKILLS
from agentpack.targets.common import one_plugin, plugin_fields

NAME = "codex"
WHOLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
BEARER = re.compile(r"Bearer \$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SHELL_ONLY = (
    "Codex names only its shell (Bash) and MCP tools to hooks: the hook does not run for "
    "the pack's other tools there"
)
PROJECT_DIR = 'CLAUDE_PROJECT_DIR="${CLAUDE_PROJECT_DIR:-$PWD}" '
"""Codex runs a hook's command in a shell in the project's folder, with CLAUDE_PLUGIN_ROOT
set but not CLAUDE_PROJECT_DIR, which guards written for Claude Code read (Anthropic's
bash-workdir-guard lets every call through without it): set from the folder (seen with
codex exec 0.171)."""
TRUST = (
    "Codex runs a hook only once its user has trusted it, and skips it silently until "
    "then (seen with codex exec 0.171): after installing, run codex, open /hooks and trust "
    "it; and it takes a JSON deny only with a permissionDecisionReason (exit 2 always holds)"
)


def render(
    manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
) -> Iterator[OutFile]:
    one_plugin(NAME, "Codex", manifest, report)
    fields: dict[str, Any] = plugin_fields(manifest)
    if any(i.kind is not Kind.AGENT for i in items):
        fields["skills"] = f"./{SKILLS}/"
    servers, hooks = kept_servers(manifest, report), parts.hooks(manifest, NAME)
    if servers:
        fields["mcpServers"] = "./.mcp.json"
        config = {"mcpServers": mcp_servers(servers)}
        yield OutFile.text(".mcp.json", emit.json_text(config), manifest.source)
    if hooks:
        fields["hooks"] = "./hooks/hooks.json"
        _untrusted(hooks, report)
        events = parts.claude_hooks(hooks, ROOT, _matcher(manifest, report), PROJECT_DIR)
        yield OutFile.text("hooks/hooks.json", emit.json_text(events), manifest.source)
    yield from parts.files(manifest, servers, hooks)
    fields["interface"] = {
        "displayName": manifest.name,
        "shortDescription": _short(manifest.description),
        **({"developerName": manifest.author.name} if manifest.author else {}),
    }
    yield OutFile.text(PLUGIN, emit.json_text(fields), manifest.source)
    settings = _settings(manifest)
    if settings is None:
        return
    path = settings.get("path", MARKETPLACE)
    root = posixpath.dirname(posixpath.dirname(posixpath.dirname(path)))
    source = (
        None if context.dist is None else posixpath.relpath(f"{context.dist}/{NAME}", root or ".")
    )
    if source is None or source.startswith(".."):
        report.about_pack(
            NAME,
            manifest,
            "codex.marketplace",
            Change.DROPPED,
            f"no marketplace written: the output folder is not inside {root or 'the pack'}, "
            f"so {path} cannot point at it",
        )
        return
    document = {
        "name": settings.get("name", manifest.name),
        "interface": {"displayName": settings.get("name", manifest.name)},
        "plugins": [
            {
                "name": manifest.name,
                "source": {"source": "local", "path": f"./{source}"},
                "policy": {"installation": "AVAILABLE", "authentication": "ON_INSTALL"},
                "category": settings.get("category", "Coding"),
            }
        ],
    }
    yield OutFile.text(path, emit.json_text(document), manifest.source, area="pack")


ROOT = "${PLUGIN_ROOT}"
"""The installed plugin's folder, which Codex expands in a plugin's servers and hooks."""


def kept_servers(manifest: Manifest, report: Report) -> list[McpServer]:
    """The pack's servers for Codex, but for those that speak only SSE: Codex takes a url
    server as streamable HTTP whatever its type says (0.171's ``codex mcp list``), and an
    SSE server would not answer it."""
    found = []
    for server in parts.servers(manifest, NAME):
        field = "transport" if server.transport == "sse" else _unexpanded(server)
        if field is None:
            found.append(server)
            continue
        why = (
            "left out of Codex, which speaks only streamable HTTP to a url server"
            if field == "transport"
            else f"left out of Codex: its {field} holds a ${{VAR}}, which Codex expands only as "
            "a whole env or header value (and in Authorization: Bearer ${VAR}), so the server "
            + (
                "would get the text itself; make the reference the whole value"
                if field.startswith(("env.", "headers."))
                else "would get the text as it is; let it read the variable from its environment"
            )
        )
        at = "transport" if field == "transport" else "-"  # "-": the server as a whole
        report.notes.append(Note(server.source, NAME, server.name, at, Change.NARROWED, why))
    return found


def _unexpanded(server: McpServer) -> str | None:
    """The first field of a server that holds a reference Codex would pass on as text."""
    for field, value in (
        ("command", server.command or ""),
        ("url", server.url or ""),
        ("cwd", server.cwd or ""),
        *((f"args[{i}]", a) for i, a in enumerate(server.args)),
    ):
        if "${" in value.replace(PLUGIN_ROOT, ""):
            return field
    for key, values in (("env", server.env), ("headers", server.headers)):
        for name, value in values.items():
            whole = WHOLE.fullmatch(value) or (
                key == "headers" and name.lower() == "authorization" and BEARER.fullmatch(value)
            )
            if "${" in value.replace(PLUGIN_ROOT, "") and not whole:
                return f"{key}.{name}"
    return None


def mcp_servers(servers: list[McpServer], root: str = ROOT) -> dict[str, Any]:
    """Servers as Codex takes them: a variable a stdio server needs is passed through from
    the user's environment (``env_vars``); a remote server's token is named, not written
    (``bearer_token_env_var``, ``env_http_headers``). Other values as they are."""
    out = parts.mcp_servers(servers, root)
    for server in servers:
        entry = out[server.name]
        whole = {k: m.group(1) for k, v in server.env.items() if (m := WHOLE.fullmatch(v))}
        if whole:
            entry["env"] = {k: v for k, v in entry["env"].items() if k not in whole} or None
            if entry["env"] is None:
                del entry["env"]
            entry["env_vars"] = sorted(set(whole.values()))
        headers = dict(server.headers)
        said = next((k for k in headers if k.lower() == "authorization"), "")
        bearer = BEARER.fullmatch(headers.get(said, ""))
        if bearer:
            del headers[said]
            entry["bearer_token_env_var"] = bearer.group(1)
        named = {k: m.group(1) for k, v in headers.items() if (m := WHOLE.fullmatch(v))}
        if named:
            entry["env_http_headers"] = named
        rest = {k: v for k, v in headers.items() if k not in named}
        entry.pop("headers", None)
        if rest:
            entry["http_headers"] = rest
    return out


def _untrusted(hooks: Sequence[Hook], report: Report) -> None:
    """A guard that does not run until its user trusts it leaves the calls it would block
    allowed until then: said at each hook."""
    for hook in hooks:
        change = Change.left_out(hook)
        change = Change.APPROXIMATED if change is Change.DROPPED else change
        report.notes.append(Note(hook.source, NAME, hook.name, "-", change, TRUST))


def _matcher(manifest: Manifest, report: Report) -> Callable[[Hook], str | None]:
    """Codex's hook tool names: ``Bash`` for its shell and ``mcp__<server>__<tool>``; a
    hook on another tool cannot be matched, and runs for none of them (noted)."""

    def find(hook: Hook) -> str | None:
        names: list[str] = []
        for tool in hook.tools:
            if tool == "bash":
                names.append("Bash")
            elif tool.startswith("mcp:"):
                server, name = mcp_parts(tool)
                names.append(f"mcp__{server or '.*'}__{name or '.*'}")
        if len(names) < len(hook.tools):
            report.notes.append(
                Note(hook.source, NAME, hook.name, "tools", Change.left_out(hook), SHELL_ONLY)
            )
        return "|".join(names) or (None if not hook.tools else "^$")

    return find


def _settings(manifest: Manifest) -> Mapping[str, Any] | None:
    """The pack's ``codex.marketplace`` block; None when the pack asks for none."""
    block = manifest.extras.get(NAME, {}).get("marketplace", {})
    return None if block is False else block


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 120 else line[:117].rsplit(" ", 1)[0] + "..."


def setup(manifest: Manifest, root: Path, folder: Path, report: Report) -> Setup:
    """Outside a plugin: the servers into ``config.toml`` in the scope's ``.codex`` folder
    (``CODEX_HOME`` for the user), the hooks into ``hooks.json`` beside it, the scripts under
    ``agentpack/<pack>/`` there, named by absolute path. ``root``: the install root the
    scripts' paths are relative to."""
    at = parts.scripts_folder(folder, manifest)
    servers, hooks = kept_servers(manifest, report), parts.hooks(manifest, NAME)
    # Codex's config has no type (each kept url server is streamable HTTP): a table with
    # one would be rewritten without it by any `codex mcp add`, and no longer be ours
    found = {
        n: {k: v for k, v in e.items() if k != "type"}
        for n, e in mcp_servers(servers, str(at)).items()
    }
    entries = parts.member_entries(folder / "config.toml", ("mcp_servers",), found)
    if hooks:
        _untrusted(hooks, report)
        events = parts.claude_hooks(hooks, str(at), _matcher(manifest, report), PROJECT_DIR)
        entries += parts.hook_entries(folder / "hooks.json", events)
    return Setup(tuple(entries), parts.scripts(manifest, NAME, root, at), report.lines())
