"""What a target produces: files with a relative path, bytes, and the pack file they came from.

Lives below both the targets and the writer, which must not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agentpack.model import SourceRef

Area = Literal["dist", "pack"]


@dataclass(frozen=True, slots=True)
class OutFile:
    """One generated file. ``area`` "dist": ``path`` is relative to the target's folder under the
    output dir; "pack": relative to the pack root (e.g. a marketplace that must sit there)."""

    path: str
    data: bytes
    source: str | None = None
    area: Area = "dist"

    @staticmethod
    def text(path: str, text: str, source: SourceRef | None = None, area: Area = "dist") -> OutFile:
        if not text.endswith("\n"):
            text += "\n"
        return OutFile(path, text.encode("utf-8"), source.path if source else None, area)
