"""opencode 1.x: agents, commands and skills, laid out like a project's ``.opencode/`` folder.

``dist/opencode/`` holds ``agents/``, ``commands/`` and ``skills/`` (the current plural names;
opencode also reads the older singular ones) and can be copied to ``.opencode/`` or
``~/.config/opencode/``. opencode passes unknown agent frontmatter keys to the model provider,
so an agent file carries only keys opencode defines.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from agentpack import aliases, emit, hostagents
from agentpack.model import Agent, Command, Item, ItemInfo, Manifest, Pack, Skill
from agentpack.outputs import OutFile
from agentpack.permissions import Policy
from agentpack.targets.base import (
    Change,
    Context,
    Feature,
    Report,
    describe,
    skill_files,
)
from agentpack.targets.opencode_permission import effective, rules_v1

NAME = "opencode"
COLORS: Mapping[str, str] = {
    "red": "#EF4444",
    "blue": "#3B82F6",
    "green": "#22C55E",
    "yellow": "#EAB308",
    "purple": "#A855F7",
    "orange": "#F97316",
    "pink": "#EC4899",
    "cyan": "#06B6D4",
}
"""Claude Code's colour names as hex, since opencode takes #RRGGBB or theme keys only."""


class OpencodeTarget:
    name: ClassVar[str] = NAME
    description: ClassVar[str] = "opencode 1.x: agents, commands, skills"
    features: ClassVar[frozenset[Feature]] = frozenset(
        {Feature.AGENTS, Feature.COMMANDS, Feature.SKILLS}
    )

    def render(self, pack: Pack, report: Report, context: Context) -> Iterator[OutFile]:
        yield from self.render_items(pack, pack.items(), report, context)

    def render_items(
        self, pack: Pack, items: Sequence[Item], report: Report, context: Context
    ) -> Iterator[OutFile]:
        table = aliases.table(pack.manifest)
        agents = {a.name for a in pack.agents}
        for item in items:
            if isinstance(item, Agent):
                yield self._agent(item, table, report)
            elif isinstance(item, Command):
                yield self._command(item, table, agents, report)
            else:
                yield from self._skill(item, report)

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterator[OutFile]:
        """opencode has no pack-level file: no plugin manifest, no marketplace."""
        return iter(())

    def install_root(self, scope: str, env: Mapping[str, str], home: Path, project: Path) -> Path:
        if scope == "project":
            return project / ".opencode"
        config = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
        return config / "opencode"

    def effective(self, policy: Policy | None) -> dict[str, Any]:
        return effective(policy)

    def _model(
        self, item: Agent | Command, table: Mapping[str, Mapping[str, str]], report: Report
    ) -> str | None:
        model = aliases.resolve(item.model, NAME, table)
        if model == aliases.INHERIT:
            return None
        if not model:
            report.add(
                NAME,
                item,
                "model",
                Change.DROPPED,
                f"the model {item.model} has no "
                "opencode id (provider/model-id); add one under models: in agentpack.yaml",
            )
            return None
        return model

    def _agent(
        self, agent: Agent, table: Mapping[str, Mapping[str, str]], report: Report
    ) -> OutFile:
        permission = rules_v1(agent.policy)
        for tool, source, got, why in permission.narrowed:
            report.narrowed(NAME, agent, tool, source, got, why)
        fields: dict[str, Any] = {
            "description": describe(agent),
            "mode": agent.mode.value,
            "model": self._model(agent, table, report),
            "temperature": agent.temperature,
            "top_p": agent.top_p,
            "steps": agent.max_steps,
            "color": COLORS.get(agent.color, agent.color) if agent.color else None,
        }
        fields.update(agent.extras.get(NAME, {}))
        fields["permission"] = permission.rules
        return OutFile.text(
            f"agents/{agent.name}.md", emit.frontmatter(fields, agent.body), agent.source
        )

    def _command(
        self,
        command: Command,
        table: Mapping[str, Mapping[str, str]],
        agents: Container[str],
        report: Report,
    ) -> OutFile:
        for name, why in (
            ("allowed_tools", "opencode commands cannot pre-approve tools; they ask as usual"),
            ("argument_hint", "opencode commands have no argument hint"),
            ("disable_model_invocation", "opencode commands are run by the user only anyway"),
        ):
            if getattr(command, name):
                report.add(NAME, command, name, Change.DROPPED, why)
        fields: dict[str, Any] = {
            "description": command.description,
            "agent": self._agent_name(command, agents, report),
            "model": self._model(command, table, report),
            "subtask": command.subtask,
        }
        fields.update(command.extras.get(NAME, {}))
        return OutFile.text(
            f"commands/{command.name}.md", emit.frontmatter(fields, command.body), command.source
        )

    def _agent_name(self, command: Command, agents: Container[str], report: Report) -> str | None:
        """opencode's name for the agent the command names: a built-in of another host's
        spelling in opencode's, or none (and a note) for one opencode lacks, since opencode
        refuses to run a command whose agent it cannot find."""
        builtin = hostagents.named(command.agent, agents)
        if builtin is None:
            return command.agent
        native = builtin.native[NAME]
        if native is None:
            report.add(
                NAME,
                command,
                "agent",
                Change.DROPPED,
                f"opencode has no agent {command.agent!r} (another host's built-in); "
                "the command runs in the current agent",
            )
        return native

    def _skill(self, skill: Skill, report: Report) -> Iterator[OutFile]:
        if skill.disable_model_invocation:
            report.add(
                NAME,
                skill,
                "disable_model_invocation",
                Change.DROPPED,
                "opencode 1.x "
                "ignores it and would let the model load the skill on its own, so the "
                "skill is left out of the opencode output",
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
        fields: dict[str, Any] = {
            "name": skill.name,
            "description": skill.description,
            "license": skill.license,
            "compatibility": skill.compatibility,
            "metadata": dict(skill.metadata) or None,
        }
        yield from skill_files(skill, fields)
