"""install/uninstall never lose a file a user wrote, and leave no trace after uninstall."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agentpack import api
from agentpack.cli import main
from agentpack.errors import UnsafePath
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
