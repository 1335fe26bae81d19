"""Real trees, as users have them: an opencode project whose agents live in subfolders and
call each other by path, with bare and mixed model names, a design document at the top of
``.opencode/``, plugins, custom tools, MCP servers and hooks. Each import gives a pack that
validates and exports, and says what it did not read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentpack import api
from agentpack.permissions import Decision
from tests.helpers import imported_policy


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "project",
        {
            ".opencode/agent/team/coder.md": "---\ndescription: Writes code.\nmode: subagent\n"
            "model: claude-4-sonnet\npermission:\n  bash: ask\n---\n"
            "Write code; ask team/reviewer for a review.\n",
            ".opencode/agent/team/reviewer.md": "---\ndescription: Reviews code.\n"
            "mode: subagent\nmodel: sonnet\ntools:\n  write: false\n  edit: false\n---\n"
            "Review what team/coder wrote.\n",
            ".opencode/agent/lead.md": "---\ndescription: Leads.\nmode: primary\n"
            "model: my-local-model\n---\nDelegate to team/coder.\n",
            ".opencode/command/ship.md": "---\ndescription: Ship it.\nagent: team/coder\n---\n"
            "Ship $ARGUMENTS.\n",
            ".opencode/DESIGN.md": "# How our agents work\n\nNot an agent.\n",
            ".opencode/plugin/notify.ts": "export const Notify = async () => ({})\n",
            ".opencode/tool/db.ts": "export default {}\n",
            ".opencode/package.json": "{}\n",
            "opencode.json": '{"mcp": {"db": {"type": "local", "command": ["db"]}}, '
            '"plugin": ["opencode-x"]}\n',
            ".claude/settings.json": '{"hooks": {"PreToolUse": []}}\n',
            ".mcp.json": '{"mcpServers": {"db": {"command": "db"}}}\n',
        },
    )


def test_an_opencode_project_imports_into_a_pack_that_validates(
    project: Path, tmp_path: Path
) -> None:
    result = api.import_(project / ".opencode", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings if f.is_error]
    pack = api.load_pack(tmp_path / "pack")
    assert sorted(a.name for a in pack.agents) == ["lead", "team/coder", "team/reviewer"]
    assert (tmp_path / "pack" / "agents" / "team" / "coder.md").is_file()
    assert pack.commands[0].agent == "team/coder"
    models = {a.name: a.model.alias if a.model else None for a in pack.agents}
    assert models["team/coder"] == "sonnet"
    assert models["team/reviewer"] == "sonnet"
    assert models["lead"] is None  # a bare name opencode cannot use: dropped, and said
    said = {r.source: r.approximated + r.dropped for r in result.reports}
    assert any("claude-4-sonnet -> the alias sonnet" in e for e in said["agent/team/coder.md"])
    assert any("my-local-model" in e for e in said["agent/lead.md"])
    assert (
        "DESIGN.md",
        "opencode reads none of a pack's agents, skills, servers or hooks here",
    ) in (result.skipped)
    dropped = [e for r in result.reports if r.kind == "opencode.json" for e in r.dropped]
    assert [e.split(" ")[0] for e in dropped] == ["plugin"]
    assert [(s.name, s.command) for s in pack.manifest.servers] == [("db", "db")]
    not_read = {path for path, _ in result.skipped}
    assert {"plugin", "tool", "package.json"} <= not_read


def test_nested_agents_keep_their_path_for_opencode_and_a_plain_name_elsewhere(
    project: Path, tmp_path: Path
) -> None:
    api.import_(project / ".opencode", tmp_path / "pack")
    result = api.export(tmp_path / "pack")
    dist = tmp_path / "pack" / "dist"
    assert (dist / "opencode" / "agents" / "team" / "coder.md").is_file()
    assert "agent: team/coder\n" in (dist / "opencode" / "commands" / "ship.md").read_text()
    claude = (dist / "claude" / "agents" / "team-coder.md").read_text()
    assert "name: team-coder\n" in claude
    assert "agent: team-coder\n" in (dist / "claude" / "commands" / "ship.md").read_text()
    notes = [f for f in result.findings if f.field == "name"]
    assert {f.message.split(":")[0] for f in notes} >= {"claude", "copilot"}


def test_two_agents_that_meet_on_one_plain_name_are_an_error(tmp_path: Path) -> None:
    pack = _write(
        tmp_path / "pack",
        {
            "agentpack.yaml": "name: p\nversion: 1.0.0\ndescription: d\n",
            "agents/team/coder.md": "---\nname: team/coder\ndescription: d\n---\nx\n",
            "agents/team-coder.md": "---\nname: team-coder\ndescription: d\n---\nx\n",
        },
    )
    errors = [str(f) for f in api.validate(pack).findings if f.is_error]
    assert errors == [
        "agents/team-coder.md:1:1: error: -: the agents 'team/coder' and 'team-coder' would "
        "both be 'team-coder' in tools whose agent names hold no '/'; rename one"
    ]


def test_a_claude_tree_says_what_it_does_not_carry(project: Path, tmp_path: Path) -> None:
    _write(
        project,
        {
            ".claude/agents/a.md": "---\nname: a\ndescription: d\n---\nx\n",
            ".claude/settings.json": '{"permissions": {"allow": ["Bash(ls)"]}, "hooks": {}}\n',
        },
    )
    result = api.import_(project, tmp_path / "pack", dry_run=True)
    reasons = dict(result.skipped)
    assert ".claude/settings.json" not in reasons  # its hooks are read
    dropped = [e for r in result.reports if r.source == ".claude/settings.json" for e in r.dropped]
    assert dropped == ["permissions (settings are not carried by a pack)"]
    assert ".mcp.json" not in reasons  # the project's servers are read into the pack
    said = {r.source: r.mapped for r in result.reports}
    assert said[".mcp.json"] == ["mcpServers.db"]  # and the same db of opencode.json is one


def test_from_reads_a_plugin_folder_with_that_tools_manifest(tmp_path: Path) -> None:
    """A real plugin keeps Codex's and Cursor's manifests side by side; ``--from cursor``
    read it as Codex's all the same, and left the Cursor agent and command unread."""
    plugin = tmp_path / "p"
    _write(
        plugin,
        {
            ".codex-plugin/plugin.json": '{"name": "team", "version": "1.0.0"}',
            ".cursor-plugin/plugin.json": '{"name": "team", "version": "1.0.0"}',
            "agents/lead.md": "---\nname: lead\ndescription: Leads.\n---\nLead.\n",
            "commands/status.md": "Say the status.\n",
        },
    )
    result = api.import_(plugin, tmp_path / "pack", dialect="cursor", dry_run=True)
    assert not result.failed, [str(f) for f in result.findings]
    kinds = {r.source: r.kind for r in result.reports}
    assert kinds["agents/lead.md"] == "agent (cursor)"
    assert kinds["commands/status.md"] == "command (cursor)"


def test_from_another_tool_still_reads_a_claude_marketplace(tmp_path: Path) -> None:
    """With --from, the chosen tool's reader may take a folder first; when it does not,
    the one whose folder it is still reads it (a Claude marketplace with --from copilot
    was read as an empty pack)."""
    _write(
        tmp_path / "m",
        {
            ".claude-plugin/marketplace.json": '{"name": "m", "owner": {"name": "o"}, '
            '"plugins": [{"name": "a", "source": "./a"}]}',
            "a/.claude-plugin/plugin.json": '{"name": "a", "version": "1.0.0"}',
            "a/commands/hi.md": "---\ndescription: Hi.\n---\nSay hi.\n",
        },
    )
    result = api.import_(tmp_path / "m", tmp_path / "pack", dialect="copilot", dry_run=True)
    assert not result.failed, [str(f) for f in result.findings]
    assert any(r.source == "a/commands/hi.md" for r in result.reports)


def test_a_folder_not_read_says_which_of_its_files_servers_run(tmp_path: Path) -> None:
    """A Codex plugin's server runs scripts/serve.sh: the scripts folder is no tool's
    folder of agents, and was said to be not read although the script came along."""
    _write(
        tmp_path / "p",
        {
            ".codex-plugin/plugin.json": '{"name": "p", "version": "1.0.0"}',
            ".mcp.json": '{"mcpServers": {"s": {"command": "${PLUGIN_ROOT}/scripts/serve.sh"}}}',
            "scripts/serve.sh": "#!/bin/sh\n",
            "scripts/notes.txt": "x\n",
        },
    )
    result = api.import_(tmp_path / "p", tmp_path / "pack", dry_run=True)
    assert not result.failed, [str(f) for f in result.findings]
    reasons = dict(result.skipped)
    assert reasons["scripts"].endswith("; but the files servers and hooks run come along: serve.sh")


def test_a_skills_credential_files_are_not_imported(tmp_path: Path) -> None:
    """A skill's ``.env`` or private key would be copied into every target's folder of a
    committed ``dist/``: left behind, with a note; a template (``.env.example``) comes."""
    skill = tmp_path / "in" / ".claude" / "skills" / "deploy"
    (skill / "keys").mkdir(parents=True)
    (skill / "SKILL.md").write_text("---\nname: deploy\ndescription: Deploys\n---\nGo.\n")
    (skill / ".env").write_text("TOKEN=ghp_0123456789abcdefghij0123456789abcdef\n")
    (skill / ".env.example").write_text("TOKEN=\n")
    (skill / "keys" / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    copied = sorted(p.name for p in (tmp_path / "pack" / "skills" / "deploy").rglob("*"))
    assert copied == [".env.example", "SKILL.md"]
    notes = [d for r in result.reports for d in r.dropped if "credentials" in d]
    assert len(notes) == 2
    assert api.validate(tmp_path / "pack").ok


@pytest.mark.parametrize(
    "rel",
    [
        ".github/agents/x.agent.md",
        ".github/prompts/x.prompt.md",
        ".claude/skills/x/SKILL.md",
        "agents/x.md",
    ],
)
def test_a_file_linked_from_outside_the_folder_is_never_read(tmp_path: Path, rel: str) -> None:
    """A cloned repository's ``x.agent.md -> ~/.ssh/config`` would put that file in the
    pack, and from there in every target's folder: such a link is not read, with a warning
    (the rest of the folder still comes)."""
    secret = tmp_path / "home" / "config"
    secret.parent.mkdir()
    secret.write_text("---\ndescription: Host github.com IdentityFile ~/.ssh/id\n---\nsecret\n")
    link = tmp_path / "in" / rel
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    real = link.parent / ("y.md" if rel.startswith("agents") else "y.agent.md")
    real.write_text("---\ndescription: A real one\n---\nFine.\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    said = [str(f) for r in result.reports for f in r.findings]
    assert any("warning: -: a link to" in s and "outside the folder" in s for s in said), said
    pack = tmp_path / "pack"
    assert not any("secret" in p.read_text() for p in pack.rglob("*.md")) if pack.exists() else True


@pytest.mark.parametrize("said", ['"true"', "'yes'", "1"])
def test_a_cursor_readonly_said_as_text_is_read_only(tmp_path: Path, said: str) -> None:
    agents = tmp_path / "in" / ".cursor" / "agents"
    agents.mkdir(parents=True)
    (agents / "ro.md").write_text(f"---\nname: ro\ndescription: R\nreadonly: {said}\n---\nGo.\n")
    policy = imported_policy(tmp_path / "in", tmp_path / "pack", "ro")
    assert policy.tool("edit") is Decision.DENY
    assert policy.tool("bash") is Decision.DENY


def test_cursor_cli_deny_rules_are_warned_at_each(tmp_path: Path) -> None:
    """``.cursor/cli.json`` denies hold every agent of the project in Cursor's CLI; a pack
    does not read them, so each is a warning (as a Cursor guard hook is), not a quiet skip."""
    cursor = tmp_path / "in" / ".cursor"
    (cursor / "agents").mkdir(parents=True)
    (cursor / "agents" / "a.md").write_text("---\nname: a\ndescription: A\n---\nGo.\n")
    rules = {"permissions": {"allow": ["Read(**)"], "deny": ["Shell(rm)", "Mcp(*:*)"]}}
    (cursor / "cli.json").write_text(json.dumps(rules, indent=2))
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    warned = [str(f) for r in result.reports for f in r.findings]
    assert len(warned) == 2
    assert all("unguarded: Cursor's CLI denies" in w for w in warned)
    assert warned[0].startswith(".cursor/cli.json:7:7: warning: permissions.deny[0]")


def test_a_claude_agent_with_a_stray_mode_is_read_as_claudes(tmp_path: Path) -> None:
    """VoltAgent's ad-security-reviewer.md has ``mode: subagent`` beside a Claude Code tools
    line: a tools line of names is Claude Code's (opencode's is a map), so it imports."""
    agents = tmp_path / "in" / "agents"
    agents.mkdir(parents=True)
    (agents / "rev.md").write_text(
        "---\nname: rev\ndescription: Reviews\ntools: Read, Grep\nmode: subagent\n---\nGo.\n"
    )
    policy = imported_policy(tmp_path / "in", tmp_path / "pack", "rev")
    assert policy.tool("read") is Decision.ALLOW
    assert policy.tool("edit") is Decision.DENY


def test_a_folder_of_markdown_no_tool_reads_is_said_to_be_not_read(tmp_path: Path) -> None:
    """VoltAgent keeps its agents in categories/<n>/, awesome-copilot its prompt files in
    prompts/: an import of the repository names each such folder, rather than nothing."""
    root = tmp_path / "in"
    (root / "categories" / "01-core").mkdir(parents=True)
    (root / "categories" / "01-core" / "a.md").write_text("---\nname: a\ndescription: A\n---\nx\n")
    (root / "prompts").mkdir()
    (root / "prompts" / "p.prompt.md").write_text("---\ndescription: P\n---\nx\n")
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("# Guide\n")
    result = api.import_(root, tmp_path / "pack")
    assert [(path, why.split(":")[0]) for path, why in result.skipped] == [
        ("categories", "markdown files in a folder no tool reads"),
        ("prompts", "markdown files in a folder no tool reads"),
    ]


def test_a_spec_agents_allowed_list_grants_no_part_of_a_tool(tmp_path: Path) -> None:
    """An agent spec's ``tools: allowed:`` read as an allow list: a name for part of a tool
    (EnterWorktree, REPL) or one with a pattern (Bash(git status:*), Agent(reviewer))
    grants nothing, since the whole tool would be wider; ``forbidden`` wins over it."""
    agents = tmp_path / "in" / "agents"
    agents.mkdir(parents=True)
    (agents / "spec.md").write_text(
        "---\nname: spec\ndescription: A spec\ntools:\n"
        "  allowed: [Read, Grep, EnterWorktree, REPL, 'Bash(git status:*)', 'Agent(reviewer)']\n"
        "  forbidden: [Grep]\n---\nGo.\n"
    )
    policy = imported_policy(tmp_path / "in", tmp_path / "pack", "spec")
    assert policy.tool("read") is Decision.ALLOW
    for tool in ("grep", "write", "bash", "task"):
        assert policy.tool(tool) is Decision.DENY, tool


def test_a_file_with_a_tools_line_and_an_opencode_permission_is_not_read_as_claudes(
    tmp_path: Path,
) -> None:
    """``permission: {bash: deny}`` is opencode's: such a file is never read as Claude's
    (whose reader would keep the deny as an unread extra and let bash through)."""
    agents = tmp_path / "in" / "agents"
    agents.mkdir(parents=True)
    (agents / "x.md").write_text(
        "---\ndescription: X\nmode: subagent\ntools: Read, Bash\npermission:\n  bash: deny\n"
        "---\nGo.\n"
    )
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    if not result.failed:
        policy = api.load_pack(tmp_path / "pack").agent("x")
        assert policy is not None
        assert policy.policy is not None
        assert policy.policy.tool("bash") is Decision.DENY


def test_the_fence_of_an_import_is_the_project_and_never_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``import ..`` fences at the folder given (it refused every file once); ``~/.copilot``
    fences at itself, so its link to ~/.ssh/config is not read."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "config").write_text("---\ndescription: Host x\n---\nsecret\n")
    agents = home / ".copilot" / "agents"
    agents.mkdir(parents=True)
    (agents / "x.agent.md").symlink_to(home / ".ssh" / "config")
    (agents / "y.agent.md").write_text("---\ndescription: Fine\n---\nFine.\n")
    result = api.import_(home / ".copilot", tmp_path / "pack")
    said = [str(f) for r in result.reports for f in r.findings]
    assert any("outside the folder imported" in s for s in said), said
    work = tmp_path / "repo" / "sub"
    work.mkdir(parents=True)
    (tmp_path / "repo" / "agents").mkdir()
    (tmp_path / "repo" / "agents" / "a.md").write_text("---\nname: a\ndescription: A\n---\nx\n")
    monkeypatch.chdir(work)
    relative = api.import_(Path(".."), tmp_path / "pack2")
    assert not relative.failed, [str(f) for r in relative.reports for f in r.findings]


@pytest.mark.parametrize(
    ("server", "said", "pack"),
    [("my_server", "my_server", "my-server"), ("company.jira", "company_jira", "company-jira")],
)
def test_a_servers_tools_follow_it_when_the_pack_renames_it(
    tmp_path: Path, server: str, said: str, pack: str
) -> None:
    """A server whose name a pack cannot keep (``my_server`` is ``my-server``) takes its
    tools with it: an agent's ``mcp__my_server__delete`` deny would otherwise name a
    server the pack does not have, and match nothing in the export."""
    claude = tmp_path / "in" / ".claude"
    (claude / "agents").mkdir(parents=True)
    (tmp_path / "in" / ".mcp.json").write_text(
        json.dumps({"mcpServers": {server: {"command": "srv"}}})
    )
    (claude / "agents" / "a.md").write_text(
        f"---\nname: a\ndescription: A\ndisallowedTools: mcp__{said}__delete\n---\nGo.\n"
    )
    (claude / "settings.json").write_text(
        json.dumps(
            {
                "hooks": {
                    "PreToolUse": [
                        {
                            "matcher": f"mcp__{server}__create",
                            "hooks": [{"type": "command", "command": "echo hi"}],
                        }
                    ]
                }
            }
        )
    )
    policy = imported_policy(tmp_path / "in", tmp_path / "pack", "a")
    assert policy.tool(f"mcp:{pack}/delete") is Decision.DENY
    assert not any(t.startswith(f"mcp:{said}") for t in policy.tools)


def test_the_fence_is_where_the_folder_was_given_not_where_its_link_leads(
    tmp_path: Path,
) -> None:
    """``repo/.github -> elsewhere`` fences at the repository, not at the link's target: a
    linked tool folder whose agents link back into the repository imports, and one whose
    target is outside it is not read."""
    repo = tmp_path / "repo"
    (repo / "config" / "github" / "agents").mkdir(parents=True)
    (repo / "shared").mkdir()
    (repo / "shared" / "a.md").write_text("---\ndescription: Shared\n---\nFine.\n")
    (repo / "config" / "github" / "agents" / "a.agent.md").symlink_to(repo / "shared" / "a.md")
    (repo / ".github").symlink_to(repo / "config" / "github", target_is_directory=True)
    inside = api.import_(repo / ".github", tmp_path / "p1")
    assert not inside.failed, [str(f) for r in inside.reports for f in r.findings]
    assert (tmp_path / "p1" / "agents" / "a.md").is_file()
    other = tmp_path / "other"
    (other / "elsewhere" / "agents").mkdir(parents=True)
    (other / "elsewhere" / "agents" / "x.agent.md").write_text("---\ndescription: X\n---\nx\n")
    (other / "repo").mkdir()
    (other / "repo" / ".github").symlink_to(other / "elsewhere", target_is_directory=True)
    outside = api.import_(other / "repo" / ".github", tmp_path / "p2")
    said = [str(f) for r in outside.reports for f in r.findings]
    assert any("outside the folder imported" in s for s in said), said
