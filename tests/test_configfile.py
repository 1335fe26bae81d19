"""Entries in the user's own configuration files: added key by key, never over the user's
own, and taken out again to the byte."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentpack import jsontext
from agentpack.configentry import Entry
from agentpack.configfile import apply, undo
from agentpack.restore import digest as restore_digest
from agentpack.restore import loaded
from agentpack.source import tomllib  # tomli before Python 3.11

SERVER = {"command": "python3", "args": ["/x/echo.py"], "env": {"A": "${A}"}}
HOOK = {"matcher": "Bash", "hooks": [{"type": "command", "command": "python3 /x/guard.py"}]}
CLAUDE_SETTINGS = """{
  // mine
  "theme": "dark",
  "hooks": {
    "PreToolUse": [
      {"matcher": "Edit", "hooks": [{"type": "command", "command": "lint"}]}
    ]
  }
}
"""
CODEX_CONFIG = """# my Codex settings
model = "gpt-5.5"  # the one I like

[mcp_servers.mine]
command = "my-server"
"""


def _round_trip(path: Path, entries: list[Entry]) -> str:
    before = path.read_bytes() if path.exists() else None
    actions, records = apply(entries, [], force=False, dry_run=False)
    assert all(a[1] == "add" for a in actions), actions
    during = path.read_text(encoding="utf-8")
    undone, left = undo(records, force=False, dry_run=False)
    assert left == []
    assert all(a[1] == "remove" for a in undone), undone
    assert (path.read_bytes() if path.exists() else None) == before
    return during


def test_json_with_comments_gains_a_server_and_a_hook_and_loses_them(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(CLAUDE_SETTINGS)
    entries = [
        Entry(path, ("mcpServers", "echo"), SERVER),
        Entry(path, ("hooks", "PreToolUse"), HOOK, append=True),
        Entry(path, ("hooks", "Stop"), HOOK, append=True),
    ]
    during = _round_trip(path, entries)
    assert "// mine" in during
    assert '"matcher": "Edit"' in during
    assert during.index("Edit") < during.index('"Bash"')


def test_a_file_that_was_not_there_is_not_there_after(tmp_path: Path) -> None:
    for name in ("new.json", "new.toml"):
        path = tmp_path / "sub" / name
        path.parent.mkdir(exist_ok=True)
        during = _round_trip(path, [Entry(path, ("mcp_servers", "echo"), SERVER)])
        assert "echo" in during


def test_toml_keeps_the_users_comments_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CODEX_CONFIG)
    during = _round_trip(path, [Entry(path, ("mcp_servers", "echo"), SERVER)])
    assert during.startswith(CODEX_CONFIG)
    assert tomllib.loads(during)["mcp_servers"]["echo"] == SERVER


def test_the_users_own_entry_is_never_replaced_without_force(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CODEX_CONFIG)
    entry = Entry(path, ("mcp_servers", "mine"), SERVER)
    actions, records = apply([entry], [], force=False, dry_run=False)
    assert actions[0][1] == "skip"
    assert "--force" in actions[0][2]
    assert records == []
    assert path.read_text() == CODEX_CONFIG
    actions, records = apply([entry], [], force=True, dry_run=False)
    assert actions[0][1] == "update"
    assert "stays when agentpack is uninstalled" in actions[0][2]
    assert tomllib.loads(path.read_text())["mcp_servers"]["mine"] == SERVER
    assert records == []  # the user's entry, replaced on request: not agentpack's to remove


def test_a_value_the_user_changed_stays_on_uninstall(tmp_path: Path) -> None:
    path = tmp_path / "opencode.json"
    path.write_text('{"model": "x"}\n')
    _, records = apply([Entry(path, ("mcp", "echo"), SERVER)], [], force=False, dry_run=False)
    data = json.loads(path.read_text())
    data["mcp"]["echo"]["enabled"] = False
    path.write_text(json.dumps(data))
    actions, _ = undo(records, force=False, dry_run=False)
    assert actions[0][1] == "skip"
    assert json.loads(path.read_text())["mcp"]["echo"]["enabled"] is False


def test_reinstall_updates_ours_and_drops_what_the_pack_no_longer_has(tmp_path: Path) -> None:
    path = tmp_path / "opencode.json"
    path.write_text('{"model": "x"}\n')
    first = [Entry(path, ("mcp", "a"), SERVER), Entry(path, ("mcp", "b"), SERVER)]
    _, records = apply(first, [], force=False, dry_run=False)
    changed = {**SERVER, "args": ["/y"]}
    actions, records = apply(
        [Entry(path, ("mcp", "a"), changed)], records, force=False, dry_run=False
    )
    assert sorted(a[1] for a in actions) == ["remove", "update"]
    assert json.loads(path.read_text())["mcp"] == {"a": changed}
    undo(records, force=False, dry_run=False)
    assert path.read_text() == '{"model": "x"}\n'


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(CLAUDE_SETTINGS)
    actions, _ = apply([Entry(path, ("mcpServers", "e"), SERVER)], [], force=False, dry_run=True)
    assert actions[0][1] == "add"
    assert path.read_text() == CLAUDE_SETTINGS


def test_a_broken_file_is_left_alone_with_a_located_reason(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"a": 1,, }')
    actions, records = apply([Entry(path, ("x",), 1)], [], force=False, dry_run=False)
    assert actions[0][1] == "skip"
    assert "1:9" in actions[0][2]
    assert records == []


keys = st.text(alphabet="abc", min_size=1, max_size=2)
documents = st.dictionaries(
    keys,
    st.recursive(
        st.integers(0, 9) | st.text(max_size=3),
        lambda inner: st.dictionaries(keys, inner, max_size=3) | st.lists(inner, max_size=2),
        max_leaves=6,
    ),
    max_size=4,
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    document=documents,
    layout=st.sampled_from([None, 2, "\t"]),
    wanted=st.lists(
        st.tuples(st.lists(keys, min_size=1, max_size=3), st.booleans(), st.integers(0, 9)),
        max_size=4,
    ),
)
def test_install_then_uninstall_is_byte_identical(
    tmp_path: Path, document: dict[str, Any], layout: Any, wanted: list[Any]
) -> None:
    path = tmp_path / "config.json"
    text = json.dumps(document, indent=layout) + "\n"
    path.write_text(text)
    seen: set[tuple[str, ...]] = set()
    entries = []
    for path_keys, append, number in wanted:
        if tuple(path_keys) not in seen:
            seen.add(tuple(path_keys))
            entries.append(Entry(path, tuple(path_keys), {"n": number}, append))
    _, records = apply(entries, [], force=False, dry_run=False)
    json.loads(path.read_text())
    undo(records, force=False, dry_run=False)
    assert path.read_text() == text


def test_two_hook_groups_of_one_event_are_two_entries(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(CLAUDE_SETTINGS)
    other = {**HOOK, "matcher": "Edit"}
    entries = [
        Entry(path, ("hooks", "PreToolUse"), HOOK, append=True),
        Entry(path, ("hooks", "PreToolUse"), other, append=True),
    ]
    _, records = apply(entries, [], force=False, dry_run=False)
    assert len(records) == 2
    # the pack drops one hook: the next install takes exactly that one out
    _, records = apply(entries[:1], records, force=False, dry_run=False)
    text = path.read_text()
    assert len(jsontext.value(text, jsontext.parse(text))["hooks"]["PreToolUse"]) == 2
    undo(records, force=False, dry_run=False)
    assert path.read_text() == CLAUDE_SETTINGS


@pytest.mark.parametrize(
    "text",
    [
        'mcp_servers.gh.command = "gh"\nmodel = "o3"\n',
        'mcp_servers = { gh = { command = "gh" } }\n',
        '[mcp_servers.a]\ncommand = "a"\n[other]\nx = 1\n[mcp_servers.b]\ncommand = "b"\n',
    ],
    ids=["dotted", "inline", "out-of-order"],
)
def test_a_toml_layout_the_editor_would_get_wrong_is_left_alone(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    actions, records = apply(
        [Entry(path, ("mcp_servers", "echo"), SERVER)], [], force=False, dry_run=False
    )
    if actions[0][1] == "add":  # tomlkit managed it: then exactly the entry was added
        data = tomllib.loads(path.read_text())
        assert data["mcp_servers"].pop("echo") == SERVER
        assert data == tomllib.loads(text)
        undo(records, force=False, dry_run=False)
        assert tomllib.loads(path.read_text()) == tomllib.loads(text)
    else:
        assert actions[0][1] == "skip"
        assert "by hand" in actions[0][2]
        assert path.read_text() == text


def test_crlf_and_a_bom_come_back_as_they_were(tmp_path: Path) -> None:
    """The lines an install adds to a CRLF file end in CRLF too (they were LF, so the
    file had both), and the uninstall gives back the same bytes."""
    path = tmp_path / "settings.json"
    data = ("\ufeff" + CLAUDE_SETTINGS.replace("\n", "\r\n")).encode("utf-8")
    path.write_bytes(data)
    _, records = apply(
        [Entry(path, ("mcpServers", "echo"), SERVER)], [], force=False, dry_run=False
    )
    during = path.read_bytes()
    assert during.count(b"\n") == during.count(b"\r\n") > data.count(b"\r\n")
    undo(records, force=False, dry_run=False)
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("config.toml", '[mcp_servers.mine]\ncommand = "x"\n[other]\nz = 1\n'),
        ("config.toml", '[mcp_servers.mine]\ncommand = "x"\n# the next one\n[other]\nz = 1\n'),
        ("config.toml", 'mcp_servers = { context7 = { command = "npx" } }\n'),
        ("mcp.json", '{\n  "mcpServers": {\n    // none yet\n  }\n}\n'),
        ("mcp.json", '{\n  "mcpServers": {\n    "a": {"command": "a"} // docs\n  }\n}\n'),
    ],
    ids=["next-header", "comment-heads-table", "inline", "jsonc-comment-only", "jsonc-trailing"],
)
def test_an_install_and_uninstall_leave_the_file_to_the_byte(
    tmp_path: Path, name: str, text: str
) -> None:
    """Taken out by structure, these kept a blank line (tomlkit), spaces in an inline
    table, or a comment moved to a line of its own: the install's text change is now
    undone as it was made."""
    path = tmp_path / name
    path.write_text(text)
    keys = ("mcp_servers" if name.endswith(".toml") else "mcpServers", "echo")
    _round_trip(path, [Entry(path, keys, SERVER), Entry(path, (keys[0], "gh"), SERVER)])


def test_an_upgrade_then_an_uninstall_leave_the_file_to_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CODEX_CONFIG)
    first = [Entry(path, ("mcp_servers", "echo"), SERVER)]
    _, records = apply(first, [], force=False, dry_run=False)
    changed = {**SERVER, "args": ["/y/echo.py"]}
    upgrade = [Entry(path, ("mcp_servers", "echo"), changed), Entry(path, ("tools", "x"), True)]
    _, records = apply(upgrade, records, force=False, dry_run=False)
    assert tomllib.loads(path.read_text())["mcp_servers"]["echo"] == changed
    undo(records, force=False, dry_run=False)
    assert path.read_text() == CODEX_CONFIG


def test_a_file_the_user_changed_since_loses_the_entries_and_keeps_the_change(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CODEX_CONFIG)
    _, records = apply(
        [Entry(path, ("mcp_servers", "echo"), SERVER)], [], force=False, dry_run=False
    )
    path.write_text(path.read_text().replace('"gpt-5.5"', '"gpt-6"'))
    actions, _ = undo(records, force=False, dry_run=False)
    assert [a[1] for a in actions] == ["remove"]
    assert tomllib.loads(path.read_text()) == tomllib.loads(CODEX_CONFIG.replace("5.5", "6"))


def test_an_upgrade_that_drops_every_entry_of_a_file_leaves_it_to_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[mcp_servers.mine]\ncommand = "x"\n[other]\nz = 1\n\n\n')
    before = path.read_text()
    entries = [Entry(path, ("mcp_servers", n), SERVER) for n in ("s1", "s2")]
    _, records = apply(entries, [], force=False, dry_run=False)
    _, records = apply(entries[1:], records, force=False, dry_run=False)  # s1 goes
    undo(records, force=False, dry_run=False)
    assert path.read_text() == before  # the blank lines at its end too
    _, records = apply(entries, [], force=False, dry_run=False)
    _, records = apply([], records, force=False, dry_run=False)  # every entry goes
    assert (path.read_text(), records) == (before, [])


def test_a_record_that_would_put_back_more_than_layout_is_not_followed(tmp_path: Path) -> None:
    """A record is a file anyone with the folder can write: one that puts back a server
    of its own, or changes a value by a space inside a string, is not followed; the
    entries go by structure."""
    path = tmp_path / "mcp.json"
    path.write_text('{\n  "mcpServers": {"mine": {"command": "my-server"}}\n}\n')
    _, records = apply([Entry(path, ("mcpServers", "s"), SERVER)], [], force=False, dry_run=False)
    text = path.read_text()
    evil = '{"mcpServers": {"evil": {"command": "sh"}}}'
    assert loaded([restore_digest(text), [[0, len(text), evil]]]) is None
    inside = text.index("my-server") + 2  # a space inside the user's value
    forged = [replace(r, restore=(restore_digest(text), ((inside, inside, " "),))) for r in records]
    undo(forged, force=False, dry_run=False)
    assert json.loads(path.read_text()) == {"mcpServers": {"mine": {"command": "my-server"}}}
