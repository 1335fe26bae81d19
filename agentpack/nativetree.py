"""Finding a tool's native files in a folder: markdown files, skill folders and their
resources, and a tool's tree read where the tool reads each kind (everything else in it is
reported as skipped)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from agentpack.filereport import FileReport
from agentpack.model import Resource
from agentpack.native import Importing, slug
from agentpack.outputs import is_executable
from agentpack.secrets import file_secret
from agentpack.source import within


def markdown_files(folder: Path) -> list[Path]:
    """Every markdown file under ``folder``, sorted (one linked from outside the folder
    imported is refused when read)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.md") if p.is_file())


def skill_folders(folder: Path) -> list[Path]:
    """``folder`` when it is a skill (it holds a SKILL.md), else the skills directly in it."""
    if (folder / "SKILL.md").is_file():
        return [folder]
    if not folder.is_dir():
        return []
    return [f for f in sorted(folder.iterdir()) if (f / "SKILL.md").is_file()]


def resources(folder: Path, report: FileReport) -> tuple[Resource, ...]:
    """The files beside a skill's SKILL.md, byte for byte; a symlink out of the skill is
    reported as dropped."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if rel == "SKILL.md":
                continue
            if path.is_symlink() and not within(path, folder):
                report.dropped.append(f"{rel} (a symlink out of the skill)")
                continue
            data = path.read_bytes()
            if why := file_secret(rel, data):
                report.dropped.append(f"{rel} (may hold credentials, {why}: no pack file may)")
                continue
            out.append(Resource(rel, data, is_executable(path)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a tool reads each kind of markdown file in its tree."""

    agents: tuple[str, ...]
    commands: tuple[str, ...]
    skills: tuple[str, ...]


def read_tree(folder: Path, run: Importing, dialect: str, layout: Layout) -> set[Path]:
    """Every agent, command and skill where ``layout`` says a tool reads them; the folders
    taken (their other files are reported as skipped)."""
    taken: set[Path] = set()
    for kind, subs in (("agent", layout.agents), ("command", layout.commands)):
        for sub in subs:
            base = folder / sub
            if not base.is_dir():
                continue
            taken.add(base)
            for file in sorted(p for p in base.rglob("*") if p.is_file() or p.is_symlink()):
                if file.suffix == ".md" and file.is_file() and not file.is_symlink():
                    run.file(file, dialect, kind)
                else:
                    run.skip(file, f"not a {kind} file (the tool reads *.md here)")
    for sub in layout.skills:
        base = folder / sub
        if not base.is_dir():
            continue
        taken.add(base)
        for entry in sorted(base.iterdir()):
            if (entry / "SKILL.md").is_file():
                run.skill(entry, dialect)
            else:
                run.skip(entry, "not a skill (a skill is a folder with a SKILL.md)")
    return taken


def skip_rest(folder: Path, taken: set[Path], run: Importing, tool: str) -> None:
    """Report every entry of a tool's tree that was not read."""
    for entry in sorted(folder.iterdir()):
        if entry not in taken:
            run.skip(entry, f"{tool} reads none of a pack's agents, skills, servers or hooks here")


_NOT_AGENTS = frozenset({"README.MD", "CHANGELOG.MD", "LICENSE.MD", "CLAUDE.MD", "AGENTS.MD"})


def loose_files(folder: Path) -> list[Path]:
    """Agent files lying directly in a folder (a folder of seeds, say), not its docs."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and p.suffix.lower() in (".md", ".txt")
        and p.name.upper() not in _NOT_AGENTS
    )


def unread_folders(folder: Path, known: set[str]) -> list[Path]:
    """The folders of a folder that no tool reads (``known``: those read) but that hold
    markdown files, agents by another layout perhaps (``categories/<n>/``, ``prompts/``):
    an import says it did not read them, rather than nothing."""
    return sorted(
        sub
        for sub in folder.iterdir()
        if sub.is_dir()
        and not sub.name.startswith((".", "_"))
        and sub.name not in known
        and sub.name not in ("node_modules", "docs", "doc", "site", "dist", "build", "tests")
        and next(sub.rglob("*.md"), None) is not None
    )


_COMMAND_FOLDERS = ("commands", "command")


def command_name(path: Path, report: FileReport) -> str:
    """A command's name from its file, and the folders it is in under its tool's commands
    folder (``.claude/commands/frontend/component.md``: Claude Code's
    ``/frontend:component``; ``.opencode/command/git/commit.md``: opencode's
    ``git/commit``): a pack's commands lie in one folder, so the name holds them
    (``frontend-component``), which is said. The commands folder is a tool's own when it
    is in a tool's folder (``.claude``) or a plugin's (beside its ``.<tool>-plugin``)."""
    parts = path.parts
    top = next((i for i in range(1, len(parts) - 1) if _own_commands(Path(*parts[: i + 1]))), None)
    folders = list(parts[top + 1 : -1]) if top is not None else []
    name = slug("-".join([*folders, path.stem]))
    if folders:
        report.approximated.append(
            f"name (in the folder {'/'.join(folders)}/, which a pack's commands are not: "
            f"named {name})"
        )
    return name


def _own_commands(folder: Path) -> bool:
    parent = folder.parent
    return folder.name in _COMMAND_FOLDERS and (
        parent.name.startswith(".") or any(parent.glob(".*-plugin"))
    )


def owner(path: Path) -> Path:
    """The folder a tool's settings file belongs to: a plugin's, for the files it keeps in
    ``hooks/`` and its manifest's folder; a project's, for ``.vscode/``; a repository's, for
    the marketplace in its ``.agents/plugins/``; else the file's own."""
    folder = path.parent
    if (path.name, folder.name, folder.parent.name) == ("marketplace.json", "plugins", ".agents"):
        return folder.parent.parent
    plugin = ("hooks", ".claude-plugin", ".codex-plugin", ".cursor-plugin", ".vscode")
    return folder.parent if folder.name in plugin else folder


def in_dist(folder: Path) -> bool:
    """Whether ``folder`` is a target's folder of an agentpack export (``dist/opencode``):
    the folder above holds agentpack's record, not just any ``manifest.json``."""
    record = folder.parent / "manifest.json"
    try:
        with open(record, encoding="utf-8", errors="replace") as handle:
            return '"generator": "agentpack"' in handle.read(200)
    except OSError:
        return False
