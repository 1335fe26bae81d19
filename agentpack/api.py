"""The operations the CLI offers, as plain functions returning result dataclasses.

Everything a command does happens here or below; ``cli.py`` only parses flags and prints.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from agentpack import aliases, build, incremental, schema, writer
from agentpack.errors import Finding, InvalidPack, Severity, UsageError
from agentpack.load import MANIFEST, load, load_result
from agentpack.load import load_pack as _load_pack
from agentpack.model import (
    Agent,
    Command,
    Manifest,
    Pack,
    Person,
    PluginGroup,
    Skill,
    SourceRef,
)
from agentpack.outputs import OutFile
from agentpack.permissions import TOOLS, Decision, Policy, sample_command, summary
from agentpack.targets import Registry
from agentpack.targets.base import Context, Note, Report

if TYPE_CHECKING:  # imported where used: export, the main job, should not pay for them
    from agentpack import importers
    from agentpack import install as installer

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
    return _load_pack(locate(pack).root, reg.known())


@dataclass(frozen=True, slots=True)
class Validation:
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
        out_dir = _default_out(where)
        context = _context(out_dir, where.root)
        previous = writer.read_manifest(out_dir)
        built = build.build(
            loaded, ["claude"], reg, context, out_dir=out_dir, previous=previous, staging=None
        )
        claude = _claude_hashes(built)
        findings.extend(_version_findings(loaded.manifest.version, previous, claude))
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


# -- export -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportResult:
    root: Path
    out_dir: Path
    targets: tuple[str, ...]
    findings: tuple[Finding, ...]
    """Warnings: from validation, from targets (dropped, narrowed), about the version."""
    written: tuple[str, ...] = ()
    differences: tuple[writer.Difference, ...] = ()
    planned: tuple[str, ...] = ()
    reused: int = 0
    """Items a re-export took from the last export's snapshot, unchanged (0: full export)."""

    @property
    def stale(self) -> bool:
        return bool(self.differences)


def _default_out(where: PackLocation) -> Path:
    # Never write into site-packages: the bundled pack exports to ./dist.
    return (Path.cwd() if where.bundled else where.root) / "dist"


def _context(out_dir: Path, root: Path) -> Context:
    try:
        return Context(out_dir.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        return Context(None)


def _version_findings(
    version: str, previous: Mapping[str, object] | None, claude: Mapping[str, str] | None
) -> list[Finding]:
    """The version warning against the manifest the output folder held before."""
    old_pack = previous.get("pack") if previous else None
    old_files = previous.get("files") if previous else None
    if not isinstance(old_pack, dict) or not isinstance(old_files, dict):
        return []
    old = {k: v for k, v in old_files.items() if k.startswith("claude/")}
    return _version_warning(version, str(old_pack.get("version")), old, claude)


def _version_warning(
    version: str, old_version: str, old: Mapping[str, str] | None, new: Mapping[str, str] | None
) -> list[Finding]:
    """Claude Code updates an installed plugin only when its version changes: warn when the
    ``claude/`` files (sha256 by path) changed since the last export and the version did not."""
    if old is None or new is None or old_version != version or old == new:
        return []
    return [
        Finding(
            MANIFEST,
            1,
            1,
            Severity.WARNING,
            "version",
            f"the Claude plugin's content "
            f"changed but its version {version} did not; bump version "
            "so that installed copies update",
        )
    ]


def _claude_hashes(built: Sequence[build.Built]) -> dict[str, str] | None:
    claude = next((b for b in built if b.target == "claude"), None)
    if claude is None:
        return None
    return {f"claude/{path}": digest for path, digest in claude.hashes.items()}


def _finish(
    built: Sequence[build.Built], pack: Pack, previous: Mapping[str, object] | None
) -> tuple[dict[str, tuple[str, OutFile]], bytes]:
    """The pack-root files of every target, and the manifest of the whole export."""
    extra = writer.pack_files((b.target, b.pack_files) for b in built)
    owners: dict[str, dict[str, str]] = {}
    for path, (target, out) in extra.items():
        owners.setdefault(target, {})[path] = writer.sha256(out.data)
    files = {f"{b.target}/{p}": h for b in built for p, h in b.hashes.items()}
    meta = writer.export_meta(pack.manifest)
    names = [b.target for b in built]
    return extra, writer.manifest_text(meta, names, files, owners, previous)


def export(
    pack: Path | str | None = None,
    tools: Sequence[str] = (),
    out: Path | str | None = None,
    *,
    check: bool = False,
    dry_run: bool = False,
    cache: bool = True,
    targets: Registry | None = None,
) -> ExportResult:
    """Build the pack for each target. ``check``: compare with what is on disk and write
    nothing; ``dry_run``: list what would change and write nothing. ``cache``: when the
    last export of this pack into this folder left a snapshot, load and render only what
    changed since (the output is the same either way; see ``agentpack.incremental``)."""
    reg = targets or registry()
    where = locate(pack)
    out_dir = Path(out) if out is not None else _default_out(where)
    snapshot = None if check or dry_run or not cache else incremental.location(where.root, out_dir)
    if snapshot is not None:
        done = incremental.reexport(
            snapshot,
            root=where.root,
            out_dir=out_dir,
            tools=tools,
            registry=reg,
            context=_context(out_dir, where.root),
        )
        if done is not None:
            version = _version_warning(
                done.version, done.version, done.claude_before, done.claude_after
            )
            return ExportResult(
                where.root,
                out_dir,
                done.names,
                (*done.findings, *version),
                written=done.written,
                planned=done.planned,
                reused=done.reused,
            )
    # the snapshot's clock and listing are taken before any file is read
    started = time.time_ns()
    listed = incremental.listing(where.root) if snapshot is not None else ""
    result = load_result(where.root, reg.known())
    loaded = result.pack
    if loaded is None:
        raise InvalidPack(result.findings)
    names = list(dict.fromkeys(tools)) or list(loaded.manifest.targets)
    for name in names:
        reg.get(name)  # unknown names fail here, before anything is rendered
    context = _context(out_dir, where.root)
    previous = writer.read_manifest(out_dir)

    def run(staging: Path | None) -> list[build.Built]:
        return build.build(
            loaded,
            names,
            reg,
            context,
            out_dir=out_dir,
            previous=previous,
            staging=staging,
            compare=check or dry_run,
        )

    if check or dry_run:
        built = run(None)
        extra, manifest = _finish(built, loaded, previous)
        differences = [d for b in built for d in b.differences]
        differences += writer.compare_rest(extra, manifest, out_dir, where.root)
    else:
        with writer.staging(out_dir) as folder:
            built = run(folder)
            extra, manifest = _finish(built, loaded, previous)
            staged = [b.staged for b in built if b.staged is not None]
            written = writer.commit(staged, extra, manifest, out_dir, where.root, folder)
    notes = sorted({n for b in built for n in b.notes})
    findings = [*result.findings, *(n.finding() for n in notes)]
    findings += _version_findings(loaded.manifest.version, previous, _claude_hashes(built))
    planned = tuple(f"{b.target}/{p}" for b in built for p in sorted(b.hashes))
    base = ExportResult(where.root, out_dir, tuple(names), tuple(findings), planned=planned)
    if check or dry_run:
        return replace(base, differences=tuple(differences))
    if snapshot is not None:
        incremental.capture(
            snapshot,
            key=incremental.key(where.root, out_dir, names, reg),
            started=started,
            listed=listed,
            result=result,
            built=built,
            pack_files=extra,
            written=written,
            previous=previous,
        )
    return replace(base, written=written.files)


# -- explain ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ToolRow:
    tool: str
    source: str
    targets: dict[str, str]
    narrowed: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "tool": self.tool,
            "source": self.source,
            "targets": self.targets,
            "narrowed": list(self.narrowed),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    agent: str
    inherit: bool
    rows: tuple[ToolRow, ...]
    notes: tuple[Note, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "agent": self.agent,
            "inherit": self.inherit,
            "tools": [r.as_dict() for r in self.rows],
            "notes": [str(n.finding()) for n in self.notes],
        }


def _patterns(decide: Callable[[str], object], policy: Policy) -> str:
    """``git status*: allow, rm *: deny; else ask``: one decision per source pattern."""
    parts = [f"{r.pattern}: {decide(r.pattern)}" for r in policy.bash if r.pattern != "*"]
    return ", ".join(parts) + f"; else {decide('*')}"


def _source_text(policy: Policy | None, tool: str) -> str:
    if policy is None:
        return "inherit"
    if tool == "*":
        return str(policy.default)
    if tool == "bash" and policy.bash:
        return _patterns(lambda p: policy.decide("bash", sample_command(p)), policy)
    return str(policy.tool(tool))


def _cell(policy: Policy | None, effective: Mapping[str, Decision | None], tool: str) -> str:
    if policy is None:
        return "inherit"
    if tool == "bash" and policy.bash:
        return _patterns(lambda p: effective.get(f"bash:{p}"), policy)
    decision = effective.get(tool)
    return "-" if decision is None else str(decision)


def explain(
    name: str, pack: Path | str | None = None, *, targets: Registry | None = None
) -> Explanation:
    """For one agent: per canonical tool, the source's decision and what each target will
    actually enforce, with what was narrowed and why."""
    reg = targets or registry()
    loaded = load_pack(pack, targets=reg)
    agent = loaded.agent(name)
    if agent is None:
        known = ", ".join(a.name for a in loaded.agents)
        raise UsageError(f"no agent named {name!r} in the pack; agents: {known}")
    names = list(agent.targets if agent.targets is not None else loaded.manifest.targets)
    effective = {t: reg.get(t).effective(agent.policy) for t in names}
    report = Report()
    for t in names:
        single = Pack(loaded.manifest, loaded.root, (agent,))
        list(reg.get(t).render(single, report, Context(None)))
    notes = tuple(n for n in sorted(set(report.notes)) if n.field.startswith("tools"))
    tools = [*TOOLS, *(agent.policy.named_mcp() if agent.policy else ()), "*"]
    rows = []
    for tool in tools:
        cells = {t: _cell(agent.policy, effective[t], tool) for t in names}
        field = "tools.(tools not named)" if tool == "*" else f"tools.{tool}"
        narrowed = tuple(n.target for n in notes if n.field == field)
        label = "(others)" if tool == "*" else tool
        rows.append(ToolRow(label, _source_text(agent.policy, tool), cells, narrowed))
    return Explanation(agent.name, agent.policy is None, tuple(rows), notes)


# -- install ------------------------------------------------------------------------------

INSTALLED_FOLDERS = ("agents", "commands", "skills")
"""What a tool reads from its config folder; plugin manifests and marketplaces stay out."""


def _project_root() -> Path:
    here = Path.cwd()
    return next((p for p in (here, *here.parents) if (p / ".git").exists()), here)


def destination(
    tool: str, scope: str, dest: Path | str | None = None, *, targets: Registry | None = None
) -> Path:
    if dest is not None:
        return Path(dest)
    if scope not in ("user", "project"):
        raise UsageError(f"unknown scope {scope!r}; use user or project")
    target = (targets or registry()).get(tool)
    folder: Path = target.install_root(scope, os.environ, Path.home(), _project_root())
    return folder


def _target_folder(
    tool: str, pack: Path | str | None, scope: str, dest: Path | str | None, reg: Registry
) -> tuple[Pack, Path]:
    loaded = load_pack(pack, targets=reg)
    return loaded, destination(tool, scope, dest, targets=reg)


def install(
    tool: str,
    pack: Path | str | None = None,
    scope: str = "user",
    dest: Path | str | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    targets: Registry | None = None,
) -> installer.Outcome:
    """Copy one target's agents, commands and skills into the tool's folder, recording
    what was written; never overwrite a file agentpack did not write (unless ``force``)."""
    reg = targets or registry()
    loaded, folder = _target_folder(tool, pack, scope, dest, reg)
    # plugin groups matter to a marketplace, not to a tool's folder: install them flat
    flat = dataclasses.replace(
        loaded.for_target(tool), manifest=dataclasses.replace(loaded.manifest, plugins=())
    )
    files = [
        f
        for f in reg.get(tool).render(flat, Report(), Context(None))
        if f.area == "dist" and f.path.split("/", 1)[0] in INSTALLED_FOLDERS
    ]
    from agentpack import install as installer

    return installer.install(files, folder, loaded.manifest.name, force=force, dry_run=dry_run)


def uninstall(
    tool: str,
    pack: Path | str | None = None,
    scope: str = "user",
    dest: Path | str | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    targets: Registry | None = None,
) -> installer.Outcome:
    """Remove exactly the files an install recorded and nobody changed since."""
    loaded, folder = _target_folder(tool, pack, scope, dest, targets or registry())
    from agentpack import install as installer

    return installer.uninstall(folder, loaded.manifest.name, force=force, dry_run=dry_run)


# -- import -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    root: Path
    reports: tuple[importers.common.FileReport, ...]
    files: tuple[writer.SourceWrite, ...]
    findings: tuple[Finding, ...]
    """Findings of validating the pack after the import (empty on a dry run)."""

    @property
    def failed(self) -> bool:
        return (
            any(r.failed for r in self.reports)
            or any(f.status == "skip" for f in self.files)
            or any(f.is_error for f in self.findings)
        )


def _new_manifest(imported: importers.Imported, source: Path, root: Path) -> Manifest:
    from agentpack import importers

    hint = imported.plugin or {}
    author = hint.get("author") or hint.get("owner")
    person = None
    if isinstance(author, dict) and author.get("name"):
        person = Person(str(author["name"]), author.get("email"), author.get("url"))
    name = importers.common.slug(str(hint.get("name") or root.resolve().name or source.stem))
    version = str(hint.get("version") or "0.1.0")
    return Manifest(
        name=name,
        version=version if re.match(r"^\d+\.\d+\.\d+", version) else "0.1.0",
        description=str(hint.get("description") or f"Imported from {source.name}."),
        source=SourceRef(MANIFEST),
        author=person,
        license=hint.get("license"),
        homepage=hint.get("homepage"),
        repository=hint.get("repository") if isinstance(hint.get("repository"), str) else None,
        keywords=tuple(str(k) for k in hint.get("keywords") or ()),
        plugins=tuple(_group(g) for g in imported.groups),
    )


def _group(group: importers.Group) -> PluginGroup:
    from agentpack import importers

    meta = group.meta
    author = meta.get("author")
    return PluginGroup(
        name=importers.common.slug(group.name),
        version=meta.get("version") if isinstance(meta.get("version"), str) else None,
        description=meta.get("description") or None,
        author=Person(str(author["name"]), author.get("email"), author.get("url"))
        if isinstance(author, dict) and author.get("name")
        else None,
        homepage=meta.get("homepage") or None,
        repository=meta.get("repository") if isinstance(meta.get("repository"), str) else None,
        license=meta.get("license") or None,
        keywords=tuple(str(k) for k in meta.get("keywords") or ()),
        agents=tuple(group.agents),
        commands=tuple(group.commands),
        skills=tuple(group.skills),
    )


def import_(
    path: Path | str,
    pack: Path | str | None = None,
    dialect: str = "auto",
    *,
    lenient: bool = False,
    force: bool = False,
    dry_run: bool = False,
    targets: Registry | None = None,
) -> ImportResult:
    """Read native files into canonical source files of a pack (created when missing)."""
    source = Path(path)
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    from agentpack import canonical, importers, scaffold

    if dialect not in importers.DIALECTS:
        raise UsageError(f"unknown dialect {dialect!r}; use {', '.join(importers.DIALECTS)}")
    root = Path(pack) if pack is not None else Path.cwd()
    reg = targets or registry()
    table: Mapping[str, Mapping[str, str]] = aliases.BUILTIN
    if (root / MANIFEST).is_file():
        table = aliases.table(_load_pack(root, reg.known()).manifest)
    imported = importers.import_path(source, dialect, lenient=lenient, table=table)
    out: list[OutFile] = []
    if not (root / MANIFEST).is_file():
        out.append(canonical.manifest_file(_new_manifest(imported, source, root)))
        if not dry_run:
            scaffold.copy_schemas(root)
    out += [canonical.agent_file(a) for a in imported.agents]
    out += [canonical.command_file(c) for c in imported.commands]
    out += [f for s in imported.skills for f in canonical.skill_files(s)]
    files = writer.write_sources(out, root, force=force, dry_run=dry_run)
    findings: tuple[Finding, ...] = ()
    if not dry_run:
        findings = validate(root, targets=reg).findings
    return ImportResult(root, tuple(imported.reports), tuple(files), findings)
