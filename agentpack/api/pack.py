"""Reading a pack: load, validate, list, and start a new one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentpack import aliases
from agentpack import cache as caching
from agentpack.api.where import PackInput, context_for, default_out, locate, registry
from agentpack.build import build
from agentpack.canonical import policy_fields
from agentpack.errors import Finding, InvalidPack
from agentpack.load import load_pack as _load_pack
from agentpack.model import Agent, Pack, Skill
from agentpack.permissions import summary
from agentpack.record import Record
from agentpack.targets import Registry


def load_pack(pack: PackInput = None, *, targets: Registry | None = None) -> Pack:
    """Load and validate a pack; raises ``InvalidPack`` with every finding when it has errors."""
    return _load_pack(locate(pack).root, targets or registry())


@dataclass(frozen=True, slots=True)
class Validation:
    """``agentpack validate``: the findings, and the pack when it has no errors."""

    root: Path
    findings: tuple[Finding, ...]
    pack: Pack | None

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


def validate(pack: PackInput = None, *, targets: Registry | None = None) -> Validation:
    """Check a pack without writing anything: every finding, and every warning an export
    would print (what each target drops or narrows, the version), each at its field."""
    where = locate(pack)
    out_dir = default_out(where)
    previous = None if where.bundled else Record.read(out_dir)
    try:
        built = build(
            where.root,
            (),
            targets or registry(),
            context_for(out_dir, where.root),
            out_dir,
            caching.Cache(None),
            previous,
            writing=False,
        )
    except InvalidPack as exc:
        return Validation(where.root, exc.findings, None)
    return Validation(where.root, built.findings, built.pack)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of ``agentpack list``."""

    name: str
    kind: str
    mode: str | None
    model: str | None
    targets: tuple[str, ...]
    tools: str
    source: str
    policy: dict[str, Any] | None = None
    """The agent's policy as written in canonical form (None: inherit, or not an agent)."""
    grants: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "mode": self.mode,
            "model": self.model,
            "targets": list(self.targets),
            "tools": self.policy,
            "allowed_tools": list(self.grants),
            "source": self.source,
        }


def list_items(pack: PackInput = None, *, targets: Registry | None = None) -> list[Row]:
    loaded = load_pack(pack, targets=targets)
    default = loaded.manifest.targets
    rows: list[Row] = []
    for item in loaded.items():
        mode: str | None = None
        model: str | None = None
        policy: dict[str, Any] | None = None
        grants: tuple[str, ...] = ()
        if isinstance(item, Agent):
            mode, tools, policy = item.mode.value, summary(item.policy), policy_fields(item.policy)
        else:
            grants = tuple(map(str, item.allowed_tools))
            tools = f"pre-approves: {', '.join(grants) or '-'}"
        if not isinstance(item, Skill):
            model = str(item.model or aliases.INHERIT)
        own = item.targets if item.targets is not None else default
        rows.append(
            Row(
                item.name,
                item.kind.value,
                mode,
                model,
                own,
                tools,
                item.source.path,
                policy,
                grants,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class InitResult:
    """The files ``agentpack init`` created."""

    root: Path
    written: tuple[Path, ...] = field(default_factory=tuple)


def init(folder: Path | str, name: str | None = None) -> InitResult:
    """Write a minimal valid pack whose files name their schema for yaml-language-server."""
    from agentpack import scaffold
    from agentpack.api.schemas import write_schemas

    root = Path(folder)
    written = scaffold.write(root, name, registry().defaults())
    return InitResult(root, (*written, *write_schemas(root / "schemas")))
