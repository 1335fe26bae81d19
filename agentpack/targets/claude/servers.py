"""The pack's MCP servers and hooks in the Claude Code plugin: ``.mcp.json`` and
``hooks/hooks.json`` beside ``.claude-plugin/``, the scripts they run at their pack paths,
reached through ``${CLAUDE_PLUGIN_ROOT}``; and the names a plugin server's tools get.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from agentpack import emit
from agentpack.model import Hook, Manifest
from agentpack.outputs import OutFile
from agentpack.permissions import mcp_parts
from agentpack.targets import parts
from agentpack.targets.base import Change, Note, Report, Setup
from agentpack.targets.claude.names import DENIED_WITH, TOOLS

NAME = "claude"
ROOT = "${CLAUDE_PLUGIN_ROOT}"
NO_CWD = (
    Change.APPROXIMATED,
    "Claude Code reads no cwd and starts a server in the folder it runs in; name the "
    "server's files from ${PLUGIN_ROOT} in its command and args instead",
)


def plugin_tool_names(manifest: Manifest) -> Callable[[list[str]], list[str]]:
    """Names that also reach the pack's own MCP servers: Claude Code names a plugin
    server's tools ``mcp__plugin_<plugin>_<server>__<tool>``, so an agent's
    ``mcp__<server>`` (allowed or denied) needs that name too, or the allow is void and the
    deny no deny. Both are written: the agent file also serves without the plugin, with
    the server in the user's settings under its own name."""
    ours = {s.name for s in parts.servers(manifest, NAME)}
    holder = server_plugin(manifest)
    plain = plain_tool_name(manifest)

    def names(found: list[str]) -> list[str]:
        out: list[str] = []
        for name in found:
            out.append(name)
            server, _, tool = name.removeprefix("mcp__").partition("__")
            if plain(name) != name:  # a source's own spelling of the plugin's name
                out.append(plain(name))
            elif name.startswith("mcp__") and server in ours:
                out.append(f"mcp__plugin_{holder}_{server}" + (f"__{tool}" if tool else ""))
        return out

    return names


def plain_tool_name(manifest: Manifest) -> Callable[[str], str]:
    """The pack's name (``mcp__<server>__<tool>``) of a name Claude Code gives the tool of
    a pack server in the plugin that holds it, as an imported file may spell it; other
    names as they are."""
    prefix = f"mcp__plugin_{server_plugin(manifest)}_"
    ours = {s.name for s in parts.servers(manifest, NAME)}

    def plain(name: str) -> str:
        server, sep, tool = name.removeprefix(prefix).partition("__")
        return f"mcp__{server}{sep}{tool}" if name.startswith(prefix) and server in ours else name

    return plain


def server_plugin(manifest: Manifest) -> str:
    """The plugin that holds the pack's servers and hooks: the pack's, or with plugin
    groups the first group's (in two plugins, each hook would run twice)."""
    return manifest.plugins[0].name if manifest.plugins else manifest.name


def matcher(manifest: Manifest) -> Callable[[Hook], str | None]:
    """The regex of Claude Code tool names a tool hook runs for (None: every tool)."""
    holder = server_plugin(manifest)
    ours = {s.name for s in parts.servers(manifest, NAME)}

    def find(hook: Hook) -> str | None:
        if not hook.tools:
            return None
        names: list[str] = []
        for tool in hook.tools:
            if not tool.startswith("mcp:"):  # older names and parts too (Task, Workflow)
                names += (*TOOLS.get(tool, ()), *DENIED_WITH.get(tool, ()))
                if tool == "write":  # Edit creates a file too, with an empty old_string
                    names += (*TOOLS["edit"], *DENIED_WITH["edit"])
                continue
            server, name = mcp_parts(tool)
            rest = f"__{name}" if name else "__.*"
            prefixes = ["mcp__.*"] if server is None else [f"mcp__{server}"]
            if server in ours:
                prefixes.append(f"mcp__plugin_{holder}_{server}")
            names += [p + rest for p in prefixes]
        return "|".join(dict.fromkeys(names)) or None

    return find


def render(manifest: Manifest, folder: str, report: Report) -> Iterator[OutFile]:
    """``.mcp.json``, ``hooks/hooks.json`` and their scripts, in the plugin at ``folder``."""
    servers, hooks = parts.servers(manifest, NAME), parts.hooks(manifest, NAME)
    if (servers or hooks) and manifest.plugins:
        report.about_pack(
            NAME,
            manifest,
            "plugins",
            Change.APPROXIMATED,
            f"the pack's MCP servers and hooks go into the plugin {server_plugin(manifest)!r} "
            "only (in two plugins, each hook would run twice)",
        )
    texts = []
    for server in (s for s in servers if s.cwd):
        report.notes.append(Note(server.source, NAME, server.name, "cwd", *NO_CWD))
    if servers:
        document = {"mcpServers": parts.mcp_servers(servers, ROOT, cwd=False)}
        texts.append(OutFile.text(f"{folder}.mcp.json", emit.json_text(document), manifest.source))
    if hooks:
        document = parts.claude_hooks(hooks, ROOT, matcher(manifest))
        texts.append(
            OutFile.text(f"{folder}hooks/hooks.json", emit.json_text(document), manifest.source)
        )
    _undeclared(manifest, texts, report)
    yield from texts
    yield from parts.files(manifest, servers, hooks, folder)


_OPTION = re.compile(r"\$\{user_config\.([^}\s]+)\}")


def _undeclared(manifest: Manifest, files: list[OutFile], report: Report) -> None:
    """Claude Code refuses a plugin whose servers or hooks name a ``${user_config.X}`` its
    ``userConfig`` does not declare (2.1.332's validator): say which, where to declare."""
    options = manifest.extras.get(NAME, {}).get("userConfig")
    declared = set(options) if isinstance(options, Mapping) else set()
    named = {m for f in files for m in _OPTION.findall(f.data.decode("utf-8"))}
    for option in sorted(named - declared):
        report.about_pack(
            NAME,
            manifest,
            "claude.userConfig",
            Change.APPROXIMATED,
            f"a server or hook names ${{user_config.{option}}}, which is not declared, and "
            f"Claude Code refuses such a plugin; declare {option} under claude.userConfig",
        )


def setup(
    manifest: Manifest, scope: str, folder: Path, env: Mapping[str, str], home: Path, project: Path
) -> Setup:
    """Outside a plugin: the servers go where ``claude mcp add`` puts them (the project's
    ``.mcp.json``, or ``.claude.json`` in the user's config folder), the hooks into the
    scope's ``settings.json``, and the scripts under ``agentpack/<pack>/`` in ``folder``,
    named by their absolute path (nothing like ``${CLAUDE_PLUGIN_ROOT}`` exists there)."""
    at = parts.scripts_folder(folder, manifest)
    server_root = hook_root = str(at)
    if scope == "project":
        mcp_file = project / ".mcp.json"
        # the repository is shared and may move: a project's server starts in the project
        # folder, and a hook gets $CLAUDE_PROJECT_DIR (which .mcp.json does not expand)
        server_root = at.relative_to(project).as_posix()
        hook_root = f"$CLAUDE_PROJECT_DIR/{server_root}"
    else:
        mcp_file = Path(env.get("CLAUDE_CONFIG_DIR") or home) / ".claude.json"
    servers, hooks = parts.servers(manifest, NAME), parts.hooks(manifest, NAME)
    found = parts.mcp_servers(servers, server_root, cwd=False)
    entries = parts.member_entries(mcp_file, ("mcpServers",), found)
    if hooks:
        document = parts.claude_hooks(hooks, hook_root, matcher(manifest))
        entries += parts.hook_entries(folder / "settings.json", document)
    notes = tuple(f"mcpServers.{s.name}.cwd left out: {NO_CWD[1]}" for s in servers if s.cwd)
    return Setup(tuple(entries), parts.scripts(manifest, NAME, folder, at), notes)
