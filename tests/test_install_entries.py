"""What an install adds to the user's own config files (servers, hooks): made as the tools
make them, shared between packs, and taken out only when nothing needs them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from agentpack import api

PACK = "name: {name}\nversion: 1.0.0\ndescription: d\ntargets: [claude]\n"


def _pack(root: Path, name: str, server: str = "command: npx\nargs: [-y, srv]\n") -> Path:
    (root / "mcp").mkdir(parents=True)
    (root / "agentpack.yaml").write_text(PACK.format(name=name))
    (root / "mcp" / "srv.yaml").write_text(server)
    return root


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "h"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    monkeypatch.chdir(project)
    return home


def test_a_users_config_file_the_install_makes_is_the_users_alone(
    tmp_path: Path, home: Path
) -> None:
    """``~/.claude.json`` was made readable by all: Claude Code keeps the mode it finds,
    and later writes the secrets of ``claude mcp add -e TOKEN=...`` into it."""
    pack = _pack(tmp_path / "pack", "p")
    umask = os.umask(0o022)
    try:
        assert api.install("claude", pack, scope="user").skipped == []
        assert api.install("claude", pack, scope="project").skipped == []
    finally:
        os.umask(umask)
    assert stat.S_IMODE((home / ".claude.json").stat().st_mode) == 0o600
    # a project's, which its team shares, as git would check it out
    assert stat.S_IMODE(Path(".mcp.json").stat().st_mode) == 0o644
