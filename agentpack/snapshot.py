"""The snapshot an export leaves for the next one: what it read, what it wrote, and how
to tell whether either changed since.

Kept in the user's cache folder, one file per pack and output folder: per item, the stamp
and digest of each file it was read from, its findings and notes, and the path, sha256 and
stamp of each file it rendered per target; the findings about no one item; and the stamp
and sha256 of every other file written. ``agentpack.incremental`` decides from it what a
re-export must redo.

When a file's stamp may be trusted: ``agentpack.stamps``. How the snapshot is kept on
disk: ``agentpack.snapfile``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentpack import writer
from agentpack._version import __version__
from agentpack.errors import Finding, Severity
from agentpack.load import Brief, Loaded
from agentpack.model import Command, Item, Kind
from agentpack.outputs import OutFile
from agentpack.snapfile import Outputs, Snapshot, racy_rows, racy_sources, save
from agentpack.source import FileState
from agentpack.stamps import digest_of, stamp_of, walk
from agentpack.targets import Registry
from agentpack.targets.base import Change, Note, note_finding

if TYPE_CHECKING:  # a re-export, which never builds the whole pack, skips importing it
    from agentpack.build import Built

FINE_MARGIN_NS = 100_000_000
COARSE_MARGIN_NS = 2_000_000_000
"""How long before a snapshot a stamp must date from to be trusted: file systems that keep
whole seconds only (FAT keeps two) need the larger margin."""
KIND_LETTERS = {Kind.AGENT: "a", Kind.COMMAND: "c", Kind.SKILL: "s"}
KINDS = {letter: kind for kind, letter in KIND_LETTERS.items()}


def finding_row(f: Finding) -> list[Any]:
    return [f.path, f.line, f.col, f.severity.value, f.field, f.message]


def finding_of(v: Sequence[Any]) -> Finding:
    return Finding(v[0], v[1], v[2], Severity(v[3]), v[4], v[5])


def note_row(n: Note) -> list[Any]:
    return [n.source.path, n.source.line, n.target, n.item, n.field, n.change.value, n.message]


_CHANGES = {change.value: change for change in Change}


def note_finding_of(v: Sequence[Any]) -> Finding:
    """What ``Note.finding()`` gives for the note stored as ``v`` (``note_row``)."""
    return note_finding(v[0], v[1], v[2], v[4], _CHANGES[v[5]], v[6])


# -- for which export ----------------------------------------------------------------------


def _code() -> list[str]:
    """agentpack's own files: an editable install changes them without a new version."""
    package = Path(__file__).resolve().parent
    out = []
    for folder in (package, package / "targets", package / "_data" / "schemas"):
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if entry.is_file():
                    st = entry.stat()
                    out.append(f"{folder.name}/{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    from agentpack import schema

    for kind in schema.KINDS:
        st = schema.schema_path(kind).stat()
        out.append(f"{kind}:{st.st_size}:{st.st_mtime_ns}")
    return sorted(out)


def key(
    root: Path, out_dir: Path, names: Sequence[str], registry: Registry, *, chosen: bool
) -> str:
    """What, besides the pack's own files, an export's output depends on. ``chosen``: the
    targets were named with --tool; a plain export must build the manifest's targets, so
    it never reuses a snapshot of an export that chose its own."""
    specs = [(n, registry.specs.get(n, "")) for n in names]
    text = json.dumps([__version__, _code(), str(root), str(out_dir), list(names), specs, chosen])
    return hashlib.sha256(text.encode()).hexdigest()


# -- a snapshot of a full export ----------------------------------------------------------


def _kept(previous: Mapping[str, object] | None, names: Sequence[str]) -> dict[str, Any]:
    """What a manifest holds for targets other than ``names`` (an export keeps it)."""
    files = previous.get("files") if previous else None
    packs = previous.get("pack_files") if previous else None
    return {
        "files": {
            k: v
            for k, v in (files.items() if isinstance(files, dict) else ())
            if k.split("/", 1)[0] not in names
        },
        "pack_files": {
            t: v
            for t, v in (packs.items() if isinstance(packs, dict) else ())
            if t not in names and isinstance(v, dict)
        },
    }


def capture(
    path: Path,
    *,
    key: str,
    started: int,
    listed: str,
    root: Path,
    briefs: Sequence[Brief],
    shared: Sequence[Finding],
    inputs: Mapping[str, FileState],
    built: Sequence[Built],
    pack_files: Mapping[str, tuple[str, OutFile]],
    written: writer.Written,
    previous: Mapping[str, object] | None,
) -> None:
    """Save the snapshot of a full export that just wrote these files."""
    out_dir = written.out_dir
    if any(b.by_item is None for b in built):
        return  # a target that renders the pack whole: every export is a full one
    names = [b.target for b in built]
    infos = [x.info for x in briefs]
    if any(info is None for info in infos):
        return
    sources = [x.source for x in briefs]
    # columns built whole (not item by item): this runs after every full export
    main = [dict(x.files).get(x.source) for x in briefs]
    snap = Snapshot(
        key=key,
        targets=names,
        started=started,
        finished=0,
        margin=0,
        listing=listed,
        inputs={rel: [state.stamp, state.digest] for rel, state in inputs.items()},
        kinds="".join(KIND_LETTERS[x.kind] for x in briefs),
        sources=sources,
        names=[info.name for info in infos if info],
        descriptions=[info.description for info in infos if info],
        stamps=[state.stamp if state else "" for state in main],
        digests=[state.digest if state else "" for state in main],
        own_targets={
            str(i): list(x.targets) for i, x in enumerate(briefs) if x.targets is not None
        },
        agents={str(i): x.agent for i, x in enumerate(briefs) if x.agent is not None},
        more_files={
            str(i): [[rel, st.stamp, st.digest] for rel, st in x.files if rel != x.source]
            for i, x in enumerate(briefs)
            if len(x.files) > 1
        },
        findings={
            str(i): [finding_row(f) for f in x.findings] for i, x in enumerate(briefs) if x.findings
        },
        notes={},
        pack_notes={},
        outputs={},
        shared=[finding_row(f) for f in shared],
        files={},
        others=_kept(previous, names),
    )
    stamps = dict(written.stamps) if written.stamps is not None else walk(out_dir, names)
    index = {source: i for i, source in enumerate(sources)}
    for b in built:
        outs = snap.outputs[b.target] = Outputs()
        by_item = b.by_item or {}
        for i, source in enumerate(sources):
            for file in by_item.get(source, ()):
                outs.item.append(i)
                outs.path.append(file)
                outs.sha.append(b.hashes[file])
                outs.stamp.append(stamps.pop(f"{b.target}/{file}", ""))
        snap.pack_notes[b.target] = [note_row(n) for n in b.pack_notes]
        for note in b.notes:
            if note.source.path in index:
                snap.notes.setdefault(str(index[note.source.path]), []).append(note_row(note))
    hashes = {f"{b.target}/{p}": h for b in built for p, h in b.hashes.items()}
    for rel, stamp in stamps.items():  # files of no one item
        snap.files[rel] = [stamp, hashes.get(rel, "")]
    for file, (owner, out) in pack_files.items():
        stamp = stamp_of(os.path.join(root, file), follow=False) or ""
        snap.files[f"pack:{file}"] = [stamp, writer.sha256(out.data), owner]
    manifest = os.path.join(out_dir, writer.MANIFEST)
    written_manifest = [stamp_of(manifest, follow=False) or "", digest_of(manifest) or ""]
    snap.files[writer.MANIFEST] = written_manifest
    mtimes = [s.split(":")[1] for o in snap.outputs.values() for s in o.stamp[:1000] if s]
    fine = any(int(m) % 1_000_000_000 for m in mtimes)
    snap.margin = FINE_MARGIN_NS if fine else COARSE_MARGIN_NS
    snap.finished = time.time_ns()
    snap.racy = racy_rows(snap)
    snap.racy_sources = racy_sources(snap)
    save(path, snap)


def put_item(snap: Snapshot, i: int, loaded: Loaded, item: Item) -> None:
    """Replace what item ``i`` was read as with what it reads as now. Its kind, source and
    name cannot have changed (a re-export that meets such a change takes the full path)."""
    files = dict(loaded.files)
    main = files.pop(loaded.source, None)
    snap.descriptions[i] = item.description
    snap.stamps[i] = main.stamp if main else ""
    snap.digests[i] = main.digest if main else ""
    index = str(i)
    _sparse(snap.own_targets, index, list(item.targets) if item.targets is not None else None)
    _sparse(snap.agents, index, item.agent if isinstance(item, Command) else None)
    more = [[rel, s.stamp, s.digest] for rel, s in files.items()]
    _sparse(snap.more_files, index, more or None)
    _sparse(snap.findings, index, [finding_row(f) for f in loaded.findings] or None)


def set_notes(snap: Snapshot, i: int, target: str, notes: Iterable[Note]) -> None:
    index = str(i)
    kept = [n for n in snap.notes.get(index, []) if n[2] != target]
    _sparse(snap.notes, index, kept + [note_row(n) for n in notes] or None)


def _sparse(table: dict[str, Any], index: str, value: Any) -> None:
    if value is None:
        table.pop(index, None)
    else:
        table[index] = value
