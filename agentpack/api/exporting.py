"""Export: every target's files, written where they differ; ``--check`` and ``--dry-run``
compare instead. One path for all three (``agentpack.build``), the cache used only when
writing."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from agentpack import cache as caching
from agentpack.api.where import PackInput, context_for, default_out, locate, registry
from agentpack.build import build
from agentpack.differences import Difference, differences
from agentpack.errors import Finding, OutputError, Severity, UsageError
from agentpack.record import FILE as RECORD
from agentpack.record import Record
from agentpack.targets import Registry
from agentpack.writer import Plan, commit, scan, unowned


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
    differences: tuple[Difference, ...] = ()
    reused: int = 0
    """Items whose files the cache vouched for, neither loaded nor rendered."""

    @property
    def stale(self) -> bool:
        return bool(self.differences)

    def as_dict(self) -> dict[str, object]:
        return {
            "out": str(self.out_dir),
            "targets": list(self.targets),
            "written": list(self.written),
            "reused": self.reused,
            "differences": [{"path": d.path, "status": d.status} for d in self.differences],
            "findings": [f.as_dict() for f in self.findings],
        }


def export(
    pack: PackInput = None,
    tools: Sequence[str] = (),
    out: Path | str | None = None,
    *,
    check: bool = False,
    dry_run: bool = False,
    cache: bool = True,
    targets: Registry | None = None,
) -> ExportResult:
    """Build the pack for each target (``tools``, else the manifest's). ``check``: compare
    with what is on disk and write nothing; ``dry_run``: list what would change and write
    nothing. ``cache``: reuse what the last export here loaded and rendered from files
    that did not change (the output is the same either way)."""
    where = locate(pack)
    out_dir = Path(out) if out is not None else default_out(where)
    _outside_items(where.root, out_dir)
    compare = check or dry_run
    path = None if compare or not cache else caching.location(where.root, out_dir, os.environ)
    store = caching.Cache.open(path)
    previous = Record.read(out_dir)
    damaged = Record.damaged(out_dir) if previous is None else None
    if damaged is False:  # a web app's dist/manifest.json
        raise OutputError(
            f"{out_dir / RECORD} is not the record agentpack keeps there; move it away, or "
            "export into another folder (--out)"
        )
    built = build(
        where.root,
        tools,
        targets or registry(),
        context_for(out_dir, where.root),
        out_dir,
        store,
        previous,
    )
    plan = Plan(
        out_dir,
        where.root,
        built.targets,
        {rel: data for rel, (_, data) in built.pack_files.items()},
        built.record.text(),
        built.disk,
        previous.files if previous is not None else {},
        frozenset(p for files in (previous.pack_files if previous else {}).values() for p in files),
        owns_all=bool(damaged),  # its own record, unreadable: the folder is agentpack's
    )
    if compare:
        kept = {t: unowned(plan, t, scan(out_dir / t)) for t in plan.targets}
        return ExportResult(
            where.root,
            out_dir,
            built.names,
            (*built.findings, *_kept(out_dir, {t: k for t, k in kept.items() if k})),
            differences=tuple(differences(plan)),
        )
    written = commit(plan, store.vouch if store.before else None)
    store.save(written.stats, built.targets)
    return ExportResult(
        where.root,
        out_dir,
        built.names,
        (*built.findings, *_kept(out_dir, written.kept)),
        written=tuple(written.files),
        reused=built.reused,
    )


def _kept(out_dir: Path, kept: dict[str, list[str]]) -> list[Finding]:
    """A warning for each target folder that holds files no export wrote, left there."""
    found = []
    for target, files in kept.items():
        shown = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
        message = (
            f"{len(files)} file{'s' * (len(files) != 1)} agentpack did not write left in place "
            f"({shown}); remove "
            "them if they are stale, or export into a folder of agentpack's own"
        )
        found.append(Finding(f"{out_dir / target}", 1, 1, Severity.WARNING, "-", message))
    return found


_READ = ("agents", "commands", "skills", "mcp", "hooks")
"""The pack's folders its items are read from."""


def _outside_items(root: Path, out_dir: Path) -> None:
    """Refuse an output folder where the pack reads its items (``--out agents``: the
    generated files would be read back as agents)."""
    pack, out = root.resolve(), out_dir.resolve()
    inside = any(out == pack / f or pack / f in out.parents for f in _READ)
    if inside:
        raise UsageError(
            f"--out {out_dir} is where the pack reads its items from; export into dist/ (the "
            "default) or a folder outside the pack"
        )
