"""MCP servers and hooks read back from a host's files, for ``import``: the inverse of
``parts``. Each target's reader brings its servers to the shape of ``.mcp.json`` and its
hooks to Claude Code's ``hooks.json`` shape, with how it spells its folder and environment
variables; what comes back is the pack's own spelling (``${PLUGIN_ROOT}``, ``${NAME}``), and
the scripts they run are copied into the pack under the same paths.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from agentpack import filereport
from agentpack.filereport import FileReport
from agentpack.model import PLUGIN_ROOT, Hook, McpServer, Resource, SourceRef
from agentpack.native import Importing, slug
from agentpack.nativetree import within
from agentpack.outputs import is_executable
from agentpack.targets import vscode
from agentpack.targets.parts import CLAUDE_EVENTS

EVENTS = {host: canonical for canonical, host in CLAUDE_EVENTS.items()}
INTERPRETERS = {".py": "python3", ".js": "node", ".mjs": "node", ".sh": "sh", ".bash": "bash"}
_ROOTED = re.compile(re.escape(PLUGIN_ROOT) + r"/([^\s\"'`;|&]+)")
_TRANSPORTS = {"http": "http", "streamable-http": "http", "sse": "sse"}
_SERVER_KEYS = frozenset(
    {"command", "args", "env", "cwd", "url", "type", "headers", "enabled", "disabled", "tools"}
    | {"enabled_tools", "disabled_tools", "disabledTools", "includeTools"}
)
"""What ``servers`` reads of a server (the rest, such as ``headersHelper``, is reported)."""


@dataclass(frozen=True, slots=True)
class Spelling:
    """How a host writes the folder its files are in and an environment variable."""

    roots: tuple[str, ...]
    """The host's names for the folder (``${CLAUDE_PLUGIN_ROOT}``): read as the pack's."""
    ref: re.Pattern[str] | None = None
    """The host's reference to a variable, the name as group 1 (None: ``${NAME}``)."""

    def canonical(self, text: str) -> str:
        for root in self.roots:  # the folder where a path begins, not any text that has it
            pattern = r"(?<![\w./-])" + re.escape(root) + r"(?=/|$|[\s\"'])"
            text = re.sub(pattern, lambda _: PLUGIN_ROOT, text)
        return self.ref.sub(lambda m: "${" + m[1] + "}", text) if self.ref else text


def _scripts(values: list[str], folder: Path, report: FileReport) -> dict[str, Resource]:
    """The files under ``folder`` that the values name through ``${PLUGIN_ROOT}/``."""
    found: dict[str, Resource] = {}
    for value in values:
        for rel in _ROOTED.findall(value):
            parts = PurePosixPath(rel).parts
            path = folder.joinpath(*parts)
            inside = bool(parts) and parts[0] != "/" and ".." not in parts
            # a link on the way out of the folder (to ~/.ssh, say) is never followed
            if not inside or not path.is_file() or not within(path, folder):
                report.dropped.append(f"{rel} (named by a server or hook, not in the folder)")
                continue
            rel = PurePosixPath(*parts).as_posix()
            found[rel] = Resource(rel, path.read_bytes(), is_executable(path))
    return found


def words(value: Any) -> list[str] | None:
    """A list of words (a server's ``args``), as text; None when the value is no list."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else None


def names(value: Any) -> dict[str, str] | None:
    """An object of names to values (a server's ``env`` or ``headers``), as text; None when
    the value is no object."""
    if value is None:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else None


def servers(
    specs: Mapping[str, Any],
    folder: Path,
    spelling: Spelling,
    run: Importing,
    report: FileReport,
    where: tuple[str, ...] = (),
) -> None:
    """Every server of an ``mcpServers`` map (the host's own shape brought to that one);
    ``where``: the map's place in the report's JSON, for errors."""
    for name, spec in specs.items():
        if not isinstance(spec, dict):
            report.dropped.append(f"mcpServers.{name} (not an object)")
            continue
        if spec.get("enabled") is False or spec.get("disabled") is True:
            report.dropped.append(f"mcpServers.{name} (turned off here: a pack's server is on)")
            continue
        for key in ("enabled_tools", "disabled_tools", "disabledTools", "includeTools"):
            if spec.get(key):
                report.dropped.append(
                    f"mcpServers.{name}.{key} (a pack's server offers all its tools: hold "
                    "the agents to theirs)"
                )
        text = {k: v for k, v in spec.items() if isinstance(v, str)}
        fixed = {k: spelling.canonical(v) for k, v in text.items()}
        given, env, headers = (
            words(spec.get("args")),
            names(spec.get("env")),
            names(spec.get("headers")),
        )
        if given is None or env is None or headers is None:
            key = "args" if given is None else "env" if env is None else "headers"
            what = "a list of words" if key == "args" else "an object of names to values"
            line, col = report.at(*where, name, key)
            report.error(line, col, f"mcpServers.{name}.{key}", f"expected {what}; fix it")
            continue
        args = [spelling.canonical(a) for a in given]
        env = {k: spelling.canonical(v) for k, v in env.items()}
        headers = {k: spelling.canonical(v) for k, v in headers.items()}
        source = SourceRef(report.source)
        if fixed.get("url"):
            server = McpServer(
                slug(name) or "server",
                source,
                url=fixed["url"],
                transport=_TRANSPORTS.get(fixed.get("type", "http"), "http"),
                headers=headers,
            )
            files: dict[str, Resource] = {}
        elif fixed.get("command"):
            files = _scripts([fixed["command"], *args, fixed.get("cwd", "")], folder, report)
            server = McpServer(
                slug(name) or "server",
                source,
                command=fixed["command"],
                args=tuple(args),
                env=env,
                cwd=fixed.get("cwd"),
                files=tuple(files),
            )
        else:
            report.dropped.append(f"mcpServers.{name} (neither a command nor a url)")
            continue
        if server.name != name:
            report.approximated.append(f"mcpServers.{name} (named {server.name!r} in the pack)")
        for key in sorted(k for k in spec if k not in _SERVER_KEYS):
            report.dropped.append(f"mcpServers.{name}.{key} (not a field a pack's server has)")
        report.mapped.append(f"mcpServers.{name}")
        run.part(server, files, report)


def hooks(
    document: Mapping[str, Any],
    folder: Path,
    spelling: Spelling,
    tools: Callable[[str], tuple[str, ...] | None],
    run: Importing,
    report: FileReport,
) -> None:
    """Every command hook of a ``{"hooks": {event: [group, ...]}}`` document. ``tools``
    gives the canonical tool ids a matcher names (None: not all of them are known, and the
    hook then runs for every tool: a guard held to fewer tools would guard less)."""
    events = document.get("hooks", document)  # inline in a plugin.json: the events alone
    if not isinstance(events, dict):
        report.dropped.append("hooks (not an object of events)")
        return
    taken: set[str] = set()
    for event, groups in events.items():
        canonical = EVENTS.get(event)
        if canonical is None:
            why = (  # preToolUse: the Copilot CLI's hooks.json, its scripts get its own input
                "the Copilot CLI's own hooks, whose scripts get input of its own"
                if EVENTS.get(event[:1].upper() + event[1:])
                else "no event of the pack's is that one"
            )
            report.dropped.append(f"hooks.{event} ({why})")
            continue
        if not isinstance(groups, list):
            report.dropped.append(f"hooks.{event} (not a list of matcher groups)")
            continue
        for group in groups:
            if not isinstance(group, dict):
                report.dropped.append(f"hooks.{event}: {group!r} (not a matcher group)")
                continue
            matcher = str(group.get("matcher") or "")
            ids = tools(matcher) if canonical in ("before_tool", "after_tool") else ()
            if matcher and canonical not in ("before_tool", "after_tool"):
                report.approximated.append(
                    f"hooks.{event} matcher {matcher!r} (a pack's {canonical} hook runs every "
                    "time: the event has no matcher in every tool)"
                )
            if ids is None:
                ids = ()
                report.approximated.append(
                    f"hooks.{event} matcher {matcher!r} (runs for every tool: not every name "
                    "in it is a tool agentpack knows)"
                )
            handlers = group.get("hooks")
            if not isinstance(handlers, list):
                report.dropped.append(f"hooks.{event} (a group without a list of hooks)")
                continue
            for handler in handlers:
                _hook(handler, canonical, event, ids, folder, spelling, run, report, taken)


def _hook(
    handler: Any,
    event: str,
    host_event: str,
    ids: tuple[str, ...],
    folder: Path,
    spelling: Spelling,
    run: Importing,
    report: FileReport,
    taken: set[str],
) -> None:
    if not isinstance(handler, dict) or handler.get("type", "command") != "command":
        report.dropped.append(f"hooks.{host_event} (only command hooks are carried)")
        return
    command = spelling.canonical(str(handler.get("command") or ""))
    given = words(handler.get("args")) if "args" in handler else None  # exec form: no shell
    try:
        argv = shlex.split(command) if given is None else [command, *map(spelling.canonical, given)]
    except ValueError:
        argv = []
    scripts = [w for w in argv if w.startswith(PLUGIN_ROOT + "/")]
    if len(scripts) != 1 or argv[-1] != scripts[0] or len(argv) > 2:
        why = (
            "it runs no file of the plugin"
            if not scripts
            else "it runs more than one file"
            if len(scripts) > 1
            else "it passes arguments or options"
        )
        report.dropped.append(
            f"hooks.{host_event}: {handler.get('command')!r} ({why}; a pack's hook runs one "
            "script of the plugin, alone or after its interpreter)"
        )
        return
    rel = scripts[0].removeprefix(PLUGIN_ROOT + "/")
    files = _scripts([scripts[0]], folder, report)
    if rel not in files:
        return
    for key in sorted(set(handler) - {"type", "command", "timeout", "args"}):
        why = (
            "the hook runs for every call its matcher names"
            if key == "if"
            else "not a field a pack's hook has"
        )
        report.dropped.append(f"hooks.{host_event}.{key} ({why})")
    report.dropped += _modules(rel, files[rel].data, folder)
    interpreter = argv[0] if len(argv) == 2 else _runs_with(rel, files[rel].data)
    name = base = slug(Path(rel).stem) or "hook"
    n = 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    timeout = handler.get("timeout")
    hook = Hook(
        name,
        SourceRef(report.source),
        event,
        rel,
        interpreter,
        ids,
        int(timeout) if isinstance(timeout, (int, float)) and timeout > 0 else None,
    )
    report.mapped.append(f"hooks.{host_event}")
    run.part(hook, files, report)


_IMPORT = re.compile(rb"^[ \t]*(?:from|import)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


def _modules(rel: str, data: bytes, folder: Path) -> list[str]:
    """The plugin's own Python modules a hook script imports (beside it, or at the
    plugin's root): a pack carries the script only, so they are said to be left out."""
    if not rel.endswith(".py"):
        return []
    found = []
    here = (folder / rel).parent
    for name in dict.fromkeys(m.decode() for m in _IMPORT.findall(data)):
        for base in dict.fromkeys((here, folder)):
            for path in (base / f"{name}.py", base / name):
                if path.exists() and path != folder / rel:
                    where = path.relative_to(folder).as_posix() + ("/" if path.is_dir() else "")
                    found.append(
                        f"{where} (a module {rel} imports: a pack's hook carries its script "
                        "only, which then fails to import it)"
                    )
    return found


def _runs_with(rel: str, data: bytes) -> str:
    """The program a script run alone names in its ``#!`` line (``/usr/bin/env bash``:
    bash), else the usual one for its suffix: ``sh`` would run a bash script's ``[[`` as
    an error."""
    first = data.split(b"\n", 1)[0].decode("utf-8", "replace")
    words = first[2:].split() if first.startswith("#!") else []
    if words and Path(words[0]).name == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
    program = Path(words[0]).name if words else ""
    if re.fullmatch(r"[A-Za-z0-9_.+-]+", program):
        return program
    return INTERPRETERS.get(Path(rel).suffix, "sh")


_NAME = re.compile(r"[\w.-]+")
_TOOL = re.compile(r"[\w.-]*|\.\*|\*")


def matcher_tools(matcher: str, names: Mapping[str, str]) -> tuple[str, ...] | None:
    """The canonical tools a Claude-shaped hook matcher names: host tool names (``names``
    maps them), ``mcp__<server>__<tool>`` and a plugin server's
    ``mcp__plugin_<plugin>_<server>__<tool>``; empty: every tool; None: a name the host
    does not have, or a pattern beyond a list of names."""
    if matcher.strip() in ("", "*", ".*"):
        return ()
    ids: list[str] = []
    for name in (n.strip() for n in matcher.split("|")):
        if name.startswith("mcp__"):
            server, _, tool = name[5:].partition("__")
            server = re.sub(r"^plugin_[^_]+_", "", server)
            if server in (".*", "*"):
                ids.append("mcp:*")
            elif not _NAME.fullmatch(server) or not _TOOL.fullmatch(tool):
                return None
            else:
                ids.append(f"mcp:{server}" if tool in ("", ".*", "*") else f"mcp:{server}/{tool}")
        elif name in names:
            ids.append(names[name])
        else:
            return None
    return tuple(dict.fromkeys(ids))


def servers_file(
    path: Path,
    run: Importing,
    spelling: Spelling,
    shape: Callable[[Mapping[str, Any]], dict[str, Any]] = dict,
    *,
    comments: bool = False,
) -> None:
    """The servers of a ``.mcp.json``-like file (``mcpServers``, or the map alone), each
    brought to that shape by ``shape``."""
    if not run.first(path):
        return  # read already, found another way
    report = run.report(path, "MCP servers")
    document = filereport.json_object(path, report, comments=comments)
    # VS Code's mcp.json says "servers" (with its "inputs" beside them)
    where = tuple(k for k in ("mcpServers", "servers") if k in document)[:1]
    found = document[where[0]] if where else document
    if not isinstance(found, dict):
        report.error(*report.at(*where), "mcpServers", "expected an object of servers by name")
        return
    found = {n: s for n, s in found.items() if n not in ("$schema", "inputs")}
    if vscode.is_vscode(document):
        found = {n: vscode.respelled(n, s, report) for n, s in found.items()}
        vscode.unused_inputs(document, report)
    specs = {n: shape(s) if isinstance(s, dict) else s for n, s in found.items()}
    for name, spec in found.items():
        if isinstance(spec, dict) and spec.get("tools") not in (None, ["*"]):
            report.dropped.append(
                f"mcpServers.{name}.tools (a pack enables every tool of a server: hold the "
                "agents to the ones they may use in their tools)"
            )
    servers(specs, path.parent, spelling, run, report, where)


def hooks_file(path: Path, run: Importing, spelling: Spelling, names: Mapping[str, str]) -> None:
    """The hooks of a Claude-shaped ``hooks.json``; a plugin's ``hooks/hooks.json`` names
    its scripts from the plugin's folder, above it."""
    if not run.first(path):
        return
    report = run.report(path, "hooks")
    document = filereport.json_object(path, report)
    root = path.parent.parent if path.parent.name == "hooks" else path.parent
    hooks(document, root, spelling, lambda m: matcher_tools(m, names), run, report)


def missing_plugin(report: FileReport, index: int, name: object, what: str, tool: str) -> None:
    """A plugin a marketplace lists that its repository does not hold: its tool adds the
    marketplace and installs the others, and so the import reads them, with a warning."""
    line, col = report.at("plugins", index, "source")
    why = f"{tool} cannot install it either; the other plugins are read"
    report.warn(line, col, "plugins", f"plugin {name}: {what} ({why})")
