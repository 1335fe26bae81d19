"""The one module that writes generated files: containment, atomic swap, check, dry run.

An export writes in two steps. ``stage`` writes one target's files under a staging folder
inside the output folder (the whole new folder, or only the changed files when the old
folder matches its manifest); it runs in the process that rendered the target, so no
target's output is held twice or sent across processes. ``commit`` then renames everything
into place and writes the pack-root files and the manifest: an export that fails before
the commit leaves the output exactly as it was. Every path is checked before anything is
written: relative, no ``..``, no backslash or drive letter, no name Windows cannot create,
nothing through a symlink.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from agentpack._version import __version__
from agentpack.errors import OutputError, UnsafePath
from agentpack.model import Manifest
from agentpack.outputs import OutFile, collision_key, path_problem
from agentpack.stamps import stamp_text

MANIFEST = "manifest.json"
"""``dist/manifest.json``: path and sha256 of every generated file, and who made them."""


def check_path(path: str) -> PurePosixPath:
    """The path as a safe relative path, or UnsafePath saying what is wrong with it."""
    problem = path_problem(path)
    if problem:
        raise UnsafePath(f"refusing to write {path!r}: the path {problem}")
    return PurePosixPath(path)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class TargetFiles:
    """One target's rendered files, checked: its folder's files sorted by path, and the
    files it puts in the pack root (a marketplace)."""

    target: str
    files: tuple[OutFile, ...]
    pack_files: tuple[OutFile, ...]
    hashes: Mapping[str, str]
    """sha256 of each of ``files``, by path."""


def target_files(target: str, outs: Iterable[OutFile]) -> TargetFiles:
    """Check every path and that no two files land on one name (also on a case-folding or
    normalising file system); sort; hash."""
    seen: dict[str, OutFile] = {}
    pack: dict[str, OutFile] = {}
    for out in outs:
        problem = path_problem(out.path)
        if problem:
            raise UnsafePath(f"refusing to write {out.path!r}: the path {problem}")
        _claim(pack if out.area == "pack" else seen, out, target)
    files = tuple(sorted(seen.values(), key=lambda f: f.path))
    return TargetFiles(
        target,
        files,
        tuple(sorted(pack.values(), key=lambda f: f.path)),
        {f.path: sha256(f.data) for f in files},
    )


def _claim(table: dict[str, OutFile], out: OutFile, target: str) -> None:
    """Take the name ``out`` lands on; another file already there is an error unless it
    is the same file."""
    key = collision_key(out.path)
    if key in table and table[key].data != out.data:
        raise UnsafePath(
            f"two files would be written to {out.path!r} ({target}); "
            "names must differ, also in letter case and Unicode normalisation"
        )
    table[key] = out


def pack_files(targets: Iterable[tuple[str, Iterable[OutFile]]]) -> dict[str, tuple[str, OutFile]]:
    """The pack-root files of all targets, by path, with the target that writes each; two
    targets may write one file only with the same content."""
    found: dict[str, tuple[str, OutFile]] = {}
    by_key: dict[str, OutFile] = {}
    for target, outs in targets:
        for out in outs:
            _claim(by_key, out, target)
            found.setdefault(out.path, (target, out))
    return dict(sorted(found.items()))


def export_meta(manifest: Manifest) -> dict[str, object]:
    """The head of ``dist/manifest.json``: who made the files, from which pack."""
    return {
        "generator": "agentpack",
        "agentpack": __version__,
        "pack": {"name": manifest.name, "version": manifest.version},
    }


def manifest_text(
    meta: Mapping[str, object],
    targets: Collection[str],
    files: Mapping[str, str],
    pack_files: Mapping[str, Mapping[str, str]],
    previous: Mapping[str, object] | None,
) -> bytes:
    """``dist/manifest.json``: ``meta``, then the sha256 of every file of ``targets``, and the
    entries ``previous`` holds for targets this export did not build."""
    kept_files: dict[str, str] = {}
    kept = previous.get("files") if previous else None
    if isinstance(kept, dict):
        kept_files.update((k, v) for k, v in kept.items() if k.split("/", 1)[0] not in targets)
    kept_files.update(files)
    kept_pack: dict[str, dict[str, str]] = {}
    old = previous.get("pack_files") if previous else None
    if isinstance(old, dict):
        kept_pack.update((t, v) for t, v in old.items() if t not in targets and isinstance(v, dict))
    for target, entries in pack_files.items():
        kept_pack.setdefault(target, {}).update(entries)
    document = {
        **meta,
        "files": dict(sorted(kept_files.items())),
        "pack_files": {t: dict(sorted(v.items())) for t, v in sorted(kept_pack.items())},
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def patch_manifest(
    text: bytes,
    files: Mapping[str, tuple[str, str]],
    pack_files: Mapping[str, tuple[str, str]],
) -> bytes | None:
    """``text``, a manifest ``manifest_text`` wrote, with some hashes changed (path ->
    (old, new) in ``files``, or in ``pack_files`` of whichever target owns the path); None
    when a line to change is not there exactly once. A re-export changes a few of tens of
    thousands of hashes: editing them in place spares sorting and encoding them all, and
    joining the unchanged stretches between them copies the text once, where a replace per
    hash copied it per hash (2 MB at 10,000 agents, the copies about 1 ms each)."""
    edits: list[tuple[int, int, bytes]] = []
    for pad, changes in ((b"\n    ", files), (b"\n      ", pack_files)):
        for path, (old, new) in changes.items():
            key = pad + json.dumps(path, ensure_ascii=False).encode("utf-8") + b": "
            line = key + json.dumps(old).encode("ascii")
            at = text.find(line)
            if at < 0 or text.find(line, at + 1) >= 0:
                return None
            edits.append((at, at + len(line), key + json.dumps(new).encode("ascii")))
    view = memoryview(text)
    parts: list[bytes | memoryview] = []
    start = 0
    for begin, end, line in sorted(edits):
        parts += [view[start:begin], line]
        start = end
    parts.append(view[start:])
    return b"".join(parts)


def _no_symlinks(root: Path, rel: str) -> None:
    current = root
    for part in PurePosixPath(rel).parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise UnsafePath(f"refusing to write through the symlink {current}")


def read_manifest(out_dir: Path) -> dict[str, object] | None:
    try:
        loaded = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


@dataclass(frozen=True, slots=True)
class Written:
    """What one write put in the output folder."""

    out_dir: Path
    files: tuple[str, ...]
    stamps: Mapping[str, str] | None = None
    """The stamp of every file of the target folders, ``<target>/<path>`` (``source.
    stamp_text``), when they were all created by this write: taken from the open file,
    which saves a walk of the folder for the re-export cache."""


@dataclass(frozen=True, slots=True)
class Staged:
    """One target's new files, written under the staging folder; nothing visible yet.

    ``rebuild``: ``staging/new/<target>`` is the whole new folder, swapped in by ``commit``;
    else only the changed files sit under ``staging/update/<target>/`` and ``remove`` lists
    the files to delete."""

    target: str
    rebuild: bool
    written: tuple[str, ...]
    remove: tuple[str, ...] = ()
    stamps: tuple[str, ...] | None = None
    """rebuild: the stamp of each file of ``written``, taken from the open file."""


@contextlib.contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A fresh folder inside ``out_dir`` (one file system: renames are atomic), removed
    afterwards whatever happens; so are the folders made for it when what runs inside
    fails (an invalid pack leaves no empty ``dist/`` behind)."""
    if out_dir.is_symlink():
        raise UnsafePath(f"refusing to write into {out_dir}: it is a symlink")
    made = []
    for folder in (out_dir, *out_dir.parents):
        if folder.exists() or folder.is_symlink():
            break
        made.append(folder)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=".agentpack-tmp-", dir=out_dir))
    except OSError as exc:
        raise OutputError(f"writing {out_dir} failed: {exc}") from exc
    try:
        yield staged
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        for folder in made:  # the deepest first; one that is not empty stays
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    finally:
        shutil.rmtree(staged, ignore_errors=True)


Part = tuple[tuple[str, ...], tuple[str, ...]]
"""Some of a target's files, staged: their paths and (a folder staged whole) stamps."""


@dataclass(frozen=True, slots=True)
class Folder:
    """How one target's folder is staged, decided before its files are rendered so that
    two processes can each stage some of them: whole (a new folder, swapped in), or file
    by file when the folder still matches the last manifest (only files whose content
    changes are written, so a client watching the folder reloads only those)."""

    target: str
    recorded: Mapping[str, str] | None
    """sha256 by path of the folder's files in the last manifest; None: stage it whole."""
    on_disk: Mapping[str, tuple[int, int]]
    """Size and mtime of every file in the folder now, by path."""
    written_at: int
    """When the last manifest was written (ns): a file changed later is read again."""


def folder_for(target: str, out_dir: Path, previous: Mapping[str, object] | None) -> Folder:
    """A folder whose files the last manifest lists is staged file by file; any doubt (no
    manifest, a listed file gone, no folder) stages it whole."""
    base = out_dir / target
    if base.is_symlink():
        raise UnsafePath(f"refusing to replace {base}: it is a symlink")
    whole = Folder(target, None, {}, 0)
    recorded = previous.get("files") if previous else None
    if not isinstance(recorded, dict) or not base.is_dir():
        return whole
    try:
        written_at = (out_dir / MANIFEST).stat().st_mtime_ns
        on_disk = _sizes(base)
    except OSError:
        return whole
    prefix = f"{target}/"
    old = {k[len(prefix) :]: v for k, v in recorded.items() if k.startswith(prefix)}
    if not old.keys() <= on_disk.keys():
        return whole  # a file the manifest lists is gone: do not trust the rest
    return Folder(target, old, on_disk, written_at)


def stage_files(
    folder: Folder,
    files: Sequence[OutFile],
    hashes: Mapping[str, str],
    out_dir: Path,
    staging: Path,
) -> Part:
    """Stage some of a target's files: all of them when the folder is staged whole, else
    those whose content changed (also by hand since the manifest, even with the recorded
    size and hash). Returns the paths staged and, staged whole, the stamp of each."""
    base = out_dir / folder.target
    try:
        if folder.recorded is None:
            stamps = _create_all(staging / "new" / folder.target, files)
            return tuple(f.path for f in files), tuple(stamps)
        write = []
        for f in files:
            size, mtime = folder.on_disk.get(f.path, (-1, 0))
            if folder.recorded.get(f.path) != hashes[f.path] or size != len(f.data):
                write.append(f)
            elif mtime > folder.written_at and (base / f.path).read_bytes() != f.data:
                write.append(f)  # changed after the manifest (a fresh checkout touches all)
        for out in write:
            _no_symlinks(base, out.path)
        _create_all(staging / "update" / folder.target, write)
        return tuple(f.path for f in write), ()
    except OSError as exc:
        raise OutputError(f"writing {out_dir} failed: {exc}") from exc


def staged(folder: Folder, parts: Iterable[Part], wanted: Collection[str]) -> Staged:
    """What ``commit`` needs of a target whose files were staged in ``parts`` (what each
    ``stage_files`` call returned); ``wanted``: every file the folder is to hold."""
    if folder.recorded is None:
        pairs = sorted(pair for paths, stamps in parts for pair in zip(paths, stamps, strict=True))
        paths = tuple(path for path, _ in pairs)
        return Staged(folder.target, True, paths, (), tuple(stamp for _, stamp in pairs))
    written = tuple(sorted(path for paths, _ in parts for path in paths))
    remove = tuple(sorted(path for path in folder.on_disk if path not in wanted))
    return Staged(folder.target, False, written, remove)


def stage(
    files: TargetFiles, out_dir: Path, staging: Path, previous: Mapping[str, object] | None
) -> Staged:
    """Write one target's files under ``staging``, in one process (``Folder`` says how)."""
    folder = folder_for(files.target, out_dir, previous)
    part = stage_files(folder, files.files, files.hashes, out_dir, staging)
    return staged(folder, [part], files.hashes)


def _sizes(base: Path) -> dict[str, tuple[int, int]]:
    """Every file (and link) below ``base``, by relative path: its size and mtime."""
    found: dict[str, tuple[int, int]] = {}
    pending = [(os.fspath(base), "")]
    while pending:
        path, rel = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{name}/"))
                else:
                    st = entry.stat(follow_symlinks=False)
                    found[name] = (st.st_size, st.st_mtime_ns)
    return found


def commit(
    staged: Sequence[Staged],
    pack: Mapping[str, tuple[str, OutFile]],
    manifest: bytes,
    out_dir: Path,
    pack_root: Path,
    staging: Path,
) -> Written:
    """Make every staged target visible, then the pack-root files, then the manifest."""
    for path in pack:
        _no_symlinks(pack_root, path)
    written: list[str] = []
    try:
        for item in staged:
            if item.rebuild:
                continue
            target = out_dir / item.target
            made: set[Path] = set()
            for rel in item.written:
                final = target / rel
                if final.parent not in made:
                    final.parent.mkdir(parents=True, exist_ok=True)
                    made.add(final.parent)
                os.replace(staging / "update" / item.target / rel, final)
            for rel in item.remove:
                _remove(target, rel)
            written += [f"{item.target}/{rel}" for rel in item.written]
        rebuilt = [item for item in staged if item.rebuild]
        _swap_all(out_dir, staging, [item.target for item in rebuilt])
        written += [f"{item.target}/{rel}" for item in rebuilt for rel in item.written]
        for path, (_, out) in pack.items():
            where = pack_root / path
            if not where.is_file() or where.read_bytes() != out.data:
                replace_file(where, out.data)
                written.append(path)
        if not (out_dir / MANIFEST).is_file() or (out_dir / MANIFEST).read_bytes() != manifest:
            replace_file(out_dir / MANIFEST, manifest)
    except OSError as exc:
        raise OutputError(f"writing {out_dir} failed: {exc}") from exc
    stamps = None
    if staged and all(item.rebuild and item.stamps is not None for item in staged):
        # renaming a folder leaves the stamps of the files in it as they were
        stamps = {
            f"{item.target}/{rel}": stamp
            for item in staged
            for rel, stamp in zip(item.written, item.stamps or (), strict=True)
        }
    return Written(out_dir, tuple(written), stamps)


def _remove(base: Path, rel: str) -> None:
    """Delete a file and the folders it leaves empty, up to ``base``."""
    (base / rel).unlink(missing_ok=True)
    parent = (base / rel).parent
    while parent != base and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def write_all(
    targets: Mapping[str, Iterable[OutFile]],
    meta: Mapping[str, object],
    out_dir: Path,
    pack_root: Path,
) -> Written:
    """Check, stage and commit everything in one process (what ``export`` does across
    processes, for callers that have all files at hand)."""
    checked = [target_files(name, outs) for name, outs in targets.items()]
    pack = pack_files((t.target, t.pack_files) for t in checked)
    previous = read_manifest(out_dir)
    manifest = manifest_text(
        meta,
        [t.target for t in checked],
        {f"{t.target}/{p}": h for t in checked for p, h in t.hashes.items()},
        _owners(pack),
        previous,
    )
    with staging(out_dir) as folder:
        staged = [stage(t, out_dir, folder, previous) for t in checked]
        return commit(staged, pack, manifest, out_dir, pack_root, folder)


def _owners(pack: Mapping[str, tuple[str, OutFile]]) -> dict[str, dict[str, str]]:
    owners: dict[str, dict[str, str]] = {}
    for path, (target, out) in pack.items():
        owners.setdefault(target, {})[path] = sha256(out.data)
    return owners


def update(out_dir: Path, write: dict[str, bytes], remove: list[str]) -> list[str]:
    """Stage every changed file beside its final place, then rename them all in."""
    staged: list[tuple[str, Path]] = []
    try:
        for rel, data in sorted(write.items()):
            _no_symlinks(out_dir, rel)
            final = out_dir / rel
            final.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".agentpack-", dir=final.parent)
            staged.append((rel, Path(name)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
    except BaseException:
        for _, temp in staged:
            temp.unlink(missing_ok=True)
        raise
    for rel, temp in staged:
        os.replace(temp, out_dir / rel)
    for rel in remove:
        _remove(out_dir, rel)
    return [rel for rel, _ in staged]


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _create_all(folder: Path, outs: Iterable[OutFile]) -> list[str]:
    """Create every file in a fresh folder; the stamp of each. Plain strings and ``os``
    calls: pathlib's joins and buffered files cost more than the file system itself here
    (a third of a second per 10,000 agents). Paths were checked by ``plan``; O_EXCL
    refuses to follow anything that is already there, and what is there can only be what
    a failed helper process left in this staging folder."""
    base = os.fspath(folder)
    os.makedirs(base, exist_ok=True)
    made = {base}
    stamps = []
    for out in outs:
        path = f"{base}/{out.path}"
        parent = path.rpartition("/")[0]
        if parent not in made:  # one mkdir per folder, not per file
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        try:
            fd = os.open(path, _NEW_FILE, 0o666)
        except FileExistsError:  # left by a helper process that failed half way
            os.unlink(path)
            fd = os.open(path, _NEW_FILE, 0o666)
        try:
            view = memoryview(out.data)
            while view:
                view = view[os.write(fd, view) :]
            stamps.append(stamp_text(os.fstat(fd)))
        finally:
            os.close(fd)
    return stamps


def _swap_all(out_dir: Path, staging: Path, targets: list[str]) -> None:
    """Move the old folders aside and the new ones in; on any failure put the old back."""
    (staging / "old").mkdir()
    moved: list[str] = []
    try:
        for target in targets:
            if (out_dir / target).exists():
                (out_dir / target).rename(staging / "old" / target)
            moved.append(target)
            (staging / "new" / target).rename(out_dir / target)
    except OSError:
        for target in moved:
            if (out_dir / target).exists() and (staging / "old" / target).exists():
                shutil.rmtree(out_dir / target)
            if (staging / "old" / target).exists():
                (staging / "old" / target).rename(out_dir / target)
        raise


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".agentpack-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class Difference:
    """One file ``--check`` or ``--dry-run`` found out of date, with its diff."""

    path: str
    status: str  # "changed", "new", "removed"
    diff: str


def compare_target(files: TargetFiles, out_dir: Path) -> list[Difference]:
    """What writing one target's files would change, as unified diffs."""
    found = compare_files(files.target, files.files, out_dir)
    found += compare_extra(files.target, files.hashes, out_dir)
    return sorted(found, key=lambda d: d.path)


def compare_files(target: str, files: Iterable[OutFile], out_dir: Path) -> list[Difference]:
    """How some of a target's files differ from what its folder holds (in any order)."""
    base, label = out_dir / target, f"{out_dir.name}/{target}"
    return [d for f in files if (d := _difference(f"{label}/{f.path}", base / f.path, f.data))]


def compare_extra(target: str, wanted: Collection[str], out_dir: Path) -> list[Difference]:
    """The files in a target's folder that an export would remove."""
    base, label = out_dir / target, f"{out_dir.name}/{target}"
    have = sorted(_sizes(base)) if base.is_dir() and not base.is_symlink() else []
    return [
        d
        for rel in have
        if rel not in wanted and (d := _difference(f"{label}/{rel}", base / rel, None))
    ]


def compare_rest(
    pack: Mapping[str, tuple[str, OutFile]], manifest: bytes, out_dir: Path, pack_root: Path
) -> list[Difference]:
    """The same for the pack-root files and the manifest."""
    pairs = [(path, pack_root / path, out.data) for path, (_, out) in pack.items()]
    pairs.append((f"{out_dir.name}/{MANIFEST}", out_dir / MANIFEST, manifest))
    return [d for label, path, new in pairs if (d := _difference(label, path, new))]


def _difference(label: str, path: Path | None, new: bytes | None) -> Difference | None:
    old = path.read_bytes() if path is not None and path.is_file() else None
    if old == new:
        return None
    status = "new" if old is None else "removed" if new is None else "changed"
    return Difference(label, status, _diff(label, old or b"", new or b""))


def _diff(label: str, old: bytes, new: bytes) -> str:
    import difflib  # only --check shows diffs

    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "replace").splitlines(keepends=True)

    if b"\0" in old or b"\0" in new:
        return f"Binary file {label} differs\n"
    return "".join(difflib.unified_diff(lines(old), lines(new), f"a/{label}", f"b/{label}"))


@dataclass(frozen=True, slots=True)
class SourceWrite:
    """What writing one file into the pack (an import) did or would do."""

    path: str
    status: str  # "write", "same", "skip"


def write_sources(
    files: Iterable[OutFile], root: Path, *, force: bool = False, dry_run: bool = False
) -> list[SourceWrite]:
    """Write canonical source files into a pack; an existing file is replaced only with
    ``force`` (import never overwrites a source file by surprise)."""
    results = []
    for out in files:
        check_path(out.path)
        _no_symlinks(root, out.path)
        path = root / out.path
        if path.is_symlink():
            raise UnsafePath(f"refusing to write through the symlink {path}")
        current = path.read_bytes() if path.is_file() else None
        if current == out.data:
            results.append(SourceWrite(out.path, "same"))
            continue
        if current is not None and not force:
            results.append(SourceWrite(out.path, "skip"))
            continue
        if not dry_run:
            try:
                replace_file(path, out.data)
            except OSError as exc:
                raise OutputError(f"writing {path} failed: {exc}") from exc
        results.append(SourceWrite(out.path, "write"))
    return results
