"""Cursor: agents, commands, skills and a Cursor plugin.

``dist/cursor/`` is laid out as a project's ``.cursor/`` folder (``agents/``, ``commands/``,
``skills/``), which also works as ``~/.cursor/``; with ``.cursor-plugin/plugin.json`` it is
also a Cursor plugin.

What Cursor can enforce: ``readonly`` (no edits, no MCP tools) and nothing else; an agent
whose source restricts more is left out (``permissions.py``). No Cursor client runs here:
the plugin manifest is checked against the schema Cursor publishes, in the tests.
"""

from __future__ import annotations

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
from agentpack.targets.common import cannot_hold
from agentpack.targets.cursor import plugin, render
from agentpack.targets.cursor.names import AGENTS, COMMANDS, HOST_AGENTS, MODELS, SKILLS
from agentpack.targets.cursor.permissions import agent_rights
from agentpack.targets.cursor.read import CursorReader

if TYPE_CHECKING:
    from agentpack.lab import Check


class CursorTarget:
    name: ClassVar[str] = "cursor"
    title: ClassVar[str] = "Cursor"
    description: ClassVar[str] = "Cursor: agents, commands, skills, plugin"
    features: ClassVar[frozenset[Feature]] = frozenset(
        {Feature.AGENTS, Feature.COMMANDS, Feature.SKILLS, Feature.PLUGIN}
    )
    argument_base: ClassVar[int] = 1  # Cursor substitutes none; the template says what they mean
    plugin_groups: ClassVar[bool] = False
    commands_are_skills: ClassVar[bool] = False
    writes: ClassVar[tuple[str, ...]] = (
        f"{AGENTS}/<name>.md: agents (only those readonly can hold to their tools)",
        f"{COMMANDS}/<name>.md: commands, plain markdown",
        f"{SKILLS}/<name>/SKILL.md (+ its files): skills",
        ".cursor-plugin/plugin.json: the folder is a Cursor plugin",
        "install: ~/.cursor/ (user), .cursor/ (project)",
    )
    models: ClassVar[Mapping[str, str]] = MODELS
    model_help: ClassVar[str] = "a Cursor model id such as claude-opus-5, fast, or inherit"
    host_agents = HOST_AGENTS
    manifest_files: ClassVar[Mapping[str, FileCheck]] = {}
    policy_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"readonly"}),
        "skill": frozenset({"allowed-tools"}),  # the Agent Skills standard's pre-approvals
    }
    versioned: ClassVar[bool] = True
    by_default: ClassVar[bool] = True
    reader: ClassVar[Reader | None] = CursorReader()
    carries: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"name", "description", "examples", "body", "model", "policy"})
        | {"extras"},
        "command": frozenset({"name", "body"}),
        "skill": frozenset(
            {"name", "description", "body", "license", "compatibility", "metadata"}
            | {"disable_model_invocation", "resources", "extras"}
        ),
        "server": frozenset({"name", "command", "args", "env", "cwd", "url", "headers", "files"}),
    }
    own_policy: ClassVar[Mapping[str, frozenset[str]]] = {}
    written_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"name", "description"}),
        "skill": frozenset({"name", "description"}),
    }

    def blocks(self) -> Mapping[str, Mapping[str, Any]]:
        return schema_blocks(str(Path(__file__).parent))

    def model_problem(self, model_id: str) -> str | None:
        if "/" in model_id:
            return f"{model_id!r} has a provider prefix; Cursor ids have none (claude-opus-5)"
        return None

    def parse_model(self, model_id: str) -> tuple[str, str] | None:
        return None  # Cursor's ids (claude-4-sonnet, composer-2) are its own

    def spell_model(self, vendor: str, model: str) -> str | None:
        return None

    def render_item(self, item: Item, env: ItemEnv, report: Report) -> Iterator[OutFile]:
        if isinstance(item, Agent):
            yield from render.agent_file(item, env, report)
        elif isinstance(item, Command):
            yield render.command_file(item, report)
        else:
            yield from render.skill_outputs(item, report)

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterator[OutFile]:
        return plugin.render(manifest, items, report, context)

    def effective(
        self, policy: Policy | None, manifest: Manifest | None = None
    ) -> dict[str, Decision | None]:
        """What a Cursor agent can do: one Cursor cannot hold to its policy is left out, so
        it can do nothing at all."""
        found = agent_rights(policy)
        return cannot_hold(found.effective) if found.cannot else found.effective

    def lab(self) -> Check | None:
        return None  # no Cursor client on the npm registry

    def install_roots(
        self, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> tuple[InstallRoot, ...]:
        folder = project / ".cursor" if scope == "project" else home / ".cursor"
        return (InstallRoot(folder, (f"{AGENTS}/", f"{COMMANDS}/", f"{SKILLS}/")),)

    def setup(
        self, manifest: Manifest, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> Setup:
        folder = self.install_roots(scope, env, home, project)[0].folder
        return plugin.setup(manifest, folder)
