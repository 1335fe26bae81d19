"""opencode agents, commands and skills, one item at a time.

opencode passes unknown agent frontmatter keys to the model provider, so an agent file
carries only keys opencode defines.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agentpack import emit, placeholders
from agentpack.model import Agent, Command, Skill
from agentpack.outputs import OutFile
from agentpack.permissions import wildcard_match
from agentpack.targets import parts
from agentpack.targets.base import Change, ItemEnv, Report
from agentpack.targets.common import (
    agent_notes,
    body_notes,
    describe,
    model_id,
    skill_fields,
    skill_files,
    tool_list_notes,
)
from agentpack.targets.opencode.names import COLORS, HIDDEN_AGENTS, HOST_AGENTS, NAME
from agentpack.targets.opencode.permissions import rules_v1


def _model(item: Agent | Command, env: ItemEnv, report: Report) -> str | None:
    why = (
        "the model {ref} has no opencode id (provider/model-id); add one under models: in "
        "agentpack.yaml"
    )
    return model_id(NAME, item, item.model, env, report, why)


def agent_file(agent: Agent, env: ItemEnv, report: Report) -> OutFile:
    permission = rules_v1(agent.policy, tuple(s.name for s in parts.servers(env.manifest, NAME)))
    agent_notes(NAME, "opencode", agent, report)
    for tool, source, got, why in permission.narrowed:
        report.narrowed(NAME, agent, tool, source, got, why)
    if agent.name in HOST_AGENTS or agent.name in HIDDEN_AGENTS:
        report.add(
            NAME,
            agent,
            "name",
            Change.APPROXIMATED,
            f"opencode has a built-in agent named {agent.name!r} and merges this one into it: "
            "the built-in's rules come first and the pack's after, which win where both "
            "speak; rename the agent to keep it apart",
        )
    fields: dict[str, Any] = {
        "description": describe(agent),
        "mode": agent.mode.value,
        "model": _model(agent, env, report),
        "temperature": agent.temperature,
        "top_p": agent.top_p,
        "steps": agent.max_steps,
        "color": COLORS.get(agent.color, agent.color) if agent.color else None,
    }
    fields.update(agent.extras.get(NAME, {}))
    # opencode's own keys (external_directory, ...) come after the tools' rules: no tool
    # rule is about them but "*", and the pack's word on them wins over it
    own = fields.get("permission")
    fields["permission"] = {**(permission.rules or {}), **own} if own else permission.rules
    return OutFile.text(
        f"agents/{agent.name}.md", emit.frontmatter(fields, agent.body), agent.source
    )


def command_file(command: Command, env: ItemEnv, report: Report) -> OutFile:
    tool_list_notes(NAME, "opencode", command, report)
    for name, why in (
        ("allowed_tools", "opencode commands cannot pre-approve tools; they ask as usual"),
        ("argument_hint", "opencode commands have no argument hint"),
        ("disable_model_invocation", "opencode commands are run by the user only anyway"),
    ):
        if getattr(command, name):
            report.add(NAME, command, name, Change.DROPPED, why)
    body_notes(NAME, "opencode", command, report, runs_shell=True)
    _ungranted_lines(command, report)
    if placeholders.ESCAPED.search(command.body):
        report.add(
            NAME,
            command,
            "body",
            Change.APPROXIMATED,
            "opencode has no escape for a placeholder: the body's \\$1 (a $1 meant as text) "
            "gets the argument there, after a backslash; reword it to keep it text",
        )
    fields: dict[str, Any] = {
        "description": command.description,
        "agent": _agent_name(command, env, report),
        "model": _model(command, env, report),
        "subtask": command.subtask,
    }
    fields.update(command.extras.get(NAME, {}))
    return OutFile.text(
        f"commands/{command.name}.md", emit.frontmatter(fields, command.body), command.source
    )


def _ungranted_lines(command: Command, report: Report) -> None:
    """opencode runs a command's ``!`cmd` `` lines itself, with no permission check and
    whatever its agent may run; Claude Code runs only those the command's grants (or the
    user's settings) allow. Say which lines the grants do not cover."""
    lines = [m[0][2:-1] for m in placeholders.SHELL_LINE.finditer(command.body)]
    grants = [g for g in command.allowed_tools if g.tool == "bash"]
    loose = [
        line
        for line in lines
        if not any(g.pattern is None or wildcard_match(line, g.pattern) for g in grants)
    ]
    if loose:
        report.add(
            NAME,
            command,
            "body",
            Change.UNGUARDED,
            f"opencode runs the body's !`command` lines itself, unchecked; the command's "
            f"allowed_tools do not grant {', '.join(map(repr, loose[:3]))}"
            f"{', ...' if len(loose) > 3 else ''}, which Claude Code would run only if the "
            "user's settings allowed it: grant what the lines run, or take them out",
        )


def _agent_name(command: Command, env: ItemEnv, report: Report) -> str | None:
    """opencode's name for the agent the command names: a built-in of another host's
    spelling in opencode's, or none (and a note) for one opencode lacks, since opencode
    refuses to run a command whose agent it cannot find."""
    if env.agent is not None and not env.manifest.builds(env.agent.targets, NAME):
        report.add(
            NAME,
            command,
            "agent",
            Change.DROPPED,
            f"the agent {command.agent!r} is not in the opencode output (its targets: leave "
            "opencode out), and opencode refuses a command whose agent it cannot find; the "
            "command runs in the current agent",
        )
        return None
    if env.builtin is None:
        return command.agent
    native = HOST_AGENTS.get(env.builtin)
    if native is None:
        report.add(
            NAME,
            command,
            "agent",
            Change.DROPPED,
            f"opencode has no agent {command.agent!r} (another host's built-in); the command "
            "runs in the current agent",
        )
        return None
    return native.native


def skill_outputs(skill: Skill, report: Report) -> Iterator[OutFile]:
    if skill.disable_model_invocation:
        report.add(
            NAME,
            skill,
            "disable_model_invocation",
            Change.DROPPED,
            "opencode 1.x ignores it and would let the model load the skill on its own, so "
            "the skill is left out of the opencode output",
        )
        return
    if skill.allowed_tools:
        report.add(
            NAME,
            skill,
            "allowed_tools",
            Change.DROPPED,
            "opencode skills cannot pre-approve tools; they ask as usual",
        )
    body_notes(NAME, "opencode", skill, report)
    yield from skill_files(skill, skill_fields(skill))
