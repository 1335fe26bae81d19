"""The MCP servers of an ``opencode.json``, read as a pack's: 1.x's ``mcp`` (``type:
local`` with a command list and ``environment``, or ``remote``) and 2.x's ``mcp.servers``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agentpack.filereport import FileReport
from agentpack.native import Importing
from agentpack.targets import readparts


def servers(found: dict[str, Any], path: Path, run: Importing, report: FileReport) -> None:
    """The servers of the config at ``path``, unless opencode refuses one (``refused``)."""
    if refused(found, report):
        return
    folder = path.parent / ".opencode" if (path.parent / ".opencode").is_dir() else path.parent
    readparts.servers(_servers(found), folder, SPELLING, run, report, ("mcp",))


SPELLING = readparts.Spelling(
    (".opencode",),
    re.compile(r"\{env:(\w+)\}"),
    own=re.compile(r"\{file:[^}]+\}"),
    probes=True,
)
"""A server's files are named from the project (``.opencode/...``), variables ``{env:X}``."""


_OWN_FIELDS = frozenset({"type", "command", "url", "environment", "enabled", "disabled"})
"""What an opencode server says of itself (a server named ``servers`` is 1.x's)."""


def refused(found: dict[str, Any], report: FileReport) -> bool:
    """Whether a server of 1.x's ``mcp`` is of a shape opencode refuses, and with it the
    whole config (none of its servers ran): an error at it, as opencode gives."""
    if _v2(found):
        return False  # 2.x's mcp.servers, of a shape of its own
    for name, spec in found.items():
        if not isinstance(spec, dict) or set(spec) <= {"enabled"}:
            continue  # what is no object is said by the reader; {enabled} turns one off
        kind, command = spec.get("type"), spec.get("command")
        if (
            kind == "local"
            and isinstance(command, list)
            and all(isinstance(w, str) for w in command)
        ):
            continue
        if kind == "remote" and isinstance(spec.get("url"), str):
            continue
        report.error(
            *report.at("mcp", name),
            f"mcp.{name}",
            'opencode refuses the whole config for this server (1.18: "Configuration is '
            'invalid"), so none of its servers ran; write it as {"type": "local", '
            '"command": [program, ...args]} or {"type": "remote", "url": ...}',
        )
        return True
    return False


def _servers(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The servers of ``mcp`` (2.x's ``mcp.servers``) in ``.mcp.json``'s shape."""
    if _v2(found):
        found = found["servers"]
    return {n: _server(s) for n, s in found.items() if isinstance(s, dict)}


def _server(spec: Mapping[str, Any]) -> dict[str, Any]:
    """An opencode server (``type: local`` with a command list and ``environment``, or
    ``remote``) in ``.mcp.json``'s shape."""
    off = {"enabled": False} if spec.get("enabled") is False or spec.get("disabled") else {}
    read = {"type", "url", "headers", "command", "environment", "enabled", "disabled"}
    rest = {k: v for k, v in spec.items() if k not in read}  # said to be dropped
    if spec.get("type") == "remote" or "url" in spec:
        return {"url": spec.get("url"), "headers": spec.get("headers") or {}, **off, **rest}
    words = spec.get("command")  # each as it is: the servers' reader turns numbers into text
    words = list(words) if isinstance(words, list) and words else [words or ""]
    env = spec.get("environment") or {}
    return {"command": words[0], "args": words[1:], "env": env, **off, **rest}


def _v2(found: dict[str, Any]) -> bool:
    """Whether ``mcp`` is 2.x's, its servers under ``servers`` (a 1.x server named
    ``servers`` says what it is)."""
    return isinstance(found.get("servers"), dict) and not found.keys() & _OWN_FIELDS
