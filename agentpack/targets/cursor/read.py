"""Cursor's native files -> canonical items: agents, commands (plain markdown) and skills, in
a project's ``.cursor/``, a ``~/.cursor`` home, a Cursor plugin or ``dist/cursor``.

``readonly: true`` reads as "no edits, no shell and no MCP tools": Cursor takes away edits
and MCP tools, and the shell commands that change state by its own judgement, which no other
tool can tell apart, so the shell goes too. An agent without it has every tool.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from agentpack import filereport
from agentpack.filereport import FileReport
from agentpack.model import Agent, Command, Resource, Skill, SourceRef
from agentpack.native import (
    EXTRAS,
    ImportEnv,
    Importing,
    Native,
    described,
    model_ref,
    name_of,
    split_examples,
    split_list,
)
from agentpack.nativefile import read_native
from agentpack.nativetree import Layout, read_tree, skip_rest
from agentpack.permissions import Decision, Policy
from agentpack.source import within
from agentpack.standardskill import standard_skill
from agentpack.targets import readparts
from agentpack.targets.cursor.names import (
    AGENTS,
    COMMANDS,
    MARKETPLACE,
    PLUGIN,
    READONLY,
    SKILLS,
)
from agentpack.targets.cursor.render import USAGE

SPELLING = readparts.Spelling(
    ("${CURSOR_PLUGIN_ROOT}", "${workspaceFolder}/.cursor"),
    re.compile(r"\$\{env:(\w+)\}"),
    own=re.compile(r"\$\{(userHome|workspaceFolder|workspaceFolderBasename|pathSeparator|/)\}"),
    probes=True,
)
"""Cursor names the plugin's folder and a variable so in ``mcp.json``."""

NOT_CARRIED = {
    "hooks.json": "Cursor's hooks, whose events and input are Cursor's own: a pack's hooks "
    "are not written for them yet",
    "hooks": "Cursor's hooks, whose events and input are Cursor's own: a pack's hooks are "
    "not written for them yet",
    "rules": "Cursor's rules, instructions for every chat, which a pack does not carry",
}
"""What Cursor reads from its folder that a pack does not carry, and what it is."""

LAYOUT = Layout(agents=(AGENTS,), commands=(), skills=(SKILLS,))
"""Commands are read apart: a Cursor command is plain markdown, which no other tool's is."""
SKILL_KEYS = ("name", "description", "license", "compatibility", "metadata")


def agent(native: Native, report: FileReport, env: ImportEnv) -> Agent:
    fm = native.frontmatter or {}
    description, examples = split_examples(str(fm.get("description") or ""))
    report.mapped += [k for k in ("name", "description", "model", "readonly") if k in fm]
    extras = {k: fm[k] for k in ("is_background",) if k in fm}
    report.mapped += list(extras)
    meant = {k: fm[k] for k in _OTHERS_LISTS if k in fm}
    for key in sorted(fm.keys() - {"name", "description", "model", "readonly", "is_background"}):
        if key not in meant:
            report.dropped.append(f"{key} (Cursor agents have no such field)")
    readonly = report.restricts(fm, "readonly")
    if readonly:
        report.approximated.append(
            "readonly: true (Cursor also stops the shell commands it judges to change "
            "state; the other tools cannot tell them apart, so the agent gets no shell)"
        )
    deny = [*READONLY, "bash", "mcp:*"] if readonly else []
    return Agent(
        name=name_of(fm.get("name"), native.path.stem, report),
        description=described(description, report),
        body=native.body,
        source=SourceRef(report.source),
        examples=examples,
        model=model_ref(fm.get("model"), "cursor", env, report),
        policy=_policy(meant, deny, report, env),
        extras=MappingProxyType({"cursor": MappingProxyType(extras)} if extras else {}),
    )


_OTHERS_LISTS = ("tools", "disallowedTools", "disallowed-tools")
"""Other tools' lists of an agent's tools, which Cursor ignores (the agent gets every
tool): what their author meant is read, the narrower reading."""


def _policy(
    meant: Mapping[str, Any], deny: list[str], report: FileReport, env: ImportEnv
) -> Policy | None:
    """The agent's tools: none named (all, as Cursor gives them), less what ``readonly``
    takes (``deny``) and what another tool's lists in the file meant."""
    allow, deny = None, list(deny)
    for key, value in meant.items():
        names = split_list(value)
        granting = key == "tools"
        ids = [t for t in (env.tool_id(n, granting)[0] for n in names) if t is not None]
        if granting:
            allow = ids
        else:
            deny += ids
        what = "its allow list" if granting else "denied"
        report.approximated.append(f"{key} (Cursor ignores it; read as {what}, narrower)")
    if allow is None and not deny:
        return None
    allow = None if allow is None else [t for t in allow if t not in deny]
    return Policy.build(None if allow is not None else Decision.ALLOW, allow, (), deny)


def command(native: Native, report: FileReport) -> Command:
    """The whole file is the template (Cursor reads no fields); a description, if the file
    has frontmatter, is kept."""
    fm = native.frontmatter or {}
    for key in sorted(fm.keys() - {"description"}):
        report.dropped.append(f"{key} (Cursor reads no fields in a command)")
    return Command(
        name=name_of(None, native.path.stem),
        description=str(fm.get("description") or "Imported command."),
        body=native.body.removeprefix(USAGE),
        source=SourceRef(report.source),
    )


def skill(native: Native, report: FileReport, found: tuple[Resource, ...]) -> Skill:
    fm = native.frontmatter or {}
    own = ("disable-model-invocation", "paths")
    report.mapped += [k for k in own if k in fm]
    extras = {k: fm[k] for k in ("paths",) if k in fm}
    hidden = fm.get("disable-model-invocation")
    return standard_skill(
        native,
        report,
        found,
        "no canonical field",
        own,
        disable_model_invocation=hidden if isinstance(hidden, bool) else None,
        extras=MappingProxyType({"cursor": MappingProxyType(extras)} if extras else {}),
    )


PLUGIN_KEPT = frozenset(
    {"name", "version", "description", "author", "homepage", "repository", "license"}
    | {"keywords", "agents", "skills", "commands", "hooks", "mcpServers"}
)
"""Fields of Cursor's plugin manifest a pack carries (as its manifest, or by reading the
plugin's folders)."""


def _plugin(path: Path, run: Importing) -> dict[str, Any]:
    """The plugin's manifest, with a word on each field a pack does not carry."""
    report = run.report(path, "plugin")
    found = filereport.json_object(path, report)
    meta = {k: v for k, v in found.items() if k not in ("$schema", EXTRAS)}
    report.name = str(meta.get("name") or "")
    report.mapped = sorted(k for k in meta if k in PLUGIN_KEPT)
    report.dropped += [
        f"{k} (a pack holds a plugin's parts and names; copy it by hand)"
        for k in sorted(meta)
        if k not in PLUGIN_KEPT
    ]
    return meta


def _marketplace(root: Path, run: Importing, read: Callable[[Path], None]) -> None:
    """A Cursor marketplace (``.cursor-plugin/marketplace.json``): each plugin of it in
    this repository (a path under ``metadata.pluginRoot``, or the repository's root) read,
    by ``read``, as a plugin group of the pack."""
    report = run.report(root / MARKETPLACE, "marketplace")
    market = filereport.json_object(root / MARKETPLACE, report)
    found = market.get("metadata")
    about: dict[str, Any] = found if isinstance(found, dict) else {}
    listed = {"description": about.get("description"), **market}
    run.plugin_meta({k: listed[k] for k in ("name", "description", "owner") if listed.get(k)})
    base = str(about.get("pluginRoot") or "").removeprefix("./").strip("/")
    entries = market.get("plugins")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        name = str(entry.get("name") or "") if isinstance(entry, dict) else str(entry)
        source = entry.get("source") if isinstance(entry, dict) else None
        rel = source.get("path") if isinstance(source, dict) else source
        parts = [p for p in str(rel or "").split("/") if p not in ("", ".")]
        if base and parts[: len(base.split("/"))] != base.split("/"):
            parts = [*base.split("/"), *parts]
        folder = root.joinpath(*parts)
        if not isinstance(rel, str) or ".." in parts or not within(folder, root):
            report.dropped.append(f"plugin {name} (only a plugin in this repository)")
            continue
        if not folder.is_dir():
            where = "/".join(parts)
            readparts.missing_plugin(report, i, name, f"no folder {where} here", "Cursor")
            continue
        before = run.counts()
        read(folder)
        meta = (
            entry
            if not (folder / PLUGIN).is_file()
            else filereport.json_object(folder / PLUGIN, FileReport(report.source))
        )
        run.group(name or folder.name, {k: v for k, v in meta.items() if k in PLUGIN_KEPT}, before)


class CursorReader:
    """Cursor's files: ``.cursor/``, ``~/.cursor``, a Cursor plugin or ``dist/cursor``."""

    dialect: ClassVar[str] = "cursor"
    tree_name: ClassVar[str] = ".cursor"
    fallback: ClassVar[bool] = False
    bare_agents: ClassVar[bool] = False
    skill_marks: ClassVar[tuple[str, ...]] = ()

    def claims(self, frontmatter: Mapping[str, Any]) -> bool:
        return "readonly" in frontmatter or "is_background" in frontmatter

    def marks(self, folder: Path) -> bool:
        return folder.name == self.tree_name or any(
            (folder / name).is_file() for name in (PLUGIN, MARKETPLACE)
        )

    def folder(self, path: Path, run: Importing) -> bool:
        if path.is_file() and path in (path.parent.parent / n for n in (PLUGIN, MARKETPLACE)):
            path = path.parent.parent  # the manifest alone
        if path.is_dir() and (path / PLUGIN).is_file():
            self.tree(path, run)
            return True
        if path.is_dir() and (path / MARKETPLACE).is_file():
            _marketplace(path, run, lambda folder: self.tree(folder, run))
            return True
        return False

    def config(self, folder: Path, run: Importing) -> set[Path]:
        return set()

    def tree(self, folder: Path, run: Importing) -> None:
        taken = read_tree(folder, run, self.dialect, LAYOUT) | {folder / COMMANDS}
        if (folder / "mcp.json").is_file():
            taken.add(folder / "mcp.json")
            readparts.servers_file(folder / "mcp.json", run, SPELLING, tool="Cursor", plugin=False)
        commands = folder / COMMANDS
        for path in sorted(commands.rglob("*")) if commands.is_dir() else []:
            if path.suffix == ".md" and path.is_file() and not path.is_symlink():
                report = run.report(path, "command (cursor)")
                native = read_native(path, report, lenient=run.lenient)
                if native is not None:
                    run.add(command(native, report), report)
            elif path.is_file():
                run.skip(path, "not a command file (Cursor reads *.md here)")
        if (folder / PLUGIN).is_file():
            taken.add(folder / PLUGIN.split("/")[0])
            run.plugin_meta(_plugin(folder / PLUGIN, run))
        for name, why in NOT_CARRIED.items():
            if (folder / name).exists():
                taken.add(folder / name)
                run.skip(folder / name, why)
        if (folder / "hooks.json").is_file():
            _guards(folder / "hooks.json", run)
        if (folder / "cli.json").is_file():
            taken.add(folder / "cli.json")
            _denies(folder / "cli.json", run)
        skip_rest(folder, taken, run, "Cursor")

    def agent(self, native: Native, report: FileReport, env: ImportEnv) -> Agent:
        return agent(native, report, env)

    def command(self, native: Native, report: FileReport, env: ImportEnv) -> Command:
        return command(native, report)

    def skill(
        self, native: Native, report: FileReport, resources: tuple[Resource, ...], env: ImportEnv
    ) -> Skill:
        return skill(native, report, resources)

    def tool_id(self, name: str, granting: bool = False) -> tuple[str | None, str | None]:
        return (None, None)  # Cursor agents name no tools


def _guards(path: Path, run: Importing) -> None:
    """Cursor's hooks that may stop what an agent does (``beforeShellExecution``, ...):
    they are not read, so every agent imported with them runs without them, in every
    target; a warning at each, since a guard lost widens what the agents may do."""
    report = run.report(path, "hooks (cursor)")
    scratch = FileReport(report.source)  # a file not carried: unreadable, it is only skipped
    events = filereport.json_object(path, scratch).get("hooks")
    report.json = scratch.json
    for event in events if isinstance(events, dict) else ():
        if str(event).startswith(("before", "pre")):
            line, col = report.at("hooks", event)
            report.warn(
                line,
                col,
                f"hooks.{event}",
                "unguarded: Cursor runs this guard for every agent, and a pack does not read "
                "Cursor's hooks: the agents imported with it run without it in every target; "
                "write it as a pack hook (hooks/<name>.yaml)",
            )


def _denies(path: Path, run: Importing) -> None:
    """The deny rules of Cursor's CLI settings (``cli.json``), which hold every agent of the
    project: not read into each agent (yet), so a warning at each, as for a guard."""
    report = run.report(path, "permissions (cursor)")
    scratch = FileReport(report.source)
    found = filereport.json_object(path, scratch).get("permissions")
    report.json = scratch.json
    rules = found.get("deny") if isinstance(found, dict) else None
    for i, rule in enumerate(rules if isinstance(rules, list) else ()):
        line, col = report.at("permissions", "deny", i)
        report.warn(
            line,
            col,
            f"permissions.deny[{i}]",
            f"unguarded: Cursor's CLI denies {rule} to every agent, and a pack does not read "
            "these rules: the agents imported with them may do it in every target; deny it "
            "in each agent's tools",
        )
