"""The canonical source files an import writes into a pack: an existing file is replaced
only with ``force`` (import never overwrites a source file by surprise), and nothing is
written through a symlink."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from agentpack.errors import OutputError, UnsafePath
from agentpack.outputs import OutFile
from agentpack.writer import check_path, no_symlinks, replace_file


@dataclass(frozen=True, slots=True)
class SourceWrite:
    """What writing one file into the pack (an import) did or would do."""

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
        no_symlinks(root, out.path)
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
                replace_file(path, out.data, executable=out.executable)
            except OSError as exc:
                raise OutputError(f"writing {path} failed: {exc}") from exc
        results.append(SourceWrite(out.path, "write"))
    return results
