"""Install and uninstall: a target's files into a tool's own folder, with an ownership
manifest (``agentpack.install``).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING

from agentpack.api.pack import load_pack
from agentpack.api.where import registry
from agentpack.errors import UsageError
from agentpack.model import Pack
from agentpack.targets import Registry
from agentpack.targets.base import Context, Report

if TYPE_CHECKING:
    from agentpack import install as installer


INSTALLED_FOLDERS = ("agents", "commands", "skills")
"""What a tool reads from its config folder; plugin manifests and marketplaces stay out."""


def _project_root() -> Path:
    here = Path.cwd()
    return next((p for p in (here, *here.parents) if (p / ".git").exists()), here)


def destination(
    tool: str, scope: str, dest: Path | str | None = None, *, targets: Registry | None = None
) -> Path:
    if dest is not None:
        return Path(dest)
    if scope not in ("user", "project"):
        raise UsageError(f"unknown scope {scope!r}; use user or project")
    target = (targets or registry()).get(tool)
    folder: Path = target.install_root(scope, os.environ, Path.home(), _project_root())
    return folder


def _target_folder(
    tool: str, pack: Path | str | None, scope: str, dest: Path | str | None, reg: Registry
) -> tuple[Pack, Path]:
    loaded = load_pack(pack, targets=reg)
    return loaded, destination(tool, scope, dest, targets=reg)


def install(
    tool: str,
    pack: Path | str | None = None,
    scope: str = "user",
    dest: Path | str | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    targets: Registry | None = None,
) -> installer.Outcome:
    """Copy one target's agents, commands and skills into the tool's folder, recording
    what was written; never overwrite a file agentpack did not write (unless ``force``)."""
    reg = targets or registry()
    loaded, folder = _target_folder(tool, pack, scope, dest, reg)
    # plugin groups matter to a marketplace, not to a tool's folder: install them flat
    flat = dataclasses.replace(
        loaded.for_target(tool), manifest=dataclasses.replace(loaded.manifest, plugins=())
    )
    files = [
        f
        for f in reg.get(tool).render(flat, Report(), Context(None))
        if f.area == "dist" and f.path.split("/", 1)[0] in INSTALLED_FOLDERS
    ]
    from agentpack import install as installer

    return installer.install(files, folder, loaded.manifest.name, force=force, dry_run=dry_run)


def uninstall(
    tool: str,
    pack: Path | str | None = None,
    scope: str = "user",
    dest: Path | str | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    targets: Registry | None = None,
) -> installer.Outcome:
    """Remove exactly the files an install recorded and nobody changed since."""
    loaded, folder = _target_folder(tool, pack, scope, dest, targets or registry())
    from agentpack import install as installer

    return installer.uninstall(folder, loaded.manifest.name, force=force, dry_run=dry_run)
