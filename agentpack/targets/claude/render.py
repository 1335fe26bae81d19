"""Claude Code agents, commands and skills, one item at a time.

Each agent file also works on its own in ``~/.claude/agents/``; together with the plugin
manifest (``plugin.py``) the folder is a Claude Code plugin.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from agentpack import aliases, emit, placeholders
from agentpack.model import Agent, Command, Mode, ModelRef, Skill, flat_name
from agentpack.outputs import OutFile
from agentpack.permissions import Decision
from agentpack.targets.base import Change, ItemEnv, Report
from agentpack.targets.claude.names import COLORS, HOST_AGENTS
from agentpack.targets.claude.permissions import (
    PLAN_DENIES,
    SPELLINGS,
    agent_tools,
    grant_rules,
    respelled,
)
from agentpack.targets.claude.servers import plain_tool_name, plugin_tool_names
from agentpack.targets.common import (
    agent_name,
    describe,
    skill_fields,
    skill_files,
    tool_list_notes,
)

NAME = "claude"


def agent_file(agent: Agent, env: ItemEnv, report: Report) -> OutFile:
    tools = agent_tools(agent.policy)
    called = agent_name(NAME, "Claude Code", agent, report)
    for tool, source, got, why in tools.narrowed:
        report.narrowed(NAME, agent, tool, source, got, why)
    for where, why in tools.notes:
        report.add(NAME, agent, where, Change.NARROWED, why)
    extras = dict(agent.extras.get(NAME, {}))
    plain = plain_tool_name(env.manifest)
    said = extras.pop(SPELLINGS[0], None)
    allowed = respelled(tools.tools, said, deny=False, plain=plain) or tools.tools
    denied = respelled(tools.disallowed, extras.pop(SPELLINGS[1], None), deny=True, plain=plain)
    served = plugin_tool_names(env.manifest)
    fields: dict[str, Any] = {
        "name": called,
        "description": describe(agent),
        "tools": None if allowed is None else (emit.inline_list(served(allowed)) or []),
        "disallowedTools": emit.inline_list(served(denied or tools.disallowed)) or None,
        "model": _model(agent, agent.model, env, report),
        "color": _color(agent, report),
    }
    if agent.max_steps is not None:
        fields["maxTurns"] = extras.pop("maxTurns", agent.max_steps)
    fields.update(extras)
    if fields.get("memory") and fields["tools"] is not None and agent.policy is not None:
        fields["disallowedTools"] = _memory_denies(tools.effective, fields["disallowedTools"])
    guards = fields.get("hooks")
    if isinstance(guards, dict) and guards.get("PreToolUse"):
        report.add(
            NAME,
            agent,
            f"{NAME}.hooks",
            Change.UNGUARDED,
            "Claude Code runs an agent's own PreToolUse hooks for an agent in .claude/agents, "
            "not in a plugin: what they would block is allowed in the plugin",
        )
    _plugin_ignores(agent, fields, report)
    for name in ("temperature", "top_p"):
        if getattr(agent, name) is not None:
            report.add(NAME, agent, name, Change.DROPPED, f"Claude Code agents have no {name}")
    if agent.mode is Mode.PRIMARY:
        report.add(
            NAME,
            agent,
            "mode",
            Change.APPROXIMATED,
            "Claude Code has no primary agents: written as a subagent; run it as the main "
            f"agent with 'claude --agent {called}'",
        )
    elif agent.mode is Mode.ALL:
        report.add(
            NAME,
            agent,
            "mode",
            Change.DROPPED,
            "Claude Code has no modes: every agent is a subagent, and runs as the main agent "
            f"with 'claude --agent {called}'",
        )
    return OutFile.text(f"agents/{called}.md", emit.frontmatter(fields, agent.body), agent.source)


MEMORY_TOOLS = (("read", "Read"), ("write", "Write"), ("edit", "Edit"))
"""What Claude Code adds to an agent's tools line when the agent has ``memory`` (its agent
loader, 2.1.332); ``disallowedTools`` is applied after that."""


def _memory_denies(effective: Mapping[str, Decision | None], denied: str | None) -> str | None:
    """The deny line with each tool memory would add that the agent is not allowed there
    (the source, as narrowed: Edit no wider than write)."""
    names = [n.strip() for n in denied.split(",")] if denied else []
    for tool, name in MEMORY_TOOLS:
        if effective.get(tool) is not Decision.ALLOW and name not in names:
            names.append(name)
    return emit.inline_list(names) or None


def _model(item: Agent | Command, ref: ModelRef | None, env: ItemEnv, report: Report) -> str | None:
    if ref is None:
        return None
    model = aliases.resolve(ref, NAME, env.models)
    if not model:
        report.add(
            NAME,
            item,
            "model",
            Change.DROPPED,
            f"the model {ref} has no Claude Code id; add one under models: in agentpack.yaml",
        )
        return None
    return model


def _color(agent: Agent, report: Report) -> str | None:
    if agent.color is None or agent.color in COLORS:
        return agent.color
    report.add(
        NAME,
        agent,
        "color",
        Change.DROPPED,
        f"Claude Code takes colour names only, not {agent.color}",
    )
    return None


def command_file(command: Command, env: ItemEnv, report: Report) -> OutFile:
    tool_list_notes(NAME, "Claude Code", command, report)
    fields: dict[str, Any] = {
        "description": command.description,
        "argument-hint": command.argument_hint,
        "allowed-tools": _grants(command, report) or None,
        "model": _model(command, command.model, env, report),
        "disable-model-invocation": command.disable_model_invocation,
    }
    builtin = HOST_AGENTS.get(env.builtin) if env.builtin is not None else None
    fork = command.subtask
    if fork is None and command.agent is not None:
        own = env.agent
        fork = own.mode is Mode.SUBAGENT if own else builtin is not None and builtin.subagent
    if fork:
        fields["context"] = "fork"
        # a built-in in Claude Code's spelling; none for one Claude Code lacks (opencode's
        # build): a forked command with no agent runs on general-purpose
        if env.builtin is None:
            fields["agent"] = flat_name(command.agent) if command.agent else None
        elif builtin is not None:
            fields["agent"] = builtin.native
    elif command.agent is not None:
        report.add(
            NAME,
            command,
            "agent",
            Change.DROPPED,
            "Claude Code runs a command in another agent only as a subtask (context: fork); "
            "set subtask: true",
        )
    fields.update(command.extras.get(NAME, {}))
    shell = any(g.tool == "bash" for g in command.allowed_tools)
    runs = placeholders.SHELL_LINE.search(command.body) or placeholders.SHELL_BLOCK.search(
        command.body
    )
    if runs and not shell:
        report.add(
            NAME,
            command,
            "allowed_tools",
            Change.APPROXIMATED,
            "Claude Code runs the body's !`command` lines only when they are allowed, and "
            "the command pre-approves no shell command: it stops unless the user's settings "
            "allow them; "
            "grant them in allowed_tools (bash: git status *, say)",
        )
    body = placeholders.shift(command.body, -1)
    return OutFile.text(
        f"commands/{command.name}.md", emit.frontmatter(fields, body), command.source
    )


def skill_outputs(skill: Skill, report: Report) -> Iterator[OutFile]:
    fields = skill_fields(skill)
    fields["allowed-tools"] = _grants(skill, report) or None
    fields["disable-model-invocation"] = skill.disable_model_invocation
    fields.update(skill.extras.get(NAME, {}))
    yield from skill_files(skill, fields)


def _grants(item: Command | Skill, report: Report) -> list[str]:
    """Claude rules for a command's or skill's grants; a grant with no rule is noted."""
    rules, dropped = grant_rules(item.allowed_tools)
    for grant, why in dropped:
        report.add(
            NAME,
            item,
            "allowed_tools",
            Change.DROPPED,
            f"{grant} {why} (nothing is pre-approved for it)",
        )
    return rules


PLUGIN_IGNORED = ("permissionMode", "mcpServers", "initialPrompt", "observer")
"""Fields Claude Code 2.1.332 ignores in a plugin's agent ("..., which is ignored for plugin
agents"; ``observerMessage`` and ``observeSubagents`` with ``observer``, ``hooks`` above)."""


def _plugin_ignores(agent: Agent, fields: dict[str, Any], report: Report) -> None:
    """Say which fields hold only where the agent file is copied to ``.claude/agents``: a
    plan or dontAsk mode that stops the agent's edits stops nothing in the plugin."""
    for key in (k for k in PLUGIN_IGNORED if k in fields):
        mode = fields[key] if key == "permissionMode" else None
        held = agent.policy is not None and all(
            agent.policy.decide(t) is Decision.DENY for t in PLAN_DENIES if t != "mcp:*"
        )  # as an imported plan agent's tools are: its tools line holds it in the plugin too
        stops = mode in ("plan", "dontAsk") and not held
        report.add(
            NAME,
            agent,
            f"{NAME}.{key}",
            Change.UNGUARDED if stops else Change.APPROXIMATED,
            f"Claude Code ignores {key} in a plugin's agent; it holds where the file is copied "
            "to .claude/agents"
            + (f": in the plugin the agent is not in {mode} mode" if stops else ""),
        )
