"""One target's files as an export claims them: two files on one name (also on a
case-folding or normalising file system) are an error unless they are the same file."""

from __future__ import annotations

from agentpack.errors import UnsafePath
from agentpack.outputs import collision_key, path_problem
from agentpack.writer import Wanted


def _fold(path: str) -> str:
    return path.lower() if path.isascii() else collision_key(path)


class Claims:
    """A target's files: those of its items, gathered in order and settled at once (most
    come from the cache, and a re-export of a large pack claims tens of thousands), then
    its pack-level files one by one."""

    def __init__(self, target: str, wanted: dict[str, Wanted]) -> None:
        self.target, self.wanted = target, wanted
        self.keys: dict[str, str] = {}
        """The folded name of each path taken, for the clash check."""
        self.pending: list[tuple[str, Wanted]] = []

    def add(self, path: str, file: Wanted, *, checked: bool = False) -> None:
        """An item's file, taken at ``settle``. ``checked``: the path was checked when the
        cached record was made."""
        if not checked and (problem := path_problem(path)):
            raise UnsafePath(f"refusing to write {path!r}: the path {problem}")
        self.pending.append((path, file))

    def extend(self, files: list[tuple[str, Wanted]]) -> None:
        """Files of a cached record, whose paths were checked when it was made."""
        self.pending += files

    def settle(self) -> None:
        """Take the files added so far, in order: at once when no two of them share a
        folded name (the usual case), else one by one, which keeps the first of two same
        files and names the clash of two different ones."""
        pending, self.pending = self.pending, []
        if not self.wanted:
            wanted = dict(pending)
            keys = {_fold(path): path for path in wanted}
            if len(keys) == len(wanted) == len(pending):
                self.wanted.update(wanted)
                self.keys = keys
                return
        for path, file in pending:
            self.take(path, file, checked=True)

    def take(self, path: str, file: Wanted, *, checked: bool = False) -> None:
        """A file, taken now."""
        if not checked and (problem := path_problem(path)):
            raise UnsafePath(f"refusing to write {path!r}: the path {problem}")
        earlier = self.keys.setdefault(_fold(path), path)
        if earlier != path or path in self.wanted:
            if self.wanted[earlier].digest != file.digest:
                raise UnsafePath(
                    f"two files would be written to {path!r} ({self.target}); names must "
                    "differ, also in letter case and Unicode normalisation"
                )
            return
        self.wanted[path] = file
