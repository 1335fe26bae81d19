"""The second process changes how fast a large pack loads and renders, never what comes out."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from agentpack import api, parallel, writer
from agentpack.errors import InvalidPack
from agentpack.load import load
from agentpack.model import Pack
from agentpack.outputs import OutFile
from agentpack.targets import Registry
from agentpack.targets.base import Context, Feature, Report
from bench.gen import generate
from tests.conftest import MANIFEST, MakePack

needs_fork = pytest.mark.skipif(
    not parallel.available(), reason="forking is not available here (not Linux, or one core)"
)


def _pids(items: Sequence[int]) -> list[tuple[int, int]]:
    return [(item, os.getpid()) for item in items]


@needs_fork
def test_the_second_half_runs_in_another_process_and_order_is_kept() -> None:
    out = parallel.split(_pids, list(range(10)), when=True)
    assert [item for item, _ in out] == list(range(10))
    assert {pid for _, pid in out[:5]} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in out[5:]}


def test_below_the_threshold_or_when_turned_off_everything_stays_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert {pid for _, pid in parallel.split(_pids, [1, 2, 3], when=False)} == {os.getpid()}
    monkeypatch.setenv(parallel.ENV, "1")
    assert not parallel.available()
    assert {pid for _, pid in parallel.split(_pids, [1, 2, 3], when=True)} == {os.getpid()}


@needs_fork
def test_a_failing_child_is_replaced_by_the_parent_doing_the_work() -> None:
    parent = os.getpid()

    def flaky(items: Sequence[int]) -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return [i * 2 for i in items]

    assert parallel.split(flaky, [1, 2, 3, 4], when=True) == [2, 4, 6, 8]


@needs_fork
def test_a_result_that_cannot_be_sent_is_computed_again_here() -> None:
    parent = os.getpid()

    def unsendable(items: Sequence[int]) -> list[object]:
        return [i if os.getpid() == parent else (lambda: None) for i in items]

    assert parallel.split(unsendable, [1, 2, 3, 4], when=True) == [1, 2, 3, 4]


def test_an_error_in_the_work_is_raised_as_in_a_serial_run() -> None:
    def broken(items: Sequence[int]) -> list[int]:
        raise ValueError("bad item")

    with pytest.raises(ValueError, match="bad item"):
        parallel.split(broken, [1, 2, 3, 4], when=True)


@needs_fork
def test_background_work_runs_in_a_child_and_falls_back_to_the_parent() -> None:
    parent = os.getpid()
    assert parallel.background(os.getpid).result() != parent

    def flaky() -> int:
        if os.getpid() != parent:
            os._exit(3)  # a child that dies without a word
        return 7

    assert parallel.background(flaky).result() == 7
    assert parallel.background(os.getpid, when=False).result() == parent
    pending = parallel.background(lambda: time.sleep(30))
    started = time.monotonic()
    pending.cancel()  # stops the child rather than waiting for it
    assert time.monotonic() - started < 10


@needs_fork
def test_background_parts_arrive_in_order_and_a_failed_one_is_computed_here() -> None:
    """Each part is sent as soon as it is done; a part the child never sends whole (it
    died) is computed by the parent, the parts before it still come from the child."""
    parent = os.getpid()

    def dies() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return parent

    first, second, third = parallel.background_each([os.getpid, dies, os.getpid])
    assert third.result() == parent  # after the child died, the rest is done here
    assert first.result() not in (parent, None)  # sent before it died
    assert second.result() == parent
    slow, after = parallel.background_each([lambda: time.sleep(30), os.getpid])
    started = time.monotonic()
    slow.cancel()  # stops the child, which the parts share
    assert after.result() == parent  # so the next part is computed here
    assert time.monotonic() - started < 10


@pytest.fixture(scope="module")
def big_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid pack just above the threshold."""
    return generate(tmp_path_factory.mktemp("big"), parallel.WORTH_IT) / "pack"


@needs_fork
def test_a_large_pack_loads_the_same_in_one_process_or_two(
    big_pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = Path(shutil.copytree(big_pack, tmp_path / "pack"))
    agents = sorted((pack / "agents").glob("*.md"))
    broken = agents[len(agents) * 3 // 4]  # in the half the child loads
    broken.write_text(broken.read_text().replace("description:", "description: [", 1))
    names = Registry().names()
    together = load(pack, names)
    monkeypatch.setenv(parallel.ENV, "1")
    alone = load(pack, names)
    assert together == alone
    assert together[0] is None  # the broken agent stops the pack, wherever it was loaded
    assert [f.path for f in together[1] if f.is_error] == [broken.relative_to(pack).as_posix()]


@needs_fork
def test_a_large_pack_exports_the_same_bytes_in_one_process_or_two(
    big_pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two = api.export(big_pack, out=tmp_path / "two")
    monkeypatch.setenv(parallel.ENV, "1")
    one = api.export(big_pack, out=tmp_path / "one")
    assert one.findings == two.findings
    assert one.findings  # the generated pack narrows some policies: notes from both targets
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@needs_fork
def test_a_helper_that_dies_half_way_through_writing_leaves_no_trace(
    make_pack: MakePack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = "---\nname: {0}\ndescription: Agent {0}.\n---\nBody {0}.\n"
    root = make_pack({f"agents/a{i}.md": agent.format(f"a{i}") for i in range(6)})
    monkeypatch.setenv(parallel.ENV, "1")
    expected = api.export(root, out=tmp_path / "one")
    monkeypatch.delenv(parallel.ENV)
    monkeypatch.setattr(parallel, "WORTH_IT", 1)
    parent, real = os.getpid(), writer._create_all

    def dies_in_the_helper(folder: Path, outs: Sequence[OutFile]) -> list[str]:
        if os.getpid() != parent:
            (tmp_path / "the helper ran").touch()
            real(folder, outs[:2])  # some files written, then the helper fails
            raise OSError(28, "No space left on device")
        return real(folder, outs)

    monkeypatch.setattr(writer, "_create_all", dies_in_the_helper)
    result = api.export(root, out=tmp_path / "two")
    assert (tmp_path / "the helper ran").exists()
    assert result.written == expected.written
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def _halves_pack(make_pack: MakePack, extra: dict[str, str] | None = None) -> Path:
    """Six agents and two commands: the second process loads a4, a5 and the commands."""
    agent = "---\nname: {0}\ndescription: Agent {0}.\n{1}---\nBody {0}.\n"
    files = {f"agents/a{i}.md": agent.format(f"a{i}", "") for i in range(5)}
    files["agents/a5.md"] = agent.format("a5", "mode: primary\n")
    command = "---\ndescription: Run {0}.\nagent: {1}\n---\nDo $1 with {1}.\n"
    files["commands/c0.md"] = command.format("c0", "a0")  # a0: in the first half
    files["commands/c1.md"] = command.format("c1", "a5")  # a5: in the same half
    return make_pack({**files, **(extra or {})})


@needs_fork
def test_a_command_renders_the_same_when_the_other_process_loads_its_agent(
    make_pack: MakePack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _halves_pack(make_pack)
    monkeypatch.setenv(parallel.ENV, "1")
    one = api.export(root, out=tmp_path / "one")
    monkeypatch.delenv(parallel.ENV)
    monkeypatch.setattr(parallel, "WORTH_IT", 1)
    two = api.export(root, out=tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    assert one.findings == two.findings
    # the subagent a0 makes c0 a subtask; the primary a5 does not, and c1 says so
    c0 = (tmp_path / "two" / "claude" / "commands" / "c0.md").read_text()
    assert "context: fork\nagent: a0\n" in c0
    assert [f.path for f in two.findings if f.field == "agent"] == ["commands/c1.md"]


@needs_fork
def test_items_are_checked_against_each_other_across_the_two_processes(
    make_pack: MakePack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _halves_pack(make_pack)
    group = "plugins:\n  - name: g\n    agents: [a0, a4, nope]\n    commands: [c0, c1]\n"
    (root / "agentpack.yaml").write_text(MANIFEST + group)
    monkeypatch.setattr(parallel, "WORTH_IT", 1)
    with pytest.raises(InvalidPack) as caught:
        api.export(root, out=tmp_path / "out")
    found = caught.value.findings
    # a0 and a4 are loaded by different processes; both are found, "nope" is not
    assert [f.message for f in found if f.is_error] == [
        "no agent named 'nope' in the pack; fix the name or remove it"
    ]
    in_no_group = sorted(f.message.split("'")[1] for f in found if "in no plugin" in f.message)
    assert in_no_group == ["a1", "a2", "a3", "a5"]
    assert not (tmp_path / "out").exists()  # a failed export leaves no empty folder


def test_a_target_that_renders_the_pack_whole_is_exported_from_the_whole_pack(
    make_pack: MakePack, tmp_path: Path
) -> None:
    class Whole:
        """A third-party target without ``render_items``: one file listing every item."""

        name = "whole"
        description = "test"
        features = frozenset(Feature)

        def render(self, pack: Pack, report: Report, context: Context) -> list[OutFile]:
            names = "\n".join(item.name for item in pack.items())
            return [OutFile.text("items.txt", names + "\n")]

    registry = Registry(third_party=False)
    registry._loaded["whole"] = Whole()  # type: ignore[assignment]
    registry.specs["whole"] = "tests:Whole"
    root = _halves_pack(make_pack)
    (root / "agentpack.yaml").write_text(MANIFEST + "targets: [whole, claude]\n")
    result = api.export(root, out=tmp_path / "out", targets=registry)
    listed = (tmp_path / "out" / "whole" / "items.txt").read_text().split()
    assert listed == ["a0", "a1", "a2", "a3", "a4", "a5", "c0", "c1"]
    assert "claude/commands/c0.md" in result.written


@needs_fork
def test_a_background_result_is_computed_once_and_kept() -> None:
    pending = parallel.background(os.getpid)
    first = pending.result()
    assert first != os.getpid()  # from the child
    assert pending.result() == first  # kept: not computed again here


@needs_fork
def test_two_processes_update_an_existing_folder_file_by_file(
    make_pack: MakePack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _halves_pack(make_pack)
    out = tmp_path / "out"
    monkeypatch.setattr(parallel, "WORTH_IT", 1)
    api.export(root, out=out, cache=False)
    # a hand edit in each half's files (one of the same size), a stray file, and one
    # changed source
    edited = out / "claude" / "agents" / "a0.md"
    edited.write_text(edited.read_text().replace("Body a0.", "Body a0!"))
    (out / "opencode" / "commands" / "c1.md").write_text("edited by hand\n")
    (out / "opencode" / "agents" / "stray.md").write_text("not ours\n")
    source = root / "agents" / "a4.md"
    source.write_text(source.read_text().replace("Body a4.", "Body a4, changed."))
    result = api.export(root, out=out, cache=False)
    assert sorted(result.written) == [
        "claude/agents/a0.md",
        "claude/agents/a4.md",
        "opencode/agents/a4.md",
        "opencode/commands/c1.md",
    ]
    monkeypatch.setenv(parallel.ENV, "1")
    api.export(root, out=tmp_path / "fresh", cache=False)
    assert _tree(out) == _tree(tmp_path / "fresh")  # the stray file is gone too


@needs_fork
def test_two_processes_find_the_same_differences_as_one(
    make_pack: MakePack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _halves_pack(make_pack)
    out = tmp_path / "out"
    api.export(root, out=out, cache=False)
    (out / "claude" / "agents" / "a0.md").write_text("edited by hand\n")
    (out / "opencode" / "commands" / "c1.md").unlink()
    (out / "opencode" / "agents" / "stray.md").write_text("not ours\n")
    monkeypatch.setenv(parallel.ENV, "1")
    one = api.export(root, out=out, check=True)
    monkeypatch.delenv(parallel.ENV)
    monkeypatch.setattr(parallel, "WORTH_IT", 1)
    two = api.export(root, out=out, check=True)
    assert two.differences == one.differences
    assert [(d.path, d.status) for d in two.differences] == [
        ("out/claude/agents/a0.md", "changed"),
        ("out/opencode/agents/stray.md", "removed"),
        ("out/opencode/commands/c1.md", "new"),
    ]
