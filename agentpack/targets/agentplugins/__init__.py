"""Agent Plugins 1.0.0: the portable bundle several vendors agreed on (a closed
``plugin.json``, Agent Skills, ``mcp.json``), which Cursor and other clients load.

It carries no agents, commands or hooks, so those are left out with a note, and no agent
can gain a permission here. ``dist/agentplugins/<pack>/`` is the plugin, in a folder of
plugins that a client can be pointed at. No client of it runs here: the tests check the
output against the specification's rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from agentpack.model import Item, ItemInfo, Manifest
from agentpack.native import Reader
from agentpack.outputs import OutFile
from agentpack.permissions import TOOLS, Decision, Policy
from agentpack.targets.agentplugins import render
from agentpack.targets.agentplugins.read import AgentPluginsReader
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

if TYPE_CHECKING:
    from agentpack.lab import Check


class AgentPluginsTarget:
    name: ClassVar[str] = "agentplugins"
    title: ClassVar[str] = "Agent Plugins"
    description: ClassVar[str] = "Agent Plugins 1.0 (portable): skills and MCP servers"
    features: ClassVar[frozenset[Feature]] = frozenset({Feature.SKILLS, Feature.PLUGIN})
    argument_base: ClassVar[int] = 1
    plugin_groups: ClassVar[bool] = False
    commands_are_skills: ClassVar[bool] = False
    writes: ClassVar[tuple[str, ...]] = (
        "<pack>/plugin.json: the plugin's closed manifest",
        "<pack>/skills/<name>/SKILL.md (+ its files): skills, Agent Skills fields only",
        "<pack>/mcp.json: the MCP servers a client can start without the user's variables",
        "install: ~/.agents/plugins/ (user), .agents/plugins/ (project)",
    )
    models: ClassVar[Mapping[str, str]] = {}
    model_help: ClassVar[str] = "(an Agent Plugin names no model)"
    host_agents: ClassVar[Mapping[str, Any]] = {}
    manifest_files: ClassVar[Mapping[str, FileCheck]] = {}
    policy_keys: ClassVar[Mapping[str, frozenset[str]]] = {}
    own_policy: ClassVar[Mapping[str, frozenset[str]]] = {}
    written_keys: ClassVar[Mapping[str, frozenset[str]]] = {}
    versioned: ClassVar[bool] = True
    by_default: ClassVar[bool] = False  # agents and commands do not go there: name it to build it
    reader: ClassVar[Reader | None] = AgentPluginsReader()
    carries: ClassVar[Mapping[str, frozenset[str]]] = {
        "skill": frozenset(
            {"name", "description", "body", "license", "compatibility", "metadata", "resources"}
        ),
        "server": frozenset({"name", "command", "args", "env", "cwd", "url", "headers", "files"}),
    }

    def blocks(self) -> Mapping[str, Mapping[str, Any]]:
        return schema_blocks(str(Path(__file__).parent))  # none: every file is closed

    def model_problem(self, model_id: str) -> str | None:
        return "an Agent Plugin names no model"

    def parse_model(self, model_id: str) -> tuple[str, str] | None:
        return None

    def spell_model(self, vendor: str, model: str) -> str | None:
        return None

    def render_item(self, item: Item, env: ItemEnv, report: Report) -> Iterator[OutFile]:
        return render.item_files(item, env.manifest, report)

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterator[OutFile]:
        return render.pack_files(manifest, report)

    def effective(
        self, policy: Policy | None, manifest: Manifest | None = None
    ) -> dict[str, Decision | None]:
        """No agent is written, so none can do anything here (inherit: nothing to say)."""
        return dict.fromkeys((*TOOLS, "*"), None if policy is None else Decision.DENY)

    def lab(self) -> Check | None:
        return None  # no client of the bundle on the npm registry

    def install_roots(
        self, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> tuple[InstallRoot, ...]:
        base = project if scope == "project" else home
        return (InstallRoot(base / ".agents" / "plugins", ("",)),)

    def setup(
        self, manifest: Manifest, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> Setup:
        return Setup()  # the servers travel in the plugin's own mcp.json
