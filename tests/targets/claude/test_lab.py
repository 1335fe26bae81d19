"""Claude Code's own checks on what only the Claude target has: its validator, a
marketplace of several plugins, and a pack as ``agentpack init`` makes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentpack import api
from agentpack.lab import Lab
from agentpack.targets.claude.lab import CLIENT, ClaudeLab, allowed, validate
from tests.conftest import ROOT
from tests.lab import client, exported
from tests.test_scaffold import identity

pytestmark = pytest.mark.conformance


def test_the_validator_is_a_real_judge(lab: Lab, tmp_path: Path) -> None:
    """The trap DESIGN.md names: a quoted '---' ends Claude Code's frontmatter."""
    claude = client(lab, CLIENT)
    plugin = tmp_path / "plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "b", "version": "1.0.0"}')
    (plugin / "agents").mkdir()
    (plugin / "agents" / "x.md").write_text("---\nname: x\ndescription: 'a --- b'\n---\nx\n")
    result = lab.run(claude, ["plugin", "validate", str(plugin)], tmp_path / "home", plugin)
    assert result.returncode != 0
    assert "failed to parse" in result.stdout + result.stderr


def test_an_imported_marketplace_of_several_plugins(lab: Lab, tmp_path: Path) -> None:
    """Import a marketplace of N plugins, export: N plugins the client accepts, same items."""
    client(lab, CLIENT)
    root = tmp_path / "pack"
    api.import_(ROOT / "tests" / "packs" / "native" / "market", root)
    ClaudeLab().check(lab, exported(root), tmp_path / "work")


def test_a_new_pack_passes_the_strict_check(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``agentpack init`` with a git identity: ``claude plugin validate --strict`` passes
    (only the license and icon, which are the user's to add, may be missing)."""
    client(lab, CLIENT)
    identity(monkeypatch, tmp_path, "Ada Lovelace")
    api.init(tmp_path / "new")
    done = exported(tmp_path / "new")
    assert allowed(done.pack) == {"ICON_MISSING", "LICENSE_MISSING"}
    validate(lab, tmp_path / "new" / "dist" / "claude", tmp_path / "home", allowed(done.pack))
    ClaudeLab().check(lab, done, tmp_path / "work")
