"""What every target is: a name, the features it builds, and a pure ``render``.

``render`` turns the canonical pack into ``OutFile`` values and tells the ``Report`` what it
had to drop or narrow; it does no I/O. One writer (``agentpack.writer``) puts files on disk.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal, Protocol

from agentpack.errors import Finding, Severity
from agentpack.model import Item, Pack, SourceRef
from agentpack.permissions import Decision, Policy


class Feature(str, enum.Enum):
    AGENTS = "agents"
    COMMANDS = "commands"
    SKILLS = "skills"
    PLUGIN = "plugin"
    MARKETPLACE = "marketplace"


Area = Literal["dist", "pack"]


@dataclass(frozen=True, slots=True)
class OutFile:
    """One generated file. ``area`` "dist": ``path`` is relative to the target's folder under the
    output dir; "pack": relative to the pack root (e.g. a marketplace that must sit there)."""

    path: str
    data: bytes
    source: str | None = None
    area: Area = "dist"

    @staticmethod
    def text(path: str, text: str, source: SourceRef | None = None, area: Area = "dist") -> OutFile:
        if not text.endswith("\n"):
            text += "\n"
        return OutFile(path, text.encode("utf-8"), source.path if source else None, area)


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
        return Finding(
            self.source.path,
            self.source.line,
            1,
            Severity.WARNING,
            self.field,
            f"{self.target}: {self.change.value}: {self.message}",
        )


@dataclass(slots=True)
class Report:
    """What targets dropped, narrowed or approximated; the caller decides how to show it."""

    notes: list[Note] = field(default_factory=list)

    def add(self, target: str, item: Item, field: str, change: Change, message: str) -> None:
        self.notes.append(Note(item.source, target, item.name, field, change, message))

    def narrowed(
        self, target: str, item: Item, tool: str, source: Decision, got: Decision, why: str
    ) -> None:
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

    def effective(self, policy: Policy | None) -> dict[str, Decision | None]:
        """What the target will enforce per canonical tool for this policy (None: the host
        decides, i.e. the policy is inherited). Used by ``explain`` and the invariant tests."""
        ...
