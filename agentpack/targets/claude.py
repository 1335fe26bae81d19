"""Claude Code: agents, commands and skills, laid out as a plugin that also works file by file.

``dist/claude/`` is a plugin root (``agents/``, ``commands/``, ``skills/``,
``.claude-plugin/plugin.json``); each agent file also works on its own in ``~/.claude/agents/``.
The marketplace that lists the plugin is written by ``claude_plugin``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from agentpack import aliases, emit, hostagents
from agentpack.model import Agent, Command, Item, ItemInfo, Manifest, Mode, Pack, Skill
from agentpack.outputs import OutFile
from agentpack.targets import claude_plugin
from agentpack.targets.base import (
    Change,
    Context,
    Feature,
    Report,
    describe,
    skill_files,
)
from agentpack.targets.claude_tools import agent_tools, grant_rules

NAME = "claude"
COLORS = frozenset({"red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"})
_POSITIONAL = re.compile(r"(?<![\\$])\$([0-9]+)")


def shift_placeholders(body: str, by: int) -> str:
    """Renumber ``$N``: -1 turns canonical ``$1`` (from 1) into Claude Code's ``$0`` (from 0
    since 2.1.19); +1 turns it back on import."""
    return _POSITIONAL.sub(lambda m: f"${int(m.group(1)) + by}", body)


class ClaudeTarget:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "Claude Code: agents, commands, skills, plugin, marketplace"
    features: ClassVar[frozenset[Feature]] = frozenset(Feature)

    def render(self, pack: Pack, report: Report, context: Context) -> Iterator[OutFile]:
        yield from self.render_items(pack, pack.items(), report, context)
        yield from self.render_pack(pack.manifest, pack.infos(), report, context)

    def render_items(
        self, pack: Pack, items: Sequence[Item], report: Report, context: Context
    ) -> Iterator[OutFile]:
        table = aliases.table(pack.manifest)
        agents = {a.name: a for a in pack.agents}
        folders = claude_plugin.folders(pack.manifest)
        for item in items:
            where = folders(item.kind, item.name)
            if not where:
                continue  # in no plugin group: no plugin carries it (validate warns)
            if isinstance(item, Agent):
                outs = [self._agent(item, table, report)]
            elif isinstance(item, Command):
                outs = [self._command(item, table, agents, report)]
            else:
                outs = list(self._skill(item, report))
            for folder in where:
                # with plugin groups, one plugin per group under dist/claude/<group>/
                yield from (dataclasses.replace(o, path=folder + o.path) for o in outs)

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterator[OutFile]:
        return claude_plugin.render(manifest, items, report, context)

    def install_root(self, scope: str, env: Mapping[str, str], home: Path, project: Path) -> Path:
        if scope == "project":
            return project / ".claude"
        return Path(env["CLAUDE_CONFIG_DIR"]) if env.get("CLAUDE_CONFIG_DIR") else home / ".claude"

    def effective(self, policy: Any) -> dict[str, Any]:
        return agent_tools(policy).effective

    # -- agents ----------------------------------------------------------------------------

    def _agent(
        self, agent: Agent, table: Mapping[str, Mapping[str, str]], report: Report
    ) -> OutFile:
        tools = agent_tools(agent.policy)
        for tool, source, got, why in tools.narrowed:
            report.narrowed(NAME, agent, tool, source, got, why)
        fields: dict[str, Any] = {
            "name": agent.name,
            "description": describe(agent),
            "tools": None if tools.tools is None else (emit.inline_list(tools.tools) or []),
            "disallowedTools": emit.inline_list(tools.disallowed) or None,
            "model": self._model(agent, agent.model, table, report),
            "color": self._color(agent, report),
        }
        extras = dict(agent.extras.get(NAME, {}))
        if agent.max_steps is not None:
            fields["maxTurns"] = extras.pop("maxTurns", agent.max_steps)
        fields.update(extras)
        for name in ("temperature", "top_p"):
            if getattr(agent, name) is not None:
                report.add(NAME, agent, name, Change.DROPPED, f"Claude Code agents have no {name}")
        if agent.mode is Mode.PRIMARY:
            report.add(
                NAME,
                agent,
                "mode",
                Change.APPROXIMATED,
                "Claude Code has no primary "
                "agents: written as a subagent; run it as the main agent with "
                f"'claude --agent {agent.name}'",
            )
        return OutFile.text(
            f"agents/{agent.name}.md", emit.frontmatter(fields, agent.body), agent.source
        )

    def _model(
        self,
        item: Agent | Command,
        ref: Any,
        table: Mapping[str, Mapping[str, str]],
        report: Report,
    ) -> str | None:
        if ref is None:
            return None
        model = aliases.resolve(ref, NAME, table)
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

    def _color(self, agent: Agent, report: Report) -> str | None:
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

    # -- commands --------------------------------------------------------------------------

    def _command(
        self,
        command: Command,
        table: Mapping[str, Mapping[str, str]],
        agents: Mapping[str, Agent],
        report: Report,
    ) -> OutFile:
        rules = _grants(command, report)
        fields: dict[str, Any] = {
            "description": command.description,
            "argument-hint": command.argument_hint,
            "allowed-tools": rules or None,
            "model": self._model(command, command.model, table, report),
            "disable-model-invocation": command.disable_model_invocation,
        }
        own = None if command.agent is None else agents.get(command.agent)
        builtin = hostagents.named(command.agent, agents)
        fork = command.subtask
        if fork is None and command.agent is not None:
            fork = own.mode is Mode.SUBAGENT if own else builtin is not None and builtin.subagent
        if fork:
            fields["context"] = "fork"
            # a built-in in Claude Code's spelling; none for opencode's build: a forked
            # command with no agent runs on general-purpose
            fields["agent"] = builtin.native[NAME] if builtin else command.agent
        elif command.agent is not None:
            report.add(
                NAME,
                command,
                "agent",
                Change.DROPPED,
                "Claude Code runs a command in "
                "another agent only as a subtask (context: fork); set subtask: true",
            )
        fields.update(command.extras.get(NAME, {}))
        body = shift_placeholders(command.body, -1)
        return OutFile.text(
            f"commands/{command.name}.md", emit.frontmatter(fields, body), command.source
        )

    # -- skills ----------------------------------------------------------------------------

    def _skill(self, skill: Skill, report: Report) -> Iterator[OutFile]:
        rules = _grants(skill, report)
        fields: dict[str, Any] = {
            "name": skill.name,
            "description": skill.description,
            "license": skill.license,
            "compatibility": skill.compatibility,
            "metadata": dict(skill.metadata) or None,
            "allowed-tools": rules or None,
            "disable-model-invocation": skill.disable_model_invocation,
        }
        fields.update(skill.extras.get(NAME, {}))
        yield from skill_files(skill, fields)


def _grants(item: Command | Skill, report: Report) -> list[str]:
    """Claude rules for a command's or skill's grants; a grant with no rule is noted."""
    rules, dropped = grant_rules(item.allowed_tools)
    for grant in dropped:
        report.add(
            NAME,
            item,
            "allowed_tools",
            Change.DROPPED,
            f"{grant} has no Claude Code rule (nothing is pre-approved for it)",
        )
    return rules
