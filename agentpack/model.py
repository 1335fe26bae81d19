"""The canonical pack as frozen dataclasses, built only by ``agentpack.load``.

No I/O and no target names here: a target reads these objects and decides on its own how to
spell them. Raw YAML dicts never leave the loader; ``extras`` (the per-target blocks) and
``metadata`` are the only free-form parts, and they are validated before they get here.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agentpack.permissions import Policy

JSONValue = Any
"""A value that came from YAML and passed the schema: str, int, float, bool, None, list, dict."""


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


class Mode(str, enum.Enum):
    SUBAGENT = "subagent"
    PRIMARY = "primary"
    ALL = "all"


class Kind(str, enum.Enum):
    AGENT = "agent"
    COMMAND = "command"
    SKILL = "skill"


@dataclass(frozen=True, slots=True, order=True)
class SourceRef:
    """Where an item came from, for messages: the pack-relative POSIX path and a line."""

    path: str
    line: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Example:
    """One delegation example; Claude-style targets embed these in the description."""

    user: str
    assistant: str
    context: str | None = None
    commentary: str | None = None


@dataclass(frozen=True, slots=True)
class ModelRef:
    """Either an alias (resolved through the pack's table) or an explicit id per target."""

    alias: str | None = None
    per_target: Mapping[str, str] = field(default_factory=_empty)

    def __str__(self) -> str:
        if self.alias is not None:
            return self.alias
        return ",".join(f"{k}={v}" for k, v in sorted(self.per_target.items()))


@dataclass(frozen=True, slots=True)
class Grant:
    """A pre-approval for one turn (a command's or skill's ``allowed_tools`` entry).

    A grant never restricts anything: it lets the tool run without asking while the
    command or skill is active. ``pattern`` narrows a bash grant to matching commands.
    """

    tool: str
    pattern: str | None = None

    def __str__(self) -> str:
        return self.tool if self.pattern is None else f"{self.tool}({self.pattern})"


@dataclass(frozen=True, slots=True)
class Agent:
    """One agent, as every target reads it: the fields all tools share by name, and
    ``extras`` for the few only one tool has."""

    name: str
    description: str
    body: str
    source: SourceRef
    examples: tuple[Example, ...] = ()
    mode: Mode = Mode.SUBAGENT
    model: ModelRef | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_steps: int | None = None
    policy: Policy | None = None
    """None: inherit the host's defaults (said explicitly where a target can say it)."""
    color: str | None = None
    tags: tuple[str, ...] = ()
    version: str | None = None
    targets: tuple[str, ...] | None = None
    """None: every target of the pack."""
    extras: Mapping[str, Mapping[str, JSONValue]] = field(default_factory=_empty)
    metadata: Mapping[str, JSONValue] = field(default_factory=_empty)
    kind: Kind = field(default=Kind.AGENT, init=False)


@dataclass(frozen=True, slots=True)
class Command:
    """One slash command; ``agent`` names the agent it runs in: one of the pack's, or a
    host's built-in one (``agentpack.hostagents``)."""

    name: str
    description: str
    body: str
    source: SourceRef
    argument_hint: str | None = None
    allowed_tools: tuple[Grant, ...] = ()
    agent: str | None = None
    model: ModelRef | None = None
    subtask: bool | None = None
    disable_model_invocation: bool | None = None
    targets: tuple[str, ...] | None = None
    extras: Mapping[str, Mapping[str, JSONValue]] = field(default_factory=_empty)
    metadata: Mapping[str, JSONValue] = field(default_factory=_empty)
    kind: Kind = field(default=Kind.COMMAND, init=False)


@dataclass(frozen=True, slots=True)
class Resource:
    """A file copied byte for byte, with its execute bit: one beside SKILL.md (``path``
    relative to the skill's folder), or a script an imported server or hook runs."""

    path: str
    data: bytes
    executable: bool = False
    """Its owner may run it (a skill's script), and so may the owner of each copy."""


@dataclass(frozen=True, slots=True)
class Skill:
    """One skill: SKILL.md's fields and body, and the files beside it, read whole."""

    name: str
    description: str
    body: str
    source: SourceRef
    license: str | None = None
    compatibility: str | None = None
    allowed_tools: tuple[Grant, ...] = ()
    disable_model_invocation: bool | None = None
    targets: tuple[str, ...] | None = None
    resources: tuple[Resource, ...] = ()
    extras: Mapping[str, Mapping[str, JSONValue]] = field(default_factory=_empty)
    metadata: Mapping[str, JSONValue] = field(default_factory=_empty)
    kind: Kind = field(default=Kind.SKILL, init=False)


Item = Agent | Command | Skill


InfoRow = tuple[str, str, str, str, int, "tuple[str, ...] | None", "str | None"]
"""An ItemInfo as plain values: kind, name, description, path, line, targets, agent."""


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """What the pack-level files and the checks across items know of an item: little
    enough for the export cache to keep, so that they need no item loaded."""

    kind: Kind
    name: str
    description: str
    source: SourceRef
    targets: tuple[str, ...] | None = None
    agent: str | None = None
    """The agent a command names."""

    @staticmethod
    def of(item: Item) -> ItemInfo:
        agent = item.agent if isinstance(item, Command) else None
        return ItemInfo(item.kind, item.name, item.description, item.source, item.targets, agent)

    def row(self) -> InfoRow:
        """Plain values, for the export cache."""
        s, agent = self.source, self.agent
        return (self.kind.value, self.name, self.description, s.path, s.line, self.targets, agent)

    @staticmethod
    def of_row(row: InfoRow) -> ItemInfo:
        kind, name, description, path, line, targets, agent = row
        own = None if targets is None else tuple(targets)
        return ItemInfo(Kind(kind), name, description, SourceRef(path, line), own, agent)


@dataclass(frozen=True, slots=True)
class Person:
    """An author, as plugin manifests and package metadata name one."""

    name: str
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PluginGroup:
    """One Claude Code plugin made of some of the pack's items (``plugins:`` in the manifest).

    Metadata left out falls back to the pack's."""

    name: str
    version: str | None = None
    description: str | None = None
    author: Person | None = None
    homepage: str | None = None
    repository: str | None = None
    license: str | None = None
    keywords: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()


HOOK_EVENTS: tuple[str, ...] = (
    "before_tool",
    "after_tool",
    "prompt",
    "session_start",
    "session_end",
    "stop",
)
"""The canonical hook events, each of which every host with hooks has in some form."""
TOOL_EVENTS = frozenset({"before_tool", "after_tool"})
PLUGIN_ROOT = "${PLUGIN_ROOT}"
"""In a server's command, args and cwd: the folder the pack's files are installed in."""
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[A-Za-z]{2,}$")
"""An e-mail address the pack's schema takes (``author.email``): one with a dotted domain,
as the Copilot CLI wants (``dev@localhost``, which git may hold, is none)."""
ROOTED = re.compile(re.escape(PLUGIN_ROOT) + r"/([^\s\"'`;|&:$]+)")
"""A path from ``${PLUGIN_ROOT}`` in a value, as group 1 (one of a PATH's, split at ``:``)."""


@dataclass(frozen=True, slots=True)
class McpServer:
    """One MCP server of the pack (``mcp/<name>.yaml``): a stdio server the host starts,
    or a remote one at a URL. Values may name environment variables as ``${NAME}``."""

    name: str
    source: SourceRef
    description: str = ""
    command: str | None = None
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=_empty)
    cwd: str | None = None
    url: str | None = None
    transport: str = "stdio"
    """stdio, http or sse."""
    headers: Mapping[str, str] = field(default_factory=_empty)
    files: tuple[str, ...] = ()
    """Pack files the server needs, copied with the pack (``${PLUGIN_ROOT}/<path>``)."""
    targets: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Hook:
    """One hook of the pack (``hooks/<name>.yaml``): a script run on an event, which
    gets the event as JSON on stdin as Claude Code gives it; exit 2 blocks a tool call."""

    name: str
    source: SourceRef
    event: str
    run: str
    """The script, a pack-relative path; its bytes are in ``Manifest.files``."""
    interpreter: str = "sh"
    args: tuple[str, ...] = ()
    """Words given to the script after its path (a launcher's ``session-start``)."""
    files: tuple[str, ...] = ()
    """Other pack files the script runs or imports, copied beside it."""
    tools: tuple[str, ...] = ()
    """For tool events: the canonical tool ids it runs for; empty: every tool."""
    timeout: int | None = None
    description: str = ""
    targets: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Manifest:
    """``agentpack.yaml``: what the pack is called and versioned as, and which targets it
    builds by default."""

    name: str
    version: str
    description: str
    source: SourceRef
    author: Person | None = None
    license: str | None = None
    homepage: str | None = None
    repository: str | None = None
    keywords: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    """The targets an export builds by default (the loader fills in the registry's
    defaults when the manifest names none; empty, as made in code: every target)."""
    models: Mapping[str, Mapping[str, str]] = field(default_factory=_empty)
    """Alias -> target -> model id, the pack's table over the built-in one."""
    extras: Mapping[str, Mapping[str, JSONValue]] = field(default_factory=_empty)
    plugins: tuple[PluginGroup, ...] = ()
    files: Mapping[str, bytes] = field(default_factory=_empty)
    """Pack files the manifest names (e.g. a plugin icon), the server and hook files and
    the scripts they run, by pack-relative path, read by the loader so that rendering stays
    free of I/O (and the export cache sees every one of them)."""
    executables: frozenset[str] = frozenset()
    """Those of ``files`` that their owner may run, which every copy keeps."""
    servers: tuple[McpServer, ...] = ()
    hooks: tuple[Hook, ...] = ()

    def builds(self, own: tuple[str, ...] | None, target: str) -> bool:
        """Whether an item with these ``targets`` (None: the pack's) goes to ``target``."""
        if own is not None:
            return target in own
        return not self.targets or target in self.targets


@dataclass(frozen=True, slots=True)
class Pack:
    """The whole validated pack, the one thing a target renders from."""

    manifest: Manifest
    root: Path | None
    agents: tuple[Agent, ...] = ()
    commands: tuple[Command, ...] = ()
    skills: tuple[Skill, ...] = ()

    def items(self) -> tuple[Item, ...]:
        return (*self.agents, *self.commands, *self.skills)

    def infos(self) -> tuple[ItemInfo, ...]:
        return tuple(ItemInfo.of(item) for item in self.items())

    def agent(self, name: str) -> Agent | None:
        return next((a for a in self.agents if a.name == name), None)

    def for_target(self, target: str) -> Pack:
        """The items a target builds: each item's ``targets``, else the pack's."""

        def wanted(item: Item) -> bool:
            return self.manifest.builds(item.targets, target)

        return Pack(
            self.manifest,
            self.root,
            tuple(a for a in self.agents if wanted(a)),
            tuple(c for c in self.commands if wanted(c)),
            tuple(s for s in self.skills if wanted(s)),
        )


def flat_name(name: str) -> str:
    """An agent's name where a tool has no folders of agents: ``team/coder`` (opencode's
    name for ``agent/team/coder.md``) is ``team-coder`` (the loader refuses a pack where
    two agents would get one name so)."""
    return name.replace("/", "-")
