"""Execute bits: a pack's programs and skill scripts stay runnable in every copy (export,
re-export, check, install, import), and nothing else becomes runnable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from agentpack import api
from agentpack.targets import Registry
from tests.conftest import MakePack

SERVER = "command: ${PLUGIN_ROOT}/bin/tool\nfiles: [bin/tool]\n"
PROGRAM = "#!/bin/sh\necho tool\n"
RUNNABLE = ("bin/tool", "scripts/run.sh")
"""The files of the pack below that are executable, wherever a target copies them."""


@pytest.fixture
def pack(make_pack: MakePack) -> Path:
    root = make_pack(
        {
            "agents/a.md": "---\nname: a\ndescription: d\n---\nbody\n",
            "mcp/tool.yaml": SERVER,
            "bin/tool": PROGRAM,
            "skills/s/SKILL.md": "---\nname: s\ndescription: d\n---\nRun scripts/run.sh.\n",
            "skills/s/scripts/run.sh": PROGRAM,
            "skills/s/notes.txt": "plain\n",
        }
    )
    for rel in ("bin/tool", "skills/s/scripts/run.sh"):
        (root / rel).chmod(0o755)
    return root


def _runnable(folder: Path) -> dict[str, bool]:
    """Every file below ``folder`` -> whether its owner may run it."""
    return {
        p.relative_to(folder).as_posix(): bool(p.stat().st_mode & stat.S_IXUSR)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _expected(files: dict[str, bool]) -> dict[str, bool]:
    return {rel: rel.endswith(RUNNABLE) for rel in files}


def test_export_keeps_the_execute_bit_of_programs_and_scripts(pack: Path) -> None:
    api.export(pack)
    found = _runnable(pack / "dist")
    assert any(found.values())  # some target copies each of them
    assert found == _expected(found)
    assert sum(1 for rel in found if rel.endswith("bin/tool")) >= 2  # Claude, Codex, ...


def test_a_lost_execute_bit_is_seen_by_check_and_put_back_by_export(pack: Path) -> None:
    api.export(pack)
    copy = next(p for p in (pack / "dist").rglob("tool") if p.is_file())
    copy.chmod(0o644)
    stale = api.export(pack, check=True)
    rel = f"dist/{copy.relative_to(pack / 'dist').as_posix()}"
    assert [(d.path, d.status) for d in stale.differences] == [(rel, "changed")]
    assert "should be executable" in stale.differences[0].diff
    again = api.export(pack)
    assert rel.removeprefix("dist/") in again.written
    assert copy.stat().st_mode & stat.S_IXUSR
    assert api.export(pack, check=True).differences == ()


def test_a_source_made_executable_is_exported_again(pack: Path) -> None:
    api.export(pack)
    (pack / "skills/s/notes.txt").chmod(0o755)
    result = api.export(pack)
    assert any(rel.endswith("skills/s/notes.txt") for rel in result.written)
    found = _runnable(pack / "dist")
    assert all(found[rel] for rel in found if rel.endswith("skills/s/notes.txt"))


def test_install_copies_the_execute_bit(pack: Path, tmp_path: Path) -> None:
    home = tmp_path / "home" / ".claude"
    home.mkdir(parents=True)
    api.install("claude", pack, dest=home)
    found = {rel: runs for rel, runs in _runnable(home).items() if not rel.startswith(".")}
    assert found.get("skills/s/scripts/run.sh") is True
    assert found.get("skills/s/notes.txt") is False
    umask = os.umask(0o022)
    os.umask(umask)
    assert home.joinpath("skills/s/notes.txt").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("target", ["claude", "opencode", "codex", "copilot", "cursor"])
def test_the_scripts_an_install_sets_up_stay_executable(
    pack: Path, tmp_path: Path, target: str
) -> None:
    loaded = api.load_pack(pack)
    setup = (
        Registry(third_party=False)
        .get(target)
        .setup(loaded.manifest, "user", {}, tmp_path, tmp_path)
    )
    scripts = {f.path: f.executable for f in setup.files}
    assert scripts, "the server's program is set up with the tool"
    assert all(runs == path.endswith(RUNNABLE) for path, runs in scripts.items())


def test_import_keeps_the_execute_bit_of_a_plugins_files(pack: Path, tmp_path: Path) -> None:
    api.export(pack)
    into = tmp_path / "imported"
    api.import_(pack / "dist" / "claude", into)
    found = _runnable(into)
    assert found["bin/tool"] is True
    assert found["skills/s/scripts/run.sh"] is True
    assert found["skills/s/notes.txt"] is False
    assert found["mcp/tool.yaml"] is False


def test_a_link_in_place_of_a_copy_is_replaced_not_followed(pack: Path, tmp_path: Path) -> None:
    """Putting a lost execute bit back must not chmod what a link there points to."""
    api.export(pack)
    outside = tmp_path / "outside"
    outside.write_text("plain\n")
    outside.chmod(0o755)
    copy = pack / "dist" / "claude" / "skills" / "s" / "notes.txt"
    outside.write_bytes(copy.read_bytes())
    copy.unlink()
    copy.symlink_to(outside)
    api.export(pack)
    assert not copy.is_symlink()
    assert not copy.stat().st_mode & stat.S_IXUSR
    assert outside.stat().st_mode & stat.S_IXUSR  # untouched


def test_a_link_in_place_of_a_program_is_replaced_too(pack: Path, tmp_path: Path) -> None:
    """A link to a runnable file with the same bytes looks like the program, by its bytes
    and its bits; it is replaced all the same, so that what it points to cannot change the
    output unseen."""
    api.export(pack)
    copy = pack / "dist" / "claude" / "skills" / "s" / "scripts" / "run.sh"
    outside = tmp_path / "outside.sh"
    outside.write_bytes(copy.read_bytes())
    outside.chmod(0o755)
    copy.unlink()
    copy.symlink_to(outside)
    api.export(pack)
    assert not copy.is_symlink()
    assert copy.stat().st_mode & stat.S_IXUSR
    outside.write_text("#!/bin/sh\necho changed\n")
    assert copy.read_text() == PROGRAM
    assert not api.export(pack, check=True).stale
