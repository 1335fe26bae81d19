"""The export cache on disk: the tables as one export left them, then what each later export
changed in them, appended. A re-export that changed one item of a large pack so writes a
few kilobytes instead of the whole cache again; once the appended changes outgrow half of
the tables, the next export writes them whole.

Each part is a ``marshal`` dump after a head: its length, the token of the tables it was
made against (random, new each time they are written whole) and where in the file it was
meant to go. Reading applies the changes in order; a file that is damaged anywhere is no
cache at all, and so is one where two exports appended at once, or one appended to tables
another export had just written whole: the token or the place of a part then differs.
"""

from __future__ import annotations

import marshal
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HEAD = struct.Struct("<Q16sQ")
"""A part's length, token and place in the file."""
TABLES = ("sources", "items")
"""The tables by key; ``outputs`` holds two such tables per target."""

Changes = tuple[dict[Any, Any], list[Any]]
"""What changed in a table: the entries added or changed, and the keys gone."""


@dataclass(frozen=True, slots=True)
class Read:
    """What the file held, and enough of its stat to see that no other export wrote it
    since (then changes made against these tables do not belong after its own)."""

    data: dict[str, Any]
    stamp: tuple[int, int, int]
    """Size, mtime and inode of the file as read."""
    base: int
    """The size of the tables written whole."""
    token: bytes
    """The tables' token, which the changes appended to them carry."""


def read(path: Path) -> Read | None:
    """The tables with every appended change applied; None when there is no file, or it
    is damaged (a part cut short, a part that is not a dump)."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            blob = handle.read()
    except OSError:
        return None
    found = _parts(memoryview(blob))
    if found is None:
        return None
    token, parts = found
    try:
        data = marshal.loads(parts[0])
        for part in parts[1:]:
            _apply(data, marshal.loads(part))
    except (ValueError, EOFError, TypeError, KeyError, AttributeError):
        return None
    if type(data) is not dict:
        return None
    return Read(data, (st.st_size, st.st_mtime_ns, st.st_ino), len(parts[0]), token)


def _parts(blob: memoryview) -> tuple[bytes, list[memoryview]] | None:
    """The tables' token and the parts; None when a part is cut short, or carries another
    token or another place than where it stands."""
    parts: list[memoryview] = []
    at, token = 0, b""
    while at < len(blob):
        if at + _HEAD.size > len(blob):
            return None
        size, mark, place = _HEAD.unpack_from(blob, at)
        token = token or mark
        if mark != token or place != at or at + _HEAD.size + size > len(blob):
            return None
        at += _HEAD.size
        parts.append(blob[at : at + size])
        at += size
    return (token, parts) if parts else None


def _apply(data: dict[str, Any], changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if name in TABLES:
            apply(data[name], value)
        elif name == "outputs":
            outputs = data["outputs"]
            for target in value["gone"]:
                del outputs[target]
            for target, (stats, digests) in value["changed"].items():
                stats_now, digests_now = outputs.setdefault(target, ({}, {}))
                apply(stats_now, stats)
                apply(digests_now, digests)
        else:
            data[name] = value


def apply(table: dict[Any, Any], changes: Changes) -> None:
    """``changes`` made to ``table``, in place."""
    changed, gone = changes
    for key in gone:
        del table[key]
    table.update(changed)


def changes(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> Changes:
    """What turns ``old`` into ``new``. (Entries kept from the last export are the same
    objects, so that comparing them rarely goes deeper than their identity.)"""
    changed = {key: value for key, value in new.items() if old.get(key, _NONE) != value}
    return changed, list(old.keys() - new.keys())


_NONE = object()


def write(path: Path, data: Mapping[str, Any]) -> None:
    """The tables, whole, in place of the file (through a new file renamed onto it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        temp.write_bytes(_part(data, os.urandom(16), 0))
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def append(path: Path, changes: Mapping[str, Any], was: Read) -> bool:
    """Append ``changes`` (made against ``was``) to the file; False, writing nothing, when
    the file is no longer the one read, or its changes would outgrow half its tables."""
    part = _part(changes, was.token, was.stamp[0])
    try:
        st = os.stat(path)
    except OSError:
        return False  # gone (a cleared cache folder): written whole
    if (st.st_size, st.st_mtime_ns, st.st_ino) != was.stamp:
        return False
    if st.st_size + len(part) - was.base > was.base // 2:
        return False
    with open(path, "ab") as handle:
        handle.write(part)
    return True


def _part(data: Mapping[str, Any], token: bytes, place: int) -> bytes:
    dump = marshal.dumps(dict(data))
    return _HEAD.pack(len(dump), token, place) + dump
