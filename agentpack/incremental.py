"""A re-export that loads and renders only the items whose files changed.

A full export leaves a snapshot in the user's cache folder: per item, the stat stamp and
digest of each file it was read from, its findings and notes, and the path, sha256 and
stamp of each file it rendered per target; the findings about no one item; and the stamp
and sha256 of every other file written. The next export of the same pack into the same
folder trusts the items whose files did not change and renders only the others (and the
commands that name a changed agent), plus each target's pack-level files, which need only
the summaries the snapshot keeps (``ItemInfo``).

Whatever it cannot vouch for sends the export down the full path, which then writes a new
snapshot: another agentpack (version or code), other targets or output folder, a changed
manifest or file it names, a file added or removed, a generated file changed by hand, a
target that cannot render item by item, an error in a changed file, an item whose output
paths moved, or so many changes that the full path is as quick. So the output is byte for
byte what a full export writes (tested after random edits); the cache only saves time.

A stamp (size, mtime, ctime, inode) is trusted only when it dates from well before the
snapshot was taken, the rule git uses against "racily clean" files; otherwise, and whenever
a stamp differs, the file is read and its digest decides.

The snapshot is JSON kept in columns (one list per field, one entry per item or file):
parsing 12,000 records as objects took a quarter of a second, flat lists of strings a
small part of that.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from agentpack import writer
from agentpack._version import __version__
from agentpack.build import Built
from agentpack.errors import Finding, OutputError, Severity
from agentpack.load import Loaded, Result, load_items
from agentpack.model import Agent, Command, Item, ItemInfo, Kind, Manifest, Pack, Skill, SourceRef
from agentpack.outputs import OutFile
from agentpack.source import stamp_text
from agentpack.targets import Registry
from agentpack.targets.base import Change, Context, Incremental, Note, Report

FORMAT = 3
ENV_DIR = "AGENTPACK_CACHE_DIR"
ENV_OFF = "AGENTPACK_CACHE"
"""``AGENTPACK_CACHE=0`` turns the cache off (so does ``export --no-cache``)."""
FINE_MARGIN_NS = 100_000_000
COARSE_MARGIN_NS = 2_000_000_000
"""How long before a snapshot a stamp must date from to be trusted: file systems that keep
whole seconds only (FAT keeps two) need the larger margin."""
FOLDERS = ("agents", "commands", "skills")
KIND_LETTERS = {Kind.AGENT: "a", Kind.COMMAND: "c", Kind.SKILL: "s"}
_COLUMNS = ("sources", "names", "descriptions", "stamps", "digests")
_US, _RS = "\x1f", "\x1e"
KINDS = {letter: kind for kind, letter in KIND_LETTERS.items()}


# -- the snapshot -------------------------------------------------------------------------


@dataclass(slots=True)
class Outputs:
    """One target's item files, in columns: which item, path, sha256, stamp."""

    item: list[int] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    sha: list[str] = field(default_factory=list)
    stamp: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Snapshot:
    """What an export left, for the next export into the same folder.

    Per item ``i``: ``kinds[i]`` (a letter), ``sources[i]``, ``names[i]``, ...; sparse
    fields are dicts keyed by ``str(i)``. Stamps are ``size:mtime_ns:ctime_ns:inode``."""

    key: str
    targets: list[str]
    started: int
    """When the export that took it began (before any file was read)."""
    finished: int
    """When it ended (after every written file was stat'ed)."""
    margin: int
    listing: str
    """sha256 of every entry the loader looks at."""
    inputs: dict[str, list[str]]
    """The manifest and the files it names: path -> [stamp, digest]."""
    kinds: str
    sources: list[str]
    names: list[str]
    descriptions: list[str]
    stamps: list[str]
    digests: list[str]
    own_targets: dict[str, list[str]]
    agents: dict[str, str]
    """The agent a command names (its files depend on that agent's mode)."""
    more_files: dict[str, list[list[str]]]
    """Files an item reads besides its source (skill resources): [path, stamp, digest]."""
    findings: dict[str, list[list[Any]]]
    notes: dict[str, list[list[Any]]]
    outputs: dict[str, Outputs]
    shared: list[list[Any]]
    """Findings about no one item."""
    files: dict[str, list[str]]
    """The other files written -> [stamp, sha256]: pack-level files as ``<target>/<path>``,
    ``manifest.json``, and files in the pack root as ``pack:<path>`` (-> [stamp, sha256,
    the target that writes it])."""
    others: dict[str, Any]
    """What ``manifest.json`` keeps for targets this export does not build."""

    def dump(self) -> str:
        """A JSON header, then each big column as its entries joined by US (0x1F), the
        sections joined by RS (0x1E): no path, name, description, stamp or hash can hold
        either (the loader refuses control characters), and splitting is far cheaper than
        parsing JSON of the same size."""
        header: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in _COLUMNS
        }
        header["outputs"] = {t: len(o.path) for t, o in self.outputs.items()}
        header["items"] = len(self.sources)
        header["format"] = FORMAT
        sections = [json.dumps(header, ensure_ascii=False, separators=(",", ":"))]
        sections += [_US.join(getattr(self, name)) for name in _COLUMNS]
        for outs in self.outputs.values():
            sections.append(_US.join(map(str, outs.item)))
            sections += [_US.join(outs.path), _US.join(outs.sha), _US.join(outs.stamp)]
        if any(_RS in section for section in sections):
            raise ValueError("a separator inside a value")  # the loader makes this impossible
        return _RS.join(sections)

    @staticmethod
    def load(text: str) -> Snapshot:
        sections = text.split(_RS)
        header = json.loads(sections[0])
        if header.pop("format", None) != FORMAT:
            raise ValueError("a snapshot of another format")
        count = header.pop("items")

        def column(at: int, size: int) -> list[str]:
            values = sections[at].split(_US) if size else []
            if len(values) != size:
                raise ValueError("a damaged snapshot")
            return values

        for at, name in enumerate(_COLUMNS, 1):
            header[name] = column(at, count)
        outputs, at = {}, len(_COLUMNS) + 1
        for target, size in header["outputs"].items():
            item, path, sha, stamp = (column(at + k, size) for k in range(4))
            outputs[target] = Outputs(list(map(int, item)), path, sha, stamp)
            at += 4
        header["outputs"] = outputs
        return Snapshot(**header)

    def record_outputs(self, wanted: Iterable[int]) -> dict[str, dict[int, list[int]]]:
        """Per target, the rows of ``outputs`` that belong to each of ``wanted``."""
        keep = set(wanted)
        found: dict[str, dict[int, list[int]]] = {}
        for target, outs in self.outputs.items():
            rows: dict[int, list[int]] = {i: [] for i in keep}
            for row, item in enumerate(outs.item):
                if item in keep:
                    rows[item].append(row)
            found[target] = rows
        return found


def read(path: Path) -> Snapshot | None:
    try:
        return Snapshot.load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(path: Path, snap: Snapshot) -> None:
    """Best effort: a snapshot that cannot be written only costs the next export time."""
    with contextlib.suppress(OSError, ValueError):
        text = snap.dump()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".snapshot-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)


def _finding(f: Finding) -> list[Any]:
    return [f.path, f.line, f.col, f.severity.value, f.field, f.message]


def _unfinding(v: list[Any]) -> Finding:
    return Finding(v[0], v[1], v[2], Severity(v[3]), v[4], v[5])


def _note(n: Note) -> list[Any]:
    return [n.source.path, n.source.line, n.target, n.item, n.field, n.change.value, n.message]


def _unnote(v: list[Any]) -> Note:
    return Note(SourceRef(v[0], v[1]), v[2], v[3], v[4], Change(v[5]), v[6])


# -- where, and for which export ----------------------------------------------------------


def location(root: Path, out_dir: Path, env: Mapping[str, str] = os.environ) -> Path | None:
    """The snapshot file for exporting ``root`` into ``out_dir``; None when turned off."""
    if env.get(ENV_OFF, "").strip() == "0":
        return None
    if env.get(ENV_DIR):
        base = Path(env[ENV_DIR])
    elif env.get("XDG_CACHE_HOME"):
        base = Path(env["XDG_CACHE_HOME"]) / "agentpack"
    else:
        base = Path.home() / ".cache" / "agentpack"
    ident = hashlib.sha256(f"{root.resolve()}\0{out_dir.resolve()}".encode()).hexdigest()
    return base / f"export-{ident[:32]}.json"


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


def key(root: Path, out_dir: Path, names: Sequence[str], registry: Registry) -> str:
    """What, besides the pack's own files, an export's output depends on."""
    specs = [(n, registry.specs.get(n, "")) for n in names]
    text = json.dumps([__version__, _code(), str(root), str(out_dir), list(names), specs])
    return hashlib.sha256(text.encode()).hexdigest()


def listing(root: Path) -> str:
    """A digest of every entry the loader looks at; any change here (a file added, removed,
    renamed, made a folder or a link) sends the export down the full path."""
    out: list[str] = []
    for folder in FOLDERS:
        base = os.path.join(root, folder)
        if os.path.islink(base) or not os.path.isdir(base):
            out.append(f"{folder}:{'link' if os.path.islink(base) else 'other'}")
            continue
        pending = [(base, folder)]
        while pending:
            path, rel = pending.pop()
            with os.scandir(path) as entries:
                for entry in entries:
                    link = entry.is_symlink()
                    if entry.is_dir(follow_symlinks=False):
                        out.append(f"{rel}/{entry.name}/")
                        if folder == "skills":
                            pending.append((entry.path, f"{rel}/{entry.name}"))
                    else:
                        out.append(f"{rel}/{entry.name}{'@' if link else ''}")
    out.sort()
    return hashlib.sha256("\n".join(out).encode("utf-8", "surrogateescape")).hexdigest()


# -- files against their records ----------------------------------------------------------


def _stamp(path: str, *, follow: bool = True) -> str | None:
    try:
        return stamp_text(os.stat(path, follow_symlinks=follow))
    except OSError:
        return None


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def _same_content(path: str, old: str, digest: str, size: int) -> bool:
    """The slow answer to "is the file as recorded?": its size, then its digest."""
    recorded = old.split(":", 1)[0]
    return recorded == str(size) and _digest(path) == digest


def _trusted(path: str, old: str, digest: str, threshold: int) -> str | None:
    """The file's stamp now if its content is as recorded, else None. An unchanged stamp
    is trusted when its mtime is older than ``threshold``; otherwise the digest decides."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    now = stamp_text(st)
    if now == old and st.st_mtime_ns < threshold:
        return now
    return now if _same_content(path, old, digest, st.st_size) else None


def _walk(out_dir: Path, names: Iterable[str]) -> dict[str, os.stat_result]:
    """Every file under the target folders, by path relative to ``out_dir``."""
    found: dict[str, os.stat_result] = {}
    base = os.fspath(out_dir)
    for name in names:
        pending = [(os.path.join(base, name), name)]
        while pending:
            path, rel = pending.pop()
            try:
                entries = list(os.scandir(path))
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{rel}/{entry.name}"))
                else:
                    with contextlib.suppress(OSError):
                        found[f"{rel}/{entry.name}"] = entry.stat(follow_symlinks=False)
    return found


# -- a snapshot of a full export ----------------------------------------------------------


@dataclass(slots=True)
class Rendered:
    """One target's output of a full export, split the way a snapshot keeps it."""

    items: dict[str, list[OutFile]] = field(default_factory=dict)
    """item source -> its files"""
    notes: dict[str, list[Note]] = field(default_factory=dict)
    """item source -> the notes about it"""

    @staticmethod
    def split(outs: Iterable[OutFile], notes: Iterable[Note]) -> Rendered:
        rendered = Rendered()
        for out in outs:
            rendered.items.setdefault(out.source or "", []).append(out)
        for note in notes:
            rendered.notes.setdefault(note.source.path, []).append(note)
        return rendered


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
    result: Result,
    built: Sequence[Built],
    pack_files: Mapping[str, tuple[str, OutFile]],
    written: writer.Written,
    previous: Mapping[str, object] | None,
) -> None:
    """Save the snapshot of a full export that just wrote these files."""
    out_dir = written.out_dir
    if any(b.by_item is None for b in built):
        return  # a target that renders the pack whole: every export is a full one
    pack = result.pack
    if pack is None or pack.root is None:
        return
    names = [b.target for b in built]
    loaded = result.loaded
    items = [x.item for x in loaded]
    if any(item is None for item in items):
        return
    sources = [x.source for x in loaded]
    # columns built whole (not item by item): this runs after every full export
    main = [dict(x.files).get(x.source) for x in loaded]
    snap = Snapshot(
        key=key,
        targets=names,
        started=started,
        finished=0,
        margin=0,
        listing=listed,
        inputs={rel: [state.stamp, state.digest] for rel, state in result.inputs.items()},
        kinds="".join(KIND_LETTERS[x.kind] for x in loaded),
        sources=sources,
        names=[item.name for item in items if item],
        descriptions=[item.description for item in items if item],
        stamps=[state.stamp if state else "" for state in main],
        digests=[state.digest if state else "" for state in main],
        own_targets={
            str(i): list(item.targets)
            for i, item in enumerate(items)
            if item and item.targets is not None
        },
        agents={
            str(i): item.agent
            for i, item in enumerate(items)
            if isinstance(item, Command) and item.agent is not None
        },
        more_files={
            str(i): [[rel, st.stamp, st.digest] for rel, st in x.files if rel != x.source]
            for i, x in enumerate(loaded)
            if len(x.files) > 1
        },
        findings={
            str(i): [_finding(f) for f in x.findings] for i, x in enumerate(loaded) if x.findings
        },
        notes={},
        outputs={},
        shared=[_finding(f) for f in result.shared],
        files={},
        others=_kept(previous, names),
    )
    if written.stamps is not None:
        stamps = dict(written.stamps)
    else:
        stamps = {rel: stamp_text(st) for rel, st in _walk(out_dir, names).items()}
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
        for note in b.notes:
            if note.source.path in index:
                snap.notes.setdefault(str(index[note.source.path]), []).append(_note(note))
    hashes = {f"{b.target}/{p}": h for b in built for p, h in b.hashes.items()}
    for rel, stamp in stamps.items():  # files of no one item
        snap.files[rel] = [stamp, hashes.get(rel, "")]
    for file, (owner, out) in pack_files.items():
        stamp = _stamp(os.path.join(pack.root, file), follow=False) or ""
        snap.files[f"pack:{file}"] = [stamp, writer.sha256(out.data), owner]
    manifest = os.path.join(out_dir, writer.MANIFEST)
    snap.files[writer.MANIFEST] = [_stamp(manifest, follow=False) or "", _digest(manifest) or ""]
    mtimes = [s.split(":")[1] for o in snap.outputs.values() for s in o.stamp[:1000] if s]
    fine = any(int(m) % 1_000_000_000 for m in mtimes)
    snap.margin = FINE_MARGIN_NS if fine else COARSE_MARGIN_NS
    snap.finished = time.time_ns()
    save(path, snap)


def _add_item(snap: Snapshot, i: int, loaded: Loaded, item: Item) -> None:
    """Append (or, for an index already there, replace) item ``i``'s columns."""
    files = dict(loaded.files)
    main = files.pop(loaded.source, None)
    values = (
        loaded.source,
        item.name,
        item.description,
        main.stamp if main else "",
        main.digest if main else "",
    )
    columns = (snap.sources, snap.names, snap.descriptions, snap.stamps, snap.digests)
    letter = KIND_LETTERS[loaded.kind]
    if i == len(snap.sources):
        snap.kinds += letter
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    else:
        for column, value in zip(columns, values, strict=True):
            column[i] = value
    index = str(i)
    _sparse(snap.own_targets, index, list(item.targets) if item.targets is not None else None)
    _sparse(snap.agents, index, item.agent if isinstance(item, Command) else None)
    more = [[rel, s.stamp, s.digest] for rel, s in files.items()]
    _sparse(snap.more_files, index, more or None)
    _sparse(snap.findings, index, [_finding(f) for f in loaded.findings] or None)


def _set_notes(snap: Snapshot, i: int, target: str, notes: Iterable[Note]) -> None:
    index = str(i)
    kept = [n for n in snap.notes.get(index, []) if n[2] != target]
    _sparse(snap.notes, index, kept + [_note(n) for n in notes] or None)


def _sparse(table: dict[str, Any], index: str, value: Any) -> None:
    if value is None:
        table.pop(index, None)
    else:
        table[index] = value


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
    claude_before: Mapping[str, str] | None
    claude_after: Mapping[str, str] | None
    """sha256 of each ``claude/...`` file before and after (None: no claude target)."""
    reused: int
    """Items taken from the snapshot as they were, neither loaded nor rendered."""


class _Stale(Exception):
    """The snapshot cannot vouch for this export: take the full path."""


def reexport(
    path: Path,
    *,
    root: Path,
    out_dir: Path,
    tools: Sequence[str],
    registry: Registry,
    context: Context,
) -> Outcome | None:
    """Export with the snapshot at ``path``; None when only a full export will do."""
    started = time.time_ns()
    snap = read(path)
    if snap is None:
        return None
    try:
        return _Run(snap, root, out_dir, registry, context, started).run(tools, path)
    except _Stale:
        return None


@dataclass(slots=True)
class _Run:
    snap: Snapshot
    root: Path
    out_dir: Path
    registry: Registry
    context: Context
    started: int
    stamped: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Rewritten item files -> (target, row in its outputs), to stamp after writing."""
    infos: list[tuple[ItemInfo, list[str] | None]] | None = None
    """Every item's summary and own targets, built once for all targets."""

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
        if key(self.root, self.out_dir, names, self.registry) != snap.key:
            raise _Stale
        if listing(self.root) != snap.listing:
            raise _Stale
        redo = self._affected(self._changed_sources())
        if len(redo) > max(50, len(snap.sources) // 4):
            raise _Stale  # so many changes that the full path is as quick
        self._check_output()
        manifest, loaded = self._load(redo)
        before = self._claude()
        rows = snap.record_outputs(redo)
        for i in redo:
            fresh = loaded[snap.sources[i]]
            assert fresh.item is not None  # _load_some refuses items with errors
            _add_item(snap, i, fresh, fresh.item)
        data: dict[str, bytes] = {}
        notes: list[Note] = []
        for name, incremental in targets.items():
            self._render_items(name, incremental, manifest, redo, loaded, rows[name], data)
            notes += self._render_pack(name, incremental, manifest, data)
        written = self._write(manifest, data)
        snap.started, snap.finished = self.started, time.time_ns()
        save(path, snap)
        return Outcome(
            tuple(names),
            self._findings(notes),
            tuple(written),
            self._planned(),
            manifest.version,
            before,
            self._claude(),
            len(snap.sources) - len(loaded),
        )

    # -- what changed --------------------------------------------------------------------

    def _changed_sources(self) -> list[int]:
        """Items whose files changed; every input must be as it was. Stamps that moved
        while the content stayed (a touched file) are brought up to date."""
        snap, root = self.snap, os.fspath(self.root) + os.sep
        threshold = snap.started - snap.margin
        for rel, entry in snap.inputs.items():
            now = _trusted(root + rel, entry[0], entry[1], threshold)
            if now is None:
                raise _Stale
            entry[0] = now
        changed = []
        stamps, digests, more_files = snap.stamps, snap.digests, snap.more_files
        for i, rel in enumerate(snap.sources):
            path = root + rel
            try:
                st = os.stat(path)
            except OSError:
                changed.append(i)
                continue
            # inline for speed: this runs once per item
            now = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
            if now != stamps[i] or st.st_mtime_ns >= threshold:
                if not _same_content(path, stamps[i], digests[i], st.st_size):
                    changed.append(i)
                    continue
                stamps[i] = now
            for more in more_files.get(str(i), ()):
                again = _trusted(root + more[0], more[1], more[2], threshold)
                if again is None:
                    changed.append(i)
                    break
                more[1] = again
        return changed

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
        on_disk = _walk(self.out_dir, snap.targets)
        count = 0
        for target, outs in snap.outputs.items():
            prefix = f"{target}/"
            for row, (path, sha, old) in enumerate(
                zip(outs.path, outs.sha, outs.stamp, strict=True)
            ):
                st = on_disk.get(prefix + path)
                if st is None:
                    raise _Stale
                now = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
                if now != old or st.st_mtime_ns >= threshold:
                    if not _same_content(out + prefix + path, old, sha, st.st_size):
                        raise _Stale
                    outs.stamp[row] = now
            count += len(outs.path)
        for rel, entry in snap.files.items():
            if rel.startswith("pack:"):
                where = os.path.join(self.root, rel[5:])
            else:
                where = out + rel
                count += rel != writer.MANIFEST
            stamp = _trusted(where, entry[0], entry[1], threshold)
            if stamp is None:
                raise _Stale
            entry[0] = stamp
        if count != len(on_disk):
            raise _Stale  # a file the last export did not write

    def _load(self, redo: Sequence[int]) -> tuple[Manifest, dict[str, Loaded]]:
        """Load the items to render again, then the agents their commands name now."""
        manifest, loaded = self._load_some(redo)
        agents = {self.snap.names[i]: i for i, k in enumerate(self.snap.kinds) if k == "a"}
        named = {x.item.agent for x in loaded.values() if isinstance(x.item, Command)}
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
        rendered = Rendered.split(
            target.render_items(every.for_target(name), wanted, report, self.context),
            report.notes,
        )
        for i in redo:
            source = snap.sources[i]
            new = rendered.items.get(source, [])
            row_of = {outs.path[r]: r for r in rows[i]}
            if sorted(o.path for o in new) != sorted(row_of):
                raise _Stale  # its files moved: the full path checks for collisions
            for out in new:
                row = row_of[out.path]
                digest = writer.sha256(out.data)
                if digest != outs.sha[row]:
                    rel = f"{name}/{out.path}"
                    data[rel] = out.data
                    outs.sha[row] = digest
                    self.stamped[rel] = (name, row)
            _set_notes(snap, i, name, rendered.notes.get(source, ()))

    def _render_pack(
        self, name: str, target: Incremental, manifest: Manifest, data: dict[str, bytes]
    ) -> list[Note]:
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
                entry[1] = digest
        if after != before:
            raise _Stale
        return report.notes

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
            if writer.sha256(text) != self.snap.files[writer.MANIFEST][1]:
                writer.replace_file(self.out_dir / writer.MANIFEST, text)
        except OSError as exc:
            raise OutputError(f"writing {self.out_dir} failed: {exc}") from exc
        self._restamp(dist, pack, text)
        return written

    def _manifest(self, manifest: Manifest) -> bytes:
        snap = self.snap
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

    def _restamp(self, dist: Iterable[str], pack: Iterable[str], manifest: bytes) -> None:
        """Record the stamps of the files just written."""
        snap, out = self.snap, os.fspath(self.out_dir)
        for rel in dist:
            stamp = _stamp(os.path.join(out, rel), follow=False) or ""
            if rel in self.stamped:
                target, row = self.stamped[rel]
                snap.outputs[target].stamp[row] = stamp
            else:
                snap.files[rel][0] = stamp
        for rel in pack:
            snap.files[rel][0] = _stamp(os.path.join(self.root, rel[5:]), follow=False) or ""
        where = os.path.join(out, writer.MANIFEST)
        snap.files[writer.MANIFEST][:2] = [
            _stamp(where, follow=False) or "",
            writer.sha256(manifest),
        ]

    # -- reporting -----------------------------------------------------------------------

    def _claude(self) -> dict[str, str] | None:
        snap = self.snap
        if "claude" not in snap.outputs:
            return None
        outs = snap.outputs["claude"]
        found = {f"claude/{p}": h for p, h in zip(outs.path, outs.sha, strict=True)}
        found.update((k, v[1]) for k, v in snap.files.items() if k.startswith("claude/"))
        return found

    def _findings(self, pack_notes: Sequence[Note]) -> tuple[Finding, ...]:
        """In the order a full export gives them: load findings, then target notes. Sorted
        as tuples, which order like the dataclasses and compare in C, then built."""
        snap = self.snap
        found = {tuple(f) for f in snap.shared}
        found.update(tuple(f) for fs in snap.findings.values() for f in fs)
        notes = {tuple(n) for ns in snap.notes.values() for n in ns}
        notes.update(tuple(_note(n)) for n in pack_notes)
        return (
            *(_unfinding(list(f)) for f in sorted(found)),
            *(_unnote(list(n)).finding() for n in sorted(notes)),
        )

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
