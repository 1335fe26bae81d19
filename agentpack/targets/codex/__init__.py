"""Codex (``@openai/codex``): custom agents, skills and a Codex plugin.

``dist/codex/`` is laid out as a project's Codex files: ``.codex/agents/<name>.toml`` (read
by Codex in a trusted project, or from ``~/.codex/agents``) and ``.agents/skills/<name>/``
(read in any project, or from ``~/.agents/skills``); the folder is also a Codex plugin of the
skills (``.codex-plugin/plugin.json``), listed by ``.agents/plugins/marketplace.json`` in the
pack root. Commands become skills: Codex removed custom prompts.

What Codex cannot enforce: a custom agent runs with its session's sandbox, approvals, web
search and MCP servers whatever its file says; only its shell can be taken away. An agent
whose source restricts anything else is left out, with a warning (``permissions.py``).
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
from agentpack.targets.codex import plugin, render
from agentpack.targets.codex.names import (
    AGENTS,
    DEFAULT_MODEL,
    HOST_AGENTS,
    MODELS,
    NOT_OPENAI,
    SKILLS,
)
from agentpack.targets.codex.permissions import role
from agentpack.targets.codex.read import CodexReader
from agentpack.targets.common import cannot_hold

if TYPE_CHECKING:
    from agentpack.lab import Check


class CodexTarget:
    name: ClassVar[str] = "codex"
    title: ClassVar[str] = "Codex"
    description: ClassVar[str] = "Codex: custom agents, skills (commands too), plugin"
    features: ClassVar[frozenset[Feature]] = frozenset(Feature)
    argument_base: ClassVar[int] = 1
    plugin_groups: ClassVar[bool] = False
    commands_are_skills: ClassVar[bool] = True
    writes: ClassVar[tuple[str, ...]] = (
        f"{AGENTS}/<name>.toml: custom agents (only those Codex can hold to their tools)",
        f"{SKILLS}/<name>/SKILL.md: skills, and commands made into skills ($name)",
        ".codex-plugin/plugin.json: the skills as a Codex plugin; "
        "<pack>/.agents/plugins/marketplace.json lists it",
        "install: ~/.codex/agents and ~/.agents/skills (user), .codex/ and .agents/ (project)",
    )
    models: ClassVar[Mapping[str, str]] = MODELS
    model_help: ClassVar[str] = f"an OpenAI model id such as {DEFAULT_MODEL}, or inherit"
    host_agents = HOST_AGENTS
    manifest_files: ClassVar[Mapping[str, FileCheck]] = {}
    policy_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"features", "sandbox_mode", "mcp_servers"}),
        # the Copilot CLI reads .agents/skills too, and pre-approves a skill's allowed-tools
        "skill": frozenset({"allowed-tools"}),
    }
    own_policy: ClassVar[Mapping[str, frozenset[str]]] = {}
    written_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"name", "description", "developer_instructions"}),
        # the Copilot CLI reads the Codex skills too, and keeps one from its model by this
        "skill": frozenset({"name", "description", "disable-model-invocation"}),
        "command": frozenset({"name", "description", "disable-model-invocation"}),
    }
    versioned: ClassVar[bool] = True
    by_default: ClassVar[bool] = True
    reader: ClassVar[Reader | None] = CodexReader()
    carries: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset(
            {"name", "description", "examples", "body", "model", "policy", "extras"}
        ),
        "command": frozenset({"name", "description", "body", "disable_model_invocation"}),
        "skill": frozenset(
            {"name", "description", "body", "license", "metadata", "resources"}
            | {"disable_model_invocation"}
        ),
        "server": frozenset({"name", "command", "args", "env", "cwd", "url", "headers", "files"}),
        "hook": frozenset({"event", "run", "interpreter", "args", "tools", "timeout"}),
    }

    def blocks(self) -> Mapping[str, Mapping[str, Any]]:
        return schema_blocks(str(Path(__file__).parent))

    def model_problem(self, model_id: str) -> str | None:
        if model_id != aliases.INHERIT and NOT_OPENAI.search(model_id):
            return (
                f"{model_id!r} is a Claude model: Codex would send it to OpenAI and the spawn "
                f"would fail; give an OpenAI model such as {DEFAULT_MODEL!r}, or leave the "
                "codex entry out (the agent then runs on the session's model)"
            )
        return None

    def parse_model(self, model_id: str) -> tuple[str, str] | None:
        return None if NOT_OPENAI.search(model_id) or "/" in model_id else ("openai", model_id)

    def spell_model(self, vendor: str, model: str) -> str | None:
        return model if vendor == "openai" else None

    def render_item(self, item: Item, env: ItemEnv, report: Report) -> Iterator[OutFile]:
        if isinstance(item, Agent):
            yield from render.agent_files(item, env, report)
        elif isinstance(item, Command):
            yield from render.command_skill(item, env, report)
        else:
            yield from render.skill_outputs(item, report)

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterator[OutFile]:
        return plugin.render(manifest, items, report, context)

    def effective(
        self, policy: Policy | None, manifest: Manifest | None = None
    ) -> dict[str, Decision | None]:
        """What a Codex agent can do: an agent Codex cannot hold to its policy is left out,
        so it can do nothing at all."""
        found = role(policy)
        return cannot_hold(found.effective) if found.cannot else found.effective

    def lab(self) -> Check | None:
        from agentpack.targets.codex.lab import CodexLab

        return CodexLab()

    def install_roots(
        self, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> tuple[InstallRoot, ...]:
        if scope == "project":
            return (InstallRoot(project, (f"{AGENTS}/", f"{SKILLS}/")),)
        codex = Path(env["CODEX_HOME"]) if env.get("CODEX_HOME") else home / ".codex"
        return (
            InstallRoot(codex, (f"{AGENTS}/",), strip=".codex/"),
            InstallRoot(home / ".agents", (f"{SKILLS}/",), strip=".agents/"),
        )

    def setup(
        self, manifest: Manifest, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> Setup:
        root = self.install_roots(scope, env, home, project)[0].folder
        folder = project / ".codex" if scope == "project" else root
        return plugin.setup(manifest, root, folder, Report())
