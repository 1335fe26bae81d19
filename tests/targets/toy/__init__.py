"""A third target made the way a third party would make one: one folder with a renderer,
a reader and a block schema, registered by name. Agents only, as JSON; its one permission
is a list of the tools an agent may use, everything else denied. The contract suite runs
over it as over the built-in targets (``tests/targets/test_contract.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from agentpack.filereport import FileReport
from agentpack.hostagents import HostAgent
from agentpack.lab import Check
from agentpack.model import Agent, Command, Item, ItemInfo, Manifest, Resource, Skill, SourceRef
from agentpack.native import ImportEnv, Importing, Native
from agentpack.nativetree import skip_rest
from agentpack.outputs import OutFile
from agentpack.permissions import TOOLS, Decision, Policy
from agentpack.targets.base import (
    Change,
    Context,
    Feature,
    FileCheck,
    InstallRoot,
    ItemEnv,
    Note,
    Report,
    Setup,
)

NAME = "toy"


def allowed(policy: Policy | None) -> list[str] | None:
    """The tools every call of which the source allows (None: inherit). A server is
    allowed only when none of its tools is held back: the list cannot say "but not that"."""
    if policy is None:
        return None
    mcp = [t for t in policy.named_mcp() if t != "mcp:*"]
    found = [t for t in (*TOOLS, *mcp) if policy.narrowest(t) is Decision.ALLOW]
    held = {t.split("/")[0] for t in mcp if "/" in t and policy.tool(t) is not Decision.ALLOW}
    return [t for t in found if t not in held]


class ToyReader:
    dialect: ClassVar[str] = NAME
    tree_name: ClassVar[str] = ".toy"
    fallback: ClassVar[bool] = False
    bare_agents: ClassVar[bool] = False
    skill_marks: ClassVar[tuple[str, ...]] = ()

    def claims(self, frontmatter: Mapping[str, Any]) -> bool:
        return False

    def marks(self, folder: Path) -> bool:
        return folder.name == self.tree_name

    def folder(self, path: Path, run: Importing) -> bool:
        return False

    def config(self, folder: Path, run: Importing) -> set[Path]:
        return set()

    def tree(self, folder: Path, run: Importing) -> None:
        for path in sorted((folder / "agents").glob("*.json")):
            report = run.report(path, "agent (toy)")
            data = json.loads(path.read_text(encoding="utf-8"))
            tools = data.get("tools")
            policy = None if tools is None else Policy.build(None, tools)
            extras = {NAME: data["toy"]} if "toy" in data else {}
            run.add(
                Agent(
                    data["name"],
                    data["description"],
                    data["prompt"],
                    SourceRef(report.source),
                    policy=policy,
                    extras=extras,
                ),
                report,
            )
        skip_rest(folder, {folder / "agents"}, run, "Toy")

    def agent(self, native: Native, report: FileReport, env: ImportEnv) -> Agent:
        raise NotImplementedError("toy agents are JSON, read by tree()")

    def command(self, native: Native, report: FileReport, env: ImportEnv) -> Command:
        raise NotImplementedError("toy has no commands")

    def skill(
        self, native: Native, report: FileReport, resources: tuple[Resource, ...], env: ImportEnv
    ) -> Skill:
        raise NotImplementedError("toy has no skills")

    def tool_id(self, name: str, granting: bool = False) -> tuple[str | None, str | None]:
        return (name, None) if name in TOOLS else (None, None)


class ToyTarget:
    name: ClassVar[str] = NAME
    title: ClassVar[str] = "Toy"
    description: ClassVar[str] = "A toy tool: agents as JSON"
    features: ClassVar[frozenset[Feature]] = frozenset({Feature.AGENTS})
    argument_base: ClassVar[int] = 1
    plugin_groups: ClassVar[bool] = False
    commands_are_skills: ClassVar[bool] = False
    writes: ClassVar[tuple[str, ...]] = ("agents/<name>.json",)
    models: ClassVar[Mapping[str, str]] = {"inherit": "inherit"}
    model_help: ClassVar[str] = "any id"
    host_agents: ClassVar[Mapping[str, HostAgent]] = {}
    manifest_files: ClassVar[Mapping[str, FileCheck]] = {}
    policy_keys: ClassVar[Mapping[str, frozenset[str]]] = {}
    own_policy: ClassVar[Mapping[str, frozenset[str]]] = {}
    written_keys: ClassVar[Mapping[str, frozenset[str]]] = {}
    versioned: ClassVar[bool] = False
    by_default: ClassVar[bool] = True
    reader = ToyReader()
    carries: ClassVar[Mapping[str, frozenset[str]]] = {
        "agent": frozenset({"name", "description", "body", "policy", "extras"}),
        "command": frozenset(),
        "skill": frozenset(),
    }

    def blocks(self) -> Mapping[str, Mapping[str, Any]]:
        loaded: dict[str, Any] = json.loads(
            (Path(__file__).parent / "schema.json").read_text(encoding="utf-8")
        )
        return loaded

    def model_problem(self, model_id: str) -> str | None:
        return None

    def parse_model(self, model_id: str) -> tuple[str, str] | None:
        return None

    def spell_model(self, vendor: str, model: str) -> str | None:
        return None

    def render_item(self, item: Item, env: ItemEnv, report: Report) -> Iterator[OutFile]:
        if not isinstance(item, Agent):
            report.add(NAME, item, "-", Change.DROPPED, f"Toy has no {item.kind.value}s")
            return
        tools = allowed(item.policy)
        if item.policy is not None:
            for tool in (*TOOLS, *item.policy.named_mcp()):
                if item.policy.widest(tool) > Decision.DENY and tool not in (tools or []):
                    got = Decision.DENY
                    report.narrowed(NAME, item, tool, item.policy.widest(tool), got, "a list")
            if item.policy.default is not Decision.DENY:
                report.narrowed(NAME, item, "*", item.policy.default, Decision.DENY, "a list")
        for field in ("examples", "mode", "model", "temperature", "top_p", "max_steps", "color"):
            value = getattr(item, field)
            if value not in (None, (), item.mode.SUBAGENT):
                report.add(NAME, item, field, Change.DROPPED, f"Toy has no {field}")
        document: dict[str, Any] = {
            "name": item.name,
            "description": item.description,
            "prompt": item.body,
        }
        if tools is not None:
            document["tools"] = tools
        if NAME in item.extras:
            document["toy"] = dict(item.extras[NAME])
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True)
        yield OutFile.text(f"agents/{item.name}.json", text, item.source)

    def render_pack(
        self, manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
    ) -> Iterator[OutFile]:
        for part in (*manifest.servers, *manifest.hooks):
            note = "the toy tool has no MCP servers or hooks"
            report.notes.append(Note(part.source, NAME, part.name, "-", Change.DROPPED, note))
        return iter(())

    def effective(
        self, policy: Policy | None, manifest: Manifest | None = None
    ) -> dict[str, Decision | None]:
        tools = allowed(policy)
        if tools is None:
            return dict.fromkeys((*TOOLS, "*"))
        assert policy is not None
        out: dict[str, Decision | None] = {
            t: Decision.ALLOW if t in tools else Decision.DENY
            for t in (*TOOLS, *policy.named_mcp())
        }
        out["*"] = Decision.DENY
        for pattern in ("*", *(rule.pattern for rule in policy.bash)):
            out[f"bash:{pattern}"] = out["bash"]
        return out

    def install_roots(
        self, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> tuple[InstallRoot, ...]:
        base = project if scope == "project" else home
        return (InstallRoot(base / ".toy", ("agents/",)),)

    def setup(
        self, manifest: Manifest, scope: str, env: Mapping[str, str], home: Path, project: Path
    ) -> Setup:
        return Setup()  # the toy tool has no MCP servers or hooks

    def lab(self) -> Check | None:
        return None
