"""Install and uninstall: a target's files into the tool's own folders, with an ownership
record in each (``agentpack.install``).

A target says where a scope's files go (``Target.install_roots``): one folder for most
tools, more for a tool that reads its kinds of file from several (Codex reads agents from
``~/.codex`` and skills from ``~/.agents``). ``--dest DIR`` puts the target's files under
DIR as they are laid out in ``dist/<target>/``.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from agentpack import install as installer
from agentpack.api.pack import load_pack
from agentpack.api.where import PackInput, locate, registry
from agentpack.errors import UsageError
from agentpack.load.fields import MANIFEST
from agentpack.model import Manifest
from agentpack.outputs import OutFile
from agentpack.source import SourceError
from agentpack.targets import Registry
from agentpack.targets.base import Context, InstallRoot, Report, Setup, Target, render
from agentpack.yamldoc import parse_yaml


def _project_root() -> Path:
    here = Path.cwd()
    return next((p for p in (here, *here.parents) if (p / ".git").exists()), here)


def roots(
    tool: str, scope: str, dest: Path | str | None = None, *, targets: Registry | None = None
) -> tuple[InstallRoot, ...]:
    """Where an install of ``tool`` writes, for a scope (or into ``dest``)."""
    if scope not in ("user", "project"):
        raise UsageError(f"unknown scope {scope!r}; use user or project")
    target = (targets or registry()).get(tool)
    found = target.install_roots(scope, os.environ, Path.home(), _project_root())
    if dest is not None:
        prefixes = tuple(dict.fromkeys(p for r in found for p in r.prefixes))
        return (InstallRoot(Path(dest), prefixes, twins=found[0].twins, caution=found[0].caution),)
    return found


def destination(
    tool: str, scope: str, dest: Path | str | None = None, *, targets: Registry | None = None
) -> Path:
    """The folder an install writes into (the nearest folder holding all of them)."""
    return _common(roots(tool, scope, dest, targets=targets))


def _common(found: tuple[InstallRoot, ...]) -> Path:
    return (
        Path(os.path.commonpath([r.folder for r in found])) if len(found) > 1 else found[0].folder
    )


def install(
    tool: str,
    pack: PackInput = None,
    scope: str = "user",
    dest: Path | str | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    targets: Registry | None = None,
) -> installer.Outcome:
    """Copy one target's files into the tool's folders, recording what was written; never
    overwrite a file agentpack did not write (unless ``force``)."""
    reg = targets or registry()
    loaded = load_pack(pack, targets=reg)
    where = roots(tool, scope, dest, targets=reg)
    # plugin groups matter to a marketplace, not to a tool's folder: install them flat
    flat = dataclasses.replace(loaded, manifest=dataclasses.replace(loaded.manifest, plugins=()))
    files = [
        f
        for f in render(reg.get(tool), flat, Report(), Context(None), reg.spellings())
        if f.area == "dist"
    ]
    # servers and hooks go into the user's own config files: only for a scope, not --dest
    setup = Setup() if dest is not None else _setup(reg.get(tool), loaded.manifest, scope)
    outcomes = []
    for n, root in enumerate(where):
        mine = [
            dataclasses.replace(f, path=f.path.removeprefix(root.strip))
            for f in files
            if f.path.startswith(root.prefixes)
        ]
        outcomes.append(
            installer.install(
                [*mine, *setup.files] if n == 0 else mine,
                root.folder,
                loaded.manifest.name,
                entries=setup.entries if n == 0 else (),
                force=force,
                dry_run=dry_run,
                twins=root.twins,
            )
        )
    outcome = installer.merged(_common(where), outcomes)
    outcome.actions += [installer.Action(tool, "note", n) for n in setup.notes]
    outcome.actions += _cautions(where, files)
    listed = loaded.manifest.targets
    unbuilt = sum(1 for i in loaded.items() if i.targets is None) if tool not in listed else 0
    if unbuilt and listed:  # as export says: those items are not built for it
        outcome.actions.append(
            installer.Action(
                tool,
                "note",
                f"{tool} is not among the pack's targets, so the {unbuilt} items without a "
                f"targets: list of their own are not installed; add {tool} to targets: in "
                "agentpack.yaml",
            )
        )
    return outcome


def _cautions(where: tuple[InstallRoot, ...], files: list[OutFile]) -> list[installer.Action]:
    """One note for each thing another tool reading an install folder makes wider, with
    the files it concerns (a pack may have hundreds of them)."""
    found: dict[str, list[str]] = {}
    for root in where:
        caution = root.caution
        mine = [f for f in files if f.path.startswith(root.prefixes)] if caution else []
        for f in mine:
            for why in caution(f) if caution is not None else ():
                found.setdefault(why, []).append(f.path.removeprefix(root.strip))
    notes = []
    for why, paths in found.items():
        more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        notes.append(installer.Action(", ".join(paths[:3]) + more, "note", why))
    return notes


def _setup(target: Target, manifest: Manifest, scope: str) -> Setup:
    """What the target adds to the tool's own config files; a user's files that the
    install makes are made as the tools make them, for their owner alone."""
    setup = target.setup(manifest, scope, os.environ, Path.home(), _project_root())
    if scope == "user":
        entries = tuple(dataclasses.replace(e, private=True) for e in setup.entries)
        setup = dataclasses.replace(setup, entries=entries)
    return setup


def uninstall(
    tool: str,
    pack: PackInput = None,
    scope: str = "user",
    dest: Path | str | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    targets: Registry | None = None,
    name: str | None = None,
) -> installer.Outcome:
    """Remove exactly the files an install recorded and nobody changed since; ``name``:
    the pack's, when its folder is gone or does not load (only its name is needed)."""
    reg = targets or registry()
    name = name or _name(pack, reg)
    where = roots(tool, scope, dest, targets=reg)
    outcomes = [
        installer.uninstall(root.folder, name, force=force, dry_run=dry_run) for root in where
    ]
    return installer.merged(_common(where), outcomes)


def _name(pack: PackInput, reg: Registry) -> str:
    """The pack's name, read from its manifest alone: a pack with an item half written
    can still be uninstalled."""
    try:
        where = locate(pack)
    except UsageError as exc:
        raise UsageError(f"{exc}, or --name with the pack's name") from None
    try:
        found = parse_yaml((where.root / MANIFEST).read_text(encoding="utf-8")).data
    except (OSError, UnicodeDecodeError, SourceError):
        found = None
    if isinstance(found, dict) and isinstance(found.get("name"), str) and found["name"]:
        return str(found["name"])
    return load_pack(where, targets=reg).manifest.name  # says what is wrong with it
