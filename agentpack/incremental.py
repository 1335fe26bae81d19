"""A re-export that loads and renders only the items whose files changed.

The last full export left a snapshot (``agentpack.snapshot``). The next export of the same
pack into the same folder trusts the items whose files did not change and renders only
the others (and the commands that name a changed agent), plus each target's pack-level
files, which need only the summaries the snapshot keeps (``ItemInfo``).

Whatever it cannot vouch for sends the export down the full path, which then writes a new
snapshot: another agentpack (version or code), other targets or output folder, a changed
manifest or file it names, a file added or removed, a generated file changed by hand, a
target that cannot render item by item, an error in a changed file, an item whose output
paths moved, or so many changes that the full path is as quick. So the output is byte for
byte what a full export writes (tested after random edits); the cache only saves time.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentpack import lifetime, writer
from agentpack.errors import Finding, OutputError
from agentpack.load import Loaded, load_items
from agentpack.model import Agent, Command, Item, ItemInfo, Kind, Manifest, Pack, Skill, SourceRef
from agentpack.outputs import OutFile
from agentpack.snapfile import (
    Scanning,
    Snapshot,
    check_folders,
    racy_rows,
    racy_sources,
    read,
    save,
)
from agentpack.snapshot import (
    KINDS,
    finding_of,
    key,
    note_finding_of,
    note_row,
    put_item,
    set_notes,
)
from agentpack.stamps import changed_rows, same_content, stamp_of, trusted
from agentpack.targets import Registry
from agentpack.targets.base import Context, Incremental, Note, Report

# -- the re-export ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a re-export did, in the terms of a full export."""

    names: tuple[str, ...]
    findings: tuple[Finding, ...]
    """Validation findings and target notes; the caller adds the version check."""
    written: tuple[str, ...]
    planned: tuple[str, ...]
    version: str
    """The pack's version (unchanged since the last export, like the whole manifest)."""
    claude_changed: bool | None
    """Whether any ``claude/...`` file changed (None: no claude target)."""
    reused: int
    """Items taken from the snapshot as they were, neither loaded nor rendered."""


class _Stale(Exception):
    """The snapshot cannot vouch for this export: take the full path."""


def reexport(
    path: Path,
    scan: Scanning,
    *,
    started: int,
    root: Path,
    out_dir: Path,
    tools: Sequence[str],
    registry: Registry,
    context: Context,
) -> Outcome | None:
    """Export with the snapshot at ``path`` and the output folder as ``scan`` finds it
    (``snapfile.scan``, begun at ``started``); None when only a full export
    will do."""
    snap = read(path)
    if snap is None:
        return None
    run = _Run(snap, root, out_dir, registry, context, started, scan)
    try:
        outcome = run.run(tools, path)
    except _Stale:
        return None  # the snapshot is freed: the full export that follows needs the memory
    lifetime.keep(run)  # freeing the snapshot now would come after the last file written
    return outcome


@dataclass(slots=True)
class _Run:
    """One re-export's state, from the snapshot's check to the new snapshot."""

    snap: Snapshot
    root: Path
    out_dir: Path
    registry: Registry
    context: Context
    started: int
    scan: Scanning
    stamped: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Rewritten item files -> (target, row in its outputs), to stamp after writing."""
    infos: list[tuple[ItemInfo, list[str] | None]] | None = None
    """Every item's summary and own targets, built once for all targets."""
    restamped: dict[str, set[int]] = field(default_factory=dict)
    """Rows of each target's outputs stamped anew by this export."""
    hashes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Files whose sha256 changed -> (before, after), to patch ``manifest.json`` with."""
    checked: set[int] = field(default_factory=set)
    """Items whose source was checked (its stamp may be new): the only ones that can be
    too recent to trust next time."""
    made: dict[tuple[Any, ...], Finding] = field(default_factory=dict)
    """Each stored finding or note row, built as the Finding it is shown as."""
    shown: tuple[tuple[Any, ...], tuple[Finding, ...]] | None = None
    """The tables findings come from as ``_prepare`` saw them, and the findings."""
    planned: tuple[str, ...] = ()
    """Every file the export owns (a re-export that goes on moves none)."""
    manifest_text: bytes | None = None
    """``manifest.json`` as the last export left it (None: changed since, or unreadable)."""

    def run(self, tools: Sequence[str], path: Path) -> Outcome:
        snap = self.snap
        names = list(dict.fromkeys(tools)) or list(snap.targets)
        if names != snap.targets:
            raise _Stale
        targets: dict[str, Incremental] = {}
        for name in names:
            found = self.registry.get(name)
            if not isinstance(found, Incremental):
                raise _Stale
            targets[name] = found
        if key(self.root, self.out_dir, names, self.registry, chosen=bool(tools)) != snap.key:
            raise _Stale
        self._prepare()
        self._check_output()  # the scan's first part, while it finds the second
        if self.scan.pack.result().listing != snap.listing:
            raise _Stale  # a file added, removed or renamed in the pack
        changed = self._changed_sources()
        redo = self._affected(changed)
        if len(redo) > max(50, len(snap.sources) // 4):
            raise _Stale  # so many changes that the full path is as quick
        manifest, loaded = self._load(redo)
        rows = snap.record_outputs(redo)
        summaries = self._summaries(redo)
        for i in redo:
            fresh = loaded[snap.sources[i]]
            assert fresh.item is not None  # _load_some refuses items with errors
            put_item(snap, i, fresh, fresh.item)
        # the pack-level files know the items only by their summaries: same summaries,
        # same files and notes
        same = summaries == self._summaries(redo)
        data: dict[str, bytes] = {}
        for name, incremental in targets.items():
            self._render_items(name, incremental, manifest, redo, loaded, rows[name], data)
            if not same:
                self._render_pack(name, incremental, manifest, data)
        written = self._write(manifest, data)
        back = self.started < snap.started  # the clock went back since the last export
        snap.started, snap.finished = self.started, time.time_ns()
        # a row not stamped anew dates from before the last export's margin, so from
        # before this one's too: only these can be too recent to trust
        snap.racy = racy_rows(snap, self.restamped)
        snap.racy_sources = racy_sources(snap, None if back else self.checked.union(redo))
        save(path, snap)
        return Outcome(
            tuple(names),
            self._findings(),
            tuple(written),
            self.planned,
            manifest.version,
            any(rel.startswith("claude/") for rel in self.hashes) if "claude" in names else None,
            len(snap.sources) - len(loaded),
        )

    def _prepare(self) -> None:
        """What needs only the snapshot, done while the second process scans the folders
        (the first would otherwise wait for it): a re-export of 10,000 agents spends
        about 20 ms here that it no longer spends after the scan."""
        snap = self.snap
        self._findings()  # builds every row's Finding; the last call builds only new rows
        self.planned = self._planned()
        with contextlib.suppress(OSError):
            text = (self.out_dir / writer.MANIFEST).read_bytes()
            if writer.sha256(text) == snap.files[writer.MANIFEST][1]:
                self.manifest_text = text

    # -- what changed --------------------------------------------------------------------

    def _changed_sources(self) -> list[int]:
        """Items whose files changed; every input must be as it was. Stamps that moved
        while the content stayed (a touched file) are brought up to date."""
        snap, root = self.snap, os.fspath(self.root) + os.sep
        threshold = snap.started - snap.margin
        for rel, entry in snap.inputs.items():
            now = trusted(root + rel, entry[0], entry[1], threshold)
            if now is None:
                raise _Stale
            entry[0] = now
        found = self.scan.pack.result().sources.as_dict()
        # a source the scan did not reach (in a linked skill folder, say) is stat'ed here
        current = [found.get(rel) or stamp_of(root + rel) for rel in snap.sources]
        suspects = set(changed_rows(current, snap.stamps))
        # an unchanged stamp records the mtime the file has now: too recent to trust?
        suspects.update(snap.racy_sources)
        self.checked = suspects
        changed = set()
        for i in suspects:
            stamp = current[i]
            size = int(stamp.split(":", 1)[0]) if stamp else -1
            if stamp is None or not same_content(
                root + snap.sources[i], snap.stamps[i], snap.digests[i], size
            ):
                changed.add(i)
            else:
                snap.stamps[i] = stamp
        for index, more_files in snap.more_files.items():
            i = int(index)
            for more in more_files if i not in changed else ():
                again = trusted(root + more[0], more[1], more[2], threshold)
                if again is None:
                    changed.add(i)
                    break
                more[1] = again
        return sorted(changed)

    def _summaries(self, indexes: Sequence[int]) -> list[tuple[str, list[str] | None]]:
        """What ``ItemInfo`` and the target filter say of these items, besides their kind,
        name and source (which a re-export never sees change)."""
        snap = self.snap
        return [(snap.descriptions[i], snap.own_targets.get(str(i))) for i in indexes]

    def _affected(self, changed: Sequence[int]) -> list[int]:
        """The changed items, and the commands that name a changed agent."""
        snap = self.snap
        agents = {snap.names[i] for i in changed if snap.kinds[i] == "a"}
        named = {int(i) for i, agent in snap.agents.items() if agent in agents}
        return sorted(set(changed) | named)

    def _check_output(self) -> None:
        """The output folder holds exactly what the last export left there."""
        snap = self.snap
        threshold = snap.finished - snap.margin
        out = os.fspath(self.out_dir) + os.sep
        found = {name: folder.as_dict() for name, folder in self.scan.outputs.result().items()}
        check = check_folders(snap, found)
        count = check.files
        for target, row, stamp in check.suspects:
            outs = snap.outputs[target]
            if stamp is None:
                raise _Stale
            where = f"{out}{target}/{outs.path[row]}"
            size = int(stamp.split(":", 1)[0])
            if not same_content(where, outs.stamp[row], outs.sha[row], size):
                raise _Stale
            outs.stamp[row] = stamp
            self.restamped.setdefault(target, set()).add(row)
        count -= sum(len(outs.path) for outs in snap.outputs.values())
        for rel, entry in snap.files.items():
            if rel.startswith("pack:"):
                where = os.path.join(self.root, rel[5:])
            else:
                where = out + rel
                count -= rel != writer.MANIFEST
            stamp = trusted(where, entry[0], entry[1], threshold, follow=False)
            if stamp is None:
                raise _Stale
            entry[0] = stamp
        if count:
            raise _Stale  # a file the last export did not write

    def _load(self, redo: Sequence[int]) -> tuple[Manifest, dict[str, Loaded]]:
        """Load the items to render again, then the agents their commands name now."""
        manifest, loaded = self._load_some(redo)
        named = {x.item.agent for x in loaded.values() if isinstance(x.item, Command)}
        if not named:
            return manifest, loaded
        agents = {self.snap.names[i]: i for i, k in enumerate(self.snap.kinds) if k == "a"}
        more = sorted(agents[n] for n in named if n in agents)
        _, extra = self._load_some([i for i in more if self.snap.sources[i] not in loaded])
        return manifest, {**loaded, **extra}

    def _load_some(self, indexes: Sequence[int]) -> tuple[Manifest, dict[str, Loaded]]:
        snap = self.snap
        sources = []
        for i in indexes:
            kind, rel = KINDS[snap.kinds[i]], snap.sources[i]
            sources.append((kind, self.root / (Path(rel).parent if kind is Kind.SKILL else rel)))
        # the manifest is the one the snapshot's export checked (its digest says so)
        manifest, loaded = load_items(
            self.root, self.registry.known(), sources, trusted_manifest=True
        )
        if manifest is None:
            raise _Stale
        for i, item in zip(indexes, loaded, strict=True):
            if item.item is None or any(f.is_error for f in item.findings):
                raise _Stale  # the full path reports every error of the pack at once
            if item.item.name != snap.names[i] or item.source != snap.sources[i]:
                raise _Stale
        return manifest, {x.source: x for x in loaded}

    # -- rendering -----------------------------------------------------------------------

    def _render_items(
        self,
        name: str,
        target: Incremental,
        manifest: Manifest,
        redo: Sequence[int],
        loaded: Mapping[str, Loaded],
        rows: Mapping[int, list[int]],
        data: dict[str, bytes],
    ) -> None:
        snap = self.snap
        outs = snap.outputs[name]
        every = _pack(manifest, self.root, [x.item for x in loaded.values() if x.item])
        items = [loaded[snap.sources[i]].item for i in redo]
        wanted = _pack(manifest, self.root, [i for i in items if i]).for_target(name).items()
        report = Report()
        files: dict[str, list[OutFile]] = {}
        for out in target.render_items(every.for_target(name), wanted, report, self.context):
            files.setdefault(out.source or "", []).append(out)
        notes: dict[str, list[Note]] = {}
        for note in report.notes:
            notes.setdefault(note.source.path, []).append(note)
        for i in redo:
            source = snap.sources[i]
            new = files.get(source, [])
            row_of = {outs.path[r]: r for r in rows[i]}
            if sorted(o.path for o in new) != sorted(row_of):
                raise _Stale  # its files moved: the full path checks for collisions
            for out in new:
                row = row_of[out.path]
                digest = writer.sha256(out.data)
                if digest != outs.sha[row]:
                    rel = f"{name}/{out.path}"
                    data[rel] = out.data
                    self.hashes[rel] = (outs.sha[row], digest)
                    outs.sha[row] = digest
                    self.stamped[rel] = (name, row)
            set_notes(snap, i, name, notes.get(source, ()))

    def _render_pack(
        self, name: str, target: Incremental, manifest: Manifest, data: dict[str, bytes]
    ) -> None:
        """The target's files of no one item, from every item's summary."""
        snap = self.snap
        if self.infos is None:
            self.infos = [
                (
                    ItemInfo(KINDS[k], snap.names[i], snap.descriptions[i], SourceRef(source)),
                    snap.own_targets.get(str(i)),
                )
                for i, (k, source) in enumerate(zip(snap.kinds, snap.sources, strict=True))
            ]
        built = name in manifest.targets
        infos = [i for i, own in self.infos if (name in own if own is not None else built)]
        report = Report()
        before = {k for k, v in snap.files.items() if k.startswith(f"{name}/") or v[2:] == [name]}
        after = set()
        for out in target.render_pack(manifest, infos, report, self.context):
            rel = f"pack:{out.path}" if out.area == "pack" else f"{name}/{out.path}"
            after.add(rel)
            entry = snap.files.get(rel)
            if entry is None:
                raise _Stale  # a file the last export did not write
            digest = writer.sha256(out.data)
            if digest != entry[1]:
                data[rel] = out.data
                self.hashes[rel] = (entry[1], digest)
                entry[1] = digest
        if after != before:
            raise _Stale
        snap.pack_notes[name] = [note_row(n) for n in report.notes]

    # -- writing -------------------------------------------------------------------------

    def _write(self, manifest: Manifest, data: Mapping[str, bytes]) -> list[str]:
        """Write what changed (staged, then renamed in) and the manifest; stamp it all."""
        text = self._manifest(manifest)
        dist = {rel: blob for rel, blob in data.items() if not rel.startswith("pack:")}
        pack = {rel: blob for rel, blob in data.items() if rel.startswith("pack:")}
        try:
            written = writer.update(self.out_dir, dist, [])
            for rel, blob in sorted(pack.items()):
                writer.replace_file(self.root / rel[5:], blob)
                written.append(rel[5:])
            digest = writer.sha256(text)
            if digest != self.snap.files[writer.MANIFEST][1]:
                writer.replace_file(self.out_dir / writer.MANIFEST, text)
        except OSError as exc:
            raise OutputError(f"writing {self.out_dir} failed: {exc}") from exc
        self._restamp(dist, pack, digest)
        return written

    def _manifest(self, manifest: Manifest) -> bytes:
        """The manifest the last export wrote with the changed hashes, or (when that
        cannot be done surely) written whole from the snapshot."""
        snap = self.snap
        if self.manifest_text is not None:
            pack = {k[5:]: v for k, v in self.hashes.items() if k.startswith("pack:")}
            dist = {k: v for k, v in self.hashes.items() if not k.startswith("pack:")}
            patched = writer.patch_manifest(self.manifest_text, dist, pack)
            if patched is not None:
                return patched
        files: dict[str, str] = {}
        for target, outs in snap.outputs.items():
            files.update((f"{target}/{p}", h) for p, h in zip(outs.path, outs.sha, strict=True))
        owners: dict[str, dict[str, str]] = {}
        for rel, entry in snap.files.items():
            if rel.startswith("pack:"):
                owners.setdefault(entry[2], {})[rel[5:]] = entry[1]
            elif rel != writer.MANIFEST:
                files[rel] = entry[1]
        meta = writer.export_meta(manifest)
        return writer.manifest_text(meta, snap.targets, files, owners, snap.others)

    def _restamp(self, dist: Iterable[str], pack: Iterable[str], manifest: str) -> None:
        """Record the stamps of the files just written (``manifest``: its sha256)."""
        snap, out = self.snap, os.fspath(self.out_dir)
        for rel in dist:
            stamp = stamp_of(os.path.join(out, rel), follow=False) or ""
            if rel in self.stamped:
                target, row = self.stamped[rel]
                snap.outputs[target].stamp[row] = stamp
                self.restamped.setdefault(target, set()).add(row)
            else:
                snap.files[rel][0] = stamp
        for rel in pack:
            snap.files[rel][0] = stamp_of(os.path.join(self.root, rel[5:]), follow=False) or ""
        where = os.path.join(out, writer.MANIFEST)
        snap.files[writer.MANIFEST][:2] = [stamp_of(where, follow=False) or "", manifest]

    # -- reporting -----------------------------------------------------------------------

    def _findings(self) -> tuple[Finding, ...]:
        """In the order a full export gives them: load findings, then target notes. Sorted
        as tuples, which order like the dataclasses and compare in C, then built, each
        row once (``made``); the same as ``_prepare`` found when the items that changed
        kept their findings (mostly: an edit to a body changes none)."""
        snap, made = self.snap, self.made
        # shallow copies: a changed item gets new lists, which compare by value
        tables = (list(snap.shared), dict(snap.findings), dict(snap.notes), dict(snap.pack_notes))
        if self.shown is not None and self.shown[0] == tables:
            return self.shown[1]
        found = {tuple(f) for f in snap.shared}
        found.update(tuple(f) for fs in snap.findings.values() for f in fs)
        notes = {tuple(n) for ns in snap.notes.values() for n in ns}
        notes.update(tuple(n) for ns in snap.pack_notes.values() for n in ns)
        out = []
        for row in sorted(found):
            if (finding := made.get(row)) is None:
                finding = made[row] = finding_of(row)
            out.append(finding)
        for row in sorted(notes):
            if (finding := made.get(row)) is None:
                finding = made[row] = note_finding_of(row)
            out.append(finding)
        self.shown = (tables, tuple(out))
        return self.shown[1]

    def _planned(self) -> tuple[str, ...]:
        snap = self.snap
        planned = []
        for target in snap.targets:
            paths = list(snap.outputs[target].path)
            paths += [k.split("/", 1)[1] for k in snap.files if k.startswith(f"{target}/")]
            planned += [f"{target}/{p}" for p in sorted(paths)]
        return tuple(planned)


def _pack(manifest: Manifest, root: Path, items: Sequence[Item]) -> Pack:
    """A pack of some items, in the order given."""
    return Pack(
        manifest,
        root,
        tuple(i for i in items if isinstance(i, Agent)),
        tuple(i for i in items if isinstance(i, Command)),
        tuple(i for i in items if isinstance(i, Skill)),
    )
