"""Render each target and stage its files; on a large pack, in two processes.

Files are written (staged) by the process that renders them, so no rendered file is ever
sent through a pipe: only paths, hashes, notes and the few pack-level files come back. The
caller commits (``writer``).

A full export (``export``) splits the pack's items in two halves: each process loads its
half and renders and stages it for every target, and sends back what the checks across
items, the pack-level files and the re-export snapshot need (``Brief``), never the items
themselves. A pack already loaded (``build``) is split by target instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from agentpack import parallel, writer
from agentpack.errors import Finding, InvalidPack, UnsafePath
from agentpack.load import Brief, Opening, Result
from agentpack.model import Agent, Command, ItemInfo, Kind, Manifest, Pack, Skill
from agentpack.outputs import OutFile, collision_key
from agentpack.source import FileState
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


@dataclass(frozen=True, slots=True)
class Plan:
    """What an export builds and where it goes: the same for every way of building."""

    names: Sequence[str]
    """The targets."""
    registry: Registry
    context: Context
    out_dir: Path
    previous: Mapping[str, object] | None
    """The manifest the output folder held before."""
    staging: Path | None = None
    """Where files are staged; None: they are only hashed (and with ``compare``, diffed
    against ``out_dir``)."""
    compare: bool = False


def build(pack: Pack, plan: Plan) -> list[Built]:
    """Render every target of ``plan`` from a pack loaded whole, one target per process."""
    registry, context, out_dir = plan.registry, plan.context, plan.out_dir
    previous, staging, compare = plan.previous, plan.staging, plan.compare

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
    return parallel.split(batch, list(plan.names), when=size >= parallel.WORTH_IT)


# -- a full export, in halves ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Whole:
    """A pack loaded, rendered and staged in halves, put back together."""

    manifest: Manifest
    briefs: tuple[Brief, ...]
    """Every item, in the pack's order."""
    findings: tuple[Finding, ...]
    """Every finding, sorted."""
    shared: tuple[Finding, ...]
    """The findings about no one item."""
    inputs: Mapping[str, FileState]
    """The manifest and the files it names."""
    built: list[Built]


@dataclass(frozen=True, slots=True)
class _Part:
    """What one half gave one target."""

    hashes: Mapping[str, str]
    by_item: Mapping[str, tuple[str, ...]]
    notes: tuple[Note, ...]
    pack_files: tuple[OutFile, ...]
    staged: writer.Part
    """The paths staged and their stamps (``writer.stage_files``)."""
    differences: tuple[writer.Difference, ...]


@dataclass(frozen=True, slots=True)
class _Half:
    """What one process sends back of its half of the items."""

    briefs: tuple[Brief, ...]
    parts: Mapping[str, _Part]
    """By target; none when the half has errors (nothing is written then)."""


def export(opening: Opening, plan: Plan) -> Whole:
    """Load every item of ``opening`` and render it for each target of ``plan`` (all of
    them ``Incremental``), in two halves on a large pack. Raises ``InvalidPack`` on any
    error."""
    names = plan.names
    folders = (
        {n: writer.folder_for(n, plan.out_dir, plan.previous) for n in names}
        if plan.staging is not None
        else {}
    )
    job = _Job(opening, plan, folders)
    # the second half takes the targets in the other order: two processes creating files
    # in one folder wait on its lock (twice the system time, measured)
    halves = parallel.split(
        lambda sources: [job.half(sources, names)],
        opening.sources,
        when=opening.weight >= parallel.WORTH_IT,
        second_work=lambda sources: [job.half(sources, names[::-1])],
    )
    briefs = tuple(b for h in halves for b in h.briefs)
    shared = opening.shared(briefs)
    every = tuple(sorted({*shared, *(f for b in briefs for f in b.findings)}))
    manifest = opening.manifest
    if manifest is None or any(f.is_error for f in every):
        raise InvalidPack(every)
    built = []
    for name in names:
        wanted = [
            b.info for b in briefs if b.info is not None and name in (b.targets or manifest.targets)
        ]
        built.append(job.join(name, manifest, wanted, [h.parts[name] for h in halves]))
    return Whole(manifest, briefs, every, shared, opening.inputs, built)


def export_loaded(result: Result, plan: Plan) -> Whole:
    """``export`` for a pack loaded whole, which a target that renders the pack whole
    (not ``Incremental``) needs."""
    if result.pack is None:
        raise InvalidPack(result.findings)
    built = build(result.pack, plan)
    briefs = tuple(x.brief() for x in result.loaded)
    manifest = result.pack.manifest
    return Whole(manifest, briefs, result.findings, result.shared, result.inputs, built)


@dataclass(frozen=True, slots=True)
class _Job:
    """One full export's settings, shared by the two processes."""

    opening: Opening
    plan: Plan
    folders: Mapping[str, writer.Folder]
    """How each target's folder is staged (none: nothing is written)."""

    def half(self, sources: Sequence[tuple[Kind, Path]], order: Sequence[str]) -> _Half:
        """Load these items, then render and stage them for each target in ``order``."""
        opening = self.opening
        loaded = opening.items(sources)
        briefs = tuple(x.brief() for x in loaded)
        if opening.manifest is None or any(x.item is None for x in loaded):
            return _Half(briefs, {})  # the pack will not be written: render nothing
        mine = Pack(
            opening.manifest,
            opening.root,
            tuple(x.item for x in loaded if isinstance(x.item, Agent)),
            tuple(x.item for x in loaded if isinstance(x.item, Command)),
            tuple(x.item for x in loaded if isinstance(x.item, Skill)),
        )
        # a command's files depend on the agent it names, which the other half may load
        named = {c.agent for c in mine.commands if c.agent} - {a.name for a in mine.agents}
        files = {path.stem: path for kind, path in opening.sources if kind is Kind.AGENT}
        more = [(Kind.AGENT, files[name]) for name in sorted(named) if name in files]
        extra = tuple(x.item for x in opening.items(more) if isinstance(x.item, Agent))
        seen = Pack(mine.manifest, mine.root, mine.agents + extra, mine.commands, mine.skills)
        return _Half(briefs, {name: self.part(name, mine, seen) for name in order})

    def part(self, name: str, mine: Pack, seen: Pack) -> _Part:
        """One half's items for one target: ``mine`` are the items to render, ``seen`` also
        holds the agents that their commands name."""
        target = self.plan.registry.get(name)
        assert isinstance(target, Incremental)
        report = Report()
        items = mine.for_target(name).items()
        outs = list(target.render_items(seen.for_target(name), items, report, self.plan.context))
        by_item: dict[str, list[str]] = {}
        for out in outs:
            by_item.setdefault(out.source or "", []).append(out.path)
        files = writer.target_files(name, outs)
        del outs
        staged: writer.Part = ((), ())
        differences: tuple[writer.Difference, ...] = ()
        if self.plan.staging is not None:
            staged = self.stage(name, files)
        elif self.plan.compare:
            differences = tuple(writer.compare_files(name, files.files, self.plan.out_dir))
        return _Part(
            files.hashes,
            {k: tuple(v) for k, v in by_item.items()},
            tuple(report.notes),
            files.pack_files,
            staged,
            differences,
        )

    def stage(
        self, name: str, files: writer.TargetFiles
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        assert self.plan.staging is not None
        folder = self.folders[name]
        return writer.stage_files(
            folder, files.files, files.hashes, self.plan.out_dir, self.plan.staging
        )

    def join(
        self, name: str, manifest: Manifest, wanted: Sequence[ItemInfo], parts: Sequence[_Part]
    ) -> Built:
        """One target's halves put together, with the files that belong to no one item
        (rendered here: they need every item's summary) staged or compared as well."""
        target = self.plan.registry.get(name)
        assert isinstance(target, Incremental)
        pack_report = Report()
        outs = target.render_pack(manifest, wanted, pack_report, self.plan.context)
        files = writer.target_files(name, outs)
        hashes: dict[str, str] = {}
        claimed: dict[str, str] = {}
        for table in (*(p.hashes for p in parts), files.hashes):
            for path, digest in table.items():
                if claimed.setdefault(collision_key(path), digest) != digest:
                    raise UnsafePath(
                        f"two files would be written to {path!r} ({name}); "
                        "names must differ, also in letter case and Unicode normalisation"
                    )
                hashes[path] = digest
        hashes = dict(sorted(hashes.items()))
        staged: writer.Staged | None = None
        differences: list[writer.Difference] = []
        if self.plan.staging is not None:
            own = self.stage(name, files)
            staged = writer.staged(self.folders[name], [*(p.staged for p in parts), own], hashes)
        elif self.plan.compare:
            differences = [d for p in parts for d in p.differences]
            differences += writer.compare_files(name, files.files, self.plan.out_dir)
            differences += writer.compare_extra(name, hashes, self.plan.out_dir)
            differences.sort(key=lambda d: d.path)
        pack_files = (*files.pack_files, *(f for p in parts for f in p.pack_files))
        return Built(
            name,
            hashes,
            {k: v for p in parts for k, v in p.by_item.items()},
            tuple(n for p in parts for n in p.notes),
            tuple(pack_report.notes),
            tuple(sorted(pack_files, key=lambda f: f.path)),
            staged,
            tuple(differences),
        )
