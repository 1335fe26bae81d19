"""Render each target and stage its files, one process per target on a large pack.

A target's files are written (staged) by the process that renders them, so a large export
never holds two targets' output at once, nor sends one through a pipe: only the paths, the
hashes, the notes and the few pack-root files come back. The caller commits (``writer``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from agentpack import parallel, writer
from agentpack.model import Pack
from agentpack.outputs import OutFile
from agentpack.targets import Registry
from agentpack.targets.base import Context, Incremental, Note, Report


@dataclass(frozen=True, slots=True)
class Built:
    """What rendering and staging one target left, without the files' contents."""

    target: str
    hashes: Mapping[str, str]
    """sha256 of every file of the target's folder, by path."""
    by_item: Mapping[str, tuple[str, ...]] | None
    """Item source -> its files' paths, for a target that renders item by item."""
    notes: tuple[Note, ...]
    """What the items' files gave (all of them, for a target that renders the pack whole)."""
    pack_notes: tuple[Note, ...]
    """What the pack-level files gave, kept apart: a re-export may reuse them."""
    pack_files: tuple[OutFile, ...]
    staged: writer.Staged | None
    """Write mode: what ``writer.commit`` makes visible."""
    differences: tuple[writer.Difference, ...]
    """Check mode: how the target's folder differs from what it would be."""


def build(
    pack: Pack,
    names: Sequence[str],
    registry: Registry,
    context: Context,
    *,
    out_dir: Path,
    previous: Mapping[str, object] | None,
    staging: Path | None,
    compare: bool = False,
) -> list[Built]:
    """Render every target in ``names``; stage its files under ``staging``, or (None)
    only hash them, and with ``compare`` also diff them against ``out_dir``."""

    def one(name: str) -> Built:
        target, own = registry.get(name), pack.for_target(name)
        report, pack_report = Report(), Report()
        by_item: dict[str, list[str]] | None = None
        if isinstance(target, Incremental):
            outs = list(target.render_items(own, own.items(), report, context))
            by_item = {}
            for out in outs:
                by_item.setdefault(out.source or "", []).append(out.path)
            outs += target.render_pack(own.manifest, own.infos(), pack_report, context)
        else:
            outs = list(target.render(own, report, context))
        files = writer.target_files(name, outs)
        del outs  # the checked files are all that is kept from here on
        staged: writer.Staged | None = None
        differences: tuple[writer.Difference, ...] = ()
        if staging is not None:
            staged = writer.stage(files, out_dir, staging, previous)
        elif compare:
            differences = tuple(writer.compare_target(files, out_dir))
        return Built(
            name,
            files.hashes,
            None if by_item is None else {k: tuple(v) for k, v in by_item.items()},
            tuple(report.notes),
            tuple(pack_report.notes),
            files.pack_files,
            staged,
            differences,
        )

    def batch(group: Sequence[str]) -> list[Built]:
        return [one(name) for name in group]

    size = len(pack.agents) + len(pack.commands)
    # one target per process: rendering is CPU work and creating files is kernel work,
    # and two target folders do not contend for one directory lock
    return parallel.split(batch, list(names), when=size >= parallel.WORTH_IT)
