"""Native trees: .claude/, .opencode/ with opencode.json, a plugin marketplace; and the rules
that import never overwrites and --dry-run writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentpack import api
from agentpack.cli import main
from agentpack.permissions import Decision
from tests.conftest import ROOT

NATIVE = ROOT / "tests" / "packs" / "native"
ALLOW, ASK, DENY = Decision.ALLOW, Decision.ASK, Decision.DENY


def _import(name: str, tmp: Path) -> tuple[api.ImportResult, api.Pack]:  # type: ignore[name-defined]
    result = api.import_(NATIVE / name, tmp / "pack")
    return result, api.load_pack(tmp / "pack")


def test_claude_tree(tmp_path: Path) -> None:
    result, pack = _import("dotclaude", tmp_path)
    assert not result.failed
    reviewer, fixer = pack.agent("reviewer"), pack.agent("fixer")
    assert reviewer is not None
    assert fixer is not None
    assert reviewer.policy is not None
    assert reviewer.policy.decide("read") is ALLOW
    assert reviewer.policy.decide("edit") is DENY  # a tools line means "only these"
    # Bash(git diff:*) would be all of Bash there, but plan mode runs no command and no
    # MCP tool: the other tools must not either
    assert reviewer.policy.decide("bash") is DENY
    assert reviewer.policy.decide("mcp:github/x") is DENY
    assert (reviewer.max_steps, reviewer.color, str(reviewer.model)) == (12, "purple", "opus")
    assert dict(reviewer.extras["claude"]) == {
        "permissionMode": "plan",
        "futureField": "kept somewhere",
    }
    assert fixer.policy is not None
    assert fixer.policy.decide("read") is ALLOW  # disallowedTools means "all but these"
    assert fixer.policy.decide("webfetch") is DENY
    assert fixer.policy.decide("mcp:any/tool") is DENY
    assert fixer.model is not None
    # an Anthropic model id names the same model on opencode, under its provider
    assert dict(fixer.model.per_target) == {
        "claude": "claude-opus-5",
        "opencode": "anthropic/claude-opus-5",
        "copilot": "claude-opus-5",
    }
    commit = pack.commands[0]
    assert commit.name == "team-commit"  # Claude Code's /team:commit (commands/team/)
    assert (commit.agent, commit.subtask) == ("fixer", True)
    assert [str(g) for g in commit.allowed_tools] == [
        "bash(git add *)",
        "bash(git status *)",
        "bash(git commit *)",
    ]
    assert commit.body.endswith("(first word: $1)\n")  # Claude's $0 is the canonical $1
    skill = pack.skills[0]
    assert [r.path for r in skill.resources] == ["run.sh"]
    assert dict(skill.extras["claude"]) == {"when_to_use": "Before committing."}
    report = next(r for r in result.reports if r.name == "reviewer")
    assert any("Bash(git diff:*) -> bash" in a for a in report.approximated)


def test_opencode_tree_and_json(tmp_path: Path) -> None:
    result, pack = _import("dotopencode", tmp_path)
    assert not result.failed
    planner = pack.agent("planner")
    assert planner is not None
    assert planner.policy is not None
    assert (planner.mode.value, planner.temperature, planner.max_steps, planner.color) == (
        "primary",
        0.1,
        40,
        "blue",
    )
    assert str(planner.model) == "sonnet"
    assert dict(planner.extras["opencode"]) == {"options": {"reasoningEffort": "high"}}
    assert planner.policy.decide("read") is ALLOW
    assert planner.policy.decide("webfetch") is DENY
    assert planner.policy.decide("bash", "git log -p") is ALLOW
    assert planner.policy.decide("bash", "rm -rf /") is ASK
    assert planner.policy.decide("edit") is DENY  # path patterns -> the narrowest, noted
    legacy = pack.agent("legacy")
    assert legacy is not None
    assert legacy.policy is not None
    assert legacy.policy.decide("bash") is DENY
    assert legacy.policy.decide("read") is ALLOW  # opencode starts from allow
    json_agent = pack.agent("json-agent")
    assert json_agent is not None
    assert json_agent.body == "You are defined in JSON.\n"
    assert json_agent.policy is not None
    assert json_agent.policy.decide("bash") is ASK
    assert {c.name for c in pack.commands} == {"review", "hello"}
    review = next(c for c in pack.commands if c.name == "review")
    assert (review.agent, review.subtask, str(review.model)) == ("planner", True, "haiku")
    assert review.body == "Review $1 and then $2.\n"  # opencode already counts from $1


def test_marketplace_with_several_plugins(tmp_path: Path) -> None:
    result, pack = _import("market", tmp_path)
    assert not result.failed
    assert pack.manifest.name == "team-tools"
    assert {a.name for a in pack.agents} == {"code-reviewer", "releaser"}
    assert {c.name for c in pack.commands} == {"pr"}
    assert {s.name for s in pack.skills} == {"release"}
    market = next(r for r in result.reports if r.kind == "marketplace")
    assert any("plugin remote" in d for d in market.dropped)


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


AGENT = "---\nname: {0}\ndescription: Agent {0}.\ntools: Read\n---\nBody {0}.\n"
COMMAND = "---\ndescription: Command {0}.\n---\nDo $ARGUMENTS.\n"
SKILL = "---\nname: {0}\ndescription: Skill {0}.\n---\nSteps.\n"


def test_marketplace_plugins_without_plugin_json_and_with_component_paths(
    tmp_path: Path,
) -> None:
    """As Claude Code reads them: plugin.json is optional; an entry with strict: false is the
    whole plugin; agents/commands paths replace the default folders, skills paths add."""
    market = {
        "name": "shop",
        "owner": {"name": "Shop"},
        "metadata": {"description": "Older layout", "version": "2.0.0", "pluginRoot": "./p"},
        "plugins": [
            {"name": "bare", "source": "./p/bare", "version": "1.0.0"},
            {
                "name": "picked",
                "source": "picked",  # a bare name, under metadata.pluginRoot
                "strict": False,
                "agents": ["./team/one.md", "./more"],
                "commands": "./cmds/",
                "skills": ["./extra-skills"],
                "hooks": {"PreToolUse": [{"hooks": [{"type": "prompt", "prompt": "Sure?"}]}]},
            },
            {"name": "escape", "source": "./../elsewhere"},
        ],
    }
    import json

    root = _write(
        tmp_path / "src",
        {
            ".claude-plugin/marketplace.json": json.dumps(market),
            "p/bare/agents/plain.md": AGENT.format("plain"),
            "p/bare/GEMINI.md": "# Notes for another tool\n\n## Not an agent\n",
            "p/picked/team/one.md": AGENT.format("one"),
            "p/picked/team/not-listed.md": AGENT.format("not-listed"),
            "p/picked/more/two.md": AGENT.format("two"),
            "p/picked/agents/default-ignored.md": AGENT.format("default-ignored"),
            "p/picked/cmds/go.md": COMMAND.format("go"),
            "p/picked/skills/base/SKILL.md": SKILL.format("base"),
            "p/picked/extra-skills/added/SKILL.md": SKILL.format("added"),
        },
    )
    result = api.import_(root, tmp_path / "pack")
    assert not result.failed, [f for r in result.reports for f in r.findings]
    pack = api.load_pack(tmp_path / "pack")
    assert (pack.manifest.description, pack.manifest.version) == ("Older layout", "2.0.0")
    groups = {g.name: (g.agents, g.commands, g.skills) for g in pack.manifest.plugins}
    assert groups == {
        "bare": (("plain",), (), ()),
        "picked": (("one", "two"), ("go",), ("base", "added")),
    }
    dropped = {r.source: r.dropped for r in result.reports}
    assert any("plugin escape" in d for d in dropped[".claude-plugin/marketplace.json"])
    assert any(
        d.startswith("hooks.PreToolUse (only command hooks")
        for d in dropped["p/picked/.claude-plugin/plugin.json"]
    )


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    api.import_(NATIVE / "dotclaude", tmp_path / "pack")
    target = tmp_path / "pack" / "agents" / "fixer.md"
    target.write_text(target.read_text().replace("Fix it.", "My own edit."))
    again = api.import_(NATIVE / "dotclaude", tmp_path / "pack")
    assert again.failed
    assert {f.path: f.status for f in again.files}["agents/fixer.md"] == "skip"
    assert "My own edit." in target.read_text()
    forced = api.import_(NATIVE / "dotclaude", tmp_path / "pack", force=True)
    assert {f.path: f.status for f in forced.files}["agents/fixer.md"] == "write"
    assert "My own edit." not in target.read_text()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    result = api.import_(NATIVE / "dotopencode", tmp_path / "pack", dry_run=True)
    assert {f.status for f in result.files} == {"write"}
    assert not (tmp_path / "pack").exists()


def test_cli_import_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    code = main(
        ["import", str(NATIVE / "dotclaude"), "--pack", str(tmp_path / "p"), "--format", "json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    reviewer = next(r for r in data["reports"] if r["name"] == "reviewer")
    assert set(reviewer) >= {"mapped", "approximated", "dropped"}
    assert {"path": "agents/reviewer.md", "action": "write"} in data["files"]


def test_marketplace_plugins_become_plugin_groups_and_come_back(tmp_path: Path) -> None:
    import json

    _, pack = _import("market", tmp_path)
    groups = {g.name: g for g in pack.manifest.plugins}
    assert set(groups) == {"review-kit", "ship-kit"}
    assert (groups["review-kit"].agents, groups["review-kit"].commands) == (
        ("code-reviewer",),
        ("pr",),
    )
    assert (groups["ship-kit"].agents, groups["ship-kit"].skills) == (("releaser",), ("release",))
    assert groups["review-kit"].version == "1.2.0"
    root = tmp_path / "pack"
    api.export(root)
    market = json.loads((root / ".claude-plugin" / "marketplace.json").read_text())
    assert [(p["name"], p["source"], p["version"]) for p in market["plugins"]] == [
        ("review-kit", "./dist/claude/review-kit", "1.2.0"),
        ("ship-kit", "./dist/claude/ship-kit", "0.3.0"),
    ]
    for plugin, original in (("review-kit", "review"), ("ship-kit", "ship")):
        written = json.loads(
            (root / f"dist/claude/{plugin}/.claude-plugin/plugin.json").read_text()
        )
        source = json.loads(
            (NATIVE / f"market/plugins/{original}/.claude-plugin/plugin.json").read_text()
        )
        assert written == source
    assert (root / "dist/claude/review-kit/commands/pr.md").read_text().endswith("Review PR $0.\n")


def test_unknown_names_in_a_group_are_errors(make_pack: object) -> None:
    from tests.conftest import MANIFEST

    root = make_pack(  # type: ignore[operator]
        {
            "agents/a.md": "---\nname: a\ndescription: d\n---\nx\n",
            "agents/b.md": "---\nname: b\ndescription: d\n---\nx\n",
        },
        manifest=MANIFEST + "plugins:\n  - name: g\n    agents: [a, nope]\n",
    )
    assert [str(f) for f in api.validate(root).findings] == [
        "agentpack.yaml:6:1: warning: plugins: the agent 'b' is in no plugin group, so no "
        "Claude Code plugin carries it; add it to one",
        "agentpack.yaml:8:17: error: plugins[0].agents[1]: no agent named 'nope' in the pack; "
        "fix the name or remove it",
    ]


def test_a_plugin_readme_and_icon_are_reported_unless_agentpack_wrote_them(
    tmp_path: Path,
) -> None:
    def plugin_report(result: api.ImportResult) -> list[str]:  # type: ignore[name-defined]
        (report,) = [r for r in result.reports if r.kind == "plugin"]
        return report.dropped

    pack = tmp_path / "source"
    api.import_(NATIVE / "market" / "plugins" / "review", pack)
    manifest = api.load_pack(pack).manifest  # a plugin on its own: its plugin.json
    assert (manifest.name, manifest.version) == ("review-kit", "1.2.0")
    api.export(pack)
    plugin = pack / "dist" / "claude"
    assert plugin_report(api.import_(plugin, tmp_path / "again")) == []

    (plugin / "README.md").write_text("# Review kit\n\nHand-written.\n")
    (plugin / ".claude-plugin" / "icon.png").write_bytes(b"\x89PNG")
    dropped = plugin_report(api.import_(plugin, tmp_path / "third"))
    assert [entry.split(" ", 1)[0] for entry in dropped] == ["README.md", ".claude-plugin/icon.png"]


def test_opencode_json_entries_that_define_no_agent_and_file_prompts(tmp_path: Path) -> None:
    """As opencode reads its config: ``{file:...}`` is read relative to the config's
    folder; settings for a built-in agent and ``disable: true`` are not agents of the pack."""
    import json

    config = {
        "agent": {
            "build": {"model": "anthropic/claude-sonnet-4-20250514", "tools": {"bash": True}},
            "plan": {"prompt": "My own planner.", "description": "Plans my way."},
            "old": {"disable": True},
            "reviewer": {"description": "Reviews.", "prompt": "{file:./prompts/review.txt}"},
        },
        "command": {"check": {"description": "Check.", "template": "{file:prompts/check.md}"}},
    }
    root = _write(
        tmp_path / "src",
        {
            "opencode.json": json.dumps(config),
            "prompts/review.txt": "Review the diff.\n",
            "prompts/check.md": "Check $ARGUMENTS.\n",
        },
    )
    result = api.import_(root / "opencode.json", tmp_path / "pack")
    pack = api.load_pack(tmp_path / "pack")
    assert {a.name for a in pack.agents} == {"plan", "reviewer"}  # plan has a prompt
    reviewer = pack.agent("reviewer")
    assert reviewer is not None
    assert reviewer.body == "Review the diff.\n"
    assert [c.body for c in pack.commands] == ["Check $ARGUMENTS.\n"]
    (report,) = result.reports
    assert [d.split(" ")[0] for d in report.dropped] == ["agent.build", "agent.old"]


@pytest.mark.parametrize("named", ["{secret}", "../outside.txt"])
def test_a_file_prompt_outside_the_folder_imported_is_not_read(tmp_path: Path, named: str) -> None:
    """``"prompt": "{file:/etc/passwd}"`` (or ``~/credentials``) was read into the pack's
    agent, and from there into every tool's files."""
    import json

    secret = tmp_path / "outside.txt"
    secret.write_text("AWS_SECRET=abc\n")
    prompt = "{file:" + named.format(secret=secret) + "}"
    config = {"agent": {"x": {"description": "X.", "prompt": prompt}}}
    root = _write(tmp_path / "src", {"opencode.json": json.dumps(config)})
    result = api.import_(root / "opencode.json", tmp_path / "pack")
    (error,) = [f for r in result.reports for f in r.findings if f.is_error]
    assert error.field == "agent.x.prompt"
    assert "names a file outside the folder imported, which is not read" in error.message
    assert not (tmp_path / "pack" / "agents").exists()


def test_a_file_prompt_that_is_not_there_is_an_error_as_in_opencode(tmp_path: Path) -> None:
    """opencode refuses its whole config for a ``{file:...}`` it cannot read ("bad file
    reference"): the import says so and writes nothing, rather than an agent whose prompt
    is the reference itself."""
    import json

    config = {"agent": {"lost": {"description": "Lost.", "prompt": "{file:./missing.txt}"}}}
    root = _write(tmp_path / "src", {"opencode.json": json.dumps(config)})
    result = api.import_(root / "opencode.json", tmp_path / "pack")
    (report,) = result.reports
    assert [(f.field, f.message.split(":")[0]) for f in report.findings if f.is_error] == [
        ("agent.lost.prompt", "bad file reference {file")
    ]
    assert not (tmp_path / "pack" / "agents").exists()


@pytest.mark.parametrize(
    ("tools", "allowed"),
    [
        ("*", None),
        (["*"], None),
        ("Read, *", None),  # a "*" anywhere: every tool (2.1.332's loader)
        ([], []),
        ("", []),
        (None, []),  # a tools line with no value gives no tools, not every tool
        ({"Read": True}, []),
        ("Read Grep", ["read", "grep"]),  # spaces part rules as commas do
        (["Read Glob", "Bash(git log --oneline, -n 5)"], ["read", "glob", "bash"]),
    ],
)
def test_a_tools_line_is_read_as_claude_code_reads_it(
    tools: object, allowed: list[str] | None
) -> None:
    """As Claude Code 2.1.332 splits a tools line: at commas and spaces outside
    parentheses, each text of a list too; a "*" in it is no tools line at all; a line
    present with no text or list gives no tools."""
    from agentpack.filereport import FileReport
    from agentpack.targets.claude.read import policy

    got = policy({"tools": tools}, FileReport("a.md"))
    assert (
        None if got is None else [t for t, d in got.tools.items() if d is Decision.ALLOW]
    ) == allowed
    if got is not None:
        assert got.default is Decision.DENY


def test_names_claude_code_and_opencode_would_use(tmp_path: Path) -> None:
    """A skill is named after its folder (its name field is only what Claude Code shows);
    a name with no letters or digits a name can keep falls back to the file's name."""
    root = _write(
        tmp_path / "src" / ".claude",
        {
            "skills/pdf-tools/SKILL.md": SKILL.format("PDF Processing"),
            "skills/same/SKILL.md": SKILL.format("same"),
            "agents/naming-rules.md": AGENT.format("函数命名规范"),
            "agents/other.md": AGENT.format("其他"),
        },
    )
    result = api.import_(root, tmp_path / "pack")
    assert not result.failed
    pack = api.load_pack(tmp_path / "pack")
    assert sorted(s.name for s in pack.skills) == ["pdf-tools", "same"]
    assert sorted(a.name for a in pack.agents) == ["naming-rules", "other"]
    notes = [a for r in result.reports for a in r.approximated if a.startswith("name:")]
    rest = "in the pack, whose names hold lowercase letters, digits and '-', none of which"
    assert sorted(notes) == [
        "name: PDF Processing (Claude Code's display name; the skill is named after its "
        "folder, pdf-tools)",
        f"name: 其他 (named 'other' {rest} this name has: named after its file; prompts and "
        "handoffs that call it so should say both)",
        f"name: 函数命名规范 (named 'naming-rules' {rest} this name has: named after its file; "
        "prompts and handoffs that call it so should say both)",
    ]


@pytest.mark.parametrize("kind", ["agent", "command", "skill"])
def test_import_knows_every_claude_field_the_schema_knows(kind: str) -> None:
    """A field the schema knows for a claude: block is carried as mapped on import, not
    as "not a field agentpack knows"; the two lists must not drift apart."""
    from agentpack.targets import Registry
    from agentpack.targets.claude import names as claude

    known = {"agent": claude.AGENT_EXTRAS, "command": claude.COMMAND_EXTRAS}
    fields = set(known.get(kind, claude.SKILL_EXTRAS))
    # read into max_steps; the source's spelling of its tool lists, recorded by import
    handled = {"maxTurns", "toolNames", "disallowedToolNames"} if kind == "agent" else set()
    block = Registry(third_party=False).get("claude").blocks()[kind]
    assert set(block["properties"]) == fields | handled


def test_allowed_tools_parted_by_spaces_grant_each_rule() -> None:
    """A command's ``allowed-tools: Read Bash(git status:*) Grep``, as Claude Code splits it."""
    from agentpack.filereport import FileReport
    from agentpack.model import Grant
    from agentpack.targets.claude.read import grants

    report = FileReport("c.md")
    found = grants("Read Bash(git status:*) Grep", report)
    assert found == (Grant("read", None), Grant("bash", "git status *"), Grant("grep", None))
    assert report.dropped == []


def test_a_name_windows_keeps_for_a_device_is_imported_renamed(tmp_path: Path) -> None:
    """``aux.agent.md`` would be ``agents/aux.md``, which no Windows can hold: the import
    names it ``aux-item`` and says so, rather than refusing the whole import."""
    agents = tmp_path / "in" / ".github" / "agents"
    agents.mkdir(parents=True)
    (agents / "aux.agent.md").write_text("---\ndescription: Helps\n---\nGo.\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    assert (tmp_path / "pack" / "agents" / "aux-item.md").is_file()
    assert any("Windows keeps 'aux'" in a for r in result.reports for a in r.approximated)
