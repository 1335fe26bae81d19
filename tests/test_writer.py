"""The one writer: safe paths, atomic swap, check and dry run, deterministic bytes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from agentpack import api, writer
from agentpack.claims import Claims
from agentpack.errors import Finding, OutputError, UnsafePath, UsageError
from agentpack.outputs import FolderFiles
from tests.conftest import MakePack

AGENT = "---\nname: a\ndescription: d\ntools:\n  allow: [read]\n---\nbody\n"


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "../x",
        "a/../../x",
        "a//b",
        "./a",
        "C:/x",
        "a\\b",
        "CON",
        "aux.md",
        "agents/nul.txt",
        "a\x00b",
        "ends-with-dot.",
        "trailing ",
        "a:b",
        "",
    ],
)
def test_unsafe_paths_are_refused(path: str) -> None:
    with pytest.raises(UnsafePath, match="refusing to write"):
        writer.check_path(path)


def test_paths_that_collide_by_case_are_refused() -> None:
    claims = Claims("claude", FolderFiles())
    claims.take("agents/A.md", "1", b"1")
    claims.take("agents/A.md", "1", b"1")  # the same file twice is one file
    with pytest.raises(UnsafePath, match="also in letter case"):
        claims.take("agents/a.md", "2", b"2")


def test_a_new_path_is_checked_against_the_files_the_cache_gave_back() -> None:
    """Paths the last export claimed together cannot clash with each other; a path new to
    the target is checked against every one, and each later path against it."""
    claims = Claims("claude", FolderFiles(), known={"agents/A.md", "agents/B.md"})
    claims.reuse([("agents/A.md", "1")], [])
    claims.take("agents/B.md", "2", b"2")  # known: no folding needed
    assert claims.keys is None
    with pytest.raises(UnsafePath, match="also in letter case"):
        claims.take("agents/a.md", "3", b"3")
    claims = Claims("claude", FolderFiles(), known={"agents/B.md"})
    claims.take("agents/b.md", "1", b"1")  # new to the target
    with pytest.raises(UnsafePath, match="also in letter case"):
        claims.take("agents/B.md", "2", b"2")


def test_export_then_check_is_clean_and_deterministic(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": AGENT})
    api.export(root)
    first = _tree(root / "dist")
    assert api.export(root, check=True).differences == ()
    api.export(root)
    assert _tree(root / "dist") == first
    assert all(not data.endswith(b"\n\n") and b"\r\n" not in data for data in first.values())


def test_check_reports_changed_new_and_removed_files(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": AGENT})
    api.export(root)
    (root / "dist" / "claude" / "agents" / "a.md").write_text("edited by hand\n")
    (root / "dist" / "opencode" / "agents" / "stray.md").write_text("stray\n")
    (root / "dist" / "claude" / ".claude-plugin" / "plugin.json").unlink()
    (root / "dist" / "opencode" / "agents" / "a.md").unlink()
    result = api.export(root, check=True)
    statuses = {d.path: d.status for d in result.differences}
    assert statuses == {
        "dist/claude/agents/a.md": "changed",
        "dist/opencode/agents/a.md": "new",
        "dist/claude/.claude-plugin/plugin.json": "new",
    }
    (kept,) = [f for f in result.findings if f.path.endswith("opencode")]
    assert kept.message.startswith("1 file agentpack did not write left in place (agents/stray.md)")
    changed = next(d for d in result.differences if d.status == "changed")
    assert changed.diff.startswith("--- a/dist/claude/agents/a.md\n+++ b/dist/claude/agents/a.md")
    assert "-edited by hand" in changed.diff


def test_check_and_dry_run_write_nothing(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": AGENT})
    assert api.export(root, dry_run=True).stale
    assert api.export(root, check=True).stale
    assert not (root / "dist").exists()
    assert not (root / ".claude-plugin").exists()


def test_a_failed_rebuild_leaves_dist_as_it_was(
    make_pack: MakePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_pack({"agents/a.md": AGENT})
    api.export(root)
    shutil.rmtree(root / "dist" / "opencode")  # the next export builds this folder whole
    before = _tree(root / "dist")
    (root / "agents" / "a.md").write_text(AGENT.replace("body", "new body"))
    calls = 0
    real = os.write

    def failing(fd: int, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(28, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", failing)
    with pytest.raises(Exception, match="No space left"):
        api.export(root)
    monkeypatch.undo()
    assert _tree(root / "dist") == before
    assert [p.name for p in (root / "dist").iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("cached", [False, True])
def test_a_failed_update_leaves_dist_as_it_was(
    make_pack: MakePack, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    """With the cache or without, changed files are staged (os.write) before any rename."""
    root = make_pack({"agents/a.md": AGENT, "agents/b.md": AGENT.replace("name: a", "name: b")})
    api.export(root)
    before = _tree(root / "dist")
    (root / "agents" / "a.md").write_text(AGENT.replace("body", "new body"))
    calls = 0
    module, name = os, "write"
    real = getattr(module, name)

    def failing(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)
    with pytest.raises(Exception, match="No space left"):
        api.export(root, cache=cached)
    monkeypatch.undo()
    assert calls >= 2
    assert _tree(root / "dist") == before  # staged copies are gone, nothing was renamed


def test_re_export_writes_only_what_changed(make_pack: MakePack) -> None:
    root = make_pack({f"agents/{n}.md": AGENT.replace("name: a", f"name: {n}") for n in "abc"})
    api.export(root)
    untouched = root / "dist" / "claude" / "agents" / "b.md"
    inode = untouched.stat().st_ino
    (root / "agents" / "a.md").write_text(AGENT.replace("body", "new body"))
    result = api.export(root)
    assert sorted(result.written) == ["claude/agents/a.md", "opencode/agents/a.md"]
    assert untouched.stat().st_ino == inode
    (root / "agents" / "c.md").unlink()
    api.export(root)
    assert not (root / "dist" / "claude" / "agents" / "c.md").exists()
    assert api.export(root, check=True).differences == ()
    (root / "dist" / "opencode" / "agents" / "b.md").write_text("edited by hand\n")
    api.export(root)  # its size no longer matches the manifest: it is written again
    assert api.export(root, check=True).differences == ()


def test_exporting_one_target_keeps_the_others(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": AGENT})
    api.export(root)
    claude = _tree(root / "dist" / "claude")
    api.export(root, ["opencode"])
    assert _tree(root / "dist" / "claude") == claude
    assert api.export(root, check=True).differences == ()


def test_a_symlinked_target_folder_is_not_written_through(
    make_pack: MakePack, tmp_path: Path
) -> None:
    root = make_pack({"agents/a.md": AGENT})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "dist").mkdir()
    os.symlink(elsewhere, root / "dist" / "claude")
    with pytest.raises(UnsafePath, match="symlink"):
        api.export(root)
    assert list(elsewhere.iterdir()) == []


def test_manifest_lists_every_file_with_its_hash(make_pack: MakePack) -> None:
    import hashlib
    import json

    root = make_pack({"agents/a.md": AGENT})
    api.export(root)
    manifest = json.loads((root / "dist" / "manifest.json").read_text())
    assert manifest["agentpack"]
    assert manifest["pack"] == {"name": "test-pack", "version": "1.0.0"}
    files = {
        p.relative_to(root / "dist").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (root / "dist").rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert manifest["files"] == files
    assert list(manifest["pack_files"]["claude"]) == [".claude-plugin/marketplace.json"]


def test_content_change_without_version_bump_warns(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": AGENT})
    api.export(root)
    assert _not_left_out(api.validate(root).findings) == []
    (root / "agents" / "a.md").write_text(AGENT.replace("body", "changed"))
    messages = [str(f) for f in _not_left_out(api.validate(root).findings)]
    assert messages == [
        "agentpack.yaml:2:1: warning: version: the Claude plugin's content changed but its "
        "version 1.0.0 did not; bump version so that installed copies update"
    ]
    manifest = (root / "agentpack.yaml").read_text().replace("1.0.0", "1.0.1")
    (root / "agentpack.yaml").write_text(manifest)
    assert _not_left_out(api.validate(root).findings) == []


def _not_left_out(findings: tuple[Finding, ...]) -> list[Finding]:
    """Findings but those of the targets that leave out this read-only agent (Codex,
    Copilot and Cursor cannot hold it to its one tool)."""
    return [f for f in findings if "is left out of the" not in f.message]


def test_output_outside_the_pack_has_no_marketplace(make_pack: MakePack, tmp_path: Path) -> None:
    root = make_pack({"agents/a.md": AGENT})
    result = api.export(root, out=tmp_path / "out")
    assert not (root / ".claude-plugin").exists()
    assert any("no marketplace written" in f.message for f in result.findings)


def test_a_hand_edit_of_the_same_size_is_undone_by_the_next_export(make_pack: MakePack) -> None:
    """Size and recorded hash look right, but the file changed after the manifest."""
    root = make_pack({"agents/a.md": AGENT, "agents/b.md": AGENT.replace("name: a", "name: b")})
    api.export(root, cache=False)
    target = root / "dist" / "claude" / "agents" / "a.md"
    good = target.read_bytes()
    bad = good.replace(b"body", b"BODY")
    assert len(bad) == len(good)
    target.write_bytes(bad)
    stamp = (root / "dist" / "manifest.json").stat().st_mtime_ns
    os.utime(target, ns=(stamp + 1_000_000, stamp + 1_000_000))  # later, on any clock
    assert api.export(root, cache=False).written == ("claude/agents/a.md",)
    assert target.read_bytes() == good


def test_a_later_mtime_alone_rewrites_nothing(make_pack: MakePack) -> None:
    """A fresh git checkout gives files any mtime: same content, nothing written."""
    root = make_pack({"agents/a.md": AGENT})
    api.export(root, cache=False)
    stamp = (root / "dist" / "manifest.json").stat().st_mtime_ns + 1_000_000
    for path in (root / "dist").rglob("*.md"):
        os.utime(path, ns=(stamp, stamp))
    assert api.export(root, cache=False).written == ()


def test_files_no_export_wrote_are_never_replaced_or_removed(
    make_pack: MakePack, tmp_path: Path
) -> None:
    """``export --out ~/.config`` deleted the user's ``opencode/AGENTS.md``, ``opencode.json``
    and ``node_modules``: an export removed every file of a target's folder it did not
    want. Only the files its record lists are replaced or removed; one in the way stops
    the export before it writes anything; the rest stay, said."""
    root = make_pack({"agents/a.md": AGENT})
    out = tmp_path / "config"
    mine = {"opencode/AGENTS.md": "my rules\n", "opencode/agents/a.md": "my own agent\n"}
    for rel, text in mine.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    with pytest.raises(OutputError, match=r"opencode/agents/a.md exists and agentpack did not"):
        api.export(root, ["opencode"], out)
    assert _tree(out) == {k: v.encode() for k, v in mine.items()}
    (out / "opencode" / "agents" / "a.md").unlink()
    result = api.export(root, ["opencode"], out)
    (kept,) = [f for f in result.findings if f.path == str(out / "opencode")]
    assert kept.message.startswith("1 file agentpack did not write left in place (AGENTS.md)")
    (root / "agents" / "a.md").rename(root / "agents" / "b.md")
    (root / "agents" / "b.md").write_text(AGENT.replace("name: a", "name: b"))
    api.export(root, ["opencode"], out)
    assert sorted(_tree(out / "opencode")) == ["AGENTS.md", "agents/b.md"]


def test_a_manifest_json_of_another_program_is_never_replaced(make_pack: MakePack) -> None:
    """A web app's ``dist/manifest.json`` was overwritten by the record of the export."""
    root = make_pack({"agents/a.md": AGENT})
    (root / "dist").mkdir()
    web = b'{"name": "My App", "short_name": "app", "files": {}, "start_url": "/"}\n'
    (root / "dist" / "manifest.json").write_bytes(web)
    with pytest.raises(OutputError, match=r"dist/manifest.json is not the record agentpack"):
        api.export(root)
    assert _tree(root / "dist") == {"manifest.json": web}


def test_a_record_a_merge_left_conflict_markers_in_is_replaced(make_pack: MakePack) -> None:
    """A committed ``dist/manifest.json`` with conflict markers is agentpack's all the same:
    the export writes the folder anew, as before, rather than take every generated file
    for one of the user's."""
    root = make_pack({"agents/a.md": AGENT})
    api.export(root)
    record = root / "dist" / "manifest.json"
    record.write_text("<<<<<<< HEAD\n" + record.read_text() + "=======\n>>>>>>> other\n")
    (root / "dist" / "claude" / "agents" / "a.md").write_text("the other branch's\n")
    api.export(root)
    assert not api.export(root, check=True).stale


def test_a_marketplace_of_the_users_in_the_pack_root_is_never_replaced(
    make_pack: MakePack,
) -> None:
    """The pack-root files (``.claude-plugin/marketplace.json``) follow the same rule."""
    root = make_pack({"agents/a.md": AGENT})
    mine = root / ".claude-plugin" / "marketplace.json"
    mine.parent.mkdir()
    mine.write_text('{"name": "mine"}\n')
    with pytest.raises(OutputError, match=r"marketplace.json exists and agentpack did not"):
        api.export(root)
    assert mine.read_text() == '{"name": "mine"}\n'
    assert not (root / "dist").exists()
    mine.unlink()
    api.export(root)
    assert api.export(root).findings == api.export(root, check=True).findings


@pytest.mark.parametrize("out", ["agents", "skills/x", "mcp"])
def test_an_output_folder_where_the_pack_reads_its_items_is_refused(
    make_pack: MakePack, out: str
) -> None:
    """``--out agents`` wrote the generated agents where the pack reads its own, and the
    next load found fifteen errors in them."""
    root = make_pack({"agents/a.md": AGENT})
    with pytest.raises(UsageError, match="is where the pack reads its items from"):
        api.export(root, out=root / out)
    assert sorted(p.name for p in (root / "agents").iterdir()) == ["a.md"]


def test_a_file_where_a_target_folder_goes_stops_the_export_before_it_writes(
    make_pack: MakePack, tmp_path: Path
) -> None:
    """``claude/`` was renamed into place, then ``opencode`` failed: half an export, and no
    record."""
    root = make_pack({"agents/a.md": AGENT})
    out = tmp_path / "out"
    out.mkdir()
    (out / "opencode").write_text("a file\n")
    with pytest.raises(OutputError, match=r"opencode is a file where the opencode folder goes"):
        api.export(root, ["claude", "opencode"], out)
    assert sorted(p.name for p in out.iterdir()) == ["opencode"]
