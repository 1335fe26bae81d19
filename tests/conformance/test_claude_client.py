"""Claude Code itself validates, installs and lists what agentpack exported."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from agentpack import api
from agentpack.model import Pack
from tests.conformance.conftest import Lab, copy_pack
from tests.conftest import ROOT
from tests.packgen import write_pack

pytestmark = pytest.mark.conformance


def _inventory(details: str, kind: str) -> set[str]:
    match = re.search(rf"^\s*{kind} \(\d+\)\s+(.*)$", details, re.MULTILINE)
    return {name.strip() for name in match.group(1).split(",")} if match else set()


def validate(lab: Lab, target: Path, home: Path, *, allowed: frozenset[str] = frozenset()) -> None:
    """``claude plugin validate --strict``: no error or warning in the manifest or in any
    agent, command or skill; of the plugin directory's checks, only the ``allowed`` codes
    (a pack with no icon or no license gets those two)."""
    args = ["plugin", "validate", "--strict", "--json", str(target)]
    result = lab.run(lab.claude, args, home, target)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["success"] is True
    problems = [
        (part["file"], problem["path"], problem["message"])
        for part in (report["manifest"], *report["contents"])
        for problem in (*part["errors"], *part["warnings"])
    ]
    assert problems == []
    findings = {f["code"] for f in (report.get("directory") or {}).get("findings", [])}
    assert findings <= allowed, report["directory"]


def _allowed(pack: Pack) -> frozenset[str]:
    """Directory findings that come from what the pack leaves out, not from agentpack."""
    missing = set()
    if "icon" not in pack.manifest.extras.get("claude", {}):
        missing.add("ICON_MISSING")
    if not pack.manifest.license:
        missing.add("LICENSE_MISSING")
    return frozenset(missing)


def _judge(lab: Lab, root: Path, home: Path) -> None:
    pack = api.load_pack(root)
    validate(lab, root / "dist" / "claude", home, allowed=_allowed(pack))
    validate(lab, root, home, allowed=_allowed(pack))
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
    root = tmp_path / "pack"
    api.import_(ROOT / "tests" / "packs" / "native" / "market", root)
    api.export(root)
    home = tmp_path / "home"
    market = json.loads((root / ".claude-plugin" / "marketplace.json").read_text())
    assert len(market["plugins"]) == 2
    allowed = _allowed(api.load_pack(root))
    for entry in market["plugins"]:
        validate(lab, root / entry["source"], home, allowed=allowed)
    validate(lab, root, home, allowed=allowed)
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
