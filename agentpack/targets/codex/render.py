"""Codex custom agents (``.codex/agents/<name>.toml``) and skills (``.agents/skills/``),
one item at a time.

Codex drops an agent file with a key it does not know, silently: an agent file holds only
the keys written here and those of the ``codex:`` block, which the schema limits to keys
Codex reads. Commands become skills (Codex removed custom prompts in 0.117): the skill
carries the command's template, says how its arguments are meant, and is marked so that
``agentpack import`` reads it back as a command.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agentpack import emit
from agentpack.model import Agent, Command, ModelRef, Skill
from agentpack.outputs import OutFile
from agentpack.targets.base import Change, ItemEnv, Report
from agentpack.targets.codex.names import AGENTS, HOST_AGENTS, SKILLS
from agentpack.targets.codex.permissions import role
from agentpack.targets.common import (
    agent_name,
    agent_notes,
    body_notes,
    describe,
    model_id,
    skill_files,
    tool_list_notes,
)

NAME = "codex"
COMMAND_MARK = "agentpack-command"
"""The ``metadata`` key that marks a skill made from a command, for the way back."""
TEMPLATE = "## Template\n\n"
"""Where the command's own text starts in such a skill."""
DESCRIPTION_LIMIT = 1024
"""Codex shows a skill's description cut to this many characters."""


def agent_files(agent: Agent, env: ItemEnv, report: Report) -> Iterator[OutFile]:
    permissions = role(agent.policy)
    if permissions.cannot:
        report.add(
            NAME,
            agent,
            "tools",
            Change.NARROWED,
            f"agent {agent.name!r} is left out of the Codex output: Codex runs a custom agent "
            "with its session's sandbox, approvals, web search and MCP servers, so it cannot "
            f"restrict {', '.join(permissions.cannot)} for this agent as the source does",
        )
        return
    if not agent.body.strip():
        report.add(
            NAME,
            agent,
            "body",
            Change.DROPPED,
            f"agent {agent.name!r} is left out of the Codex output: Codex ignores an agent "
            "without developer instructions; write the agent's prompt",
        )
        return
    for tool, source, got, why in permissions.narrowed:
        report.narrowed(NAME, agent, tool, source, got, why)
    called = agent_name(NAME, "Codex", agent, report)
    agent_notes(NAME, "Codex", agent, report)
    fields: dict[str, Any] = {
        "name": called,
        "description": describe(agent),
        "developer_instructions": agent.body,
        "model": _model(agent, agent.model, env, report),
    }
    fields.update(agent.extras.get(NAME, {}))
    if not permissions.shell:
        fields["features"] = {"shell_tool": False}
    for name in ("temperature", "top_p", "max_steps", "color"):
        if getattr(agent, name) is not None:
            report.add(NAME, agent, name, Change.DROPPED, f"Codex agents have no {name}")
    if agent.mode.value != "subagent":
        report.add(
            NAME,
            agent,
            "mode",
            Change.APPROXIMATED if agent.mode.value == "primary" else Change.DROPPED,
            "Codex has custom agents it spawns only; the main session is configured by "
            "config.toml: written as a role the session may spawn",
        )
    yield OutFile.text(f"{AGENTS}/{called}.toml", emit.toml_document(fields), agent.source)


def _model(item: Agent | Command, ref: ModelRef | None, env: ItemEnv, report: Report) -> str | None:
    why = (
        "the model {ref} has no Codex id: the agent runs on the session's model; add a "
        "codex: id under models: in agentpack.yaml"
    )
    return model_id(NAME, item, ref, env, report, why)


def skill_outputs(skill: Skill, report: Report) -> Iterator[OutFile]:
    for name, why in (
        ("allowed_tools", "Codex skills cannot pre-approve tools; they ask as the session does"),
        ("compatibility", "Codex skills have no compatibility field"),
    ):
        if getattr(skill, name):
            report.add(NAME, skill, name, Change.DROPPED, why)
    _long(skill, skill.description, report)
    body_notes(NAME, "Codex", skill, report)
    fields: dict[str, Any] = {
        "name": skill.name,
        "description": skill.description,
        "license": skill.license,
        "disable-model-invocation": skill.disable_model_invocation or None,
        "metadata": {k: str(v) for k, v in skill.metadata.items()} or None,
    }
    fields.update(skill.extras.get(NAME, {}))
    files = list(skill_files(skill, fields, SKILLS))
    if skill.disable_model_invocation:  # into the skill's own openai.yaml, if it has one
        path = f"{SKILLS}/{skill.name}/agents/openai.yaml"
        own = next((o.data for o in files if o.path == path), None)
        files = [o for o in files if o.path != path]
        files.append(_user_only(f"{SKILLS}/{skill.name}", skill, own))
    yield from files


def command_skill(command: Command, env: ItemEnv, report: Report) -> Iterator[OutFile]:
    """A command as a skill: invoked as ``$name``, with the template and what its
    placeholders stand for, since Codex substitutes none."""
    tool_list_notes(NAME, "Codex", command, report)
    if command.name in env.skills:
        report.add(
            NAME,
            command,
            "-",
            Change.DROPPED,
            f"the pack's skill {command.name!r} takes ${command.name} in Codex, so the "
            "command is left out there; rename one",
        )
        return
    for name, why in (
        ("allowed_tools", "Codex skills cannot pre-approve tools; they ask as the session does"),
        ("argument_hint", "Codex skills have no argument hint; the skill says how it is used"),
        ("model", "a Codex skill runs on the session's model"),
    ):
        if getattr(command, name):
            report.add(NAME, command, name, Change.DROPPED, why)
    if command.agent is not None:
        builtin = HOST_AGENTS.get(env.builtin) if env.builtin else None
        runs = builtin.native if builtin else command.agent
        report.add(
            NAME,
            command,
            "agent",
            Change.DROPPED,
            f"a Codex skill cannot pick the agent it runs in ({runs}); the skill says so",
        )
    _long(command, command.description, report)
    body_notes(NAME, "Codex", command, report)
    fields = {
        "name": command.name,
        "description": command.description,
        # the Copilot CLI reads .agents/skills too, and this key, not Codex's openai.yaml
        "disable-model-invocation": command.disable_model_invocation or None,
        "metadata": {COMMAND_MARK: "true"},
    }
    body = _usage(command) + TEMPLATE + command.body
    folder = f"{SKILLS}/{command.name}"
    yield OutFile.text(f"{folder}/SKILL.md", emit.frontmatter(fields, body), command.source)
    if command.disable_model_invocation:
        yield _user_only(folder, command)


def _usage(command: Command) -> str:
    lines = [
        f"This skill is the command `{command.name}`: use it when the user invokes "
        f"`${command.name}` or asks for it by name.",
        "In the template below, `$ARGUMENTS` stands for everything the user wrote after the "
        "skill's name, and `$1`, `$2`, ... for the first, second, ... word of it.",
    ]
    if command.agent is not None:
        lines.append(f"It was written to run in the agent `{command.agent}`.")
    return "\n".join(lines) + "\n\n"


def _user_only(folder: str, item: Command | Skill, own: bytes | None = None) -> OutFile:
    """``agents/openai.yaml`` that keeps a skill out of the model's own choices: it runs
    when the user names it (``$name``), as a command does. A skill's ``own`` file keeps
    what else it says (its ``interface``)."""
    import yaml

    try:
        found = yaml.safe_load(own.decode("utf-8")) if own else None
    except (UnicodeDecodeError, yaml.YAMLError):
        found = None
    data = dict(found) if isinstance(found, dict) else {}
    policy = data.get("policy")
    data["policy"] = {
        **(policy if isinstance(policy, dict) else {}),
        "allow_implicit_invocation": False,
    }
    text = emit.yaml_mapping(data) + "\n"
    return OutFile.text(f"{folder}/agents/openai.yaml", text, item.source)


def _long(item: Command | Skill, description: str, report: Report) -> None:
    if len(description) > DESCRIPTION_LIMIT:
        report.add(
            NAME,
            item,
            "description",
            Change.APPROXIMATED,
            f"Codex shows only the first {DESCRIPTION_LIMIT} characters of a skill's description",
        )
