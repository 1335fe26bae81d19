"""The operations the CLI offers, as plain functions returning result dataclasses.

Everything a command does happens here or below; ``cli.py`` only parses flags and prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agentpack import aliases, schema
from agentpack.errors import Finding, UsageError
from agentpack.load import MANIFEST, load
from agentpack.load import load_pack as _load_pack
from agentpack.model import Agent, Command, Pack, Skill
from agentpack.permissions import summary
from agentpack.targets import Registry

_PACKAGE = Path(__file__).resolve().parent


def bundled_pack() -> Path:
    """The reference pack shipped in the wheel, or the repository root in a source checkout."""
    installed = _PACKAGE / "_data" / "pack"
    return installed if (installed / MANIFEST).is_file() else _PACKAGE.parent


@dataclass(frozen=True, slots=True)
class PackLocation:
    root: Path
    bundled: bool


def locate(pack: Path | str | None) -> PackLocation:
    """``--pack`` if given; else the current directory if it is a pack; else the bundled one."""
    if pack is not None:
        root = Path(pack)
        if not root.is_dir():
            raise UsageError(f"{root}: no such folder; pass --pack with a pack folder")
        return PackLocation(root.resolve(), False)
    cwd = Path.cwd()
    if (cwd / MANIFEST).is_file():
        return PackLocation(cwd, False)
    return PackLocation(bundled_pack(), True)


def registry() -> Registry:
    return Registry()


def load_pack(pack: Path | str | None = None, *, targets: Registry | None = None) -> Pack:
    """Load and validate a pack; raises ``InvalidPack`` with every finding when it has errors."""
    reg = targets or registry()
    return _load_pack(locate(pack).root, reg.names())


@dataclass(frozen=True, slots=True)
class Validation:
    root: Path
    findings: tuple[Finding, ...]
    pack: Pack | None

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


def validate(pack: Path | str | None = None, *, targets: Registry | None = None) -> Validation:
    """Check a pack without building anything; every finding, errors and warnings."""
    reg = targets or registry()
    where = locate(pack)
    loaded, findings = load(where.root, reg.names())
    return Validation(where.root, tuple(findings), loaded)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of ``agentpack list``."""

    name: str
    kind: str
    mode: str
    model: str
    targets: tuple[str, ...]
    tools: str
    source: str

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "mode": self.mode,
            "model": self.model,
            "targets": list(self.targets),
            "tools": self.tools,
            "source": self.source,
        }


def list_items(pack: Path | str | None = None, *, targets: Registry | None = None) -> list[Row]:
    loaded = load_pack(pack, targets=targets)
    default = loaded.manifest.targets
    rows: list[Row] = []
    for item in loaded.items():
        item_targets = item.targets if item.targets is not None else default
        if isinstance(item, Agent):
            rows.append(
                Row(
                    item.name,
                    "agent",
                    item.mode.value,
                    str(item.model or aliases.INHERIT),
                    item_targets,
                    summary(item.policy),
                    item.source.path,
                )
            )
        elif isinstance(item, Command):
            grants = ", ".join(map(str, item.allowed_tools)) or "-"
            rows.append(
                Row(
                    item.name,
                    "command",
                    "-",
                    str(item.model or aliases.INHERIT),
                    item_targets,
                    f"pre-approves: {grants}",
                    item.source.path,
                )
            )
        elif isinstance(item, Skill):
            grants = ", ".join(map(str, item.allowed_tools)) or "-"
            rows.append(
                Row(
                    item.name,
                    "skill",
                    "-",
                    "-",
                    item_targets,
                    f"pre-approves: {grants}",
                    item.source.path,
                )
            )
    return rows


def schema_text(kind: str) -> str:
    if kind not in schema.KINDS:
        raise UsageError(f"unknown schema {kind!r}; choose one of {', '.join(schema.KINDS)}")
    return schema.schema_path(kind).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class InitResult:
    root: Path
    written: tuple[Path, ...] = field(default_factory=tuple)


def init(folder: Path | str, name: str | None = None) -> InitResult:
    """Write a minimal valid pack whose files name their schema for yaml-language-server."""
    from agentpack import scaffold

    return InitResult(Path(folder), tuple(scaffold.write(Path(folder), name)))


def kinds() -> Sequence[str]:
    return schema.KINDS
