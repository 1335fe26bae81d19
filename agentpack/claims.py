"""One target's files as an export claims them: two files on one name (also on a
case-folding or normalising file system) are an error unless they are the same file."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from agentpack.errors import UnsafePath
from agentpack.outputs import FolderFiles, collision_key, path_problem


def _fold(path: str) -> str:
    return path.lower() if path.isascii() else collision_key(path)


class Claims:
    """A target's files: those the cache gives back, taken whole, then those rendered now,
    one by one. ``known``: the paths the last export of the target claimed, all together
    and without a clash; a path among them cannot clash with another of them, so the
    folded names of a large target are only worked out once a path new to it comes."""

    def __init__(self, target: str, files: FolderFiles, known: Collection[str] = ()) -> None:
        self.target, self.files, self.known = target, files, known
        self.keys: dict[str, str] | None = None
        """The folded name of each path taken (None: no new path came yet)."""

    def reuse(self, pairs: Iterable[tuple[str, str]], runs: Iterable[str]) -> None:
        """The files of a cached render, (path, sha256), on disk as recorded; all among
        ``known``."""
        pairs = tuple(pairs)
        self.files.digests.update(pairs)
        self.files.runs.update(runs)
        if self.keys is not None:
            self.keys.update((_fold(path), path) for path, _ in pairs)

    def take(
        self,
        path: str,
        digest: str,
        data: bytes,
        executable: bool = False,
    ) -> None:
        """A rendered file. The first of two same files is kept."""
        if problem := path_problem(path):
            raise UnsafePath(f"refusing to write {path!r}: the path {problem}")
        digests = self.files.digests
        if path not in self.known and self.keys is None:
            self.keys = {_fold(p): p for p in digests}
        if self.keys is not None:
            earlier = self.keys.setdefault(_fold(path), path)
            if earlier != path and digests[earlier] != digest:
                self._clash(path)
            if earlier != path:
                return
        found = digests.get(path)
        if found is not None:
            if found != digest:
                self._clash(path)
            return
        self.files.add(path, digest, data, executable)

    def _clash(self, path: str) -> None:
        raise UnsafePath(
            f"two files would be written to {path!r} ({self.target}); names must "
            "differ, also in letter case and Unicode normalisation"
        )
