"""What every target is, and what the core gives it to work with.

A target owns everything about one tool: how items and pack-level files are rendered, how the
tool's native files are read back, the JSON Schema of its ``<name>:`` blocks, its model ids,
its host's built-in agents, what a policy really enforces there, and where installs go. The
core knows targets only through this contract and the registry; it never names one.

Rendering is pure: no I/O, no printing, the same input gives the same files. An item's files
may depend on the item, on ``ItemEnv`` and on nothing else, which is what lets the export
cache reuse them while those inputs are unchanged.
"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from agentpack import aliases
from agentpack.cache import NoteRow
from agentpack.errors import Finding, Severity
from agentpack.hostagents import HostAgent
from agentpack.model import (
    Agent,
    Command,
    Hook,
    Item,
    ItemInfo,
    Manifest,
    Pack,
    SourceRef,
)
from agentpack.outputs import OutFile
from agentpack.permissions import Decision, Policy

if TYPE_CHECKING:
    from agentpack.configentry import Entry
    from agentpack.lab import Check
    from agentpack.native import Reader


class Feature(str, enum.Enum):
    AGENTS = "agents"
    COMMANDS = "commands"
    SKILLS = "skills"
    PLUGIN = "plugin"
    MARKETPLACE = "marketplace"


@dataclass(frozen=True, slots=True)
class Context:
    """Where the output goes, as far as the pack-level files need to know it.

    ``dist`` is the output folder relative to the pack root (POSIX), or None when it lies
    outside the pack (then nothing in the pack can point into it by a relative path).
    """

    dist: str | None = "dist"


@dataclass(frozen=True, slots=True)
class ItemEnv:
    """Everything an item's files may depend on besides the item itself."""

    manifest: Manifest
    models: Mapping[str, Mapping[str, str]]
    """The alias table: built-in aliases with the pack's ``models:`` over them."""
    agent: Agent | None = None
    """For a command: the pack's agent it names (None: it names none of the pack's)."""
    builtin: str | None = None
    """For a command naming no agent of the pack's: the canonical name of the host
    built-in it names in any host's spelling (``general``, ``explore``, ...), else None."""
    skills: frozenset[str] = frozenset()
    """For a command: the names of the pack's skills (a tool that makes commands into
    skills gives a skill of the same name precedence)."""


class Change(str, enum.Enum):
    DROPPED = "dropped"
    NARROWED = "narrowed"
    APPROXIMATED = "approximated"
    UNGUARDED = "unguarded"
    """A guard of the source does not hold there: a hook that may block a tool call does
    not run (or not for every tool it names, or not until its user trusts it), or a
    command's own tool list is not applied. What it would stop is allowed in that target.
    A warning, as every change but a dropped field is."""

    @staticmethod
    def left_out(hook: Hook) -> Change:
        """What leaving a hook (or some of its tools) out of a target is."""
        return Change.UNGUARDED if hook.event == "before_tool" else Change.DROPPED


@dataclass(frozen=True, slots=True, order=True)
class Note:
    """Something a target could not carry as written; shown as a one-line warning."""

    source: SourceRef
    target: str
    item: str
    field: str
    change: Change
    message: str

    def finding(self, line: int | None = None, col: int = 1) -> Finding:
        """The warning, at ``line``:``col`` when the field's place is known."""
        severity = Severity.INFO if self.change is Change.DROPPED else Severity.WARNING
        return Finding(
            self.source.path,
            self.source.line if line is None else line,
            col,
            severity,
            self.field,
            f"{self.target}: {self.change.value}: {self.message}",
        )


def note_findings(rows: Sequence[NoteRow]) -> list[Finding]:
    """The warnings of notes kept as rows, as ``Note.finding`` words them (without building
    the notes: a large pack has tens of thousands, read from the cache each export)."""
    dropped, info, warning = Change.DROPPED.value, Severity.INFO, Severity.WARNING
    return [
        Finding(
            path, line, col, info if change == dropped else warning, field_, f"{t}: {change}: {m}"
        )
        for path, _, t, _, field_, change, m, line, col in rows
    ]


@dataclass(slots=True)
class Report:
    """What targets dropped, narrowed or approximated; the caller decides how to show it."""

    notes: list[Note] = field(default_factory=list)

    def lines(self) -> tuple[str, ...]:
        """The notes as one line each (file:line: what and why), for an install to say."""
        return tuple(str(note.finding()) for note in self.notes)

    def add(self, target: str, item: Item, field: str, change: Change, message: str) -> None:
        self.notes.append(Note(item.source, target, item.name, field, change, message))

    def about_pack(
        self, target: str, manifest: Manifest, field: str, change: Change, msg: str
    ) -> None:
        self.notes.append(Note(manifest.source, target, manifest.name, field, change, msg))

    def narrowed(
        self, target: str, item: Item, tool: str, source: Decision, got: Decision, why: str
    ) -> None:
        tool = "(tools not named)" if tool == "*" else tool
        self.add(
            target,
            item,
            f"tools.{tool}",
            Change.NARROWED,
            f"agent {item.name!r}, tool {tool}: {source} in the source, {got} in {target} ({why})",
        )


@dataclass(frozen=True, slots=True)
class InstallRoot:
    """One folder an install writes into: the output files under ``prefixes`` go to
    ``folder`` / (their path without ``strip``)."""

    folder: Path
    prefixes: tuple[str, ...]
    strip: str = ""
    twins: Callable[[Path, str], str | None] | None = None
    """For a file an install writes (its path under ``folder``), another file there that
    the tool reads as the same item (a user's own agent of its name), or None: the
    install leaves its file out rather than shadow the user's."""
    caution: Callable[[OutFile], tuple[str, ...]] | None = None
    """For a file an install writes here, what another tool that reads this folder makes
    wider of it than the source (each a line, the same for every such file). The install
    says each once, with the files it concerns."""


@dataclass(frozen=True, slots=True)
class Setup:
    """What an install adds besides the target's own files: entries in the user's own
    configuration files (the pack's MCP servers and hooks) and the scripts they run,
    placed under the first install root (paths relative to its folder)."""

    entries: tuple[Entry, ...] = ()
    files: tuple[OutFile, ...] = ()
    notes: tuple[str, ...] = ()
    """What the install leaves out, and why (one line each)."""


FileCheck = Callable[[bytes], "str | None"]
"""Why the bytes of a pack file named in the manifest cannot be used, or None."""


class Target(Protocol):
    """The contract of a target; built-ins and third-party targets alike."""

    name: ClassVar[str]
    """The --tool value, the ``<name>:`` block key and the dist/<name>/ folder."""
    title: ClassVar[str]
    """The tool's own name, for messages (``Claude Code``)."""
    description: ClassVar[str]
    features: ClassVar[frozenset[Feature]]
    plugin_groups: ClassVar[bool]
    """The pack's plugin groups (``plugins:``) each make one plugin of this tool."""
    commands_are_skills: ClassVar[bool]
    """Commands and skills share one namespace: a skill shadows a command of its name."""
    argument_base: ClassVar[int]
    """The number of a command's first positional argument in this tool ($0 or $1)."""
    writes: ClassVar[tuple[str, ...]]
    """What lands where under dist/<name>/, one line each, for ``agentpack targets``."""
    models: ClassVar[Mapping[str, str]]
    """The built-in model aliases this target knows: alias -> its model id."""
    host_agents: ClassVar[Mapping[str, HostAgent]]
    """The host's built-in agents by canonical name."""
    model_help: ClassVar[str]
    """What a model id for this tool looks like (schemas show it)."""
    manifest_files: ClassVar[Mapping[str, FileCheck]]
    """Keys of this target's manifest block that name a pack file, with its check."""
    policy_keys: ClassVar[Mapping[str, frozenset[str]]]
    """By kind: the keys of this target's block that the target writes from the item's
    permissions (an agent's ``tools``, a command's grants). A block may not set them: it
    would say another policy than the source's, and could widen it."""
    own_policy: ClassVar[Mapping[str, frozenset[str]]]
    """Of those keys, by key: the entries a block may set all the same, because they are
    about what only this tool has, which no canonical tool says (opencode's
    ``permission.external_directory``)."""
    written_keys: ClassVar[Mapping[str, frozenset[str]]]
    """By kind: the keys of this target's block that the target writes from the item's own
    fields (its name, description, body, mode). A block may not set them: each tool would
    name or describe the item otherwise (two agents on one name, one with every tool)."""
    versioned: ClassVar[bool]
    """Installed copies update only when the pack's version changes (a plugin)."""
    by_default: ClassVar[bool]
    """Built when a pack names no targets (a bundle of a few kinds is built when named)."""
    reader: ClassVar[Reader | None]
    """Reads the tool's native files for ``agentpack import``; None: no import."""
    carries: ClassVar[Mapping[str, frozenset[str]]]
    """By kind (agent, command, skill, server, hook): the fields that come back equal when
    the output is read again (``policy``: every decision, where nothing was narrowed). The
    contract tests hold the target to it; any other field set must get a note. A kind left
    out is not read back at all (servers and hooks: a note must say so when written)."""

    def blocks(self) -> Mapping[str, Mapping[str, Any]]:
        """The JSON Schema of the ``<name>:`` block, by file kind (agent, command, skill,
        manifest); kinds left out have no block."""
        ...

    def model_problem(self, model_id: str) -> str | None:
        """Why this tool cannot use ``model_id``, or None."""
        ...

    def parse_model(self, model_id: str) -> tuple[str, str] | None:
        """(vendor, the vendor's own id) for one of this tool's model ids, or None."""
        ...

    def spell_model(self, vendor: str, model: str) -> str | None:
        """This tool's id for a vendor's model, or None when it cannot use that model."""
        ...

    def render_item(self, item: Item, env: ItemEnv, report: Report) -> Iterable[OutFile]:
        """The files of one item, each with the item's source as ``source``. Raises
        ``ExportRefused`` when a policy cannot be written without widening it."""
        ...

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterable[OutFile]:
        """The files that belong to no one item (a plugin manifest, a README), from the
        manifest and what ``ItemInfo`` says of the items this target builds."""
        ...

    def effective(
        self, policy: Policy | None, manifest: Manifest | None = None
    ) -> dict[str, Decision | None]:
        """What the target will enforce per canonical tool (and ``bash:<pattern>``, and
        ``*`` for tools not named) for this policy; None for a tool the host lacks or when
        the policy is inherited. ``manifest``: the pack the agent is in, whose servers may
        change what a target's rules give (without it, a pack with no servers). Used by
        ``explain`` and the invariant tests."""
        ...

    def install_roots(
        self, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> tuple[InstallRoot, ...]:
        """Where ``agentpack install`` puts this target's files for a scope (user|project)."""
        ...

    def setup(
        self, manifest: Manifest, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> Setup:
        """What an install for a scope adds to the user's configuration files, and the
        scripts those entries run (their paths are absolute: they run from there)."""
        ...

    def lab(self) -> Check | None:
        """How the tool's own client judges this target's output (the conformance lab);
        None when no client can run offline here."""
        ...


@functools.cache
def schema_blocks(folder: str) -> Mapping[str, Mapping[str, Any]]:
    """A target's ``schema.json`` (the JSON Schema of its blocks), from its folder."""
    with (Path(folder) / "schema.json").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def render(
    target: Target,
    pack: Pack,
    report: Report,
    context: Context,
    spellings: Mapping[str, str] | None = None,
) -> Iterator[OutFile]:
    """Every file of ``pack`` for ``target``: the items it builds, then the pack's own
    files, in one go (what an export writes, without its cache). ``spellings``: every
    registered host's names for its built-in agents (default: the built-in targets')."""
    if spellings is None:
        from agentpack.targets import Registry

        spellings = Registry(third_party=False).spellings()
    own = pack.for_target(target.name)
    models = aliases.table(own.manifest, aliases.builtin([target]))
    agents = {a.name: a for a in pack.agents}
    skills = [s.name for s in own.skills]
    for item in own.items():
        env = item_env(item, own.manifest, models, agents, spellings, skills)
        yield from target.render_item(item, env, report)
    yield from target.render_pack(own.manifest, own.infos(), report, context)


def item_env(
    item: Item,
    manifest: Manifest,
    models: Mapping[str, Mapping[str, str]],
    agents: Mapping[str, Agent],
    spellings: Mapping[str, str],
    skills: Iterable[str] = (),
) -> ItemEnv:
    """The environment of one item: for a command, the agent it names (one of the pack's,
    else a host built-in in any host's spelling)."""
    if not isinstance(item, Command):
        return ItemEnv(manifest, models)
    named = frozenset(skills)
    if item.agent is None:
        return ItemEnv(manifest, models, skills=named)
    own = agents.get(item.agent)
    if own is not None:
        return ItemEnv(manifest, models, own, skills=named)
    return ItemEnv(manifest, models, None, spellings.get(item.agent), named)
