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
        """The record an output folder holds; None when there is none, or it is damaged or
        another program's (``damaged`` tells those two apart)."""
        try:
            data = json.loads((out_dir / FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("generator") != "agentpack":
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

    @staticmethod
    def damaged(out_dir: Path) -> bool | None:
        """Whether the folder's ``manifest.json``, which ``read`` could not take, is one of
        agentpack's records all the same (a merge left conflict markers in it); None when
        there is no such file, False when it is another program's (a web app's)."""
        try:
            text = (out_dir / FILE).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        return '"generator": "agentpack"' in text

    def updated(
        self,
        manifest: Manifest,
        built: Collection[str],
        files: Mapping[str, Mapping[str, str]],
        pack_files: Mapping[str, Mapping[str, str]],
    ) -> Record:
        """This record with the entries of the ``built`` targets replaced by ``files``
        (target -> path -> sha256)."""
        kept = {k: v for k, v in self.files.items() if k.split("/", 1)[0] not in built}
        kept.update((f"{t}/{p}", d) for t, found in files.items() for p, d in found.items())
        kept_pack = {t: dict(v) for t, v in self.pack_files.items() if t not in built}
        for target, entries in pack_files.items():
            kept_pack.setdefault(target, {}).update(entries)
        return Record(
            {"name": manifest.name, "version": manifest.version},
            kept,
            kept_pack,
        )

    def text(self) -> bytes:
        """The record as ``json.dumps(..., indent=2)`` writes it, built from the standard
        library's C encoder, flat mapping by flat mapping: with ``indent`` set, ``json``
        falls back to its Python encoder, which cost a fifth of a re-export."""
        pack_files = {t: _flat(dict(sorted(v.items())), 2) for t, v in self.pack_files.items()}
        parts = {
            "generator": _str("agentpack"),
            "agentpack": _str(__version__),
            "pack": _flat(self.pack, 1),
            "files": _flat(dict(sorted(self.files.items())), 1),
            "pack_files": _nested(dict(sorted(pack_files.items())), 1),
        }
        return (_nested(parts, 0) + "\n").encode("utf-8")


def _str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _flat(mapping: Mapping[str, str], depth: int) -> str:
    """A mapping of strings at ``depth``, as ``indent=2`` writes it. Encoded strings
    escape every newline, so the separator cannot occur inside one."""
    if not mapping:
        return "{}"
    pad = "  " * (depth + 1)
    inner = json.dumps(mapping, ensure_ascii=False, separators=(f",\n{pad}", ": "))
    return f"{{\n{pad}{inner[1:-1]}\n{'  ' * depth}}}"


def _nested(parts: Mapping[str, str], depth: int) -> str:
    """A mapping whose values are already encoded at ``depth + 1``."""
    if not parts:
        return "{}"
    pad = "  " * (depth + 1)
    lines = [f"{pad}{_str(k)}: {v}" for k, v in parts.items()]
    return "{\n" + ",\n".join(lines) + f"\n{'  ' * depth}}}"
