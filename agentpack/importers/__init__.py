"""Import: find native files under a path, detect each one's dialect, and read it into the
canonical model, with a report per file. One bad file never stops the others.

Inputs: a single file; a ``.claude/`` or ``.opencode/`` tree; a Claude Code plugin (a folder
with ``.claude-plugin/plugin.json``); a marketplace (``.claude-plugin/marketplace.json`` with
several plugins); an ``opencode.json``; or any folder of such files.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentpack.importers import claude, opencode, spec
from agentpack.importers.common import FileReport, Native, read_native
from agentpack.model import Agent, Command, Resource, Skill

DIALECTS = ("auto", "claude", "opencode")
_AGENT_DIRS = ("agents", "agent")
_COMMAND_DIRS = ("commands", "command")
_SKILL_DIRS = ("skills", "skill")
_TEXT_SUFFIXES = (".md", ".markdown", ".txt", "")


@dataclass(slots=True)
class Group:
    """One plugin of an imported marketplace: its metadata and the items it holds."""

    name: str
    meta: dict[str, Any]
    agents: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Imported:
    agents: list[Agent] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)
    plugin: dict[str, Any] | None = None
    """plugin.json (or marketplace) metadata, for a new pack's manifest."""
    groups: list[Group] = field(default_factory=list)


@dataclass(slots=True)
class _Run:
    root: Path
    lenient: bool
    table: Mapping[str, Mapping[str, str]]
    out: Imported = field(default_factory=Imported)

    def report(self, path: Path, kind: str) -> FileReport:
        try:
            label = path.relative_to(self.root).as_posix() if path != self.root else path.name
        except ValueError:
            label = path.as_posix()
        report = FileReport(label or path.name, kind)
        self.out.reports.append(report)
        return report

    # -- files -----------------------------------------------------------------------------

    def file(self, path: Path, dialect: str, kind: str | None = None) -> None:
        if path.name == "SKILL.md":
            self.skill(path.parent)
            return
        if path.suffix in (".json", ".jsonc") and path.stem.startswith("opencode"):
            self.opencode_config(path)
            return
        if path.suffix.lower() not in _TEXT_SUFFIXES:
            return
        report = self.report(path, kind or "agent")
        native = read_native(path, report, lenient=self.lenient)
        if native is None:
            return
        if native.frontmatter is None:
            if spec.is_profile(native.body) and kind != "command":
                report.kind = "agent (profile)"
                self._add(spec.profile_agent(native, report), report)
            else:
                report.error(
                    1,
                    1,
                    "-",
                    "no frontmatter and no headings: not an agent, command "
                    "or profile agentpack can read",
                )
            return
        fm = native.frontmatter
        dialect = dialect if dialect != "auto" else _detect(fm, path)
        if kind == "command":
            module = opencode if dialect == "opencode" else claude
            self._add(module.command(native, report, self.table), report)
        elif spec.is_spec(fm):
            report.kind = "agent (spec)"
            self._add(spec.spec_agent(native, report, self.table), report)
        elif dialect == "opencode":
            report.kind = "agent (opencode)"
            self._add(opencode.agent(native, report, self.table), report)
        else:
            report.kind = "agent (claude)"
            self._add(claude.agent(native, report, self.table), report)

    def _add(self, item: Agent | Command | Skill, report: FileReport) -> None:
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
                f"another imported {item.kind.value} is already named "
                f"{item.name!r}; rename one of the files and import again",
            )
            return
        bucket.append(item)

    def skill(self, folder: Path) -> None:
        path = folder / "SKILL.md"
        report = self.report(path, "skill")
        native = read_native(path, report, lenient=self.lenient)
        if native is None:
            return
        self._add(claude.skill(native, report, _resources(folder, report)), report)

    def opencode_config(self, path: Path) -> None:
        report = self.report(path, "opencode.json")
        try:
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".jsonc":
                text = re.sub(r"(?m)^\s*//.*$", "", text)
            config = json.loads(text)
        except (OSError, ValueError) as exc:
            report.error(1, 1, "-", f"cannot read this JSON: {exc}")
            return
        for agent in opencode.config_agents(config, report.source, report, self.table):
            self._add(agent, report)
        for name, spec_ in (config.get("command") or {}).items():
            if isinstance(spec_, dict) and spec_.get("template"):
                fm = {k: v for k, v in spec_.items() if k != "template"}
                native = Native(Path(f"{name}.md"), fm, str(spec_["template"]) + "\n")
                self._add(opencode.command(native, report, self.table), report)

    # -- folders ---------------------------------------------------------------------------

    def folder(self, path: Path, dialect: str) -> None:
        plugin_dir = path / ".claude-plugin"
        if (plugin_dir / "marketplace.json").is_file():
            self.marketplace(path)
            return
        if (plugin_dir / "plugin.json").is_file():
            self.plugin(path)
            return
        for hidden, own in ((".claude", "claude"), (".opencode", "opencode")):
            if (path / hidden).is_dir():
                self.tree(path / hidden, own if dialect == "auto" else dialect)
        if path.name == ".opencode" or (path / "opencode.json").is_file():
            dialect = "opencode" if dialect == "auto" else dialect
        self.tree(path, dialect)

    def tree(self, path: Path, dialect: str) -> None:
        if path.name == ".claude" and dialect == "auto":
            dialect = "claude"
        for kind, subs in (("agent", _AGENT_DIRS), ("command", _COMMAND_DIRS)):
            for file in (f for sub in subs for f in _files(path / sub)):
                self.file(file, dialect, kind)
        for sub in _SKILL_DIRS:
            base = path / sub
            for folder in sorted(base.iterdir()) if base.is_dir() else ():
                if (folder / "SKILL.md").is_file():
                    self.skill(folder)
        for name in ("opencode.json", "opencode.jsonc"):
            if (path / name).is_file():
                self.opencode_config(path / name)
        for file in _loose_files(path):
            self.file(file, dialect)

    def plugin(self, path: Path) -> dict[str, Any]:
        meta = _json(
            path / ".claude-plugin" / "plugin.json",
            self.report(path / ".claude-plugin" / "plugin.json", "plugin"),
        )
        if self.out.plugin is None:
            self.out.plugin = meta
        self.tree(path, "claude")
        return meta

    def marketplace(self, path: Path) -> None:
        report = self.report(path / ".claude-plugin" / "marketplace.json", "marketplace")
        market = _json(path / ".claude-plugin" / "marketplace.json", report)
        self.out.plugin = {k: market[k] for k in ("name", "description", "owner") if k in market}
        for entry in market.get("plugins") or []:
            source = entry.get("source") if isinstance(entry, dict) else None
            if not isinstance(source, str) or not source.startswith("./") or ".." in source:
                report.dropped.append(
                    f"plugin {entry.get('name') if isinstance(entry, dict) else entry}"
                    " (only plugins with a ./relative source can be imported)"
                )
                continue
            before = (len(self.out.agents), len(self.out.commands), len(self.out.skills))
            meta = {
                **{k: v for k, v in entry.items() if k != "source"},
                **self.plugin(path / source),
            }
            self.out.groups.append(
                Group(
                    str(meta.get("name") or Path(source).name),
                    meta,
                    [a.name for a in self.out.agents[before[0] :]],
                    [c.name for c in self.out.commands[before[1] :]],
                    [s.name for s in self.out.skills[before[2] :]],
                )
            )


def _detect(fm: Mapping[str, Any], path: Path) -> str:
    """Which tool a frontmatter was written for."""
    parts = set(path.parts)
    if ".opencode" in parts:
        return "opencode"
    if ".claude" in parts:
        return "claude"
    if "mode" in fm or "permission" in fm or isinstance(fm.get("tools"), dict):
        return "opencode"
    model = fm.get("model")
    if isinstance(model, str) and "/" in model:
        return "opencode"
    return "claude"


_NOT_AGENTS = frozenset({"README.MD", "CHANGELOG.MD", "LICENSE.MD", "CLAUDE.MD", "AGENTS.MD"})


def _loose_files(folder: Path) -> list[Path]:
    """Agent files lying directly in a folder (a folder of seeds, say), not its docs."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and p.suffix.lower() in (".md", ".txt")
        and p.name.upper() not in _NOT_AGENTS
    )


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.md") if p.is_file() and not p.is_symlink())


def _resources(folder: Path, report: FileReport) -> tuple[Resource, ...]:
    out = []
    root = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if rel == "SKILL.md":
                continue
            if path.is_symlink() and root not in path.resolve().parents:
                report.dropped.append(f"{rel} (a symlink out of the skill)")
                continue
            out.append(Resource(rel, path.read_bytes()))
    return tuple(out)


def _json(path: Path, report: FileReport) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        report.error(1, 1, "-", f"cannot read this JSON: {exc}")
        return {}
    if not isinstance(data, dict):
        report.error(1, 1, "-", "expected a JSON object")
        return {}
    report.mapped += sorted(data)
    return data


def import_path(
    path: Path,
    dialect: str = "auto",
    *,
    lenient: bool = False,
    table: Mapping[str, Mapping[str, str]] | None = None,
) -> Imported:
    from agentpack import aliases

    run = _Run(path if path.is_dir() else path.parent, lenient, table or aliases.BUILTIN)
    if path.is_dir():
        run.folder(path, dialect)
    else:
        parts = set(path.parts)
        kind = "command" if parts & set(_COMMAND_DIRS) else None
        run.file(path, dialect, kind)
    return run.out
