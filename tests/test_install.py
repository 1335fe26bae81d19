"""install/uninstall never lose a file a user wrote, and leave no trace after uninstall."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from agentpack import api
from agentpack import install as installer
from agentpack.cli import main
from agentpack.errors import OutputError, UnsafePath
from tests.conftest import MakePack

AGENT = "---\nname: {name}\ndescription: d\n---\nbody\n"


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def pack(make_pack: MakePack) -> Path:
    return make_pack(
        {
            "agents/a.md": AGENT.format(name="a"),
            "agents/b.md": AGENT.format(name="b"),
            "commands/go.md": "---\ndescription: go\n---\nGo $1\n",
            "skills/s/SKILL.md": "---\nname: s\ndescription: d\n---\nx\n",
            "skills/s/res/data.txt": "data\n",
        }
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home" / ".claude"
    (home / "agents").mkdir(parents=True)
    (home / "agents" / "mine.md").write_text("my own agent\n")
    (home / "settings.json").write_text("{}\n")
    return home


def test_install_then_uninstall_leaves_the_folder_as_it_was(pack: Path, home: Path) -> None:
    before = snapshot(home)
    outcome = api.install("claude", pack, dest=home)
    assert outcome.skipped == []
    assert (home / "agents" / "a.md").read_text().startswith("---\nname: a\n")
    assert (home / "commands" / "go.md").read_text().endswith("Go $0\n")
    assert (home / "skills" / "s" / "res" / "data.txt").read_text() == "data\n"
    assert not (home / ".claude-plugin").exists()
    assert (home / ".agentpack" / "test-pack.json").is_file()
    outcome = api.uninstall("claude", pack, dest=home)
    assert outcome.skipped == []
    assert snapshot(home) == before


def test_a_file_agentpack_did_not_write_is_never_overwritten(pack: Path, home: Path) -> None:
    (home / "agents" / "a.md").write_text("the user's a\n")
    outcome = api.install("claude", pack, dest=home)
    assert [(a.path, a.verb) for a in outcome.skipped] == [("agents/a.md", "skip")]
    assert "not written by agentpack" in outcome.skipped[0].reason
    assert (home / "agents" / "a.md").read_text() == "the user's a\n"
    forced = api.install("claude", pack, dest=home, force=True)
    assert forced.skipped == []
    assert (home / "agents" / "a.md").read_text().startswith("---")


def test_a_file_changed_since_install_is_kept(pack: Path, home: Path) -> None:
    api.install("claude", pack, dest=home)
    (home / "agents" / "b.md").write_text("edited\n")
    again = api.install("claude", pack, dest=home)
    assert [a.path for a in again.skipped] == ["agents/b.md"]
    assert "changed since" in again.skipped[0].reason
    removed = api.uninstall("claude", pack, dest=home)
    assert [a.path for a in removed.skipped] == ["agents/b.md"]
    assert (home / "agents" / "b.md").read_text() == "edited\n"
    assert not (home / "agents" / "a.md").exists()
    assert not (home / ".agentpack").exists()  # nothing of the install is left


def test_reinstall_updates_and_removes_what_the_pack_dropped(pack: Path, home: Path) -> None:
    api.install("claude", pack, dest=home)
    (pack / "agents" / "b.md").unlink()
    (pack / "agents" / "a.md").write_text(AGENT.format(name="a").replace("body", "new"))
    outcome = api.install("claude", pack, dest=home)
    verbs = {a.path: a.verb for a in outcome.actions}
    assert verbs["agents/a.md"] == "update"
    assert verbs["agents/b.md"] == "remove"
    assert verbs["commands/go.md"] == "same"
    assert not (home / "agents" / "b.md").exists()


def test_dry_run_writes_nothing(pack: Path, home: Path) -> None:
    before = snapshot(home)
    outcome = api.install("claude", pack, dest=home, dry_run=True)
    assert {a.verb for a in outcome.actions} == {"write"}
    assert snapshot(home) == before


def test_symlinks_inside_the_destination_are_not_followed(
    pack: Path, home: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, home / "commands")
    with pytest.raises(UnsafePath, match="symlink"):
        api.install("claude", pack, dest=home)
    assert list(outside.iterdir()) == []


def test_user_and_project_scopes(
    pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert api.destination("claude", "user") == tmp_path / "h" / ".claude"
    assert api.destination("opencode", "user") == tmp_path / "h" / ".config" / "opencode"
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "cc"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert api.destination("claude", "user") == tmp_path / "cc"
    assert api.destination("opencode", "user") == tmp_path / "xdg" / "opencode"
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert api.destination("claude", "project") == repo / ".claude"
    assert api.destination("opencode", "project") == repo / ".opencode"


def test_opencode_install(pack: Path, tmp_path: Path) -> None:
    dest = tmp_path / "oc"
    api.install("opencode", pack, dest=dest)
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.md")) == [
        "agents/a.md",
        "agents/b.md",
        "commands/go.md",
        "skills/s/SKILL.md",
    ]
    api.uninstall("opencode", pack, dest=dest)
    assert not dest.exists()  # install created it, uninstall removes it again


def test_cli_exit_codes(pack: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--tool", "claude", "--pack", str(pack), "--dest", str(home)]
    assert main(["install", *args]) == 0
    (home / "agents" / "a.md").write_text("mine now\n")
    assert main(["install", *args]) == 1
    assert "skip: agents/a.md (changed since agentpack wrote it" in capsys.readouterr().err
    assert main(["uninstall", *args]) == 1
    assert (home / "agents" / "a.md").read_text() == "mine now\n"
    assert main(["install", "--tool", "nope", "--pack", str(pack)]) == 2


def test_installing_a_target_the_pack_does_not_list_says_what_is_left_out(
    pack: Path, tmp_path: Path
) -> None:
    """``export --tool x`` says that items without a targets: list are not built for a
    target the pack does not list; an install of it (which wrote an empty plugin) too."""
    manifest = pack / "agentpack.yaml"
    text = manifest.read_text()
    manifest.write_text(text.replace("  - agentplugins\n", ""))
    assert "agentplugins" not in api.load_pack(pack).manifest.targets
    outcome = api.install("agentplugins", pack, dest=tmp_path / "dest")
    notes = [a.reason for a in outcome.actions if a.verb == "note"]
    assert any("agentplugins is not among the pack's targets" in n for n in notes), notes


@pytest.mark.parametrize("first", ["codex", "agentplugins"])
def test_two_installs_that_share_a_folder_leave_nothing_after_both_uninstalls(
    make_pack: MakePack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """Codex's skills and the Agent Plugins bundle both go under a project's ``.agents/``:
    the install that made it hands it to the other when it goes first, so uninstalling
    both in either order leaves the project as it was (an empty ``.agents/`` stayed)."""
    pack = make_pack(
        {"skills/s/SKILL.md": "---\nname: s\ndescription: d\n---\nx\n"},
        manifest="name: p\nversion: 1.0.0\ndescription: d\ntargets: [codex, agentplugins]\n",
    )
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    before = snapshot(repo)
    for tool in ("codex", "agentplugins"):
        assert api.install(tool, pack, scope="project").skipped == []
    assert (repo / ".agents" / "skills" / "s" / "SKILL.md").is_file()
    second = "agentplugins" if first == "codex" else "codex"
    for tool in (first, second):
        assert api.uninstall(tool, pack, scope="project").skipped == []
    assert snapshot(repo) == before


def test_a_link_on_the_way_stops_the_install_before_it_writes_anything(
    pack: Path, home: Path, tmp_path: Path
) -> None:
    """A ``~/.claude/agents`` linked into a dotfiles folder stopped the install half way:
    the files before it were written, and, with no record saved, never removed."""
    outside = tmp_path / "dotfiles"
    outside.mkdir()
    os.symlink(outside, home / "skills")
    before = snapshot(home)
    with pytest.raises(UnsafePath, match="make it a folder, or copy the files"):
        api.install("claude", pack, dest=home)
    assert snapshot(home) == before


def test_an_install_that_stops_records_what_it_wrote(
    pack: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails half way (a full disk, a folder of someone else's) left the files
    written before it unrecorded, so uninstall removed none of them."""
    before = snapshot(home)
    real, calls = installer.replace_file, []

    def failing(
        path: Path, data: bytes, *, executable: bool = False, mode: int | None = None
    ) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise PermissionError(13, "Permission denied", str(path.parent / ".agentpack-x1"))
        real(path, data, executable=executable, mode=mode)

    monkeypatch.setattr(installer, "replace_file", failing)
    with pytest.raises(OutputError, match=r"Permission denied: cannot write in .*; make it"):
        api.install("claude", pack, dest=home)
    monkeypatch.setattr(installer, "replace_file", real)
    assert api.uninstall("claude", pack, dest=home).skipped == []
    assert snapshot(home) == before


def test_a_copy_of_a_file_the_install_would_write_stays_the_users(
    pack: Path, home: Path, tmp_path: Path
) -> None:
    """A user's file with the bytes the install would write (copied from dist/ by hand)
    was taken as agentpack's, and deleted by uninstall."""
    api.install("claude", pack, dest=tmp_path / "elsewhere")
    mine = (tmp_path / "elsewhere" / "agents" / "a.md").read_bytes()
    (home / "agents" / "a.md").write_bytes(mine)
    outcome = api.install("claude", pack, dest=home)
    (same,) = [a for a in outcome.actions if a.path == "agents/a.md"]
    assert (same.verb, same.reason) == ("same", installer._THEIRS)
    api.uninstall("claude", pack, dest=home)
    assert (home / "agents" / "a.md").read_bytes() == mine


SERVER_PACK = "name: {name}\nversion: 1.0.0\ndescription: d\ntargets: [claude]\n"


def _server_pack(root: Path, name: str) -> Path:
    (root / "mcp").mkdir(parents=True)
    (root / "agentpack.yaml").write_text(SERVER_PACK.format(name=name))
    (root / "mcp" / f"{name}-srv.yaml").write_text("command: npx\nargs: [-y, some-server]\n")
    return root


def _installed_two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Two packs with a server each, installed for Claude Code at user scope into a home of
    the test's own (whose ``~/.claude.json`` the first install creates)."""
    packs = [_server_pack(tmp_path / n, n) for n in ("pa", "pb")]
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    for pack in packs:
        assert api.install("claude", pack, scope="user").skipped == []
    return packs


def test_a_project_copied_with_its_install_uninstalls_its_own_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The install record named the project's ``.mcp.json`` by its absolute path: in a
    copy of the project (``cp -r``, a clone of a repository that holds ``.claude/``),
    uninstall took the server out of the first project's file and left the copy's."""
    pack = _server_pack(tmp_path / "pack", "p")
    first = tmp_path / "first"
    (first / ".git").mkdir(parents=True)
    (first / ".mcp.json").write_text('{"mcpServers": {}}\n')
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    monkeypatch.chdir(first)
    assert api.install("claude", pack, scope="project").skipped == []
    installed = (first / ".mcp.json").read_text()
    shutil.copytree(first, tmp_path / "copy", symlinks=True)
    monkeypatch.chdir(tmp_path / "copy")
    assert api.uninstall("claude", pack, scope="project").skipped == []
    assert (first / ".mcp.json").read_text() == installed
    assert (tmp_path / "copy" / ".mcp.json").read_text() == '{"mcpServers": {}}\n'


def test_two_packs_servers_in_a_file_the_first_made_leave_with_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two packs' servers in a ``~/.claude.json`` the first install created: uninstalling
    the first left the file and its ``mcpServers`` to the second, whose uninstall then
    left ``{"mcpServers": {}}`` behind."""
    packs = _installed_two(tmp_path, monkeypatch)
    assert (tmp_path / "h" / ".claude.json").is_file()
    for pack in packs:
        assert api.uninstall("claude", pack, scope="user").skipped == []
    assert list((tmp_path / "h").rglob("*")) == []


@pytest.mark.parametrize("record", ['{"entries": [{"file": "x"}]}', '{"entries": [{"nope": 1}]}'])
def test_a_damaged_install_record_is_one_line(pack: Path, home: Path, record: str) -> None:
    (home / ".agentpack").mkdir()
    (home / ".agentpack" / "test-pack.json").write_text(record)
    with pytest.raises(OutputError, match=r"the install manifest is unreadable .*move it away"):
        api.uninstall("claude", pack, dest=home)


def test_uninstall_needs_only_the_packs_name(
    pack: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Uninstall loaded and validated the whole pack, of which it needs the name: with one
    agent half written, or the pack's folder gone, nothing could be uninstalled."""
    before = snapshot(home)
    api.install("claude", pack, dest=home)
    api.install("opencode", pack, dest=home / "oc")
    (pack / "agents" / "a.md").write_text("---\nname: a\n")  # half written
    assert api.uninstall("claude", pack, dest=home).skipped == []
    assert {k: v for k, v in snapshot(home).items() if not k.startswith("oc")} == before
    shutil.rmtree(pack)
    args = ["uninstall", "--tool", "opencode", "--dest", str(home / "oc")]
    assert main([*args, "--pack", str(pack)]) == 2
    assert "or --name with the pack's name" in capsys.readouterr().err
    assert main([*args, "--name", "test-pack"]) == 0
    assert not (home / "oc").exists()


def test_an_opencode_project_server_of_the_same_name_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """opencode reads a project's ``opencode.json``, then ``.opencode/opencode.json``, the
    later over the earlier: the pack's server went into the second and replaced the user's
    server of its name in the first without a word."""
    pack = tmp_path / "pack"
    (pack / "mcp").mkdir(parents=True)
    (pack / "agentpack.yaml").write_text(SERVER_PACK.format(name="p").replace("claude", "opencode"))
    (pack / "mcp" / "notes.yaml").write_text("command: npx\nargs: [pack-notes]\n")
    (pack / "mcp" / "other.yaml").write_text("command: npx\nargs: [other]\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "opencode.json").write_text(
        '{"mcp": {"notes": {"type": "local", "command": ["mine"]}}}'
    )
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    monkeypatch.chdir(repo)
    outcome = api.install("opencode", pack, scope="project")
    written = (repo / ".opencode" / "opencode.json").read_text()
    assert "other" in written
    assert "pack-notes" not in written
    assert any(a.verb == "note" and "mcp.notes left out" in a.reason for a in outcome.actions)


def test_another_packs_damaged_record_does_not_stop_an_uninstall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packs = _installed_two(tmp_path, monkeypatch)
    (tmp_path / "h" / ".claude" / ".agentpack" / "pb.json").write_text("{damaged")
    assert api.uninstall("claude", packs[0], scope="user").skipped == []


@pytest.mark.parametrize(
    ("tool", "theirs", "ours"),
    [
        ("claude", "agents/my-a.md", "agents/a.md"),  # Claude Code goes by name:
        ("opencode", "agent/a.md", "agents/a.md"),  # the folder's older name
        ("copilot", "agents/a.md", "agents/a.agent.md"),  # the CLI reads every *.md
    ],
)
def test_a_users_agent_the_tool_takes_for_the_packs_is_not_shadowed(
    pack: Path, tmp_path: Path, tool: str, theirs: str, ours: str
) -> None:
    """An install checked only the path it writes: a user's agent that the tool reads as
    the same agent, at another path, was shadowed by the pack's without a word."""
    dest = tmp_path / "dest"
    (dest / theirs).parent.mkdir(parents=True)
    (dest / theirs).write_text("---\nname: a\ndescription: mine\n---\nMine.\n")
    outcome = api.install(tool, pack, dest=dest)
    (skip,) = [a for a in outcome.actions if a.path == ours]
    assert (skip.verb, skip.reason) == (
        "skip",
        f"{theirs}, the user's own, is the same item to the tool; rename one (--force)",
    )
    assert not (dest / ours).exists()
    assert api.install(tool, pack, dest=dest, force=True).skipped == []
    assert (dest / ours).is_file()


def test_a_record_entry_with_a_key_of_a_newer_agentpack_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = _server_pack(tmp_path / "p", "p")
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    api.install("claude", pack, scope="user")
    record = tmp_path / "h" / ".claude" / ".agentpack" / "p.json"
    import json

    data = json.loads(record.read_text())
    data["entries"][0]["owner"] = "a newer field"
    record.write_text(json.dumps(data))
    assert api.uninstall("claude", pack, scope="user").skipped == []
    assert not (tmp_path / "h" / ".claude.json").exists()


def test_a_reinstall_that_drops_a_server_hands_what_it_made_to_another_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pack A made ``~/.claude.json``, pack B added a server; A re-installed without its
    server gave up the file, and after both uninstalls it stayed behind."""
    packs = _installed_two(tmp_path, monkeypatch)
    (packs[0] / "mcp" / "pa-srv.yaml").unlink()
    assert api.install("claude", packs[0], scope="user").skipped == []
    for pack in reversed(packs):
        assert api.uninstall("claude", pack, scope="user").skipped == []
    assert list((tmp_path / "h").rglob("*")) == []


def test_a_project_install_says_which_agents_copilot_would_widen(
    make_pack: MakePack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Copilot CLI (1.0.102) reads a repository's .claude/agents/, .claude/skills/ and
    .claude/commands/ (as skills): it ignores disallowedTools, gives every agent its skill
    tool, gives Write and NotebookEdit its edit tool too, and keeps a skill's allowed-tools
    approved for the rest of a session.
    A project install says each once, naming the files; a user install says nothing
    (Copilot reads neither ~/.claude/agents nor ~/.claude/skills)."""
    denies = "---\nname: {name}\ndescription: d\ntools:\n  deny: [bash]\n---\nx\n"
    allows = "---\nname: {name}\ndescription: d\ntools: {{allow: [{tools}]}}\n---\nx\n"
    skill = "---\nname: {name}\ndescription: d\nallowed_tools: [{tools}]\n---\nx\n"
    pack = make_pack(
        {
            **{f"agents/d{i}.md": denies.format(name=f"d{i}") for i in range(4)},
            "agents/only.md": AGENT.format(name="only"),
            "agents/notes.md": allows.format(name="notes", tools="read, notebook"),
            "agents/writes.md": allows.format(name="writes", tools="read, write, skill"),
            "agents/edits.md": allows.format(name="edits", tools="read, write, edit, skill"),
            "commands/ship.md": "---\ndescription: d\nallowed_tools: [bash(git push)]\n---\nx\n",
            "commands/look.md": "---\ndescription: d\nallowed_tools: [read]\n---\nx\n",
            "agents/skilled.md": allows.format(name="skilled", tools="read, skill"),
            "skills/reads/SKILL.md": skill.format(name="reads", tools="read, grep"),
            "skills/runs/SKILL.md": skill.format(name="runs", tools="read, bash(git status)"),
        }
    )
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    api.export(pack, ["claude"])
    assert "disallowedTools:" in (pack / "dist" / "claude" / "agents" / "d0.md").read_text()
    notes = [a for a in api.install("claude", pack, scope="project").actions if a.verb == "note"]
    assert all(a.reason.startswith("the GitHub Copilot CLI also reads") for a in notes)
    said = sorted((a.path, a.reason.split(" and ", 1)[1]) for a in notes)
    wanted = [
        ("agents/d0.md, agents/d1.md, agents/d2.md and 1 more", "ignores disallowedTools"),
        ("agents/notes.md", "gives every agent there its skill tool"),
        ("agents/notes.md, agents/writes.md", "gives an agent with Write or NotebookEdit its edit"),
        ("commands/ship.md", "keeps a skill's allowed-tools approved for the rest"),
        ("skills/runs/SKILL.md", "keeps a skill's allowed-tools approved for the rest"),
    ]
    assert len(said) == len(wanted)
    assert any(".claude/commands/ as skills" in a.reason for a in notes)
    assert [(p, why[: len(w)]) for (p, why), (_, w) in zip(said, wanted, strict=True)] == wanted
    user = api.install("claude", pack, scope="user").actions
    assert [a for a in user if a.verb == "note"] == []
