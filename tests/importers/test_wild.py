"""Shapes found in public repositories that an import once read wrongly or passed over in
silence: each is read the way its tool reads it, or said not to be read, and a reading that
differs from the tool's only ever narrows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentpack import api
from agentpack.model import Pack
from agentpack.permissions import Decision
from agentpack.targets.copilot.readtools import tool_ids
from tests.helpers import imported

ALLOW, DENY = Decision.ALLOW, Decision.DENY


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _agents_of(tmp_path: Path, agents: dict[str, str]) -> Pack:
    """A pack imported from Claude Code agent files (``.claude/agents/<name>``)."""
    root = _write(tmp_path / "src", {f".claude/agents/{k}": v for k, v in agents.items()})
    api.import_(root, tmp_path / "pack")
    return api.load_pack(tmp_path / "pack")


def _lines(result: api.ImportResult) -> list[str]:  # type: ignore[name-defined]
    return [f"{r.source}: {r.kind} {r.name}".rstrip() for r in result.reports]


HOOKS = {
    "hooks": {
        "PreToolUse": [
            {
                "matcher": "Bash",
                "hooks": [
                    {"type": "command", "command": 'bash "${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh"'}
                ],
            }
        ]
    }
}


def test_a_plugin_without_plugin_json_keeps_its_hook_scripts(tmp_path: Path) -> None:
    """Claude Code needs no plugin.json (a marketplace entry can list the folder): hooks
    that name their script from ``${CLAUDE_PLUGIN_ROOT}`` mark the folder as a plugin, so a
    guard hook is not lost for want of a manifest."""
    root = _write(
        tmp_path / "github",
        {"hooks/hooks.json": json.dumps(HOOKS), "hooks/guard.sh": "#!/bin/sh\nexit 0\n"},
    )
    # a folder of another tool's (a Cursor plugin, a project) is not taken for one
    other = _write(
        tmp_path / "cursor",
        {
            ".cursor-plugin/plugin.json": '{"name": "cp"}',
            "hooks/hooks.json": json.dumps(HOOKS),
            "agents/ro.md": "---\nname: ro\ndescription: d\nreadonly: true\n---\nx\n",
        },
    )
    assert "agents/ro.md: agent (cursor) ro" in _lines(
        api.import_(other, tmp_path / "c", dry_run=True)
    )
    result = api.import_(root, tmp_path / "pack")
    assert not result.failed
    pack = api.load_pack(tmp_path / "pack")
    (hook,) = pack.manifest.hooks
    assert hook.name == "guard"
    assert (tmp_path / "pack" / "hooks" / "guard.sh").is_file()
    # the same file given alone is read with its plugin
    alone = api.import_(root / "hooks" / "hooks.json", tmp_path / "alone")
    assert [r.kind for r in alone.reports] == ["plugin", "hooks"]


def test_settings_files_given_alone(tmp_path: Path) -> None:
    """A ``.mcp.json`` or a Codex ``config.toml`` named on its own is read as what it is,
    and alone (a Codex config.toml used to become an agent called config with every
    tool); a file no tool reads is reported as not read."""
    root = _write(
        tmp_path / "src",
        {
            ".mcp.json": json.dumps({"mcpServers": {"db": {"command": "db-mcp"}}}),
            ".codex/config.toml": '[mcp_servers.web]\nurl = "https://mcp.example.com"\n',
            "notes.json": "{}",
        },
    )
    servers = api.import_(root / ".mcp.json", tmp_path / "a")
    assert _lines(servers) == [".mcp.json: MCP servers db"]
    codex = api.import_(root / ".codex" / "config.toml", tmp_path / "b")
    assert _lines(codex) == ["config.toml: MCP servers web"]
    assert not (tmp_path / "b" / "agents").exists()
    other = api.import_(root / "notes.json", tmp_path / "c")
    assert not other.reports
    assert [path for path, _ in other.skipped] == ["notes.json"]


def test_server_maps_of_another_shape(tmp_path: Path) -> None:
    """An entry that is no server is named; a server map that is no map is an error, not a
    traceback; VS Code's ``servers`` key is read like ``mcpServers``."""
    root = _write(
        tmp_path / "src",
        {
            "a/.mcp.json": json.dumps({"tools": ["x"], "db": {"command": "db-mcp"}}),
            "b/.mcp.json": json.dumps({"mcpServers": ["x"]}),
            "c/.mcp.json": json.dumps({"servers": {"web": {"url": "https://x.test"}}}),
        },
    )
    a = api.import_(root / "a" / ".mcp.json", tmp_path / "a")
    (report,) = a.reports
    assert report.dropped == ["mcpServers.tools (not an object)"]
    assert [s.name for s in api.load_pack(tmp_path / "a").manifest.servers] == ["db"]
    b = api.import_(root / "b" / ".mcp.json", tmp_path / "b")
    assert [f.field for r in b.reports for f in r.findings if f.is_error] == ["mcpServers"]
    c = api.import_(root / "c" / ".mcp.json", tmp_path / "c")
    assert _lines(c) == [".mcp.json: MCP servers web"]


def test_files_vs_code_passes_over_in_its_folders_are_reported(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "src",
        {
            ".github/chatmodes/owner.md": "---\ndescription: d\n---\nx\n",
            ".github/prompts/notes.md": "x\n",
        },
    )
    result = api.import_(root / ".github", tmp_path / "pack")
    assert sorted(path for path, _ in result.skipped) == ["chatmodes/owner.md", "prompts/notes.md"]


FENCED = """```chatagent
---
name: librarian
description: Searches.
tools: ['read', 'search']
---
Search well.
```
"""


def test_a_frontmatter_inside_a_code_fence_is_an_error_that_lenient_repairs(
    tmp_path: Path,
) -> None:
    """No tool reads a frontmatter inside a fence, and some fields widen what a file may
    do, so reading them is the user's choice (``--lenient``), as with the other repairs;
    a document that merely opens with an example block is no fenced file."""
    root = _write(
        tmp_path / "src",
        {
            ".github/agents/librarian.agent.md": FENCED,
            "docs/guide.md": "```yaml\n---\nname: example\n---\n```\n\n# How to\n\nText.\n",
        },
    )
    strict = api.import_(root / ".github", tmp_path / "strict")
    (report,) = strict.reports
    assert [(f.line, f.severity.value) for f in report.findings] == [(1, "error")]
    guide = api.import_(root / "docs" / "guide.md", tmp_path / "guide", dry_run=True)
    assert [r.kind for r in guide.reports] == ["agent (profile)"]
    result = api.import_(root / ".github", tmp_path / "pack", lenient=True)
    (report,) = result.reports
    assert [(f.line, f.severity.value) for f in report.findings] == [(1, "warning")]
    agent = api.load_pack(tmp_path / "pack").agent("librarian")
    assert agent is not None
    assert agent.body == "Search well.\n"
    assert agent.policy is not None
    assert agent.policy.decide("read") is ALLOW
    assert agent.policy.decide("bash") is DENY


def test_plain_markdown_commands_and_opencode_agents(tmp_path: Path) -> None:
    """A command needs no frontmatter in any tool (Cursor's have none); a ``commands``
    folder given itself holds commands; opencode reads an agent file without frontmatter
    as an agent named by its path, with its defaults."""
    root = _write(
        tmp_path / "src",
        {
            ".cursor/commands/cleanup.md": "# Cleanup\n\nTidy up.\n",
            ".cursor/commands/git/sync.md": "Sync.\n",
            ".cursor/commands/notes.txt": "not a command\n",
            ".opencode/agent/team/notes.md": "# Notes\n\nTake notes.\n",
        },
    )
    alone = api.import_(root / ".cursor" / "commands" / "cleanup.md", tmp_path / "a")
    assert _lines(alone) == ["cleanup.md: command cleanup"]
    folder = api.import_(root / ".cursor" / "commands", tmp_path / "b")
    assert _lines(folder) == ["cleanup.md: command cleanup", "git/sync.md: command sync"]
    opencode = api.import_(root / ".opencode", tmp_path / "c")
    assert _lines(opencode) == ["agent/team/notes.md: agent (opencode) team/notes"]
    agent = api.load_pack(tmp_path / "c").agent("team/notes")
    assert agent is not None
    assert agent.mode.value == "all"


def test_a_tools_mapping_grants_the_tools_set_to_true(tmp_path: Path) -> None:
    """``tools: {search: true, edit: false}`` where a list belongs: the names set to true,
    with a note, never the mapping's text read as names."""
    from agentpack.filereport import FileReport
    from agentpack.native import split_list

    assert split_list({"search": True, "edit": False, "run": "yes"}) == ["search"]
    report = FileReport("x.agent.md")
    granted = tool_ids(split_list({"search": True, "edit": False}), report)
    assert granted is not None
    assert "edit" not in granted
    assert set(granted) >= {"grep", "glob"}
    assert report.dropped == []


def test_vs_code_tool_names_grant_their_own_tool() -> None:
    """VS Code's qualified tool names and the bare names before them grant the one tool
    each names, not the tool set around it (which would allow more) nor nothing."""
    from agentpack.filereport import FileReport

    names = ["fetch", "search/textSearch", "search/fileSearch", "edit/createFile", "readFile"]
    report = FileReport("x.agent.md")
    granted = tool_ids(names, report)
    assert granted == ["skill", "webfetch", "grep", "glob", "write", "read"]
    assert report.approximated == []
    assert report.dropped == []


def test_a_display_name_that_changes_is_noted(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "src",
        {".github/agents/debug.agent.md": "---\nname: Debug Mode\ndescription: d\n---\nx\n"},
    )
    result = api.import_(root / ".github", tmp_path / "pack")
    (report,) = result.reports
    assert report.name == "debug-mode"
    assert [a.split(" (")[0] for a in report.approximated] == ["name: Debug Mode"]


BROKEN = {
    ".mcp.json": (
        '{"mcpServers": {\n  "x": {"command": "a",\n    "args": 5}}}',
        "mcpServers.x.args",
        (3, 5),
    ),
    "x/.mcp.json": ('{"servers": {"x": {"command": "a", "env": 5}}}', "mcpServers.x.env", (1, 36)),
    "y/.mcp.json": ('{"mcpServers": [\n]}', "mcpServers", (1, 2)),
    "z/opencode.json": (
        '{"mcp": {"db": {"type": "local", "command": ["a"],\n "environment": 5}}}',
        "mcpServers.db.env",
        (1, 10),  # the server (opencode's name for the field differs)
    ),
    "a/config.toml": ("model = 1\nmcp_servers = 5\n", "mcp_servers", (2, 1)),
    "b/config.toml": ('[mcp_servers.x]\ncommand = "a"\n  env = 5\n', "mcp_servers.x.env", (3, 3)),
    "d/config.toml": ('[mcp_servers.d]\ncommand = "a"\nargs = "x"\n', "mcp_servers.d.args", (3, 1)),
    "c/config.toml": (
        'model = "m"\n\n  mcp_servers.x.env_vars = 5\n',
        "mcp_servers.x.env_vars",
        (3, 3),
    ),
}


def test_servers_of_a_broken_shape_are_one_line_errors_at_their_field(tmp_path: Path) -> None:
    """A field of the wrong shape is an error naming it, where it is, not a traceback."""
    root = _write(tmp_path / "src", {rel: text for rel, (text, _, _) in BROKEN.items()})
    for rel, (_, field, where) in BROKEN.items():
        result = api.import_(root / rel, tmp_path / "pack", dry_run=True)
        errors = [(f.field, (f.line, f.col)) for r in result.reports for f in r.findings]
        assert errors == [(field, where)], rel


def test_a_marketplace_plugin_that_is_not_there_is_a_warning_at_its_source(
    tmp_path: Path,
) -> None:
    """A real marketplace lists a plugin its repository does not hold: Claude Code adds
    the marketplace and installs the others, and so the import reads them."""
    plugins = [{"name": "p", "source": "./p"}, {"name": "q", "source": "./q"}]
    market = {"name": "m", "owner": {"name": "o"}, "plugins": plugins}
    root = _write(
        tmp_path / "src",
        {
            ".claude-plugin/marketplace.json": json.dumps(market, indent=2),
            "q/.claude-plugin/plugin.json": '{"name": "q"}',
            "q/skills/sum/SKILL.md": "---\nname: sum\ndescription: d\n---\nx\n",
        },
    )
    result = api.import_(root, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    found = [(f.field, f.line, f.col) for r in result.reports for f in r.findings]
    assert found == [("plugins", 9, 7)]
    assert [g.name for g in api.load_pack(tmp_path / "pack").manifest.plugins] == ["q"]


def test_hooks_of_a_broken_shape_are_named(tmp_path: Path) -> None:
    hooks = {"hooks": {"PreToolUse": [1, {"hooks": 5}], "PostToolUse": "x"}}
    root = _write(tmp_path / "src", {".claude/settings.json": json.dumps(hooks)})
    result = api.import_(root / ".claude" / "settings.json", tmp_path / "pack", dry_run=True)
    (report,) = result.reports
    assert report.dropped == [
        "hooks.PreToolUse: 1 (not a matcher group)",
        "hooks.PreToolUse (a group without a list of hooks)",
        "hooks.PostToolUse (not a list of matcher groups)",
    ]


VSCODE = {
    "inputs": [{"type": "promptString", "id": "api-key", "password": True}],
    "servers": {
        "search": {
            "type": "stdio",
            "command": "npx",
            "args": ["-y", "search-server", "--root", "${workspaceFolder}"],
            "env": {"API_KEY": "${input:api-key}", "HOME_DIR": "${env:HOME}"},
        }
    },
}


def test_vs_code_servers_come_in_the_pack_s_spelling(tmp_path: Path) -> None:
    """VS Code asks for ``${input:ID}`` when it starts a server and no other tool does: an
    input becomes an environment variable the user is told to set, ``${env:NAME}`` is the
    pack's ``${NAME}``, and a VS Code variable that would read as one is named. The file
    is read alone, and with the project that holds it."""
    root = _write(tmp_path / "proj", {".vscode/mcp.json": json.dumps(VSCODE)})
    for given, pack in ((root / ".vscode" / "mcp.json", "a"), (root, "b")):
        result = api.import_(given, tmp_path / pack)
        assert _lines(result) == [".vscode/mcp.json: MCP servers search"]
        (server,) = api.load_pack(tmp_path / pack).manifest.servers
        assert dict(server.env) == {"API_KEY": "${API_KEY}", "HOME_DIR": "${HOME}"}
        assert server.args[-1] == "${workspaceFolder}"
        (report,) = result.reports
        assert any("environment variable API_KEY; set it" in a for a in report.approximated)
        assert any("${workspaceFolder} (VS Code's own" in a for a in report.approximated)
    # Copilot's copy of the file, given alone, is read too
    _write(tmp_path / "gh", {".github/mcp.json": json.dumps(VSCODE)})
    copilot = api.import_(tmp_path / "gh" / ".github" / "mcp.json", tmp_path / "c")
    assert _lines(copilot) == ["mcp.json: MCP servers search"]


def test_a_reference_only_one_tool_expands_is_its_default(tmp_path: Path) -> None:
    """Claude Code expands ``${NAME:-default}``, opencode and Codex pass it on as text: the
    import writes what the server got by default, and says so; a pack that spells it so
    itself gets a warning at the field."""
    server = {"url": "https://x.test/mcp", "headers": {"X-Org": "${ORG:-acme}"}}
    root = _write(tmp_path / "src", {".mcp.json": json.dumps({"mcpServers": {"api": server}})})
    result = api.import_(root / ".mcp.json", tmp_path / "pack")
    assert not [f for f in result.findings if f.field == "headers.X-Org"]
    (said,) = [a for r in result.reports for a in r.approximated if "its default" in a]
    assert said.startswith("mcpServers.api.headers.X-Org (${ORG:-acme}: its default, acme,")
    (found,) = api.load_pack(tmp_path / "pack").manifest.servers
    assert dict(found.headers) == {"X-Org": "acme"}
    pack = tmp_path / "pack" / "mcp" / "api.yaml"
    pack.write_text(pack.read_text().replace("acme", "${ORG:-acme}"))
    (warned,) = [f for f in api.validate(tmp_path / "pack").findings if f.field == "headers.X-Org"]
    assert (warned.path, warned.line, warned.severity.value) == ("mcp/api.yaml", 5, "warning")
    assert warned.message.startswith("${ORG:-acme} is not a reference every tool expands")


def test_opencode_2_permissions_are_read_never_wider(tmp_path: Path) -> None:
    """opencode 2.x (its docs show it first) says ``permissions``: an ordered list of
    ``{action, resource, effect}``, last match wins, no match asks, ``shell`` for bash.
    Kept as an unknown key, such an agent came into the pack with every tool."""
    rules = [
        {"action": "edit", "resource": "*", "effect": "deny"},
        {"action": "shell", "resource": "*", "effect": "deny"},
        {"action": "shell", "resource": "git status *", "effect": "allow"},
        {"action": "read", "resource": "*", "effect": "allow"},
        {"action": "web*", "resource": "*", "effect": "allow"},
        {"action": "github_*", "resource": "*", "effect": "deny"},
        {"action": "bash", "resource": "*", "effect": "allow"},  # 1.x's name: not a grant
        {"action": "grep", "resource": "src/*", "effect": "allow"},  # elsewhere: the project's
    ]
    config = {
        "permissions": [
            {"action": "*", "resource": "*", "effect": "allow"},
            {"action": "*", "resource": "*.env", "effect": "deny"},
        ],
        "agents": {"lead": {"description": "Leads.", "system": "Lead the work.", "mode": "all"}},
        "mcp": {"servers": {"db": {"type": "local", "command": ["db-mcp"]}}},
    }
    agent_file = "---\ndescription: Reviews.\nmode: subagent\npermissions:\n" + "".join(
        f"  - {json.dumps(r)}\n" for r in rules
    )
    root = _write(
        tmp_path / "proj",
        {
            ".opencode/agents/reviewer.md": agent_file + "---\nReview.\n",
            "opencode.json": json.dumps(config),
        },
    )
    result = api.import_(root, tmp_path / "pack")
    assert result.written, [f.message for f in result.findings]
    pack = api.load_pack(tmp_path / "pack")
    reviewer, lead = pack.agent("reviewer"), pack.agent("lead")
    assert reviewer is not None
    assert reviewer.policy is not None
    decide = reviewer.policy.decide
    assert (decide("edit"), decide("write")) == (DENY, DENY)
    assert (decide("bash", "git status"), decide("bash", "rm -rf x")) == (ALLOW, DENY)
    assert (decide("webfetch"), decide("mcp:github")) == (ALLOW, DENY)
    # the project's "deny *.env to every tool" cannot be held to paths: a tool the agent
    # does not allow everywhere after it gets the narrowest decision of its patterns
    assert (decide("read"), decide("grep"), decide("glob")) == (ALLOW, DENY, DENY)
    assert lead is not None
    assert lead.body.strip() == "Lead the work."
    assert [s.name for s in pack.manifest.servers] == ["db"]


def test_opencode_2_permissions_of_another_shape_are_an_error(tmp_path: Path) -> None:
    """opencode 2.x refuses such a file; reading the rest of the list would drop what the
    broken rule said (a deny, perhaps)."""
    for i, value in enumerate(
        ([{"action": "read"}], [{"action": "*", "resource": "*", "effect": "Allow"}], "deny")
    ):
        text = f"---\ndescription: Odd.\npermissions: {json.dumps(value)}\n---\nOdd.\n"
        root = _write(tmp_path / f"p{i}", {".opencode/agents/odd.md": text})
        result = api.import_(root, tmp_path / f"pack{i}")
        assert not result.written
        (error,) = [f for r in result.reports for f in r.findings if f.is_error]
        assert error.field.startswith("permissions"), error
        assert "opencode refuses the file" in error.message


def test_opencode_permissions_as_a_mapping_keep_only_their_denies(tmp_path: Path) -> None:
    """``permissions:`` in 1.x's ``permission`` shape (a real agent's): opencode 1.18 loads
    the agent and applies none of it, 2.x refuses it. The import keeps what it denies,
    which only narrows, and drops the rest, as opencode does."""
    value = {"bash": {"*": "allow", "rm *": "deny"}, "webfetch": "deny", "edit": "allow"}
    text = (
        f"---\ndescription: Odd.\ntools: {{edit: false}}\npermissions: {json.dumps(value)}\n"
        "---\nOdd.\n"
    )
    root = _write(tmp_path / "src", {".opencode/agent/odd.md": text})
    result = api.import_(root, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    agent = api.load_pack(tmp_path / "pack").agent("odd")
    assert agent is not None
    assert agent.policy is not None
    decide = agent.policy.decide
    assert (decide("webfetch"), decide("edit"), decide("read")) == (DENY, DENY, ALLOW)
    assert (decide("bash", command="rm -rf x"), decide("bash", command="ls")) == (DENY, ALLOW)


def test_plugin_parts_a_pack_does_not_carry_are_named(tmp_path: Path) -> None:
    """Claude Code loads bin/, output-styles/, settings.json and .lsp.json from a plugin by
    their place alone; the import says it leaves them, not nothing."""
    root = _write(
        tmp_path / "plugin",
        {
            ".claude-plugin/plugin.json": '{"name": "p"}',
            "bin/tool": "#!/bin/sh\n",
            "output-styles/terse.md": "---\nname: terse\ndescription: t\n---\nBe terse.\n",
            "settings.json": '{"agent": "a"}',
            ".lsp.json": "{}",
        },
    )
    result = api.import_(root, tmp_path / "pack", dry_run=True)
    assert [path for path, _ in result.skipped] == [
        "bin",
        "output-styles",
        "settings.json",
        ".lsp.json",
    ]


def test_a_codex_plugin_is_read_by_its_manifest(tmp_path: Path) -> None:
    """``.codex-plugin/plugin.json`` names the plugin and where its skills and servers are;
    what a pack has no place for (apps, the directory listing) is named as dropped."""
    manifest = {
        "name": "notes",
        "version": "1.2.0",
        "description": "Meeting notes.",
        "skills": "./my-skills/",
        "apps": "./.app.json",
        "interface": {"displayName": "Notes"},
    }
    root = _write(
        tmp_path / "notes",
        {
            ".codex-plugin/plugin.json": json.dumps(manifest),
            "my-skills/summarize/SKILL.md": "---\nname: summarize\ndescription: d\n---\nx\n",
            ".mcp.json": json.dumps({"mcpServers": {"db": {"command": "db-mcp"}}}),
            ".app.json": "{}",
        },
    )
    result = api.import_(root, tmp_path / "pack")
    assert _lines(result) == [
        ".codex-plugin/plugin.json: plugin notes",
        ".mcp.json: MCP servers db",
        "my-skills/summarize/SKILL.md: skill summarize",
    ]
    (plugin, *_) = result.reports
    assert [d.split(" (")[0] for d in plugin.dropped] == ["apps", "interface"]
    assert result.skipped == ()
    pack = api.load_pack(tmp_path / "pack")
    assert (pack.manifest.name, pack.manifest.version) == ("notes", "1.2.0")


def test_a_json_or_toml_file_that_is_not_one_is_an_error_at_its_place(tmp_path: Path) -> None:
    """At the place Python's own parser gives (for JSON, 3.13 names the trailing comma where
    3.11 names what follows it)."""
    broken = '{\n  "mcpServers": {\n    "a": {"command": "x",}\n  }\n}\n'
    root = _write(
        tmp_path / "src",
        {".mcp.json": broken, ".codex/config.toml": '[mcp_servers.a]\ncommand = = "x"\n'},
    )
    with pytest.raises(json.JSONDecodeError) as parsed:
        json.loads(broken)
    json_place = (parsed.value.lineno, parsed.value.colno)
    assert json_place in ((3, 25), (3, 26))
    for given, place in ((".mcp.json", json_place), (".codex/config.toml", (2, 11))):
        result = api.import_(root / given, tmp_path / "pack", dry_run=True)
        (found,) = [f for r in result.reports for f in r.findings if f.is_error]
        assert (found.line, found.col) == place, found
        assert found.message.startswith("cannot read this ")
        assert "line" not in found.message  # the place is said once, in front


def test_a_plugin_reads_nothing_outside_its_folder_nor_more_than_it_names(
    tmp_path: Path,
) -> None:
    """A link out of a plugin is not followed (a shared plugin could reach ~/.ssh); a Codex
    plugin's servers are the file its manifest names, not every .mcp.json beside it; a
    project's .vscode/mcp.json given alone is read alone, not with the project's plugin."""
    outside = _write(
        tmp_path / "outside", {"skills/leak/SKILL.md": "---\nname: leak\ndescription: d\n---\nx\n"}
    )
    plugin = _write(
        tmp_path / "plug",
        {
            ".codex-plugin/plugin.json": json.dumps(
                {"name": "p", "skills": "./linked", "mcpServers": "./servers.json"}
            ),
            "servers.json": json.dumps({"mcpServers": {"a": {"command": "a-mcp"}}}),
            ".mcp.json": json.dumps({"mcpServers": {"extra": {"command": "e-mcp"}}}),
            ".vscode/mcp.json": json.dumps(
                {
                    "inputs": [{"id": "unused", "type": "promptString"}],
                    "servers": {"v": {"command": "v-mcp"}},
                }
            ),
        },
    )
    claude = _write(
        tmp_path / "claude", {".claude-plugin/plugin.json": '{"name": "c", "skills": ["./linked"]}'}
    )
    for folder in (plugin, claude):
        (folder / "linked").symlink_to(outside / "skills", target_is_directory=True)
    linked = api.import_(claude, tmp_path / "c", dry_run=True)
    assert not any("leak" in line for line in _lines(linked)), _lines(linked)
    whole = api.import_(plugin, tmp_path / "a", dry_run=True)
    assert not any("leak" in line for line in _lines(whole)), _lines(whole)
    assert "servers.json: MCP servers a" in _lines(whole)
    assert ".mcp.json" in [path for path, _ in whole.skipped]
    alone = api.import_(plugin / ".vscode" / "mcp.json", tmp_path / "b", dry_run=True)
    assert _lines(alone) == [".vscode/mcp.json: MCP servers v"]
    assert alone.reports[0].dropped == ["inputs: 'unused' (no server asks for it)"]


def test_a_claude_agent_in_plan_mode_comes_in_reading_only(tmp_path: Path) -> None:
    """``permissionMode: plan`` holds a Claude Code agent to reading whatever its tools
    line says; read as every tool, it would edit and run commands in the other tools."""
    pack = _agents_of(
        tmp_path,
        {
            "planner.md": "---\nname: planner\ndescription: Plans.\npermissionMode: plan\n---\nx\n",
            "fixer.md": "---\nname: fixer\ndescription: Fixes.\n"
            "tools: Read, Edit, Bash\npermissionMode: plan\n---\nFix.\n",
        },
    )
    for name in ("planner", "fixer"):
        agent = pack.agent(name)
        assert agent is not None
        assert agent.policy is not None
        decide = agent.policy.decide
        assert (decide("read"), decide("edit"), decide("bash", "ls")) == (ALLOW, DENY, DENY)
        assert decide("mcp:github/create_issue") is DENY


def test_a_claude_agent_in_dont_ask_mode_comes_in_without_what_it_would_ask_about(
    tmp_path: Path,
) -> None:
    """``permissionMode: dontAsk`` refuses every call Claude Code would ask about (unless the
    user's settings approve it): read as its tools line, Bash and Edit would run unasked in
    opencode; the reading tools stay."""
    pack = _agents_of(
        tmp_path,
        {
            "quiet.md": "---\nname: quiet\ndescription: Q.\ntools: Read, Bash, Edit\n"
            "permissionMode: dontAsk\n---\nx\n",
        },
    )
    agent = pack.agent("quiet")
    assert agent is not None
    assert agent.policy is not None
    decide = agent.policy.decide
    assert (decide("read"), decide("edit"), decide("bash", "ls")) == (ALLOW, DENY, DENY)
    assert decide("mcp:github/create_issue") is DENY


def test_a_claude_tools_line_with_older_names_comes_back_as_written(tmp_path: Path) -> None:
    """``Task`` (Agent's older name, which Claude Code still takes) and ``MultiEdit`` (which
    it no longer has: it grants nothing) kept the source's spelling from being written back,
    and Bash came back as every shell tool: PowerShell and Monitor besides."""
    root = _write(
        tmp_path / "src",
        {
            ".claude/agents/x.md": "---\nname: x\ndescription: d\ntools: Read, Bash, Task\n"
            "---\nb\n",
            ".claude/agents/y.md": "---\nname: y\ndescription: d\ntools: Read, MultiEdit, Bash\n"
            "---\nb\n",
        },
    )
    api.import_(root, tmp_path / "pack")
    y = api.load_pack(tmp_path / "pack").agent("y")
    assert y is not None
    assert y.policy is not None
    assert y.policy.decide("edit") is DENY
    api.export(tmp_path / "pack", tools=["claude"])
    agents = tmp_path / "pack" / "dist" / "claude" / "agents"
    lines = [
        next(t for t in (agents / f"{n}.md").read_text().splitlines() if t.startswith("tools:"))
        for n in "xy"
    ]
    assert lines == ["tools: Read, Bash, Task", "tools: Read, MultiEdit, Bash"]


def test_a_cursor_readonly_agent_comes_in_without_a_shell(tmp_path: Path) -> None:
    """Cursor's readonly also stops the shell commands that change state, by its own
    judgement; read as only "no edits", the agent could run rm -rf in every other tool."""
    root = _write(
        tmp_path / "src",
        {".cursor/agents/v.md": "---\nname: verifier\ndescription: d\nreadonly: true\n---\nx\n"},
    )
    api.import_(root / ".cursor", tmp_path / "pack")
    agent = api.load_pack(tmp_path / "pack").agent("verifier")
    assert agent is not None
    assert agent.policy is not None
    assert (agent.policy.decide("read"), agent.policy.decide("bash", "rm -rf app")) == (ALLOW, DENY)


def test_a_copilot_agent_is_held_to_the_tools_its_own_servers_offer(tmp_path: Path) -> None:
    """An agent's ``mcp-servers`` are not carried, but their ``tools`` lists say which of a
    server's tools the agent has; ``context7/*`` alone would grant every one (and
    ``search/codebase``, VS Code's semantic search, is neither grep nor glob)."""
    text = (
        "---\nname: context7\ndescription: Docs.\ntools: ['read', 'search/codebase', "
        "'context7/*']\nmcp-servers:\n  context7:\n    type: http\n"
        "    url: https://mcp.context7.com/mcp\n"
        "    tools: ['get-library-docs', 'resolve-library-id']\n---\nx\n"
    )
    root = _write(tmp_path / "src", {".github/agents/context7.agent.md": text})
    result = api.import_(root / ".github", tmp_path / "pack")
    assert result.written
    agent = api.load_pack(tmp_path / "pack").agent("context7")
    assert agent is not None
    assert agent.policy is not None
    decide = agent.policy.decide
    assert decide("mcp:context7/get-library-docs") is ALLOW
    assert decide("mcp:context7/delete-everything") is DENY
    assert (decide("grep"), decide("glob")) == (DENY, DENY)


def test_an_opencode_agent_turned_off_is_kept_for_no_target(tmp_path: Path) -> None:
    """opencode does not load an agent with ``disable: true`` (2.x: ``disabled: true``);
    carried as a live agent, it ran, with its shell, in every other tool."""
    root = _write(
        tmp_path / "src",
        {
            ".opencode/agents/off.md": "---\ndescription: Off.\ndisabled: true\n---\nx\n",
            ".opencode/agents/off1.md": "---\ndescription: Off.\ndisable: true\n---\nx\n",
        },
    )
    api.import_(root, tmp_path / "pack")
    pack = api.load_pack(tmp_path / "pack")
    assert [a.targets for a in pack.agents] == [(), ()]
    api.export(tmp_path / "pack")
    assert not list((tmp_path / "pack" / "dist").rglob("off*"))


def test_a_claude_agent_with_memory_is_read_and_written_as_claude_code_loads_it(
    tmp_path: Path,
) -> None:
    """Claude Code 2.1.332 adds Read, Write and Edit to the tools line of an agent with
    memory, then applies its deny line: the import reads those tools as granted, and the
    export denies those the pack does not allow, which a tools line alone would give."""
    pack = _agents_of(
        tmp_path,
        {
            "cat.md": "---\nname: cat\ndescription: d\ntools: Read, Grep\nmemory: project\n---\n",
            "drain.md": "---\nname: drain\ndescription: d\ntools: Read, Bash\n"
            "disallowedTools: Write, Edit\nmemory: project\n---\nx\n",
        },
    )
    cat, drain = pack.agent("cat"), pack.agent("drain")
    assert cat is not None
    assert cat.policy is not None
    assert drain is not None
    assert drain.policy is not None
    assert (cat.policy.decide("write"), cat.policy.decide("bash")) == (ALLOW, DENY)
    assert drain.policy.decide("write") is DENY
    api.export(tmp_path / "pack", tools=["claude"])
    agents = tmp_path / "pack" / "dist" / "claude" / "agents"
    assert "disallowedTools: Write, Edit\n" in (agents / "drain.md").read_text()


def test_hooks_and_servers_in_their_tools_own_spellings(tmp_path: Path) -> None:
    """VS Code reads its mcp.json with comments and trailing commas; Claude Code runs a hook
    in exec form (``command`` and ``args``, no shell; seen in its 2.1.332 hook schema); the
    Copilot CLI reads every ``.github/hooks/*.json``, in a shape of its own that a pack does
    not carry, which is said, not passed over."""
    copilot = {"version": 1, "hooks": {"preToolUse": [{"type": "command", "bash": "./g.sh"}]}}
    flat = {"hooks": {"PreToolUse": [{"type": "command", "bash": "./g.sh"}]}}
    exec_form = {
        "hooks": {
            "PreToolUse": [
                {
                    "matcher": "Bash",
                    "hooks": [
                        {
                            "type": "command",
                            "command": "node",
                            "args": ["${CLAUDE_PLUGIN_ROOT}/g.js"],
                        }
                    ],
                }
            ]
        }
    }
    root = _write(
        tmp_path / "src",
        {
            "proj/.vscode/mcp.json": '{\n  // ours\n  "servers": {"a": {"command": "a",},},\n}\n',
            "proj/.github/hooks/guard.json": json.dumps(copilot),
            "proj/.github/hooks/flat.json": json.dumps(flat),
            "plugin/.claude-plugin/plugin.json": '{"name": "p"}',
            "plugin/hooks/hooks.json": json.dumps(exec_form),
            "plugin/g.js": "process.exit(0)\n",
        },
    )
    project = api.import_(root / "proj", tmp_path / "a", dry_run=True)
    dropped = [d for r in project.reports for d in r.dropped]
    assert ".vscode/mcp.json: MCP servers a" in _lines(project)
    warned = [f for r in project.reports for f in r.findings if f.field == "hooks.preToolUse"]
    assert [(f.path, f.message.split(":")[0]) for f in warned] == [
        (".github/hooks/guard.json", "unguarded")
    ]  # a guard the agents read with it lose: a warning, not a note
    assert "hooks.PreToolUse (a group without a list of hooks)" in dropped
    plugin = api.import_(root / "plugin", tmp_path / "b")
    assert plugin.written
    (hook,) = api.load_pack(tmp_path / "b").manifest.hooks
    assert (hook.run, hook.interpreter, hook.tools) == ("g.js", "node", ("bash",))


def test_what_is_left_is_named_with_what_it_is(tmp_path: Path) -> None:
    """opencode.json's own settings, Cursor's rules and hooks are named for what they are;
    a Codex plugin's manifest given alone brings its plugin, as a Claude Code one does."""
    root = _write(
        tmp_path / "src",
        {
            "oc/opencode.json": json.dumps({"model": "x/y", "small_model": "x/z", "share": "off"}),
            "cur/.cursor/rules/style.mdc": "---\nalwaysApply: true\n---\nBe brief.\n",
            "cur/.cursor/hooks.json": '{"version": 1, "hooks": {}}',
            "cx/.codex-plugin/plugin.json": '{"name": "cx"}',
            "cx/skills/s/SKILL.md": "---\nname: s\ndescription: d\n---\nx\n",
        },
    )
    oc = api.import_(root / "oc", tmp_path / "a", dry_run=True)
    assert "model, share, small_model (opencode's settings, not a pack's)" in oc.reports[0].dropped
    cur = api.import_(root / "cur" / ".cursor", tmp_path / "b", dry_run=True)
    assert [path for path, why in cur.skipped if why.startswith("Cursor's")] == [
        "hooks.json",
        "rules",
    ]
    cx = api.import_(root / "cx" / ".codex-plugin" / "plugin.json", tmp_path / "c", dry_run=True)
    assert _lines(cx) == [".codex-plugin/plugin.json: plugin cx", "skills/s/SKILL.md: skill s"]


def test_a_plugins_unlisted_agent_and_a_marketplaces_own_settings_are_named(
    tmp_path: Path,
) -> None:
    plugin = {"name": "p", "agents": ["./agents/a.md"]}
    market = {"name": "m", "owner": {"name": "o"}, "plugins": [{"name": "p", "source": "./p"}]}
    root = _write(
        tmp_path / "m",
        {
            ".claude-plugin/marketplace.json": json.dumps(market),
            "p/.claude-plugin/plugin.json": json.dumps(plugin),
            "p/agents/a.md": "---\nname: a\ndescription: d\n---\nx\n",
            "p/agents/b.md": "---\nname: b\ndescription: d\n---\nx\n",
            ".claude/settings.json": "{}",
        },
    )
    result = api.import_(root, tmp_path / "pack", dry_run=True)
    assert [path for path, _ in result.skipped] == ["p/agents/b.md", ".claude"]


def test_a_spelling_kept_for_claude_never_names_more_than_the_pack_allows(
    tmp_path: Path,
) -> None:
    """Only a name Claude Code no longer has may stay in a tools line written back: an
    unknown name (a tool newer than agentpack) or a part of a tool would grant it there."""
    pack = _agents_of(
        tmp_path, {"x.md": "---\nname: x\ndescription: d\ntools: Read, LSP, BashOutput\n---\n"}
    )
    assert pack.agents[0].policy is not None
    api.export(tmp_path / "pack", tools=["claude"])
    text = (tmp_path / "pack" / "dist" / "claude" / "agents" / "x.md").read_text()
    assert "tools: Read\n" in text


def test_copilot_server_names_a_pack_cannot_hold_are_no_traceback(tmp_path: Path) -> None:
    text = (
        "---\nname: x\ndescription: d\ntools: [read, 'srv/*']\nmcp-servers:\n"
        "  'my srv': {tools: [a]}\n  srv: {tools: ['ns:get', ok]}\n---\nx\n"
    )
    root = _write(tmp_path / "src", {".github/agents/x.agent.md": text})
    api.import_(root / ".github", tmp_path / "pack")
    agent = api.load_pack(tmp_path / "pack").agent("x")
    assert agent is not None
    assert agent.policy is not None
    assert (agent.policy.decide("mcp:srv/ok"), agent.policy.decide("mcp:srv/other")) == (
        ALLOW,
        DENY,
    )


def test_a_codex_marketplace_brings_its_local_plugins_as_groups(tmp_path: Path) -> None:
    """``.agents/plugins/marketplace.json`` lists plugins by source: a local one (in this
    repository) is read as a plugin group; one elsewhere is named as not carried."""
    plugins = [
        {"name": "notes", "source": {"source": "local", "path": "./plugins/notes"}},
        {"name": "far", "source": {"source": "git", "url": "https://example.com/far.git"}},
        {"name": "out", "source": {"source": "local", "path": "../elsewhere"}},
        {"name": "gone", "source": {"source": "local", "path": "./plugins/gone"}},
    ]
    root = _write(
        tmp_path / "repo",
        {
            ".agents/plugins/marketplace.json": json.dumps({"name": "m", "plugins": plugins}),
            "plugins/notes/.codex-plugin/plugin.json": '{"name": "notes", "version": "1.0.0"}',
            "plugins/notes/skills/sum/SKILL.md": "---\nname: sum\ndescription: d\n---\nx\n",
        },
    )
    result = api.import_(root, tmp_path / "pack")
    assert result.written
    market = result.reports[0]
    assert [d.split(" (")[0] for d in market.dropped] == ["plugin far", "plugin out"]
    (gone,) = market.findings  # not there: Codex installs the others, and so does import
    assert (gone.is_error, gone.message.split(" (")[0]) == (
        False,
        "plugin gone: no .codex-plugin/plugin.json in ./plugins/gone",
    )
    (group,) = api.load_pack(tmp_path / "pack").manifest.plugins
    assert (group.name, group.skills) == ("notes", ("sum",))
    alone = api.import_(root / ".agents" / "plugins" / "marketplace.json", tmp_path / "alone")
    assert api.load_pack(tmp_path / "alone").manifest.plugins == (group,)
    assert [r.source for r in alone.reports] == [r.source for r in result.reports]


def test_a_plugin_with_several_tools_manifests_is_read_by_the_one_given(tmp_path: Path) -> None:
    """A plugin folder may hold Claude Code's, Codex's and Cursor's manifests. The folder
    is read as Claude Code's plugin and names the others; a manifest given alone is read
    as its own tool reads it."""
    skill = "---\nname: sum\ndescription: d\n---\nx\n"
    root = _write(
        tmp_path / "git",
        {
            ".claude-plugin/plugin.json": '{"name": "git"}',
            ".codex-plugin/plugin.json": '{"name": "git", "skills": "./skills/"}',
            ".cursor-plugin/plugin.json": '{"name": "git"}',
            "skills/sum/SKILL.md": skill,
        },
    )
    whole = api.import_(root, tmp_path / "a", dry_run=True)
    assert sorted(p for p, _ in whole.skipped) == [".codex-plugin", ".cursor-plugin"]
    assert [r.kind for r in whole.reports] == ["plugin", "skill"]
    for name in (".codex-plugin", ".cursor-plugin"):
        alone = api.import_(root / name / "plugin.json", tmp_path / name, dry_run=True)
        assert not any(r.source == ".claude-plugin/plugin.json" for r in alone.reports), name
        assert "skills/sum/SKILL.md" in [r.source for r in alone.reports], name


def test_an_agent_without_a_description_is_said_to_get_a_stand_in(tmp_path: Path) -> None:
    """A real Cursor agent has none: 'Imported agent.' stands in for it in every target,
    and a parent picks the agent to delegate to by that text, so the report says so."""
    root = _write(tmp_path / "src", {".cursor/agents/runner.md": "---\nname: runner\n---\nx\n"})
    result = api.import_(root, tmp_path / "pack")
    said = [a for r in result.reports for a in r.approximated]
    assert any(a.startswith("description (the file has none") for a in said), said


def test_a_skill_without_a_description_is_said_to_get_a_stand_in(tmp_path: Path) -> None:
    root = _write(tmp_path / "src", {".claude/skills/tidy/SKILL.md": "---\nname: tidy\n---\nx\n"})
    result = api.import_(root, tmp_path / "pack", dry_run=True)
    said = [a for r in result.reports for a in r.approximated]
    assert any(a.startswith("description (the file has none: 'Imported skill.'") for a in said)


def test_two_plugins_servers_of_one_name_both_come_along(tmp_path: Path) -> None:
    """Two plugins of a marketplace that each run a server named ``gh`` stopped the
    import. The later one comes in under its plugin's name, and the tools its plugin's
    agent names (``mcp__plugin_p2_gh__search``), or another plugin's agent names as
    that plugin's, are that server's; a server configured the same in two plugins
    stays one."""
    files = {
        ".claude-plugin/marketplace.json": json.dumps(
            {
                "name": "m",
                "owner": {"name": "o"},
                "plugins": [{"name": p, "source": f"./{p}"} for p in ("p1", "p2", "p3")],
            }
        )
    }
    for plugin, package in (("p1", "gh-mcp"), ("p2", "other-gh-mcp"), ("p3", "gh-mcp")):
        servers = {"gh": {"command": "npx", "args": ["-y", package]}}
        tools = f"Read, mcp__plugin_{plugin}_gh__search, mcp__plugin_p2_gh__list"
        files |= {
            f"{plugin}/.claude-plugin/plugin.json": json.dumps({"name": plugin}),
            f"{plugin}/.mcp.json": json.dumps({"mcpServers": servers}),
            f"{plugin}/agents/a-{plugin}.md": f"---\nname: a-{plugin}\ndescription: d\n"
            f"tools: {tools}\n---\nx\n",
        }
    result, pack = imported(_write(tmp_path / "m", files), tmp_path / "pack")
    servers = {s.name: s.args for s in pack.manifest.servers}
    assert servers == {"gh": ("-y", "gh-mcp"), "p2-gh": ("-y", "other-gh-mcp")}
    granted = {
        a.name: sorted(t for t, d in a.policy.tools.items() if t.startswith("mcp:") and d is ALLOW)
        for a in pack.agents
        if a.policy is not None
    }
    assert granted == {
        "a-p1": ["mcp:gh/search", "mcp:p2-gh/list"],
        "a-p2": ["mcp:p2-gh/list", "mcp:p2-gh/search"],
        "a-p3": ["mcp:gh/search", "mcp:p2-gh/list"],
    }
    (note,) = [a for r in result.reports for a in r.approximated if "named 'p2-gh'" in a]
    assert note.startswith("mcpServers.gh (named 'p2-gh' in the pack: a server read before")


def test_a_guard_on_a_plugins_server_stays_on_it_when_a_later_plugin_brings_its_name(
    tmp_path: Path,
) -> None:
    """The renaming of p2's ``gh`` reached every hook read so far: p1's guard on its own
    ``gh`` then watched ``p2-gh``, and p1's server ran unguarded."""
    market = {
        "name": "m",
        "owner": {"name": "o"},
        "plugins": [{"name": p, "source": f"./{p}"} for p in ("p1", "p2")],
    }
    guard = {"type": "command", "command": 'bash "${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh"'}
    files = {".claude-plugin/marketplace.json": json.dumps(market)}
    for plugin, package in (("p1", "gh-mcp"), ("p2", "other-gh-mcp")):
        files |= {
            f"{plugin}/.claude-plugin/plugin.json": json.dumps({"name": plugin}),
            f"{plugin}/.mcp.json": json.dumps({"mcpServers": {"gh": {"command": package}}}),
        }
    matcher = "mcp__plugin_p1_gh__.*"
    files |= {
        "p1/hooks/guard.sh": "#!/bin/sh\nexit 0\n",
        "p1/hooks/hooks.json": json.dumps(
            {"hooks": {"PreToolUse": [{"matcher": matcher, "hooks": [guard]}]}}
        ),
    }
    _, pack = imported(_write(tmp_path / "m", files), tmp_path / "pack")
    (hook,) = pack.manifest.hooks
    assert hook.tools == ("mcp:gh",)
