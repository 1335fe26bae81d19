"""Codex's own reading of what only an install outside the plugin gives it: the user's
``config.toml`` with the pack's servers merged in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agentpack import api
from agentpack.lab import Lab, git_repo
from agentpack.source import tomllib  # tomli before Python 3.11
from agentpack.targets.codex.lab import CLIENT, running
from agentpack.targets.codex.names import MARKETPLACE
from tests.conftest import MakePack
from tests.lab import client, installed, mcp_pack

pytestmark = pytest.mark.conformance

USERS_CONFIG = '# mine\nmodel = "gpt-5.5"\n\n[mcp_servers.mine]\ncommand = "my-server"\n'


def test_codex_reads_servers_installed_into_its_config(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``agentpack install --tool codex`` adds the server beside the user's own in
    ``~/.codex/config.toml``; ``codex mcp list`` lists both, ours as written."""
    codex = client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    home = tmp_path / "home"
    config = home / ".codex" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(USERS_CONFIG)
    project = installed(monkeypatch, root, "codex", home)
    text = config.read_text()
    assert text.startswith(USERS_CONFIG)
    ours = tomllib.loads(text)["mcp_servers"]["echo"]
    done = lab.run(codex, ["mcp", "list", "--json"], home, project)
    assert done.returncode == 0, done.stderr[-2000:]
    listed = {s["name"]: s["transport"] for s in json.loads(done.stdout)}
    assert set(listed) == {"mine", "echo"}
    assert listed["echo"]["command"] == ours["command"] == "python3"
    assert listed["echo"]["args"] == ours["args"]
    assert Path(ours["args"][0]).is_file()


def test_servers_installed_into_codex_config_survive_codex_rewriting_it(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``codex mcp add`` and ``remove`` rewrite ``config.toml`` with the keys Codex knows:
    a remote server's table written with ``type = "http"`` came back without it, was no
    longer what agentpack wrote, and stayed after uninstall. Now the user's file is as it
    was after install, Codex's rewrite and uninstall."""
    codex = client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    (root / "mcp" / "docs.yaml").write_text(
        "url: https://docs.example.com/mcp\nheaders:\n  Authorization: Bearer ${DOCS_TOKEN}\n"
    )
    home = tmp_path / "home"
    config = home / ".codex" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(USERS_CONFIG)
    project = installed(monkeypatch, root, "codex", home)
    assert "docs" in tomllib.loads(config.read_text())["mcp_servers"]
    for args in (["mcp", "add", "later", "--", "later-server"], ["mcp", "remove", "later"]):
        done = lab.run(codex, args, home, project)
        assert done.returncode == 0, done.stderr[-2000:]
    outcome = api.uninstall("codex", root, scope="user")
    assert outcome.skipped == [], outcome.actions
    assert config.read_text() == USERS_CONFIG


def test_codex_runs_the_installed_guard_only_once_it_is_trusted(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pack's hook in ``~/.codex/hooks.json``, as ``agentpack install`` writes it: a
    stand-in model asks Codex for a force push. Untrusted (as after any install), Codex
    skips the hook without a word, which the export and install warn about; trusted
    (here: ``--dangerously-bypass-hook-trust``), the guard blocks the push."""
    client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    home = tmp_path / "home"
    project = installed(monkeypatch, root, "codex", home)
    push = "git push --force origin main"
    assert "Blocked by the pack's guard-shell hook" not in running(lab, home, project, push)
    said = running(lab, home, project, push, "--dangerously-bypass-hook-trust")
    assert "Blocked by the pack's guard-shell hook: a force push" in said, said


def test_codex_runs_the_plugins_guard_once_it_is_trusted(lab: Lab, tmp_path: Path) -> None:
    """The same through the Codex plugin of the export (``plugin marketplace add``, then
    ``plugin add``): the plugin's hooks.json, with the guard at ${PLUGIN_ROOT}, blocks the
    push once trusted."""
    codex = client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    api.export(root, ["codex"])
    home = tmp_path / "home"
    (home / ".codex").mkdir(parents=True)
    env = {"CODEX_HOME": str(home / ".codex")}
    market = json.loads((root / MARKETPLACE).read_text())
    plugin = f"{market['plugins'][0]['name']}@{market['name']}"
    for args in (["plugin", "marketplace", "add", str(root)], ["plugin", "add", plugin]):
        done = lab.run(codex, args, home, root, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    project = git_repo(tmp_path / "project")
    said = running(lab, home, project, "git push --force", "--dangerously-bypass-hook-trust")
    assert "Blocked by the pack's guard-shell hook: a force push" in said, said


def test_codex_gives_a_hook_the_project_folder_as_claude_code_does(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codex sets CLAUDE_PLUGIN_ROOT for a hook but not CLAUDE_PROJECT_DIR, which guards
    written for Claude Code read (bash-workdir-guard lets every call through without it):
    the command the export writes sets it from the project's folder."""
    client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    (root / "hooks" / "guard.py").write_text(
        "import os, sys\n"
        "print('project: ' + os.environ.get('CLAUDE_PROJECT_DIR', 'none'), file=sys.stderr)\n"
        "sys.exit(2)\n"
    )
    home = tmp_path / "home"
    project = installed(monkeypatch, root, "codex", home)
    said = running(lab, home, project, "ls", "--dangerously-bypass-hook-trust")
    assert f"project: {project}" in said, said


def test_the_lab_finds_a_role_whose_model_codex_names(
    lab: Lab, tmp_path: Path, make_pack: MakePack
) -> None:
    """Codex goes on after a role's description with "- This role's model is set to ...":
    the lab, matching the whole block, said Codex had not loaded the role."""
    from agentpack.lab import Exported
    from agentpack.targets.codex.lab import CodexLab

    client(lab, CLIENT)
    agent = "---\nname: solo\ndescription: Has a Codex model\nmodel: {codex: gpt-5.4}\n---\nx\n"
    root = make_pack({"agents/solo.md": agent})
    result = api.export(root, ["codex"])
    CodexLab().check(lab, Exported(root, api.load_pack(root), result.findings), tmp_path / "w")


def test_codex_takes_the_shell_from_a_role_with_either_kind_of_tools(
    lab: Lab, tmp_path: Path, make_pack: MakePack
) -> None:
    """The one switch the Codex target claims per role, ``shell_tool = false``, read by
    Codex itself: a spawned role without the shell is offered no shell tool, also in code
    mode (Codex's default model), where tools sit inside ``exec``, nor is an agent it
    spawns; a role with the shell is offered one in both (so the lab's check can fail)."""
    from agentpack.targets.codex.lab import SHELL_TOOLS, role_tools

    client(lab, CLIENT)
    agent = "---\nname: {n}\ndescription: {n}\ntools: {{deny: [{deny}]}}\n---\nx\n"
    root = make_pack(
        {
            "agents/noshell.md": agent.format(n="noshell", deny="bash, webfetch"),
            "agents/shell.md": agent.format(n="shell", deny="notebook"),
        }
    )
    api.export(root, ["codex"])
    project = git_repo(tmp_path / "project")
    shutil.copytree(root / "dist" / "codex" / ".codex", project / ".codex")
    home = tmp_path / "home"
    (home / ".codex").mkdir(parents=True)
    trusted = f'[projects."{project}"]\ntrust_level = "trusted"\n'
    (home / ".codex" / "config.toml").write_text(trusted)
    for code_mode in (False, True):
        without = role_tools(lab, home, project, ("noshell",), code_mode) or {"none"}
        with_shell = role_tools(lab, home, project, ("shell",), code_mode) or {"none"}
        assert without & SHELL_TOOLS == set(), (code_mode, sorted(without))
        assert "exec_command" in with_shell, (code_mode, sorted(with_shell))
        assert ("exec" in without) == code_mode  # code mode: tools reached inside exec
    # with multi-agent v2 (the default model) a role spawns agents: they keep its shell off
    below = role_tools(lab, home, project, ("noshell", "default"), True) or {"none"}
    assert below & SHELL_TOOLS == set(), sorted(below)
    assert "exec" in below  # it spawned one, which listed its tools
    below = role_tools(lab, home, project, ("shell", "default"), True) or {"none"}
    assert "exec_command" in below, sorted(below)
