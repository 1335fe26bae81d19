"""The one module that writes generated files: containment, staging, modes.

An export writes only what differs from the output folder, in one staged step: new target
folders are built whole under a staging folder and renamed into place; changed files of an
existing folder are staged beside it and renamed in one by one; the pack-root files and the
record come last. Everything that can fail (rendering, path checks) happens before the
first rename, so a failed export leaves the output as it was. Nothing is written through a
symlink, and every path is checked: relative, no ``..``, no backslash or drive letter, no
name Windows cannot create.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from agentpack.errors import OutputError, UnsafePath
from agentpack.outputs import FolderFiles, OutFile, Stat, path_problem, stat_of
from agentpack.record import FILE as RECORD


def check_path(path: str) -> PurePosixPath:
    """The path as a safe relative path, or UnsafePath saying what is wrong with it."""
    problem = path_problem(path)
    if problem:
        raise UnsafePath(f"refusing to write {path!r}: the path {problem}")
    return PurePosixPath(path)


@dataclass(slots=True)
class Plan:
    """Everything an export is to leave in the output folder and the pack root."""

    out_dir: Path
    pack_root: Path
    targets: dict[str, FolderFiles]
    pack_files: dict[str, bytes]
    record: bytes
    disk: dict[str, dict[str, Stat]] = field(default_factory=dict)
    """What each target's folder holds, when already scanned (else the writer scans)."""
    owned: Mapping[str, str] = field(default_factory=dict)
    """The files (``<target>/<path>``) the last export here wrote, as its record says:
    the only ones an export replaces or removes (a file of the user's in ``--out`` is
    never lost)."""

    owned_pack: frozenset[str] = frozenset()
    """The pack-root files (a marketplace) the last export here wrote."""
    owns_all: bool = False
    """Every file is an export's: the folder's record is agentpack's but cannot be read."""

    def owns(self, target: str, rel: str) -> bool:
        return self.owns_all or f"{target}/{rel}" in self.owned


def scan(base: Path) -> dict[str, Stat]:
    """Every file (and link) below ``base``, by relative path, with its stat."""
    found: dict[str, Stat] = {}
    if not base.is_dir() or base.is_symlink():
        return found
    pending = [(os.fspath(base), "")]
    while pending:
        path, rel = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{name}/"))
                else:
                    found[name] = stat_of(entry.stat(follow_symlinks=False))
    return found


@dataclass(slots=True)
class Written:
    """What one export wrote, and the stat of each file it wrote or compared."""

    files: list[str] = field(default_factory=list)
    stats: dict[str, dict[str, Stat]] = field(default_factory=dict)
    """target -> path -> stat, for the export cache (which knows the other files')."""
    kept: dict[str, list[str]] = field(default_factory=dict)
    """target -> the files its folder holds that no export wrote, left in place."""


Vouch = Callable[[str, str, Stat, str], "str | None"]
"""The digest the cache knows a target's file (with this stat, at this path) holds."""


def commit(plan: Plan, vouch: Vouch | None = None) -> Written:
    """Make the output folder hold exactly ``plan``, writing only what differs."""
    out_dir = plan.out_dir
    if out_dir.is_symlink():
        raise UnsafePath(f"refusing to write into {out_dir}: it is a symlink")
    for target in plan.targets:
        if (out_dir / target).is_symlink():
            raise UnsafePath(f"refusing to replace {out_dir / target}: it is a symlink")
        if (out_dir / target).exists() and not (out_dir / target).is_dir():
            raise OutputError(
                f"{out_dir / target} is a file where the {target} folder goes; move it away"
            )
    for rel in plan.pack_files:
        no_symlinks(plan.pack_root, rel)
    done = Written()
    with _staging(out_dir) as staging:
        # first everything that can fail: every new byte is written somewhere invisible
        steps = [
            _stage(target, files, plan, staging, vouch, done)
            for target, files in plan.targets.items()
        ]
        beside = _stage_rest(plan, staging)
        # then renames only
        try:
            for step in steps:
                step()
            for temp, final, rel in beside:
                os.replace(temp, final)
                done.files.extend([rel] if rel else [])
        except OSError as exc:
            raise OutputError(f"writing {out_dir} failed: {exc}") from exc
    return done


def _stage_rest(plan: Plan, staging: Path) -> list[tuple[Path, Path, str]]:
    """The changed pack-root files and the record, each written beside its place (the
    pack root may be on another file system than the output folder)."""
    beside: list[tuple[Path, Path, str]] = []
    try:
        changed = {
            rel: data
            for rel, data in plan.pack_files.items()
            if not (plan.pack_root / rel).is_file() or (plan.pack_root / rel).read_bytes() != data
        }
        for rel in changed:
            if (plan.pack_root / rel).exists() and not (plan.owns_all or rel in plan.owned_pack):
                raise OutputError(
                    f"{plan.pack_root / rel} exists and agentpack did not write it "
                    f"({plan.out_dir / RECORD} does not list it); move it away to let the "
                    "export write the pack's"
                )
        for rel, data in changed.items():
            beside.append((_beside(plan.pack_root / rel, data), plan.pack_root / rel, rel))
        record = plan.out_dir / RECORD
        if not record.is_file() or record.read_bytes() != plan.record:
            (staging / RECORD).write_bytes(plan.record)
            beside.append((staging / RECORD, record, ""))
    except OSError as exc:
        for temp, _, _ in beside:
            temp.unlink(missing_ok=True)
        raise OutputError(f"writing {plan.out_dir} failed: {exc}") from exc
    return beside


def _beside(path: Path, data: bytes, *, executable: bool = False, mode: int | None = None) -> Path:
    """``data`` in a new temporary file in ``path``'s folder, to be renamed onto it, with
    ``mode`` or the mode a new file gets, set before a byte is written (``mkstemp`` makes
    it private: a secret of the user's is never readable by others on the way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".agentpack-", dir=path.parent)
    try:
        os.fchmod(fd, _mode(executable) if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _stage(
    target: str,
    files: FolderFiles,
    plan: Plan,
    staging: Path,
    vouch: Vouch | None,
    done: Written,
) -> Callable[[], None]:
    """Stage one target's changes; the step that makes them visible."""
    base = plan.out_dir / target
    on_disk = plan.disk[target] if target in plan.disk else scan(base)
    stats = done.stats[target] = {}
    try:
        if not base.exists():
            folder = staging / "new" / target
            rels = sorted(files.digests)
            made = _create_all(folder, [_out(rel, files) for rel in rels])
            stats.update(zip(rels, made, strict=True))  # a renamed folder keeps them

            def swap() -> None:
                folder.rename(base)
                done.files.extend(f"{target}/{rel}" for rel in rels)

            return swap
        changed, modes = _changes(target, base, files, on_disk, vouch, stats)
        _in_the_way(plan, target, [rel for rel in changed if rel in on_disk])
        update = staging / "update" / target
        _create_all(update, [_out(rel, files) for rel in changed])
    except OSError as exc:
        raise OutputError(f"writing {plan.out_dir} failed: {exc}") from exc
    wanted = files.digests
    gone = sorted(rel for rel in on_disk if rel not in wanted and plan.owns(target, rel))
    kept = unowned(plan, target, on_disk)
    done.kept.update({target: kept} if kept else {})

    def apply() -> None:
        made: set[Path] = set()
        for rel in changed:
            final = base / rel
            if final.parent not in made:
                final.parent.mkdir(parents=True, exist_ok=True)
                made.add(final.parent)
            os.replace(update / rel, final)
            stats[rel] = stat_of(final.stat())
            done.files.append(f"{target}/{rel}")
        for rel in modes:
            final = base / rel
            os.chmod(final, _mode(rel in files.runs))
            stats[rel] = stat_of(final.stat())
            done.files.append(f"{target}/{rel}")
        for rel in gone:
            _remove(base, rel)

    return apply


def unowned(plan: Plan, target: str, on_disk: Iterable[str]) -> list[str]:
    """The files of a target's folder that no export wrote and this one does not write."""
    found = plan.targets.get(target)
    wanted = found.digests if found is not None else {}
    return sorted(rel for rel in on_disk if rel not in wanted and not plan.owns(target, rel))


def _in_the_way(plan: Plan, target: str, existing: Iterable[str]) -> None:
    """Refuse to replace a file no export here wrote (``--out`` a folder of the user's)."""
    foreign = [rel for rel in existing if not plan.owns(target, rel)]
    if foreign:
        raise OutputError(
            f"{plan.out_dir / target / foreign[0]} exists and agentpack did not write it "
            f"({plan.out_dir / RECORD} does not list it); move it away, or export into "
            "another folder (agentpack install adds to a tool's own folders)"
        )


def _changes(
    target: str,
    base: Path,
    files: FolderFiles,
    on_disk: Mapping[str, Stat],
    vouch: Vouch | None,
    stats: dict[str, Stat],
) -> tuple[list[str], list[str]]:
    """The files of an existing target folder (``base``) to write, and those that hold
    the right bytes without the right execute bit; the stat of each file left as it is
    goes into ``stats``. Only the files with bytes in ``files`` are looked at: the others
    are on disk as the cache recorded them."""
    changed: list[str] = []
    modes: list[str] = []
    runs = files.runs
    for rel in sorted(files.data):
        st = on_disk.get(rel)
        if st is not None and _same(target, rel, st, files, base, vouch):
            # a link (its own bits look runnable) is replaced by the file: a chmod would
            # change what it points to, and a change there would go unseen by its stat
            if st[4] and (base / rel).is_symlink():
                changed.append(rel)
            elif st[4] != (rel in runs):
                modes.append(rel)
            else:
                stats[rel] = st
            continue
        no_symlinks(base, rel)
        changed.append(rel)
    return changed, modes


def _out(rel: str, files: FolderFiles) -> OutFile:
    data = files.data.get(rel)
    if data is None:  # the cache vouched for a file that is not there: a bug
        raise RuntimeError(f"no content for {rel}, which the cache vouched for")
    return OutFile(rel, data, executable=rel in files.runs)


def _mode(executable: bool) -> int:
    """A new file's mode: as ``open`` would make it, with the execute bits for a program."""
    umask = os.umask(0o022)
    os.umask(umask)
    return (0o777 if executable else 0o666) & ~umask


def _same(
    target: str, rel: str, st: Stat, files: FolderFiles, base: Path, vouch: Vouch | None
) -> bool:
    """Whether the file on disk already holds the one wanted: the cache says so for its
    stat, or (when it cannot) its bytes do."""
    known = vouch(target, rel, st, f"{base}/{rel}") if vouch is not None else None
    if known is not None:
        return known == files.digests[rel]
    try:
        return (base / rel).read_bytes() == files.data[rel]
    except OSError:
        return False


@contextlib.contextmanager
def _staging(out_dir: Path) -> Iterator[Path]:
    """A fresh folder inside ``out_dir`` (one file system: renames are atomic), removed
    afterwards whatever happens; so are the folders made for it when what runs inside
    fails (a failed first export leaves no empty ``dist/`` behind)."""
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


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _create_all(folder: Path, outs: Iterable[OutFile]) -> list[Stat]:
    """Create every file in a fresh folder; the stat of each. Plain strings and ``os``
    calls: pathlib's joins and buffered files cost more than the file system itself here.
    O_EXCL refuses to follow anything that is already there."""
    base = os.fspath(folder)
    os.makedirs(base, exist_ok=True)
    made = {base}
    stats = []
    for out in outs:
        path = f"{base}/{out.path}"
        parent = path.rpartition("/")[0]
        if parent not in made:  # one mkdir per folder, not per file
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        fd = os.open(path, _NEW_FILE, 0o777 if out.executable else 0o666)
        try:
            view = memoryview(out.data)
            while view:
                view = view[os.write(fd, view) :]
            stats.append(stat_of(os.fstat(fd)))
        finally:
            os.close(fd)
    return stats


def no_symlinks(root: Path, rel: str) -> None:
    current = root
    for part in PurePosixPath(rel).parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise UnsafePath(f"refusing to write through the symlink {current}")


def _remove(base: Path, rel: str) -> None:
    """Delete a file and the folders it leaves empty, up to ``base``."""
    (base / rel).unlink(missing_ok=True)
    parent = (base / rel).parent
    while parent != base and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def replace_file(
    path: Path, data: bytes, *, executable: bool = False, mode: int | None = None
) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    tmp = _beside(path, data, executable=executable, mode=mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
