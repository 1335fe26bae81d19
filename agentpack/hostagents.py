"""The agents each host ships, so that a command can name one in any host's spelling.

A command's ``agent`` is the name of one of the pack's agents or of a host's built-in one.
The hosts spell theirs differently (Claude Code's ``general-purpose``, ``Explore``, ``Plan``;
opencode's ``general``, ``explore``, ``plan``, ``build``), and a name one host does not know
breaks there: opencode refuses to run a command whose agent it cannot find ("Agent not
found"), and Claude Code forks an unknown one onto ``general-purpose``. So each target writes
its own spelling of a built-in, or drops the name (with a note) when it has no such agent.

Checked against the shipped clients (November 2026): Claude Code 2.1's built-in agent types
and opencode 1.18's built-in agents. A pack's own agent of the same name always wins.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HostAgent:
    """One built-in agent, under the name agentpack writes for it in a canonical pack."""

    name: str
    native: Mapping[str, str | None]
    """Target -> that host's name for it; None: the host has no such agent."""
    subagent: bool
    """Whether a command naming it runs as a subtask when it does not say (opencode's rule:
    a command whose agent is a subagent runs as one)."""


_ALL = (
    HostAgent("general", {"claude": "general-purpose", "opencode": "general"}, subagent=True),
    HostAgent("explore", {"claude": "Explore", "opencode": "explore"}, subagent=True),
    HostAgent("plan", {"claude": "Plan", "opencode": "plan"}, subagent=False),
    # opencode's default primary agent; Claude Code's counterpart is the main conversation,
    # and a command forked without an agent runs on general-purpose there
    HostAgent("build", {"claude": None, "opencode": "build"}, subagent=False),
    HostAgent("statusline-setup", {"claude": "statusline-setup", "opencode": None}, subagent=True),
    HostAgent(
        "claude-code-guide", {"claude": "claude-code-guide", "opencode": None}, subagent=True
    ),
)

_BY_SPELLING: Mapping[str, HostAgent] = {
    spelling: agent
    for agent in _ALL
    for spelling in {agent.name, *(n for n in agent.native.values() if n is not None)}
}


def named(agent: str | None, own: Container[str]) -> HostAgent | None:
    """The built-in agent a command's ``agent`` names in any host's spelling (exact case:
    Claude Code's agent types are case-sensitive); None when it names none, or an agent of
    the pack's own (``own``), which wins over a built-in of the same name."""
    if agent is None or agent in own:
        return None
    return _BY_SPELLING.get(agent)
