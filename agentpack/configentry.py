"""What an install adds to a user's config file, and what it records of it: the entry (a
member of an object, or one element of an array) and, in the ownership manifest, exactly
where it went, a digest of its value and how to give the file back as it was."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from agentpack import restore as restoring


@dataclass(frozen=True, slots=True)
class Entry:
    """One value for a configuration file: the member at ``keys`` or, with ``append``, one
    element of the array at ``keys``. Missing objects on the way are created."""

    file: Path
    keys: tuple[str, ...]
    value: Any
    append: bool = False
    private: bool = False
    """A file made for it is its owner's alone, as the tools make the user's own files
    (``~/.claude.json`` keeps the secrets of ``claude mcp add``, and keeps the mode it finds)."""

    @property
    def where(self) -> str:
        return f"{self.file}: {'.'.join(self.keys)}" + (" []" if self.append else "")


@dataclass(frozen=True, slots=True)
class Record:
    """What an install added for one entry, as the ownership manifest keeps it: the item it
    inserted is at ``keys[:depth + 1]`` (an element of the array at ``keys`` when
    ``depth == len(keys)``), with ``tail`` after it; ``created`` when the file was new and
    ``trail`` the whitespace that ended the file before."""

    file: str
    keys: tuple[str, ...]
    digest: str
    append: bool = False
    depth: int = 0
    tail: str = ""
    created: bool = False
    trail: str = ""
    made: tuple[str, ...] = ()
    """Folders made for the file, deepest first (removed again when empty)."""
    blank: bool = False
    """The JSON file held only whitespace (``trail``), read as ``{}``: it gets it back."""
    restore: restoring.Restore | None = None
    """How to give the file back as it was before the install (``restore.made``), while
    it holds what the install left; the same in each record of the file."""

    @staticmethod
    def load(data: dict[str, Any], base: Path) -> Record:
        """A record as the install manifest of the folder ``base`` keeps it: its file and
        folders by paths from ``base`` (older manifests: absolute ones, which stay so)."""
        files = [base / data["file"], *(base / m for m in data.get("made", ()))]
        file, *made = [os.path.normpath(f) for f in files]
        known = {k: v for k, v in data.items() if k in Record.__dataclass_fields__}  # a newer
        known["restore"] = restoring.loaded(data.get("restore"))
        return Record(**{**known, "file": file, "keys": tuple(data["keys"]), "made": tuple(made)})

    def dump(self, base: Path) -> dict[str, Any]:
        """The record for the install manifest of the folder ``base``: the files by paths
        from it, so that a project moved or copied with its manifest edits its own files,
        not the first's."""
        file, *made = [os.path.relpath(f, base) for f in (self.file, *self.made)]
        return {**asdict(self), "file": file, "keys": list(self.keys), "made": made}

    def same_value(self, other: Record) -> bool:
        """Whether ``other`` (another pack's) records the same value at the same place."""
        mine = (self.file, self.keys, self.append, self.digest)
        return mine == (other.file, other.keys, other.append, other.digest)

    def same_entry(self, entry: Entry) -> bool:
        """Whether this records ``entry``: the member at its keys, or for an array, the
        element of that value (two hook groups of one event are two entries)."""
        same = (self.file, self.keys, self.append) == (str(entry.file), entry.keys, entry.append)
        return same and (not self.append or self.digest == digest(entry.value))


def digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
