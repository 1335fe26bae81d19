"""What a target produces: files with a relative path, bytes, and the pack file they came from.

Lives below both the targets and the writer, which must not import each other.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from agentpack.model import SourceRef

Area = Literal["dist", "pack"]

Stat = tuple[int, int, int, int, bool]
"""What a file's stat says of its content: size, mtime, ctime (ns), inode, and whether its
owner may run it."""


def stat_of(st: os.stat_result) -> Stat:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, bool(st.st_mode & 0o100))


def is_executable(path: str | os.PathLike[str]) -> bool:
    """Whether the file's owner may run it: a pack's scripts and a skill's tools keep that
    bit wherever they are copied (a server started as ``${PLUGIN_ROOT}/bin/server`` or a
    hook that runs its script alone fails without it)."""
    return bool(os.stat(path).st_mode & 0o100)


@dataclass(frozen=True, slots=True)
class OutFile:
    """One generated file. ``area`` "dist": ``path`` is relative to the target's folder under the
    output dir; "pack": relative to the pack root (e.g. a marketplace that must sit there)."""

    path: str
    data: bytes
    source: str | None = None
    area: Area = "dist"
    executable: bool = False
    """Written with the execute bits (as the umask allows): a copied script or program."""

    @staticmethod
    def text(path: str, text: str, source: SourceRef | None = None, area: Area = "dist") -> OutFile:
        if not text.endswith("\n"):
            text += "\n"
        return OutFile(path, text.encode("utf-8"), source.path if source else None, area)


_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_BAD_CHARS = re.compile(r'[\x00-\x1f<>:"|?*\\]')


_PLAIN_PART = r"(?!(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|/|$))[\w-]+(?:\.[\w-]+)*"
_PLAIN_PATH = re.compile(rf"(?:{_PLAIN_PART}/)*{_PLAIN_PART}", re.ASCII | re.IGNORECASE)
"""Paths made only of letters, digits, ``_``, ``-`` and inner dots, no reserved name: most
paths a target writes, accepted without looking at each part."""


def path_problem(path: str) -> str | None:
    """Why ``path`` cannot be written safely on every system, or None.

    Relative POSIX paths only: no absolute path, drive letter, ``..``, empty or ``.`` part,
    backslash, control character or character Windows refuses, no name Windows reserves
    (CON, AUX, NUL, COM1, ...), no part ending in a space or a dot."""
    if _PLAIN_PATH.fullmatch(path):
        return None
    if not path or path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return "is absolute"
    for part in path.split("/"):
        problem = _part_problem(part)
        if problem:
            return problem
    return None


@functools.lru_cache(maxsize=1024)
def _part_problem(part: str) -> str | None:
    # cached: folder names repeat in every path of an export
    if part in ("", ".", ".."):
        return "has an empty, '.' or '..' part"
    if _BAD_CHARS.search(part):
        return 'has a character Windows or the shell cannot take (\\ : * ? " < > | or control)'
    if _RESERVED.match(part):
        return "has a name Windows reserves (CON, AUX, NUL, COM1, ...)"
    if part.endswith((" ", ".")):
        return "has a name ending in a space or a dot, which Windows drops"
    return None


def collision_key(path: str) -> str:
    """Paths that name the same file on a case-insensitive, normalising file system
    (Windows, macOS) get the same key."""
    return unicodedata.normalize("NFC", path).casefold()


def reserved_name(name: str) -> bool:
    return _RESERVED.match(name) is not None


@dataclass(slots=True)
class FolderFiles:
    """What one target's folder is to hold: each file's sha256, the bytes of those the export
    cache did not vouch for, and which files are executable. Tables by path rather than an
    object per file: a re-export of a large pack takes tens of thousands of files from the
    cache, in a few dict updates, and looks at the few it rendered."""

    digests: dict[str, str] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)
    """Every file the export rendered; a file of ``digests`` missing here is on disk as the
    cache recorded it."""
    runs: set[str] = field(default_factory=set)
    """The executable files."""

    def add(self, path: str, digest: str, data: bytes, executable: bool = False) -> None:
        self.digests[path] = digest
        self.data[path] = data
        if executable:
            self.runs.add(path)
