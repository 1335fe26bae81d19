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


Scan = dict[str, str]
"""What ``walk`` finds: stamps by path."""


def walk(out_dir: Path, names: Iterable[str] | None = None) -> Scan:
    """The stamp of every file under the target folders ``names`` (None: every folder in
    ``out_dir``), by path relative to ``out_dir``."""
    found: Scan = {}
    base = os.fspath(out_dir)
    if names is None:
        with contextlib.suppress(OSError), os.scandir(base) as top:
            names = [e.name for e in top if e.is_dir(follow_symlinks=False)]
    for name in names or ():
        pending = [(os.path.join(base, name), name)]
        while pending:
            path, rel = pending.pop()
            try:
                entries = list(os.scandir(path))
            except OSError:
                continue
            for entry in entries:
                where = f"{rel}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, where))
                    continue
                with contextlib.suppress(OSError):
                    st = entry.stat(follow_symlinks=False)
                    found[where] = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
    return found


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


def changed_rows(now: Sequence[object], then: Sequence[object]) -> Iterator[int]:
    """The indexes where two columns of equal length differ: blocks compared in C, rows
    one by one only inside a block that differs (a few in tens of thousands, typically)."""
    for start in range(0, len(now), _BLOCK):
        end = start + _BLOCK
        if now[start:end] != then[start:end]:
            yield from (i for i in range(start, min(end, len(now))) if now[i] != then[i])


_BLOCK = 256
