"""Cursor agents, commands and skills, one item at a time.

Cursor reads no frontmatter in a command file: the whole file is the prompt, and what the
user types after the command is given to the model with it. A template with placeholders
therefore starts with a line that says what they stand for, so that it still reads right.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agentpack import emit, placeholders
from agentpack.model import Agent, Command, Mode, Skill
from agentpack.outputs import OutFile
from agentpack.targets.base import Change, ItemEnv, Report
from agentpack.targets.common import (
    agent_name,
    agent_notes,
    agent_skill,
    body_notes,
    describe,
    model_id,
    tool_list_notes,
)
from agentpack.targets.cursor.names import AGENTS, COMMANDS, SKILLS
from agentpack.targets.cursor.permissions import agent_rights

NAME = "cursor"
USAGE = (
    "In this command, `$ARGUMENTS` stands for everything the user wrote after the command's "
    "name, and `$1`, `$2`, ... for its first, second, ... word.\n\n"
)
"""The line a command with placeholders starts with (``agentpack import`` takes it off)."""


def agent_file(agent: Agent, env: ItemEnv, report: Report) -> Iterator[OutFile]:
    rights = agent_rights(agent.policy)
    if rights.cannot:
        report.add(
            NAME,
            agent,
            "tools",
            Change.NARROWED,
            f"agent {agent.name!r} is left out of the Cursor output: a Cursor agent has every "
            "tool of its parent, and readonly takes only edits and MCP tools, so Cursor "
            f"cannot restrict {', '.join(rights.cannot)} as the source does",
        )
        return
    for tool, source, got, why in rights.narrowed:
        report.narrowed(NAME, agent, tool, source, got, why)
    called = agent_name(NAME, "Cursor", agent, report)
    agent_notes(NAME, "Cursor", agent, report)
    fields: dict[str, Any] = {
        "name": called,
        "description": describe(agent),
        "model": _model(agent, env, report),
        "readonly": True if rights.readonly else None,
    }
    fields.update(agent.extras.get(NAME, {}))
    for name in ("temperature", "top_p", "max_steps", "color"):
        if getattr(agent, name) is not None:
            report.add(NAME, agent, name, Change.DROPPED, f"Cursor agents have no {name}")
    if agent.mode is not Mode.SUBAGENT:
        report.add(
            NAME,
            agent,
            "mode",
            Change.APPROXIMATED if agent.mode is Mode.PRIMARY else Change.DROPPED,
            "Cursor's agents are subagents only: written as one",
        )
    yield OutFile.text(f"{AGENTS}/{called}.md", emit.frontmatter(fields, agent.body), agent.source)


def _model(agent: Agent, env: ItemEnv, report: Report) -> str | None:
    why = (
        "the model {ref} has no Cursor id: the agent runs on its parent's model; add a "
        "cursor: id under models: in agentpack.yaml"
    )
    return model_id(NAME, agent, agent.model, env, report, why)


def command_file(command: Command, report: Report) -> OutFile:
    tool_list_notes(NAME, "Cursor", command, report)
    body_notes(NAME, "Cursor", command, report)
    for name in ("argument_hint", "agent", "model", "disable_model_invocation"):
        if getattr(command, name) is not None:
            report.add(
                NAME,
                command,
                name,
                Change.DROPPED,
                "a Cursor command is plain markdown: it has no fields, runs in the current "
                "agent and model, and only the user invokes it",
            )
    if command.allowed_tools:
        report.add(
            NAME, command, "allowed_tools", Change.DROPPED, "Cursor commands pre-approve nothing"
        )
    report.add(
        NAME,
        command,
        "description",
        Change.DROPPED,
        "a Cursor command is plain markdown: Cursor shows its file name",
    )
    body = (USAGE if placeholders.used(command.body) else "") + command.body
    return OutFile.text(f"{COMMANDS}/{command.name}.md", body, command.source)


def skill_outputs(skill: Skill, report: Report) -> Iterator[OutFile]:
    return agent_skill(NAME, "Cursor", skill, report, SKILLS)
