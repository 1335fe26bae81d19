"""opencode native files -> canonical items: agents (markdown and opencode.json), commands
and skills. An agent's permission rules are read in ``readpolicy``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from agentpack.filereport import FileReport
from agentpack.model import Agent, Command, Mode, Resource, Skill, SourceRef
from agentpack.native import (
    ImportEnv,
    Importing,
    Native,
    described,
    model_ref,
    name_of,
    split_examples,
)
from agentpack.nativetree import Layout, command_name, read_tree, skip_rest
from agentpack.standardskill import standard_skill
from agentpack.targets.opencode import readconfig
from agentpack.targets.opencode.names import BUILT_IN_RULES, COLORS, NAMED
from agentpack.targets.opencode.readpolicy import own_rules, policy
from agentpack.targets.opencode.readrules import TOOL_KEYS

AGENT_FIELDS = frozenset(
    {
        "description",
        "mode",
        "model",
        "temperature",
        "top_p",
        "steps",
        "maxSteps",
        "color",
        "permission",
        "permissions",
        "disabled",
        "tools",
        "prompt",
        "name",
    }
)
EXTRA_FIELDS = ("hidden", "disable", "variant", "options")


def _nested(path: Path) -> str | None:
    """opencode's name for an agent in a subfolder of its agents folder: the path from
    there (``agent/team/coder.md`` is ``team/coder``, as ``opencode agent list`` shows)."""
    parts = path.parts
    at = max((i for i, p in enumerate(parts[:-1]) if p in ("agent", "agents")), default=-1)
    if at < 0 or len(parts) - at <= 2:
        return None
    return "/".join(name_of(None, part) for part in (*parts[at + 1 : -1], path.stem))


def _opencode_name(path: Path) -> str:
    """opencode's own name for an agent file without a ``name:``: its path from the
    agents folder, as written (``_iterate/verifier``, ``code_reviewer``)."""
    parts = path.parts
    at = max((i for i, p in enumerate(parts[:-1]) if p in ("agent", "agents")), default=-1)
    return "/".join((*parts[at + 1 : -1], path.stem)) if at >= 0 else path.stem


def pack_name(name: str) -> str:
    """The pack's name of the agent opencode calls ``name`` (a command's ``agent:``
    gives it so): as ``_name`` names the agent, part by part."""
    parts = [p for p in name.strip().split("/") if re.search(r"[A-Za-z0-9]", p)]
    return "/".join(name_of(part, "agent") for part in parts) or name


def _name(given: Any, path: Path, report: FileReport) -> str:
    """opencode 1.18 names an agent by its ``name:`` when it has one (``ContextScout``,
    also in a subfolder), else by its path from the agents folder (``team/coder``); the
    pack's name keeps a ``/`` of either. A name the pack spells otherwise is said."""
    by_path = _nested(path) or name_of(None, path.stem)
    if not isinstance(given, str) or not re.search(r"[A-Za-z0-9]", given):
        own = _opencode_name(path)
        if by_path != own:
            report.approximated.append(
                f"name: {own} (opencode's, from the file's path; named {by_path!r} in the "
                "pack, whose names hold lowercase letters, digits and '-'; a command of "
                "this import that names it is changed to match)"
            )
        return by_path
    parts = [p for p in given.strip().split("/") if re.search(r"[A-Za-z0-9]", p)]
    if len(parts) == 1:
        return name_of(parts[0], path.stem, report)
    name = "/".join(name_of(part, "agent") for part in parts)
    if name != given.strip():
        report.approximated.append(f"name: {given.strip()} (named {name!r} in the pack)")
    return name


_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def _built_in(name: str, report: FileReport) -> Mapping[str, Any] | None:
    """The rules of the built-in agent opencode merges an agent of this name into."""
    found = BUILT_IN_RULES.get(name)
    if found is not None:
        report.approximated.append(
            f"name: {name} (opencode merges the agent into its built-in {name}, whose own "
            "rules come first: folded in)"
        )
    return found


def agent(
    native: Native, report: FileReport, env: ImportEnv, project: Mapping[str, Any] | None = None
) -> Agent:
    """An agent file (or an ``agent`` entry of opencode.json, with that file's ``project``
    settings); a file in a project's ``.opencode/`` gets the project's."""
    fm = native.frontmatter or {}
    name = _name(fm.get("name"), native.path, report)
    if project is None:
        config = readconfig.project_config(native.path.resolve())
        project = readconfig.for_agents(config)
        fm, body = readconfig.merged_entry(name, config, native, report)
        native = Native(native.path, fm, body, native.located)
    description, examples = split_examples(str(fm.get("description") or ""))
    report.mapped += ["description"] + (["examples"] if examples else [])
    extras: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for key, value in fm.items():
        if key in AGENT_FIELDS:
            continue
        if key in EXTRA_FIELDS:
            extras[key] = value
            report.mapped.append(key)
        else:  # opencode sends unknown keys to the model provider: that is what they are
            options[key] = value
            report.approximated.append(
                f"{key} (kept under opencode.options, where opencode puts unknown keys)"
            )
    if options:
        extras["options"] = {**dict(extras.get("options") or {}), **options}
    own = own_rules(fm, project)
    if own:
        extras["permission"] = own
    color = fm.get("color")
    if isinstance(color, str) and color.upper() in NAMED:
        color = NAMED[color.upper()]
    if isinstance(color, str) and color not in COLORS and not _HEX.fullmatch(color):
        report.dropped.append(f"color: {color} (an opencode theme colour; no other tool has it)")
        color = None
    mode = str(fm.get("mode") or "all")
    off = fm.get("disable") is True or fm.get("disabled") is True  # 1.x's and 2.x's key
    if off:
        report.approximated.append(
            "disable: true (opencode does not load the agent: the pack keeps it for no "
            "target; name the targets that should get it in targets:)"
        )
    steps = fm.get("steps", fm.get("maxSteps"))
    return Agent(
        name=name,
        description=described(description, report),
        body=native.body,
        source=SourceRef(report.source),
        examples=examples,
        mode=Mode(mode) if mode in ("primary", "subagent", "all") else Mode.ALL,
        model=model_ref(fm.get("model"), "opencode", env, report),
        temperature=fm.get("temperature"),
        top_p=fm.get("top_p"),
        max_steps=steps if isinstance(steps, int) else None,
        policy=policy(fm, report, project, native.located, _built_in(name, report)),
        color=color if isinstance(color, str) else None,
        extras=MappingProxyType({"opencode": MappingProxyType(extras)} if extras else {}),
        targets=() if off else None,
    )


_COMMAND_FIELDS = ("description", "agent", "model", "subtask", "variant")
"""What opencode reads of a command (and ``template`` in opencode.json, its text)."""


def command(native: Native, report: FileReport, env: ImportEnv) -> Command:
    fm = native.frontmatter or {}
    extras = {k: v for k, v in fm.items() if k == "variant"}
    report.mapped += [k for k in _COMMAND_FIELDS if k in fm]
    if native.path.suffix == ".md" and native.path.is_absolute():  # a file, not opencode.json's
        runner = str(fm.get("agent") or "") or None
        lost = readconfig.built_in_runner(runner, readconfig.project_config(native.path.resolve()))
        report.approximated += [lost] if lost else []
    report.dropped += [
        f"{k} (opencode reads no such command field)"
        for k in fm
        if k not in _COMMAND_FIELDS and k != "template"
    ]
    return Command(
        name=command_name(native.path, report),
        description=str(fm.get("description") or "Imported command."),
        body=native.body,
        source=SourceRef(report.source),
        agent=_runner(str(fm["agent"]), report) if fm.get("agent") else None,
        model=model_ref(fm.get("model"), "opencode", env, report),
        subtask=fm.get("subtask") if isinstance(fm.get("subtask"), bool) else None,
        extras=MappingProxyType({"opencode": MappingProxyType(extras)} if extras else {}),
    )


def _runner(agent: str, report: FileReport) -> str:
    """A command's ``agent:`` as the pack names that agent (``_iterate/verifier`` is
    ``iterate/verifier``, as the agent file is named on import), said when it changes."""
    name = pack_name(agent)
    if name != agent:
        report.approximated.append(f"agent: {agent} (the pack names that agent {name!r})")
    return name


def skill(native: Native, report: FileReport, resources: tuple[Resource, ...]) -> Skill:
    """An Agent Skills SKILL.md as opencode reads it: named after its folder, with the
    standard's fields; opencode reads no others."""
    name = name_of(native.path.parent.name, str((native.frontmatter or {}).get("name") or ""))
    why = "opencode skills have no such field"
    return standard_skill(native, report, resources, why, name=name)


LAYOUT = Layout(
    agents=("agents", "agent"), commands=("commands", "command"), skills=("skills", "skill")
)
"""Where opencode 1.x reads agents, commands and skills in ``.opencode/`` (both spellings)."""
NOT_CARRIED = {
    "plugin": "opencode plugins (code) are not carried by a pack",
    "plugins": "opencode plugins (code) are not carried by a pack",
    "tool": "opencode custom tools (code) are not carried by a pack",
    "tools": "opencode custom tools (code) are not carried by a pack",
    "package.json": "the dependencies of opencode plugins and tools are not carried by a pack",
    "node_modules": "the dependencies of opencode plugins and tools are not carried by a pack",
}
"""What an opencode tree may hold that a pack cannot carry, and what it is."""


class OpencodeReader:
    """opencode's native files: agents (markdown and opencode.json), commands, skills."""

    dialect: ClassVar[str] = "opencode"
    tree_name: ClassVar[str] = ".opencode"
    fallback: ClassVar[bool] = False
    bare_agents: ClassVar[bool] = True  # its frontmatter is optional
    skill_marks: ClassVar[tuple[str, ...]] = ()

    def claims(self, frontmatter: Mapping[str, Any]) -> bool:
        model = frontmatter.get("model")
        if isinstance(frontmatter.get("tools"), (str, list)) and "permission" not in frontmatter:
            return False  # a tools line of names is Claude Code's (a stray mode: besides)
        return (
            "mode" in frontmatter
            or "permission" in frontmatter
            or isinstance(frontmatter.get("permissions"), list)
            or isinstance(frontmatter.get("tools"), dict)
            or (isinstance(model, str) and "/" in model)
        )

    def marks(self, folder: Path) -> bool:
        return folder.name == self.tree_name or (folder / "opencode.json").is_file()

    def folder(self, path: Path, run: Importing) -> bool:
        if (
            path.is_file()
            and path.suffix in (".json", ".jsonc")
            and path.stem.startswith("opencode")
        ):
            readconfig.config_file(path, run, self)
            return True
        return False

    def config(self, folder: Path, run: Importing) -> set[Path]:
        taken = set()
        for name in ("opencode.json", "opencode.jsonc"):
            if (folder / name).is_file():
                taken.add(folder / name)
                readconfig.config_file(folder / name, run, self)
        return taken

    def tree(self, folder: Path, run: Importing) -> None:
        taken = read_tree(folder, run, self.dialect, LAYOUT) | self.config(folder, run)
        plugins = folder / "plugin"
        found = sorted(plugins.glob("*.js")) if plugins.is_dir() else []
        ours = [p for p in found if p.is_file() and readconfig.hook_plugin(p, run)]
        if ours:
            taken.add(plugins)  # its other plugins are code a pack does not carry
            for other in sorted(p for p in plugins.iterdir() if p not in ours):
                run.skip(other, NOT_CARRIED["plugin"])
        for name, what in NOT_CARRIED.items():
            if (folder / name).exists() and folder / name not in taken:
                taken.add(folder / name)
                run.skip(folder / name, what)
        if folder.name == self.tree_name:  # opencode also reads the project's config
            self.config(folder.parent, run)
        skip_rest(folder, taken, run, "opencode")

    def agent(self, native: Native, report: FileReport, env: ImportEnv) -> Agent:
        return agent(native, report, env)

    def command(self, native: Native, report: FileReport, env: ImportEnv) -> Command:
        return command(native, report, env)

    def skill(
        self, native: Native, report: FileReport, resources: tuple[Resource, ...], env: ImportEnv
    ) -> Skill:
        return skill(native, report, resources)

    def tool_id(self, name: str, granting: bool = False) -> tuple[str | None, str | None]:
        tools = TOOL_KEYS.get(name)
        return (tools[0], None) if tools else (None, None)
