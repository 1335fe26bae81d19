"""Claude Code native files -> canonical items: agents, commands, skills, plugins.

A ``tools`` line is an allowlist (everything else denied), ``disallowedTools`` a denylist
(everything else allowed), neither means inherit. Command and skill ``allowed-tools`` are
grants and stay grants. Positional placeholders are renumbered from Claude's ``$0`` to the
canonical ``$1``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from agentpack import placeholders
from agentpack.filereport import FileReport
from agentpack.model import Agent, Command, Grant, Mode, Resource, Skill, SourceRef
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
from agentpack.permissions import Decision, Policy, normalize_tool_id
from agentpack.standardskill import metadata_texts
from agentpack.targets import readparts
from agentpack.targets.base import schema_blocks
from agentpack.targets.claude import readplugin
from agentpack.targets.claude.names import (
    AGENT_EXTRAS,
    AGENT_FIELDS,
    AGENT_RULE,
    COLORS,
    COMMAND_EXTRAS,
    GONE,
    OWN_ONLY,
    SKILL_EXTRAS,
    resource_denies,
)
from agentpack.targets.claude.names import tool_id as claude_tool
from agentpack.targets.claude.permissions import (
    SPELLINGS,
    agent_tools,
    asked,
    not_asking,
    planning,
    respelled,
    rules,
    with_memory,
)


def _ids(names: list[str], report: FileReport, fieldname: str, *, granting: bool) -> list[str]:
    out: list[str] = []
    for name in names:
        tool, pattern = claude_tool(name, granting=granting)
        whole = claude_tool(name)[0] if tool is None and granting else None
        if whole is not None:
            why = (
                "a name Claude Code no longer has a tool for: it grants nothing"
                if name.strip() in GONE
                else f"a part of the pack's {whole}, which would allow more: left out"
            )
            report.approximated.append(f"{fieldname}: {name} ({why})")
            continue
        if tool is None:
            report.dropped.append(f"{fieldname}: {name} (not a tool agentpack knows)")
            continue
        if pattern is not None:  # Agent(x), the one Claude Code keeps: only these agents
            subagents = tool == "task" and granting
            report.approximated.append(
                f"{fieldname}: {name} (starts only the subagents it names, which the pack "
                "cannot say: task is left out)"
                if subagents
                else f"{fieldname}: {name} -> {tool} (Claude Code drops the pattern there)"
            )
            if subagents:
                continue
        out.append(normalize_tool_id(tool))
    return list(dict.fromkeys(out))


def policy(fm: Mapping[str, Any], report: FileReport, key: str = "tools") -> Policy | None:
    """The agent's tools line and deny line, split as Claude Code splits them: a line
    present but empty, or of another shape (null, a mapping), gives the agent no tools."""
    allowed = rules(fm[key]) if key in fm else None
    if allowed is not None and "*" in allowed:
        allowed = None  # Claude Code reads a tools line with "*" in it as no tools line
        report.mapped.append(f"{key}: * (every tool)")
    elif key in fm and not isinstance(fm[key], (str, list)):
        report.approximated.append(f"{key}: {fm[key]!r} (Claude Code reads it as no tools)")
    denied, why = resource_denies(rules(fm.get("disallowedTools", fm.get("disallowed-tools"))))
    report.approximated += [f"disallowedTools: {why}"] if why else []
    if allowed is None and not denied:
        return None
    deny = _ids(denied or [], report, "disallowedTools", granting=False)
    if allowed is None:
        report.mapped.append("disallowedTools")
        return Policy.build(Decision.ALLOW, None, (), deny)
    allow = [t for t in _ids(allowed, report, key, granting=True) if not _taken(t, deny)]
    if "task" in allow and any(AGENT_RULE.match(n) for n in allowed):
        allow.remove("task")  # Agent(reviewer) beside a bare Agent still holds it to those
    report.mapped.append(key)
    return Policy.build(None, allow, (), [t for t in deny if t.startswith("mcp:")])


def _taken(tool: str, deny: list[str]) -> bool:
    """Whether the deny line takes the tool away: a whole server's entry takes each of its
    tools (Claude Code 2.1.332 offers none of them, whatever the tools line names)."""
    server = tool.partition("/")[0]
    return tool in deny or (tool.startswith("mcp:") and (server in deny or "mcp:*" in deny))


def _extras(
    fm: Mapping[str, Any], known: tuple[str, ...], handled: frozenset[str], report: FileReport
) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for key, value in fm.items():
        if key in handled:
            continue
        block[key] = value
        if key in OWN_ONLY and known is AGENT_EXTRAS:
            report.approximated.append(
                f"{key} (kept under claude:, for Claude Code: {OWN_ONLY[key]})"
            )
            continue
        (report.mapped if key in known else report.approximated).append(
            f"{key}" if key in known else f"{key} (kept under claude:, not a field agentpack knows)"
        )
    return block


def _known_events(claude: dict[str, Any], report: FileReport) -> None:
    """An agent's hooks for an event Claude Code does not know, which it ignores: left
    out, said (the pack's schema holds the events to Claude Code's own)."""
    hooks = claude.get("hooks")
    shape = schema_blocks(str(Path(__file__).parent))["agent"]["properties"]["hooks"]
    events = shape["propertyNames"]["enum"]
    if isinstance(hooks, dict) and set(hooks) - set(events):
        claude["hooks"] = {k: v for k, v in hooks.items() if k in events}
        for key in sorted(set(hooks) - set(events)):
            report.dropped.append(f"hooks.{key} (no event of Claude Code's, which ignores it)")
        if not claude["hooks"]:  # none left: no field, and no word of one kept
            del claude["hooks"]
            report.approximated[:] = [a for a in report.approximated if not a.startswith("hooks ")]


def agent(native: Native, report: FileReport, env: ImportEnv) -> Agent:
    fm = native.frontmatter or {}
    name = name_of(fm.get("name"), native.path.stem, report)
    description, examples = split_examples(str(fm.get("description") or ""))
    report.mapped += ["name", "description"] + (["examples"] if examples else [])
    color = fm.get("color")
    extras_src = {
        k: v for k, v in fm.items() if k not in AGENT_FIELDS | {"allowed-tools", "maxTurns"}
    }
    claude = _extras(extras_src, AGENT_EXTRAS, frozenset(), report)
    _known_events(claude, report)
    if isinstance(claude.get("skills"), str):  # Claude Code reads it as it reads tools
        claude["skills"] = list(dict.fromkeys(rules(claude["skills"])))
        report.mapped.remove("skills")
        report.approximated.append("skills (a comma-separated text, read as the list it names)")
    key = "tools" if "tools" in fm else "allowed-tools"
    if key in fm and key != "tools":
        report.approximated.append(
            f"{key} (Claude Code reads it in commands and skills only: such an agent has every "
            "tool there; read as its tools line, as meant, which the export writes)"
        )
    fm = with_memory(fm, report)
    agent_policy = policy(fm, report, key)
    claude.update(_spelling(fm, key, agent_policy, report))
    if fm.get("permissionMode") == "plan":
        agent_policy = planning(agent_policy, report)
    elif fm.get("permissionMode") == "dontAsk":
        agent_policy = not_asking(agent_policy, report)
    elif fm.get("permissionMode") != "bypassPermissions":
        asked(agent_policy, report)
    if color is not None and color not in COLORS:
        report.dropped.append(f"color: {color} (not a colour agentpack knows)")
        color = None
    return Agent(
        name=name,
        description=described(description, report),
        body=native.body,
        source=SourceRef(report.source),
        examples=examples,
        mode=Mode.SUBAGENT,
        model=model_ref(fm.get("model"), "claude", env, report),
        max_steps=fm.get("maxTurns") if isinstance(fm.get("maxTurns"), int) else None,
        policy=agent_policy,
        color=color,
        extras=MappingProxyType({"claude": MappingProxyType(claude)} if claude else {}),
    )


def _spelling(
    fm: Mapping[str, Any], key: str, found: Policy | None, report: FileReport
) -> dict[str, list[str]]:
    """The source's own spelling of its lists, where agentpack would write them otherwise
    (another order, every shell tool for ``Bash``) and the renderer can take it back; a
    spelling it cannot take back is reported as approximated."""
    computed = agent_tools(found)
    denied = fm.get("disallowedTools", fm.get("disallowed-tools"))
    kept: dict[str, list[str]] = {}
    for field, names, wrote, deny in (
        (SPELLINGS[0], fm.get(key), computed.tools, False),
        (SPELLINGS[1], denied, computed.disallowed, True),
    ):
        source = rules(names)
        if names is None or wrote is None or source == wrote:
            continue
        # an agent's allowed-tools is no field Claude Code reads: no spelling of it to keep
        if (key == "tools" or deny) and respelled(wrote, source, deny=deny):
            kept[field] = source
        else:
            line = "disallowedTools" if deny else key
            report.approximated.append(
                f"{line}: written back as {', '.join(wrote) or '(none)'} (what the pack's "
                "tools: say in Claude Code, older clients' names too)"
            )
    return kept


def grants(value: Any, report: FileReport) -> tuple[Grant, ...]:
    out = []
    for rule in rules(value):
        tool, pattern = claude_tool(rule, granting=True)
        if tool is None or (pattern is not None and tool != "bash"):
            report.dropped.append(f"allowed-tools: {rule} (no canonical grant)")
            continue
        grant = Grant(normalize_tool_id(tool), pattern)
        if grant not in out:
            out.append(grant)
    return tuple(out)


def command(native: Native, report: FileReport, env: ImportEnv) -> Command:
    fm = native.frontmatter or {}
    body = placeholders.positional(placeholders.shift(native.body, +1), fm.get("arguments"))
    description = str(fm.get("description") or "").strip()
    if not description:
        first = next((line.strip("# ").strip() for line in body.splitlines() if line.strip()), "")
        description = first[:200] or "Imported command."
        report.approximated.append("description (from the first line of the body)")
    fork = fm.get("context") == "fork"
    handled = frozenset(
        {
            "description",
            "argument-hint",
            "allowed-tools",
            "model",
            "disable-model-invocation",
            "context",
            "agent",
            "name",
        }
    )
    claude = _extras(fm, COMMAND_EXTRAS, handled, report)
    return Command(
        name=command_name(native.path, report),
        description=description,
        body=body,
        source=SourceRef(report.source),
        argument_hint=_hint(fm.get("argument-hint"), report),
        allowed_tools=grants(fm.get("allowed-tools"), report),
        agent=_text(fm.get("agent")) if fork or fm.get("agent") else None,
        model=model_ref(fm.get("model"), "claude", env, report),
        subtask=True if fork else None,
        disable_model_invocation=_bool(fm.get("disable-model-invocation")),
        extras=MappingProxyType({"claude": MappingProxyType(claude)} if claude else {}),
    )


def skill(native: Native, report: FileReport, resources: tuple[Resource, ...]) -> Skill:
    fm = native.frontmatter or {}
    # Claude Code names a skill after its folder; the name field is only what it shows
    name = name_of(native.path.parent.name, str(fm.get("name") or ""))
    if fm.get("name") is not None and str(fm["name"]) != name:
        report.approximated.append(
            f"name: {fm['name']} (Claude Code's display name; the skill is named after its "
            f"folder, {name})"
        )
    handled = frozenset(
        {
            "name",
            "description",
            "license",
            "compatibility",
            "metadata",
            "allowed-tools",
            "disable-model-invocation",
        }
    )
    if isinstance(fm.get("argument-hint"), list):
        fm = {**fm, "argument-hint": _hint(fm["argument-hint"], report)}
    claude = _extras(fm, SKILL_EXTRAS, handled, report)
    return Skill(
        name=name,
        description=described(str(fm.get("description") or ""), report, "skill"),
        body=native.body,
        source=SourceRef(report.source),
        license=_text(fm.get("license")),
        compatibility=_text(fm.get("compatibility")),
        allowed_tools=grants(fm.get("allowed-tools"), report),
        disable_model_invocation=_bool(fm.get("disable-model-invocation")),
        resources=resources,
        extras=MappingProxyType({"claude": MappingProxyType(claude)} if claude else {}),
        metadata=MappingProxyType(metadata_texts(fm.get("metadata"), report)),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _hint(value: Any, report: FileReport) -> str | None:
    """``argument-hint: [message]`` is the usual way to write a hint, and YAML reads it as a
    list; written back as the text it was typed as (Claude Code would show ``message``)."""
    if not isinstance(value, list):
        return _text(value)
    report.approximated.append("argument-hint (a YAML list, read as the text it was written as)")
    return "[" + ", ".join(str(v) for v in value) + "]"


def _bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "on", "1")


LAYOUT = Layout(agents=("agents",), commands=("commands",), skills=("skills",))
"""Where Claude Code reads agents, commands and skills in ``.claude/`` (and a plugin)."""


class ClaudeReader:
    """Claude Code's native files: agents, commands, skills, plugins and marketplaces."""

    dialect: ClassVar[str] = "claude"
    tree_name: ClassVar[str] = ".claude"
    fallback: ClassVar[bool] = True  # the most common dialect in the wild
    bare_agents: ClassVar[bool] = False  # it skips an agent without name and description
    skill_marks: ClassVar[tuple[str, ...]] = ()

    def claims(self, frontmatter: Mapping[str, Any]) -> bool:
        return False  # Claude-style files have no field the other dialects lack

    def marks(self, folder: Path) -> bool:
        return folder.name == self.tree_name

    def folder(self, path: Path, run: Importing) -> bool:
        if (path / ".claude-plugin" / "marketplace.json").is_file():
            readplugin.marketplace(path, run)
            return True
        if (path / ".claude-plugin" / "plugin.json").is_file() or readplugin.unlisted(path):
            readplugin.plugin(path, run)
            return True
        return readplugin.plugins_folder(path, run)

    def config(self, folder: Path, run: Importing) -> set[Path]:
        taken = set()
        for name in ("settings.json", "settings.local.json"):
            if (folder / name).is_file():
                taken.add(folder / name)
                if readplugin.settings(folder / name, run):
                    taken.add(folder / "hooks")  # the scripts they run, read with them
        if (mcp := folder / ".mcp.json").is_file():  # a project's servers
            taken.add(mcp)
            readparts.servers_file(mcp, run, readplugin.SPELLING, plugin=False)
        user = readplugin.user_servers(folder, run)
        return taken | ({user} if user else set())

    def tree(self, folder: Path, run: Importing) -> None:
        if self.folder(folder, run):
            return  # dist/claude is a plugin: read the way Claude Code reads a plugin
        taken = read_tree(folder, run, self.dialect, LAYOUT) | self.config(folder, run)
        skip_rest(folder, taken, run, "Claude Code")

    def agent(self, native: Native, report: FileReport, env: ImportEnv) -> Agent:
        return agent(native, report, env)

    def command(self, native: Native, report: FileReport, env: ImportEnv) -> Command:
        return command(native, report, env)

    def skill(
        self, native: Native, report: FileReport, resources: tuple[Resource, ...], env: ImportEnv
    ) -> Skill:
        return skill(native, report, resources)

    def tool_id(self, name: str, granting: bool = False) -> tuple[str | None, str | None]:
        return claude_tool(name, granting=granting)
