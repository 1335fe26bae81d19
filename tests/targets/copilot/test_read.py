"""Copilot's native files read into the pack: a restriction the pack cannot carry is a
warning at its line, not a dropped field among others."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentpack import api
from agentpack.permissions import Decision
from tests.helpers import imported_policy


def test_a_prompts_tools_list_is_a_warning(tmp_path: Path) -> None:
    prompts = tmp_path / "in" / ".github" / "prompts"
    prompts.mkdir(parents=True)
    (prompts / "context.prompt.md").write_text(
        "---\ndescription: What context is needed\nmode: agent\ntools: ['codebase']\n---\nAsk.\n"
    )
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    warned = [str(f) for r in result.reports for f in r.findings]
    assert len(warned) == 1
    assert warned[0].startswith(".github/prompts/context.prompt.md:4:1: warning: tools: ")
    assert not [d for r in result.reports for d in r.dropped if d.startswith("tools")]


def test_one_tool_of_a_builtin_tool_set_is_no_mcp_server() -> None:
    """``read/problems`` names one tool of Copilot's read set: it is no MCP server's tool,
    and the whole set would allow more, so it grants nothing (with a note)."""
    from agentpack.filereport import FileReport
    from agentpack.targets.copilot.readtools import tool_ids

    report = FileReport("a.agent.md")
    granted = tool_ids(["read/problems", "execute/runTests", "github/search"], report)
    assert granted is not None
    assert "mcp:github/search" in granted
    assert not any(g.startswith(("mcp:read", "mcp:execute")) for g in granted)
    assert len([a for a in report.approximated if "tool set" in a]) == 2


def test_legacy_chat_modes_are_read_as_agents(tmp_path: Path) -> None:
    """``.github/chatmodes/*.chatmode.md`` (VS Code before 1.106) are agents named without
    the ``.chatmode`` suffix; an ``.agent.md`` of the same name, their successor, wins."""
    files = {
        "chatmodes/planner.chatmode.md": "description: Plans the work\ntools: ['codebase']",
        "chatmodes/reviewer.chatmode.md": "description: Old reviewer",
        "agents/reviewer.agent.md": "description: Reviews the code",
    }
    for rel, fields in files.items():
        path = tmp_path / "in" / ".github" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{fields}\n---\n{'Review.' if 'agents/' in rel else 'Old.'}\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    agents = tmp_path / "pack" / "agents"
    assert sorted(p.name for p in agents.iterdir()) == ["planner.md", "reviewer.md"]
    assert "Review." in (agents / "reviewer.md").read_text()
    assert result.skipped == (
        (".github/chatmodes/reviewer.chatmode.md", "agents/reviewer.agent.md, its successor, wins"),
    )


def test_a_plugin_is_read_from_each_manifest_the_cli_finds(tmp_path: Path) -> None:
    """The Copilot CLI 1.0.102 finds a plugin's manifest at .plugin/plugin.json, then
    plugin.json, then .github/plugin/plugin.json (a real plugin keeps it there, naming its
    servers' file): the plugin's fields and servers come in, from the folder or from the
    manifest given alone; the repository's own .github/ is read beside it."""
    import json

    root = tmp_path / "sonar"
    (root / ".github" / "plugin").mkdir(parents=True)
    (root / ".github" / "agents").mkdir()
    meta = {"name": "sonarqube", "version": "2.0.0", "license": "MIT", "mcpServers": "./s.json"}
    (root / ".github" / "plugin" / "plugin.json").write_text(json.dumps(meta))
    (root / "s.json").write_text(json.dumps({"mcpServers": {"sonar": {"command": "sonar-mcp"}}}))
    (root / ".github" / "agents" / "a.agent.md").write_text("---\ndescription: d\n---\nx\n")
    for given, pack in ((root, "p1"), (root / ".github" / "plugin" / "plugin.json", "p2")):
        result = api.import_(given, tmp_path / pack)
        assert not result.failed, [str(f) for f in result.findings]
        assert not result.skipped, result.skipped
        loaded = api.load_pack(tmp_path / pack)
        found = (loaded.manifest.name, loaded.manifest.version, loaded.manifest.license)
        assert found == ("sonarqube", "2.0.0", "MIT")
        assert [s.name for s in loaded.manifest.servers] == ["sonar"]
        assert [a.name for a in loaded.agents] == ["a"]
    (root / ".plugin").mkdir()
    (root / ".plugin" / "plugin.json").write_text('{"name": "first"}')
    api.import_(root, tmp_path / "p3")
    assert api.load_pack(tmp_path / "p3").manifest.name == "first"


def test_a_manifests_servers_are_read_only_where_the_cli_reads_them(tmp_path: Path) -> None:
    """The CLI reads a plugin's .mcp.json rather than the servers its manifest names, and
    reads no list of files there (each tried with plugin install and mcp list)."""
    import json

    for case, named, dot in (("list", ["./s.json"], False), ("dot", "./s.json", True)):
        root = tmp_path / case
        (root / ".plugin").mkdir(parents=True)
        meta = {"name": case, "mcpServers": named}
        (root / ".plugin" / "plugin.json").write_text(json.dumps(meta))
        (root / "s.json").write_text(json.dumps({"mcpServers": {"named": {"command": "a"}}}))
        if dot:
            (root / ".mcp.json").write_text(json.dumps({"mcpServers": {"own": {"command": "b"}}}))
        result = api.import_(root, tmp_path / f"{case}-pack")
        assert not result.failed, [str(f) for f in result.findings]
        servers = [s.name for s in api.load_pack(tmp_path / f"{case}-pack").manifest.servers]
        assert servers == (["own"] if dot else []), case
        assert any(d.startswith("mcpServers (") for r in result.reports for d in r.dropped)


def test_a_manifest_field_a_pack_does_not_keep_is_reported(tmp_path: Path) -> None:
    """A real Copilot plugin asks for options (``userConfig``); the report said every field
    of the manifest was read."""
    (tmp_path / "p" / ".plugin").mkdir(parents=True)
    meta = '{"name": "p", "version": "1.0.0", "userConfig": {"a": {"type": "string"}}, "x": 1}'
    (tmp_path / "p" / ".plugin" / "plugin.json").write_text(meta)
    result = api.import_(tmp_path / "p", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    (report,) = [r for r in result.reports if r.source.endswith("plugin.json")]
    assert report.mapped == ["name", "version"]
    assert [d.split(" (")[0] for d in report.dropped] == ["userConfig", "x"]
    assert "claude: {userConfig" in report.dropped[0]


@pytest.mark.parametrize(
    ("agents", "tools", "task"),
    [
        ("[]", "['read', 'agent']", Decision.DENY),
        ("['reviewer']", "['read', 'agent']", Decision.DENY),
        ("['reviewer']", None, Decision.DENY),
        ("['*']", "['read', 'agent']", Decision.ALLOW),
    ],
)
def test_an_agents_list_holding_it_to_some_subagents_gives_no_task(
    tmp_path: Path, agents: str, tools: str | None, task: Decision
) -> None:
    """``agents: [reviewer]`` lets the agent start that subagent only, which the pack
    cannot say: all of task would be wider (``agents: []``, none at all)."""
    folder = tmp_path / "in" / ".github" / "agents"
    folder.mkdir(parents=True)
    line = "" if tools is None else f"tools: {tools}\n"
    (folder / "coord.agent.md").write_text(
        f"---\ndescription: Coordinates\n{line}agents: {agents}\n---\nGo.\n"
    )
    policy = imported_policy(tmp_path / "in", tmp_path / "pack", "coord")
    assert policy.tool("task") is task
    assert policy.tool("read") is Decision.ALLOW


@pytest.mark.parametrize(
    ("fields", "denied"),
    [
        ("disallowedTools: Bash, Write, WebSearch", ["bash", "write", "edit", "websearch"]),
        ("disallowed-tools: [mcp__jira__create_issue, Grep]", ["mcp:jira", "grep", "glob"]),
        ("readonly: true", ["write", "edit", "notebook", "bash", "mcp:*"]),
        ("readonly: 'true'", ["write", "edit", "notebook", "bash", "mcp:*"]),
    ],
)
def test_a_restriction_copilot_ignores_is_read_as_its_author_meant(
    tmp_path: Path, fields: str, denied: list[str]
) -> None:
    """Copilot ignores Claude Code's ``disallowedTools`` and Cursor's ``readonly`` in its
    agent files; their author meant the agent not to have those tools: the narrower
    reading wins."""
    folder = tmp_path / "in" / ".github" / "agents"
    folder.mkdir(parents=True)
    (folder / "safe.agent.md").write_text(f"---\ndescription: Safe\n{fields}\n---\nGo.\n")
    policy = imported_policy(tmp_path / "in", tmp_path / "pack", "safe")
    assert {t: policy.tool(t) for t in denied} == dict.fromkeys(denied, Decision.DENY)
    assert policy.tool("read") is Decision.ALLOW


def test_a_prompts_tools_list_comes_back_in_vs_code_and_is_warned_elsewhere(
    tmp_path: Path,
) -> None:
    """A prompt's ``tools`` holds it to those tools in VS Code: kept as ``copilot.tools``
    and written back into the prompt file; every other tool runs the command with its
    agent's tools, which each says."""
    prompts = tmp_path / "in" / ".github" / "prompts"
    prompts.mkdir(parents=True)
    (prompts / "context.prompt.md").write_text(
        "---\ndescription: What context is needed\ntools: ['codebase']\n---\nAsk.\n"
    )
    assert not api.import_(tmp_path / "in", tmp_path / "pack").failed
    result = api.export(tmp_path / "pack", ["copilot", "claude", "opencode"])
    written = (tmp_path / "pack" / "dist" / "copilot" / "prompts" / "context.prompt.md").read_text()
    assert "tools:\n  - codebase\n" in written
    warned = {f.message.split(":")[0] for f in result.findings if f.field == "copilot.tools"}
    assert warned == {"claude", "opencode", "copilot"}  # copilot: its CLI command


@pytest.mark.parametrize("key", ["agent", "mode"])
def test_a_prompt_run_in_the_ask_agent_stays_there_in_vs_code(tmp_path: Path, key: str) -> None:
    """VS Code runs a prompt with ``agent: ask`` in its Ask agent, which changes nothing:
    dropped (an info note), the exported prompt ran in the current agent, with edits and
    the terminal. Kept as ``copilot.agent`` and written back; every other tool, which runs
    the command in the current agent, warns."""
    prompts = tmp_path / "in" / ".github" / "prompts"
    prompts.mkdir(parents=True)
    (prompts / "explain.prompt.md").write_text(
        f"---\n{key}: 'ask'\ndescription: Explain\n---\nGo.\n"
    )
    imported = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not imported.failed, [str(f) for f in imported.findings]
    warned = [str(f) for r in imported.reports for f in r.findings]
    assert [w.split(": ")[:3] for w in warned] == [
        [".github/prompts/explain.prompt.md:2:1", "warning", key]
    ]
    targets = ["copilot", "claude", "opencode", "codex", "cursor"]
    result = api.export(tmp_path / "pack", targets)
    written = (tmp_path / "pack" / "dist" / "copilot" / "prompts" / "explain.prompt.md").read_text()
    assert "\nagent: ask\n" in written
    said = {f.message.split(":")[0] for f in result.findings if f.field == "copilot.agent"}
    assert said == set(targets)  # copilot: its CLI command


def test_a_prompts_own_variables_are_said_and_its_dollar_one_stays_text(tmp_path: Path) -> None:
    """VS Code fills in ``${selection}`` and asks for ``${input:target}``; no other tool
    does (said). It leaves ``$1`` as it is: read as the first argument, ``awk '{print $1}'``
    became ``{print $0}`` for Claude Code and ``${input:arg1}`` back in VS Code."""
    prompts = tmp_path / "src" / ".github" / "prompts"
    prompts.mkdir(parents=True)
    (prompts / "r.prompt.md").write_text(
        "---\ndescription: d\n---\n"
        "Fix ${selection} for ${input:target:Which?}, ${input:arguments}; awk '{print $1}'\n"
    )
    result = api.import_(prompts / "r.prompt.md", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    said = [a.split(" (")[0] for r in result.reports for a in r.approximated]
    assert said == ["body: ${selection}", "body: ${input:target:Which?}"]
    (command,) = api.load_pack(tmp_path / "pack").commands
    assert command.body.endswith("$ARGUMENTS; awk '{print \\$1}'\n")
    done = api.export(
        tmp_path / "pack", ["claude", "copilot", "opencode"], tmp_path / "out", cache=False
    )
    claude = (tmp_path / "out" / "claude" / "commands" / "r.md").read_text()
    vscode = (tmp_path / "out" / "copilot" / "prompts" / "r.prompt.md").read_text()
    assert claude.endswith("$ARGUMENTS; awk '{print \\$1}'\n")
    assert vscode.endswith("${input:arguments}; awk '{print $1}'\n")
    assert [f.message.split(":")[0] for f in done.findings if "no escape" in f.message] == [
        "opencode"
    ]


def test_a_plugins_servers_are_read_with_the_clis_own_references(tmp_path: Path) -> None:
    """The Copilot CLI (1.0.102, seen) expands ``$NAME`` as well as ``${NAME}``, and names
    the plugin's folder ``${COPILOT_PLUGIN_ROOT}`` and ``${CLAUDE_PLUGIN_ROOT}`` too: a bare
    ``$GH_TOKEN`` came in as text (and went to Claude Code so), and the script the second
    named did not come along. VS Code's ``.vscode/mcp.json`` keeps ``$NAME`` as text."""
    import json

    root = tmp_path / "p"
    (root / ".plugin").mkdir(parents=True)
    (root / "bin").mkdir()
    (root / "bin" / "s.py").write_text("print()\n")
    (root / ".plugin" / "plugin.json").write_text('{"name": "p", "version": "1.0.0"}')
    servers = {
        "local": {"command": "python3", "args": ["${COPILOT_PLUGIN_ROOT}/bin/s.py"]},
        "bare": {"command": "python3", "args": ["$CLAUDE_PLUGIN_ROOT/bin/s.py"]},
        "remote": {"url": "https://x.test/mcp", "headers": {"Authorization": "Bearer $GH_TOKEN"}},
        "shell": {"command": "sh", "args": ["-c", 'exec srv --home "$HOME"', "$ZERO"]},
    }
    (root / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    result = api.import_(root, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    found = {s.name: s for s in api.load_pack(tmp_path / "pack").manifest.servers}
    assert found["local"].args == found["bare"].args == ("${PLUGIN_ROOT}/bin/s.py",)
    assert (tmp_path / "pack" / "bin" / "s.py").is_file()
    assert found["remote"].headers == {"Authorization": "Bearer ${GH_TOKEN}"}
    assert found["shell"].args == ("-c", 'exec srv --home "$HOME"', "${ZERO}")  # the shell's
    said = [a for r in result.reports for a in r.approximated if "this tool put in" in a]
    assert [a.split(" (")[0] for a in said] == [
        "mcpServers.remote.headers.Authorization",
        "mcpServers.shell.args",
    ]
    vscode = tmp_path / "v" / ".vscode"
    vscode.mkdir(parents=True)
    db = {"command": "db", "args": ["$X"]}
    (vscode / "mcp.json").write_text(json.dumps({"servers": {"db": db}}))
    result = api.import_(tmp_path / "v", tmp_path / "vpack", dialect="copilot")
    assert not result.failed, [str(f) for f in result.findings]
    (db,) = api.load_pack(tmp_path / "vpack").manifest.servers
    assert db.args == ("$X",)
