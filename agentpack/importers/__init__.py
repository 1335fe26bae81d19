"""Import: find native files under a path, detect each one's dialect, and hand it to the
reader of the target that wrote it, with a report per file. One bad file never stops the
others.

Inputs: a single file; a tool's tree (``.claude/``, ``.opencode/``); whatever a reader
claims whole (a Claude Code plugin or marketplace, an ``opencode.json``); or any folder of
such files. The readers live with their targets; this module only finds and dispatches.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentpack import nativetree
from agentpack.filereport import FileReport
from agentpack.importers import servernames, spec
from agentpack.importers.imported import Group as Group
from agentpack.importers.imported import Imported as Imported
from agentpack.importers.moved import free_name, moved, renamed_note
from agentpack.model import Agent, Command, Hook, McpServer, Resource, Skill
from agentpack.native import EXTRAS, ImportEnv, Reader, slug
from agentpack.nativefile import read_native
from agentpack.nativetree import loose_files, markdown_files, owner, resources, unread_folders
from agentpack.permissions import is_tool_id, server_name
from agentpack.source import project_of

AUTO = "auto"
_ROOTED = re.compile(r"\$(?:\{[A-Z_]*PLUGIN_ROOT[^}]*\}|[A-Z_]*PLUGIN_ROOT)/([^\s\"'`;|&()<>]+)")
"""A path a body names in its plugin's folder (``${CLAUDE_PLUGIN_ROOT}/scripts/x.py``)."""
_AGENT_DIRS = ("agents", "agent")
_COMMAND_DIRS = ("commands", "command")
_SKILL_DIRS = ("skills", "skill", ".agents/skills")
"""``.agents/skills``: where Agent Skills live in a project (Codex reads them there)."""
_TEXT_SUFFIXES = (".md", ".markdown", ".txt", "")


def _mappings(found: Any) -> list[tuple[str, dict[str, Any]]]:
    """The entries of a mapping that are mappings (a reader's blocks, by target)."""
    if not isinstance(found, dict):
        return []
    return [(k, v) for k, v in found.items() if isinstance(v, dict)]


@dataclass(slots=True)
class _Run:
    """One import's state: the readers, what has been read so far (``native.Importing``)."""

    root: Path
    lenient: bool
    readers: Mapping[str, Reader]
    environment: ImportEnv
    out: Imported = field(default_factory=Imported)
    seen: set[Path] = field(default_factory=set)
    only: Path | None = None
    """While set, the one settings file that ``first`` lets be read (a file given alone)."""
    skipped_at: list[Path] = field(default_factory=list)
    """Where each entry of ``out.skipped`` is, in the same order."""
    carried: set[Path] = field(default_factory=set)
    """The files that servers and hooks run, where they were read from."""
    skill_at: dict[Path, str] = field(default_factory=dict)
    """Each skill read, by its SKILL.md."""
    again: list[str] = field(default_factory=list)
    """Skills read before that the plugin being read lists too."""
    hooks: int = 0
    """How many hooks were read before the plugin being read."""

    def env(self) -> ImportEnv:
        return self.environment

    def label(self, path: Path) -> str:
        try:
            label = path.relative_to(self.root).as_posix() if path != self.root else path.name
        except ValueError:
            label = path.as_posix()
        return label or path.resolve().name

    def report(self, path: Path, kind: str) -> FileReport:
        report = FileReport(self.label(path), kind, fence=project_of(self.root))
        self.out.reports.append(report)
        return report

    def skip(self, path: Path, reason: str) -> None:
        self.out.skipped.append((self.label(path), reason))
        self.skipped_at.append(path.resolve())

    def finish(self) -> Imported:
        servernames.rename(self.out, (0, 0, 0), self.out.renamed)
        servernames.hold(self.out)
        return self._finish()

    def _finish(self) -> Imported:
        """What was read; a folder said to be not read, from which servers or hooks took
        files, says which (it is not read for agents, commands or skills, but those come)."""
        for i, (at, (label, reason)) in enumerate(
            zip(self.skipped_at, self.out.skipped, strict=True)
        ):
            taken = sorted(c.relative_to(at).as_posix() for c in self.carried if at in c.parents)
            if taken:
                shown = ", ".join(taken[:3]) + (", ..." if len(taken) > 3 else "")
                self.out.skipped[i] = (
                    label,
                    f"{reason}; but the files servers and hooks run come along: {shown}",
                )
        return self.out

    def first(self, path: Path) -> bool:
        key = path.resolve()
        if key in self.seen or self.only not in (None, key):
            return False
        self.seen.add(key)
        return True

    def plugin_meta(self, meta: Mapping[str, Any]) -> list[str]:
        self.hooks = len(self.out.hooks)  # where the hooks of the plugin now read begin
        if self.out.plugin is None:  # the first one read names a new pack
            self.out.plugin = dict(meta)
            return []
        # a marketplace's later plugins add their manifest blocks' entries (Claude Code's
        # userConfig options), which the one plugin that holds the servers needs
        blocks = self.out.plugin.setdefault(EXTRAS, {})
        clashes = []
        for target, block in _mappings(meta.get(EXTRAS)):
            mine = blocks.setdefault(target, {})
            for key, entries in _mappings(block):
                kept = mine.setdefault(key, {})
                for name, value in entries.items():
                    if kept.setdefault(name, value) != value:
                        clashes.append(f"{key}.{name}")
        return clashes

    def rename_servers(self, since: tuple[int, int, int], servers: Mapping[str, str]) -> None:
        servernames.rename(self.out, since, servers)

    def server_named(self, native: str, name: str) -> None:
        for said in {native, server_name(native)} - {name}:
            if is_tool_id(f"mcp:{said}"):
                self.out.renamed[said] = name

    def hold_tools(
        self, server: str, off: Sequence[str], only: Sequence[str] | None, report: FileReport
    ) -> None:
        self.out.holds.append((server, tuple(off), None if only is None else tuple(only), report))

    def counts(self) -> tuple[int, int, int]:
        return len(self.out.agents), len(self.out.commands), len(self.out.skills)

    def group(self, name: str, meta: Mapping[str, Any], before: tuple[int, int, int]) -> None:
        agents = [a.name for a in self.out.agents[before[0] :]]
        commands = [c.name for c in self.out.commands[before[1] :]]
        skills = [*dict.fromkeys([*self.again, *(s.name for s in self.out.skills[before[2] :])])]
        self.out.groups.append(Group(name, dict(meta), agents, commands, skills))
        self.again.clear()
        # the plugin's items name its servers that another plugin's took the name of
        servernames.rename(self.out, before, self.out.moving, reports=False, hooks=self.hooks)
        self.out.moving.clear()

    def server_as(self, name: str) -> str:
        return self.out.moving.get(name, name)

    # -- files -----------------------------------------------------------------------------

    def _reader(self, dialect: str, frontmatter: Mapping[str, Any], path: Path) -> Reader:
        if dialect != AUTO:
            return self.readers[dialect]
        by_path = [r for r in self.readers.values() if r.tree_name in path.parts]
        if by_path:
            return by_path[-1]
        claimed = [r for r in self.readers.values() if r.claims(frontmatter)]
        fallback = [r for r in self.readers.values() if r.fallback]
        return (claimed or fallback or list(self.readers.values()))[0]

    def file(self, path: Path, dialect: str, kind: str | None = None) -> None:
        if path.name == "SKILL.md":
            self.skill(path.parent, dialect)
            return
        if any(r.folder(path, self) for r in self.readers.values()):
            return
        if path.suffix.lower() not in _TEXT_SUFFIXES:
            return
        report = self.report(path, kind or "agent")
        native = read_native(path, report, lenient=self.lenient)
        if native is None:
            return
        own = self.readers.get(dialect)
        if native.frontmatter is not None:
            fm = native.frontmatter
        elif kind == "command" or (kind == "agent" and own is not None and own.bare_agents):
            # a tool's own file, with its defaults for every field: every tool reads a
            # command's plain text, some an agent's too
            fm, native = {}, dataclasses.replace(native, frontmatter={})
        elif spec.is_profile(native.body):
            report.kind = "agent (profile)"
            self.add(spec.profile_agent(native, report), report)
            return
        else:
            report.error(
                1,
                1,
                "-",
                "no frontmatter and no headings: not an agent, command or profile "
                "agentpack can read",
            )
            return
        reader = self._reader(dialect, fm, path)
        if kind == "command":
            self.add(reader.command(native, report, self.environment), report)
        elif spec.is_spec(fm):
            report.kind = "agent (spec)"
            self.add(spec.spec_agent(native, report, self.environment), report)
        else:
            report.kind = f"agent ({reader.dialect})"
            self.add(reader.agent(native, report, self.environment), report)

    def setting(self, path: Path) -> None:
        """A tool's JSON or TOML file given alone: a plugin's manifest or hooks.json, or a
        marketplace, is read with its plugin or marketplace, whole; a settings file such
        as ``.mcp.json`` by itself, the way a tool finds it in its folder. A file none of
        them reads is reported, not passed over in silence."""
        before = len(self.out.reports)
        if not any(r.folder(path, self) for r in self.readers.values()):
            folder = owner(path)
            # a project's .vscode/ is not its plugin's: that file alone is read
            whole = path.parent.name != ".vscode"
            if not (whole and any(r.folder(folder, self) for r in self.readers.values())):
                self.only = path.resolve()
                try:
                    for reader in self.readers.values():
                        reader.config(folder, self)
                finally:
                    self.only = None
        if len(self.out.reports) == before:
            self.skip(
                path,
                "no tool reads agents, commands, skills, MCP servers or hooks from it here; "
                "import the folder that holds the tool's files",
            )

    def add(self, item: Agent | Command | Skill, report: FileReport) -> None:
        report.name = f"{report.name}, {item.name}" if report.name else item.name
        if report.failed:
            return
        bucket: list[Any] = (
            self.out.agents
            if isinstance(item, Agent)
            else self.out.commands
            if isinstance(item, Command)
            else self.out.skills
        )
        if any(existing.name == item.name for existing in bucket):
            report.error(
                1,
                1,
                "name",
                f"another imported {item.kind.value} is already named {item.name!r} (a pack's "
                "names are lowercase); change the name: of one, or its file's name, and import "
                "again",
            )
            return
        bucket.append(item)
        stem = Path(report.source).name.split(".")[0]
        if isinstance(item, Command) and stem != item.name and slug(stem) == item.name:
            report.approximated.append(
                f"name: {stem} (named {item.name!r} in the pack, whose names hold lowercase "
                f"letters, digits and '-': /{stem} becomes /{item.name})"
            )
        for rel in dict.fromkeys(m.rstrip(".,:") for m in _ROOTED.findall(item.body)):
            own = item.resources if isinstance(item, Skill) else ()
            if not any(rel == r.path or rel.endswith("/" + r.path) for r in own):
                report.dropped.append(
                    f"{rel} (a file the {item.kind.value} runs or reads from its plugin's "
                    "folder: a pack carries only its servers' and hooks' files and a skill's "
                    "own; move it into a skill, or run it from a hook)"
                )

    def part(
        self,
        part: McpServer | Hook,
        files: Mapping[str, Resource],
        report: FileReport,
        folder: Path | None = None,
    ) -> None:
        if folder is not None:
            self.carried.update((folder / rel).resolve() for rel in files)
            part, files = moved(part, files, slug(folder.name) or "plugin", self.out.files, report)
        bucket: list[Any] = self.out.servers if isinstance(part, McpServer) else self.out.hooks
        clash = [p for p in bucket if p.name == part.name]
        if clash and dataclasses.replace(part, source=clash[0].source) == clash[0]:
            return  # the same server or hook, configured in two places
        if clash:  # another plugin's server of the name, or a hook named from its script's
            name = free_name(part, {p.name for p in bucket}, folder)
            report.approximated.append(renamed_note(part, name))
            if isinstance(part, McpServer):
                self.out.moving[part.name] = name
            part, clash = dataclasses.replace(part, name=name), []
        report.name = f"{report.name}, {part.name}" if report.name else part.name
        for rel, file in files.items():
            if self.out.files.setdefault(rel, file).data != file.data:
                report.error(1, 1, "-", f"{rel}: two different scripts of that path; import one")
                return
        bucket.append(part)

    def skill(self, folder: Path, dialect: str) -> None:
        path = folder / "SKILL.md"
        if not self.first(path):
            # read already (a tool's tree and the project's .agents/skills meet, or two
            # plugins of a marketplace list it): the plugin read now has it too
            found = self.skill_at.get(path.resolve())
            self.again += [found] if found else []
            return
        report = self.report(path, "skill")
        native = read_native(path, report, lenient=self.lenient)
        if native is None:
            return
        marked = [
            r for r in self.readers.values() if any((folder / f).is_file() for f in r.skill_marks)
        ]
        chosen = marked[0] if marked and dialect == AUTO else None
        reader = chosen or self._reader(dialect, native.frontmatter or {}, path)
        read = reader.skill(native, report, resources(folder, report), self.environment)
        self.skill_at[path.resolve()] = read.name
        self.add(read, report)

    # -- folders ---------------------------------------------------------------------------

    def folder(self, path: Path, dialect: str) -> None:
        chosen = self.readers.get(dialect)  # --from: that tool's reader may claim it first
        readers = [
            *([chosen] if chosen else []),
            *(r for r in self.readers.values() if r is not chosen),
        ]
        if any(r.folder(path, self) for r in readers):
            return  # a plugin, a marketplace: a reader took it whole
        exported = nativetree.in_dist(path)
        own = chosen or next(
            (
                r
                for r in self.readers.values()
                if r.marks(path) or (exported and path.name == r.dialect)
            ),
            None,
        )
        # the tool's own tree, or its folder under dist/: only what the tool reads
        if own is not None and path.name in (own.tree_name, own.dialect):
            own.tree(path, self)
            return
        for reader in self.readers.values():
            if (path / reader.tree_name).is_dir():
                reader.tree(path / reader.tree_name, self)
            reader.config(path, self)
        self.loose(path, own.dialect if own is not None else AUTO)

    def loose(self, path: Path, dialect: str) -> None:
        """A folder that is no tool's tree: its agent, command and skill folders, and the
        agent files lying in it (a folder of seeds, say), each in its own dialect; the
        files of a ``commands/`` folder given itself are commands."""
        if path.name in _COMMAND_DIRS:  # as the tools read one: its .md files, nested too
            for file in markdown_files(path):
                self.file(file, dialect, "command")
            return
        for kind, subs in (("agent", _AGENT_DIRS), ("command", _COMMAND_DIRS)):
            for file in (f for sub in subs for f in markdown_files(path / sub)):
                self.file(file, dialect, kind)
        for sub in _SKILL_DIRS:
            if (path / sub).is_dir():
                for folder in sorted((path / sub).iterdir()):
                    if (folder / "SKILL.md").is_file():
                        self.skill(folder, dialect)
        for file in loose_files(path):
            self.file(file, dialect)
        known = {*_AGENT_DIRS, *_COMMAND_DIRS, *(d for d in _SKILL_DIRS if "/" not in d)}
        for unread in unread_folders(path, known):
            self.skip(unread, "markdown files in a folder no tool reads: import it by name")


def import_path(
    path: Path,
    readers: Sequence[Reader],
    env: ImportEnv,
    dialect: str = AUTO,
    *,
    lenient: bool = False,
) -> Imported:
    """Every item under ``path`` (a file or a folder), read by the readers given."""
    by_name = {r.dialect: r for r in readers}
    setting = path.is_file() and path.suffix.lower() in (".json", ".jsonc", ".toml")
    root = path if path.is_dir() else owner(path) if setting else path.parent
    run = _Run(root, lenient, by_name, env)
    if path.is_dir():
        run.folder(path, dialect)
    elif setting:
        run.setting(path)
    else:
        kind = "command" if set(path.parts) & set(_COMMAND_DIRS) else None
        run.file(path, dialect, kind)
    return run.finish()
