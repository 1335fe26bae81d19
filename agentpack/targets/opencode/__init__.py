"""opencode 1.x: agents, commands and skills, laid out like a project's ``.opencode/``.

``dist/opencode/`` holds ``agents/``, ``commands/`` and ``skills/`` (the current plural
names; opencode also reads the older singular ones) and can be copied to ``.opencode/`` or
``~/.config/opencode/``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from agentpack import aliases
from agentpack.model import Agent, Command, Item, ItemInfo, Manifest
from agentpack.native import Reader
from agentpack.outputs import OutFile
from agentpack.permissions import Decision, Policy
from agentpack.targets import parts
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
from agentpack.targets.opencode import config, render
from agentpack.targets.opencode.names import HOST_AGENTS, MODELS, twin
from agentpack.targets.opencode.permissions import effective
from agentpack.targets.opencode.read import OpencodeReader
from agentpack.targets.opencode.readrules import OPENCODE_OWN

if TYPE_CHECKING:
    from agentpack.lab import Check


class OpencodeTarget:
    name: ClassVar[str] = "opencode"
    title: ClassVar[str] = "opencode"
    description: ClassVar[str] = "opencode 1.x: agents, commands, skills"
    features: ClassVar[frozenset[Feature]] = frozenset(
        {Feature.AGENTS, Feature.COMMANDS, Feature.SKILLS}
    )
    argument_base: ClassVar[int] = 1
    plugin_groups: ClassVar[bool] = False
    commands_are_skills: ClassVar[bool] = False
    writes: ClassVar[tuple[str, ...]] = (
        "agents/<name>.md (mode, model, permission), commands/<name>.md, "
        "skills/<name>/SKILL.md (+ its files)",
        "install: ~/.config/opencode/ (user), .opencode/ (project)",
    )
    models: ClassVar[Mapping[str, str]] = MODELS
    model_help: ClassVar[str] = "provider/model-id, or inherit"
    host_agents = HOST_AGENTS
    manifest_files: ClassVar[Mapping[str, FileCheck]] = {}
    policy_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"permission", "permissions", "tools"})
    }
    own_policy: ClassVar[Mapping[str, frozenset[str]]] = {"permission": OPENCODE_OWN}
    written_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"description", "mode", "prompt"}),
        "command": frozenset({"description", "template"}),
        "skill": frozenset({"name", "description"}),
    }
    versioned: ClassVar[bool] = False
    by_default: ClassVar[bool] = True
    reader: ClassVar[Reader | None] = OpencodeReader()
    carries: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset(
            {"name", "description", "examples", "body", "mode", "model", "temperature"}
            | {"top_p", "max_steps", "color", "policy", "extras"}
        ),
        "command": frozenset(
            {"name", "description", "body", "agent", "model", "subtask", "extras"}
        ),
        "skill": frozenset(
            {"name", "description", "body", "license", "compatibility", "metadata", "resources"}
        ),
        "server": frozenset({"name", "command", "args", "env", "url", "headers", "files"}),
        "hook": frozenset({"event", "run", "interpreter", "args", "tools"}),
    }

    def blocks(self) -> Mapping[str, Mapping[str, Any]]:
        return schema_blocks(str(Path(__file__).parent))

    def model_problem(self, model_id: str) -> str | None:
        if model_id == aliases.INHERIT or "/" in model_id:
            return None
        example = MODELS.get(model_id, MODELS["sonnet"])
        return (
            f"opencode needs provider/model-id such as {example!r}, not {model_id!r}: "
            "opencode 1.18 reads a bare name as a provider with no model, and the agent fails "
            "when it runs"
        )

    def parse_model(self, model_id: str) -> tuple[str, str] | None:
        vendor, slash, model = model_id.partition("/")
        return (vendor, model) if slash and vendor and model else None

    def spell_model(self, vendor: str, model: str) -> str | None:
        return f"{vendor}/{model}"

    def render_item(self, item: Item, env: ItemEnv, report: Report) -> Iterator[OutFile]:
        if isinstance(item, Agent):
            yield render.agent_file(item, env, report)
        elif isinstance(item, Command):
            yield render.command_file(item, env, report)
        else:
            yield from render.skill_outputs(item, report)

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterator[OutFile]:
        """opencode has no plugin manifest and no marketplace: its pack-level files are the
        pack's MCP servers (``opencode.json``) and the plugin that runs its hooks."""
        return config.render(manifest, report)

    def effective(
        self, policy: Policy | None, manifest: Manifest | None = None
    ) -> dict[str, Decision | None]:
        servers = parts.servers(manifest, self.name) if manifest is not None else []
        return effective(policy, tuple(s.name for s in servers))

    def lab(self) -> Check | None:
        from agentpack.targets.opencode.lab import OpencodeLab

        return OpencodeLab()

    def install_roots(
        self, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> tuple[InstallRoot, ...]:
        if scope == "project":
            folder = project / ".opencode"
        else:
            config = (
                Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
            )
            folder = config / "opencode"
        return (InstallRoot(folder, ("agents/", "commands/", "skills/"), twins=twin),)

    def setup(
        self, manifest: Manifest, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> Setup:
        folder = self.install_roots(scope, env, home, project)[0].folder
        return config.setup(manifest, folder)
