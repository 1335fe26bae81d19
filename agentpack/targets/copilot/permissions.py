"""What a Copilot agent's ``tools`` list enforces, tool by tool.

Copilot (the CLI 1.0.102 and VS Code alike) has one per-agent permission: ``tools``, a list of
what the agent may use. No list means every tool; ``[]`` means none but the always-on ones
(``skill``, and the CLI's session database ``sql``); names Copilot does not know are dropped
without a word, and there is neither "deny" nor "ask" nor a command pattern. So:

- an alias is written only when the source allows every canonical tool it grants (``edit``
  is write and edit, ``search`` grep and glob, ``web`` fetch and search); one the source
  allows in part is left out, with a warning;
- "ask" becomes "deny", with a warning; so does bash when any command is not allowed;
- a source that allows everything Copilot has gets no list; any other gets a list, so tools
  it does not name (MCP servers among them) are denied, with one warning when the source
  allowed them;
- ``skill`` cannot be taken away: an agent whose source does not allow it is left out of the
  Copilot output, with a warning that says how to export it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from agentpack.permissions import TOOLS, Decision, Policy, mcp_parts
from agentpack.targets.copilot.names import ALIASES, ALWAYS, NO_TOOL


@dataclass(slots=True)
class AgentTools:
    """The ``tools`` list of one agent (None: no list, every tool), what it enforces, and
    what had to be narrowed or cannot be enforced at all."""

    tools: list[str] | None
    effective: dict[str, Decision | None]
    narrowed: list[tuple[str, Decision, Decision, str]] = field(default_factory=list)
    cannot: list[str] = field(default_factory=list)


def mcp_name(tool_id: str) -> str | None:
    """``mcp:github`` -> ``github/*``; ``mcp:github/x`` -> ``github/x``; None for ``mcp:*``
    (Copilot has no name for every MCP server but ``*``, which is every tool)."""
    server, tool = mcp_parts(tool_id)
    if server is None:
        return None
    return f"{server}/{tool or '*'}"


def agent_tools(policy: Policy | None) -> AgentTools:
    """A fresh copy each call: callers may not share the lists."""
    done = _agent_tools(None if policy is None else policy.key(), policy)
    return AgentTools(
        None if done.tools is None else list(done.tools),
        dict(done.effective),
        list(done.narrowed),
        list(done.cannot),
    )


@functools.lru_cache(maxsize=1024)
def _agent_tools(key: object, policy: Policy | None) -> AgentTools:
    if policy is None:
        return AgentTools(None, dict.fromkeys((*TOOLS, "*")))
    out = AgentTools([], {})
    out.cannot = [t for t in ALWAYS if policy.narrowest(t) is not Decision.ALLOW]
    named = (*TOOLS, *policy.named_mcp())
    if policy.default is Decision.ALLOW and all(
        policy.narrowest(t) is Decision.ALLOW for t in named
    ):
        out.tools = None  # no list: every tool, as the source allows
        out.effective = {**dict.fromkeys(named, Decision.ALLOW), "*": Decision.ALLOW}
    else:
        out.tools = _aliases(policy, out) + _servers(policy, out)
        out.effective.update(dict.fromkeys(ALWAYS, Decision.ALLOW))
        out.effective["*"] = Decision.DENY
        if policy.default > Decision.DENY:
            why = "a Copilot tools list leaves out every tool it does not name, MCP servers too"
            out.narrowed.append(("*", policy.default, Decision.DENY, why))
    out.effective.update(dict.fromkeys(NO_TOOL))
    for pattern in ("*", *(rule.pattern for rule in policy.bash)):
        out.effective[f"bash:{pattern}"] = out.effective["bash"]
    return out


def _aliases(policy: Policy, out: AgentTools) -> list[str]:
    """Each alias whose every tool the source allows."""
    tools = []
    for alias, covered in ALIASES.items():
        granted = all(policy.narrowest(t) is Decision.ALLOW for t in covered)
        if granted:
            tools.append(alias)
        for tool in covered:
            out.effective[tool] = Decision.ALLOW if granted else Decision.DENY
            if not granted and policy.widest(tool) > Decision.DENY:
                why = _why(policy, alias, covered)
                out.narrowed.append((tool, policy.widest(tool), Decision.DENY, why))
    return tools


def _servers(policy: Policy, out: AgentTools) -> list[str]:
    """``server/*`` and ``server/tool`` for the MCP tools the source allows."""
    tools = []
    for mcp in policy.named_mcp():
        name = mcp_name(mcp)
        granted = name is not None and policy.tool(mcp) is Decision.ALLOW
        narrower = [
            t for t in policy.named_mcp() if _within(t, mcp) and policy.tool(t) < policy.tool(mcp)
        ]
        if granted and narrower:
            granted = False
            why = f"{name} would also grant {', '.join(narrower)}, which Copilot cannot deny"
            out.narrowed.append((mcp, policy.tool(mcp), Decision.DENY, why))
            out.effective[mcp] = Decision.DENY
            continue
        if name is not None and granted:
            tools.append(name)
        out.effective[mcp] = Decision.ALLOW if granted else Decision.DENY
        if not granted and policy.tool(mcp) > Decision.DENY:
            why = (
                "Copilot has no name for every MCP server; name the servers"
                if name is None
                else "Copilot agents cannot ask"
            )
            out.narrowed.append((mcp, policy.tool(mcp), Decision.DENY, why))
    return tools


def _within(narrow: str, broad: str) -> bool:
    """Whether the MCP id ``narrow`` is one of the tools ``broad`` names (a server's)."""
    server, tool = mcp_parts(broad)
    return tool is None and narrow != broad and narrow.startswith(f"mcp:{server}/")


def _why(policy: Policy, alias: str, covered: tuple[str, ...]) -> str:
    if len(covered) > 1 and any(policy.narrowest(t) is Decision.ALLOW for t in covered):
        return f"Copilot's {alias!r} grants {' and '.join(covered)} together"
    if "bash" in covered and policy.widest("bash") is Decision.ALLOW:
        return "Copilot cannot allow some commands and not others"
    return "Copilot agents cannot ask"
