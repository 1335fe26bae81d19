"""Copilot agents, prompt files, CLI commands and skills, one item at a time.

A command is written twice, since Copilot has two clients that read different files: a
prompt file (``prompts/<name>.prompt.md``) for VS Code, which reads ``.github/prompts`` and
no command files, and a command (``commands/<name>.md``) for the Copilot CLI, which reads a
plugin's commands and no prompt files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agentpack import emit, placeholders
from agentpack.model import Agent, Command, Mode, ModelRef, Skill, flat_name
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
from agentpack.targets.copilot.names import (
    AGENTS,
    CLI_AGENTS,
    COMMANDS,
    HOST_AGENTS,
    PROMPTS,
    SKILLS,
)
from agentpack.targets.copilot.permissions import agent_tools

NAME = "copilot"
DESCRIPTION_LIMIT = 1024
"""The Copilot CLI refuses a skill (and a command, which it loads as one) whose description
is longer."""


def left_out(agent: Agent) -> list[str]:
    """The tools Copilot cannot hold this agent to, or its name when the Copilot CLI has
    an agent of its own by that name; any makes the target leave it out."""
    name = flat_name(agent.name)
    return [f"the name {name}"] if name in CLI_AGENTS else agent_tools(agent.policy).cannot


def agent_file(agent: Agent, env: ItemEnv, report: Report) -> Iterator[OutFile]:
    tools = agent_tools(agent.policy)
    if flat_name(agent.name) in CLI_AGENTS:
        report.add(
            NAME,
            agent,
            "name",
            Change.NARROWED,
            f"agent {agent.name!r} is left out of the Copilot output: the Copilot CLI has an "
            "agent of its own by that name, which it runs in its place (with its own prompt "
            "and tools) or ignores this one for; rename the agent to export it to Copilot",
        )
        return
    if tools.cannot:
        report.add(
            NAME,
            agent,
            "tools",
            Change.NARROWED,
            f"agent {agent.name!r} is left out of the Copilot output: every Copilot agent "
            f"has {', '.join(tools.cannot)}, which the source does not allow; allow it in the "
            "source to export the agent to Copilot",
        )
        return
    for tool, source, got, why in tools.narrowed:
        report.narrowed(NAME, agent, tool, source, got, why)
    called = agent_name(NAME, "Copilot", agent, report)
    agent_notes(NAME, "Copilot", agent, report)
    fields: dict[str, Any] = {
        "name": called,
        "description": describe(agent),
        "tools": tools.tools,
        "model": _model(agent, agent.model, env, report),
        "user-invocable": False if agent.mode is Mode.SUBAGENT else None,
        "disable-model-invocation": True if agent.mode is Mode.PRIMARY else None,
    }
    fields.update(agent.extras.get(NAME, {}))
    for name in ("temperature", "top_p", "max_steps", "color"):
        if getattr(agent, name) is not None:
            report.add(NAME, agent, name, Change.DROPPED, f"Copilot agents have no {name}")
    path = f"{AGENTS}/{called}.agent.md"
    yield OutFile.text(path, emit.frontmatter(fields, agent.body), agent.source)


def _model(item: Agent | Command, ref: ModelRef | None, env: ItemEnv, report: Report) -> str | None:
    why = (
        "the model {ref} has no Copilot id: it runs on the session's model; add a "
        "copilot: id under models: in agentpack.yaml"
    )
    return model_id(NAME, item, ref, env, report, why)


def prompt_file(command: Command, env: ItemEnv, report: Report) -> OutFile:
    """A VS Code prompt file: ``${input:arguments}`` and ``${input:argN}`` for the
    placeholders (VS Code asks for them, or takes ``name=value`` after the command)."""
    body_notes(NAME, "VS Code", command, report)
    fields: dict[str, Any] = {
        "description": command.description,
        "argument-hint": command.argument_hint,
        "agent": _prompt_agent(command, env, report) or command.extras.get(NAME, {}).get("agent"),
        "model": _model(command, command.model, env, report),
        "tools": _prompt_tools(command, env, report),
    }
    if command.allowed_tools:
        report.add(
            NAME,
            command,
            "allowed_tools",
            Change.DROPPED,
            "Copilot prompt files cannot pre-approve tools (their tools list would replace "
            "the agent's), and the CLI's commands ask as the session does",
        )
    body = placeholders.POSITIONAL.sub(lambda m: "${input:arg" + m.group(1) + "}", command.body)
    body = placeholders.unescaped(placeholders.ARGUMENTS.sub("${input:arguments}", body))
    return OutFile.text(
        f"{PROMPTS}/{command.name}.prompt.md", emit.frontmatter(fields, body), command.source
    )


def _prompt_tools(command: Command, env: ItemEnv, report: Report) -> Any:
    """The prompt's ``tools``, which VS Code gives the prompt's agent in place of its own:
    no more than that agent's (a tool it does not have is left out, said)."""
    tools = command.extras.get(NAME, {}).get("tools")
    agent = env.agent
    here = agent is not None and not left_out(agent) and env.manifest.builds(agent.targets, NAME)
    own = agent_tools(agent.policy) if agent is not None and here else None
    if own is None or own.tools is None or not isinstance(tools, list):
        return tools
    mine = {str(t).lower() for t in own.tools}
    extra = [t for t in tools if str(t).lower() not in mine]
    if extra:
        report.add(
            NAME,
            command,
            "copilot.tools",
            Change.NARROWED,
            f"{', '.join(map(str, extra))}: VS Code runs the prompt's agent with the prompt's "
            f"tools in place of its own, and {command.agent!r} does not have these; left out",
        )
    return [t for t in tools if str(t).lower() in mine]


def _prompt_agent(command: Command, env: ItemEnv, report: Report) -> str | None:
    if command.agent is None:
        return None
    if env.agent is not None:
        if not left_out(env.agent) and env.manifest.builds(env.agent.targets, NAME):
            return flat_name(env.agent.name)
        why = f"the agent {command.agent!r} is not in the Copilot output"
    elif env.builtin is not None and env.builtin in HOST_AGENTS:
        return HOST_AGENTS[env.builtin].native
    else:
        why = f"Copilot has no agent {command.agent!r}"
    report.add(NAME, command, "agent", Change.DROPPED, f"{why}: the prompt runs in the current one")
    return None


def command_file(command: Command, report: Report) -> OutFile:
    """A Copilot CLI command, Claude-style: ``$ARGUMENTS``, and ``$0``, ``$1``, ... counted
    from 0 (the CLI 1.0.102 expands them so)."""
    tool_list_notes(NAME, "The Copilot CLI", command, report)
    for name, why in (
        ("agent", "a Copilot CLI command runs in the current agent"),
        ("model", "a Copilot CLI command runs on the session's model"),
    ):
        if getattr(command, name) is not None:
            report.add(NAME, command, name, Change.DROPPED, why)
    fields: dict[str, Any] = {
        "description": _short(command, command.description, report),
        "argument-hint": command.argument_hint,
        "disable-model-invocation": command.disable_model_invocation,
    }
    body = placeholders.shift(command.body, -1)
    return OutFile.text(
        f"{COMMANDS}/{command.name}.md", emit.frontmatter(fields, body), command.source
    )


def skill_outputs(skill: Skill, report: Report) -> Iterator[OutFile]:
    return agent_skill(NAME, "Copilot", skill, report, SKILLS)


def _short(item: Command, description: str, report: Report) -> str:
    if len(description) <= DESCRIPTION_LIMIT:
        return description
    report.add(
        NAME,
        item,
        "description",
        Change.APPROXIMATED,
        f"the Copilot CLI refuses a command whose description is longer than "
        f"{DESCRIPTION_LIMIT} characters: cut to that in its command",
    )
    return description[: DESCRIPTION_LIMIT - 3].rstrip() + "..."
