"""``dist/manifest.json``: the record of what an export generated.

It lists the sha256 of every generated file by ``<target>/<path>``, and of the files a target
puts in the pack root (a marketplace), with the agentpack version and the pack that made them.
An export of some targets keeps the entries of the others. This module is the only place
that reads or writes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agentpack._version import __version__
from agentpack.model import Manifest

FILE = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Record:
    """The generated files of an output folder, and which pack (and version) made them."""

    pack: Mapping[str, str] = field(default_factory=dict)
    """``name`` and ``version`` of the pack."""
    files: Mapping[str, str] = field(default_factory=dict)
    """``<target>/<path>`` -> sha256."""
    pack_files: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """target -> pack-root path -> sha256."""

    @staticmethod
    def read(out_dir: Path) -> Record | None:
        """The record an output folder holds; None when there is none (or it is damaged,
        which an export then replaces)."""
        try:
            data = json.loads((out_dir / FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        pack, files, packs = data.get("pack"), data.get("files"), data.get("pack_files")
        return Record(
            {str(k): str(v) for k, v in pack.items()} if isinstance(pack, dict) else {},
            {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {},
            {
                str(t): {str(k): str(v) for k, v in entries.items()}
                for t, entries in (packs.items() if isinstance(packs, dict) else ())
                if isinstance(entries, dict)
            },
        )

    def of_target(self, target: str) -> dict[str, str]:
        """One target's files, by path inside its folder."""
        prefix = f"{target}/"
        return {k[len(prefix) :]: v for k, v in self.files.items() if k.startswith(prefix)}

    def updated(
        self,
        manifest: Manifest,
        built: Collection[str],
        files: Mapping[str, str],
        pack_files: Mapping[str, Mapping[str, str]],
    ) -> Record:
        """This record with the entries of the ``built`` targets replaced."""
        kept = {k: v for k, v in self.files.items() if k.split("/", 1)[0] not in built}
        kept_pack = {t: dict(v) for t, v in self.pack_files.items() if t not in built}
        for target, entries in pack_files.items():
            kept_pack.setdefault(target, {}).update(entries)
        return Record(
            {"name": manifest.name, "version": manifest.version},
            {**kept, **files},
            kept_pack,
        )

    def text(self) -> bytes:
        document = {
            "generator": "agentpack",
            "agentpack": __version__,
            "pack": dict(self.pack),
            "files": dict(sorted(self.files.items())),
            "pack_files": {t: dict(sorted(v.items())) for t, v in sorted(self.pack_files.items())},
        }
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
