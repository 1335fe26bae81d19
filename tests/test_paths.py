"""Path safety: every way a name or a resource could land outside the output, or fail on
another system, is refused with a clear message or handled without writing outside."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from agentpack import api
from agentpack.errors import UnsafePath
from tests.conftest import MakePack

SKILL = "---\nname: s\ndescription: d\n---\nx\n"


def messages(root: Path) -> list[str]:
    return [str(f) for f in api.validate(root).findings]


def test_dotdot_and_slashes_in_names_fail_the_schema(make_pack: MakePack) -> None:
    root = make_pack({"agents/x.md": "---\nname: ../x\ndescription: d\n---\n"})
    assert messages(root)[0].startswith(
        "agents/x.md:2:7: error: name: '../x' is not a valid name; use lowercase letters"
    )


@pytest.mark.parametrize("name", ["con", "aux", "nul", "com1", "lpt9"])
def test_names_windows_reserves_are_refused(name: str, make_pack: MakePack) -> None:
    root = make_pack({f"agents/{name}.md": f"---\nname: {name}\ndescription: d\n---\n"})
    assert messages(root) == [
        f"agents/{name}.md:2:7: error: name: {name!r} is a name Windows reserves for a device; "
        "files named so cannot be created there, choose another name"
    ]


@pytest.mark.parametrize(
    ("filename", "problem"),
    [
        ("back\\slash.txt", "has a character Windows or the shell cannot take"),
        ("colon:name.txt", "has a character Windows or the shell cannot take"),
        ("ctrl\x01.txt", "has a character Windows or the shell cannot take"),
        ("aux.md", "has a name Windows reserves"),
        ("trailing.", "has a name ending in a space or a dot, which Windows drops"),
    ],
)
def test_resource_names_that_cannot_be_written_everywhere(
    filename: str, problem: str, make_pack: MakePack
) -> None:
    root = make_pack({"skills/s/SKILL.md": SKILL, f"skills/s/{filename}": "x"})
    found = messages(root)
    assert len(found) == 1
    assert found[0].startswith(f"skills/s/{filename}:1:1: error: -: this file name {problem}")


def test_resources_colliding_by_case(make_pack: MakePack) -> None:
    root = make_pack(
        {"skills/s/SKILL.md": SKILL, "skills/s/Data.txt": "1", "skills/s/data.txt": "2"}
    )
    assert messages(root) == [
        "skills/s/data.txt:1:1: error: -: this name differs from 'Data.txt' only in letter case "
        "or Unicode normalisation; rename one"
    ]


def test_resources_colliding_by_unicode_normalisation(make_pack: MakePack) -> None:
    nfc, nfd = unicodedata.normalize("NFC", "café.txt"), unicodedata.normalize("NFD", "café.txt")
    root = make_pack({"skills/s/SKILL.md": SKILL, f"skills/s/{nfc}": "1", f"skills/s/{nfd}": "2"})
    found = messages(root)
    assert len(found) == 1
    assert "only in letter case or Unicode normalisation" in found[0]


def test_a_symlink_out_of_the_pack_is_refused(make_pack: MakePack, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not copy me")
    root = make_pack({"skills/s/SKILL.md": SKILL})
    os.symlink(secret, root / "skills" / "s" / "leak.txt")
    assert messages(root) == [
        "skills/s/leak.txt:1:1: error: -: this symlink points outside the pack; copy the file "
        "into the skill instead"
    ]


def test_a_symlink_inside_the_pack_is_copied_as_a_file(make_pack: MakePack) -> None:
    root = make_pack({"skills/s/SKILL.md": SKILL, "shared/notes.md": "shared notes\n"})
    os.symlink(root / "shared" / "notes.md", root / "skills" / "s" / "notes.md")
    api.export(root)
    copied = root / "dist" / "claude" / "skills" / "s" / "notes.md"
    assert not copied.is_symlink()
    assert copied.read_text() == "shared notes\n"


def test_an_output_folder_that_is_a_symlink_is_refused(make_pack: MakePack, tmp_path: Path) -> None:
    root = make_pack({"agents/a.md": "---\nname: a\ndescription: d\n---\n"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, root / "dist")
    with pytest.raises(UnsafePath, match="symlink"):
        api.export(root)
    assert list(elsewhere.iterdir()) == []


def test_a_marketplace_path_with_dotdot_is_refused(make_pack: MakePack) -> None:
    manifest = (
        "name: p\nversion: 1.0.0\ndescription: d\nclaude:\n  marketplace:\n"
        "    path: ../elsewhere/.claude-plugin/marketplace.json\n"
    )
    root = make_pack({}, manifest=manifest)
    assert messages(root)[0].startswith("agentpack.yaml:6:11: error: claude.marketplace")


@pytest.mark.slow
def test_limits_give_clear_errors_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """A 20 MB prompt is refused quickly; 10,000 agents validate under 1 GiB of memory."""
    from bench.gen import generate

    huge = tmp_path / "huge"
    (huge / "agents").mkdir(parents=True)
    (huge / "agentpack.yaml").write_text("name: p\nversion: 1.0.0\ndescription: d\n")
    (huge / "agents" / "a.md").write_bytes(
        b"---\nname: a\ndescription: d\n---\n" + b"x" * 20_000_000
    )
    generate(tmp_path / "big", 10_000)
    limit = (
        "import resource, sys, runpy; "
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
        "sys.argv = ['agentpack'] + sys.argv[1:]; "
        "runpy.run_module('agentpack', run_name='__main__')"
    )
    result = subprocess.run(
        [sys.executable, "-c", limit, "validate", "--pack", str(huge)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "the file is 19.1 MiB; the limit is 4 MiB per file" in result.stdout
    result = subprocess.run(
        [sys.executable, "-c", limit, "validate", "--pack", str(tmp_path / "big" / "pack")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "10000 agents, 2000 commands" in result.stderr


@pytest.mark.parametrize("rel", ["agents/x.md", "commands/x.md", "skills/x/SKILL.md"])
def test_an_item_file_linked_from_outside_the_pack_is_an_error(
    make_pack: MakePack, tmp_path: Path, rel: str
) -> None:
    """Every target's folder gets a copy of a pack's item files: one linked from elsewhere
    (``agents/x.md -> ~/.ssh/config``) is refused, as a skill's linked files are."""
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\nname: x\ndescription: From elsewhere\n---\nsecret\n")
    root = make_pack({})
    link = root / rel
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    result = api.validate(root)
    assert [str(f) for f in result.findings if f.is_error] == [
        f"{rel}:1:1: error: -: this symlink points outside the pack; copy the file in instead"
    ]


def test_an_item_in_a_folder_linked_from_outside_the_pack_is_an_error(
    make_pack: MakePack, tmp_path: Path
) -> None:
    """The link may be a folder on the way (``agents -> /elsewhere``), not the file."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.md").write_text("---\nname: x\ndescription: From elsewhere\n---\nsecret\n")
    root = make_pack({})
    (root / "agents").symlink_to(outside, target_is_directory=True)
    result = api.validate(root)
    assert [str(f) for f in result.findings if f.is_error] == [
        "agents/x.md:1:1: error: -: this symlink points outside the pack; copy the file in instead"
    ]
