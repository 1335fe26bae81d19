"""MCP servers and hooks in the shapes several hosts share, for the targets to write.

Claude Code, Codex and the Copilot CLI read a plugin's ``.mcp.json`` (``{"mcpServers":
{...}}``) and hooks in Claude Code's ``hooks.json`` shape; each spells the plugin's folder
and environment variables its own way, which the target passes in. Nothing here names a
target.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from agentpack.configentry import Entry
from agentpack.model import PLUGIN_ROOT, Hook, Manifest, McpServer
from agentpack.outputs import OutFile
from agentpack.secrets import REFERENCE

CLAUDE_EVENTS: Mapping[str, str] = {
    "before_tool": "PreToolUse",
    "after_tool": "PostToolUse",
    "prompt": "UserPromptSubmit",
    "session_start": "SessionStart",
    "session_end": "SessionEnd",
    "stop": "Stop",
}
"""The canonical events in Claude Code's names (which Codex and Copilot read too)."""


def servers(manifest: Manifest, target: str) -> list[McpServer]:
    return [s for s in manifest.servers if manifest.builds(s.targets, target)]


def hooks(manifest: Manifest, target: str) -> list[Hook]:
    return [h for h in manifest.hooks if manifest.builds(h.targets, target)]


def spelled(text: str, root: str, ref: Callable[[str], str] | None = None) -> str:
    """A value in a host's spelling: ``${PLUGIN_ROOT}`` as ``root``, and each
    ``${NAME}`` as ``ref(NAME)`` (kept as it is when ``ref`` is None)."""
    if ref is not None:
        text = REFERENCE.sub(lambda m: m[0] if m[0] == PLUGIN_ROOT else ref(m[1]), text)
    return text.replace(PLUGIN_ROOT, root)


def mcp_servers(
    chosen: Iterable[McpServer],
    root: str,
    ref: Callable[[str], str] | None = None,
    *,
    cwd: bool = True,
) -> dict[str, Any]:
    """The ``mcpServers`` map of ``.mcp.json``: stdio servers with command, args, env and
    (``cwd``: where the host reads one) cwd; remote ones with type, url and headers."""
    out: dict[str, Any] = {}
    for server in chosen:
        if server.url is not None:
            entry: dict[str, Any] = {
                "type": server.transport,
                "url": spelled(server.url, root, ref),
            }
            if server.headers:
                entry["headers"] = {k: spelled(v, root, ref) for k, v in server.headers.items()}
        else:
            entry = {"command": spelled(server.command or "", root, ref)}
            if server.args:
                entry["args"] = [spelled(a, root, ref) for a in server.args]
            if server.env:
                entry["env"] = {k: spelled(v, root, ref) for k, v in server.env.items()}
            if server.cwd and cwd:
                entry["cwd"] = spelled(server.cwd, root, ref)
        out[server.name] = entry
    return out


def command(hook: Hook, root: str) -> str:
    """The shell command that runs a hook's script from the installed pack (its path and
    arguments are plain words, which need no quotes in any tool's shell). ``root`` may
    begin with a variable of the tool's (``${CLAUDE_PLUGIN_ROOT}``), which the shell is
    to expand; the rest is a folder's path, which it must not (``~/src/price$list``)."""
    found = _VARIABLE.match(root)
    head = found[0] if found else ""
    rest = _QUOTED.sub(r"\\\g<0>", root[len(head) :])
    return " ".join((f'{hook.interpreter} "{head}{rest}/{hook.run}"', *hook.args))


_VARIABLE = re.compile(r"\$(\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)")
_QUOTED = re.compile(r'[\\$`"]')
"""What a shell reads as other than itself within double quotes."""


def claude_hooks(
    chosen: Iterable[Hook],
    root: str,
    matcher: Callable[[Hook], str | None],
    prefix: str = "",
) -> dict[str, Any]:
    """Claude Code's ``hooks.json``: per event, one matcher group per hook (``matcher``
    gives the regex of tool names a tool hook runs for; None: every tool); ``prefix``
    goes before each command (what a host leaves out of a hook's environment)."""
    events: dict[str, list[dict[str, Any]]] = {}
    for hook in chosen:
        handler: dict[str, Any] = {"type": "command", "command": prefix + command(hook, root)}
        if hook.timeout is not None:
            handler["timeout"] = hook.timeout
        group: dict[str, Any] = {}
        found = matcher(hook) if hook.event in ("before_tool", "after_tool") else None
        if found:
            group["matcher"] = found
        group["hooks"] = [handler]
        events.setdefault(CLAUDE_EVENTS[hook.event], []).append(group)
    return {"hooks": events}


def files(
    manifest: Manifest,
    chosen_servers: Iterable[McpServer],
    chosen_hooks: Iterable[Hook],
    folder: str = "",
) -> Iterator[OutFile]:
    """The pack files the servers and hooks run, at their pack paths under ``folder``."""
    wanted = [
        *(f for s in chosen_servers for f in s.files),
        *(f for h in chosen_hooks for f in (h.run, *h.files)),
    ]
    for rel in dict.fromkeys(wanted):
        yield OutFile(
            f"{folder}{rel}",
            manifest.files[rel],
            manifest.source.path,
            executable=rel in manifest.executables,
        )


def scripts_folder(root: Path, manifest: Manifest) -> Path:
    """Where an install outside a plugin puts the pack's scripts: a folder of the pack's
    own under the tool's, so that two packs' ``hooks/check.py`` never meet."""
    return root / "agentpack" / manifest.name


def scripts(
    manifest: Manifest, target: str, root: Path, at: Path, *, hooked: bool = True
) -> tuple[OutFile, ...]:
    """The scripts the target's servers and hooks run, placed at ``at`` (under ``root``,
    the install folder the files are relative to); ``hooked``: the install adds the hooks
    too (not where the tool has no hooks outside a plugin)."""
    folder = at.relative_to(root).as_posix() + "/"
    run = hooks(manifest, target) if hooked else []
    return tuple(files(manifest, servers(manifest, target), run, folder))


def member_entries(file: Path, keys: tuple[str, ...], members: Mapping[str, Any]) -> list[Entry]:
    """One entry per member (each server of an ``mcpServers`` map, say)."""
    return [Entry(file, (*keys, name), value) for name, value in members.items()]


def hook_entries(file: Path, document: Mapping[str, Any]) -> list[Entry]:
    """Claude Code's ``{"hooks": {event: [group, ...]}}`` as one appended group each, so
    the user's own groups for the same event stay."""
    return [
        Entry(file, ("hooks", event), group, append=True)
        for event, groups in document["hooks"].items()
        for group in groups
    ]
