"""Codex's MCP servers and hooks, read for ``import``: ``[mcp_servers.<name>]`` of a
``config.toml`` or a plugin's ``.mcp.json`` (the same keys), and hooks in Claude Code's
``hooks.json`` shape, which Codex reads. A variable passed through (``env_vars``) or a token
named (``bearer_token_env_var``, ``env_http_headers``) comes back as the pack's ``${NAME}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agentpack.native import Importing
from agentpack.source import TOMLError, decode_error, read_toml
from agentpack.targets import readhooks, readparts

SPELLING = readparts.Spelling(("${PLUGIN_ROOT}",), own=re.compile(r"\$\{PLUGIN_DATA\}"))
HOOK_TOOLS = {"Bash": "bash"}
"""Codex names its shell, and MCP tools, to hooks."""


def servers(path: Path, run: Importing) -> None:
    if path.suffix != ".toml":
        readparts.servers_file(path, run, SPELLING, shape)
        return
    if not run.first(path):
        return  # read already, found another way
    report = run.report(path, "MCP servers")
    try:
        text = path.read_text(encoding="utf-8")
        found = read_toml(text).get("mcp_servers")
    except (OSError, ValueError, TOMLError) as exc:
        line, col, why = decode_error(exc)
        report.error(line, col, "-", f"cannot read this TOML: {why}")
        return
    report.dropped.append("other settings (a pack carries the MCP servers of a config.toml)")
    if not isinstance(found, (dict, type(None))):
        report.error(*_place(text), "mcp_servers", "expected a table of servers by name")
        return
    specs: dict[str, Any] = {}
    for name, spec in (found or {}).items():
        wrong = _wrong(spec) if isinstance(spec, dict) else None
        if wrong:
            line, col = _place(text, name, wrong[0])
            report.error(line, col, f"mcp_servers.{name}.{wrong[0]}", f"expected {wrong[1]}")
        else:
            specs[name] = shape(spec) if isinstance(spec, dict) else spec
    readparts.servers(
        specs,
        path.parent,
        SPELLING,
        run,
        report,
        place=lambda name, key: _place(text, name, key),
        plugin=False,
    )


def _place(text: str, name: str = "", key: str = "") -> tuple[int, int]:
    """Where ``mcp_servers.<name>.<key>`` is set in a config.toml as it is usually written
    (under its ``[mcp_servers.<name>]`` header, or as a dotted key), else that header, else
    the first line that names ``mcp_servers``: tomllib keeps no positions."""
    quoted = rf"(?:{re.escape(name)}|\"{re.escape(name)}\")"
    named = rf"mcp_servers\s*\.\s*{quoted}" if name else "mcp_servers"
    header = re.compile(rf"\s*\[\s*{named}\s*\]")
    dotted = re.compile(rf"\s*{named}\s*\.\s*{re.escape(key)}\s*=")
    own = re.compile(rf"\s*{re.escape(key)}\s*=")
    table, inside = None, False
    for number, line in enumerate(text.splitlines(), 1):
        column = len(line) - len(line.lstrip()) + 1
        if header.match(line):
            table, inside = table or (number, column), True
        elif line.lstrip().startswith("["):
            inside = False
        elif key and (dotted.match(line) or (inside and own.match(line))):
            return number, column
    if table:
        return table
    first = text.find("mcp_servers")
    return (text.count("\n", 0, first) + 1, 1) if first >= 0 else (1, 1)


_SHAPES = {
    "args": list,
    "env_vars": list,
    "env": dict,
    "http_headers": dict,
    "env_http_headers": dict,
}


def _wrong(spec: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first of a Codex server's fields that ``shape`` reads whose value has another
    shape, and the shape it should have."""
    for key, kind in _SHAPES.items():
        if key in spec and not isinstance(spec[key], kind):
            what = "words" if key == "args" else "names"
            return key, f"a list of {what}" if kind is list else "a table of names to values"
    return None


def shape(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A Codex server in ``.mcp.json``'s shape."""
    keys = ("command", "args", "cwd", "url", "enabled", "enabled_tools", "disabled_tools")
    out = {k: spec[k] for k in keys if k in spec}
    # values as they are: the servers' reader turns numbers into text and refuses the rest
    env = dict(spec["env"]) if isinstance(spec.get("env"), dict) else {}
    for name in readparts.words(spec.get("env_vars")) or ():
        env.setdefault(name, "${" + name + "}")
    given = spec.get("http_headers")
    headers = dict(given) if isinstance(given, dict) else {}
    for header, name in (readparts.names(spec.get("env_http_headers")) or {}).items():
        headers[header] = "${" + name + "}"
    if spec.get("bearer_token_env_var"):
        headers["Authorization"] = "Bearer ${" + str(spec["bearer_token_env_var"]) + "}"
    if env:
        out["env"] = env
    if headers:
        out["headers"] = headers
    read = {*keys, "env", "env_vars", "http_headers", "env_http_headers", "bearer_token_env_var"}
    out.update({k: v for k, v in spec.items() if k not in read})  # said to be dropped
    return out


def hooks(path: Path, run: Importing) -> None:
    readhooks.hooks_file(path, run, SPELLING, HOOK_TOOLS)
