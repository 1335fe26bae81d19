"""Where a pack and its output are: the pack a command works on, the output folder, the
target registry. Light to import: an export finds its folders before loading anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agentpack.errors import UsageError
from agentpack.layout import MANIFEST

if TYPE_CHECKING:
    from agentpack.targets import Registry
    from agentpack.targets.base import Context

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_pack() -> Path:
    """The reference pack shipped in the wheel, or the repository root in a source checkout."""
    installed = _PACKAGE / "_data" / "pack"
    return installed if (installed / MANIFEST).is_file() else _PACKAGE.parent


@dataclass(frozen=True, slots=True)
class PackLocation:
    """Which pack an operation works on; ``bundled``: the reference pack shipped with
    agentpack (nothing is written into it)."""

    root: Path
    bundled: bool


def locate(pack: Path | str | None) -> PackLocation:
    """``--pack`` if given; else the current directory if it is a pack; else the bundled one."""
    if pack is not None:
        root = Path(pack)
        if not root.is_dir():
            raise UsageError(f"{root}: no such folder; pass --pack with a pack folder")
        return PackLocation(root.resolve(), False)
    cwd = Path.cwd()
    if (cwd / MANIFEST).is_file():
        return PackLocation(cwd, False)
    return PackLocation(bundled_pack(), True)


def registry() -> Registry:
    from agentpack.targets import Registry

    return Registry()


def default_out(where: PackLocation) -> Path:
    # Never write into site-packages: the bundled pack exports to ./dist.
    return (Path.cwd() if where.bundled else where.root) / "dist"


def context_for(out_dir: Path, root: Path) -> Context:
    from agentpack.targets.base import Context

    try:
        return Context(out_dir.resolve().relative_to(root.resolve()).as_posix())
    except ValueError:
        return Context(None)
