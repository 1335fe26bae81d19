"""Codex's MCP servers and hooks, read for ``import``: ``[mcp_servers.<name>]`` of a
``config.toml`` or a plugin's ``.mcp.json`` (the same keys), and hooks in Claude Code's
``hooks.json`` shape, which Codex reads. A variable passed through (``env_vars``) or a token
named (``bearer_token_env_var``, ``env_http_headers``) comes back as the pack's ``${NAME}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agentpack.native import Importing
from agentpack.source import TOMLError, decode_error, read_toml
from agentpack.targets import readparts

SPELLING = readparts.Spelling(("${PLUGIN_ROOT}",))
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
        found = read_toml(path.read_text(encoding="utf-8")).get("mcp_servers")
    except (OSError, ValueError, TOMLError) as exc:
        line, col, why = decode_error(exc)
        report.error(line, col, "-", f"cannot read this TOML: {why}")
        return
    report.dropped.append("other settings (a pack carries the MCP servers of a config.toml)")
    if not isinstance(found, (dict, type(None))):
        report.error(1, 1, "mcp_servers", "expected a table of servers by name")
        return
    specs: dict[str, Any] = {}
    for name, spec in (found or {}).items():
        wrong = _wrong(spec) if isinstance(spec, dict) else None
        if wrong:
            report.error(1, 1, f"mcp_servers.{name}.{wrong[0]}", f"expected {wrong[1]}")
        else:
            specs[name] = shape(spec) if isinstance(spec, dict) else spec
    readparts.servers(specs, path.parent, SPELLING, run, report)


_SHAPES = {
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
            return key, "a list of names" if kind is list else "a table of names to values"
    return None


def shape(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A Codex server in ``.mcp.json``'s shape."""
    keys = ("command", "args", "cwd", "url", "enabled", "enabled_tools", "disabled_tools")
    out = {k: spec[k] for k in keys if k in spec}
    env = readparts.names(spec.get("env")) or {}
    for name in readparts.words(spec.get("env_vars")) or ():
        env.setdefault(name, "${" + name + "}")
    headers = readparts.names(spec.get("http_headers")) or {}
    for header, name in (readparts.names(spec.get("env_http_headers")) or {}).items():
        headers[header] = "${" + name + "}"
    if spec.get("bearer_token_env_var"):
        headers["Authorization"] = "Bearer ${" + str(spec["bearer_token_env_var"]) + "}"
    if env:
        out["env"] = env
    if headers:
        out["headers"] = headers
    return out


def hooks(path: Path, run: Importing) -> None:
    readparts.hooks_file(path, run, SPELLING, HOOK_TOOLS)
