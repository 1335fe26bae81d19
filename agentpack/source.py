"""Reading pack files: bytes -> text -> frontmatter + body, with the line numbers findings
point at. YAML lives in ``agentpack.yamldoc``.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TOMLError = tomllib.TOMLDecodeError

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Larger than any model's context window; a bigger file is a mistake, not a prompt."""


class SourceError(Exception):
    """A problem at one place in one file; the loader adds the path and makes a Finding."""

    def __init__(self, line: int, col: int, field: str, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.field, self.message = line, col, field, message


def read_bytes(path: str | Path, limit: int = MAX_FILE_BYTES) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its stat (taken before the read, so that a later change always
    shows), or a SourceError that says why not: one open, one fstat and one read."""
    try:
        # not blocking: a named pipe where a file should be would wait for a writer forever
        flags = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, os.O_RDONLY | flags)
    except IsADirectoryError as exc:  # Windows refuses to open a folder
        raise SourceError(1, 1, "-", "this is a directory where a file was expected") from exc
    except OSError as exc:
        raise SourceError(1, 1, "-", f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise SourceError(1, 1, "-", "this is a directory where a file was expected")
        if not stat.S_ISREG(st.st_mode):
            raise SourceError(1, 1, "-", "this is a pipe or a device, not a file; remove it")
        if st.st_size > limit:
            raise SourceError(
                1,
                1,
                "-",
                f"the file is {st.st_size / 1048576:.1f} MiB; the limit is "
                f"{limit // 1048576} MiB per file (see README, Limits)",
            )
        # sized reads: asking for the limit at once made Python allocate 4 MiB per file
        chunks = [os.read(fd, st.st_size + 1)]
        while chunks[-1] and sum(map(len, chunks)) <= limit:
            chunks.append(os.read(fd, 65536))
        data = b"".join(chunks)
    except OSError as exc:
        raise SourceError(1, 1, "-", f"cannot read the file: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise SourceError(1, 1, "-", f"the file is larger than {limit // 1048576} MiB")
    return data, st


def read_text(path: Path) -> str:
    """The file as text with LF line ends and no BOM, or a SourceError that says why not."""
    return decode(read_bytes(path)[0])


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            line,
            col,
            "-",
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


@dataclass(frozen=True, slots=True)
class Split:
    """A markdown file cut at its frontmatter fences, with the line numbers findings
    point at."""

    frontmatter: str | None
    """The YAML between the fences, or None when the file has no frontmatter."""
    fm_line: int
    """Line number of the first frontmatter line (after the opening fence)."""
    body: str
    body_line: int


def split_frontmatter(text: str) -> Split:
    """Split ``---`` fenced YAML from the markdown body, keeping the body byte for byte.

    (python-frontmatter strips the body and its fence pattern can swallow blank lines,
    so canonical files are split here; see README, Dependencies.)
    """
    first, sep, _ = text.partition("\n")
    if first.rstrip() != "---":
        return Split(None, 1, text, 1)
    offset = len(first) + len(sep)
    line = 2
    while offset <= len(text):
        end = text.find("\n", offset)
        current = text[offset:] if end < 0 else text[offset:end]
        if current.rstrip() == "---":
            body_start = len(text) if end < 0 else end + 1
            return Split(text[len(first) + len(sep) : offset], 2, text[body_start:], line + 1)
        if end < 0:
            break
        offset, line = end + 1, line + 1
    raise SourceError(
        1, 1, "-", "the frontmatter opened on line 1 is never closed; add a line '---' after it"
    )


def read_toml(text: str) -> dict[str, Any]:
    """A TOML document (``tomllib``, or ``tomli`` before Python 3.11); ``TOMLError`` when
    it is not one."""
    try:
        loaded: dict[str, Any] = tomllib.loads(text)
    except RecursionError:  # tables nested thousands deep
        raise _TooDeep from None
    return loaded


class _TooDeep(tomllib.TOMLDecodeError):  # type: ignore[misc, unused-ignore]  # tomli or tomllib
    def __init__(self) -> None:
        ValueError.__init__(self, "nested too deeply to read")


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def decode_error(exc: Exception) -> tuple[int, int, str]:
    """Where a JSON or TOML document stops being one, and why, for a one-line message
    placed at that line and column (1, 1 when the reader says no place)."""
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno, exc.colno, exc.msg
    text = str(exc)
    found = _AT.search(text)
    if found is None:
        return 1, 1, text
    return int(found[1]), int(found[2]), text[: found.start()]


def within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or in it once links are followed: a link on the way
    out (to ~/.ssh, say) is never read."""
    root, found = folder.resolve(), path.resolve()
    return found == root or root in found.parents


def project_of(path: Path) -> Path:
    """The folder a tool's file or folder given to ``import`` belongs to: past the tools'
    own folders (``.github/plugin/plugin.json`` is the repository's, as is ``.claude/``),
    whose files may link to the rest of it; never up to the home folder (``~/.claude``
    is fenced at itself, so a link there to ~/.ssh is not read)."""
    folder = Path(os.path.abspath(path))  # not through links: the fence is where it was given
    folder = folder if folder.is_dir() else folder.parent
    home = Path(os.path.abspath(Path.home()))
    while folder.name.startswith(".") or folder.name in ("plugin", "plugins"):
        if folder.parent in (home, folder):
            break
        folder = folder.parent
    return folder.resolve()
