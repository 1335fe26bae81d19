"""What a Codex custom agent can enforce, tool by tool (Codex 0.171, tried with the shipped
client through real spawned agents).

A role file may set ``sandbox_mode``, ``approval_policy``, ``web_search`` and
``mcp_servers``, but Codex ignores them in a role: a spawned agent always runs with its
parent session's sandbox, approvals, web search and MCP servers. The one switch that holds
per agent is ``[features] shell_tool = false``, which takes the shell away (and with it the
only way Codex reads, lists and searches files, and reaches the network). So:

- bash, and glob, grep, list, webfetch (which go through the shell): deny by turning the
  shell off; allow only when the source allows every command;
- read (with the shell off, ``view_image`` still reads image files), write, edit,
  websearch, todo, task, skill, MCP tools and tools not named: whatever the session
  allows, which may be everything. A source that narrows any of them cannot be
  enforced by Codex, and the agent is left out of the Codex output, with a warning that
  names them (never written as if Codex restricted it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from agentpack.permissions import TOOLS, Decision, Policy

THROUGH_SHELL = ("bash", "glob", "grep", "list", "webfetch")
"""What a Codex agent can do only with its shell tool (it reads text files with it too, but
images with ``view_image``, which stays: so read is not among them)."""
NO_TOOL = ("notebook",)
"""Canonical tools Codex has no counterpart of."""


@dataclass(slots=True)
class Role:
    """What a role file says about permissions, and what it means."""

    shell: bool
    effective: dict[str, Decision | None]
    narrowed: list[tuple[str, Decision, Decision, str]] = field(default_factory=list)
    cannot: list[str] = field(default_factory=list)
    """Tools the source narrows that Codex cannot restrict per agent (left out if any)."""


def role(policy: Policy | None) -> Role:
    """The role of an agent with this policy (a copy: the derivation is shared by every
    agent with the same policy, and a pack has few distinct ones)."""
    done = _role(None if policy is None else policy.key(), policy)
    return Role(done.shell, dict(done.effective), list(done.narrowed), list(done.cannot))


def _text_files(out: Role) -> None:
    """With the shell off, a Codex agent reads images (``view_image``) but no text file:
    narrower than a source that allows read, said."""
    if not out.shell and "read" not in out.cannot:
        why = "Codex reads text files only through the shell it turns off here"
        out.narrowed.append(("read", Decision.ALLOW, Decision.DENY, why))


@functools.lru_cache(maxsize=1024)
def _role(key: object, policy: Policy | None) -> Role:
    # ``key`` (Policy.key) keeps equal policies that name MCP tools in other orders apart
    if policy is None:
        return Role(True, dict.fromkeys((*TOOLS, "*")))
    shell = policy.narrowest("bash") is Decision.ALLOW
    out = Role(shell, {})
    for tool in TOOLS:
        if tool in NO_TOOL:
            out.effective[tool] = None
        elif tool in THROUGH_SHELL:
            got = Decision.ALLOW if shell else Decision.DENY
            out.effective[tool] = got
            if got < policy.widest(tool):
                why = "Codex turns the shell off for this agent, and with it " + (
                    "every command" if tool == "bash" else "the only way to " + tool
                )
                out.narrowed.append((tool, policy.widest(tool), got, why))
            if got > policy.narrowest(tool):
                out.cannot.append(tool)
        else:
            out.effective[tool] = Decision.ALLOW
            if policy.tool(tool) is not Decision.ALLOW:
                out.cannot.append(tool)
    _text_files(out)
    for mcp in policy.named_mcp():
        out.effective[mcp] = Decision.ALLOW
        if policy.tool(mcp) is not Decision.ALLOW:
            out.cannot.append(mcp)
    out.effective["*"] = Decision.ALLOW
    if policy.default is not Decision.ALLOW:
        out.cannot.append("tools not named")
    for pattern in ("*", *(rule.pattern for rule in policy.bash)):
        out.effective[f"bash:{pattern}"] = out.effective["bash"]
    return out
