"""What an install adds to the user's own config files (servers, hooks): made as the tools
make them, shared between packs, and taken out only when nothing needs them."""

from __future__ import annotations

import json
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


def _hook_pack(root: Path) -> Path:
    pack = _pack(root, "p")
    (pack / "hooks").mkdir()
    (pack / "hooks" / "guard.yaml").write_text(
        "event: before_tool\ntools: [bash]\nrun: hooks/guard.sh\ntimeout: 10\n"
    )
    (pack / "hooks" / "guard.sh").write_text("exit 0\n")
    return pack


def test_a_hook_the_user_tuned_is_not_added_again(tmp_path: Path, home: Path) -> None:
    """The user set the installed hook's timeout to 30; the next install added a second
    copy, so the guard ran twice on every shell call."""
    pack = _hook_pack(tmp_path / "pack")
    assert api.install("claude", pack, scope="user").skipped == []
    settings = home / ".claude" / "settings.json"
    settings.write_text(settings.read_text().replace('"timeout": 10', '"timeout": 30'))
    again = api.install("claude", pack, scope="user")
    assert [(a.verb, a.reason) for a in again.skipped] == [
        ("skip", "changed or taken out since agentpack wrote it; --force adds it")
    ]
    assert settings.read_text().count("guard.sh") == 1


def test_a_script_a_hook_left_in_place_runs_stays_until_the_hook_goes(
    tmp_path: Path, home: Path
) -> None:
    """Uninstall left the hook the user had changed, and deleted its script: Claude Code
    then read the missing script's exit 2 as "block" on every shell call."""
    pack = _hook_pack(tmp_path / "pack")
    assert api.install("claude", pack, scope="user").skipped == []
    settings = home / ".claude" / "settings.json"
    script = home / ".claude" / "agentpack" / "p" / "hooks" / "guard.sh"
    settings.write_text(settings.read_text().replace('"timeout": 10', '"timeout": 30'))
    first = api.uninstall("claude", pack, scope="user")
    assert [a.verb for a in first.skipped] == ["skip", "skip"]
    assert script.is_file()
    api.uninstall("claude", pack, scope="user")  # again, as the message says: still kept
    assert script.is_file()
    settings.write_text("{}\n")  # the user takes the hook out
    assert api.uninstall("claude", pack, scope="user").skipped == []
    assert not script.exists()


def test_an_array_the_install_made_goes_with_its_entry(tmp_path: Path, home: Path) -> None:
    """The user added a Stop hook beside the pack's: uninstall left ``"PreToolUse": []``."""
    pack = _hook_pack(tmp_path / "pack")
    assert api.install("claude", pack, scope="project").skipped == []
    settings = Path(".claude/settings.json")
    data = json.loads(settings.read_text())
    data["hooks"]["Stop"] = [{"hooks": [{"type": "command", "command": "say done"}]}]
    settings.write_text(json.dumps(data, indent=2) + "\n")
    assert api.uninstall("claude", pack, scope="project").skipped == []
    assert json.loads(settings.read_text()) == {"hooks": {"Stop": data["hooks"]["Stop"]}}


def test_a_server_two_packs_install_stays_until_both_are_uninstalled(
    tmp_path: Path, home: Path
) -> None:
    """Two packs with GitHub's server: the second's install found it there and recorded
    nothing, and uninstalling the first took out the server the second still needed."""
    packs = [_pack(tmp_path / n, n, "url: https://api.example.com/mcp/\n") for n in ("a", "b")]
    for pack in packs:
        assert api.install("claude", pack, scope="user").skipped == []
    config = home / ".claude.json"
    assert api.uninstall("claude", packs[0], scope="user").skipped == []
    assert "srv" in json.loads(config.read_text())["mcpServers"]
    assert api.uninstall("claude", packs[1], scope="user").skipped == []
    assert not config.exists()  # the first install made it


@pytest.mark.parametrize(
    ("theirs", "ours"),
    [("config.json", "opencode.json"), ("opencode.json", "opencode.jsonc")],
)
def test_an_opencode_users_server_in_a_file_read_before_is_not_replaced(
    tmp_path: Path, home: Path, theirs: str, ours: str
) -> None:
    """opencode reads the user's ``config.json``, ``opencode.json``, then
    ``opencode.jsonc``, each over the one before: the pack's server went into the last and
    replaced the user's of its name in an earlier one."""
    pack = tmp_path / "pack"
    (pack / "mcp").mkdir(parents=True)
    (pack / "agentpack.yaml").write_text(PACK.format(name="p").replace("claude", "opencode"))
    (pack / "mcp" / "notes.yaml").write_text("command: npx\nargs: [pack-notes]\n")
    (pack / "mcp" / "other.yaml").write_text("command: npx\nargs: [other]\n")
    folder = home / ".config" / "opencode"
    folder.mkdir(parents=True)
    (folder / theirs).write_text('{"mcp": {"notes": {"type": "local", "command": ["mine"]}}}\n')
    (folder / ours).write_text("{}\n")
    outcome = api.install("opencode", pack, scope="user")
    written = (folder / ours).read_text()
    assert "other" in written
    assert "pack-notes" not in written
    said = [a.reason for a in outcome.actions if a.verb == "note" and "mcp.notes" in a.reason]
    assert said == [
        f"mcp.notes left out: {folder / theirs} has a server of that name, which this one "
        "would replace; rename one of them"
    ]


@pytest.mark.parametrize("tool", ["copilot", "cursor"])
def test_a_tool_whose_install_adds_no_hooks_gets_no_hook_scripts(
    tmp_path: Path, home: Path, tool: str
) -> None:
    """The Copilot CLI and Cursor take no hooks from an install (only from a plugin): the
    scripts came along all the same, running for nothing. That the hooks are left out is
    said (Cursor's install said nothing, and the guard was simply not there)."""
    pack = _hook_pack(tmp_path / "pack")
    manifest = pack / "agentpack.yaml"
    manifest.write_text(manifest.read_text().replace("[claude]", f"[{tool}]"))
    outcome = api.install(tool, pack, scope="project")
    assert outcome.skipped == []
    assert not [a.path for a in outcome.actions if a.path.endswith("guard.sh")]
    assert [a for a in outcome.actions if a.verb == "note" and "hook" in a.reason]


def test_an_upgrade_keeps_a_tuned_hook_once_and_its_script(tmp_path: Path, home: Path) -> None:
    """The user tuned the installed hook; the pack's next version changed the hook (a new
    timeout), then dropped it: the first upgrade added a second copy beside the user's,
    the second deleted the script the user's copy runs."""
    pack = _hook_pack(tmp_path / "pack")
    assert api.install("claude", pack, scope="user").skipped == []
    settings = home / ".claude" / "settings.json"
    settings.write_text(settings.read_text().replace('"timeout": 10', '"timeout": 30'))
    hook = pack / "hooks" / "guard.yaml"
    hook.write_text(hook.read_text().replace("timeout: 10", "timeout: 20"))
    api.install("claude", pack, scope="user")
    assert settings.read_text().count("guard.sh") == 1
    hook.unlink()
    api.install("claude", pack, scope="user")
    assert (home / ".claude" / "agentpack" / "p" / "hooks" / "guard.sh").is_file()
    assert '"timeout": 30' in settings.read_text()


def test_the_install_record_is_the_users_alone(tmp_path: Path, home: Path) -> None:
    """It holds a digest of each config file it edited, secrets and all."""
    assert api.install("claude", _pack(tmp_path / "pack", "p"), scope="user").skipped == []
    record = home / ".claude" / ".agentpack" / "p.json"
    assert stat.S_IMODE(record.stat().st_mode) == 0o600


def test_a_dry_run_says_what_the_run_does(tmp_path: Path, home: Path) -> None:
    """A dry run read the config files as they were on disk, where it had taken nothing
    out: its uninstall kept the hook's script, and its upgrade of a hook's timeout took
    the pack's own group for one the user changed; the real runs did neither."""
    pack = _hook_pack(tmp_path / "pack")
    assert api.install("claude", pack, scope="user").skipped == []
    hook = pack / "hooks" / "guard.yaml"
    hook.write_text(hook.read_text().replace("timeout: 10", "timeout: 20"))
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    dry = api.install("claude", pack, scope="user", dry_run=True)
    assert dry.skipped == []
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == before
    real = api.install("claude", pack, scope="user")
    assert [(a.path, a.verb) for a in real.actions] == [(a.path, a.verb) for a in dry.actions]
    dry = api.uninstall("claude", pack, scope="user", dry_run=True)
    assert dry.skipped == []
    real = api.uninstall("claude", pack, scope="user")
    assert [(a.path, a.verb) for a in real.actions] == [(a.path, a.verb) for a in dry.actions]
    assert list(home.rglob("*.sh")) == []


def test_two_packs_with_the_same_file_leave_it_to_the_last_and_no_folder_behind(
    tmp_path: Path, home: Path
) -> None:
    """The second install took an agent file of the same bytes as the user's, so the first
    uninstall removed an agent the second still had; and a folder the first made, which
    the second's scripts filled, stayed behind empty after both."""
    packs = []
    for name in ("pa", "pb"):
        pack = _hook_pack(tmp_path / name)
        manifest = pack / "agentpack.yaml"
        manifest.write_text(manifest.read_text().replace("name: p\n", f"name: {name}\n"))
        (pack / "agents").mkdir()
        (pack / "agents" / "helper.md").write_text("---\nname: helper\ndescription: d\n---\nx\n")
        packs.append(pack)
        assert api.install("claude", pack, scope="user").skipped == []
    agent = home / ".claude" / "agents" / "helper.md"
    assert api.uninstall("claude", packs[0], scope="user").skipped == []
    assert agent.is_file()
    assert api.uninstall("claude", packs[1], scope="user").skipped == []
    assert list(home.rglob("*")) == []


def test_what_another_pack_holds_is_not_changed_by_a_new_version_of_this_one(
    tmp_path: Path, home: Path
) -> None:
    """Packs A and B share an agent and a server; A's next version changes both: A's
    install rewrote them under B, and A's uninstall then took them from B."""
    packs = []
    for name in ("pa", "pb"):
        pack = _pack(tmp_path / name, name, "url: https://api.example.com/mcp/\n")
        (pack / "agents").mkdir()
        (pack / "agents" / "helper.md").write_text("---\nname: helper\ndescription: d\n---\nx\n")
        packs.append(pack)
        assert api.install("claude", pack, scope="user").skipped == []
    (packs[0] / "agents" / "helper.md").write_text("---\nname: helper\ndescription: e\n---\ny\n")
    (packs[0] / "mcp" / "srv.yaml").write_text("url: https://api.example.com/v2/\n")
    skipped = api.install("claude", packs[0], scope="user").skipped
    assert [(a.path.rsplit(": ", 1)[-1], a.reason.split(";")[0]) for a in skipped] == [
        ("agents/helper.md", "pb's install wrote it, as it is"),
        ("mcpServers.srv", "another pack's install added it, as it is"),
    ]
    assert api.uninstall("claude", packs[0], scope="user").skipped == []
    agent = home / ".claude" / "agents" / "helper.md"
    assert "description: d" in agent.read_text()
    server = json.loads((home / ".claude.json").read_text())["mcpServers"]["srv"]
    assert server["url"] == "https://api.example.com/mcp/"
    assert api.uninstall("claude", packs[1], scope="user").skipped == []
    assert list(home.rglob("*")) == []


def test_another_packs_unreadable_record_is_said(tmp_path: Path, home: Path) -> None:
    pack = _pack(tmp_path / "pack", "p")
    (home / ".claude" / ".agentpack").mkdir(parents=True)
    (home / ".claude" / ".agentpack" / "other.json").write_text("{")
    outcome = api.install("claude", pack, scope="user")
    notes = [a.reason for a in outcome.actions if a.verb == "note" and "other.json" in a.reason]
    assert len(notes) == 1
    assert notes[0].endswith("what that pack shares with this one is not kept for it")


def test_two_packs_hooks_live_side_by_side_in_opencode(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both packs' hook plugins were plugin/agentpack-hooks.js, so the second pack's guard
    was skipped (said), and its scripts shared the folder's paths with the first's. Each
    now has its own plugin, which finds its scripts under agentpack/<pack>/; an import of
    the folder reads both back with their scripts."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in ("one", "two"):
        pack = _hook_pack(tmp_path / name)
        manifest = pack / "agentpack.yaml"
        manifest.write_text(manifest.read_text().replace("name: p", f"name: {name}"))
        manifest.write_text(manifest.read_text().replace("[claude]", "[opencode]"))
        (pack / "hooks" / "guard.sh").write_text(f"echo {name}; exit 2\n")
        assert api.install("opencode", pack, scope="user").skipped == []
    folder = home / ".config" / "opencode"
    for name in ("one", "two"):
        plugin = (folder / "plugin" / f"{name}-hooks.js").read_text()
        assert f'"..", "agentpack/{name}"' in plugin
        assert (folder / "agentpack" / name / "hooks" / "guard.sh").is_file()
    result = api.import_(folder, tmp_path / "back")
    assert not result.failed, [str(f) for f in result.findings]
    back = api.load_pack(tmp_path / "back").manifest
    scripts = sorted(back.files[h.run] for h in back.hooks)
    assert scripts == [b"echo one; exit 2\n", b"echo two; exit 2\n"]
