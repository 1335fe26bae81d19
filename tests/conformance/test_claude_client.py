"""Claude Code itself validates, installs and lists what agentpack exported."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from agentpack import api
from tests.conformance.conftest import Lab, copy_pack
from tests.conftest import ROOT
from tests.packgen import write_pack

pytestmark = pytest.mark.conformance


def _inventory(details: str, kind: str) -> set[str]:
    match = re.search(rf"^\s*{kind} \(\d+\)\s+(.*)$", details, re.MULTILINE)
    return {name.strip() for name in match.group(1).split(",")} if match else set()


def _judge(lab: Lab, root: Path, home: Path) -> None:
    pack = api.load_pack(root)
    for target in (root / "dist" / "claude", root):
        result = lab.run(lab.claude, ["plugin", "validate", "--strict", str(target)], home, root)
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert "Validation passed" in output
        assert "warning" not in output.lower(), output
    market = pack.manifest.extras.get("claude", {}).get("marketplace", {}) or {}
    market_name = market.get("name", pack.manifest.name)
    plugin = f"{pack.manifest.name}@{market_name}"
    for args in (["plugin", "marketplace", "add", str(root)], ["plugin", "install", plugin]):
        result = lab.run(lab.claude, args, home, home)
        assert result.returncode == 0, result.stdout + result.stderr
    result = lab.run(lab.claude, ["plugin", "details", plugin], home, home)
    assert result.returncode == 0, result.stderr
    assert _inventory(result.stdout, "Agents") == {a.name for a in pack.agents}
    # Claude Code lists commands as skills ("custom commands have been merged into skills")
    expected = {s.name for s in pack.skills} | {c.name for c in pack.commands}
    assert _inventory(result.stdout, "Skills") == expected


def test_reference_pack(lab: Lab, tmp_path: Path) -> None:
    root = copy_pack(ROOT, tmp_path / "pack")
    api.export(root)
    _judge(lab, root, tmp_path / "home")


def test_full_fixture_pack(lab: Lab, tmp_path: Path) -> None:
    root = tmp_path / "pack"
    shutil.copytree(ROOT / "tests" / "packs" / "full", root)
    api.export(root)
    _judge(lab, root, tmp_path / "home")


def test_fifty_hostile_agents(lab: Lab, tmp_path: Path) -> None:
    root = write_pack(tmp_path / "pack", agents=50)
    api.export(root)
    _judge(lab, root, tmp_path / "home")


def test_the_validator_is_a_real_judge(lab: Lab, tmp_path: Path) -> None:
    """The trap DESIGN.md names: a quoted '---' ends Claude Code's frontmatter."""
    plugin = tmp_path / "plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "b", "version": "1.0.0"}')
    (plugin / "agents").mkdir()
    (plugin / "agents" / "x.md").write_text("---\nname: x\ndescription: 'a --- b'\n---\nx\n")
    result = lab.run(lab.claude, ["plugin", "validate", str(plugin)], tmp_path / "home", plugin)
    assert result.returncode != 0
    assert "failed to parse" in result.stdout + result.stderr


def test_imported_marketplace_of_several_plugins(lab: Lab, tmp_path: Path) -> None:
    """Import a marketplace of N plugins, export: N plugins the client accepts, same items."""
    import json

    root = tmp_path / "pack"
    api.import_(ROOT / "tests" / "packs" / "native" / "market", root)
    api.export(root)
    home = tmp_path / "home"
    market = json.loads((root / ".claude-plugin" / "marketplace.json").read_text())
    assert len(market["plugins"]) == 2
    for entry in market["plugins"]:
        result = lab.run(
            lab.claude, ["plugin", "validate", "--strict", str(root / entry["source"])], home, root
        )
        assert result.returncode == 0, result.stdout + result.stderr
    result = lab.run(lab.claude, ["plugin", "validate", "--strict", str(root)], home, root)
    assert result.returncode == 0, result.stdout
    assert (
        lab.run(lab.claude, ["plugin", "marketplace", "add", str(root)], home, home).returncode == 0
    )
    expected = {"review-kit": ({"code-reviewer"}, {"pr"}), "ship-kit": ({"releaser"}, {"release"})}
    for plugin, (agents, skills) in expected.items():
        assert (
            lab.run(
                lab.claude, ["plugin", "install", f"{plugin}@team-tools"], home, home
            ).returncode
            == 0
        )
        details = lab.run(lab.claude, ["plugin", "details", f"{plugin}@team-tools"], home, home)
        assert _inventory(details.stdout, "Agents") == agents
        assert _inventory(details.stdout, "Skills") == skills
