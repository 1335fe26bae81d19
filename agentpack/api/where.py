"""Where a pack and its output are: the pack a command works on, the output folder, the
target registry. Light to import: an export finds its folders before loading anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agentpack.errors import UsageError

if TYPE_CHECKING:
    from agentpack.targets import Registry
    from agentpack.targets.base import Context

_PACKAGE = Path(__file__).resolve().parent.parent
MANIFEST = "agentpack.yaml"


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


PackInput = Path | str | PackLocation | None
"""What an operation takes as its pack: a folder, a location already found, or None (the
pack the current folder is in, else the bundled one)."""


def find_pack(start: Path) -> Path | None:
    """The pack ``start`` is in: the nearest folder, from ``start`` upward, that holds a
    manifest (as git finds ``.git``); None when there is none."""
    start = start.resolve()
    return next((f for f in (start, *start.parents) if (f / MANIFEST).is_file()), None)


def locate(pack: Path | str | PackLocation | None) -> PackLocation:
    """``--pack`` if given; else the pack the current folder is in (its root, found
    upward); else the bundled one."""
    if isinstance(pack, PackLocation):
        return pack
    if pack is not None:
        root = Path(pack)
        if not root.is_dir():
            raise UsageError(f"{root}: no such folder; pass --pack with a pack folder")
        return PackLocation(root.resolve(), False)
    found = find_pack(Path.cwd())
    if found is not None:
        return PackLocation(found, False)
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
