"""Public marketplaces read into a pack: its plugins become plugin groups, or a warning
says why they did not, and a name only their host may hold is not taken."""

from __future__ import annotations

import json
from pathlib import Path

from agentpack import api

MARKET = {
    "name": "demo-mkt",
    "owner": {"name": "Demo"},
    "plugins": [
        {"name": "bug-hunter", "description": "Bug hunting", "source": "./plugins/bug-hunter"},
        {"name": "commits", "description": "Commit flows", "source": "./plugins/commits"},
    ],
}


def _marketplace(root: Path, market: dict[str, object]) -> Path:
    (root / ".claude-plugin").mkdir(parents=True)
    (root / ".claude-plugin" / "marketplace.json").write_text(json.dumps(market))
    agents = root / "plugins" / "bug-hunter" / "agents"
    agents.mkdir(parents=True)
    (agents / "scanner.md").write_text("---\nname: scanner\ndescription: d\n---\nAudit.\n")
    commands = root / "plugins" / "commits" / "commands"
    commands.mkdir(parents=True)
    (commands / "commit.md").write_text("---\ndescription: Commit\n---\nCommit.\n")
    return root


def test_a_marketplace_read_into_a_pack_with_its_manifest_says_its_groups_are_not_added(
    tmp_path: Path,
) -> None:
    """The plugins of a marketplace imported into an existing pack silently became one."""
    source = _marketplace(tmp_path / "mkt", MARKET)
    api.init(tmp_path / "pack")
    before = (tmp_path / "pack" / "agentpack.yaml").read_text()
    result = api.import_(source, tmp_path / "pack")
    assert not result.failed
    assert (tmp_path / "pack" / "agentpack.yaml").read_text() == before
    said = [(f.path, f.field, f.message) for f in result.findings if f.field == "plugins"]
    assert said[:1] == [
        (
            "agentpack.yaml",
            "plugins",
            "the 2 plugins read (bug-hunter, commits) are not made plugin groups: this pack's "
            "agentpack.yaml stays as it was, so they are built as one plugin; list them under "
            "plugins: to build each as its own",
        )
    ]


def test_a_marketplace_of_a_name_claude_code_keeps_for_itself_names_the_pack_otherwise(
    tmp_path: Path,
) -> None:
    """Anthropic's own marketplace, ``claude-plugins-official``: the import named the new
    pack so, which the export refuses, and failed with one line and no way around it."""
    source = _marketplace(tmp_path / "mkt", {**MARKET, "name": "claude-plugins-official"})
    result = api.import_(source, tmp_path / "mine")
    assert not result.failed, [str(f) for f in result.findings]
    assert api.load_pack(tmp_path / "mine").manifest.name == "mine"
    said = [a for r in result.reports for a in r.approximated if a.startswith("name:")]
    assert said == [
        "name: claude-plugins-official (reserved by Claude Code for its own marketplace: a new "
        "pack is named after its folder)"
    ]


def test_a_cursor_marketplace_makes_a_group_of_each_plugin_it_lists(tmp_path: Path) -> None:
    """A repository of Cursor plugins lists them in ``.cursor-plugin/marketplace.json``:
    the import found nothing there."""
    root = tmp_path / "src"
    (root / ".cursor-plugin").mkdir(parents=True)
    market = {
        "name": "team-cursor",
        "owner": {"name": "Team"},
        "metadata": {"description": "Our plugins", "pluginRoot": "./.cursor/plugins"},
        "plugins": [
            {"name": "checks", "source": "checks"},
            {"name": "docs", "source": {"path": "./.cursor/plugins/docs"}},
            {"name": "away", "source": "../elsewhere"},
        ],
    }
    (root / ".cursor-plugin" / "marketplace.json").write_text(json.dumps(market))
    for name, kind in (("checks", "agents"), ("docs", "commands")):
        plugin = root / ".cursor" / "plugins" / name
        (plugin / ".cursor-plugin").mkdir(parents=True)
        (plugin / ".cursor-plugin" / "plugin.json").write_text(json.dumps({"name": name}))
        (plugin / kind).mkdir()
        (plugin / kind / f"{name}.md").write_text(f"---\nname: {name}\ndescription: d\n---\nx\n")
    result = api.import_(root, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    manifest = api.load_pack(tmp_path / "pack").manifest
    assert (manifest.name, manifest.description) == ("team-cursor", "Our plugins")
    groups = [(g.name, g.agents, g.commands) for g in manifest.plugins]
    assert groups == [("checks", ("checks",), ()), ("docs", (), ("docs",))]
    dropped = [d for r in result.reports for d in r.dropped]
    assert "plugin away (only a plugin in this repository)" in dropped


def test_an_author_e_mail_the_pack_cannot_take_is_said_to_be_left_out(tmp_path: Path) -> None:
    """``dev@localhost`` (Copilot refuses it) was dropped from the new manifest unsaid."""
    owner = {"name": "Demo", "email": "dev@localhost"}
    source = _marketplace(tmp_path / "mkt", {**MARKET, "owner": owner})
    result = api.import_(source, tmp_path / "mine")
    assert not result.failed
    assert api.load_pack(tmp_path / "mine").manifest.author.email is None  # type: ignore[union-attr]
    said = [(f.field, f.message) for f in result.findings if f.field.endswith("email")]
    assert [(field, text.startswith("'dev@localhost' is left out")) for field, text in said] == [
        ("author.email", True)
    ]
