"""The export cache on disk: the tables as one export left them, then what each later export
changed in them, appended. A re-export that changed one item of a large pack so writes a
few kilobytes instead of the whole cache again; once the appended changes outgrow half of
the tables, the next export writes them whole.

Each part is a ``marshal`` dump after its length (8 bytes, little-endian). Reading applies
the changes in order; a file that is damaged anywhere is no cache at all.
"""

from __future__ import annotations

import marshal
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_LENGTH = struct.Struct("<Q")
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


def read(path: Path) -> Read | None:
    """The tables with every appended change applied; None when there is no file, or it
    is damaged (a part cut short, a part that is not a dump)."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            blob = handle.read()
    except OSError:
        return None
    parts = _parts(memoryview(blob))
    if not parts:
        return None
    try:
        data = marshal.loads(parts[0])
        for part in parts[1:]:
            _apply(data, marshal.loads(part))
    except (ValueError, EOFError, TypeError, KeyError, AttributeError):
        return None
    if type(data) is not dict:
        return None
    return Read(data, (st.st_size, st.st_mtime_ns, st.st_ino), len(parts[0]))


def _parts(blob: memoryview) -> list[memoryview]:
    parts, at = [], 0
    while at < len(blob):
        if at + _LENGTH.size > len(blob):
            return []
        (size,) = _LENGTH.unpack_from(blob, at)
        at += _LENGTH.size
        if at + size > len(blob):
            return []
        parts.append(blob[at : at + size])
        at += size
    return parts


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
    temp.write_bytes(_part(data))
    os.replace(temp, path)


def append(path: Path, changes: Mapping[str, Any], was: Read) -> bool:
    """Append ``changes`` (made against ``was``) to the file; False, writing nothing, when
    the file is no longer the one read, or its changes would outgrow half its tables."""
    part = _part(changes)
    st = os.stat(path)
    if (st.st_size, st.st_mtime_ns, st.st_ino) != was.stamp:
        return False
    if st.st_size + len(part) - was.base > was.base // 2:
        return False
    with open(path, "ab") as handle:
        handle.write(part)
    return True


def _part(data: Mapping[str, Any]) -> bytes:
    dump = marshal.dumps(dict(data))
    return _LENGTH.pack(len(dump)) + dump
