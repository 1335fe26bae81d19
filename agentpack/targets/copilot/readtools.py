"""Which tools a Copilot agent file grants, for ``import``: its ``tools`` list, read as the
Copilot CLI and VS Code read each name (the narrower of the two), and the tools its own
``mcp-servers`` offer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agentpack.filereport import FileReport
from agentpack.native import ImportEnv, split_list
from agentpack.permissions import Decision, Policy, normalize_tool_id
from agentpack.targets.copilot.names import ALIASES, ALWAYS, NARROW_NAMES, READ_NAMES

_MCP = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)/(\*|[A-Za-z0-9][A-Za-z0-9_.-]*)$")


def tool_ids(names: list[str], report: FileReport) -> list[str] | None:
    """The canonical tools a ``tools`` list grants; None when it grants every tool."""
    granted: list[str] = list(ALWAYS)
    for name in names:
        key = name.lower()
        mcp = _MCP.match(name)
        if key == "*":
            return None
        if key in NARROW_NAMES:
            granted += NARROW_NAMES[key]
            if not NARROW_NAMES[key]:
                report.approximated.append(
                    f"tools: {name} (VS Code's semantic code search, neither grep nor glob, "
                    "which would allow more: left out)"
                )
        elif key in READ_NAMES:
            granted += ALIASES[READ_NAMES[key]]
        elif key.partition("/")[0] in (*ALIASES, "vscode") and mcp:
            # read/problems, execute/runTests: one tool of a built-in tool set, not an
            # MCP server's; the whole set would allow more
            report.approximated.append(
                f"tools: {name} (one tool of Copilot's {key.partition('/')[0]} tool set, "
                "which would allow more: left out)"
            )
        elif mcp and not _valid(f"mcp:{mcp.group(1)}"):
            report.approximated.append(
                f"tools: {name} (a server name with characters other tools change in its "
                "tools' names, which a pack cannot name: left out)"
            )
        elif mcp and not _valid(f"mcp:{mcp.group(1)}/{mcp.group(2)}"):
            report.approximated.append(
                f"tools: {name} (a tool name with characters other tools change in its name, "
                "which a pack cannot name: left out)"
            )
        elif mcp:
            server, tool = mcp.groups()
            granted.append(f"mcp:{server}" if tool == "*" else f"mcp:{server}/{tool}")
        else:
            report.dropped.append(f"tools: {name} (Copilot ignores names it does not know)")
    return list(dict.fromkeys(granted))


def server_tools(servers: Any) -> dict[str, list[str]]:
    """The servers of an agent's ``mcp-servers`` whose ``tools`` list names some tools (not
    ``*``), with those tools."""
    found: dict[str, list[str]] = {}
    for name, spec in servers.items() if isinstance(servers, dict) else ():
        tools = spec.get("tools") if isinstance(spec, dict) else None
        if isinstance(tools, list) and "*" not in tools and _valid(f"mcp:{name}"):
            found[str(name)] = [str(t) for t in tools if _valid(f"mcp:{name}/{t}")]
    return found


def _valid(tool_id: str) -> bool:
    """Whether a pack can name the tool (a name it cannot is never granted)."""
    try:
        normalize_tool_id(tool_id)
    except ValueError:
        return False
    return True


def held(policy: Policy | None, limits: Mapping[str, list[str]]) -> Policy:
    """``policy`` with each server of ``limits`` held to the tools listed for it."""
    listed = {f"mcp:{s}/{t}" for s, tools in limits.items() for t in tools}
    servers = {f"mcp:{s}" for s in limits}
    if policy is None:
        return Policy.build(Decision.ALLOW, sorted(listed), (), sorted(servers))
    allow = []
    for tool, decision in policy.tools.items():
        if decision is not Decision.ALLOW:
            continue
        if tool in servers:  # the whole server: only what it offers
            allow += sorted(t for t in listed if t.startswith(f"{tool}/"))
        elif tool.partition("/")[0] not in servers or tool in listed:
            allow.append(tool)
    return Policy.build(None, allow)


def some_agents(agents: Any) -> bool:
    """Whether an agent's ``agents`` list holds it to some subagents (``*``: any)."""
    names = agents if isinstance(agents, list) else [agents]
    return "*" not in [str(n).strip() for n in names]


def denied(policy: Policy | None, tool: str) -> Policy:
    """``policy`` with ``tool`` denied (a tool named twice keeps the narrower decision)."""
    base = policy or Policy.build(Decision.ALLOW)
    by = {d: [t for t, got in base.tools.items() if got is d] for d in Decision}
    deny = [*by[Decision.DENY], tool]
    bash = None if tool == "bash" else {r.pattern: r.decision for r in base.bash} or None
    return Policy.build(base.default, by[Decision.ALLOW], by[Decision.ASK], deny, bash)


def denied_ids(names: list[str], report: FileReport, key: str, env: ImportEnv) -> list[str]:
    """What a deny list that Copilot ignores (Claude Code's ``disallowedTools``) meant:
    each name's whole alias (the narrower reading), an MCP tool's whole server, and any
    other name as the tool that spells it reads it in a deny list (``env.tool_id``)."""
    out: list[str] = []
    for name in names:
        base = name.strip().split("(")[0].lower()  # Bash(rm:*) denies the shell: narrower
        mcp = _MCP.match(name.strip())
        server = base[5:].partition("__")[0] if base.startswith("mcp__") else None
        server = mcp.group(1) if mcp else server
        tool = None if server is not None or base in READ_NAMES else env.tool_id(name)[0]
        if server is not None:
            out.append(f"mcp:{server}" if _valid(f"mcp:{server}") else "mcp:*")
        elif base in READ_NAMES:
            out += ALIASES[READ_NAMES[base]]
        elif tool is not None:
            out.append(tool)
        else:
            report.dropped.append(f"{key}: {name} (not a tool agentpack knows)")
    return out


def agent_policy(fm: Mapping[str, Any], report: FileReport, env: ImportEnv) -> Policy | None:
    """What a Copilot agent file lets the agent do: its ``tools`` list, the tools its own
    servers offer, and what its author meant by keys Copilot ignores (Claude Code's
    ``disallowedTools``, Cursor's ``readonly``) and by ``agents`` (some subagents only),
    each read as the narrower policy."""
    policy: Policy | None = None
    if "tools" in fm:
        if isinstance(fm["tools"], dict):
            report.approximated.append(
                "tools: a mapping where Copilot takes a list (read: the tools set to true)"
            )
        granted = tool_ids(split_list(fm["tools"]), report)
        policy = None if granted is None else Policy.build(None, granted)
    limits = server_tools(fm.get("mcp-servers"))
    if limits:  # the agent's own servers, which the pack does not carry, offer only these
        report.approximated.append(
            "mcp-servers: the tools each server offers hold the agent to them "
            f"({', '.join(f'{s}: {len(t)}' for s, t in limits.items())})"
        )
        policy = held(policy, limits)
    for key in ("disallowedTools", "disallowed-tools"):
        if key in fm:  # Claude Code's, which Copilot ignores: the deny its author meant
            report.approximated.append(f"{key} (Copilot ignores it; read as denied, narrower)")
            for tool in denied_ids(split_list(fm[key]), report, key, env):
                policy = denied(policy, tool)
    if report.restricts(fm, "readonly"):  # Cursor's: no edits, no shell, no MCP tools
        report.approximated.append("readonly (Copilot ignores it; read as Cursor reads it)")
        for tool in ("write", "edit", "notebook", "bash", "mcp:*"):
            policy = denied(policy, tool)
    if "agents" in fm and some_agents(fm["agents"]):
        report.approximated.append(
            "agents: the subagents it may start, which the pack cannot say: task is left out"
        )
        policy = denied(policy, "task")
    return policy
