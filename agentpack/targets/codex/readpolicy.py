"""What a Codex role's file says about its tools, read as the pack's denies: its features
switched off, a read-only sandbox, a deny list under a key Codex does not have, and what
its home's or project's config.toml takes from every agent. Each can only narrow."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from agentpack.filereport import FileReport
from agentpack.native import ImportEnv
from agentpack.permissions import Decision, Policy
from agentpack.source import TOMLError, read_toml
from agentpack.targets.codex.permissions import THROUGH_SHELL

FEATURE_DENIES = {"shell_tool": (*THROUGH_SHELL, "read"), "multi_agent": ("task",)}
"""A role's ``[features]`` switched off, as what they take away: without its shell a Codex
agent can neither run, read, list, search nor fetch; without multi_agent it spawns no
agents. Read as denies, which can only narrow."""

READ_ONLY_DENIES = ("write", "edit", "notebook", "bash", "webfetch")
"""What a read-only sandbox takes away, as canonical tools: every change to files, and the
shell and network (a shell command in another tool may write; the sandbox has no network)."""


DENY_KEY = re.compile(r"(?i)disallow|deny|denied|disabled|blocked|forbid")
"""A key that is no Codex key but names tools to take away (``disallowed_tools``, as in
Claude Code): Codex 0.171 loads no agent from a file with a key it does not know."""
_WHOLE = {"edit": ("edit", "write")}
"""What a denied tool takes with it: Codex's apply_patch makes every change to a file."""


def meant_denies(key: str, names: list[Any] | str, env: ImportEnv, report: FileReport) -> list[str]:
    """The tools a deny list of a key Codex does not know meant to take away, the wider
    way (the narrower policy), each in any tool's spelling; Codex itself loads no agent
    from the file, which is said."""
    report.approximated.append(
        f"{key} (no key of Codex's, so Codex 0.171 loads no agent from this file; read as "
        "what its author meant: these tools denied)"
    )
    listed = re.split(r"[,\s]+", names.strip()) if isinstance(names, str) else names
    out: list[str] = []
    for name in map(str, listed):
        tool = env.tool_id(name)[0]
        if tool is None:
            report.dropped.append(f"{key}: {name} (not a tool agentpack knows)")
        out += _WHOLE.get(tool, (tool,)) if tool else ()
    return out


def both(first: Policy, second: Policy) -> Policy:
    """Two deny-only policies (``features.shell_tool`` and a read-only sandbox) as one."""
    denied = [t for p in (first, second) for t, d in p.tools.items() if d is Decision.DENY]
    return Policy.build(Decision.ALLOW, None, (), list(dict.fromkeys(denied)))


def session_denies(config: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """What a Codex home's or project's config.toml takes away from its session, which
    Codex applies to every custom agent it spawns there: the tools denied, and which of
    its settings say so (a read-only sandbox, features off, web search disabled)."""
    denied: list[str] = []
    said: list[str] = []
    if config.get("sandbox_mode") == "read-only":
        denied += READ_ONLY_DENIES
        said.append('sandbox_mode = "read-only"')
    features = config.get("features")
    for key, taken in FEATURE_DENIES.items():
        if isinstance(features, dict) and features.get(key) is False:
            denied += taken
            said.append(f"features.{key} = false")
    legacy = config.get("tools")  # [tools] web_search = false, before web_search = "disabled"
    if config.get("web_search") == "disabled" or (
        isinstance(legacy, dict) and legacy.get("web_search") is False
    ):
        denied.append("websearch")
        said.append("web_search off")
    return list(dict.fromkeys(denied)), said


Session = tuple[Sequence[str], str]
"""The tools a config.toml takes away from every agent Codex spawns, and where it says so."""


def settings(config: Path) -> dict[str, Any]:
    """A Codex home's or project's config.toml, read once for its roles and its session;
    empty when it is not there or cannot be read (its servers' report says why)."""
    try:
        return read_toml(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TOMLError):
        return {}


def session(config: Path, found: Mapping[str, Any]) -> Session:
    """What the config.toml at ``config`` (``found``, as read) takes away from its agents."""
    denied, said = session_denies(found)
    return denied, f"{config.parent.name}/{config.name} ({', '.join(said)})"


def held_to(policy: Policy | None, session: Session, report: FileReport) -> Policy | None:
    """An agent's policy with what its session takes away from it (Codex runs a custom
    agent with its session's sandbox and features): narrower, said."""
    taken, config = session
    if not taken:
        return policy
    held = Policy.build(Decision.ALLOW, None, (), dict.fromkeys(taken))
    report.approximated.append(
        f"{config} holds every agent Codex spawns there to its session: no "
        f"{', '.join(taken)} (folded into this agent)"
    )
    return held if policy is None else both(policy, held)
