"""Claude Code: agents, commands and skills laid out as a plugin, with its marketplace.

``dist/claude/`` is a plugin root (``agents/``, ``commands/``, ``skills/``,
``.claude-plugin/plugin.json``, a README); each agent file also works on its own in
``~/.claude/agents/``. The marketplace that lists the plugin sits in the pack root.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from agentpack.model import Agent, Command, Item, ItemInfo, Manifest
from agentpack.native import Reader
from agentpack.outputs import OutFile
from agentpack.permissions import Decision, Policy
from agentpack.targets.base import (
    Context,
    Feature,
    FileCheck,
    InstallRoot,
    ItemEnv,
    Report,
    Setup,
    schema_blocks,
)
from agentpack.targets.claude import plugin, render, servers
from agentpack.targets.claude.names import ANTHROPIC_ID, HOST_AGENTS, MODELS, copilot_reads, twins
from agentpack.targets.claude.packfiles import icon_problem, text_problem
from agentpack.targets.claude.permissions import agent_tools
from agentpack.targets.claude.read import ClaudeReader

if TYPE_CHECKING:
    from agentpack.lab import Check


class ClaudeTarget:
    name: ClassVar[str] = "claude"
    title: ClassVar[str] = "Claude Code"
    description: ClassVar[str] = "Claude Code: agents, commands, skills, plugin, marketplace"
    features: ClassVar[frozenset[Feature]] = frozenset(Feature)
    argument_base: ClassVar[int] = 0  # since Claude Code 2.1.19
    plugin_groups: ClassVar[bool] = True
    commands_are_skills: ClassVar[bool] = True  # "commands have been merged into skills"
    writes: ClassVar[tuple[str, ...]] = (
        "agents/<name>.md, commands/<name>.md, skills/<name>/SKILL.md (+ its files)",
        ".claude-plugin/plugin.json and README.md: the folder is a Claude Code plugin",
        "<pack>/.claude-plugin/marketplace.json: the pack repository is its marketplace",
        "install: ~/.claude/ (user), .claude/ (project)",
    )
    models: ClassVar[Mapping[str, str]] = MODELS
    model_help: ClassVar[str] = "an alias (sonnet, opus, haiku, fable), a full id, or inherit"
    host_agents = HOST_AGENTS
    manifest_files: ClassVar[Mapping[str, FileCheck]] = {
        "icon": icon_problem,
        "readme": text_problem,
    }
    policy_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"tools", "disallowedTools"}),
        "command": frozenset({"allowed-tools"}),
        "skill": frozenset({"allowed-tools"}),
    }
    own_policy: ClassVar[Mapping[str, frozenset[str]]] = {}
    written_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"name", "description"}),
        "command": frozenset({"description", "disable-model-invocation"}),
        "skill": frozenset({"name", "description", "disable-model-invocation"}),
    }
    versioned: ClassVar[bool] = True
    by_default: ClassVar[bool] = True
    reader: ClassVar[Reader | None] = ClaudeReader()
    carries: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset(
            {"name", "description", "examples", "body", "model", "max_steps", "color"}
            | {"policy", "extras"}
        ),
        "command": frozenset(
            {"name", "description", "body", "argument_hint", "allowed_tools", "model"}
            | {"disable_model_invocation", "agent", "subtask", "extras"}
        ),
        "skill": frozenset(
            {"name", "description", "body", "license", "compatibility", "allowed_tools"}
            | {"disable_model_invocation", "resources", "metadata", "extras"}
        ),
        "server": frozenset(
            {"name", "command", "args", "env", "cwd", "url", "transport", "headers", "files"}
        ),
        "hook": frozenset({"event", "run", "interpreter", "args", "tools", "timeout"}),
    }

    def blocks(self) -> Mapping[str, Mapping[str, Any]]:
        return schema_blocks(str(Path(__file__).parent))

    def model_problem(self, model_id: str) -> str | None:
        return None  # an alias, a full id, or inherit: Claude Code checks at run time

    def parse_model(self, model_id: str) -> tuple[str, str] | None:
        return ("anthropic", model_id) if ANTHROPIC_ID.fullmatch(model_id) else None

    def spell_model(self, vendor: str, model: str) -> str | None:
        return model if vendor == "anthropic" and ANTHROPIC_ID.fullmatch(model) else None

    def render_item(self, item: Item, env: ItemEnv, report: Report) -> Iterator[OutFile]:
        folders = plugin.folders(env.manifest)(item.kind, item.name)
        if not folders:
            return  # in no plugin group: no plugin carries it (validate warns)
        if isinstance(item, Agent):
            outs = [render.agent_file(item, env, report)]
        elif isinstance(item, Command):
            outs = [render.command_file(item, env, report)]
        else:
            outs = list(render.skill_outputs(item, report))
        for folder in folders:
            # with plugin groups, one plugin per group under dist/claude/<group>/
            yield from (dataclasses.replace(o, path=folder + o.path) for o in outs)

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterator[OutFile]:
        return plugin.render(manifest, items, report, context)

    def effective(
        self, policy: Policy | None, manifest: Manifest | None = None
    ) -> dict[str, Decision | None]:
        return agent_tools(policy).effective

    def lab(self) -> Check | None:
        from agentpack.targets.claude.lab import ClaudeLab

        return ClaudeLab()

    def install_roots(
        self, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> tuple[InstallRoot, ...]:
        if scope == "project":
            folder = project / ".claude"
        elif env.get("CLAUDE_CONFIG_DIR"):
            folder = Path(env["CLAUDE_CONFIG_DIR"])
        else:
            folder = home / ".claude"
        caution = copilot_reads if scope == "project" else None
        prefixes = ("agents/", "commands/", "skills/")
        return (InstallRoot(folder, prefixes, twins=twins(), caution=caution),)

    def setup(
        self, manifest: Manifest, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> Setup:
        folder = self.install_roots(scope, env, home, project)[0].folder
        return servers.setup(manifest, scope, folder, env, home, project)
