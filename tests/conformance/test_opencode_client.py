"""opencode itself loads what agentpack exported and resolves the permissions the source says.

For every agent, ``opencode debug agent NAME`` prints the rules opencode resolved (its
defaults, then the agent's). Evaluated for every canonical tool and sample bash commands,
they must give exactly the source's decision, or a narrower one the export warned about.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from agentpack import api
from agentpack.model import Pack
from agentpack.permissions import TOOLS, Decision
from tests.conformance.conftest import Lab, copy_pack
from tests.conftest import ROOT, MakePack
from tests.helpers import OPENCODE_CAPABILITIES, SAMPLE_COMMANDS, SAMPLE_MCP, opencode_decide
from tests.packgen import write_pack

pytestmark = pytest.mark.conformance


def _project(root: Path, tmp: Path) -> Path:
    project = tmp / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    shutil.copytree(root / "dist" / "opencode", project / ".opencode")
    return project


def _source(pack: Pack, name: str, tool_id: str) -> list[Decision]:
    policy = next(a for a in pack.agents if a.name == name).policy
    if policy is None:
        return []
    if tool_id == "bash":
        return [policy.decide("bash", c) for c in SAMPLE_COMMANDS]
    return [policy.decide(tool_id)]


def _judge(lab: Lab, root: Path, tmp: Path) -> None:
    pack = api.load_pack(root)
    result = api.export(root)
    narrowed = {
        (f.path, f.field.removeprefix("tools."))
        for f in result.findings
        if f.message.startswith("opencode: narrowed")
    }
    project, home = _project(root, tmp), tmp / "home"

    listing = lab.run(lab.opencode, ["agent", "list"], home, project)
    assert listing.returncode == 0, listing.stderr
    modes = dict(re.findall(r"^(\S+) \((primary|subagent|all)\)$", listing.stdout, re.MULTILINE))
    wrong = {
        a.name: (a.mode.value, modes.get(a.name))
        for a in pack.agents
        if modes.get(a.name) != a.mode.value
    }
    assert wrong == {}, listing.stdout[-3000:]

    def debug(name: str) -> tuple[str, dict[str, object]]:
        out = lab.run(lab.opencode, ["debug", "agent", name], home, project)
        assert out.returncode == 0, out.stderr
        return name, json.loads(out.stdout[out.stdout.index("{") :])

    with ThreadPoolExecutor(max_workers=4) as pool:
        resolved = dict(pool.map(debug, [a.name for a in pack.agents]))

    for agent in pack.agents:
        rules = [
            (r["permission"], r["pattern"], r["action"])  # type: ignore[index]
            for r in resolved[agent.name]["permission"]
        ]  # type: ignore[union-attr]
        for tool_id in (*TOOLS, *(f"mcp:{m}" for m in SAMPLE_MCP)):
            source = _source(pack, agent.name, tool_id)
            if not source:
                continue  # inherit: opencode's own defaults apply
            if tool_id.startswith("mcp:"):
                server, _, tool = tool_id[4:].partition("/")
                got = [opencode_decide(rules, f"{server}_{tool}", "*")]
            elif not OPENCODE_CAPABILITIES[tool_id]:
                continue
            elif tool_id == "bash":
                got = [opencode_decide(rules, "bash", c) for c in SAMPLE_COMMANDS]
            else:
                got = [
                    max(
                        opencode_decide(rules, key, "src/app.py")
                        for key in OPENCODE_CAPABILITIES[tool_id]
                    )
                ]
            where = f"{agent.name}: {tool_id}: opencode {got}, source {source}"
            assert all(g <= s for g, s in zip(got, source, strict=True)), where
            if got != source:
                key = (agent.source.path, tool_id)
                assert key in narrowed or (agent.source.path, "mcp:*") in narrowed, where


def test_reference_pack(lab: Lab, tmp_path: Path) -> None:
    root = copy_pack(ROOT, tmp_path / "pack")
    _judge(lab, root, tmp_path)


def test_full_fixture_pack(lab: Lab, tmp_path: Path) -> None:
    root = tmp_path / "pack"
    shutil.copytree(ROOT / "tests" / "packs" / "full", root)
    _judge(lab, root, tmp_path)


def test_fifty_hostile_agents(lab: Lab, tmp_path: Path) -> None:
    _judge(lab, write_pack(tmp_path / "pack", agents=50), tmp_path)


def test_commands_name_only_agents_opencode_has(
    lab: Lab, make_pack: MakePack, tmp_path: Path
) -> None:
    """opencode refuses a command whose agent it cannot find: built-ins named in any host's
    spelling must come out as agents opencode itself lists."""
    command = "---\ndescription: Run in {0}.\nagent: {0}\n---\nDo it.\n"
    spellings = ["general-purpose", "general", "Explore", "explore", "Plan", "build"]
    files = {f"commands/c{i}.md": command.format(name) for i, name in enumerate(spellings)}
    files["commands/mine.md"] = command.format("helper")
    files["agents/helper.md"] = "---\nname: helper\ndescription: Helps.\n---\nHelp.\n"
    root = make_pack(files)
    api.export(root)
    project = _project(root, tmp_path)
    listing = lab.run(lab.opencode, ["agent", "list"], tmp_path / "home", project)
    assert listing.returncode == 0, listing.stderr
    known = set(re.findall(r"^(\S+) \((?:primary|subagent|all)\)$", listing.stdout, re.MULTILINE))
    named = {
        path.name: re.search(r"^agent: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        for path in (project / ".opencode" / "commands").glob("*.md")
    }
    assert len(named) == len(files) - 1
    missing = {name: m and m[1] for name, m in named.items() if m is None or m[1] not in known}
    assert missing == {}, listing.stdout[-2000:]
