"""Copilot's native files -> canonical items: agents (``*.agent.md``), VS Code prompt files,
Copilot CLI commands and skills, in a repository's ``.github/``, a ``~/.copilot`` home, a
Copilot plugin, or ``dist/copilot``.

A ``tools`` list is read as Copilot applies it: the aliases it knows grant their tools,
names it does not know grant nothing (reported as dropped), and every agent also has the
skill tool, which no list takes away.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from agentpack import filereport, placeholders
from agentpack.filereport import FileReport
from agentpack.model import Agent, Command, Mode, Resource, Skill, SourceRef
from agentpack.native import (
    EXTRAS,
    ImportEnv,
    Importing,
    Native,
    described,
    model_ref,
    name_of,
    split_examples,
)
from agentpack.nativefile import read_native
from agentpack.nativetree import skip_rest
from agentpack.targets import readparts, vscode
from agentpack.targets.copilot.names import (
    AGENTS,
    ALIASES,
    CHATMODES,
    COMMANDS,
    HOST_AGENTS,
    MANIFESTS,
    NARROW_NAMES,
    PLUGIN,
    PROMPTS,
    READ_NAMES,
    SKILLS,
)
from agentpack.targets.copilot.readplugin import (
    VSCODE_SERVERS,
    VSCODE_SPELLING,
    manifest,
    named_servers,
    servers_and_hooks,
)
from agentpack.targets.copilot.readtools import agent_policy

PLUGIN_KEPT = frozenset(
    {"name", "version", "description", "author", "homepage", "repository", "license"}
    | {"keywords", "agents", "skills", "commands", "hooks", "mcpServers"}
)
"""Fields of a plugin manifest a pack carries (as its manifest, or by reading its parts)."""
_BY_HAND = "a pack holds a plugin's parts and names; copy it by hand"
_NOT_KEPT = {
    "userConfig": "options the user is asked for, which a pack keeps for Claude Code only: "
    "copy them into agentpack.yaml as claude: {userConfig: ...}",
}
CARRIED = frozenset({"target", "reasoning-effort", "argument-hint", "agents", "skills", "handoffs"})
"""Agent keys kept under ``copilot:``."""
_PROMPT_AGENTS = {host.native: canonical for canonical, host in HOST_AGENTS.items()}


def _stem(path: Path, suffix: str) -> str:
    name = path.name
    return name[: -len(suffix)] if name.endswith(suffix) else path.stem


def _agent_stem(path: Path) -> str:
    """An agent's name from its file: ``x.agent.md``, a legacy chat mode's
    ``x.chatmode.md``, or ``x.md``."""
    return _stem(path, ".chatmode.md" if path.name.endswith(".chatmode.md") else ".agent.md")


def _mode(fm: Mapping[str, Any], report: FileReport) -> Mode:
    user = fm.get("user-invocable") is not False
    model = fm.get("disable-model-invocation") is not True and fm.get("infer") is not False
    if user and model:
        return Mode.ALL
    if not user and not model:
        report.approximated.append("user-invocable: false and no model invocation: a subagent")
    return Mode.PRIMARY if user else Mode.SUBAGENT


def agent(native: Native, report: FileReport, env: ImportEnv) -> Agent:
    fm = native.frontmatter or {}
    description, examples = split_examples(str(fm.get("description") or ""))
    report.mapped += [k for k in ("name", "description", "tools", "model") if k in fm]
    policy = agent_policy(fm, report, env)
    model = fm.get("model")
    if isinstance(model, list):
        report.approximated.append("model: the first of the models listed")
        model = model[0] if model else None
    extras: dict[str, Any] = {}
    for key, value in fm.items():
        if key in ("name", "description", "tools", "model"):
            continue
        if key in CARRIED:
            extras[key] = value
            report.mapped.append(key)
        elif key in ("user-invocable", "disable-model-invocation", "infer"):
            report.mapped.append(key)
        elif key in ("disallowedTools", "disallowed-tools", "readonly"):
            continue  # read above (agent_policy), as the narrower policy its author meant
        elif key == "mcp-servers":  # every agent would have it as a pack server: by hand
            names = ", ".join(map(str, value)) if isinstance(value, dict) else "?"
            report.dropped.append(
                f"mcp-servers ({names}: servers of this agent alone, where a pack's servers "
                "are every agent's; add each as mcp/<name>.yaml if every agent may have it)"
            )
        else:
            report.dropped.append(f"{key} (no canonical field)")
    return Agent(
        name=name_of(fm.get("name"), _agent_stem(native.path), report),
        description=described(description, report),
        body=native.body,
        source=SourceRef(report.source),
        examples=examples,
        mode=_mode(fm, report),
        model=model_ref(model, "copilot", env, report),
        policy=policy,
        extras=MappingProxyType({"copilot": MappingProxyType(extras)} if extras else {}),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def prompt(native: Native, report: FileReport, env: ImportEnv) -> Command:
    """A VS Code prompt file; ``${input:arguments}`` and ``${input:argN}`` are the
    placeholders agentpack writes there."""
    fm = native.frontmatter or {}
    report.mapped += [k for k in ("description", "argument-hint", "model") if k in fm]
    agent_name = fm.get("agent", fm.get("mode"))
    if agent_name is not None:
        report.mapped.append("agent")
    extras: dict[str, Any] = {}
    for key in fm.keys() - {"name", "description", "argument-hint", "model", "agent", "mode"}:
        if key == "tools":  # a restriction VS Code alone applies: kept, and said
            line, col = native.located.pos(("tools",), key=True) if native.located else (1, 1)
            report.warn(
                line,
                col,
                "tools",
                "the prompt's tools list is kept as copilot.tools, which VS Code alone "
                "applies: elsewhere the command runs with its agent's tools (or the "
                "session's), which may be more; name an agent with these tools as its agent",
            )
            if isinstance(fm["tools"], list):
                extras["tools"] = [str(t) for t in fm["tools"]]
            continue
        report.dropped.append(f"{key} (no canonical field)")

    agent = None if agent_name is None else _PROMPT_AGENTS.get(str(agent_name), str(agent_name))
    if agent == "ask":  # VS Code's read-only agent: kept for it, and said
        extras["agent"], agent = "ask", None
        key = "agent" if "agent" in fm else "mode"  # mode: VS Code's older name for it
        line, col = native.located.pos((key,), key=True) if native.located else (1, 1)
        report.warn(
            line,
            col,
            key,
            "the prompt runs in VS Code's Ask agent, which changes nothing: kept as "
            "copilot.agent, which VS Code alone applies; elsewhere the command runs in the "
            "current agent, with its tools: name a read-only agent of the pack instead",
        )
    return Command(
        name=name_of(fm.get("name"), _stem(native.path, ".prompt.md")),
        description=str(fm.get("description") or "Imported command."),
        body=vscode.prompt_body(native.body, report),
        source=SourceRef(report.source),
        argument_hint=_text(fm.get("argument-hint")),
        agent=agent,
        model=model_ref(fm.get("model"), "copilot", env, report),
        extras=MappingProxyType({"copilot": MappingProxyType(extras)} if extras else {}),
    )


def command(native: Native, report: FileReport) -> Command:
    """A Copilot CLI command (a plugin's ``commands/``): placeholders counted from 0."""
    fm = native.frontmatter or {}
    report.mapped += [
        k for k in ("description", "argument-hint", "disable-model-invocation") if k in fm
    ]
    for key in fm.keys() - {"name", "description", "argument-hint", "disable-model-invocation"}:
        report.dropped.append(f"{key} (no canonical field)")
    hidden = fm.get("disable-model-invocation")
    return Command(
        name=name_of(fm.get("name"), native.path.stem),
        description=str(fm.get("description") or "Imported command."),
        body=placeholders.shift(native.body, +1),
        source=SourceRef(report.source),
        argument_hint=_text(fm.get("argument-hint")),
        disable_model_invocation=hidden if isinstance(hidden, bool) else None,
    )


def skill(native: Native, report: FileReport, found: tuple[Resource, ...]) -> Skill:
    fm = native.frontmatter or {}
    keys = ("name", "description", "license", "compatibility", "metadata")
    report.mapped += [k for k in (*keys, "disable-model-invocation") if k in fm]
    extras = {k: v for k, v in fm.items() if k == "user-invocable"}
    report.mapped += list(extras)
    for key in fm.keys() - {*keys, "disable-model-invocation", "user-invocable"}:
        report.dropped.append(f"{key} (no canonical field)")
    raw = fm.get("metadata")
    metadata: dict[str, Any] = raw if isinstance(raw, dict) else {}
    hidden = fm.get("disable-model-invocation")
    return Skill(
        name=name_of(fm.get("name"), native.path.parent.name),
        description=described(str(fm.get("description") or ""), report, "skill"),
        body=native.body,
        source=SourceRef(report.source),
        license=_text(fm.get("license")),
        compatibility=_text(fm.get("compatibility")),
        disable_model_invocation=hidden if isinstance(hidden, bool) else None,
        resources=found,
        metadata=MappingProxyType({str(k): str(v) for k, v in metadata.items()}),
        extras=MappingProxyType({"copilot": MappingProxyType(extras)} if extras else {}),
    )


def _twin_hidden(path: Path) -> bool | None:
    """``disable-model-invocation`` of the CLI command written beside a prompt file."""
    if not path.is_file():
        return None
    native = read_native(path, FileReport(path.name), lenient=False)
    value = (native.frontmatter or {}).get("disable-model-invocation") if native else None
    return value if isinstance(value, bool) else None


def _others(folder: Path, suffix: str, run: Importing) -> None:
    """Report the files of a folder that VS Code passes over: it reads ``*<suffix>``
    there and nothing else."""
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file() and not (path.parent == folder and path.name.endswith(suffix)):
            run.skip(path, f"VS Code reads only the *{suffix} files directly in {folder.name}/")


class CopilotReader:
    """Copilot's files: a repository's ``.github/``, a ``~/.copilot`` home, a Copilot plugin
    (``plugin.json`` at its root) or ``dist/copilot``."""

    dialect: ClassVar[str] = "copilot"
    tree_name: ClassVar[str] = ".github"
    fallback: ClassVar[bool] = False
    bare_agents: ClassVar[bool] = False
    skill_marks: ClassVar[tuple[str, ...]] = ()

    def claims(self, frontmatter: Mapping[str, Any]) -> bool:
        return bool(
            frontmatter.keys()
            & {"user-invocable", "infer", "target", "handoffs", "mcp-servers", "reasoning-effort"}
        )

    def marks(self, folder: Path) -> bool:
        return folder.name in (self.tree_name, ".copilot") or (folder / PLUGIN).is_file()

    def folder(self, path: Path, run: Importing) -> bool:
        placed = [m for m in MANIFESTS if m != PLUGIN]  # a place only a plugin's root has
        full = path.absolute()
        root = next((r for r in full.parents if full in (r / m for m in placed)), None)
        if path.is_file() and root is not None and manifest(root) == full:  # given alone
            path = root
        if path.is_file() and path.name.endswith((".agent.md", ".chatmode.md")):
            self._agent(path, run)
        elif path.is_file() and path.name.endswith(".prompt.md"):
            self._prompt(path, run, None)
        elif path.is_dir() and (path / PLUGIN).is_file() and (path / AGENTS).is_dir():
            self.tree(path, run)
        elif path.is_dir() and manifest(path) not in (None, path / PLUGIN):
            self.tree(path, run)  # a manifest no other tool keeps there
        else:
            return False
        return True

    def config(self, folder: Path, run: Importing) -> set[Path]:
        """A project's ``.vscode/mcp.json``, whose servers Copilot in VS Code starts; the
        servers and hooks of a tree given alone (``.github/mcp.json``)."""
        if self.marks(folder):
            return servers_and_hooks(folder, run)
        if (folder / VSCODE_SERVERS).is_file():
            readparts.servers_file(
                folder / VSCODE_SERVERS, run, VSCODE_SPELLING, comments=True, plugin=False
            )
            return {folder / VSCODE_SERVERS}
        return set()

    def tree(self, folder: Path, run: Importing, held: frozenset[Path] = frozenset()) -> None:
        """``held``: what was read already (a plugin's manifest in a ``.github/``)."""
        taken = {folder / sub for sub in (AGENTS, CHATMODES, PROMPTS, COMMANDS, SKILLS)} | held
        taken |= servers_and_hooks(folder, run)
        taken |= self._plugin(folder, run)
        agents = sorted((folder / AGENTS).rglob("*.md")) if (folder / AGENTS).is_dir() else []
        for path in agents:
            if path.name.endswith(".agent.md") or not path.with_suffix(".agent.md").is_file():
                self._agent(path, run)
            else:
                run.skip(path, f"{path.stem}.agent.md beside it wins in Copilot")
        named = {_agent_stem(path) for path in agents}
        modes = folder / CHATMODES
        for path in sorted(modes.glob("*.chatmode.md")) if modes.is_dir() else []:
            if _agent_stem(path) in named:  # renamed and moved, as VS Code says to
                run.skip(path, f"{AGENTS}/{_agent_stem(path)}.agent.md, its successor, wins")
            else:
                self._agent(path, run)
        _others(modes, ".chatmode.md", run)
        _others(folder / PROMPTS, ".prompt.md", run)
        prompts = sorted((folder / PROMPTS).glob("*.prompt.md"))
        for path in prompts:
            self._prompt(path, run, folder / COMMANDS / f"{_stem(path, '.prompt.md')}.md")
        names = {_stem(p, ".prompt.md") for p in prompts}
        for path in sorted((folder / COMMANDS).glob("*.md")):
            if path.stem in names:
                run.skip(path, f"the command of {PROMPTS}/{path.stem}.prompt.md, read with it")
            else:
                report = run.report(path, "command (copilot)")
                native = read_native(path, report, lenient=run.lenient)
                if native is not None:
                    run.add(command(native, report), report)
        skills = folder / SKILLS
        for entry in sorted(skills.iterdir()) if skills.is_dir() else []:
            if (entry / "SKILL.md").is_file():
                run.skill(entry, self.dialect)
            else:
                run.skip(entry, "not a skill (a skill is a folder with a SKILL.md)")
        skip_rest(folder, taken, run, "Copilot")

    def _plugin(self, folder: Path, run: Importing) -> set[Path]:
        """The plugin's manifest, where the CLI finds it: its fields, and the servers it
        names; with ``.github/plugin/plugin.json``, the repository's own ``.github/``."""
        found = manifest(folder)
        if found is None:
            return set()
        report = run.report(found, "plugin")  # the CLI refuses a plugin it cannot read
        read = filereport.json_object(found, report)
        meta = {k: v for k, v in read.items() if k not in ("$schema", EXTRAS)}
        report.name = str(meta.get("name") or "")
        report.mapped = sorted(k for k in meta if k in PLUGIN_KEPT)
        report.dropped += [
            f"{k} ({_NOT_KEPT.get(k, _BY_HAND)})" for k in sorted(meta) if k not in PLUGIN_KEPT
        ]
        taken = named_servers(found, folder, meta.pop("mcpServers", None), run)
        run.plugin_meta(meta)
        if found == folder / MANIFESTS[2]:
            self.tree(folder / self.tree_name, run, frozenset({found.parent}))
        return taken | {folder / found.relative_to(folder).parts[0]}

    def _agent(self, path: Path, run: Importing) -> None:
        report = run.report(path, "agent (copilot)")
        native = read_native(path, report, lenient=run.lenient)
        if native is not None:
            run.add(agent(native, report, run.env()), report)

    def _prompt(self, path: Path, run: Importing, twin: Path | None) -> None:
        report = run.report(path, "command (copilot prompt)")
        native = read_native(path, report, lenient=run.lenient)
        if native is None:
            return
        found = prompt(native, report, run.env())
        hidden = _twin_hidden(twin) if twin is not None else None
        if twin is not None and hidden is not None:
            report.mapped.append(f"disable-model-invocation (from {COMMANDS}/{twin.name})")
            found = dataclasses.replace(found, disable_model_invocation=hidden)
        run.add(found, report)

    def agent(self, native: Native, report: FileReport, env: ImportEnv) -> Agent:
        return agent(native, report, env)

    def command(self, native: Native, report: FileReport, env: ImportEnv) -> Command:
        if native.path.name.endswith(".prompt.md"):
            return prompt(native, report, env)
        return command(native, report)

    def skill(
        self, native: Native, report: FileReport, resources: tuple[Resource, ...], env: ImportEnv
    ) -> Skill:
        return skill(native, report, resources)

    def tool_id(self, name: str, granting: bool = False) -> tuple[str | None, str | None]:
        key = name.lower()
        if key in NARROW_NAMES:
            return NARROW_NAMES[key][0], None
        found = ALIASES.get(READ_NAMES.get(key, ""))
        return (found[0], None) if found and len(found) == 1 else (None, None)
