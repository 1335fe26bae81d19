"""Claude Code's native files read into the pack: names and lists as Claude Code reads
them, and never a wider permission than the file grants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentpack import api
from agentpack.model import Agent
from agentpack.permissions import Decision
from tests.helpers import imported


@pytest.mark.parametrize(
    "part",
    ["BashOutput", "KillShell", "NotebookRead", "TodoRead", "Workflow", "EnterWorktree", "REPL"],
)
def test_a_name_for_part_of_a_tool_grants_nothing_and_denies_the_whole(part: str) -> None:
    """``tools: Read, BashOutput`` must not become read and bash (all of the shell): an
    allow list leaves it out, a deny list denies the whole tool, both narrower."""
    from agentpack.filereport import FileReport
    from agentpack.targets.claude.names import tool_id
    from agentpack.targets.claude.read import grants, policy

    whole = tool_id(part)[0]
    assert whole is not None
    report = FileReport("a.md")
    allowed = policy({"tools": f"Read, {part}"}, report)
    assert allowed is not None
    assert allowed.tool(whole) is Decision.DENY or whole == "read"
    assert [t for t in allowed.tools if allowed.tools[t] is Decision.ALLOW] == ["read"]
    assert any(part in line and "left out" in line for line in report.approximated)
    denied = policy({"disallowedTools": part}, FileReport("a.md"))
    assert denied is not None
    assert denied.tool(whole) is Decision.DENY
    assert grants(part, FileReport("c.md")) == ()


def _imported_agent(tmp_path: Path, fields: str) -> tuple[Any, Agent]:
    """What importing one Claude Code agent with these frontmatter lines said, and the
    agent it gave."""
    (tmp_path / "in" / "agents").mkdir(parents=True)
    (tmp_path / "in" / "agents" / "a.md").write_text(
        f"---\nname: a\ndescription: d\n{fields}---\nx\n"
    )
    result, loaded = imported(tmp_path / "in", tmp_path / "pack")
    agent = loaded.agent("a")
    assert agent is not None
    return result, agent


def test_an_agents_skills_as_a_comma_separated_text_are_the_list(tmp_path: Path) -> None:
    """``skills: a, b`` is written as tools are; it once failed the whole import."""
    _, agent = _imported_agent(tmp_path, "skills: discovery, definition, discovery\n")
    assert agent.extras["claude"]["skills"] == ["discovery", "definition"]


def test_an_agents_allowed_tools_is_read_as_its_tools_and_said(tmp_path: Path) -> None:
    """Real agents write a command's ``allowed-tools`` line, which Claude Code does not
    read in an agent (it gets every tool): the import made it the tools line and said only
    "written back as"."""
    result, agent = _imported_agent(tmp_path, "allowed-tools:\n  - Read\n  - Grep\n")
    assert agent.policy is not None
    assert agent.policy.decide("read") is Decision.ALLOW
    assert agent.policy.decide("bash") is Decision.DENY
    said = [a for r in result.reports for a in r.approximated if a.startswith("allowed-tools (")]
    assert said == [
        "allowed-tools (Claude Code reads it in commands and skills only: such an agent has "
        "every tool there; read as its tools line, as meant, which the export writes)"
    ]


def test_a_command_renamed_for_the_pack_says_its_slash_command_changes(tmp_path: Path) -> None:
    (tmp_path / "in" / "commands").mkdir(parents=True)
    (tmp_path / "in" / "commands" / "clean_gone.md").write_text("---\ndescription: d\n---\nx\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    said = [a for r in result.reports for a in r.approximated]
    assert any("/clean_gone becomes /clean-gone" in a for a in said)


@pytest.mark.parametrize(("rule", "tool"), [("Read(*)", "read"), ("Bash(*)", "bash")])
def test_a_rule_for_everything_is_the_tool(rule: str, tool: str) -> None:
    from agentpack.filereport import FileReport
    from agentpack.targets.claude.read import grants

    report = FileReport("c.md")
    assert [(g.tool, g.pattern) for g in grants(rule, report)] == [(tool, None)]
    assert report.dropped == []


def test_a_tool_of_any_mcp_server_grants_nothing_and_denies_every_mcp_tool() -> None:
    """``mcp__*__search`` has no canonical id (it once crashed the import)."""
    from agentpack.filereport import FileReport
    from agentpack.targets.claude.read import policy

    allowed = policy({"tools": "Read, mcp__*__search"}, FileReport("a.md"))
    assert allowed is not None
    assert [t for t in allowed.tools if allowed.tools[t] is Decision.ALLOW] == ["read"]
    denied = policy({"disallowedTools": "mcp__*__search"}, FileReport("a.md"))
    assert denied is not None
    assert denied.tool("mcp:github/search") is Decision.DENY


def test_an_agents_own_guard_is_said_to_run_only_outside_a_plugin(tmp_path: Path) -> None:
    """An agent's own PreToolUse hooks stay with it for Claude Code, where they run for
    .claude/agents only: the import says so, and the export warns that the plugin it
    writes runs the agent unguarded (Claude Code 2.1.332 ignores them in a plugin)."""
    (tmp_path / "in" / "agents").mkdir(parents=True)
    (tmp_path / "in" / "agents" / "writer.md").write_text(
        "---\nname: writer\ndescription: d\ntools: Read, Write\nhooks:\n  PreToolUse:\n"
        "    - matcher: Write\n      hooks:\n        - type: command\n"
        "          command: ./redact.sh\n---\nx\n"
    )
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    said = [a for r in result.reports for a in r.approximated]
    assert any(a.startswith("hooks (kept under claude:, for Claude Code") for a in said), said
    exported = api.export(tmp_path / "pack", ["claude"], tmp_path / "out", cache=False)
    unguarded = [f for f in exported.findings if "unguarded" in f.message]
    assert [(f.field, f.line) for f in unguarded] == [("claude.hooks", 11)]  # its place


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("\ufeffBash, Read", ["Bash", "Read"]),  # JavaScript's trim() takes U+FEFF off
        ("Bash\x1c", ["Bash\x1c"]),  # and leaves U+001C on: no tool of that name
        ("Read\u0085,Grep", ["Read\u0085", "Grep"]),
        ("Bash(git log, -n 1) Read\tGrep", ["Bash(git log, -n 1)", "Read\tGrep"]),
    ],
)
def test_a_tools_line_is_trimmed_as_javascript_trims(line: str, found: list[str]) -> None:
    """Claude Code splits at ',' and ' ' only, and trims each rule with JavaScript's
    trim(), whose idea of a space is not Python's: a rule Python would clean up is one
    Claude Code does not know (and grants nothing for)."""
    from agentpack.targets.claude.permissions import rules

    assert rules(line) == found


def test_a_tools_line_naming_a_server_as_mcp_x_star_comes_back_as_written(
    tmp_path: Path,
) -> None:
    """``mcp__exa__*`` is Claude Code's ``mcp__exa`` (every tool of the server): a line
    that says it so is written back as it is, not respelled with every name of each tool
    (``TodoWrite`` would have brought ``TaskCreate`` and three more the source left out)."""
    line = "Read, TodoWrite, WebFetch, mcp__exa__*"
    (tmp_path / "in" / "agents").mkdir(parents=True)
    (tmp_path / "in" / "agents" / "rc.md").write_text(
        f"---\nname: rc\ndescription: d\ntools: {line}\n---\nx\n"
    )
    api.import_(tmp_path / "in", tmp_path / "pack")
    api.export(tmp_path / "pack", ["claude"], tmp_path / "out", cache=False)
    written = (tmp_path / "out" / "claude" / "agents" / "rc.md").read_text()
    assert f"tools: {line}\n" in written


@pytest.mark.parametrize(
    ("mode", "said"), [("", True), ("permissionMode: bypassPermissions\n", False)]
)
def test_a_tool_claude_code_asks_about_is_said_to_be_allowed(
    tmp_path: Path, mode: str, said: bool
) -> None:
    """A tools line makes Bash available; Claude Code still asks before each command in its
    default mode, and opencode will not: the pack reads it as allow, and says so."""
    agents = tmp_path / "src" / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "a.md").write_text(
        f"---\nname: a\ndescription: A.\ntools: Read, Bash\n{mode}---\nA.\n"
    )
    result = api.import_(tmp_path / "src", tmp_path / "pack", dry_run=True)
    assert not result.failed, [str(f) for f in result.findings]
    lines = [a for r in result.reports for a in r.approximated if "asks before each use" in a]
    assert bool(lines) is said
    assert all(line.startswith("tools (bash: ") for line in lines)


@pytest.mark.parametrize("line", ["Read, Agent(reviewer)", "Read, Task(a, b)"])
def test_a_tools_line_naming_the_subagents_it_may_start_gives_no_task(line: str) -> None:
    """Claude Code keeps ``Agent(reviewer)`` in a tools line (only that subagent): all of
    task would be wider, so the pack's agent gets none, and the import says why."""
    from agentpack.filereport import FileReport
    from agentpack.targets.claude.read import policy

    report = FileReport("a.md")
    found = policy({"tools": line}, report)
    assert found is not None
    assert found.tool("task") is Decision.DENY
    assert found.tool("read") is Decision.ALLOW
    assert any("task is left out" in note for note in report.approximated)


@pytest.mark.parametrize("deny", [False, True])
def test_a_line_naming_a_plugin_servers_tool_comes_back_as_written(
    tmp_path: Path, deny: bool
) -> None:
    """A plugin's agent names its server's tool as Claude Code names it in the plugin
    (``mcp__plugin_kit_srv__deploy``); the pack calls it ``mcp:srv/deploy``. The line comes
    back as written, with the name the server has outside the plugin added (a deny must
    hold there too); before, it came back with every shell tool for ``Bash``."""
    plugin = tmp_path / "kit"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "kit"}')
    (plugin / ".mcp.json").write_text('{"mcpServers": {"srv": {"command": "srv"}}}')
    (plugin / "agents").mkdir()
    line = (
        "disallowedTools: mcp__plugin_kit_srv__deploy"
        if deny
        else ("tools: Bash, Read, mcp__plugin_kit_srv__deploy")
    )
    (plugin / "agents" / "runner.md").write_text(
        f"---\nname: runner\ndescription: d\n{line}\n---\nx\n"
    )
    result = api.import_(plugin, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    api.export(tmp_path / "pack", ["claude"], tmp_path / "out", cache=False)
    written = (tmp_path / "out" / "claude" / "agents" / "runner.md").read_text()
    key, _, names = line.partition(": ")
    (found,) = [w for w in written.splitlines() if w.startswith(f"{key}: ")]
    wanted = f"{names}, mcp__srv__deploy".split(", ")
    got = found.partition(": ")[2].split(", ")
    # a tools line as written; a deny may come in another order, naming the same
    assert (set(got), len(got)) == (set(wanted), 2) if deny else got == wanted


def test_indexed_and_named_arguments_are_the_packs_positions(tmp_path: Path) -> None:
    """Claude Code's ``$ARGUMENTS[0]`` and a named ``$component`` (its ``arguments:``
    field) reached opencode as text (``123 feat-x[0]``): each is the pack's ``$N``."""
    commands = tmp_path / "src" / ".claude" / "commands"
    commands.mkdir(parents=True)
    (commands / "fix.md").write_text(
        "---\ndescription: d\narguments: [issue, branch]\n---\n"
        "Fix $issue on $branch ($ARGUMENTS[1], then $ARGUMENTS[0]); cost \\$1.\n"
    )
    _, loaded = imported(tmp_path / "src", tmp_path / "pack")
    (command,) = loaded.commands
    assert command.body == "Fix $1 on $2 ($2, then $1); cost \\$1.\n"


def test_commands_in_folders_keep_the_folder_in_their_name(tmp_path: Path) -> None:
    """Claude Code lists ``commands/gh/push.md`` as ``/gh:push``: named ``push``, it lost
    its folder without a word, and ``git/push.md`` beside it stopped the import."""
    commands = tmp_path / "src" / ".claude" / "commands"
    for rel in ("gh/push.md", "git/push.md", "top.md"):
        (commands / rel).parent.mkdir(parents=True, exist_ok=True)
        (commands / rel).write_text("---\ndescription: d\n---\nx\n")
    result = api.import_(tmp_path / "src", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    names = sorted(c.name for c in api.load_pack(tmp_path / "pack").commands)
    assert names == ["gh-push", "git-push", "top"]
    said = [
        a for r in result.reports for a in r.approximated if a.startswith("name (in the folder")
    ]
    assert len(said) == 2


@pytest.mark.parametrize(
    ("rel", "name"),
    [
        ("proj/.claude/commands/git/commands/x.md", "git-commands-x"),
        ("proj/.claude/commands/prompts/review.md", "prompts-review"),
        ("commands/mine/.claude/commands/ship.md", "ship"),
        ("prompts/kit/commands/ops/deploy.md", "ops-deploy"),
    ],
)
def test_a_commands_folders_count_from_its_tools_commands_folder(
    tmp_path: Path, rel: str, name: str
) -> None:
    """The folders a name holds are those under the tool's own commands folder (in
    ``.claude``, or beside a plugin's ``.claude-plugin``), not under any folder of that
    name higher up in the user's own path."""
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    path.write_text("---\ndescription: d\n---\nx\n")
    if rel.startswith("prompts/kit"):
        (tmp_path / "prompts" / "kit" / ".claude-plugin").mkdir()
        (tmp_path / "prompts" / "kit" / ".claude-plugin" / "plugin.json").write_text(
            '{"name": "kit"}'
        )
    from agentpack.filereport import FileReport
    from agentpack.nativetree import command_name

    assert command_name(path, FileReport(rel)) == name


def test_a_skills_metadata_that_is_not_text_is_its_json_text(tmp_path: Path) -> None:
    """``tags: [a, b]`` and ``enabled: true`` came in as Python's ``['a', 'b']`` and
    ``True``: as their JSON text, said; a null is left out."""
    skill = tmp_path / "src" / ".claude" / "skills" / "x"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\nname: x\ndescription: d\nmetadata:\n  tags: [a, b]\n  enabled: true\n"
        "  owner: me\n  gone: null\n---\nbody\n"
    )
    result, loaded = imported(tmp_path / "src", tmp_path / "pack")
    (found,) = loaded.skills
    assert dict(found.metadata) == {"tags": '["a", "b"]', "enabled": "true", "owner": "me"}
    said = [a.split(" (")[0] for r in result.reports for a in r.approximated]
    assert said == ["metadata.tags", "metadata.enabled"]


@pytest.mark.parametrize("given", [".claude", ".claude.json"])
def test_the_users_own_servers_come_from_claude_json_beside_the_claude_folder(
    tmp_path: Path, given: str
) -> None:
    """``claude mcp add -s user`` (and agentpack's install) keeps the user's servers in
    ``~/.claude.json``, not in ``~/.claude``: importing either reads them, and only them
    (the file's other keys are the user's settings)."""
    home = tmp_path / "home"
    (home / ".claude" / "agents").mkdir(parents=True)
    (home / ".claude" / "agents" / "a.md").write_text("---\nname: a\ndescription: d\n---\nx\n")
    (home / ".claude.json").write_text(
        '{"numStartups": 3, "userID": "abc", "mcpServers": {"docs": {"type": "stdio", '
        '"command": "npx", "args": ["-y", "docs-mcp"]}}, '
        '"projects": {"/x": {"mcpServers": {"p": {"command": "p"}}}}}'
    )
    result = api.import_(home / given, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    servers = api.load_pack(tmp_path / "pack").manifest.servers
    assert [(s.name, s.command, s.args) for s in servers] == [("docs", "npx", ("-y", "docs-mcp"))]


@pytest.mark.parametrize("named", ["~", "$HOME", "${HOME}"])
def test_the_users_settings_bring_the_hook_script_they_name_from_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: str
) -> None:
    """``~/.claude/settings.json`` names its scripts from the home folder: importing
    ``~/.claude`` carries them as a project's settings' ``$CLAUDE_PROJECT_DIR`` ones are
    (the hook was dropped as running no file of a plugin)."""
    home = tmp_path / "home"
    (home / ".claude" / "hooks").mkdir(parents=True)
    (home / ".claude" / "hooks" / "check.sh").write_text("#!/bin/bash\nexit 0\n")
    hook = {"type": "command", "command": f"{named}/.claude/hooks/check.sh"}
    (home / ".claude" / "settings.json").write_text(
        json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [hook]}]}})
    )
    monkeypatch.setenv("HOME", str(home))
    result = api.import_(home / ".claude", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    (found,) = api.load_pack(tmp_path / "pack").manifest.hooks
    assert (found.run, found.tools) == (".claude/hooks/check.sh", ("bash",))
    assert (tmp_path / "pack" / ".claude" / "hooks" / "check.sh").is_file()


@pytest.mark.parametrize(
    "command",
    [".claude/hooks/check.sh", "bash ./.claude/hooks/check.sh", 'sh ".claude/hooks/check.sh"'],
)
def test_a_projects_hook_named_from_the_project_folder_comes_along(
    tmp_path: Path, command: str
) -> None:
    """A project's settings may name the script from the project's folder, which Claude
    Code runs its hooks in: the hook was dropped as running no file of a plugin."""
    project = tmp_path / "project"
    (project / ".claude" / "hooks").mkdir(parents=True)
    (project / ".claude" / "hooks" / "check.sh").write_text("#!/bin/bash\nexit 2\n")
    hook = {"type": "command", "command": command}
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [hook]}]}})
    )
    result = api.import_(project / ".claude", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    (found,) = api.load_pack(tmp_path / "pack").manifest.hooks
    assert (found.run, found.tools) == (".claude/hooks/check.sh", ("bash",))


def test_a_users_server_credential_comes_in_as_a_variable_to_set(tmp_path: Path) -> None:
    """``claude mcp add -s user -e GITHUB_TOKEN=ghp_...`` keeps the token in
    ``~/.claude.json`` as written: it comes in as ``${GITHUB_TOKEN}`` (a header keeps its
    scheme), with a warning at the value, never in the pack; the import failed on it."""
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    servers = {
        "gh": {"command": "npx", "env": {"GITHUB_TOKEN": token, "LOG": "debug"}},
        "web": {
            "type": "http",
            "url": "https://x.test/mcp",
            "headers": {"Authorization": f"Bearer {token}"},
        },
    }
    (home / ".claude.json").write_text(json.dumps({"mcpServers": servers}))
    result = api.import_(home / ".claude", tmp_path / "pack")
    assert not result.failed, [str(f) for r in result.reports for f in r.findings]
    found = {s.name: s for s in api.load_pack(tmp_path / "pack").manifest.servers}
    assert dict(found["gh"].env) == {"GITHUB_TOKEN": "${GITHUB_TOKEN}", "LOG": "debug"}
    assert dict(found["web"].headers) == {"Authorization": "Bearer ${AUTHORIZATION}"}
    said = [f for r in result.reports for f in r.findings]
    assert [(f.field, f.line > 0) for f in said] == [
        ("mcpServers.gh.env.GITHUB_TOKEN", True),
        ("mcpServers.web.headers.Authorization", True),
    ]
    assert token not in "".join(p.read_text() for p in (tmp_path / "pack").rglob("*.yaml"))


@pytest.mark.parametrize(
    "text", ["[" * 100_000 + "]" * 100_000, '{"mcpServers": {"a": {"command": "x",}}}', "[1]"]
)
def test_a_claude_json_that_cannot_be_read_is_said_not_a_crash(tmp_path: Path, text: str) -> None:
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    (home / ".claude.json").write_text(text)
    result = api.import_(home / ".claude.json", tmp_path / "pack")
    assert result.failed
    assert [f.path for r in result.reports for f in r.findings if f.is_error]


def test_the_users_settings_project_dir_is_no_file_of_the_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In ``~/.claude/settings.json``, ``$CLAUDE_PROJECT_DIR`` is each project a session
    runs in: its script is none of the files imported, so the hook is not carried."""
    home = tmp_path / "home"
    (home / ".claude" / "hooks").mkdir(parents=True)
    (home / ".claude" / "hooks" / "check.sh").write_text("#!/bin/bash\nexit 0\n")
    hook = {"type": "command", "command": "$CLAUDE_PROJECT_DIR/.claude/hooks/check.sh"}
    (home / ".claude" / "settings.json").write_text(
        json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [hook]}]}})
    )
    (home / ".claude" / "agents").mkdir()
    (home / ".claude" / "agents" / "a.md").write_text("---\nname: a\ndescription: d\n---\nx\n")
    monkeypatch.setenv("HOME", str(home))
    result = api.import_(home / ".claude", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    assert api.load_pack(tmp_path / "pack").manifest.hooks == ()
    said = [d for r in result.reports for d in r.dropped]
    assert any("$CLAUDE_PROJECT_DIR/.claude/hooks/check.sh" in d for d in said), said


@pytest.mark.parametrize(
    "fields",
    [
        {"tools": "Read, Agent(reviewer), Task"},
        {"tools": "Read, Agent, Agent(reviewer)"},
        {"tools": "Read, mcp__github__create_issue", "disallowedTools": "mcp__github"},
        {"tools": "Read, mcp__github__create_issue", "disallowedTools": "mcp__*"},
    ],
)
def test_a_line_claude_code_reads_narrower_than_its_parts_is_read_so(
    fields: dict[str, str],
) -> None:
    """Claude Code 2.1.332 holds an agent with ``Agent(reviewer)`` to that subagent even
    beside a bare ``Agent``, and offers no tool of a server its deny line names whole: the
    import allowed task, and ``create_issue``, and every export gave them."""
    from agentpack.filereport import FileReport
    from agentpack.targets.claude.read import policy

    found = policy(fields, FileReport("a.md"))
    assert found is not None
    assert found.decide("read") is Decision.ALLOW
    assert found.decide("task") is Decision.DENY
    assert found.decide("mcp:github/create_issue") is Decision.DENY


def test_an_agents_hook_for_an_event_claude_code_does_not_know_is_left_out(
    tmp_path: Path,
) -> None:
    """Claude Code ignores it (and loads the agent); the pack's schema refuses it, so the
    whole import failed on it."""
    agents = tmp_path / "in" / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "a.md").write_text(
        "---\nname: a\ndescription: d\nhooks:\n  BeforeTool:\n    - hooks: []\n"
        "  Stop:\n    - hooks:\n        - type: command\n          command: echo done\n---\nx\n"
    )
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    agent = api.load_pack(tmp_path / "pack").agent("a")
    assert agent is not None
    assert list(agent.extras["claude"]["hooks"]) == ["Stop"]
    said = [d for r in result.reports for d in r.dropped]
    assert "hooks.BeforeTool (no event of Claude Code's, which ignores it)" in said


def test_a_deny_of_the_mcp_resource_tools_is_kept(tmp_path: Path) -> None:
    """ReadMcpResourceTool in a deny line was dropped as a name agentpack did not know, so
    the agent read every server's resources again once exported. Beside a server denied
    (what export writes for it) it is part of that deny; alone it denies every MCP tool."""
    agents = tmp_path / "src" / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "alone.md").write_text(
        "---\nname: alone\ndescription: d\ndisallowedTools: ReadMcpResourceTool\n---\nx\n"
    )
    (agents / "beside.md").write_text(
        "---\nname: beside\ndescription: d\ndisallowedTools: mcp__res, ListMcpResourcesTool, "
        "ReadMcpResourceTool, ReadMcpResourceDirTool\n---\nx\n"
    )
    result = api.import_(tmp_path / "src", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    said = [d for r in result.reports for d in r.dropped if "Resource" in d]
    assert said == []
    pack = api.load_pack(tmp_path / "pack")
    alone, beside = pack.agent("alone"), pack.agent("beside")
    assert alone is not None
    assert alone.policy is not None
    assert beside is not None
    assert beside.policy is not None
    assert alone.policy.decide("mcp:*") is Decision.DENY
    assert alone.policy.decide("read") is Decision.ALLOW
    assert beside.policy.decide("mcp:res") is Decision.DENY
    assert beside.policy.decide("mcp:other") is Decision.ALLOW
