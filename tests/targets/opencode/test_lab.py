"""opencode's own checks on what only the opencode target has to get right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentpack import api
from agentpack.lab import Lab, git_repo
from agentpack.targets.opencode.lab import CLIENT, calling, listed, project, servers
from tests.conftest import MakePack
from tests.lab import client, installed, mcp_pack

pytestmark = pytest.mark.conformance


def test_commands_name_only_agents_opencode_has(
    lab: Lab, make_pack: MakePack, tmp_path: Path
) -> None:
    """opencode refuses a command whose agent it cannot find: built-ins named in any host's
    spelling must come out as agents opencode itself lists."""
    client(lab, CLIENT)
    command = "---\ndescription: Run in {0}.\nagent: {0}\n---\nDo it.\n"
    spellings = ["general-purpose", "general", "Explore", "explore", "Plan", "build"]
    files = {f"commands/c{i}.md": command.format(name) for i, name in enumerate(spellings)}
    files["commands/mine.md"] = command.format("helper")
    files["agents/helper.md"] = "---\nname: helper\ndescription: Helps.\n---\nHelp.\n"
    root = make_pack(files)
    api.export(root)
    folder = project(root, tmp_path)
    known = set(listed(lab, folder, tmp_path / "home"))
    named = {
        path.name: re.search(r"^agent: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        for path in (folder / ".opencode" / "commands").glob("*.md")
    }
    assert len(named) == len(files) - 1
    missing = {name: m and m[1] for name, m in named.items() if m is None or m[1] not in known}
    assert missing == {}


def test_nested_agents_come_back_under_the_names_opencode_gave_them(
    lab: Lab, tmp_path: Path
) -> None:
    """An opencode project whose agents live in subfolders and call each other by path
    (``team/coder``): imported, exported again, opencode lists them under the same names."""
    client(lab, CLIENT)
    source = tmp_path / "source" / ".opencode" / "agent"
    (source / "team").mkdir(parents=True)
    (source / "team" / "coder.md").write_text(
        "---\ndescription: Writes code.\nmode: subagent\n---\nAsk team/reviewer to review.\n"
    )
    (source / "team" / "reviewer.md").write_text(
        "---\ndescription: Reviews code.\nmode: subagent\n---\nReview what team/coder wrote.\n"
    )
    (source / "lead.md").write_text(
        "---\ndescription: Leads.\nmode: primary\n---\nDelegate to team/coder.\n"
    )
    original = set(listed(lab, git_repo(tmp_path / "source"), tmp_path / "home1"))
    assert {"team/coder", "team/reviewer", "lead"} <= original
    result = api.import_(tmp_path / "source" / ".opencode", tmp_path / "pack")
    assert not result.failed
    api.export(tmp_path / "pack", ["opencode"])
    again = set(listed(lab, project(tmp_path / "pack", tmp_path / "p"), tmp_path / "home2"))
    assert {"team/coder", "team/reviewer", "lead"} <= again


def test_opencode_connects_to_the_packs_mcp_server(lab: Lab, tmp_path: Path) -> None:
    """The pack's stdio MCP server, started as the exported opencode.json says."""
    client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    api.export(root, ["opencode"])
    folder = project(root, tmp_path)
    assert servers(lab, folder, tmp_path / "home") == {"echo": True}


def test_the_generated_plugin_runs_the_packs_guard_in_opencode(lab: Lab, tmp_path: Path) -> None:
    """The hook plugin the export writes, loaded by opencode itself: a stand-in model asks
    for a force push; the pack's guard blocks it, and opencode gives the model the guard's
    reason instead of running it."""
    client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    api.export(root, ["opencode"])
    folder = project(root, tmp_path)
    push = {"command": "git push --force origin main", "description": "push"}
    said = calling(lab, folder, tmp_path / "home", "bash", push)
    assert said.startswith("Blocked by the pack's guard-shell hook: a force push"), said


@pytest.mark.parametrize(
    "bash", ['"*": ask', '"*": deny\n    "git status": allow', '"*": allow\n    "rm *": deny']
)
def test_a_script_opencode_would_not_ask_about_cannot_run_where_bash_is_held(
    lab: Lab, make_pack: MakePack, tmp_path: Path, bash: str
) -> None:
    """opencode 1.18.33 asks about a script only by the commands its parser finds in it:
    ``declare 'a[$(cmd)0]=1'`` has none, and bash runs the ``$(cmd)``. With the agent's
    bash held to ask or to patterns it ran (the file appeared); bash is now denied whole,
    so opencode has no shell to run it with."""
    client(lab, CLIENT)
    agent = (
        "---\nname: x\ndescription: d\nmode: primary\ntools:\n  allow: [read]\n"
        f"  bash:\n    {bash}\n---\nRun what you are asked.\n"
    )
    root = make_pack({"agents/x.md": agent})
    api.export(root, ["opencode"])
    folder = project(root, tmp_path)
    script = {"command": "declare 'a[$(touch pwned)0]=1'", "description": "run"}
    said = calling(lab, folder, tmp_path / "home", "bash", script, agent="x")
    assert not (folder / "pwned").exists(), said
    assert "unavailable tool" in said, said


def test_opencode_connects_to_a_server_installed_into_its_config(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``agentpack install --tool opencode`` merges the server into the user's own
    ``opencode.json`` (kept as it was around it), and opencode connects to it."""
    client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    home = tmp_path / "home"
    config = home / ".config" / "opencode" / "opencode.json"
    config.parent.mkdir(parents=True)
    config.write_text(
        '{\n  "$schema": "https://opencode.ai/config.json",\n  "autoupdate": false\n}\n'
    )
    project = installed(monkeypatch, root, "opencode", home)
    assert '"autoupdate": false' in config.read_text()
    assert servers(lab, project, home) == {"echo": True}
