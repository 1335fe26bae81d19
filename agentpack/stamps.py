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
from stat import S_ISDIR

from agentpack.layout import FOLDERS


def stamp_text(st: os.stat_result) -> str:
    """``size:mtime_ns:ctime_ns:inode``: a file changed by any means gets another one
    (ctime cannot be set back, unlike mtime)."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


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
class Stamped:
    """Files and their stamps, each list joined by NUL (which no file name can hold): a
    second process sends 36,000 of them back as a few long strings, which pickle and
    unpickle at the speed of a copy, where a dict of them cost the receiver 15 ms."""

    paths: str = ""
    stamps: str = ""

    @staticmethod
    def of(paths: Sequence[str], stamps: Sequence[str]) -> Stamped:
        return Stamped("\0".join(paths), "\0".join(stamps))

    def as_dict(self) -> dict[str, str]:
        if not self.paths:
            return {}
        return dict(zip(self.paths.split("\0"), self.stamps.split("\0"), strict=True))


@dataclass(frozen=True, slots=True)
class PackScan:
    """What a re-export must know of the pack's folders."""

    listing: str
    """``listing`` of the pack."""
    sources: Stamped
    """Every file in the pack's folders, by path relative to the pack, links followed as
    the loader follows them (a dangling link is left out)."""


def scan_pack(root: Path) -> PackScan:
    listed, sources = _pack_entries(root, stat=True)
    return PackScan(listed, sources)


def stamp_folders(out_dir: Path) -> dict[str, Stamped]:
    """Every file of each folder of ``out_dir``, by path relative to that folder."""
    return {name: Stamped.of(*_walk(path)) for name, path in _folders(out_dir)}


def walk(out_dir: Path, names: Iterable[str] | None = None) -> dict[str, str]:
    """The stamp of every file under the target folders ``names`` (None: every folder in
    ``out_dir``), by path relative to ``out_dir``."""
    found: dict[str, str] = {}
    for name, path in _folders(out_dir, names):
        paths, stamps = _walk(path)
        found.update(zip((f"{name}/{p}" for p in paths), stamps, strict=True))
    return found


def _folders(out_dir: Path, names: Iterable[str] | None = None) -> list[tuple[str, str]]:
    base = os.fspath(out_dir)
    if names is None:
        with contextlib.suppress(OSError), os.scandir(base) as top:
            names = [e.name for e in top if e.is_dir(follow_symlinks=False)]
    return [(name, os.path.join(base, name)) for name in names or ()]


def _walk(top: str) -> tuple[list[str], list[str]]:
    """Every file under ``top`` (links not followed) and its stamp. This loop runs for every
    output file of a large pack, so it is kept bare: one ``lstat`` by name within the
    folder's descriptor (a third cheaper than by full path) says both what an entry is and
    its stamp."""
    paths: list[str] = []
    found: list[str] = []
    stat, is_dir = os.stat, S_ISDIR
    pending = [(top, "")]
    while pending:
        path, rel = pending.pop()
        with _listed(path) as (fd, names):
            for name in names:
                try:
                    st = stat(name, dir_fd=fd, follow_symlinks=False)
                except OSError:
                    continue  # removed meanwhile
                if is_dir(st.st_mode):
                    pending.append((f"{path}/{name}", f"{rel}{name}/"))
                else:
                    paths.append(rel + name)
                    # stamp_text inline (a call per file costs the scan 2-3 ms)
                    found.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
    return paths, found


def listing(root: Path) -> str:
    """A digest of every entry the loader looks at; any change here (a file added, removed,
    renamed, made a folder or a link) sends the export down the full path."""
    return _pack_entries(root, stat=False)[0]


def _pack_entries(root: Path, *, stat: bool) -> tuple[str, Stamped]:
    """``listing``, and (``stat``) the stamp of every file it lists, links followed as the
    loader follows them. What an entry is comes with the folder's listing (``scandir``):
    only the stamps cost a system call each."""
    out: list[str] = []
    paths: list[str] = []
    found: list[str] = []
    for folder in FOLDERS:
        base = os.path.join(root, folder)
        if os.path.islink(base) or not os.path.isdir(base):
            out.append(f"{folder}:{'link' if os.path.islink(base) else 'other'}")
            continue
        pending = [(base, folder)]
        while pending:
            path, rel = pending.pop()
            with _scanned(path) as (fd, entries):
                for entry in entries:
                    where = f"{rel}/{entry.name}"
                    if entry.is_dir(follow_symlinks=False):
                        out.append(f"{where}/")
                        if folder == "skills":
                            pending.append((f"{path}/{entry.name}", where))
                        continue
                    out.append(f"{where}@" if entry.is_symlink() else where)
                    if stat:
                        try:
                            st = os.stat(entry.name, dir_fd=fd)
                        except OSError:
                            continue  # a dangling link: the loader reports it
                        paths.append(where)
                        # stamp_text inline, as in _walk
                        found.append(f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}")
    out.sort()
    listed = hashlib.sha256("\n".join(out).encode("utf-8", "surrogateescape")).hexdigest()
    return listed, Stamped.of(paths, found)


@contextlib.contextmanager
def _scanned(path: str) -> Iterator[tuple[int, list[os.DirEntry[str]]]]:
    """A folder's descriptor and its entries, the descriptor open while they are used;
    no entries when the folder cannot be read."""
    with _opened(path) as fd:
        try:
            with os.scandir(fd) as found:
                entries = list(found)
        except OSError:  # also when it could not be opened (-1)
            entries = []
        yield fd, entries


@contextlib.contextmanager
def _listed(path: str) -> Iterator[tuple[int, list[str]]]:
    """A folder's descriptor and the names in it, the descriptor open while they are
    used; no names when the folder cannot be read."""
    with _opened(path) as fd:
        try:
            names = os.listdir(fd)
        except OSError:  # also when it could not be opened (-1)
            names = []
        yield fd, names


@contextlib.contextmanager
def _opened(path: str) -> Iterator[int]:
    """The folder's descriptor (-1 when it cannot be opened), closed after use."""
    try:
        fd = os.open(path, _FOLDER)
    except OSError:
        yield -1
        return
    try:
        yield fd
    finally:
        os.close(fd)


_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def changed_rows(now: Sequence[object], then: Sequence[object]) -> Iterator[int]:
    """The indexes where two columns of equal length differ: blocks compared in C, rows
    one by one only inside a block that differs (a few in tens of thousands, typically)."""
    for start in range(0, len(now), _BLOCK):
        end = start + _BLOCK
        if now[start:end] != then[start:end]:
            yield from (i for i in range(start, min(end, len(now))) if now[i] != then[i])


_BLOCK = 256
