"""Reading a pack: load, validate, list, the schemas, a new pack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agentpack import aliases, build, schema, writer
from agentpack.api.exporting import claude_hashes, version_findings
from agentpack.api.where import context_for, default_out, locate, registry
from agentpack.errors import Finding, UsageError
from agentpack.load import load
from agentpack.load import load_pack as _load_pack
from agentpack.model import Agent, Pack, Skill
from agentpack.permissions import summary
from agentpack.targets import Registry


def load_pack(pack: Path | str | None = None, *, targets: Registry | None = None) -> Pack:
    """Load and validate a pack; raises ``InvalidPack`` with every finding when it has errors."""
    reg = targets or registry()
    return _load_pack(locate(pack).root, reg.known())


@dataclass(frozen=True, slots=True)
class Validation:
    """``agentpack validate``: the findings, and the pack when it has no errors."""

    root: Path
    findings: tuple[Finding, ...]
    pack: Pack | None

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


def validate(pack: Path | str | None = None, *, targets: Registry | None = None) -> Validation:
    """Check a pack without writing anything: every finding, errors and warnings, and a
    warning when the Claude plugin's content changed while its version did not."""
    reg = targets or registry()
    where = locate(pack)
    loaded, findings = load(where.root, reg.known())
    if loaded is not None and not where.bundled and "claude" in loaded.manifest.targets:
        out_dir = default_out(where)
        context = context_for(out_dir, where.root)
        previous = writer.read_manifest(out_dir)
        built = build.build(loaded, build.Plan(["claude"], reg, context, out_dir, previous))
        claude = claude_hashes(built)
        findings.extend(version_findings(loaded.manifest.version, previous, claude))
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
        mode, model = "-", "-"
        if isinstance(item, Agent):
            mode, tools = item.mode.value, summary(item.policy)
        else:
            tools = f"pre-approves: {', '.join(map(str, item.allowed_tools)) or '-'}"
        if not isinstance(item, Skill):
            model = str(item.model or aliases.INHERIT)
        own = item.targets if item.targets is not None else default
        rows.append(Row(item.name, item.kind.value, mode, model, own, tools, item.source.path))
    return rows


def schema_text(kind: str) -> str:
    if kind not in schema.KINDS:
        raise UsageError(f"unknown schema {kind!r}; choose one of {', '.join(schema.KINDS)}")
    return schema.schema_path(kind).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class InitResult:
    """The files ``agentpack init`` created."""

    root: Path
    written: tuple[Path, ...] = field(default_factory=tuple)


def init(folder: Path | str, name: str | None = None) -> InitResult:
    """Write a minimal valid pack whose files name their schema for yaml-language-server."""
    from agentpack import scaffold

    return InitResult(Path(folder), tuple(scaffold.write(Path(folder), name)))


def kinds() -> Sequence[str]:
    return schema.KINDS
