"""The pack's MCP servers and hooks for opencode: ``opencode.json`` with the ``mcp``
section (opencode reads ``.opencode/opencode.json`` beside the agents), and a generated
plugin (``plugin/<pack>-hooks.js``, which opencode loads from ``.opencode/plugin/``)
that runs the pack's hook scripts on the matching events, as Claude Code would.

opencode has no variable for the folder its files are installed in: a server's
``${PLUGIN_ROOT}`` becomes ``.opencode``, which holds when opencode runs in the project the
files are installed in. The plugin finds its scripts from its own path instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agentpack import emit, jsontext
from agentpack.model import Hook, Manifest, McpServer
from agentpack.outputs import OutFile
from agentpack.targets import parts
from agentpack.targets.base import Change, Note, Report, Setup
from agentpack.targets.opencode.hookplugin import plugin, plugin_file
from agentpack.targets.opencode.names import NAME

ROOT = ".opencode"
NO_CWD = "opencode starts a local MCP server in the project folder; it has no cwd"

_LOADED = re.compile(
    r"^(?:(?:tool|tools)/[^/]+\.(?:js|ts)|(?:plugin|plugins)/[^/]+\.(?:js|ts)"
    r"|(?:mode|modes)/[^/]+\.md|(?:agent|command)/.+\.md|skill/.+/SKILL\.md)$"
)
"""Where opencode 1.18 loads files of its folder by itself ({tool,tools}/*.{js,ts} and
{plugin,plugins}/*.{ts,js} as code it runs at start, agent/, command/, modes/ and skill/ as
items): a pack file copied there would run, or be an agent with every tool."""


def chosen(manifest: Manifest, report: Report) -> tuple[list[McpServer], list[Hook]]:
    """The servers and hooks for opencode, less those with a file that opencode would load
    by itself where the export puts it: each left out, with a warning."""
    servers = [s for s in parts.servers(manifest, NAME) if _placed(s, s.files, report)]
    hooks = [h for h in parts.hooks(manifest, NAME) if _placed(h, (h.run, *h.files), report)]
    return servers, hooks


def _placed(part: McpServer | Hook, files: tuple[str, ...], report: Report) -> bool:
    loaded = next((f for f in files if _LOADED.match(f)), None)
    if loaded is None:
        return True
    why = (
        f"left out of opencode: its file {loaded} would sit where opencode loads files by "
        "itself (as code it runs at start, or as an agent or command); move it to another "
        "folder of the pack"
    )
    change = Change.left_out(part) if isinstance(part, Hook) else Change.NARROWED
    report.notes.append(Note(part.source, NAME, part.name, "-", change, why))
    return False


def render(manifest: Manifest, report: Report) -> Iterator[OutFile]:
    servers, hooks = chosen(manifest, report)
    if servers:
        config = {"$schema": "https://opencode.ai/config.json", "mcp": _mcp(servers, report)}
        yield OutFile.text("opencode.json", emit.json_text(config), manifest.source)
    if hooks:
        text = plugin(manifest, hooks, report)
        yield OutFile.text(plugin_file(manifest), text, manifest.source)
    yield from parts.files(manifest, servers, hooks)


def setup(manifest: Manifest, folder: Path) -> Setup:
    """Outside the export's own ``opencode.json``: each server into the ``mcp`` section of
    the user's config in ``folder`` (``opencode.jsonc`` when that is the one they keep),
    named by absolute path; the hook plugin into ``folder``, the scripts under
    ``agentpack/<pack>/`` there, where the plugin finds them from its own path."""
    report = Report()
    servers, hooks = chosen(manifest, report)
    jsonc = folder / "opencode.jsonc"
    file = jsonc if jsonc.exists() else folder / "opencode.json"
    at = parts.scripts_folder(folder, manifest)
    mcp = _mcp(servers, report, str(at))
    theirs = {name: path for path, names in _servers_beside(file) for name in names}
    notes = [
        f"mcp.{name} left out: {theirs[name]} has a server of that name, which this one would "
        "replace; rename one of them"
        for name in sorted(set(theirs) & set(mcp))
    ]
    below = at.relative_to(folder).as_posix()
    text = plugin(manifest, hooks, report, below)
    out = [OutFile.text(plugin_file(manifest), text)] if hooks else []
    out += parts.files(manifest, servers, hooks, f"{below}/")
    mine = {k: v for k, v in mcp.items() if k not in theirs}
    entries = tuple(parts.member_entries(file, ("mcp",), mine))
    return Setup(entries, tuple(out), (*report.lines(), *notes))


def _servers_beside(file: Path) -> Iterator[tuple[Path, set[str]]]:
    """The servers of the other config files opencode reads before ``file``, which that
    one's override name by name: the user's ``config.json``, ``opencode.json`` and
    ``opencode.jsonc`` in that order; a project's own ``opencode.json(c)`` beside
    ``.opencode/``, then the ones in it."""
    folder = file.parent
    names = ("opencode.json", "opencode.jsonc")
    if folder.name == ".opencode":
        paths = [*(folder.parent / n for n in names), *(folder / n for n in names)]
    else:
        paths = [folder / n for n in ("config.json", *names)]
    for path in paths[: paths.index(file)] if file in paths else paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
            config = jsontext.value(text, jsontext.parse(text))
        except (OSError, ValueError):
            continue
        mcp = config.get("mcp") if isinstance(config, dict) else None
        yield path, set(mcp) if isinstance(mcp, dict) else set()


def _mcp(servers: list[McpServer], report: Report, root: str = ROOT) -> dict[str, Any]:
    def ref(name: str) -> str:
        return "{env:" + name + "}"

    out: dict[str, Any] = {}
    for server in servers:
        said = _substituted(server)
        if said:
            why = (
                f"left out of opencode: it holds {said}, which opencode replaces with what it "
                "names (a variable's value, a file's text) wherever it stands in its config, "
                "and has no way to write it as text"
            )
            report.notes.append(Note(server.source, NAME, server.name, "-", Change.NARROWED, why))
            continue
        if server.url is not None:
            entry: dict[str, Any] = {"type": "remote", "url": parts.spelled(server.url, root, ref)}
            if server.headers:
                entry["headers"] = {
                    k: parts.spelled(v, root, ref) for k, v in server.headers.items()
                }
        else:
            words = [server.command or "", *server.args]
            entry = {"type": "local", "command": [parts.spelled(w, root, ref) for w in words]}
            if server.env:
                entry["environment"] = {
                    k: parts.spelled(v, root, ref) for k, v in server.env.items()
                }
            if server.cwd:
                report.notes.append(
                    Note(server.source, NAME, server.name, "cwd", Change.DROPPED, NO_CWD)
                )
        entry["enabled"] = True
        out[server.name] = entry
    return out


_OWN = re.compile(r"\{(?:env|file):[^}]*\}")
"""opencode's own substitutions in its config's text."""


def _substituted(server: McpServer) -> str | None:
    """The first of opencode's own substitutions a server's values hold as text."""
    values = [server.url or "", server.command or "", *server.args]
    values += [*server.env.values(), *server.headers.values()]
    return next((m[0] for v in values if (m := _OWN.search(v))), None)
