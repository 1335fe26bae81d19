"""The plugin files around the agents: plugin.json, README.md, the icon, the marketplace."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from agentpack import api
from agentpack.targets import Registry
from agentpack.targets.base import Context, Report, render
from agentpack.targets.claude import packfiles as images
from agentpack.targets.claude.readme import LISTED, summary
from agentpack.targets.claude.readplugin import GENERATED_README
from tests.conftest import MANIFEST, MakePack
from tests.helpers import imported, imported_policy


def png(width: int, height: int) -> bytes:
    """A real PNG of one colour (zlib keeps it small at any size)."""
    row = b"\0" + b"\x22\xc5\x5e" * width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")
    return images.PNG_SIGNATURE + body


def claude_files(root: Path) -> dict[str, bytes]:
    registry = Registry(third_party=False)
    pack = api.load_pack(root, targets=registry)
    files = render(registry.get("claude"), pack, Report(), Context("dist"))
    return {f.path: f.data for f in files}


AGENT = "---\nname: {0}\ndescription: Agent {0} <b>does</b> things.\n---\nBody.\n"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (png(512, 512), None),
        (png(2048, 2048), None),
        (png(511, 511), "511x511 pixels"),
        (png(600, 512), "600x512 pixels"),
        (png(2049, 2049), "2049x2049 pixels"),
        (b"GIF89a" + b"\0" * 40, "not a PNG"),
        (images.PNG_SIGNATURE, "not a PNG"),
    ],
)
def test_icon_problem(data: bytes, problem: str | None) -> None:
    found = images.icon_problem(data)
    assert found is None if problem is None else problem in (found or "")


def test_an_icon_too_large_in_bytes_is_refused() -> None:
    data = png(512, 512)
    assert "under 2 MB" in (images.icon_problem(data + b"\0" * images.ICON_MAX_BYTES) or "")


def test_the_icon_goes_into_every_plugin_byte_for_byte(make_pack: MakePack) -> None:
    icon = png(512, 512)
    manifest = MANIFEST + (
        "claude: {icon: art/icon.png}\nplugins:\n"
        "  - {name: one, agents: [a]}\n  - {name: two, agents: [b]}\n"
    )
    root = make_pack(
        {"art/icon.png": icon, "agents/a.md": AGENT.format("a"), "agents/b.md": AGENT.format("b")},
        manifest=manifest,
    )
    files = claude_files(root)
    assert files["one/.claude-plugin/icon.png"] == icon
    assert files["two/.claude-plugin/icon.png"] == icon


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "claude.icon: cannot read art/icon.png: no such file"),
        ({"art/icon.png": png(100, 100)}, "claude.icon: art/icon.png: the icon is 100x100 pixels"),
        ({"art/icon.png": b"not an image"}, "claude.icon: art/icon.png: the icon is not a PNG"),
        ({"art/icon.png/x": b""}, "claude.icon: cannot read art/icon.png: this is a directory"),
    ],
)
def test_a_bad_icon_is_an_error_at_its_field(
    make_pack: MakePack, files: dict[str, bytes], message: str
) -> None:
    root = make_pack(files, manifest=MANIFEST + "claude:\n  icon: art/icon.png\n")
    lines = [str(f) for f in api.validate(root).findings]
    assert len(lines) == 1
    assert lines[0].startswith("agentpack.yaml:7:9: error: ")
    assert message in lines[0]


def test_an_icon_outside_the_pack_is_refused_by_the_schema(make_pack: MakePack) -> None:
    root = make_pack({}, manifest=MANIFEST + "claude:\n  icon: ../icon.png\n")
    (lines,) = [str(f) for f in api.validate(root).findings]
    assert lines.startswith("agentpack.yaml:7:9: error: claude.icon: ")


def test_the_readme_lists_the_plugin_and_how_to_install_it(make_pack: MakePack) -> None:
    root = make_pack(
        {"agents/a.md": AGENT.format("a"), "commands/c.md": "---\ndescription: Run c\n---\nc\n"},
        manifest=MANIFEST + "repository: https://github.com/acme/agents.git\n",
    )
    readme = claude_files(root)["README.md"].decode()
    assert readme.startswith("# test-pack\n\nA pack for tests.\n")
    assert "/plugin marketplace add acme/agents\n/plugin install test-pack@test-pack\n" in readme
    assert "- `a`: Agent a &lt;b&gt;does&lt;/b&gt; things.\n" in readme
    assert "- `/test-pack:c`: Run c\n" in readme
    assert "## Skills" not in readme  # no empty sections
    assert GENERATED_README in readme  # import recognises it and does not report it
    assert len(readme.split()) >= 40  # the plugin directory's minimum


def test_each_group_readme_lists_only_its_items(make_pack: MakePack) -> None:
    manifest = MANIFEST + (
        "claude: {marketplace: false}\nplugins:\n"
        "  - {name: one, agents: [a]}\n  - {name: two, agents: [b]}\n"
    )
    root = make_pack(
        {"agents/a.md": AGENT.format("a"), "agents/b.md": AGENT.format("b")}, manifest=manifest
    )
    files = claude_files(root)
    one, two = files["one/README.md"].decode(), files["two/README.md"].decode()
    assert "`a`" in one
    assert "`b`" not in one
    assert "`b`" in two
    assert "`a`" not in two
    assert "claude --plugin-dir" in one  # no marketplace to add


def test_a_large_pack_gives_a_short_readme(make_pack: MakePack) -> None:
    n = LISTED + 50
    root = make_pack({f"agents/a{i:03}.md": AGENT.format(f"a{i:03}") for i in range(n)})
    readme = claude_files(root)["README.md"].decode()
    assert readme.count("\n- `a") == LISTED
    assert f"- ... and {n - LISTED} more\n" in readme


def test_a_pack_readme_replaces_the_generated_one(make_pack: MakePack) -> None:
    root = make_pack(
        {"docs/plugin.md": b"# Ours\r\n\r\nWritten by hand.\r\n"},
        manifest=MANIFEST + "claude: {readme: docs/plugin.md}\n",
    )
    assert claude_files(root)["README.md"] == b"# Ours\n\nWritten by hand.\n"


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("One line.", "One line."),
        ("Two\n  lines\twith   blanks.", "Two lines with blanks."),
        ("Before <example>user: x</example>", "Before"),
        ("   ", "(no summary)"),
        ("word " * 60, ("word " * 32).strip() + " ..."),
    ],
)
def test_summary(description: str, expected: str) -> None:
    assert summary(description) == expected


def test_equal_policies_listed_in_another_order_keep_their_own_order(
    make_pack: MakePack,
) -> None:
    """Rendering caches per policy; a cached result must not leak one agent's order into
    another's (found by the round-trip property test)."""
    agent = "---\nname: {0}\ndescription: d\ntools:\n  deny: [{1}]\n---\nb\n"
    root = make_pack(
        {
            "agents/a.md": agent.format("a", "mcp:x, mcp:y"),
            "agents/b.md": agent.format("b", "mcp:y, mcp:x"),
        }
    )
    files = claude_files(root)
    assert b"disallowedTools: mcp__x, mcp__y, ListMcpResourcesTool," in files["agents/a.md"]
    assert b"disallowedTools: mcp__y, mcp__x, ListMcpResourcesTool," in files["agents/b.md"]


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("claude-yaml", True),
        ("claude.yaml", True),
        ("claudeyaml", False),
        ("anthropic", True),
        ("anthropics-x", True),
        ("anthropicsx", False),
        ("cc-plugin-x", True),
        ("ccplugin-x", True),
        ("cc-pluginx", False),
        ("claudemods", True),
        ("claude-code-x", True),
        ("my-claude-code", False),
        ("official-claude", True),
        ("x-claude-official", True),
        ("official-x-claude", False),
        ("official-plugins", False),
    ],
)
def test_a_plugin_name_that_passes_for_anthropics_own_is_said(name: str, refused: bool) -> None:
    """As ``claude plugin validate`` 2.1.332 judged each of these names (the conformance
    lab asks it again); the export says so, since the validator then fails."""
    from agentpack.targets.claude.plugin import reserved

    assert reserved(name) is refused


def test_plugins_with_a_license_of_their_own_are_not_said_to_lack_one(tmp_path: Path) -> None:
    """A marketplace whose plugins each name a license: the plugins written have one, and
    'claude plugin validate' finds none missing, whatever the pack's own field says."""
    import json

    src = tmp_path / "src"
    (src / ".claude-plugin").mkdir(parents=True)
    market = {"name": "m", "owner": {"name": "o"}, "plugins": [{"name": "p", "source": "./p"}]}
    (src / ".claude-plugin" / "marketplace.json").write_text(json.dumps(market))
    (src / "p" / ".claude-plugin").mkdir(parents=True)
    meta = {"name": "p", "license": "MIT", "author": {"name": "A"}}
    (src / "p" / ".claude-plugin" / "plugin.json").write_text(json.dumps(meta))
    (src / "p" / "skills" / "sum").mkdir(parents=True)
    (src / "p" / "skills" / "sum" / "SKILL.md").write_text(
        "---\nname: sum\ndescription: d\n---\nx\n"
    )
    api.import_(src, tmp_path / "pack")
    done = api.export(tmp_path / "pack", ["claude"], tmp_path / "out", cache=False)
    assert not [f for f in done.findings if f.field in ("license", "author")]


def test_a_command_whose_shell_lines_nothing_allows_is_said_to_stop(tmp_path: Path) -> None:
    """An opencode command runs ``!`gh issue view $1` `` as its bash rules say; Claude Code
    stops the command unless the line is allowed, so a command that grants no shell
    command gets a note in the Claude output, and one that does gets none."""
    pack = tmp_path / "pack"
    api.init(pack)
    for name, grants in (("bare", ""), ("granted", 'allowed_tools: ["bash(gh issue *)"]\n')):
        (pack / "commands" / f"{name}.md").write_text(
            f"---\ndescription: d\n{grants}---\nIssue: !`gh issue view $1`\n"
        )
    done = api.export(pack, ["claude"], tmp_path / "out", cache=False)
    said = [f.path for f in done.findings if "!`command` lines only when" in f.message]
    assert said == ["commands/bare.md"]


def test_a_plugins_user_config_comes_in_and_goes_out(tmp_path: Path) -> None:
    """A real plugin asks its user for 28 options (``userConfig``) that its servers read as
    ``${user_config.KEY}``; without them in plugin.json, ``claude plugin validate --strict``
    refuses every reference. They come into agentpack.yaml's claude block and go back."""
    import json

    options = {
        "url": {"type": "string", "title": "URL", "description": "Where.", "default": "x"},
        "headless": {"type": "boolean", "title": "Headless", "description": "No window."},
    }
    server = {"command": "npx", "args": ["srv", "--url", "${user_config.url}"]}
    plugin = tmp_path / "p"
    (plugin / ".claude-plugin").mkdir(parents=True)
    meta = {"name": "p", "version": "1.0.0", "userConfig": options, "mcpServers": {"s": server}}
    (plugin / ".claude-plugin" / "plugin.json").write_text(json.dumps(meta))
    result = api.import_(plugin, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    assert not any("userConfig" in d for r in result.reports for d in r.dropped)
    pack = api.load_pack(tmp_path / "pack")
    assert pack.manifest.extras["claude"]["userConfig"] == options
    api.export(tmp_path / "pack", ("claude",), tmp_path / "dist", cache=False)
    written = json.loads(
        (tmp_path / "dist" / "claude" / ".claude-plugin" / "plugin.json").read_text()
    )
    assert written["userConfig"] == options


def test_a_user_config_default_no_file_may_hold_stays_behind(tmp_path: Path) -> None:
    """A sensitive option's default, or one that looks like a token, is not written into
    the pack or the plugin: Claude Code asks the user for it."""
    import json

    options = {
        "api_key": {"type": "string", "sensitive": True, "default": "abcdef0123456789"},
        "gh": {"type": "string", "default": "ghp_" + "a1B2c3D4e5" * 4},
        "url": {"type": "string", "default": "https://example.com"},
    }
    plugin = tmp_path / "p"
    (plugin / ".claude-plugin").mkdir(parents=True)
    meta = {"name": "p", "version": "1.0.0", "userConfig": options}
    (plugin / ".claude-plugin" / "plugin.json").write_text(json.dumps(meta))
    result, loaded = imported(plugin, tmp_path / "pack")
    kept = loaded.manifest.extras["claude"]["userConfig"]
    assert ["default" in kept[k] for k in ("api_key", "gh", "url")] == [False, False, True]
    dropped = [d.split(" (")[0] for r in result.reports for d in r.dropped]
    assert {"userConfig.api_key.default", "userConfig.gh.default"} <= set(dropped)


def test_a_marketplaces_plugins_bring_their_options_to_the_plugin_with_the_servers(
    tmp_path: Path,
) -> None:
    """A pack puts every server and hook into one plugin, so the options each marketplace
    plugin's servers read come together in the pack's claude.userConfig (the first
    plugin's where two share a name, which the import says)."""
    import json

    market = tmp_path / "m"
    (market / ".claude-plugin").mkdir(parents=True)
    entries = [{"name": n, "source": f"./plugins/{n}"} for n in ("a", "b")]
    (market / ".claude-plugin" / "marketplace.json").write_text(
        json.dumps({"name": "m", "owner": {"name": "O"}, "plugins": entries})
    )
    options = {
        "a": {"url": {"type": "string", "title": "URL", "description": "d", "default": "x"}},
        "b": {
            "url": {"type": "string", "title": "Other", "description": "d"},
            "key": {"type": "string", "title": "Key", "description": "d", "sensitive": True},
        },
    }
    for name, own in options.items():
        server = {"command": "npx", "env": {"K": "${user_config.key}", "U": "${user_config.url}"}}
        meta = {"name": name, "version": "1.0.0", "userConfig": own, "mcpServers": {name: server}}
        (market / "plugins" / name / ".claude-plugin").mkdir(parents=True)
        (market / "plugins" / name / ".claude-plugin" / "plugin.json").write_text(json.dumps(meta))
    result, loaded = imported(market, tmp_path / "pack")
    kept = loaded.manifest.extras["claude"]["userConfig"]
    assert kept == {**options["b"], **options["a"]}
    dropped = [d for r in result.reports for d in r.dropped if d.startswith("userConfig")]
    assert [d.split(" (")[0] for d in dropped] == ["userConfig.url"]
    done = api.export(tmp_path / "pack", ("claude",), tmp_path / "dist", cache=False)
    assert not [f for f in done.findings if f.field == "claude.userConfig"]
    written = json.loads((tmp_path / "dist/claude/a/.claude-plugin/plugin.json").read_text())
    assert set(written["userConfig"]) == {"url", "key"}


def test_an_option_no_user_config_declares_is_said(tmp_path: Path) -> None:
    """Claude Code refuses a plugin whose server reads ``${user_config.X}`` without X
    under userConfig: the export says so, at the manifest."""
    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "mcp").mkdir()
    (pack / "mcp" / "s.yaml").write_text("command: npx\nenv:\n  URL: ${user_config.endpoint}\n")
    done = api.export(pack, ["claude"], tmp_path / "out", cache=False)
    said = [f for f in done.findings if f.field == "claude.userConfig"]
    assert [f.path for f in said] == ["agentpack.yaml"]
    assert "${user_config.endpoint}" in said[0].message


def test_a_plugins_agents_name_its_servers_tools_by_the_pack_name(tmp_path: Path) -> None:
    """Claude Code names a plugin's server's tools ``mcp__plugin_<plugin>_<server>__<tool>``
    and real plugin agents list them so; read as a server ``plugin_p_api``, the grant
    reached nothing in the other tools (opencode's tool is ``api_search``)."""
    import json

    plugin = tmp_path / "p"
    (plugin / ".claude-plugin").mkdir(parents=True)
    meta = {"name": "p", "version": "1.0.0", "mcpServers": {"api": {"command": "npx"}}}
    (plugin / ".claude-plugin" / "plugin.json").write_text(json.dumps(meta))
    (plugin / "agents").mkdir()
    (plugin / "agents" / "s.md").write_text(
        "---\nname: s\ndescription: Searches\ntools: Read, mcp__plugin_p_api__search, "
        "mcp__plugin_other_api__x\n---\nSearch.\n"
    )
    result, loaded = imported(plugin, tmp_path / "pack")
    agent = loaded.agent("s")
    assert agent is not None
    assert agent.policy is not None
    assert list(agent.policy.tools) == ["read", "mcp:api/search", "mcp:plugin_other_api/x"]
    notes = " ".join(n for r in result.reports for n in r.approximated)
    assert "mcp:api/search" in notes
    assert "plugin_p_api" not in notes
    api.export(tmp_path / "pack", ("opencode",), tmp_path / "dist", cache=False)
    text = (tmp_path / "dist" / "opencode" / "agents" / "s.md").read_text()
    assert "  api_search: allow\n" in text


def test_extras_in_a_plugins_file_are_not_read(tmp_path: Path) -> None:
    """``$extras`` is agentpack's own key between a reader and the manifest: a plugin's
    file that has one neither sets the pack's blocks nor crashes the import."""
    import json

    market = tmp_path / "m"
    (market / ".claude-plugin").mkdir(parents=True)
    entries = [{"name": n, "source": f"./plugins/{n}"} for n in ("a", "b")]
    (market / ".claude-plugin" / "marketplace.json").write_text(
        json.dumps({"name": "m", "owner": {"name": "O"}, "plugins": entries})
    )
    for name, extras in (("a", {"opencode": {"x": 1}}), ("b", "oops")):
        meta = {"name": name, "version": "1.0.0", "$extras": extras}
        (market / "plugins" / name / ".claude-plugin").mkdir(parents=True)
        (market / "plugins" / name / ".claude-plugin" / "plugin.json").write_text(json.dumps(meta))
    result = api.import_(market, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    assert api.load_pack(tmp_path / "pack").manifest.extras == {}


def test_a_folder_of_plugins_without_a_marketplace_reads_each_as_a_group(
    tmp_path: Path,
) -> None:
    """A repository's plugins/ folder (anthropics/claude-code's shape), or the dist/claude/
    of a pack with plugin groups: the import wrote an empty pack and said nothing."""
    import json

    root = tmp_path / "plugins"
    for name in ("one", "two"):
        (root / name / ".claude-plugin").mkdir(parents=True)
        (root / name / ".claude-plugin" / "plugin.json").write_text(
            json.dumps({"name": name, "version": "1.0.0"})
        )
        (root / name / "commands").mkdir()
        (root / name / "commands" / f"{name}.md").write_text("---\ndescription: d\n---\nDo.\n")
    _, loaded = imported(root, tmp_path / "pack")
    manifest = loaded.manifest
    assert [(g.name, g.commands) for g in manifest.plugins] == [
        ("one", ("one",)),
        ("two", ("two",)),
    ]


def test_an_agent_names_another_plugins_server_by_the_pack_name(tmp_path: Path) -> None:
    """A pack's servers go into its first plugin, so an agent of its second names them
    ``mcp__plugin_<first>_<server>``: read back, that was a server that does not exist."""
    import json

    root = tmp_path / "plugins"
    for name, extra in (("first", {"mcpServers": {"github": {"command": "npx"}}}), ("second", {})):
        (root / name / ".claude-plugin").mkdir(parents=True)
        meta = {"name": name, "version": "1.0.0", **extra}
        (root / name / ".claude-plugin" / "plugin.json").write_text(json.dumps(meta))
    (root / "second" / "agents").mkdir()
    (root / "second" / "agents" / "g.md").write_text(
        "---\nname: g\ndescription: Reads issues\ntools: Read, mcp__plugin_first_github__get\n"
        "---\nRead.\n"
    )
    policy = imported_policy(root, tmp_path / "pack", "g")
    assert list(policy.tools) == ["read", "mcp:github/get"]


def test_a_skill_two_plugins_list_is_in_both_groups(tmp_path: Path) -> None:
    """anthropics/skills lists ./skills/pdf in two strict:false entries; the second plugin
    came in empty, and was exported as a plugin with nothing in it."""
    import json

    market = tmp_path / "m"
    (market / ".claude-plugin").mkdir(parents=True)
    (market / "skills" / "pdf").mkdir(parents=True)
    (market / "skills" / "pdf" / "SKILL.md").write_text(
        "---\nname: pdf\ndescription: PDFs\n---\nx\n"
    )
    entries = [
        {"name": n, "source": "./", "strict": False, "skills": ["./skills/pdf"]}
        for n in ("documents", "pdf-only")
    ]
    (market / ".claude-plugin" / "marketplace.json").write_text(
        json.dumps({"name": "m", "owner": {"name": "O"}, "plugins": entries})
    )
    _, loaded = imported(market, tmp_path / "pack")
    groups = loaded.manifest.plugins
    assert [(g.name, g.skills) for g in groups] == [("documents", ("pdf",)), ("pdf-only", ("pdf",))]


@pytest.mark.parametrize(
    ("block", "tools", "said"),
    [
        ("permissionMode: plan", "", "unguarded"),
        ("permissionMode: plan", "tools:\n  deny: [edit, write, notebook, bash]\n", "approximated"),
        ("permissionMode: acceptEdits", "", "approximated"),
        ("mcpServers: [notes]", "", "approximated"),
        ("initialPrompt: start", "", "approximated"),
    ],
)
def test_a_field_claude_code_ignores_in_a_plugins_agent_is_said(
    tmp_path: Path, block: str, tools: str, said: str
) -> None:
    """Claude Code 2.1.332 ignores permissionMode, mcpServers, initialPrompt and the
    observer fields in a plugin's agent: a plan mode the tools line does not hold too
    stops nothing there (unguarded)."""
    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "agents" / "p.md").write_text(
        f"---\nname: p\ndescription: d\n{tools}claude:\n  {block}\n---\nx\n"
    )
    done = api.export(pack, ["claude"], tmp_path / "out", cache=False)
    key = block.split(":")[0]
    found = [f for f in done.findings if f.field == f"claude.{key}"]
    assert [f.message.split(":")[1].strip() for f in found] == [said]
    assert "ignores" in found[0].message


def test_a_plugin_whose_servers_come_in_an_mcp_bundle_is_imported(tmp_path: Path) -> None:
    """``mcpServers`` may name an MCP bundle (``.mcpb``, ``.dxt``) or a URL: read as JSON,
    it failed the whole import, agents and all. It is said, and the rest comes in."""
    plugin = tmp_path / "kit"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text(
        '{"name": "kit", "mcpServers": ["./srv.mcpb", "https://x.example/s.dxt"]}'
    )
    (plugin / "srv.mcpb").write_bytes(b"PK\x03\x04 not json")
    (plugin / "agents").mkdir()
    (plugin / "agents" / "a.md").write_text("---\nname: a\ndescription: d\n---\nx\n")
    result = api.import_(plugin, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    dropped = [d for r in result.reports for d in r.dropped]
    assert sum("an MCP bundle or a URL" in d for d in dropped) == 2
    assert [a.name for a in api.load_pack(tmp_path / "pack").agents] == ["a"]


def test_a_servers_cwd_is_said_to_be_left_out(tmp_path: Path) -> None:
    """Claude Code 2.1.332 reads no cwd for a stdio server (its schema has none): written,
    it was silently unused, and a server that needed it failed to connect."""
    import json

    from agentpack.targets.claude.servers import setup

    plugin = tmp_path / "p"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / "server.py").write_text("print()\n")
    server = {"command": "python3", "args": ["${CLAUDE_PLUGIN_ROOT}/server.py"], "cwd": "./"}
    meta = {"name": "p", "version": "1.0.0", "mcpServers": {"s": server}}
    (plugin / ".claude-plugin" / "plugin.json").write_text(json.dumps(meta))
    imported(plugin, tmp_path / "pack")
    result = api.export(tmp_path / "pack", ("claude",), tmp_path / "dist", cache=False)
    written = json.loads((tmp_path / "dist" / "claude" / ".mcp.json").read_text())
    assert "cwd" not in written["mcpServers"]["s"]
    said = [f for f in result.findings if f.field == "cwd" and f.message.startswith("claude:")]
    assert [f.severity.value for f in said] == ["warning"]
    pack = api.load_pack(tmp_path / "pack")
    done = setup(pack.manifest, "user", tmp_path / "c", {}, tmp_path / "h", tmp_path / "w")
    assert all("cwd" not in e.value for e in done.entries)
    assert done.notes == (f"mcpServers.s.cwd left out: {said[0].message.split(': ', 2)[2]}",)


def test_a_denied_server_takes_the_resource_tools_with_it(make_pack: MakePack) -> None:
    """Claude Code 2.1.337 read a resource of a server in disallowedTools through
    ReadMcpResourceTool, which serves every server: a denied server denies those tools, and
    says so while other servers stay allowed; one denied tool of a server does not."""
    agent = "---\nname: {0}\ndescription: d\ntools:\n  deny: [{1}]\n---\nb\n"
    root = make_pack(
        {
            "agents/server.md": agent.format("server", "mcp:res"),
            "agents/every.md": agent.format("every", "mcp:*"),
            "agents/tool.md": agent.format("tool", "mcp:res/echo"),
        }
    )
    files = claude_files(root)
    resources = b"ListMcpResourcesTool, ReadMcpResourceTool, ReadMcpResourceDirTool"
    assert resources in files["agents/server.md"]
    assert resources in files["agents/every.md"]
    assert b"Resource" not in files["agents/tool.md"]
    said = [
        (f.path, f.field)
        for f in api.validate(root).findings
        if "claude" in f.message and "resources" in f.message
    ]
    assert said == [("agents/server.md", "tools")]


def test_a_guard_on_write_runs_for_edit_too(make_pack: MakePack) -> None:
    """Claude Code's Edit creates a file when its old_string is empty: a guard on write
    that did not run for Edit let such a file through unguarded."""
    root = make_pack(
        {
            "hooks/guard.yaml": "event: before_tool\ntools: [write]\nrun: hooks/guard.py\n"
            "interpreter: python3\n",
            "hooks/guard.py": "print('ok')\n",
        },
    )
    api.export(root, ["claude"])
    hooks = (root / "dist" / "claude" / "hooks" / "hooks.json").read_text()
    assert '"matcher": "Write|EnterWorktree|ExitWorktree|Edit|MultiEdit"' in hooks
