"""MCP servers read back from a host's files, for ``import``: the inverse of ``parts``
(hooks: ``readhooks``). Each target's reader brings its servers to the shape of
``.mcp.json``, with how it spells its folder and environment variables; what comes back is
the pack's own spelling (``${PLUGIN_ROOT}``, ``${NAME}``), and the scripts they run are
copied into the pack under the same paths.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agentpack import filereport
from agentpack.filereport import FileReport
from agentpack.model import PLUGIN_ROOT, McpServer, Resource, SourceRef
from agentpack.native import Importing, slug
from agentpack.shellscript import BARE_REFERENCE, script_index
from agentpack.targets import serverfiles, vscode
from agentpack.targets.serverfields import Places

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
    own: re.Pattern[str] | None = None
    """The host's own variables (``${CLAUDE_PLUGIN_DATA}``, opencode's ``{file:PATH}``),
    which other tools would read as an environment variable or as text: noted."""
    probes: bool = False
    """The host is not told a url's transport: it tries streamable HTTP, then SSE (opencode,
    Cursor). A url whose path ends in ``/sse`` comes in as sse, which the other tools must
    be told, and is said."""
    below: tuple[str, ...] = ()
    """Folders of the root that a path may name from it without naming the root
    (``.claude/hooks/check.sh`` in a project's settings, which Claude Code runs from the
    project's folder): read as below the root."""
    bare: bool = False
    """The host also takes ``$NAME`` for a variable (the Copilot CLI), outside the script a
    shell runs: read as ``${NAME}``, said (the server got the text where it was unset)."""

    def note_own(self, values: Iterable[str], where: str, report: FileReport) -> None:
        found = dict.fromkeys(
            m[0] for v in values for m in (self.own.finditer(v) if self.own else ())
        )
        for said in found:
            report.approximated.append(
                f"{where}: {said} (the tool's own: the others would read it as an environment "
                "variable or as text; write the value it stands for, or ${NAME} for a secret)"
            )

    def canonical(self, text: str, script: bool = False) -> str:
        """``text`` in the pack's spelling (``script``: a shell's script, whose ``$NAME``
        stays the shell's)."""
        for root in self.roots:  # the folder where a path begins, not any text that has it
            pattern = r"(?<![\w./-])" + re.escape(root) + r"(?=/|$|[\s\"'])"
            text = re.sub(pattern, lambda _: PLUGIN_ROOT, text)
        for folder in self.below if PLUGIN_ROOT not in text else ():
            pattern = r"(?<![\w./$}-])(?:\./)?(?=" + re.escape(folder) + "/)"
            text = re.sub(pattern, lambda _: PLUGIN_ROOT + "/", text, count=1)  # the script
        if self.bare and not script:
            text = BARE_REFERENCE.sub(lambda m: "${" + m[1] + "}", text)
        return self.ref.sub(lambda m: "${" + m[1] + "}", text) if self.ref else text


def words(value: Any) -> list[str] | None:
    """A list of words (a server's ``args``), as text; None when the value is no list or
    holds a list, an object or null."""
    if value is None:
        return []
    found = [_text(v) for v in value] if isinstance(value, list) else [None]
    return None if None in found else [v for v in found if v is not None]


def names(value: Any) -> dict[str, str] | None:
    """An object of names to values (a server's ``env`` or ``headers``), as text; None when
    the value is no object, or a value is a list, an object or null."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        return None
    found = {str(k): _text(v) for k, v in value.items()}
    return {k: v for k, v in found.items() if v is not None} if None not in found.values() else None


_DEFAULT = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):-((?:\$\{[^{}]*\}|[^{}])*)\}")
"""``${NAME:-default}``, which only Claude Code and the Copilot CLI take; its default may
hold a reference (``${KB:-${CLAUDE_PLUGIN_ROOT}/data}``)."""


def _canonical(
    value: str, spelling: Spelling, where: str, said: list[str], script: bool = False
) -> str:
    """A server's value in the pack's spelling, its defaults (``_defaulted``) first;
    ``script``: a shell's script."""
    text = _defaulted(value, where, said)
    found = BARE_REFERENCE.findall(text) if spelling.bare and not script else []
    for name in dict.fromkeys(n for n in found if f"${n}" not in spelling.roots):  # a folder
        said.append(
            f"{where} (${name}: the variable ${{{name}}}, which this tool put in its place "
            "where it was set; where it was not, the server got the text)"
        )
    return spelling.canonical(text, script)


def _defaulted(value: str, where: str, said: list[str]) -> str:
    """``value`` with each ``${NAME:-default}`` as its default, which is what the server
    got unless its user set the variable (``${NAME}`` when the default is empty): said."""

    def one(found: re.Match[str]) -> str:
        name, default = found[1], found[2]
        if not default:
            return f"${{{name}}}"
        said.append(
            f"{where} ({found[0]}: its default, {default}, which a pack writes as it is; only "
            f"Claude Code and the Copilot CLI take a default: write ${{{name}}} to have the "
            "variable's value)"
        )
        return default

    return _DEFAULT.sub(one, value)


_TEXTS = ("args", "env", "headers")


def _values(value: Any) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else list(value or ())


def _text(value: Any) -> str | None:
    """A JSON scalar as the text the user meant (``8080``, ``true``, not Python's ``True``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return None


def servers(
    specs: Mapping[str, Any],
    folder: Path,
    spelling: Spelling,
    run: Importing,
    report: FileReport,
    where: tuple[str, ...] = (),
    place: Callable[[str, str], tuple[int, int]] | None = None,
    *,
    plugin: bool = True,
) -> None:
    """Every server of an ``mcpServers`` map (the host's own shape brought to that one);
    ``where``: the map's place in the report's JSON, for errors; ``place``: where a
    server's key is set, in a file that is not JSON (by server name and key); ``plugin``:
    the map is a plugin's, whose files a server may run (not a project's or a home's)."""
    places = Places(report, where, place)
    for name, spec in specs.items():
        if not isinstance(spec, dict):
            report.dropped.append(f"mcpServers.{name} (not an object)")
            continue
        why = _left_out(spec)
        if why:
            report.dropped.append(f"mcpServers.{name} ({why})")
            continue
        found = _fields(name, spec, spelling, places)
        if found is None:
            continue
        fixed, args, env, headers = found
        source = SourceRef(report.source)
        if fixed.get("url") and fixed.get("type", "http") not in _TRANSPORTS:
            why = f"type {fixed['type']!r}: a pack's server is reached over http or sse"
            report.dropped.append(f"mcpServers.{name} ({why})")
            continue
        fixed = _typed(fixed, spelling, f"mcpServers.{name}", report)
        if fixed.get("url"):
            server = McpServer(
                slug(name) or "server",
                source,
                url=fixed["url"],
                transport=_TRANSPORTS[fixed.get("type", "http")],
                headers=headers,
            )
            files: dict[str, Resource] = {}
        elif fixed.get("command"):
            if not plugin:
                serverfiles.project_files(fixed, args, report, name)
            elif fixed.get("cwd") in (".", "./", PLUGIN_ROOT, f"{PLUGIN_ROOT}/"):  # the plugin's
                fixed, args = serverfiles.rooted(fixed, args, folder, report, name)
            files = serverfiles.scripts(
                [fixed["command"], *args, fixed.get("cwd", ""), *env.values()], folder, report
            )
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
            run.server_named(name, server.name)
        for key in sorted(k for k in spec if k not in _SERVER_KEYS):
            report.dropped.append(f"mcpServers.{name}.{key} (not a field a pack's server has)")
        report.mapped.append(f"mcpServers.{name}")
        _hold(spec, server.name, name, run, places)
        run.part(server, files, report, folder)


def _fields(
    name: str, spec: Mapping[str, Any], spelling: Spelling, places: Places
) -> tuple[dict[str, str], list[str], dict[str, str], dict[str, str]] | None:
    """A server's text fields, arguments, env and headers in the pack's spelling, each
    credential made a reference; None when one of them has the wrong shape (said)."""
    report, where = places.report, places.where
    text = {k: v for k, v in spec.items() if isinstance(v, str)}
    given, env, headers = (
        words(spec.get("args")),
        names(spec.get("env")),
        names(spec.get("headers")),
    )
    if given is None or env is None or headers is None:
        key = "args" if given is None else "env" if env is None else "headers"
        what = "a list of words" if key == "args" else "an object of names to text values"
        line, col = report.at(*where, name, key)
        report.error(line, col, f"mcpServers.{name}.{key}", f"expected {what}; fix it")
        return None
    typed = [v for k in _TEXTS for v in _values(spec.get(k)) if not isinstance(v, str)]
    if typed:
        report.approximated.append(
            f"mcpServers.{name} ({', '.join(map(json.dumps, typed))} written as text, as "
            "the server gets them; some tools refuse a server whose values are not text)"
        )
    at, said = f"mcpServers.{name}", report.approximated
    fixed = {k: _canonical(v, spelling, f"{at}.{k}", said) for k, v in text.items()}
    script = script_index(text.get("command", ""), given)
    args = [_canonical(a, spelling, f"{at}.args", said, i == script) for i, a in enumerate(given)]
    env = {k: _canonical(v, spelling, f"{at}.env.{k}", said) for k, v in env.items()}
    headers = {k: _canonical(v, spelling, f"{at}.headers.{k}", said) for k, v in headers.items()}
    env, headers = places.unsecret(name, "env", env), places.unsecret(name, "headers", headers)
    if fixed.get("url"):
        fixed["url"] = places.unsecret_url(name, fixed["url"])
    kept = places.unsecret_args(name, args)
    if kept is None:
        return None
    spelling.note_own(
        [*fixed.values(), *kept, *env.values(), *headers.values()], f"mcpServers.{name}", report
    )
    return fixed, kept, env, headers


def _left_out(spec: Mapping[str, Any]) -> str | None:
    """Why a server is not imported: one turned off would be on; one that VS Code runs in
    its sandbox would run with all its user's rights, with its tools still approved."""
    if spec.get("enabled") is False or spec.get("disabled") is True:
        return "turned off here: a pack's server is on"
    if spec.get("sandboxEnabled") is True:
        return (
            "VS Code runs it in a sandbox that limits its files and network, which no other "
            "tool has: left out rather than run unsandboxed; write it into the pack by hand "
            "if it may run with your full rights"
        )
    return None


def _typed(
    fixed: dict[str, str], spelling: Spelling, where: str, report: FileReport
) -> dict[str, str]:
    """A server's fields with its url's transport, where the host tries (``probes``)."""
    if not fixed.get("url") or not spelling.probes or "type" in fixed:
        return fixed
    if not urlsplit(fixed["url"]).path.rstrip("/").endswith("/sse"):
        return {**fixed, "type": "http"}
    report.approximated.append(
        f"{where} (the tool finds a url's transport by trying; this one ends in /sse, so it "
        "comes in as sse: set transport: http in the pack if it is not)"
    )
    return {**fixed, "type": "sse"}


def _hold(spec: Mapping[str, Any], server: str, name: str, run: Importing, places: Places) -> None:
    """A server's own lists of tools it turns off or keeps on (Codex's ``disabled_tools``
    and ``enabled_tools``, Copilot's ``tools``): a pack's server offers every tool, so
    every agent read is held to them, and the main session of each tool is not: said."""
    off = [str(t) for key in ("disabled_tools", "disabledTools") for t in spec.get(key) or []]
    only = None
    for key in ("enabled_tools", "includeTools", "tools"):
        listed = spec.get(key)
        if isinstance(listed, list) and "*" not in listed:
            only = [*(only or []), *(str(t) for t in listed)]
    if not off and only is None:
        return
    run.hold_tools(server, off, only, places.report)
    places.report.warn(
        *places.at(name),
        places.field(name),
        "the server's own list of the tools it offers is not carried: a pack's server offers "
        f"all its tools, so each tool's main session will offer every tool of {name}; if that "
        f"is too much, leave mcp/{server}.yaml out of the pack",
    )


def servers_file(
    path: Path,
    run: Importing,
    spelling: Spelling,
    shape: Callable[[Mapping[str, Any]], dict[str, Any]] = dict,
    *,
    comments: bool = False,
    tool: str = "",
    plugin: bool = True,
) -> None:
    """The servers of a ``.mcp.json``-like file (``mcpServers``, or the map alone), each
    brought to that shape by ``shape``. ``tool``: the tool whose own file this is, which
    reads ``mcpServers`` only (not VS Code's ``servers``)."""
    if not run.first(path):
        return  # read already, found another way
    report = run.report(path, "MCP servers")
    document = filereport.json_object(path, report, comments=comments)
    if tool and "mcpServers" not in document and "servers" in document:
        report.warn(
            *report.at("servers"),
            "servers",
            f"{tool} reads mcpServers only, so it never starts these servers, and they are "
            "not read; rename the key to mcpServers if they should run",
        )
        return
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
    servers(specs, path.parent, spelling, run, report, where, plugin=plugin)


def missing_plugin(report: FileReport, index: int, name: object, what: str, tool: str) -> None:
    """A plugin a marketplace lists that its repository does not hold: its tool adds the
    marketplace and installs the others, and so the import reads them, with a warning."""
    line, col = report.at("plugins", index, "source")
    why = f"{tool} cannot install it either; the other plugins are read"
    report.warn(line, col, "plugins", f"plugin {name}: {what} ({why})")
