"""What an import read, before it is written into the pack."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentpack.filereport import FileReport
from agentpack.model import Agent, Command, Hook, McpServer, Resource, Skill

Hold = tuple[str, tuple[str, ...], tuple[str, ...] | None, FileReport]
"""A server whose own settings take tools away from every agent: its name, the tools turned
off, the only tools left on (None: not so), and the report of the file that says it."""


@dataclass(slots=True)
class Group:
    """One plugin of an imported marketplace: its metadata and the items it holds."""

    name: str
    meta: dict[str, Any]
    agents: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Imported:
    """Items read from a tool's files, before they are written into the pack."""

    agents: list[Agent] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)
    plugin: dict[str, Any] | None = None
    """plugin.json (or marketplace) metadata, for a new pack's manifest."""
    groups: list[Group] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Files and folders of a tool's tree that were not read, with why."""
    servers: list[McpServer] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    """Servers' names as items read call them -> the pack's (``my_server``: ``my-server``)."""
    holds: list[Hold] = field(default_factory=list)
    """Servers whose own settings take tools away from every agent."""
    moving: dict[str, str] = field(default_factory=dict)
    """Servers of the plugin being read whose names a server read before has -> their
    names in the pack, which its items' tools take when its group closes."""
    files: dict[str, Resource] = field(default_factory=dict)
    """The scripts the servers and hooks run, by pack path."""
