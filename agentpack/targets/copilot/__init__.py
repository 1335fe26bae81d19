"""GitHub Copilot (the ``@github/copilot`` CLI, and VS Code): agents, prompt files and CLI
commands, skills, and a Copilot plugin.

``dist/copilot/`` is laid out as a repository's ``.github/`` folder (``agents/``,
``prompts/``, ``skills/``), which also works as ``~/.copilot/`` for agents and skills; with
``plugin.json`` and ``commands/`` it is also a Copilot CLI plugin (``copilot plugin install``,
``--plugin-dir``).

What Copilot can enforce: an agent's ``tools`` allowlist, alias by alias, and nothing finer
(no deny, no ask, no command patterns); every agent keeps the skill tool
(``permissions.py``).
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
from agentpack.targets.common import cannot_hold
from agentpack.targets.copilot import plugin, render
from agentpack.targets.copilot.names import (
    AGENTS,
    ANTHROPIC_API_ID,
    CLAUDE_ID,
    COMMANDS,
    DEFAULT_MODEL,
    GPT_ID,
    HOST_AGENTS,
    MODEL_ID,
    MODELS,
    PROMPTS,
    SKILLS,
    twin,
)
from agentpack.targets.copilot.permissions import agent_tools
from agentpack.targets.copilot.read import CopilotReader

if TYPE_CHECKING:
    from agentpack.lab import Check


class CopilotTarget:
    name: ClassVar[str] = "copilot"
    title: ClassVar[str] = "GitHub Copilot"
    description: ClassVar[str] = (
        "GitHub Copilot: agents, prompt files, CLI commands, skills, plugin"
    )
    features: ClassVar[frozenset[Feature]] = frozenset(Feature)
    argument_base: ClassVar[int] = 0  # the CLI's commands; prompt files name their inputs
    plugin_groups: ClassVar[bool] = False
    commands_are_skills: ClassVar[bool] = True  # the CLI loads commands as skills
    writes: ClassVar[tuple[str, ...]] = (
        f"{AGENTS}/<name>.agent.md: agents (only those Copilot can hold to their tools)",
        f"{PROMPTS}/<name>.prompt.md: commands as VS Code prompt files",
        f"{COMMANDS}/<name>.md: commands for the Copilot CLI (through the plugin)",
        f"{SKILLS}/<name>/SKILL.md (+ its files): skills",
        "plugin.json: the folder is a Copilot CLI plugin; "
        "<pack>/.github/plugin/marketplace.json lists it",
        "install: ~/.copilot/agents and skills (user), .github/ (project)",
    )
    models: ClassVar[Mapping[str, str]] = MODELS
    model_help: ClassVar[str] = f"a Copilot model id such as {DEFAULT_MODEL}, or inherit"
    host_agents = HOST_AGENTS
    manifest_files: ClassVar[Mapping[str, FileCheck]] = {}
    policy_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"tools", "mcp-servers"}),
        # the Copilot CLI pre-approves a skill's allowed-tools when the skill is invoked
        "skill": frozenset({"allowed-tools"}),
    }
    own_policy: ClassVar[Mapping[str, frozenset[str]]] = {}
    written_keys: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"name", "description"}),
        "command": frozenset({"description"}),
        "skill": frozenset({"name", "description"}),
    }
    versioned: ClassVar[bool] = True
    by_default: ClassVar[bool] = True
    reader: ClassVar[Reader | None] = CopilotReader()
    carries: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset(
            {"name", "description", "examples", "body", "mode", "model", "policy", "extras"}
        ),
        "command": frozenset(
            {"name", "description", "body", "argument_hint", "model", "agent"}
            | {"disable_model_invocation"}
        ),
        "skill": frozenset(
            {"name", "description", "body", "license", "compatibility", "metadata"}
            | {"disable_model_invocation", "resources", "extras"}
        ),
        "server": frozenset(
            {"name", "command", "args", "env", "cwd", "url", "transport", "headers", "files"}
        ),
        "hook": frozenset({"event", "run", "interpreter", "args", "tools", "timeout"}),
    }

    def blocks(self) -> Mapping[str, Mapping[str, Any]]:
        return schema_blocks(str(Path(__file__).parent))

    def model_problem(self, model_id: str) -> str | None:
        if model_id != aliases.INHERIT and not MODEL_ID.match(model_id):
            return (
                f"{model_id!r} is not a Copilot model id; give one such as "
                f"{DEFAULT_MODEL!r} or claude-sonnet-5.5 (no provider prefix)"
            )
        return None

    def parse_model(self, model_id: str) -> tuple[str, str] | None:
        claude = CLAUDE_ID.fullmatch(model_id)
        if claude:
            family, major, minor = claude.group(1, 2, 3)
            return "anthropic", f"claude-{family}-{major}" + (f"-{minor}" if minor else "")
        return ("openai", model_id) if GPT_ID.fullmatch(model_id) else None

    def spell_model(self, vendor: str, model: str) -> str | None:
        if vendor == "openai" and GPT_ID.fullmatch(model):
            return model
        api = ANTHROPIC_API_ID.fullmatch(model) if vendor == "anthropic" else None
        if api is None:
            return None
        family, major, minor = api.group(1, 2, 3)
        return f"claude-{family}-{major}" + (f".{minor}" if minor else "")

    def render_item(self, item: Item, env: ItemEnv, report: Report) -> Iterator[OutFile]:
        if isinstance(item, Agent):
            yield from render.agent_file(item, env, report)
        elif isinstance(item, Command):
            yield render.prompt_file(item, env, report)
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
        """What a Copilot agent can do: an agent Copilot cannot hold to its policy is left
        out, so it can do nothing at all."""
        found = agent_tools(policy)
        return cannot_hold(found.effective) if found.cannot else found.effective

    def lab(self) -> Check | None:
        from agentpack.targets.copilot.lab import CopilotLab

        return CopilotLab()

    def install_roots(
        self, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> tuple[InstallRoot, ...]:
        if scope == "project":
            kinds = (f"{AGENTS}/", f"{PROMPTS}/", f"{SKILLS}/")
            return (InstallRoot(project / ".github", kinds, twins=twin),)
        folder = Path(env["COPILOT_HOME"]) if env.get("COPILOT_HOME") else home / ".copilot"
        return (InstallRoot(folder, (f"{AGENTS}/", f"{SKILLS}/"), twins=twin),)

    def setup(
        self, manifest: Manifest, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> Setup:
        folder = self.install_roots(scope, env, home, project)[0].folder
        mcp = folder / ("mcp.json" if scope == "project" else "mcp-config.json")
        return plugin.setup(manifest, folder, mcp)
