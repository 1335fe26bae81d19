"""Agent Plugins read back for ``import``: a folder with a ``plugin.json`` whose ``$schema``
is the specification's, or a folder of such plugins (``dist/agentplugins``). Skills are
Agent Skills; ``mcp.json`` servers come back in the pack's spelling.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from agentpack.filereport import FileReport
from agentpack.model import Agent, Command, Resource, Skill, SourceRef
from agentpack.native import (
    ImportEnv,
    Importing,
    Native,
    json_object,
)
from agentpack.nativetree import skill_folders
from agentpack.standardskill import standard_skill
from agentpack.targets import readparts
from agentpack.targets.agentplugins.names import (
    MCP,
    PLUGIN,
    PLUGIN_KEYS,
    SCHEMA_PREFIX,
    SKILLS,
    TRANSPORTS,
)

SPELLING = readparts.Spelling(())
"""``${PLUGIN_ROOT}`` is the pack's own spelling; ``./x`` commands are read as it."""
_REMOTE = {v: k for k, v in TRANSPORTS.items()}
NO_AGENTS = "an Agent Plugin holds no {}; import this file with --from the tool it is for"


def _is_plugin(folder: Path) -> bool:
    if not (folder / PLUGIN).is_file():
        return False
    schema = json_object(folder / PLUGIN).get("$schema")
    return isinstance(schema, str) and schema.startswith(SCHEMA_PREFIX)


def _shape(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A server of ``mcp.json`` in ``.mcp.json``'s shape (``./x`` is the plugin's file)."""
    out = {k: v for k, v in spec.items() if k != "type"}
    if "url" in out:
        out["type"] = _REMOTE.get(str(spec.get("type")), "http")
    command = str(out.get("command", ""))
    if command.startswith("./"):
        out["command"] = "${PLUGIN_ROOT}/" + command[2:]
    return out


class AgentPluginsReader:
    """A portable Agent Plugin, or a folder of them."""

    dialect: ClassVar[str] = "agentplugins"
    tree_name: ClassVar[str] = "agentplugins"
    fallback: ClassVar[bool] = False
    bare_agents: ClassVar[bool] = False
    skill_marks: ClassVar[tuple[str, ...]] = ()

    def claims(self, frontmatter: Mapping[str, Any]) -> bool:
        return False  # its skills look like every tool's

    def marks(self, folder: Path) -> bool:
        return _is_plugin(folder)

    def folder(self, path: Path, run: Importing) -> bool:
        if not path.is_dir():
            return False
        plugins = [path] if _is_plugin(path) else []
        if not plugins and path.name == self.tree_name:
            plugins = [p for p in sorted(path.iterdir()) if _is_plugin(p)]
        for plugin in plugins:
            self._plugin(plugin, run)
        return bool(plugins)

    def _plugin(self, path: Path, run: Importing) -> None:
        report = run.report(path / PLUGIN, "plugin")
        meta = json_object(path / PLUGIN)
        report.mapped += [k for k in (*PLUGIN_KEYS, "license", "keywords") if k in meta]
        if meta.get("extensions"):
            report.dropped.append("extensions (each client's own data)")
        run.plugin_meta({k: v for k, v in meta.items() if k in (*PLUGIN_KEYS, "license")})
        for folder in skill_folders(path / SKILLS):
            run.skill(folder, self.dialect)
        if (path / MCP).is_file():
            readparts.servers_file(path / MCP, run, SPELLING, _shape)
        for entry in sorted(path.iterdir()):
            if entry.name not in (PLUGIN, MCP, SKILLS):
                run.skip(entry, "not a portable component (a client's extension, or no part)")

    def config(self, folder: Path, run: Importing) -> set[Path]:
        return set()

    def tree(self, folder: Path, run: Importing) -> None:
        self.folder(folder, run)

    def agent(self, native: Native, report: FileReport, env: ImportEnv) -> Agent:
        report.error(1, 1, "-", NO_AGENTS.format("agents"))
        return Agent(native.path.stem, "-", native.body, SourceRef(report.source))

    def command(self, native: Native, report: FileReport, env: ImportEnv) -> Command:
        report.error(1, 1, "-", NO_AGENTS.format("commands"))
        return Command(native.path.stem, "-", native.body, SourceRef(report.source))

    def skill(
        self, native: Native, report: FileReport, resources: tuple[Resource, ...], env: ImportEnv
    ) -> Skill:
        return standard_skill(native, report, resources, "not a field of a portable Agent Skill")

    def tool_id(self, name: str, granting: bool = False) -> tuple[str | None, str | None]:
        return None, None  # an Agent Plugin names no tools
