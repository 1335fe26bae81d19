"""What a Cursor agent can be held to: ``readonly`` and nothing else.

A Cursor subagent has every tool of its parent. ``readonly: true`` takes away file edits and
every MCP tool; it also stops shell commands that change state, by Cursor's own judgement,
so it cannot stand for a bash policy. So an agent is written

- without ``readonly`` when the source allows everything;
- with ``readonly: true`` when the source narrows only edits (write, edit, notebook) and MCP
  tools; what else readonly takes (MCP tools the source allowed, say, and the shell commands
  Cursor judges to change state, said as the shell denied, its narrowest) is narrowed, with
  a warning;
- not at all when the source narrows anything else (bash, reading, the web, ...): Cursor
  cannot enforce that, and the agent is left out of the Cursor output, with a warning that
  names what Cursor cannot hold it to.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from agentpack.permissions import TOOLS, Decision, Policy
from agentpack.targets.cursor.names import READONLY


@dataclass(slots=True)
class AgentRights:
    readonly: bool
    effective: dict[str, Decision | None]
    narrowed: list[tuple[str, Decision, Decision, str]] = field(default_factory=list)
    cannot: list[str] = field(default_factory=list)


def agent_rights(policy: Policy | None) -> AgentRights:
    """A fresh copy each call: callers may not share the lists."""
    done = _rights(None if policy is None else policy.key(), policy)
    return AgentRights(done.readonly, dict(done.effective), list(done.narrowed), list(done.cannot))


@functools.lru_cache(maxsize=1024)
def _rights(key: object, policy: Policy | None) -> AgentRights:
    if policy is None:
        return AgentRights(False, dict.fromkeys((*TOOLS, "*")))
    mcp = (*policy.named_mcp(), *(() if "mcp:*" in policy.tools else ("mcp:*",)))
    out = AgentRights(False, {})
    out.cannot = [
        t for t in TOOLS if t not in READONLY and policy.narrowest(t) is not Decision.ALLOW
    ]
    if policy.default is not Decision.ALLOW:
        out.cannot.append("tools not named")
    out.readonly = any(policy.narrowest(t) is not Decision.ALLOW for t in (*READONLY, *mcp))
    if out.readonly:
        for tool in (*READONLY, *mcp):
            if policy.widest(tool) > Decision.DENY:
                why = "readonly, Cursor's only per-agent permission, takes all edits and MCP tools"
                out.narrowed.append((tool, policy.widest(tool), Decision.DENY, why))
        if policy.widest("bash") > Decision.DENY:
            why = "readonly also stops the shell commands Cursor judges to change state"
            out.narrowed.append(("bash", policy.widest("bash"), Decision.DENY, why))
    taken = Decision.DENY if out.readonly else Decision.ALLOW
    shell = (*READONLY, "bash") if out.readonly else READONLY  # at the least: Cursor judges
    out.effective = {t: taken if t in shell else Decision.ALLOW for t in TOOLS}
    out.effective.update(dict.fromkeys(mcp, taken))
    out.effective["*"] = Decision.ALLOW
    for pattern in ("*", *(rule.pattern for rule in policy.bash)):
        out.effective[f"bash:{pattern}"] = taken
    return out
