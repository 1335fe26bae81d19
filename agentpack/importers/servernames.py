"""What MCP servers do to imported items' tools. A host may name a server's tools by a
name of its own (Claude Code: ``mcp__plugin_<plugin>_<server>__<tool>`` for a plugin's
server), which must become the pack's name of the server, or a tool list that grants them
grants nothing in the other tools. And a server's own settings may turn tools off for every
agent (Codex's ``disabled_tools``, Copilot's ``tools``), which a pack's server cannot: its
agents are held to them instead."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from types import MappingProxyType

from agentpack.importers.imported import Imported
from agentpack.model import Grant
from agentpack.permissions import Decision, Policy, renamed, renamed_tool


def rename(
    out: Imported,
    since: tuple[int, int, int],
    servers: Mapping[str, str],
    *,
    reports: bool = True,
    hooks: int = 0,
) -> None:
    """The items read since ``since`` (counts of agents, commands, skills), and the hooks
    from the ``hooks``-th on, with their servers named as ``servers`` says; ``reports``:
    and the notes of every report (not when the name stays another server's)."""
    for i, agent in enumerate(out.agents[since[0] :], since[0]):
        if agent.policy is not None:
            out.agents[i] = dataclasses.replace(agent, policy=renamed(agent.policy, servers))
    for i, command in enumerate(out.commands[since[1] :], since[1]):
        grants = _grants(command.allowed_tools, servers)
        out.commands[i] = dataclasses.replace(command, allowed_tools=grants)
    for i, skill in enumerate(out.skills[since[2] :], since[2]):
        out.skills[i] = dataclasses.replace(
            skill, allowed_tools=_grants(skill.allowed_tools, servers)
        )
    out.hooks[hooks:] = [
        dataclasses.replace(h, tools=tuple(renamed_tool(t, servers) for t in h.tools))
        for h in out.hooks[hooks:]
    ]
    if not servers or not reports:
        return
    pattern = re.compile(r"mcp:(" + "|".join(map(re.escape, servers)) + r")\b")
    for report in out.reports:  # the notes name the tools as they are now
        for notes in (report.mapped, report.approximated, report.dropped):
            notes[:] = [pattern.sub(lambda m: f"mcp:{servers[m[1]]}", n) for n in notes]


def _grants(grants: tuple[Grant, ...], servers: Mapping[str, str]) -> tuple[Grant, ...]:
    return tuple(dataclasses.replace(g, tool=renamed_tool(g.tool, servers)) for g in grants)


def hold(out: Imported) -> None:
    """Every agent read, denied the tools its servers turn off (where a server keeps only
    some on, the rest of it): a pack's server offers all its tools. With no agent read,
    nothing holds them: said as dropped, for the agents the user adds next."""
    for server, off, only, report in out.holds:
        if not out.agents:
            report.dropped.append(
                f"mcpServers.{server} (its own list of tools it offers: a pack's server offers "
                "all its tools, and no agent was read here to hold to it; give the agents you "
                f"add a tools: list for mcp:{server})"
            )
            continue
        report.approximated.append(
            f"mcpServers.{server} (its own list of tools it offers: every agent read here is "
            "held to it, since a pack's server offers all its tools)"
        )
        for i, agent in enumerate(out.agents):
            base = agent.policy or Policy.build(Decision.ALLOW)
            tools = dict(base.tools)
            for tool in off:
                tools[f"mcp:{server}/{tool}"] = Decision.DENY
            if only is not None:
                for tool in only:
                    tools.setdefault(f"mcp:{server}/{tool}", base.tool(f"mcp:{server}/{tool}"))
                tools[f"mcp:{server}"] = Decision.DENY
            held = dataclasses.replace(base, tools=MappingProxyType(tools))
            out.agents[i] = dataclasses.replace(agent, policy=held)
