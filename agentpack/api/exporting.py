"""Export: every target's files, staged by the process that renders them, committed
once; a re-export redoes only what changed (``agentpack.incremental``).

Light to import: a re-export of a large pack starts checking its output folder in a
second process first, and only then imports the loader and the targets (about a tenth
of a second that the check now runs alongside).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from agentpack import snapfile
from agentpack.api.where import context_for, default_out, locate, registry
from agentpack.errors import Finding, Severity
from agentpack.layout import MANIFEST

if TYPE_CHECKING:
    from agentpack import build, writer
    from agentpack.model import Manifest
    from agentpack.outputs import OutFile
    from agentpack.targets import Registry


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote, or (``--check``, ``--dry-run``) would change, and what it
    warned about."""

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


def version_findings(
    version: str, previous: Mapping[str, object] | None, claude: Mapping[str, str] | None
) -> list[Finding]:
    """The version warning against the manifest the output folder held before."""
    old_pack = previous.get("pack") if previous else None
    old_files = previous.get("files") if previous else None
    if not isinstance(old_pack, dict) or not isinstance(old_files, dict):
        return []
    old = {k: v for k, v in old_files.items() if k.startswith("claude/")}
    if claude is None or str(old_pack.get("version")) != version or old == claude:
        return []
    return _version_warning(version)


def _version_warning(version: str) -> list[Finding]:
    """Claude Code updates an installed plugin only when its version changes: a warning
    for when the ``claude/`` files changed since the last export and the version did not."""
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


def claude_hashes(built: Sequence[build.Built]) -> dict[str, str] | None:
    claude = next((b for b in built if b.target == "claude"), None)
    if claude is None:
        return None
    return {f"claude/{path}": digest for path, digest in claude.hashes.items()}


def _finish(
    built: Sequence[build.Built], pack_manifest: Manifest, previous: Mapping[str, object] | None
) -> tuple[dict[str, tuple[str, OutFile]], bytes]:
    """The pack-root files of every target, and the manifest of the whole export."""
    from agentpack import writer

    extra = writer.pack_files((b.target, b.pack_files) for b in built)
    owners: dict[str, dict[str, str]] = {}
    for path, (target, out) in extra.items():
        owners.setdefault(target, {})[path] = writer.sha256(out.data)
    files = {f"{b.target}/{p}": h for b in built for p, h in b.hashes.items()}
    meta = writer.export_meta(pack_manifest)
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
    where = locate(pack)
    out_dir = Path(out) if out is not None else default_out(where)
    kept = None if check or dry_run or not cache else snapfile.location(where.root, out_dir)
    if kept is not None:
        # the clock first: the scan's stamps must not postdate the new snapshot's time
        started = time.time_ns()
        scan = snapfile.scan(kept, out_dir, where.root)  # before the heavy imports
        try:
            from agentpack import incremental

            reg = targets or registry()
            done = incremental.reexport(
                kept,
                scan,
                started=started,
                root=where.root,
                out_dir=out_dir,
                tools=tools,
                registry=reg,
                context=context_for(out_dir, where.root),
            )
        finally:
            scan.cancel()
        if done is not None:
            # a re-export never sees the manifest (so the version) change
            version = _version_warning(done.version) if done.claude_changed else []
            return ExportResult(
                where.root,
                out_dir,
                done.names,
                (*done.findings, *version),
                written=done.written,
                planned=done.planned,
                reused=done.reused,
            )
    return _full(where.root, out_dir, tools, kept, targets or registry(), check or dry_run)


def _full(
    root: Path,
    out_dir: Path,
    tools: Sequence[str],
    kept: Path | None,
    reg: Registry,
    compare: bool,
) -> ExportResult:
    """Load and render everything; ``compare``: write nothing, say what differs; ``kept``:
    where to leave the snapshot for the next export (None: nowhere)."""
    from agentpack import build, snapshot, stamps, writer
    from agentpack.load import load_result, open_pack
    from agentpack.targets.base import Incremental

    # the snapshot's clock and listing are taken before any file is read
    started = time.time_ns()
    listed = stamps.listing(root) if kept is not None else ""
    opening = open_pack(root, reg.known())
    manifest = opening.manifest  # None: it has errors, which loading the items reports
    names = (list(dict.fromkeys(tools)) or list(manifest.targets)) if manifest else []
    targets = [reg.get(name) for name in names]  # unknown names fail before any loading
    in_halves = all(isinstance(target, Incremental) for target in targets)
    previous = writer.read_manifest(out_dir)

    plan = build.Plan(names, reg, context_for(out_dir, root), out_dir, previous, compare=compare)

    def run(staging: Path | None) -> build.Whole:
        if in_halves:
            return build.export(opening, replace(plan, staging=staging))
        return build.export_loaded(load_result(root, reg.known()), replace(plan, staging=staging))

    if compare:
        whole = run(None)
        built = whole.built
        extra, text = _finish(built, whole.manifest, previous)
        differences = [d for b in built for d in b.differences]
        differences += writer.compare_rest(extra, text, out_dir, root)
    else:
        with writer.staging(out_dir) as folder:
            whole = run(folder)
            built = whole.built
            extra, text = _finish(built, whole.manifest, previous)
            staged = [b.staged for b in built if b.staged is not None]
            written = writer.commit(staged, extra, text, out_dir, root, folder)
    notes = sorted({n for b in built for n in (*b.notes, *b.pack_notes)})
    findings = [*whole.findings, *(n.finding() for n in notes)]
    findings += version_findings(whole.manifest.version, previous, claude_hashes(built))
    planned = tuple(f"{b.target}/{p}" for b in built for p in sorted(b.hashes))
    base = ExportResult(root, out_dir, tuple(names), tuple(findings), planned=planned)
    if compare:
        return replace(base, differences=tuple(differences))
    if kept is not None:
        snapshot.capture(
            kept,
            key=snapshot.key(root, out_dir, names, reg, chosen=bool(tools)),
            started=started,
            listed=listed,
            root=root,
            briefs=whole.briefs,
            shared=whole.shared,
            inputs=whole.inputs,
            built=built,
            pack_files=extra,
            written=written,
            previous=previous,
        )
    return replace(base, written=written.files)
