"""What the conformance tests share: the real clients (installed from the npm registry by the
lab on first use, pinned and cached), and exported packs for them to judge. Without npm every
lab test is skipped with a reason that says so, never passed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agentpack import api
from agentpack.lab import Client, Exported, Lab, LabUnavailable, git_repo
from tests.conftest import ROOT


def client(lab: Lab, wanted: Client) -> Path:
    """The client's executable, or a loud skip when it cannot be had here."""
    try:
        return lab.binary(wanted)
    except LabUnavailable as exc:
        pytest.skip(str(exc))


def copy_pack(source: Path, dest: Path) -> Path:
    """A copy of a pack without the repository's own tests, caches and build output."""
    shutil.copytree(
        source,
        dest,
        ignore=shutil.ignore_patterns(
            ".git", "tests", "bench", "*.egg-info", "__pycache__", ".*cache*", "build"
        ),
    )
    return dest


def exported(root: Path) -> Exported:
    """Export a pack into its dist/ and keep what the lab checks need."""
    result = api.export(root)
    return Exported(root, api.load_pack(root), result.findings)


def mcp_pack(root: Path) -> Path:
    """A pack with a stdio MCP server of its own (``tests/data/mcp_echo.py``, shipped in
    the pack), a hook on bash, and an agent allowed the server's tools."""
    (root / "mcp").mkdir(parents=True)
    (root / "servers").mkdir()
    (root / "hooks").mkdir()
    (root / "agents").mkdir()
    shutil.copy(ROOT / "tests" / "data" / "mcp_echo.py", root / "servers" / "echo.py")
    shutil.copy(ROOT / "hooks" / "guard-shell.py", root / "hooks" / "guard.py")
    (root / "agentpack.yaml").write_text(
        "name: mcp-pack\nversion: 1.0.0\ndescription: A server and a hook.\n"
        "author: {name: Lab}\nlicense: MIT\n"
    )
    (root / "mcp" / "echo.yaml").write_text(
        'command: python3\nargs: ["${PLUGIN_ROOT}/servers/echo.py"]\nfiles: [servers/echo.py]\n'
    )
    (root / "hooks" / "guard.yaml").write_text(
        "event: before_tool\ntools: [bash]\nrun: hooks/guard.py\ninterpreter: python3\n"
    )
    (root / "agents" / "user.md").write_text(
        "---\nname: user\ndescription: Uses echo.\ntools:\n  allow: [read, mcp:echo]\n---\nx\n"
    )
    return git_repo(root)


def installed(
    monkeypatch: pytest.MonkeyPatch, root: Path, tool: str, home: Path, scope: str = "user"
) -> Path:
    """``agentpack install --tool TOOL --scope SCOPE`` of the pack at ``root``, as a user
    whose home is ``home`` (with the XDG folders the lab gives the clients) would run it in
    a project of their own; the project folder."""
    project = git_repo(home.parent / "project")
    home.mkdir(parents=True, exist_ok=True)
    for name in ("CLAUDE_CONFIG_DIR", "CODEX_HOME", "COPILOT_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(project)
    outcome = api.install(tool, root, scope=scope)
    assert outcome.skipped == [], outcome.actions
    return project
