"""A user's configuration file as agentpack edits it: files it cannot read or write are
one-line refusals, and what an install adds comes out again to the byte."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from agentpack.configdoc import Document
from agentpack.configentry import Entry
from agentpack.configfile import apply, undo
from agentpack.errors import OutputError

SERVER = {"command": "npx", "args": ["-y", "some-server"]}


def test_a_file_that_is_not_utf_8_is_a_one_line_refusal(tmp_path: Path) -> None:
    """A UTF-16 ``mcp.json`` (PowerShell 5's ``Out-File``) gave a traceback."""
    path = tmp_path / "mcp.json"
    path.write_bytes('{"mcpServers": {}}'.encode("utf-16"))
    with pytest.raises(OutputError, match=r"mcp.json: not UTF-8 text \(byte 0\); save it as UTF-8"):
        Document(path)
    actions, records = apply(
        [Entry(path, ("mcpServers", "s"), SERVER)], [], force=False, dry_run=False
    )
    assert [a[1] for a in actions] == ["skip"]
    assert records == []


def test_a_read_only_file_is_left_as_it_is(tmp_path: Path) -> None:
    """A config file made read-only on purpose was replaced all the same."""
    path = tmp_path / "settings.json"
    path.write_text("{}\n")
    os.chmod(path, 0o444)
    actions, _ = apply([Entry(path, ("mcpServers", "s"), SERVER)], [], force=False, dry_run=False)
    assert actions[0][1:] == (
        "skip",
        f"{path}: the file is read-only; make it writable for agentpack to edit, or edit it "
        "by hand",
    )
    assert path.read_text() == "{}\n"


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.symlink_to(p.name), "a link that leads to a loop of links"),
        (lambda p: p.symlink_to(p.parent / "gone" / "x.toml"), "a link that leads to nothing"),
        (os.mkfifo, "not a regular file"),
    ],
)
def test_a_file_agentpack_cannot_edit_is_skipped_and_left_as_it_is(
    tmp_path: Path, make: Callable[[Path], None], said: str
) -> None:
    """A ``config.toml`` linked to itself gave a traceback; one linked to a file that is
    not there made that file and its folders; a FIFO was replaced by a file."""
    path = tmp_path / "config.toml"
    make(path)
    actions, records = apply(
        [Entry(path, ("mcp_servers", "s"), SERVER)], [], force=False, dry_run=False
    )
    assert [a[1] for a in actions] == ["skip"]
    assert said in actions[0][2]
    assert records == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_a_folder_that_cannot_be_written_is_a_skip_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('model = "o3"\n')

    def refused(self: Document, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Document, "save", refused)
    actions, records = apply(
        [Entry(path, ("mcp_servers", "s"), SERVER)], [], force=False, dry_run=False
    )
    assert actions == [
        (
            f"{path}: mcp_servers.s",
            "skip",
            f"cannot write {path} (Permission denied); add the entries by hand",
        )
    ]
    assert records == []


@pytest.mark.parametrize("blank", ["", "\n\n", "  "])
def test_a_blank_json_file_is_blank_again_after(tmp_path: Path, blank: str) -> None:
    """A 0-byte ``.mcp.json`` came back from install and uninstall as ``{}``."""
    path = tmp_path / ".mcp.json"
    path.write_text(blank)
    _, records = apply([Entry(path, ("mcpServers", "s"), SERVER)], [], force=False, dry_run=False)
    assert "some-server" in path.read_text()
    undo(records, force=False, dry_run=False)
    assert path.read_text() == blank


def test_the_last_server_table_goes_when_only_its_header_made_the_parent(tmp_path: Path) -> None:
    """With the user's own server removed (``codex mcp remove``), the pack's table was the
    last under ``mcp_servers``, which only its header implied: tomlkit drops that parent,
    and the edit was refused, leaving the server for good."""
    path = tmp_path / "config.toml"
    path.write_text('model = "o3"\n\n[mcp_servers.mine]\ncommand = "x"\n')
    _, records = apply([Entry(path, ("mcp_servers", "s"), SERVER)], [], force=False, dry_run=False)
    path.write_text(path.read_text().replace('[mcp_servers.mine]\ncommand = "x"\n\n', ""))
    actions, _ = undo(records, force=False, dry_run=False)
    assert [a[1] for a in actions] == ["remove"]
    assert path.read_text() == 'model = "o3"\n'


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("a.json", '{"a": }', "a.json:1:7: not JSON here: expected a value"),
        ("a.toml", "a = \n", "a.toml:1:5: Unexpected character: '\\n'"),
        ("b.toml", "a = 1\na = 2\n", 'b.toml:2:1: Key "a" already exists'),
    ],
)
def test_a_file_that_does_not_parse_says_where_once(
    tmp_path: Path, name: str, text: str, said: str
) -> None:
    """The position came twice ("mcp.json:1:9: 1:9: not JSON here")."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(OutputError) as caught:
        Document(path)
    assert str(caught.value) == f"{tmp_path}/{said}; fix the file, then run agentpack again"


def test_a_file_whose_top_level_is_no_object_says_so(tmp_path: Path) -> None:
    """The reason read "( is not an object here)"."""
    path = tmp_path / "mcp.json"
    path.write_text("[1, 2]\n")
    actions, _ = apply([Entry(path, ("mcpServers", "s"), SERVER)], [], force=False, dry_run=False)
    assert actions[0][1:] == (
        "skip",
        f"{path}:1:1: the file's top level is not an object; fix the file or add it by hand",
    )
    path.write_text('{\n  "mcpServers": [],\n  "hooks": {"Stop": null}\n}\n')
    entries = [Entry(path, ("mcpServers", "s"), SERVER), Entry(path, ("hooks", "Stop"), {}, True)]
    actions, _ = apply(entries, [], force=False, dry_run=False)
    assert [a[2].split(": ")[0] for a in actions] == [f"{path}:2:3", f"{path}:3:13"]


def test_an_entry_an_uninstall_could_not_take_out_stays_recorded(tmp_path: Path) -> None:
    """Uninstall against a read-only file said to make it writable, and forgot the entry:
    the next uninstall, with the file writable, left the server for good."""
    path = tmp_path / "settings.json"
    path.write_text("{}\n")
    _, records = apply([Entry(path, ("mcpServers", "s"), SERVER)], [], force=False, dry_run=False)
    os.chmod(path, 0o444)
    actions, kept = undo(records, force=False, dry_run=False)
    assert [a[1] for a in actions] == ["skip"]
    assert kept == records
    os.chmod(path, 0o644)
    actions, kept = undo(kept, force=False, dry_run=False)
    assert ([a[1] for a in actions], kept) == (["remove"], [])
    assert path.read_text() == "{}\n"


def test_an_entry_as_agentpack_now_writes_it_is_ours_again(tmp_path: Path) -> None:
    """An entry an older agentpack wrote otherwise (Codex's table with ``type``), which the
    tool then rewrote as agentpack now writes it, stayed "changed since agentpack wrote it"
    for every later uninstall."""
    path = tmp_path / "config.toml"
    old = {**SERVER, "type": "stdio"}
    _, records = apply([Entry(path, ("mcp_servers", "s"), old)], [], force=False, dry_run=False)
    path.write_text(path.read_text().replace('type = "stdio"\n', ""))  # the tool's rewrite
    actions, records = apply(
        [Entry(path, ("mcp_servers", "s"), SERVER)], records, force=False, dry_run=False
    )
    assert [a[1] for a in actions] == ["same"]
    actions, _ = undo(records, force=False, dry_run=False)
    assert [a[1] for a in actions] == ["remove"]
    assert not path.exists()
