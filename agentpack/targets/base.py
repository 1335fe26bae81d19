"""What every target is: a name, the features it builds, and a pure ``render``.

``render`` turns the canonical pack into ``OutFile`` values and tells the ``Report`` what it
had to drop or narrow; it does no I/O. One writer (``agentpack.writer``) puts files on disk.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from agentpack import emit, examples
from agentpack.errors import Finding, Severity
from agentpack.model import Agent, Item, ItemInfo, Manifest, Pack, Skill, SourceRef
from agentpack.outputs import OutFile
from agentpack.permissions import Decision, Policy


class Feature(str, enum.Enum):
    AGENTS = "agents"
    COMMANDS = "commands"
    SKILLS = "skills"
    PLUGIN = "plugin"
    MARKETPLACE = "marketplace"


@dataclass(frozen=True, slots=True)
class Context:
    """Where the output goes, as far as a target needs to know it.

    ``dist`` is the output folder relative to the pack root (POSIX), or None when it lies
    outside the pack (then nothing in the pack can point into it by a relative path).
    """

    dist: str | None = "dist"


class Change(str, enum.Enum):
    DROPPED = "dropped"
    NARROWED = "narrowed"
    APPROXIMATED = "approximated"


@dataclass(frozen=True, slots=True, order=True)
class Note:
    """Something a target could not carry as written; shown as a one-line warning."""

    source: SourceRef
    target: str
    item: str
    field: str
    change: Change
    message: str

    def finding(self) -> Finding:
        source = self.source
        return note_finding(
            source.path, source.line, self.target, self.field, self.change, self.message
        )


def note_finding(
    path: str, line: int, target: str, field: str, change: Change, message: str
) -> Finding:
    """The one-line warning a note is shown as; a re-export builds it straight from the
    note's stored fields (without the Note: a tenth of a second at 5,000 notes)."""
    severity = Severity.INFO if change is Change.DROPPED else Severity.WARNING
    return Finding(path, line, 1, severity, field, f"{target}: {_CHANGE_TEXT[change]}: {message}")


_CHANGE_TEXT = {change: change.value for change in Change}
"""``Change.value`` through a dict: the enum's property costs a microsecond a call, and a
re-export of a large pack builds thousands of these."""


@dataclass(slots=True)
class Report:
    """What targets dropped, narrowed or approximated; the caller decides how to show it."""

    notes: list[Note] = field(default_factory=list)

    def add(self, target: str, item: Item, field: str, change: Change, message: str) -> None:
        self.notes.append(Note(item.source, target, item.name, field, change, message))

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


class Target(Protocol):
    """The contract of a target; built-ins and third-party targets alike."""

    name: ClassVar[str]
    description: ClassVar[str]
    features: ClassVar[frozenset[Feature]]

    def render(self, pack: Pack, report: Report, context: Context) -> Iterable[OutFile]:
        """Pure: no I/O, no printing; the same pack gives the same files.

        Raises ``ExportRefused`` when a policy cannot be written without widening it."""
        ...

    def install_root(self, scope: str, env: Mapping[str, str], home: Path, project: Path) -> Path:
        """Where ``agentpack install`` puts this target's files for a scope (user|project)."""
        ...

    def effective(self, policy: Policy | None) -> dict[str, Decision | None]:
        """What the target will enforce per canonical tool for this policy (None: the host
        decides, i.e. the policy is inherited). Used by ``explain`` and the invariant tests."""
        ...


@runtime_checkable
class Incremental(Protocol):
    """A target whose files split into each item's own and the pack's own, so that a
    re-export renders only the items that changed (``agentpack.incremental``).

    ``render(pack)`` must equal ``render_items(pack, pack.items())`` plus
    ``render_pack(pack.manifest, pack.infos())``, for the items this target builds."""

    def render_items(
        self, pack: Pack, items: Sequence[Item], report: Report, context: Context
    ) -> Iterable[OutFile]:
        """The files of ``items``, each with its item's source path as ``source``. An item's
        files may depend on the item, the manifest and the agent it names (a command's
        ``agent``), which ``pack`` holds; on nothing else."""
        ...

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterable[OutFile]:
        """The files that belong to no one item (a plugin manifest, a README), from the
        manifest and what ``ItemInfo`` says of the items this target builds."""
        ...


def describe(agent: Agent) -> str:
    """The description with delegation examples embedded, in the Claude-style layout
    (``<example>`` blocks) that both Claude Code and opencode agents use in the wild."""
    return examples.render(agent.description, agent.examples)


def skill_files(skill: Skill, fields: Mapping[str, Any]) -> Iterator[OutFile]:
    """SKILL.md with the target's fields, then every resource byte for byte."""
    base = f"skills/{skill.name}"
    yield OutFile.text(f"{base}/SKILL.md", emit.frontmatter(fields, skill.body), skill.source)
    for resource in skill.resources:
        yield OutFile(f"{base}/{resource.path}", resource.data, skill.source.path)
