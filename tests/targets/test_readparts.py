"""MCP servers and hooks read from hosts' files into the pack: the scripts come along,
names and matchers come back canonical, and nothing unsafe is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentpack import api
from agentpack.model import McpServer
from tests.helpers import imported, imported_policy

GUARD = b"#!/bin/sh\necho checked\n"


def _plugin(root: Path, hooks: object, servers: object) -> Path:
    (root / ".claude-plugin").mkdir(parents=True)
    (root / ".claude-plugin" / "plugin.json").write_text('{"name": "p", "version": "1.0.0"}')
    (root / "hooks").mkdir()
    (root / "hooks" / "hooks.json").write_text(json.dumps({"hooks": hooks}))
    (root / "hooks" / "guard.sh").write_bytes(GUARD)
    (root / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    return root


def test_a_claude_plugins_hooks_and_servers_become_the_packs(tmp_path: Path) -> None:
    hooks = {
        "PreToolUse": [
            {
                "matcher": "Bash|Edit|mcp__plugin_p_db__.*",
                "hooks": [
                    {"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh"},
                    {"type": "command", "command": "npx prettier --write ."},
                ],
            },
            {
                "matcher": "Frobnicate",
                "hooks": [{"command": "sh ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh", "timeout": 9}],
            },
        ],
        "Notification": [{"hooks": [{"command": "${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh"}]}],
    }
    servers = {"db": {"command": "node", "args": ["${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh"]}}
    source = _plugin(tmp_path / "plugin", hooks, servers)
    result, pack = imported(source, tmp_path / "pack")
    found = {
        h.name: (h.event, h.tools, h.run, h.interpreter, h.timeout) for h in pack.manifest.hooks
    }
    assert found == {
        "guard": ("before_tool", ("bash", "edit", "mcp:db"), "hooks/guard.sh", "sh", None),
        "guard-2": ("before_tool", (), "hooks/guard.sh", "sh", 9),
    }
    assert (tmp_path / "pack" / "hooks" / "guard.sh").read_bytes() == GUARD
    said = [e for r in result.reports for e in r.approximated + r.dropped]
    assert any("'Frobnicate' (runs for every tool" in e for e in said)
    assert any("npx prettier" in e for e in said)
    assert any(e.startswith("hooks.Notification") for e in said)
    (server,) = pack.manifest.servers
    assert (server.command, server.args, server.files) == (
        "node",
        ("${PLUGIN_ROOT}/hooks/guard.sh",),
        ("hooks/guard.sh",),
    )


def test_a_servers_written_token_comes_in_as_a_variable_never_as_itself(tmp_path: Path) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    servers = {"gh": {"command": "gh-mcp", "env": {"GITHUB_TOKEN": token}}}
    source = _plugin(tmp_path / "plugin", {}, servers)
    result = api.import_(source, tmp_path / "pack")
    assert not result.failed, [str(f) for r in result.reports for f in r.findings]
    (server,) = api.load_pack(tmp_path / "pack").manifest.servers
    assert dict(server.env) == {"GITHUB_TOKEN": "${GITHUB_TOKEN}"}
    warned = [f.message for r in result.reports for f in r.findings if not f.is_error]
    assert any("set GITHUB_TOKEN in the environment" in m for m in warned), warned
    assert not any(token.encode() in p.read_bytes() for p in (tmp_path / "pack").rglob("*.*"))


SUPABASE = "sbp_c0c46bc32330421d66fb959e01b1f318d2c4c62c"
GHP = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
HEX_KEY = "c0c46bc32330421d66fb959e01b1f318d2c4c62c"


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (["--access-token", SUPABASE], ["--access-token", "${SUPABASE_ACCESS_TOKEN}"]),
        ([f"--api-key={SUPABASE}"], ["--api-key=${SUPABASE_API_KEY}"]),
        (["-e", f"GITHUB_TOKEN={SUPABASE}"], ["-e", "GITHUB_TOKEN=${GITHUB_TOKEN}"]),
        (
            ["--header", f"Authorization: Bearer {SUPABASE}"],
            ["--header", "Authorization: Bearer ${SUPABASE_AUTHORIZATION}"],
        ),
        (["ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"], ["${SUPABASE_TOKEN}"]),
        (
            [f"--config={GHP}", f"--header=Bearer {GHP}"],
            ["--config=${SUPABASE_CONFIG}", "--header=Bearer ${SUPABASE_HEADER}"],
        ),
        (["--env", f"FOO={GHP}"], ["--env", "FOO=${FOO}"]),
        ([GHP, "ghp_" + "z" * 36], ["${SUPABASE_TOKEN}", "${SUPABASE_TOKEN_2}"]),
        # curl's -u: the colon after a key says "no password", the user before one stays
        (["-u", f"{GHP}:"], ["-u", "${SUPABASE_U}:"]),
        (["--user", f"api:{GHP}"], ["--user", "api:${SUPABASE_API}"]),
        (["-u", f"{SUPABASE}:x"], ["-u", "${SUPABASE_U}"]),
        # elsewhere the whole value is the credential, a hex key before a colon too
        ([f"--auth={HEX_KEY}:X"], ["--auth=${SUPABASE_AUTH}"]),
    ],
)
def test_a_token_among_a_servers_arguments_comes_in_as_a_variable(
    tmp_path: Path, args: list[str], written: list[str]
) -> None:
    """Supabase's setup tells Cursor users to write their token after ``--access-token``:
    the import failed, with the error at a pack file that was never written."""
    servers = {"supabase": {"command": "npx", "args": ["-y", "mcp-supabase", *args]}}
    source = _plugin(tmp_path / "plugin", {}, servers)
    result, pack = imported(source, tmp_path / "pack")
    (server,) = pack.manifest.servers
    assert list(server.args) == ["-y", "mcp-supabase", *written]
    warned = {(f.path, f.field) for r in result.reports for f in r.findings}
    assert warned == {(".mcp.json", "mcpServers.supabase.args")}
    for secret in (b"c0c46bc3", b"a1B2c3D4", b"zzzz"):
        assert not any(secret in p.read_bytes() for p in (tmp_path / "pack").rglob("*.*"))


def test_a_token_in_a_json_argument_is_an_error_where_it_is(tmp_path: Path) -> None:
    config = json.dumps({"apiToken": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"})
    servers = {"x": {"command": "npx", "args": ["x-mcp", "--config", config]}}
    result = api.import_(_plugin(tmp_path / "plugin", {}, servers), tmp_path / "pack")
    assert result.failed
    errors = [f for r in result.reports for f in r.findings if f.is_error]
    assert [(f.path, f.line, f.field) for f in errors] == [(".mcp.json", 1, "mcpServers.x.args")]


def test_codex_config_names_variables_and_the_pack_spells_them(tmp_path: Path) -> None:
    home = tmp_path / ".codex"
    (home / "agents").mkdir(parents=True)
    (home / "config.toml").write_text(
        'model = "gpt-5.5"\n\n[mcp_servers.search]\nurl = "https://search.example.com/mcp"\n'
        'bearer_token_env_var = "SEARCH_TOKEN"\n\n[mcp_servers.local]\ncommand = "tool"\n'
        'env_vars = ["API_KEY"]\n'
    )
    result = api.import_(home, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    servers = {s.name: s for s in api.load_pack(tmp_path / "pack").manifest.servers}
    assert dict(servers["search"].headers) == {"Authorization": "Bearer ${SEARCH_TOKEN}"}
    assert dict(servers["local"].env) == {"API_KEY": "${API_KEY}"}


def test_import_never_follows_a_link_out_of_the_plugin(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "id_rsa").write_text("PRIVATE KEY\n")
    hooks = {"Stop": [{"hooks": [{"command": "sh ${CLAUDE_PLUGIN_ROOT}/linked/id_rsa"}]}]}
    source = _plugin(tmp_path / "plugin", hooks, {})
    (source / "linked").symlink_to(outside)
    result = api.import_(source, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    assert not (tmp_path / "pack" / "linked").exists()
    said = [e for r in result.reports for e in r.dropped]
    assert any(e.startswith("linked/id_rsa (named by a server or hook, not in") for e in said)


def test_a_server_turned_off_is_not_imported_on(tmp_path: Path) -> None:
    home = tmp_path / ".codex"
    (home / "agents").mkdir(parents=True)
    (home / "config.toml").write_text(
        '[mcp_servers.off]\ncommand = "x"\nenabled = false\n\n'
        '[mcp_servers.some]\ncommand = "y"\nenabled_tools = ["read"]\n'
    )
    result = api.import_(home, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    names = [s.name for s in api.load_pack(tmp_path / "pack").manifest.servers]
    assert names == ["some"]
    said = [e for r in result.reports for e in r.dropped]
    assert any(e.startswith("mcpServers.off (turned off here") for e in said)


def test_a_servers_own_tool_lists_hold_every_agent_read_with_it(tmp_path: Path) -> None:
    """Codex's disabled_tools and enabled_tools (Copilot's tools) take tools away from
    every agent; a pack's server offers all its tools, so dropping them gave every agent
    write_file. Each agent read is held to them instead."""
    from agentpack.permissions import Decision

    home = tmp_path / ".codex"
    (home / "agents").mkdir(parents=True)
    (home / "agents" / "r.toml").write_text(
        'name = "r"\ndescription = "R"\ndeveloper_instructions = "Review."\n'
    )
    (home / "config.toml").write_text(
        '[mcp_servers.fs]\ncommand = "x"\ndisabled_tools = ["write_file"]\n\n'
        '[mcp_servers.gh]\ncommand = "y"\nenabled_tools = ["get_issue"]\n'
    )
    decide = imported_policy(home, tmp_path / "pack", "r").decide
    assert (decide("mcp:fs/write_file"), decide("mcp:fs/read_file")) == (
        Decision.DENY,
        Decision.ALLOW,
    )
    assert (decide("mcp:gh/get_issue"), decide("mcp:gh/merge")) == (Decision.ALLOW, Decision.DENY)


def test_a_servers_own_tool_list_with_no_agent_to_hold_is_said_dropped(tmp_path: Path) -> None:
    """With no agent read, nothing holds a server's own list of tools: the note says it is
    lost (the agents the user adds would get all of the server), not that agents hold it."""
    home = tmp_path / ".codex"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "o3"\n\n[mcp_servers.gh]\ncommand = "y"\nenabled_tools = ["a"]\n'
    )
    result = api.import_(home / "config.toml", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    said = [e for r in result.reports for e in r.dropped]
    assert any(e.startswith("mcpServers.gh (its own list of tools") for e in said), said
    assert not [a for r in result.reports for a in r.approximated if "held to it" in a]
    # each tool's main session gets every tool of the server: a warning, not a hidden note
    warned = [str(f) for r in result.reports for f in r.findings if f.field == "mcp_servers.gh"]
    assert warned == [
        "config.toml:3:1: warning: mcp_servers.gh: the server's own list of the "
        "tools it offers is not carried: a pack's server offers all its tools, so each "
        "tool's main session will offer every tool of gh; if that is too much, leave "
        "mcp/gh.yaml out of the pack"
    ]


def test_only_a_path_that_begins_in_the_folder_is_rewritten(tmp_path: Path) -> None:
    from agentpack.targets.opencode.readservers import SPELLING

    assert SPELLING.canonical(".opencode/servers/x.py") == "${PLUGIN_ROOT}/servers/x.py"
    assert SPELLING.canonical("https://mcp.opencode.ai/docs") == "https://mcp.opencode.ai/docs"
    assert SPELLING.canonical("/home/u/.opencode/bin/x") == "/home/u/.opencode/bin/x"


def test_a_projects_settings_hooks_become_the_packs_with_their_scripts(tmp_path: Path) -> None:
    """Claude Code runs a project's hooks from .claude/settings.json, their scripts named
    from the project's folder; the scripts keep those paths (and their mode) in the pack."""
    project = tmp_path / "project"
    (project / ".claude" / "hooks").mkdir(parents=True)
    settings = {
        "model": "opus",
        "hooks": {
            "PreToolUse": [
                {
                    "matcher": "Bash",
                    "hooks": [
                        {"command": '"$CLAUDE_PROJECT_DIR"/.claude/hooks/guard.sh', "timeout": 5}
                    ],
                }
            ],
            "PostToolUse": [
                {
                    "matcher": "Edit|Write",
                    "hooks": [{"command": "python3 ${CLAUDE_PROJECT_DIR}/tools/fmt.py"}],
                }
            ],
        },
    }
    (project / ".claude" / "settings.json").write_text(json.dumps(settings))
    guard = project / ".claude" / "hooks" / "guard.sh"
    guard.write_bytes(b"#!/usr/bin/env bash\n[[ -n $1 ]] || exit 0\n")
    guard.chmod(0o755)
    (project / "tools").mkdir()
    (project / "tools" / "fmt.py").write_text("print('formatted')\n")
    result = api.import_(project / ".claude", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings if f.is_error]
    pack = api.load_pack(tmp_path / "pack")
    hooks = {
        h.name: (h.event, h.tools, h.run, h.interpreter, h.timeout) for h in pack.manifest.hooks
    }
    assert hooks == {
        "guard": ("before_tool", ("bash",), ".claude/hooks/guard.sh", "bash", 5),
        "fmt": ("after_tool", ("edit", "write"), "tools/fmt.py", "python3", None),
    }
    assert (tmp_path / "pack" / ".claude" / "hooks" / "guard.sh").stat().st_mode & 0o100
    said = [e for r in result.reports for e in r.dropped]
    assert "model (settings are not carried by a pack)" in said


def test_a_plugin_imported_twice_is_the_same_pack(tmp_path: Path) -> None:
    """The pack already holds the hook's script in hooks/: the second import finds every
    file the same (it once failed copying hooks/ for its check)."""
    hooks = {"PreToolUse": [{"hooks": [{"command": "${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh"}]}]}
    plugin = _plugin(tmp_path / "p", hooks, {})
    first = api.import_(plugin, tmp_path / "pack")
    assert not first.failed
    again = api.import_(plugin, tmp_path / "pack")
    assert not again.failed, [str(f) for f in again.findings if f.is_error]
    assert {f.status for f in again.files} == {"same"}


def test_a_plugins_hooks_file_is_read_beside_the_hooks_its_manifest_adds(tmp_path: Path) -> None:
    """Claude Code loads hooks/hooks.json whatever plugin.json says; the manifest's hooks
    (inline, a file or a list of files) add to it, and a file is read once. A command
    may name the folder without braces, as a shell reads it."""
    standard = {"PostToolUse": [{"hooks": [{"command": "${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh"}]}]}
    plugin = _plugin(tmp_path / "p", standard, {})
    (plugin / "hooks" / "audit.py").write_text("print('audit')\n")
    inline = {
        "PreToolUse": [{"hooks": [{"command": "python3 $CLAUDE_PLUGIN_ROOT/hooks/audit.py"}]}]
    }
    (plugin / ".claude-plugin" / "plugin.json").write_text(
        json.dumps({"name": "p", "version": "1.0.0", "hooks": inline})
    )
    result = api.import_(plugin, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings if f.is_error]
    found = {h.run: h.event for h in api.load_pack(tmp_path / "pack").manifest.hooks}
    assert found == {"hooks/guard.sh": "after_tool", "hooks/audit.py": "before_tool"}
    (plugin / ".claude-plugin" / "plugin.json").write_text(
        json.dumps({"name": "p", "version": "1.0.0", "hooks": ["./hooks/hooks.json"]})
    )
    again = api.import_(plugin, tmp_path / "again")
    assert [h.run for h in api.load_pack(tmp_path / "again").manifest.hooks] == ["hooks/guard.sh"]
    assert not [e for r in again.reports for e in r.dropped if "hooks.json" in e]


def test_a_server_field_a_pack_has_no_place_for_is_reported(tmp_path: Path) -> None:
    """A remote server's headersHelper (a script that makes its auth headers) cannot be
    carried: the import must say so rather than lose the server's authentication."""
    helper = {"url": "https://x.example.com/mcp", "headersHelper": "node ./h.mjs"}
    plugin = _plugin(tmp_path / "p", {}, {"deals": helper})
    result = api.import_(plugin, tmp_path / "pack")
    dropped = [e for r in result.reports for e in r.dropped]
    assert "mcpServers.deals.headersHelper (not a field a pack's server has)" in dropped


def test_a_file_a_command_runs_from_its_plugin_is_reported(tmp_path: Path) -> None:
    """A command that runs ``${CLAUDE_PLUGIN_ROOT}/scripts/x.py`` needs a file a pack does
    not carry: the import says so (a skill's own script is carried, and not reported)."""
    plugin = _plugin(tmp_path / "p", {}, {})
    (plugin / "commands").mkdir()
    (plugin / "commands" / "doctor.md").write_text(
        "---\ndescription: d\n---\n!`python3 ${CLAUDE_PLUGIN_ROOT}/scripts/diag.py`\n"
    )
    (plugin / "skills" / "s" / "scripts").mkdir(parents=True)
    (plugin / "skills" / "s" / "SKILL.md").write_text(
        "---\nname: s\ndescription: d\n---\nRun ${CLAUDE_PLUGIN_ROOT}/skills/s/scripts/go.sh.\n"
    )
    (plugin / "skills" / "s" / "scripts" / "go.sh").write_text("echo go\n")
    result = api.import_(plugin, tmp_path / "pack")
    dropped = {r.source: r.dropped for r in result.reports}
    assert [d.split(" (")[0] for d in dropped["commands/doctor.md"]] == ["scripts/diag.py"]
    assert dropped["skills/s/SKILL.md"] == []


def test_what_a_hook_needs_and_a_pack_cannot_carry_is_reported(tmp_path: Path) -> None:
    """The modules a Python hook imports from its plugin, the fields of a handler a pack
    has no place for; two hooks of one script name (inline and in hooks.json) both come."""
    hooks = {
        "PreToolUse": [
            {
                "matcher": "Bash",
                "hooks": [
                    {
                        "command": "python3 ${CLAUDE_PLUGIN_ROOT}/hooks/check.py",
                        "if": "Bash(git commit*)",
                        "statusMessage": "Checking",
                    }
                ],
            }
        ]
    }
    plugin = _plugin(tmp_path / "p", hooks, {})
    (plugin / "hooks" / "check.py").write_text("from core.rules import load\nimport json\n")
    (plugin / "core").mkdir()
    (plugin / "core" / "rules.py").write_text("def load(): ...\n")
    inline = {"Stop": [{"hooks": [{"command": "python3 ${CLAUDE_PLUGIN_ROOT}/hooks/check.py"}]}]}
    (plugin / ".claude-plugin" / "plugin.json").write_text(
        json.dumps({"name": "p", "version": "1.0.0", "hooks": inline})
    )
    result = api.import_(plugin, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    dropped = [d.split(" (")[0] for r in result.reports for d in r.dropped]
    assert {"core/", "hooks.PreToolUse.if", "hooks.PreToolUse.statusMessage"} <= set(dropped)
    names = sorted(h.name for h in api.load_pack(tmp_path / "pack").manifest.hooks)
    assert names == ["check", "check-2"]


def test_a_server_started_in_its_plugins_folder_brings_its_script(tmp_path: Path) -> None:
    """A real Codex plugin starts ``./scripts/codebridge-mcp`` with ``cwd: "./"``, which
    Codex takes as the plugin's folder: the script was left behind, so the server could
    not start from any export."""
    args = ["dist/cli.js", "lib/serve.py", "mcp", "@scope/pkg"]
    servers = {"cb": {"command": "./scripts/cb-mcp", "args": args, "cwd": "./"}}
    plugin = _plugin(tmp_path / "p", {}, servers)
    (plugin / "scripts").mkdir()
    (plugin / "scripts" / "cb-mcp").write_bytes(GUARD)
    (plugin / "lib").mkdir()
    (plugin / "lib" / "serve.py").write_text("print()\n")
    result, loaded = imported(plugin, tmp_path / "pack")
    (server,) = loaded.manifest.servers
    assert (server.command, server.cwd, server.files) == (
        "${PLUGIN_ROOT}/scripts/cb-mcp",
        "${PLUGIN_ROOT}",
        ("scripts/cb-mcp", "lib/serve.py"),
    )
    assert server.args == ("dist/cli.js", "${PLUGIN_ROOT}/lib/serve.py", "mcp", "@scope/pkg")
    dropped = [d for r in result.reports for d in r.dropped]
    assert [d.split(" (")[0] for d in dropped if "lacks it" in d] == ["mcpServers.cb: dist/cli.js"]


@pytest.mark.parametrize("cwd", ["${CLAUDE_PLUGIN_ROOT}", "${CLAUDE_PLUGIN_ROOT}/"])
def test_a_server_started_in_its_plugins_folder_by_name_brings_its_script(
    tmp_path: Path, cwd: str
) -> None:
    """contorium's plugin starts ``./bin/launch.cjs`` with ``cwd: ${CLAUDE_PLUGIN_ROOT}``,
    as Claude Code's docs show: read like ``cwd: "./"``, or the script stayed behind."""
    servers = {"c": {"command": "node", "args": ["./bin/launch.cjs"], "cwd": cwd}}
    plugin = _plugin(tmp_path / "p", {}, servers)
    (plugin / "bin").mkdir()
    (plugin / "bin" / "launch.cjs").write_text("//\n")
    _, loaded = imported(plugin, tmp_path / "pack")
    (server,) = loaded.manifest.servers
    assert (server.args, server.files) == (("${PLUGIN_ROOT}/bin/launch.cjs",), ("bin/launch.cjs",))


def test_a_projects_server_that_runs_a_project_file_is_kept_as_written(tmp_path: Path) -> None:
    """A real project's ``.codex/config.toml`` starts ``./scripts/launch.sh`` with ``cwd =
    "."``, the folder Codex starts in: it came in as a plugin's server (``${PLUGIN_ROOT}``),
    where the script is not, with a note about a plugin folder it never had."""
    codex = tmp_path / "src" / ".codex"
    codex.mkdir(parents=True)
    (codex / "config.toml").write_text(
        '[mcp_servers.coord]\ncommand = "./scripts/launch.sh"\ncwd = "."\n'
    )
    result, loaded = imported(codex, tmp_path / "pack")
    (server,) = loaded.manifest.servers
    assert (server.command, server.cwd, server.files) == ("./scripts/launch.sh", ".", ())
    said = [n for r in result.reports for n in r.approximated if n.startswith("mcpServers.coord")]
    assert said == [
        "mcpServers.coord (./scripts/launch.sh: named from the folder the tool starts in, "
        "kept as written; the pack does not carry it, so the server starts only where that "
        "file is)"
    ]


def test_a_servers_fields_a_pack_does_not_keep_are_said(tmp_path: Path) -> None:
    """Codex's startup_timeout_sec and opencode's timeout and oauth vanished without a
    word: each tool's reader had kept only the keys it brought to .mcp.json's shape."""
    import json

    home = tmp_path / ".codex"
    home.mkdir()
    (home / "config.toml").write_text('[mcp_servers.fs]\ncommand = "x"\nstartup_timeout_sec = 20\n')
    project = tmp_path / "oc"
    project.mkdir()
    server = {"type": "remote", "url": "https://x.example/mcp", "timeout": 5000, "oauth": {}}
    (project / "opencode.json").write_text(json.dumps({"mcp": {"jira": server}}))
    for source, name in ((home, "fs.startup_timeout_sec"), (project, "jira.oauth")):
        result = api.import_(source, tmp_path / f"pack-{source.name}", dry_run=True)
        said = [d.split(" (")[0] for r in result.reports for d in r.dropped]
        assert f"mcpServers.{name}" in said, said


def _servers(tmp_path: Path, document: str) -> tuple[api.ImportResult, list[McpServer]]:
    """An ``.mcp.json`` of ``document`` imported into a new pack: what the import said, and
    the pack's servers."""
    (tmp_path / ".mcp.json").write_text(document)
    result = api.import_(tmp_path / ".mcp.json", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    return result, list(api.load_pack(tmp_path / "pack").manifest.servers)


def test_a_servers_numbers_and_booleans_are_their_json_text(tmp_path: Path) -> None:
    """``"PORT": 8080`` and ``true`` are what the server gets as text (``8080``, ``true``;
    Python's ``True`` was written before); a null or an object among them is an error."""
    result, (server,) = _servers(
        tmp_path,
        '{"mcpServers": {"s": {"command": "node", "args": ["--verbose", true],'
        ' "env": {"PORT": 8080, "RATIO": 0.5}}}}',
    )
    assert (server.args, dict(server.env)) == (
        ("--verbose", "true"),
        {"PORT": "8080", "RATIO": "0.5"},
    )
    said = [a for r in result.reports for a in r.approximated]
    assert any(a.startswith("mcpServers.s (true, 8080, 0.5 written as text") for a in said), said
    (tmp_path / ".mcp.json").write_text(
        '{"mcpServers": {"s": {"command": "n", "env": {"E": null}}}}'
    )
    failed = api.import_(tmp_path / ".mcp.json", tmp_path / "pack2")
    assert failed.failed
    assert [f.field for r in failed.reports for f in r.findings] == ["mcpServers.s.env"]


def test_a_url_server_of_a_transport_the_pack_lacks_is_left_out(tmp_path: Path) -> None:
    result, servers = _servers(
        tmp_path,
        '{"mcpServers": {"w": {"type": "websocket", "url": "https://x.example/ws"},'
        ' "h": {"type": "sse", "url": "https://x.example/sse"}}}',
    )
    assert [(s.name, s.transport) for s in servers] == [("h", "sse")]
    said = [d for r in result.reports for d in r.dropped]
    assert "mcpServers.w (type 'websocket': a pack's server is reached over http or sse)" in said


def test_a_claude_code_default_becomes_the_value_it_gives(tmp_path: Path) -> None:
    """``${API_BASE_URL:-https://api.example.com}/mcp`` (Claude Code's documented form)
    failed the whole import as no http(s) URL; no other tool takes a default: the value
    is what the server got by default, said; an empty default keeps the variable."""
    result, (server,) = _servers(
        tmp_path,
        '{"mcpServers": {"api": {"type": "http", "url": "${API_BASE_URL:-https://a.example}/mcp",'
        ' "headers": {"Authorization": "Bearer ${TOKEN:-}"}}}}',
    )
    assert (server.url, dict(server.headers)) == (
        "https://a.example/mcp",
        {"Authorization": "Bearer ${TOKEN}"},
    )
    said = [a for r in result.reports for a in r.approximated]
    assert [a.split(" (")[0] for a in said if "its default" in a] == ["mcpServers.api.url"]


@pytest.mark.parametrize(
    ("files", "given", "said"),
    [
        (
            {
                ".claude-plugin/plugin.json": '{"name": "p"}',
                ".mcp.json": '{"mcpServers": {"m": {"command": "m", '
                '"args": ["${CLAUDE_PLUGIN_DATA}/db.sqlite"]}}}',
            },
            ".",
            "${CLAUDE_PLUGIN_DATA}",
        ),
        (
            {
                ".cursor/mcp.json": '{"mcpServers": {"m": {"command": "m", '
                '"args": ["${userHome}/x"]}}}'
            },
            ".",
            "${userHome}",
        ),
        (
            {
                "opencode.json": '{"mcp": {"m": {"type": "remote", "url": "https://x.example/mcp", '
                '"headers": {"Authorization": "Bearer {file:~/.secrets/t}"}}}}'
            },
            "opencode.json",
            "{file:~/.secrets/t}",
        ),
    ],
)
def test_a_tools_own_variable_in_a_server_is_said(
    tmp_path: Path, files: dict[str, str], given: str, said: str
) -> None:
    """Claude Code's plugin data folder, Cursor's ``${userHome}``, opencode's
    ``{file:PATH}``: the other tools would read each as a variable of the user's or as
    text, which the import says."""
    for rel, text in files.items():
        (tmp_path / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / rel).write_text(text)
    result = api.import_(tmp_path / "src" / given, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    notes = [a for r in result.reports for a in r.approximated]
    assert f"mcpServers.m: {said} (the tool's own: the others would read it" in " ".join(notes), (
        notes
    )


def test_a_default_that_names_the_plugins_folder_is_that_folder(tmp_path: Path) -> None:
    """``${KB:-${CLAUDE_PLUGIN_ROOT}/data}``: Claude Code fills in the plugin's folder
    first, so the default is the plugin's ``data``; it came in cut at the first ``}``.
    ``${D-x}`` is no form of Claude Code's: kept as written (the pack warns of it)."""
    plugin = tmp_path / "kit"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "kit"}')
    (plugin / ".mcp.json").write_text(
        '{"mcpServers": {"kb": {"command": "kb", "env": '
        '{"KB": "${KB:-${CLAUDE_PLUGIN_ROOT}/data}", "D": "${D-x}"}}}}'
    )
    _, loaded = imported(plugin, tmp_path / "pack")
    (server,) = loaded.manifest.servers
    assert dict(server.env) == {"KB": "${PLUGIN_ROOT}/data", "D": "${D-x}"}


def test_codex_and_opencode_servers_numbers_are_text_and_a_list_value_an_error(
    tmp_path: Path,
) -> None:
    """Codex's env with a list among its values lost the whole env without a word, and
    opencode's command list wrote ``True`` for ``true``; opencode 1.18 refuses a command
    list with a number or ``true`` in it ("Configuration is invalid"), so that is an error."""
    (tmp_path / "oc").mkdir()
    (tmp_path / "oc" / "opencode.json").write_text(
        '{"mcp": {"kb": {"type": "local", "command": ["kb", "--verbose", true, "--port", 8080]}}}'
    )
    refused = api.import_(tmp_path / "oc" / "opencode.json", tmp_path / "p1")
    assert [f.field for r in refused.reports for f in r.findings if f.is_error] == ["mcp.kb"]
    codex = tmp_path / "cx" / ".codex"
    codex.mkdir(parents=True)
    (codex / "config.toml").write_text(
        '[mcp_servers.kb]\ncommand = "kb"\nenv = { KB_HOME = "/srv/kb", KB_TAGS = ["a"] }\n'
    )
    failed = api.import_(codex / "config.toml", tmp_path / "p2")
    assert failed.failed
    assert [f.field for r in failed.reports for f in r.findings] == ["mcpServers.kb.env"]


def test_a_skill_file_that_holds_a_token_is_left_behind_by_import(tmp_path: Path) -> None:
    """A skill's ``config/settings.conf`` holding ``GITHUB_TOKEN=ghp_...`` (no name a
    secret file has) is left behind and said, as a ``.env`` is."""
    skill = tmp_path / "src" / ".claude" / "skills" / "notes"
    (skill / "config").mkdir(parents=True)
    (skill / "SKILL.md").write_text("---\nname: notes\ndescription: d\n---\nx\n")
    (skill / "config" / "settings.conf").write_text("GITHUB_TOKEN=ghp_" + "a1B2c3D4e5" * 4 + "\n")
    result = api.import_(tmp_path / "src", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    assert not (tmp_path / "pack" / "skills" / "notes" / "config").exists()
    said = [d for r in result.reports for d in r.dropped]
    assert said == [
        "config/settings.conf (may hold credentials, it holds a GitHub personal access token: "
        "no pack file may)"
    ]


@pytest.mark.parametrize(
    ("config", "spec"),
    [
        ("opencode.json", {"type": "remote", "url": "{url}"}),
        (".cursor/mcp.json", {"url": "{url}"}),
    ],
)
def test_a_url_whose_transport_the_tool_finds_by_trying_comes_in_as_its_path_says(
    tmp_path: Path, config: str, spec: dict[str, str]
) -> None:
    """opencode (and Cursor) try streamable HTTP, then SSE, on a server's url: an SSE
    server came in as http, which Claude Code and VS Code, told http, do not reach."""
    urls = {"old": "https://mcp.example.com/v1/sse/", "new": "https://mcp.example.com/mcp?sse=1"}
    servers = {n: {k: v.format(url=u) for k, v in spec.items()} for n, u in urls.items()}
    key = "mcp" if config == "opencode.json" else "mcpServers"
    (tmp_path / "src" / config).parent.mkdir(parents=True)
    (tmp_path / "src" / config).write_text(json.dumps({key: servers}))
    result, pack = imported(tmp_path / "src", tmp_path / "pack")
    assert {s.name: s.transport for s in pack.manifest.servers} == {"old": "sse", "new": "http"}
    said = [a for r in result.reports for a in r.approximated if "/sse" in a]
    assert [s.split(" (")[0] for s in said] == ["mcpServers.old"]


def test_a_server_vs_code_runs_in_its_sandbox_is_left_out(tmp_path: Path) -> None:
    """VS Code can run a stdio server in a sandbox that limits its files and network (and
    then approves its tools without asking); imported, it ran with its user's full rights
    in every other tool. It is left out, and said; one with the sandbox off comes in."""
    sandbox = {"filesystem": {"denyRead": ["${userHome}/.ssh"]}}
    servers = {
        "boxed": {
            "command": "npx",
            "args": ["-y", "x"],
            "sandboxEnabled": True,
            "sandbox": sandbox,
        },
        "open": {"command": "npx", "args": ["-y", "y"], "sandboxEnabled": False},
    }
    (tmp_path / "src" / ".vscode").mkdir(parents=True)
    (tmp_path / "src" / ".vscode" / "mcp.json").write_text(json.dumps({"servers": servers}))
    result, pack = imported(tmp_path / "src", tmp_path / "pack")
    assert [s.name for s in pack.manifest.servers] == ["open"]
    (said,) = [d for r in result.reports for d in r.dropped if d.startswith("mcpServers.boxed")]
    assert said.startswith("mcpServers.boxed (VS Code runs it in a sandbox")
    assert "left out rather than run unsandboxed" in said


def test_a_servers_tool_list_is_warned_at_the_server_under_its_own_name(tmp_path: Path) -> None:
    """The warning stands where the file names the server, as the file spells it (the
    pack renames ``My.Server``)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / ".mcp.json").write_text(
        '{\n  "mcpServers": {\n    "My.Server": {"command": "x", "tools": ["a"]}\n  }\n}\n'
    )
    result = api.import_(tmp_path / "src" / ".mcp.json", tmp_path / "pack")
    assert not result.failed, [str(f) for r in result.reports for f in r.findings]
    warned = [(f.line, f.col, f.field) for r in result.reports for f in r.findings]
    assert warned == [(3, 5, "mcpServers.My.Server")]


@pytest.mark.parametrize(
    ("url", "written"),
    [
        (
            "https://mcp.exa.ai/mcp?exaApiKey=3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f",
            "https://mcp.exa.ai/mcp?exaApiKey=${EXA_API_KEY}",
        ),
        (
            f"https://mcp.tavily.com/mcp/?tavilyApiKey={GHP}&x=1",
            "https://mcp.tavily.com/mcp/?tavilyApiKey=${SEARCH_TAVILY_API_KEY}&x=1",
        ),
        (
            "https://bob:s3cr3t-pass@mcp.example.com/mcp",
            "https://bob:${SEARCH_PASSWORD}@mcp.example.com/mcp",
        ),
    ],
)
def test_a_credential_in_a_servers_url_comes_in_as_a_variable(
    tmp_path: Path, url: str, written: str
) -> None:
    """Exa's and Tavily's documented setup puts the key in the url's query: the whole
    import failed, pointing at a pack file that was never written."""
    name = "exa" if "exa.ai" in url else "search"
    source = _plugin(tmp_path / "plugin", {}, {name: {"type": "http", "url": url}})
    result, pack = imported(source, tmp_path / "pack")
    (server,) = pack.manifest.servers
    assert server.url == written
    warned = [f for r in result.reports for f in r.findings if f.field.endswith(".url")]
    assert len(warned) == 1
    assert not any(b"3f2a9c1e" in p.read_bytes() for p in (tmp_path / "pack").rglob("*.*"))


def test_a_folder_a_servers_env_names_comes_along(tmp_path: Path) -> None:
    """Claude Code's plugin reference gives a server ``DB_PATH: ${CLAUDE_PLUGIN_ROOT}/data``:
    the folder stayed behind with no word (env values were not looked at), so the
    exported server pointed at nothing. A folder too large for a pack is said."""
    env = {"DB_PATH": "${CLAUDE_PLUGIN_ROOT}/data", "DEPS": "${CLAUDE_PLUGIN_ROOT}/node_modules"}
    servers = {"db": {"command": "${CLAUDE_PLUGIN_ROOT}/srv.sh", "env": env}}
    plugin = _plugin(tmp_path / "plugin", {}, servers)
    (plugin / "srv.sh").write_text("#!/bin/sh\n")
    (plugin / "data" / "seed").mkdir(parents=True)
    (plugin / "data" / "seed" / "a.sql").write_text("select 1;\n")
    (plugin / "data" / ".env").write_text("TOKEN=x\n")
    (plugin / "node_modules").mkdir()
    for i in range(70):
        (plugin / "node_modules" / f"m{i}.js").write_text("//\n")
    result, pack = imported(plugin, tmp_path / "pack")
    (server,) = pack.manifest.servers
    assert server.files == ("srv.sh", "data/seed/a.sql")
    dropped = [d.split(" (")[0] for r in result.reports for d in r.dropped]
    assert {"data/.env", "node_modules/"} <= set(dropped)


def test_what_a_servers_env_names_is_read_as_the_tool_reads_it(tmp_path: Path) -> None:
    """A PATH names two folders (``lib:vendor``), read as one path that was not there;
    a folder of the plugin's skills holds items, not files of the server (copying them
    made the import fail); a url whose key is a reference already stays as written."""
    env = {
        "PYTHONPATH": "${CLAUDE_PLUGIN_ROOT}/lib:${CLAUDE_PLUGIN_ROOT}/vendor",
        "SKILLS_DIR": "${CLAUDE_PLUGIN_ROOT}/skills",
    }
    servers = {
        "py": {"command": "python3", "args": ["${CLAUDE_PLUGIN_ROOT}/srv.py"], "env": env},
        "maps": {"type": "http", "url": "https://m.example.com/mcp?key=${MAPS_API_KEY}"},
    }
    plugin = _plugin(tmp_path / "plugin", {}, servers)
    for rel in ("srv.py", "lib/a.py", "vendor/b.py", "skills/lint/SKILL.md"):
        (plugin / rel).parent.mkdir(parents=True, exist_ok=True)
        (plugin / rel).write_text("---\nname: lint\ndescription: d\n---\nx\n")
    result, pack = imported(plugin, tmp_path / "pack")
    found = {s.name: s for s in pack.manifest.servers}
    assert found["py"].files == ("srv.py", "lib/a.py", "vendor/b.py")
    assert found["maps"].url == "https://m.example.com/mcp?key=${MAPS_API_KEY}"
    assert not [f for r in result.reports for f in r.findings if f.field.endswith(".url")]
    assert not [f for f in api.validate(tmp_path / "pack").findings if "names no file" in f.message]
