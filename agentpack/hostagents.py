"""The agents hosts ship, so that a command can name one in any host's spelling.

A command's ``agent`` is the name of one of the pack's agents or of a host's built-in one.
Hosts spell theirs differently (Claude Code's ``general-purpose``, ``Explore``; opencode's
``general``, ``explore``), and a name one host does not know breaks there: opencode refuses
to run a command whose agent it cannot find, and Claude Code forks an unknown one onto its
default agent. Each target declares its built-ins by a canonical name
(``Target.host_agents``); this table turns any host's spelling into that name, so that each
target writes its own spelling, or drops the name (with a note) when it has no such agent.
A pack agent of the same name always wins, since it is looked up first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class HostAgent:
    """One of a host's built-in agents, as a command may name it."""

    native: str
    """The host's own name for it."""
    subagent: bool
    """A command that names it runs as a subtask when the command does not say (opencode's
    rule for its subagents, which Claude Code's fork follows)."""


class _Hosting(Protocol):
    @property
    def host_agents(self) -> Mapping[str, HostAgent]: ...


def spellings(targets: Iterable[_Hosting]) -> dict[str, str]:
    """Every spelling -> the canonical name (exact case: Claude Code's agent types are
    case-sensitive)."""
    table: dict[str, str] = {}
    for target in targets:
        for canonical, host in target.host_agents.items():
            table.setdefault(canonical, canonical)
            table.setdefault(host.native, canonical)
    return table
