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
from collections.abc import Iterable
from pathlib import Path


def stamp_text(st: os.stat_result) -> str:
    """``size:mtime_ns:ctime_ns:inode``: a file changed by any means gets another one
    (ctime cannot be set back, unlike mtime)."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


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


Scan = tuple[dict[str, str], dict[str, int]]
"""What ``walk`` finds: stamps and mtimes (ns) by path."""


def walk(out_dir: Path, names: Iterable[str] | None = None) -> Scan:
    """Every file under the target folders ``names`` (None: every folder in ``out_dir``):
    its stamp and its mtime (ns), by path relative to ``out_dir``."""
    stamps: dict[str, str] = {}
    mtimes: dict[str, int] = {}
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
                    stamps[where] = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
                    mtimes[where] = st.st_mtime_ns
    return stamps, mtimes
