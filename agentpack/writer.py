"""The one module that writes generated files: containment, atomic swap, check, dry run.

Each target's folder is built complete in a temporary folder beside it and then swapped in,
so an export that fails half way leaves the old folder exactly as it was. Every path is
checked before anything is written: relative, no ``..``, no backslash or drive letter, no
name Windows cannot create, nothing through a symlink.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from agentpack import parallel
from agentpack._version import __version__
from agentpack.errors import OutputError, UnsafePath
from agentpack.model import Manifest
from agentpack.outputs import OutFile, collision_key, path_problem
from agentpack.source import stamp_text

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
class Plan:
    """Everything one export writes: per target folder, the pack-root files, the manifest."""

    targets: Mapping[str, tuple[OutFile, ...]]
    pack_files: tuple[OutFile, ...] = ()
    meta: Mapping[str, object] = field(default_factory=dict)
    pack_owner: Mapping[str, str] = field(default_factory=dict)
    """Pack-root file -> the target that wrote it."""
    hashes: Mapping[str, str] = field(default_factory=dict)
    """sha256 of every file: ``<target>/<path>`` for dist files, the path for pack files."""

    def manifest(self, previous: Mapping[str, object] | None = None) -> bytes:
        files = {
            f"{t}/{f.path}": self.hashes[f"{t}/{f.path}"]
            for t, fs in self.targets.items()
            for f in fs
        }
        pack_files: dict[str, dict[str, str]] = {}
        for out in self.pack_files:
            pack_files.setdefault(self.pack_owner[out.path], {})[out.path] = self.hashes[out.path]
        return manifest_text(self.meta, list(self.targets), files, pack_files, previous)


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


def plan(targets: Mapping[str, Iterable[OutFile]], meta: Mapping[str, object]) -> Plan:
    """Sort, check and de-duplicate what the targets rendered."""
    per_target: dict[str, tuple[OutFile, ...]] = {}
    pack_files: dict[str, OutFile] = {}
    owner: dict[str, str] = {}
    for target, outs in targets.items():
        seen: dict[str, OutFile] = {}
        for out in outs:
            problem = path_problem(out.path)
            if problem:
                raise UnsafePath(f"refusing to write {out.path!r}: the path {problem}")
            table = pack_files if out.area == "pack" else seen
            key = collision_key(out.path)
            if key in table and table[key].data != out.data:
                raise UnsafePath(
                    f"two files would be written to {out.path!r} ({target}); "
                    "names must differ, also in letter case and Unicode normalisation"
                )
            table[key] = out
            if out.area == "pack":
                owner[out.path] = target
        per_target[target] = tuple(sorted(seen.values(), key=lambda f: f.path))
    hashes = {f"{t}/{f.path}": sha256(f.data) for t, fs in per_target.items() for f in fs}
    hashes.update((f.path, sha256(f.data)) for f in pack_files.values())
    return Plan(
        per_target,
        tuple(sorted(pack_files.values(), key=lambda f: f.path)),
        meta,
        owner,
        hashes,
    )


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
    out_dir: Path
    files: tuple[str, ...]
    stamps: Mapping[str, str] | None = None
    """The stamp of every file of the target folders, ``<target>/<path>`` (``source.
    stamp_text``), when they were all created by this write: taken from the open file,
    which saves a walk of the folder for the re-export cache."""


def write(result: Plan, out_dir: Path, pack_root: Path) -> Written:
    """Write the plan. When ``out_dir`` holds a previous export whose manifest matches the
    files on disk, only changed files are written (``_update``); otherwise every target
    folder is built whole in a staging folder and swapped in (``_rebuild``). Either way a
    failure before the final renames changes nothing."""
    if out_dir.is_symlink():
        raise UnsafePath(f"refusing to write into {out_dir}: it is a symlink")
    previous = read_manifest(out_dir)
    changes = _changes(result, out_dir, previous) if previous else None
    if changes is None:
        return _rebuild(result, out_dir, pack_root)
    try:
        written = update(out_dir, *changes)
        for out in result.pack_files:
            _no_symlinks(pack_root, out.path)
            path = pack_root / out.path
            if not path.is_file() or path.read_bytes() != out.data:
                replace_file(path, out.data)
                written.append(out.path)
        manifest = result.manifest(previous)
        if (out_dir / MANIFEST).read_bytes() != manifest:
            replace_file(out_dir / MANIFEST, manifest)
    except OSError as exc:
        raise OutputError(f"writing {out_dir} failed: {exc}") from exc
    return Written(out_dir, tuple(written))


def _changes(
    result: Plan, out_dir: Path, previous: Mapping[str, object]
) -> tuple[dict[str, bytes], list[str]] | None:
    """(files to write, files to remove) relative to ``out_dir``, or None when the folder
    does not match its manifest closely enough to trust it (then everything is rebuilt)."""
    recorded = previous.get("files")
    if not isinstance(recorded, dict):
        return None
    write: dict[str, bytes] = {}
    remove: list[str] = []
    for target, outs in result.targets.items():
        base = out_dir / target
        if base.is_symlink() or not base.is_dir():
            return None
        on_disk = {
            p.relative_to(out_dir).as_posix(): p
            for p in base.rglob("*")
            if p.is_file() or p.is_symlink()
        }
        old = {k: v for k, v in recorded.items() if k.startswith(f"{target}/")}
        if set(old) - set(on_disk):
            return None  # a file the manifest lists is gone: do not trust the rest
        for out in outs:
            rel = f"{target}/{out.path}"
            if old.get(rel) != result.hashes[rel] or on_disk[rel].stat().st_size != len(out.data):
                write[rel] = out.data
        wanted = {f"{target}/{out.path}" for out in outs}
        remove += sorted(rel for rel in on_disk if rel not in wanted)
    total = sum(len(outs) for outs in result.targets.values())
    if len(write) + len(remove) > max(50, total // 2):
        return None  # many changes: a whole new folder is as fast and all-or-nothing
    return write, remove


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
        (out_dir / rel).unlink(missing_ok=True)
        parent = (out_dir / rel).parent
        while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return [rel for rel, _ in staged]


def _rebuild(result: Plan, out_dir: Path, pack_root: Path) -> Written:
    """Build every target folder in a staging folder, then swap them all in, then the
    pack-root files and the manifest. A failure before the swap changes nothing."""
    if out_dir.is_symlink():
        raise UnsafePath(f"refusing to write into {out_dir}: it is a symlink")
    for target in result.targets:
        if (out_dir / target).is_symlink():
            raise UnsafePath(f"refusing to replace {out_dir / target}: it is a symlink")
    for out in result.pack_files:
        _no_symlinks(pack_root, out.path)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        manifest = result.manifest(read_manifest(out_dir))
        staging = Path(tempfile.mkdtemp(prefix=".agentpack-tmp-", dir=out_dir))
        try:

            def build(names: Sequence[str]) -> list[list[str]]:
                stamps = []
                for name in names:
                    folder = staging / "new" / name
                    if folder.exists():  # left by a helper process that failed half way
                        shutil.rmtree(folder)
                    stamps.append(_create_all(folder, result.targets[name]))
                return stamps

            files = sum(len(outs) for outs in result.targets.values())
            # one target folder per process: creating files is mostly kernel CPU time,
            # and two folders do not contend for one directory lock
            names = list(result.targets)
            made = parallel.split(build, names, when=files >= parallel.WORTH_IT)
            _swap_all(out_dir, staging, names)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for out in result.pack_files:
            replace_file(pack_root / out.path, out.data)
        replace_file(out_dir / MANIFEST, manifest)
    except OSError as exc:
        raise OutputError(f"writing {out_dir} failed: {exc}") from exc
    written = [f"{t}/{f.path}" for t, outs in result.targets.items() for f in outs]
    # renaming a folder leaves the stamps of the files in it as they were
    stamps = dict(zip(written, (s for target in made for s in target), strict=True))
    return Written(out_dir, tuple(written + [f.path for f in result.pack_files]), stamps)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _create_all(folder: Path, outs: Iterable[OutFile]) -> list[str]:
    """Create every file in a fresh folder; the stamp of each. Plain strings and ``os``
    calls: pathlib's joins and buffered files cost more than the file system itself here
    (a third of a second per 10,000 agents). Paths were checked by ``plan``; O_EXCL
    refuses to follow anything that is already there."""
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
    path: str
    status: str  # "changed", "new", "removed"
    diff: str


def compare(result: Plan, out_dir: Path, pack_root: Path) -> list[Difference]:
    """What ``write`` would change on disk, as unified diffs; empty when all is current."""
    pairs: list[tuple[str, Path | None, bytes | None]] = []
    for target, outs in result.targets.items():
        wanted = {f"{target}/{out.path}": out.data for out in outs}
        base = out_dir / target
        have = {
            path.relative_to(out_dir).as_posix(): path
            for path in (base.rglob("*") if base.is_dir() else ())
            if path.is_file() or path.is_symlink()
        }
        for rel in sorted(wanted.keys() | have.keys()):
            pairs.append((f"{out_dir.name}/{rel}", have.get(rel), wanted.get(rel)))
    for out in result.pack_files:
        pairs.append((out.path, pack_root / out.path, out.data))
    manifest = result.manifest(read_manifest(out_dir))
    pairs.append((f"{out_dir.name}/{MANIFEST}", out_dir / MANIFEST, manifest))
    return [d for label, path, new in pairs if (d := _difference(label, path, new))]


def _difference(label: str, path: Path | None, new: bytes | None) -> Difference | None:
    old = path.read_bytes() if path is not None and path.is_file() else None
    if old == new:
        return None
    status = "new" if old is None else "removed" if new is None else "changed"
    return Difference(label, status, _diff(label, old or b"", new or b""))


def _diff(label: str, old: bytes, new: bytes) -> str:
    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "replace").splitlines(keepends=True)

    if b"\0" in old or b"\0" in new:
        return f"Binary file {label} differs\n"
    return "".join(difflib.unified_diff(lines(old), lines(new), f"a/{label}", f"b/{label}"))


@dataclass(frozen=True, slots=True)
class SourceWrite:
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
