"""Claude Code's own checks on what only the Claude target has: its validator, a
marketplace of several plugins, and a pack as ``agentpack init`` makes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentpack import api
from agentpack.lab import Lab, git_repo
from agentpack.targets.claude.lab import (
    CLIENT,
    ClaudeLab,
    allowed,
    calling,
    connected,
    inventory,
    validate,
)
from tests.conftest import ROOT
from tests.lab import client, exported, installed, mcp_pack
from tests.test_scaffold import identity

pytestmark = pytest.mark.conformance


def test_the_validator_is_a_real_judge(lab: Lab, tmp_path: Path) -> None:
    """The trap DESIGN.md names: a quoted '---' ends Claude Code's frontmatter."""
    claude = client(lab, CLIENT)
    plugin = tmp_path / "plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "b", "version": "1.0.0"}')
    (plugin / "agents").mkdir()
    (plugin / "agents" / "x.md").write_text("---\nname: x\ndescription: 'a --- b'\n---\nx\n")
    result = lab.run(claude, ["plugin", "validate", str(plugin)], tmp_path / "home", plugin)
    assert result.returncode != 0
    assert "failed to parse" in result.stdout + result.stderr


def test_an_imported_marketplace_of_several_plugins(lab: Lab, tmp_path: Path) -> None:
    """Import a marketplace of N plugins, export: N plugins the client accepts, same items."""
    client(lab, CLIENT)
    root = tmp_path / "pack"
    api.import_(ROOT / "tests" / "packs" / "native" / "market", root)
    ClaudeLab().check(lab, exported(root), tmp_path / "work")


def test_a_new_pack_passes_the_strict_check(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``agentpack init`` with a git identity: ``claude plugin validate --strict`` passes
    (only the license and icon, which are the user's to add, may be missing)."""
    client(lab, CLIENT)
    identity(monkeypatch, tmp_path, "Ada Lovelace")
    api.init(tmp_path / "new")
    done = exported(tmp_path / "new")
    assert allowed(done.pack) == {"ICON_MISSING", "LICENSE_MISSING"}
    validate(lab, tmp_path / "new" / "dist" / "claude", tmp_path / "home", allowed(done.pack))
    ClaudeLab().check(lab, done, tmp_path / "work")


def _installed_mcp_pack(lab: Lab, tmp_path: Path) -> tuple[Path, Path]:
    """``mcp_pack`` exported, and its marketplace's plugin installed in a throwaway home:
    the pack's folder and the home."""
    client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    api.export(root, ["claude"])
    home = tmp_path / "home"
    claude = lab.binary(CLIENT)
    for args in (
        ["plugin", "marketplace", "add", str(root)],
        ["plugin", "install", "mcp-pack@mcp-pack"],
    ):
        done = lab.run(claude, args, home, home)
        assert done.returncode == 0, done.stdout + done.stderr
    return root, home


def test_claude_code_connects_to_the_packs_mcp_server_and_loads_its_hook(
    lab: Lab, tmp_path: Path
) -> None:
    """A pack with a stdio MCP server of its own (a script shipped in the pack) and a hook:
    installed as a plugin, Claude Code connects to the server, names its tools as the
    agent's tools line does, and lists the hook."""
    root, home = _installed_mcp_pack(lab, tmp_path)
    assert connected(lab, home, root) == {"plugin:mcp-pack:echo": True}
    claude = lab.binary(CLIENT)
    details = lab.run(claude, ["plugin", "details", "mcp-pack@mcp-pack"], home, home).stdout
    assert inventory(details, "MCP servers") == {"echo"}
    assert inventory(details, "Hooks") == {"PreToolUse"}
    agent = (root / "dist" / "claude" / "agents" / "user.md").read_text()
    assert "tools: Read, mcp__echo, mcp__plugin_mcp-pack_echo\n" in agent


@pytest.mark.parametrize("scope", ["user", "project"])
def test_claude_code_connects_to_a_server_installed_into_its_settings(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scope: str
) -> None:
    """Without the plugin: ``agentpack install`` puts the server where ``claude mcp add``
    would (``~/.claude.json``, or the project's ``.mcp.json``), and Claude Code connects
    (a project's server is listed as waiting for the user's approval, as Claude Code does
    with every server a repository brings)."""
    client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    home = tmp_path / "home"
    project = installed(monkeypatch, root, "claude", home, scope)
    if scope == "user":
        assert connected(lab, home, project) == {"echo": True}
        return
    # a project's servers wait for the user's approval in a session: listed, not started
    listing = lab.run(lab.binary(CLIENT), ["mcp", "list"], home, project, timeout=120).stdout
    script = ".claude/agentpack/mcp-pack/servers/echo.py"  # from the project folder
    assert f"echo: python3 {script} - " in listing, listing
    assert "Pending approval" in listing, listing


def _skill(root: Path, rel: str) -> None:
    name = rel.rsplit("/", 1)[-1]
    (root / rel).mkdir(parents=True)
    (root / rel / "SKILL.md").write_text(
        f"---\nname: {name}\ndescription: The {name} skill.\n---\nx\n"
    )


def test_the_import_reads_a_marketplace_as_claude_code_installs_it(
    lab: Lab, tmp_path: Path
) -> None:
    """Which skills each plugin of a marketplace holds, as ``claude plugin details`` lists
    them and as the import groups them: plugins in the marketplace's own folder (as in
    anthropics/skills) hold the skills they list and no other; elsewhere a ``skills`` list
    adds to ``skills/``. A skill no plugin holds is said not to be read."""
    import json

    from agentpack.lab import git_repo

    claude = client(lab, CLIENT)
    market = git_repo(tmp_path / "market")
    for rel in ("skills/a1", "skills/a2", "skills/b1", "skills/lone"):
        _skill(market, rel)
    for rel in (
        "plugins/p/skills/p1",
        "plugins/p/more/p2",
        "plugins/q/skills/q1",
        "plugins/q/x/q2",
    ):
        _skill(market, rel)
    (market / "plugins" / "p" / ".claude-plugin").mkdir(parents=True)
    (market / "plugins" / "p" / ".claude-plugin" / "plugin.json").write_text(
        '{"name": "p", "skills": ["./more/p2"]}'
    )
    entries = [
        {"name": "a", "source": "./", "strict": False, "skills": ["./skills/a1", "./skills/a2"]},
        {"name": "b", "source": "./", "strict": False, "skills": ["./skills/b1"]},
        {"name": "p", "source": "./plugins/p"},
        {"name": "q", "source": "./plugins/q", "strict": False, "skills": ["./x/q2"]},
    ]
    (market / ".claude-plugin").mkdir()
    (market / ".claude-plugin" / "marketplace.json").write_text(
        json.dumps({"name": "shapes", "owner": {"name": "Lab"}, "plugins": entries})
    )
    home = tmp_path / "home"
    added = lab.run(claude, ["plugin", "marketplace", "add", str(market)], home, home)
    assert added.returncode == 0, added.stdout + added.stderr
    result = api.import_(market, tmp_path / "pack")
    groups = {g.name: set(g.skills) for g in api.load_pack(tmp_path / "pack").manifest.plugins}
    for entry in entries:
        plugin = f"{entry['name']}@shapes"
        assert lab.run(claude, ["plugin", "install", plugin], home, home).returncode == 0
        details = lab.run(claude, ["plugin", "details", plugin], home, home).stdout
        assert inventory(details, "Skills") == groups[entry["name"]], (entry, details)
    assert groups["a"] == {"a1", "a2"}
    assert groups["p"] == {"p1", "p2"}
    assert (
        "skills/lone",
        "no plugin of the marketplace lists it, so Claude Code installs none",
    ) in (result.skipped)


RESERVED_TRIALS = (
    "claude-yaml",
    "claude_yaml",
    "claudeyaml",
    "anthropics-x",
    "anthropicsx",
    "ccplugin-x",
    "cc-pluginx",
    "claudecode",
    "claude-x-official",
    "official-x-claude",
    "x-claude-official",
    "my-claude-code",
)


def test_reserved_plugin_names_are_the_ones_the_validator_refuses(lab: Lab, tmp_path: Path) -> None:
    """``plugin.reserved`` against ``claude plugin validate`` itself, on names either side
    of each of its rules."""
    from agentpack.targets.claude.plugin import reserved

    claude = client(lab, CLIENT)
    for name in RESERVED_TRIALS:
        plugin = tmp_path / name
        (plugin / ".claude-plugin").mkdir(parents=True)
        (plugin / ".claude-plugin" / "plugin.json").write_text(
            f'{{"name": "{name}", "version": "1.0.0", "description": "d"}}'
        )
        done = lab.run(claude, ["plugin", "validate", str(plugin)], tmp_path / "home", plugin)
        refused = "is reserved" in done.stdout + done.stderr
        assert refused is reserved(name), (name, done.stdout)


def test_the_plugins_guard_blocks_a_shell_command_in_claude_code(lab: Lab, tmp_path: Path) -> None:
    """The pack's hook as Claude Code runs it from the installed plugin: a stand-in model
    asks for a force push; the guard (run with ${CLAUDE_PLUGIN_ROOT}, as hooks.json says)
    blocks it, and Claude Code gives the model the guard's reason instead of running it."""
    _, home = _installed_mcp_pack(lab, tmp_path)
    project = git_repo(tmp_path / "project")
    push = {"command": "git push --force origin main", "description": "push"}
    (result,) = calling(lab, home, project, "Bash", push)
    assert result.get("is_error") is True, result
    assert "Blocked by the pack's guard-shell hook: a force push" in str(result["content"])


def test_a_deferred_tool_of_a_plugin_keeps_its_whole_name() -> None:
    """A plugin's MCP tool is mcp__plugin_<plugin>_<server>__<tool>, and a plugin's name
    holds '-': cut there, the lab read mcp__plugin_my and never checked such tools."""
    from agentpack.targets.claude.lab import offered

    text = "deferred tools are now available:\nmcp__plugin_my-pack_db__echo\nWebFetch\n"
    request = {"tools": [{"name": "Read"}], "messages": [{"content": text}]}
    assert offered(request) == {"Read", "mcp__plugin_my-pack_db__echo", "WebFetch"}
