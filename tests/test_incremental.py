"""A re-export from the cache writes exactly what a full export writes, after any edit.

The property test edits a pack at random (bodies, descriptions, modes, tools, targets,
commands, skill files, the manifest, errors, added and removed files, hand-edited output)
and after each edit compares the cached export with ``export --check``, which always
loads and renders everything.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentpack import api, emit, lifetime, parallel, snapfile, stamps
from agentpack.errors import Finding, InvalidPack
from bench.gen import generate
from tests.packgen import HOSTILE

HOUR_AGO = time.time() - 3600


def _age(root: Path) -> None:
    """Date every file of the pack an hour back, so that stamps can be trusted."""
    for path in root.rglob("*"):
        if path.is_file() and "dist" not in path.parts:
            os.utime(path, (HOUR_AGO, HOUR_AGO))


class Pack:
    """A small pack kept as data and written out whole after each edit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.version = 1
        self.agents: dict[str, dict[str, Any]] = {}
        self.bodies: dict[str, str] = {}
        for i in range(8):
            name = f"agent-{i}"
            self.agents[name] = {
                "name": name,
                "description": f"Agent {i}: {HOSTILE[i]}",
                "mode": "subagent",
                "tools": {"allow": ["read", "grep"]} if i % 2 else {"deny": ["bash"]},
            }
            self.bodies[name] = f"# Agent {i}\n\n{HOSTILE[i + 8]}\n"
        self.commands: dict[str, dict[str, Any]] = {
            "fork": {"description": "Runs in agent-1", "agent": "agent-1"},
            "plain": {"description": "No agent", "allowed_tools": ["read", "bash(git log *)"]},
            "sub": {"description": "A subtask", "agent": "agent-2", "subtask": True},
        }
        self.skill_data = b"\x00resource"
        self.write()

    def write(self) -> None:
        root = self.root
        for folder in ("agents", "commands", "skills/tips"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        manifest = {
            "name": "inc-pack",
            "version": f"1.0.{self.version}",
            "description": "For cache tests",
            "author": {"name": "Tester"},
            "license": "MIT",
        }
        (root / "agentpack.yaml").write_text(emit.yaml_mapping(manifest) + "\n")
        for name, fields in self.agents.items():
            text = emit.frontmatter(fields, self.bodies[name])
            self._put(root / "agents" / f"{name}.md", text.encode())
        for name, fields in self.commands.items():
            text = emit.frontmatter(fields, f"Do $1 for {name}.\n")
            self._put(root / "commands" / f"{name}.md", text.encode())
        skill = emit.frontmatter({"name": "tips", "description": "Tips"}, "Read data.bin.\n")
        self._put(root / "skills" / "tips" / "SKILL.md", skill.encode())
        self._put(root / "skills" / "tips" / "data.bin", self.skill_data)

    @staticmethod
    def _put(path: Path, data: bytes) -> None:
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)

    # -- edits ---------------------------------------------------------------------------

    def edit(self, op: str, i: int) -> None:
        name = sorted(self.agents)[i % len(self.agents)]
        if getattr(self, f"_{op}")(name, i) is not False:
            self.write()

    def _body(self, name: str, i: int) -> None:
        self.bodies[name] += f"More {i}.\n"

    def _description(self, name: str, i: int) -> None:
        self.agents[name]["description"] = f"Now {HOSTILE[i % len(HOSTILE)]}"

    def _mode(self, name: str, i: int) -> None:
        agent = self.agents[name]
        agent["mode"] = "primary" if agent.get("mode") == "subagent" else "subagent"

    def _tools(self, name: str, i: int) -> None:
        self.agents[name]["tools"] = {
            "allow": ["read"],
            "ask": ["webfetch"],
            "bash": {"git *": "allow"},
        }

    def _targets(self, name: str, i: int) -> None:
        agent = self.agents[name]
        if agent.pop("targets", None) is None:
            agent["targets"] = ["opencode"]

    def _command(self, name: str, i: int) -> None:
        command = self.commands["fork"]
        command["agent"] = name if command.get("agent") != name else "agent-3"

    def _skill(self, name: str, i: int) -> None:
        self.skill_data += bytes([i % 256])

    def _manifest(self, name: str, i: int) -> None:
        self.version += 1

    def _add(self, name: str, i: int) -> None:
        new = f"agent-new-{i}"
        self.agents[new] = {"name": new, "description": "Added"}
        self.bodies[new] = "New.\n"

    def _remove(self, name: str, i: int) -> None:
        if len(self.agents) > 3 and name not in ("agent-1", "agent-2", "agent-3"):
            del self.agents[name], self.bodies[name]
            (self.root / "agents" / f"{name}.md").unlink()

    def _nothing(self, name: str, i: int) -> None:
        pass

    def _break(self, name: str, i: int) -> bool:
        (self.root / "agents" / f"{name}.md").write_text("---\nname: [broken\n---\n")
        return False

    def _touch(self, name: str, i: int) -> bool:
        path = self.root / "agents" / f"{name}.md"
        path.write_bytes(path.read_bytes())
        return False

    def _tamper(self, name: str, i: int) -> bool:
        for path in sorted((self.root / "dist").rglob("*.md"))[:1]:
            path.write_text(path.read_text() + "hand edit\n")
        return False


OPS = ("body", "description", "mode", "tools", "targets", "command", "skill", "manifest")
RARE = ("add", "remove", "break", "touch", "tamper", "nothing")


def _not_version(findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings if f.field != "version"]


def _check(root: Path) -> api.ExportResult | None:
    """The cached export, checked against a full one; None when the pack is invalid."""
    try:
        cached = api.export(root)
    except InvalidPack as exc:
        error = exc.findings
    else:
        error = None
    if error is not None:
        with pytest.raises(InvalidPack) as full_error:
            api.export(root, cache=False)
        assert error == full_error.value.findings
        return None
    full = api.export(root, check=True)
    assert [d.path for d in full.differences] == []
    assert _not_version(cached.findings) == _not_version(full.findings)
    assert cached.planned == full.planned
    return cached


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.tuples(st.sampled_from(OPS + OPS + RARE), st.integers(0, 20)), min_size=1, max_size=8
    )
)
def test_a_cached_export_equals_a_full_one_after_any_edits(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[str, int]]
) -> None:
    pack = Pack(tmp_path_factory.mktemp("inc"))
    _age(pack.root)
    assert _check(pack.root) is not None
    for op, i in edits:
        pack.edit(op, i)
        _check(pack.root)
        if op == "break":  # mend it, so that later edits meet a valid pack again
            pack.write()
            _check(pack.root)


@pytest.fixture
def pack(tmp_path: Path) -> Pack:
    built = Pack(tmp_path / "pack")
    _age(built.root)
    api.export(built.root)
    return built


def test_one_changed_agent_loads_and_writes_that_agent_only(pack: Pack) -> None:
    pack.edit("body", 0)
    result = api.export(pack.root)
    assert result.written == ("claude/agents/agent-0.md", "opencode/agents/agent-0.md")
    assert result.reused == len(pack.agents) + len(pack.commands)  # all but agent-0
    assert api.export(pack.root).written == ()  # and then nothing at all


def test_a_mode_change_renders_the_commands_that_name_the_agent(pack: Pack) -> None:
    before = (pack.root / "dist" / "claude" / "commands" / "fork.md").read_text()
    assert "context: fork" in before  # agent-1 is a subagent: the command forks into it
    pack.edit("mode", 1)
    result = api.export(pack.root)
    assert "claude/commands/fork.md" in result.written
    assert (
        "context: fork" not in (pack.root / "dist" / "claude" / "commands" / "fork.md").read_text()
    )
    assert not api.export(pack.root, check=True).stale


def test_a_new_description_reaches_the_plugin_readme(pack: Pack) -> None:
    pack.edit("description", 3)
    result = api.export(pack.root)
    assert result.reused > 0
    assert "claude/README.md" in result.written
    assert not api.export(pack.root, check=True).stale


def test_the_version_warning_is_the_same_either_way(pack: Pack, tmp_path: Path) -> None:
    twin = Path(shutil.copytree(pack.root, tmp_path / "twin"))
    for root in (pack.root, twin):
        (root / "agents" / "agent-0.md").write_text(
            (root / "agents" / "agent-0.md").read_text() + "Changed.\n"
        )
    cached, full = api.export(pack.root), api.export(twin, cache=False)
    assert cached.reused > 0
    warning = [str(f) for f in cached.findings if f.field == "version"]
    assert warning == [str(f) for f in full.findings if f.field == "version"]
    assert len(warning) == 1


@pytest.mark.parametrize(
    "change",
    ["add", "remove", "manifest", "tamper", "break"],
)
def test_what_the_cache_cannot_vouch_for_takes_the_full_path(pack: Pack, change: str) -> None:
    pack.edit(change, 5)
    if change == "break":
        with pytest.raises(InvalidPack):
            api.export(pack.root)
        return
    result = api.export(pack.root)
    assert result.reused == 0
    assert not api.export(pack.root, check=True).stale


def test_a_re_export_leaves_its_snapshot_to_a_process_that_ends_without_freeing(
    pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line ends with os._exit: the snapshot of a re-export that went on is
    kept to the end, not freed after the last file written; the one of a re-export that
    took the full path is freed, for the full export's memory."""
    kept: list[object] = []
    monkeypatch.setattr(lifetime, "_kept", kept)
    pack.edit("body", 0)
    assert api.export(pack.root).reused > 0
    assert [type(k).__name__ for k in kept] == ["_Run"]
    kept.clear()
    pack.edit("add", 5)
    assert api.export(pack.root).reused == 0
    assert kept == []


def test_the_scans_stamp_every_file_as_stamp_of_does(tmp_path: Path) -> None:
    """The two scans build stamps inline, for speed: they must be ``stamp_text``'s, or
    every file would look changed and be read again."""
    root = tmp_path / "pack"
    (root / "agents").mkdir(parents=True)
    (root / "agents" / "a.md").write_text("a\n")
    (root / "skills" / "s" / "refs").mkdir(parents=True)
    (root / "skills" / "s" / "refs" / "r.md").write_text("r\n")
    out = tmp_path / "out"
    (out / "claude" / "agents").mkdir(parents=True)
    (out / "claude" / "agents" / "a.md").write_text("out\n")
    sources = stamps.scan_pack(root).sources.as_dict()
    assert sources == {
        rel: stamps.stamp_of(str(root / rel)) for rel in ("agents/a.md", "skills/s/refs/r.md")
    }
    found = stamps.stamp_folders(out)["claude"].as_dict()
    assert found == {"agents/a.md": stamps.stamp_of(str(out / "claude/agents/a.md"), follow=False)}


def test_a_touched_file_is_not_rendered_again(pack: Pack) -> None:
    path = pack.root / "agents" / "agent-4.md"
    path.write_bytes(path.read_bytes())  # new stamp, same content
    result = api.export(pack.root)
    assert result.written == ()
    assert result.reused == len(pack.agents) + len(pack.commands) + 1


def test_a_broken_or_foreign_snapshot_is_ignored(pack: Pack) -> None:
    kept = snapfile.location(pack.root, pack.root / "dist")
    assert kept is not None
    assert kept.is_file()
    kept.write_text("{not json")
    pack.edit("body", 2)
    assert api.export(pack.root).reused == 0  # full path, which writes a new snapshot
    pack.edit("body", 2)
    assert api.export(pack.root).reused > 0


def test_the_cache_can_be_turned_off(pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    pack.edit("body", 1)
    assert api.export(pack.root, cache=False).reused == 0
    monkeypatch.setenv(snapfile.ENV_OFF, "0")
    assert snapfile.location(pack.root, pack.root / "dist") is None
    pack.edit("body", 1)
    assert api.export(pack.root).reused == 0


def test_a_linked_skill_resource_is_trusted_like_any_file(tmp_path: Path) -> None:
    """A skill may link to a file elsewhere in the pack: stamps follow the link, as the
    loader does, so an unchanged link does not make its skill count as changed."""
    pack = Pack(tmp_path / "pack")
    shared = pack.root / "shared.txt"
    shared.write_text("shared notes\n")
    (pack.root / "skills" / "tips" / "notes.txt").symlink_to(shared)
    _age(pack.root)
    os.utime(shared, (HOUR_AGO, HOUR_AGO))
    api.export(pack.root)
    assert api.export(pack.root).reused == len(pack.agents) + len(pack.commands) + 1
    shared.write_text("changed notes\n")
    result = api.export(pack.root)
    assert "claude/skills/tips/notes.txt" in result.written
    assert not api.export(pack.root, check=True).stale


def test_a_linked_skill_folder_is_checked_through_its_link(tmp_path: Path) -> None:
    """The scan of the pack's folders does not enter a linked folder; the skill behind
    it is still stat'ed (by its path), so it is reused while unchanged and redone after an
    edit made through the link's target."""
    pack = Pack(tmp_path / "pack")
    real = pack.root / "library" / "tips"
    real.parent.mkdir()
    (pack.root / "skills" / "tips").rename(real)
    (pack.root / "skills" / "tips").symlink_to(Path("..") / "library" / "tips")
    _age(pack.root)
    api.export(pack.root)
    assert api.export(pack.root).reused == len(pack.agents) + len(pack.commands) + 1
    skill = real / "SKILL.md"
    skill.write_text(skill.read_text() + "One more line.\n")
    result = api.export(pack.root)
    assert "claude/skills/tips/SKILL.md" in result.written
    assert result.reused == len(pack.agents) + len(pack.commands)
    assert not api.export(pack.root, check=True).stale


@pytest.mark.skipif(not parallel.available(), reason="forking is not available here")
def test_a_large_pack_checks_its_output_in_a_second_process_as_surely(tmp_path: Path) -> None:
    """From ``parallel.WORTH_IT`` items the output folder is checked by a child process:
    a hand edit of the same size must still be found and undone."""
    root = generate(tmp_path, parallel.WORTH_IT // 5 * 5) / "pack"
    _age(root)
    api.export(root)
    agent = sorted((root / "agents").glob("*.md"))[7]
    agent.write_text(agent.read_text() + "One more line.\n")
    result = api.export(root)
    assert result.reused > 0
    assert len(result.written) == 2
    edited = root / "dist" / "opencode" / "agents" / sorted(os.listdir(root / "agents"))[3]
    text = edited.read_bytes()
    edited.write_bytes(text[:-2] + b"X\n")
    again = api.export(root)
    assert again.reused == 0  # the full path, which puts the file right
    assert edited.read_bytes() == text
    assert not api.export(root, check=True).stale
    (root / "agents" / "zz-new.md").write_text("---\nname: zz-new\ndescription: New.\n---\nHi.\n")
    added = api.export(root)
    assert added.reused == 0  # the listing changed: the full path
    assert "claude/agents/zz-new.md" in added.written


def test_re_exports_write_a_journal_and_leave_the_base_alone(pack: Pack) -> None:
    kept = snapfile.location(pack.root, pack.root / "dist")
    assert kept is not None
    base = kept.read_bytes()
    everything = len(pack.agents) + len(pack.commands) + 1
    for i in (0, 3, 5):
        pack.edit("body", i)
        result = api.export(pack.root)
        assert result.reused == everything - 1  # the journal was read back each time
        assert kept.read_bytes() == base
        assert snapfile.journal_path(kept).is_file()
    assert not api.export(pack.root, check=True).stale
    pack.edit("add", 6)
    assert api.export(pack.root).reused == 0  # a full export writes a new base, no journal
    assert kept.read_bytes() != base
    assert not snapfile.journal_path(kept).exists()


def test_a_journal_of_another_base_is_ignored_and_a_damaged_one_refused(pack: Pack) -> None:
    kept = snapfile.location(pack.root, pack.root / "dist")
    assert kept is not None
    pack.edit("body", 1)
    api.export(pack.root)
    journal = snapfile.journal_path(kept)
    text = journal.read_text()
    journal.write_text(json.dumps({**json.loads(text), "base": "another"}))
    snap = snapfile.read(kept)
    assert snap is not None  # the base alone, as the full export left it
    assert snap.started < json.loads(text)["started"]
    journal.write_text(text[: len(text) // 2])
    assert snapfile.read(kept) is None
    pack.edit("body", 1)
    assert api.export(pack.root).reused == 0


@given(st.lists(st.integers(0, 3), max_size=700), st.sets(st.integers(0, 699)))
def test_changed_rows_finds_every_difference(column: list[int], flips: set[int]) -> None:
    other = [v + 10 if i in flips else v for i, v in enumerate(column)]
    assert list(stamps.changed_rows(column, other)) == sorted(i for i in flips if i < len(column))


def test_a_file_changed_under_an_old_mtime_is_still_seen(pack: Pack) -> None:
    """Copies that keep their times (``cp -p``, an unpacked archive) can replace a file with
    new content and an mtime from before the last export: the rest of the stamp (size,
    ctime, inode) tells."""
    path = pack.root / "agents" / "agent-2.md"
    path.write_text(path.read_text().replace("# Agent 2", "# Agent two", 1))
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    result = api.export(pack.root)
    assert result.written == ("claude/agents/agent-2.md", "opencode/agents/agent-2.md")
    assert not api.export(pack.root, check=True).stale


@pytest.mark.parametrize("racy", [True, False])
def test_an_output_stamped_too_close_to_the_export_is_read_again(pack: Pack, racy: bool) -> None:
    """On a clock tick coarser than two writes, an edit can leave a file's stamp as it was.
    Files stamped within the margin before an export ended are listed, and the next export
    reads them: simulated here by recording the edited file's stamp in the snapshot."""
    kept = snapfile.location(pack.root, pack.root / "dist")
    assert kept is not None
    edited = pack.root / "dist" / "claude" / "agents" / "agent-3.md"
    text = edited.read_bytes()
    edited.write_bytes(text.replace(b"Agent 3", b"Agent X", 1))
    snap = snapfile.read(kept)
    assert snap is not None
    outs = snap.outputs["claude"]
    row = outs.path.index("agents/agent-3.md")
    outs.stamp[row] = stamps.stamp_of(str(edited)) or ""
    snap.racy = {"claude": [row]} if racy else {}
    snapfile.save(kept, snap)
    pack.edit("body", 0)
    api.export(pack.root)
    if racy:
        assert edited.read_bytes() == text  # read, found changed: the full path undid it
        assert not api.export(pack.root, check=True).stale
    else:
        assert edited.read_bytes() != text  # what the list is for: the stamp alone hides it


@pytest.mark.parametrize("racy", [True, False])
def test_a_source_stamped_too_close_to_the_export_is_read_again(pack: Pack, racy: bool) -> None:
    """The same for the pack's files: a source whose mtime is within the margin before the
    last export began is listed in the snapshot (``racy_sources``) and read again by the
    next export, whatever its stamp says."""
    kept = snapfile.location(pack.root, pack.root / "dist")
    assert kept is not None
    source = pack.root / "agents" / "agent-4.md"
    source.write_text(source.read_text().replace("# Agent 4", "# Agent four", 1))
    snap = snapfile.read(kept)
    assert snap is not None
    row = snap.sources.index("agents/agent-4.md")
    snap.stamps[row] = stamps.stamp_of(str(source)) or ""
    snap.racy_sources = [row] if racy else []
    snapfile.save(kept, snap)
    result = api.export(pack.root)
    if racy:
        assert "claude/agents/agent-4.md" in result.written
        assert not api.export(pack.root, check=True).stale
    else:
        assert "claude/agents/agent-4.md" not in result.written  # the stamp alone hides it


def test_the_snapshot_lists_the_sources_changed_just_before_an_export(pack: Pack) -> None:
    """A source stamped within the margin before an export began (here: a minute after,
    as a skewed clock or a fast edit leaves it) is listed; one an hour old is not."""
    source = pack.root / "agents" / "agent-5.md"
    source.write_text(source.read_text() + "Just now.\n")
    soon = time.time() + 60
    os.utime(source, (soon, soon))
    api.export(pack.root)
    kept = snapfile.location(pack.root, pack.root / "dist")
    assert kept is not None
    snap = snapfile.read(kept)
    assert snap is not None
    listed = {snap.sources[i] for i in snap.racy_sources}
    assert "agents/agent-5.md" in listed
    assert "agents/agent-6.md" not in listed
