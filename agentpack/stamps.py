"""How to tell whether a file changed since it was last seen, without reading it.

A stamp is ``size:mtime_ns:ctime_ns:inode``: a file changed by any means gets another one
(ctime cannot be set back, unlike mtime). A stamp is trusted only when it dates from well
before the record was taken, the rule git uses against "racily clean" files; otherwise,
and whenever a stamp differs, the file is read and its digest decides. Standard library
only: a re-export starts its scan of the output folder with these before anything heavy
is imported.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from agentpack.layout import FOLDERS


def stamp_text(st: os.stat_result) -> str:
    """``size:mtime_ns:ctime_ns:inode``: a file changed by any means gets another one
    (ctime cannot be set back, unlike mtime)."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def stamps_of(paths: Iterable[str]) -> tuple[list[str | None], list[int]]:
    """The stamp (None: no such file) and mtime (ns; 0 for none) of each path, following
    links as the loader does."""
    found: list[str | None] = []
    mtimes: list[int] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            found.append(None)
            mtimes.append(0)
            continue
        # stamp_text inline: this runs once per item of the pack
        found.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
        mtimes.append(st.st_mtime_ns)
    return found, mtimes


def mtime(stamp: str) -> int:
    """The mtime (ns) a stamp records."""
    return int(stamp.split(":", 2)[1])


def stamp_of(path: str, *, follow: bool = True) -> str | None:
    try:
        return stamp_text(os.stat(path, follow_symlinks=follow))
    except OSError:
        return None


def digest_of(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def same_content(path: str, old: str, digest: str, size: int) -> bool:
    """The slow answer to "is the file as recorded?": its size, then its digest."""
    recorded = old.split(":", 1)[0]
    return recorded == str(size) and digest_of(path) == digest


def trusted(path: str, old: str, digest: str, threshold: int, *, follow: bool = True) -> str | None:
    """The file's stamp now if its content is as recorded, else None. An unchanged stamp
    is trusted when its mtime is older than ``threshold``; otherwise the digest decides.
    ``follow``: stamp what a link points at, as the loader reads it (sources); not for
    written files, which are never links."""
    try:
        st = os.stat(path, follow_symlinks=follow)
    except OSError:
        return None
    now = stamp_text(st)
    if now == old and st.st_mtime_ns < threshold:
        return now
    return now if same_content(path, old, digest, st.st_size) else None


@dataclass(frozen=True, slots=True)
class Scan:
    """What a re-export must know of the output folder and the pack's folders, found by a
    second process while the first imports agentpack and reads the snapshot (the first
    then stats the pack's item files, whose paths the snapshot lists: about the same
    time again)."""

    outputs: dict[str, dict[str, str]]
    """``walk_folders`` of the output folder: every file's stamp, by folder and path."""
    listing: str
    """``listing`` of the pack."""


def scan(out_dir: Path, root: Path) -> Scan:
    return Scan(walk_folders(out_dir), listing(root))


def walk(out_dir: Path, names: Iterable[str] | None = None) -> dict[str, str]:
    """The stamp of every file under the target folders ``names`` (None: every folder in
    ``out_dir``), by path relative to ``out_dir``."""
    return {
        f"{name}/{path}": stamp
        for name, found in walk_folders(out_dir, names).items()
        for path, stamp in found.items()
    }


def walk_folders(out_dir: Path, names: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
    """``walk`` by folder: folder name -> path relative to it -> stamp. Each folder is read
    through its descriptor: a stat by name within it costs a third less than one by full
    path."""
    base = os.fspath(out_dir)
    if names is None:
        with contextlib.suppress(OSError), os.scandir(base) as top:
            names = [e.name for e in top if e.is_dir(follow_symlinks=False)]
    folders: dict[str, dict[str, str]] = {}
    for name in names or ():
        found = folders[name] = {}
        pending = [(os.path.join(base, name), "")]
        while pending:
            path, rel = pending.pop()
            for entry in _entries(path):
                where = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{path}/{entry.name}", f"{where}/"))
                    continue
                with contextlib.suppress(OSError):
                    st = entry.stat(follow_symlinks=False)
                    found[where] = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
    return folders


def _entries(path: str) -> Iterator[os.DirEntry[str]]:
    """A folder's entries, read through its descriptor, which stays open while they are
    used (their ``stat`` goes through it); none when the folder cannot be read."""
    try:
        fd = os.open(path, _FOLDER)
    except OSError:
        return
    try:
        with os.scandir(fd) as entries:
            yield from entries
    except OSError:
        return
    finally:
        os.close(fd)


_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


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
            for entry in _entries(path):
                if entry.is_dir(follow_symlinks=False):
                    out.append(f"{rel}/{entry.name}/")
                    if folder == "skills":
                        pending.append((f"{path}/{entry.name}", f"{rel}/{entry.name}"))
                else:
                    out.append(f"{rel}/{entry.name}{'@' if entry.is_symlink() else ''}")
    out.sort()
    return hashlib.sha256("\n".join(out).encode("utf-8", "surrogateescape")).hexdigest()


def changed_rows(now: Sequence[object], then: Sequence[object]) -> Iterator[int]:
    """The indexes where two columns of equal length differ: blocks compared in C, rows
    one by one only inside a block that differs (a few in tens of thousands, typically)."""
    for start in range(0, len(now), _BLOCK):
        end = start + _BLOCK
        if now[start:end] != then[start:end]:
            yield from (i for i in range(start, min(end, len(now))) if now[i] != then[i])


_BLOCK = 256
