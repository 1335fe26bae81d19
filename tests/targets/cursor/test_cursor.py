"""The Cursor target: what readonly can hold an agent to, plain-markdown commands, and the
plugin manifest against the schema Cursor publishes. (Every target's contract is in
tests/targets/test_contract.py.)

``plugin.schema.json`` here is Cursor's own, verbatim: ``cursor/plugins``,
``schemas/plugin.schema.json`` at commit 100d651caacc7f72a69aa2db2684e0341a40534e (the
file their CI validates every published plugin with). No Cursor client runs here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator, FormatChecker

from agentpack import api
from agentpack.permissions import Decision, Policy
from agentpack.targets import Registry
from agentpack.targets.cursor.permissions import agent_rights
from tests.conftest import ROOT, MakePack
from tests.packgen import write_pack

CURSOR = Registry(third_party=False).get("cursor")
SCHEMA = json.loads((Path(__file__).parent / "plugin.schema.json").read_text(encoding="utf-8"))
ALLOW, DENY = Decision.ALLOW, Decision.DENY


def _agent(tools: str = "", extra: str = "") -> str:
    return f"---\nname: a\ndescription: An agent.\n{tools}{extra}---\nWork.\n"


def _plugin_problems(dist: Path) -> list[str]:
    manifest = json.loads((dist / ".cursor-plugin" / "plugin.json").read_text(encoding="utf-8"))
    validator = Draft7Validator(SCHEMA, format_checker=FormatChecker())
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(manifest)]


@pytest.mark.parametrize("pack", ["reference", "full", "hostile"])
def test_the_plugin_passes_cursors_schema(pack: str, tmp_path: Path) -> None:
    if pack == "reference":
        root = ROOT
        out = tmp_path / "dist"
    else:
        root = (
            ROOT / "tests" / "packs" / "full"
            if pack == "full"
            else write_pack(tmp_path / "pack", agents=20)
        )
        out = tmp_path / "dist"
    api.export(root, ["cursor"], out=out)
    assert _plugin_problems(out / "cursor") == []


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    plugin = tmp_path / ".cursor-plugin" / "plugin.json"
    plugin.parent.mkdir()
    plugin.write_text(json.dumps({"name": "x", "author": {"name": "a", "url": "https://a"}}))
    assert _plugin_problems(tmp_path) != []


@pytest.mark.parametrize(
    ("policy", "readonly", "cannot"),
    [
        (None, False, []),
        (Policy.build(None, None, (), ["write", "edit"]), True, []),
        (Policy.build(None, None, ["notebook"], ["mcp:github"]), True, []),
        (Policy.build(None, None, (), ["bash"]), False, ["bash"]),
        (Policy.build(None, None, (), (), {"git push *": DENY}), False, ["bash"]),
        (Policy.build(None, ["read", "grep"]), True, ["glob", "list", "bash", "webfetch"]),
    ],
)
def test_readonly_is_the_only_permission(
    policy: Policy | None, readonly: bool, cannot: list[str]
) -> None:
    found = agent_rights(policy)
    assert found.readonly is readonly
    assert found.cannot[: len(cannot)] == cannot


def test_an_agent_readonly_cannot_hold_is_left_out(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": _agent("tools:\n  deny: [bash]\n")})
    result = api.export(root, ["cursor"])
    assert not (root / "dist" / "cursor" / "agents" / "a.md").exists()
    (note,) = [f for f in result.findings if f.path == "agents/a.md"]
    assert "cannot restrict bash" in note.message
    effective = CURSOR.effective(Policy.build(None, None, (), ["bash"]))
    assert all(v in (DENY, None) for v in effective.values())


def test_a_read_only_agent_and_its_notes(make_pack: MakePack) -> None:
    tools = "tools:\n  deny: [write, edit]\n"
    root = make_pack({"agents/a.md": _agent(tools, "cursor:\n  is_background: true\n")})
    result = api.export(root, ["cursor"])
    text = (root / "dist" / "cursor" / "agents" / "a.md").read_text()
    head = yaml.safe_load(text.split("---\n")[1])
    assert head == {
        "name": "a",
        "description": "An agent.",
        "readonly": True,
        "is_background": True,
    }
    narrowed = {f.field for f in result.findings if "narrowed" in f.message}
    # readonly takes those too, and the shell commands Cursor judges to change state
    assert narrowed == {"tools.notebook", "tools.mcp:*", "tools.bash"}


def test_commands_are_plain_markdown_that_says_what_placeholders_mean(
    make_pack: MakePack, tmp_path: Path
) -> None:
    files = {
        "commands/fix.md": "---\ndescription: Fix it\n---\nFix $1.\n",
        "commands/plain.md": "---\ndescription: Plain\n---\nJust do it.\n",
    }
    root = make_pack(files)
    api.export(root, ["cursor"])
    commands = root / "dist" / "cursor" / "commands"
    assert (commands / "plain.md").read_text() == "Just do it.\n"
    fix = (commands / "fix.md").read_text()
    assert fix.startswith("In this command, `$ARGUMENTS` stands for")
    assert fix.endswith("\n\nFix $1.\n")
    api.import_(root / "dist" / "cursor", tmp_path / "back", "cursor")
    back = api.load_pack(tmp_path / "back")
    assert {c.name: c.body for c in back.commands} == {"fix": "Fix $1.\n", "plain": "Just do it.\n"}


def test_install_roots(tmp_path: Path) -> None:
    (user,) = CURSOR.install_roots("user", {}, tmp_path, tmp_path / "repo")
    assert user.folder == tmp_path / ".cursor"
    (project,) = CURSOR.install_roots("project", {}, tmp_path, tmp_path / "repo")
    assert project.folder == tmp_path / "repo" / ".cursor"
    assert project.prefixes == ("agents/", "commands/", "skills/")


def test_cursors_guard_hooks_are_a_warning_when_imported(tmp_path: Path) -> None:
    """A real project guards every Cursor agent with beforeShellExecution and
    beforeReadFile hooks; a pack does not read Cursor's hooks, so the agents imported with
    them lose the guard everywhere: a warning at each, not only a "not read" line."""
    cursor = tmp_path / "src" / ".cursor"
    (cursor / "agents").mkdir(parents=True)
    (cursor / "agents" / "a.md").write_text("---\nname: a\ndescription: A.\n---\nA.\n")
    hooks = {
        "version": 1,
        "hooks": {
            "beforeShellExecution": [{"command": "./hooks/guard.sh"}],
            "afterFileEdit": [{"command": "./hooks/format.sh"}],
        },
    }
    (cursor / "hooks.json").write_text(json.dumps(hooks, indent=2))
    result = api.import_(tmp_path / "src", tmp_path / "pack", dry_run=True)
    found = [f for r in result.reports for f in r.findings]
    said = [(f.line, f.field) for f in found if f.path == ".cursor/hooks.json"]
    assert said == [(4, "hooks.beforeShellExecution")]


def test_a_plugins_fields_a_pack_does_not_keep_are_said(tmp_path: Path) -> None:
    """A real Cursor plugin has displayName, category, tags and logo: the import kept the
    name and version and said nothing of the rest."""
    src = tmp_path / "src"
    (src / ".cursor-plugin").mkdir(parents=True)
    meta = {"name": "team", "version": "1.0.0", "description": "d", "displayName": "Team"}
    (src / ".cursor-plugin" / "plugin.json").write_text(json.dumps({**meta, "tags": ["a"]}))
    result = api.import_(src, tmp_path / "pack", "cursor", dry_run=True)
    (report,) = [r for r in result.reports if r.kind == "plugin"]
    assert report.mapped == ["description", "name", "version"]
    assert [d.split(" (")[0] for d in report.dropped] == ["displayName", "tags"]


def test_servers_under_vs_codes_key_in_cursors_file_are_not_read(tmp_path: Path) -> None:
    """A real ``.cursor/mcp.json`` keys its servers ``servers``, as VS Code does: Cursor
    never starts them, and the import gave them to every tool."""
    cursor = tmp_path / "src" / ".cursor"
    (cursor / "agents").mkdir(parents=True)
    (cursor / "agents" / "a.md").write_text("---\nname: a\ndescription: A.\n---\nA.\n")
    servers = {"servers": {"db": {"type": "stdio", "command": "python", "args": ["db.py"]}}}
    (cursor / "mcp.json").write_text(json.dumps(servers, indent=2))
    result = api.import_(tmp_path / "src", tmp_path / "pack", dry_run=True)
    assert not [f.path for f in result.files if f.path.startswith("mcp/")]
    found = [f for r in result.reports for f in r.findings if f.path == ".cursor/mcp.json"]
    assert [(f.line, f.field, f.message.split(",")[0]) for f in found] == [
        (2, "servers", "Cursor reads mcpServers only")
    ]


@pytest.mark.parametrize(
    ("lines", "allowed", "denied"),
    [
        ("disallowedTools: Bash, Write, Edit\n", ["read", "grep"], ["bash", "write", "edit"]),
        ("tools: Read, Grep\n", ["read", "grep"], ["bash", "write", "webfetch"]),
        ("tools: Read, Bash\nreadonly: true\n", ["read"], ["bash", "write", "grep"]),
    ],
)
def test_another_tools_lists_in_a_cursor_agent_are_read_as_their_author_meant(
    tmp_path: Path, lines: str, allowed: list[str], denied: list[str]
) -> None:
    """Cursor ignores ``tools`` and ``disallowedTools`` in its agents (they get every
    tool): the import said "dropped" and gave the agent every tool in every export, where
    the Copilot reader reads the same lines the narrower way."""
    cursor = tmp_path / "src" / ".cursor"
    (cursor / "agents").mkdir(parents=True)
    (cursor / "agents" / "a.md").write_text(f"---\nname: a\ndescription: d\n{lines}---\nA.\n")
    api.import_(tmp_path / "src", tmp_path / "pack")
    agent = api.load_pack(tmp_path / "pack").agent("a")
    assert agent is not None
    assert agent.policy is not None
    assert [agent.policy.decide(t) for t in allowed] == [Decision.ALLOW] * len(allowed)
    assert [agent.policy.decide(t) for t in denied] == [Decision.DENY] * len(denied)
