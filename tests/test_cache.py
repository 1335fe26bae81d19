"""An export with the cache writes exactly what a full export writes, after any edit: the
property test edits a pack at random (bodies, descriptions, modes, tools, targets, commands,
skill files, the manifest, errors, added and removed files, hand-edited output) and after
each edit compares the cached export with ``export --check``, which renders everything."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentpack import api, cachefile, emit
from agentpack import cache as caching
from agentpack.errors import Finding, InvalidPack
from agentpack.outputs import stat_of
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
        self.server: str | None = None
        """The pack's MCP server's command, if it has one (an agent's tools name it)."""
        self.agents["agent-3"]["tools"] = {"allow": ["read", "grep", "mcp:gh"]}
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
        server = root / "mcp" / "gh.yaml"
        if self.server is None:
            server.unlink(missing_ok=True)
        else:
            server.parent.mkdir(exist_ok=True)
            self._put(server, f"command: {self.server}\n".encode())

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

    def _server(self, name: str, i: int) -> None:
        self.server = None if self.server == "npx" else "npx" if self.server else "uvx"

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


OPS = ("body", "description", "mode", "tools", "targets", "command", "skill", "manifest", "server")
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
    assert sorted(cached.written) == sorted(set(cached.written))
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


def _location(pack: Pack) -> Path:
    found = caching.location(pack.root, pack.root / "dist", os.environ)
    assert found is not None
    return found


EVERY = 8 + 3 + 1  # the agents, commands and the skill of Pack


def test_one_changed_agent_loads_and_writes_that_agent_only(pack: Pack) -> None:
    pack.edit("body", 0)
    result = api.export(pack.root)
    assert result.written == (
        "claude/agents/agent-0.md",
        "opencode/agents/agent-0.md",
        "codex/.codex/agents/agent-0.toml",
        "copilot/agents/agent-0.agent.md",
    )
    assert result.reused == EVERY - 1
    kept = _location(pack).read_bytes()
    assert api.export(pack.root).written == ()  # and then nothing at all,
    assert _location(pack).read_bytes() == kept  # not even the cache


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
    assert (
        len(warning) == 3
    )  # the Claude, Codex and Copilot plugins (Cursor cannot deny bash: agent-0 is not in it)


def test_a_manifest_change_renders_every_item_again(pack: Pack) -> None:
    pack.edit("manifest", 0)
    assert api.export(pack.root).reused == 0
    assert not api.export(pack.root, check=True).stale


@pytest.mark.parametrize("change", ["add", "remove", "tamper"])
def test_other_items_are_still_reused(pack: Pack, change: str) -> None:
    pack.edit(change, 5)
    result = api.export(pack.root)
    assert result.reused >= EVERY - 2
    assert not api.export(pack.root, check=True).stale


def test_a_hand_edited_output_is_rendered_and_written_again(pack: Pack) -> None:
    edited = pack.root / "dist" / "opencode" / "agents" / "agent-3.md"
    text = edited.read_bytes()
    edited.write_bytes(text[:-2] + b"X\n")
    result = api.export(pack.root)
    assert result.written == ("opencode/agents/agent-3.md",)
    assert edited.read_bytes() == text


def test_a_broken_item_is_an_error_with_or_without_the_cache(pack: Pack) -> None:
    pack.edit("break", 2)
    with pytest.raises(InvalidPack) as cached:
        api.export(pack.root)
    with pytest.raises(InvalidPack) as full:
        api.export(pack.root, cache=False)
    assert cached.value.findings == full.value.findings


def test_a_touched_file_is_not_rendered_again(pack: Pack) -> None:
    path = pack.root / "agents" / "agent-4.md"
    path.write_bytes(path.read_bytes())  # new stat, same content
    result = api.export(pack.root)
    assert result.written == ()
    assert result.reused == EVERY


def test_a_broken_or_foreign_cache_is_ignored(pack: Pack) -> None:
    kept = _location(pack)
    assert kept.is_file()
    kept.write_text("{not marshal")
    pack.edit("body", 2)
    assert api.export(pack.root).reused == 0  # renders everything, keeps a new cache
    pack.edit("body", 2)
    assert api.export(pack.root).reused == EVERY - 2  # agent-2, and the command naming it
    read = cachefile.read(kept)
    assert read is not None
    shape = {**read.data, "outputs": {"claude": ["not", "tables"]}}
    cachefile.write(kept, shape)  # this version's number, another's shape
    assert api.export(pack.root).reused == 0


def test_the_cache_can_be_turned_off(pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    pack.edit("body", 1)
    assert api.export(pack.root, cache=False).reused == 0
    monkeypatch.setenv("AGENTPACK_CACHE", "0")
    assert caching.location(pack.root, pack.root / "dist", os.environ) is None
    pack.edit("body", 1)
    assert api.export(pack.root).reused == 0


def test_a_linked_skill_resource_is_trusted_like_any_file(tmp_path: Path) -> None:
    """A skill may link to a file elsewhere in the pack: its stat is followed through
    the link, as the loader reads through it."""
    pack = Pack(tmp_path / "pack")
    shared = pack.root / "shared.txt"
    shared.write_text("shared notes\n")
    (pack.root / "skills" / "tips" / "notes.txt").symlink_to(shared)
    _age(pack.root)
    os.utime(shared, (HOUR_AGO, HOUR_AGO))
    api.export(pack.root)
    assert api.export(pack.root).reused == EVERY
    shared.write_text("changed notes\n")
    result = api.export(pack.root)
    assert "claude/skills/tips/notes.txt" in result.written
    assert not api.export(pack.root, check=True).stale


def test_a_linked_skill_folder_is_checked_through_its_link(tmp_path: Path) -> None:
    pack = Pack(tmp_path / "pack")
    real = pack.root / "library" / "tips"
    real.parent.mkdir()
    (pack.root / "skills" / "tips").rename(real)
    (pack.root / "skills" / "tips").symlink_to(Path("..") / "library" / "tips")
    _age(pack.root)
    api.export(pack.root)
    assert api.export(pack.root).reused == EVERY
    skill = real / "SKILL.md"
    skill.write_text(skill.read_text() + "One more line.\n")
    result = api.export(pack.root)
    assert "claude/skills/tips/SKILL.md" in result.written
    assert result.reused == EVERY - 1
    assert not api.export(pack.root, check=True).stale


def test_a_file_changed_under_an_old_mtime_is_still_seen(pack: Pack) -> None:
    """Copies that keep their times (``cp -p``, an unpacked archive) can replace a file with
    new content and an mtime from before the last export: size, ctime and inode tell."""
    path = pack.root / "agents" / "agent-2.md"
    path.write_text(path.read_text().replace("# Agent 2", "# Agent two", 1))
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    result = api.export(pack.root)
    assert result.written == (
        "claude/agents/agent-2.md",
        "opencode/agents/agent-2.md",
        "codex/.codex/agents/agent-2.toml",
        "copilot/agents/agent-2.agent.md",
    )
    assert not api.export(pack.root, check=True).stale


def test_a_file_changed_too_close_to_the_last_export_is_read_again(pack: Pack) -> None:
    """On a clock tick coarser than two writes, an edit can leave a file's stat as it was.
    A file whose mtime is within the margin before the export that recorded it is read
    again, whatever its stat says: simulated by a record whose stat is the edited file's."""
    kept = _location(pack)
    source = pack.root / "agents" / "agent-4.md"
    source.write_text(source.read_text().replace("# Agent 4", "# Agent four", 1))
    store = caching.Cache.open(kept)
    st = os.stat(source)
    old = store.sources["agents/agent-4.md"]
    store.sources["agents/agent-4.md"] = (stat_of(st), old[1])  # the stat as it is now
    read = cachefile.read(kept)
    assert read is not None
    data = read.data
    data["sources"] = store.sources
    data["started"] = st.st_mtime_ns + 1  # the edit was "just before" that export
    cachefile.write(kept, data)
    assert "claude/agents/agent-4.md" in api.export(pack.root).written
    assert not api.export(pack.root, check=True).stale
