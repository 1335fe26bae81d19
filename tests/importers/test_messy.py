"""Messy real-world files: errors with file:line:col without --lenient, repairs with a
warning each with it. A one-line value that is not YAML on its own is read as Claude Code
reads it (quoted), lenient or not. An import with a file it cannot read writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentpack import api

MESSY = {
    "colon.md": (
        "---\nname: colon\ndescription: Use when: the build breaks\n---\nx\n",
        None,
        "colon.md:3:14: warning: description: read as Claude Code reads it: quoted a one-line "
        "value that contains ': '",
    ),
    "tagged.md": (  # a flow list followed by more text: Claude Code quotes it and reads on
        "---\nname: tagged\ndescription: [beta] Reviews code\n---\nx\n",
        None,
        "tagged.md:3:14: warning: description: read as Claude Code reads it: quoted a one-line "
        "value that is not valid YAML on its own",
    ),
    "tabs.md": (
        "---\nname: tabs\ndescription: d\ntools:\n\t- Read\n---\nx\n",
        "tabs.md:5:1: error: -: invalid YAML: found character that cannot start any "
        "token (while scanning for the next token); indent with spaces, not tabs, and "
        "quote values that start with @ or a backquote (--lenient may repair this)",
        "tabs.md:5:1: warning: -: repaired: replaced tabs in the indentation with spaces",
    ),
    "examples.md": (  # examples at the left margin: Claude Code cannot parse it at all
        "---\nname: examples\ndescription: Use it to review.\\n\\n<example>\nContext: a diff\n"
        'user: "Review this"\nassistant: "I will use the examples agent"\n</example>\n\n'
        "model: opus\n---\nx\n",
        "examples.md:9:1: error: -: invalid YAML: could not find expected ':' (while "
        "scanning a simple key); a line is missing ': ' or a quote is not closed "
        "(--lenient may repair this)",
        "examples.md:3:14: warning: description: repaired: read the lines up to line 7 as "
        "this value's text (Claude Code cannot parse this frontmatter: it loads the agent "
        "with only its file name)",
    ),
    "unclosed.md": (
        "---\nname: unclosed\ndescription: d\n\n# Heading\n\nBody text.\n",
        "unclosed.md:1:1: error: -: the frontmatter opened on line 1 is never "
        "closed; add a line '---' after it (--lenient repairs this)",
        "unclosed.md:1:1: warning: -: repaired: the frontmatter had no closing "
        "'---'; it ends at line 3",
    ),
}


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    folder = tmp_path / "in" / ".claude" / "agents"
    folder.mkdir(parents=True)
    for name, (text, _, _) in MESSY.items():
        (folder / name).write_text(text)
    (folder / "fine.md").write_text("---\nname: fine\ndescription: d\n---\nok\n")
    return tmp_path / "in"


def _findings(result: api.ImportResult) -> dict[str, list[str]]:  # type: ignore[name-defined]
    out: dict[str, list[str]] = {}
    for report in result.reports:
        name = Path(report.source).name
        out[name] = [str(f).removeprefix(".claude/agents/") for f in report.findings]
    return out


def test_without_lenient_each_is_an_error_and_nothing_is_written(
    messy: Path, tmp_path: Path
) -> None:
    result = api.import_(messy, tmp_path / "pack")
    assert result.failed
    assert not result.written
    found = _findings(result)
    for name, (_, error, warning) in MESSY.items():
        assert found[name] == [error or warning]
    assert not (tmp_path / "pack").exists()


def test_lenient_repairs_each_with_a_warning(messy: Path, tmp_path: Path) -> None:
    result = api.import_(messy, tmp_path / "pack", lenient=True)
    assert not result.failed
    found = _findings(result)
    for name, (_, _, warning) in MESSY.items():
        assert found[name] == [warning]
    pack = api.load_pack(tmp_path / "pack")
    assert {a.name for a in pack.agents} == {
        "colon",
        "tagged",
        "tabs",
        "unclosed",
        "examples",
        "fine",
    }
    examples = pack.agent("examples")
    assert examples is not None
    assert examples.description == (
        'Use it to review.\\n\\n<example>\nContext: a diff\nuser: "Review this"\n'
        'assistant: "I will use the examples agent"\n</example>'
    )
    assert examples.model is not None
    assert examples.model.alias == "opus"
    colon = pack.agent("colon")
    assert colon is not None
    assert colon.description == "Use when: the build breaks"
    tagged = pack.agent("tagged")
    assert tagged is not None
    assert tagged.description == "[beta] Reviews code"
    unclosed = pack.agent("unclosed")
    assert unclosed is not None
    assert unclosed.body == "# Heading\n\nBody text.\n"
    tabs = pack.agent("tabs")
    assert tabs is not None
    assert tabs.policy is not None
    assert tabs.policy.decide("read").name == "ALLOW"


def test_a_bracketed_argument_hint_is_read_as_written(tmp_path: Path) -> None:
    """``argument-hint: [message]`` (as Claude Code's docs write it) is a YAML list."""
    folder = tmp_path / "in" / ".claude" / "commands"
    folder.mkdir(parents=True)
    (folder / "commit.md").write_text(
        "---\nargument-hint: [message]\ndescription: Commit\n---\nCommit: $ARGUMENTS\n"
    )
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed
    (command,) = api.load_pack(tmp_path / "pack").commands
    assert command.argument_hint == "[message]"
    assert any(a.startswith("argument-hint") for r in result.reports for a in r.approximated)


def test_values_yaml_reads_as_dates_binary_or_nan_come_in_as_text(tmp_path: Path) -> None:
    """``created: 2024-01-01`` (or a timestamp, ``!!binary``, ``.nan``) in a field of a
    tool's file stopped the import with a traceback."""
    src = tmp_path / "src" / ".claude"
    files = {
        "agents/planner.md": "---\nname: planner\ndescription: d\ncreated: 2024-01-01\n"
        "icon: !!binary aGVsbG8=\nscore: .nan\n---\nPlan.\n",
        "commands/ship.md": "---\ndescription: Ship\nlast-reviewed: 2025-03-01 10:00:00\n---\nx\n",
        "skills/s/SKILL.md": "---\nname: s\ndescription: d\nmetadata:\n  updated: 2024-06-30\n"
        "---\nBody\n",
    }
    for rel, text in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    result = api.import_(src, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    (skill,) = api.load_pack(tmp_path / "pack").skills
    assert dict(skill.metadata) == {"updated": "2024-06-30"}


@pytest.mark.parametrize(
    ("rel", "text", "said"),
    [
        (
            ".claude/agents/x.md",
            "---\nname: x\ndescription: [reviews, code]\n---\nx\n",
            "description: expected text, not a list; write it as text",
        ),
        (
            ".codex/agents/a.toml",
            'name = "a"\ndescription = "d"\ndeveloper_instructions = { text = "hi" }\n',
            "developer_instructions: expected text; write it as a string",
        ),
        (
            ".claude/agents/y.md",
            "---\nname: y\ndescription: d\n2024-01-01: released\n---\nx\n",
            "-: the value 2024-01-01 is used as a key; keys must be text, quote it",
        ),
    ],
)
def test_a_value_of_another_kind_is_an_error_not_its_python_spelling(
    tmp_path: Path, rel: str, text: str, said: str
) -> None:
    """A list where a tool takes text came in as Python's ``"['reviews', 'code']"``."""
    (tmp_path / "src" / rel).parent.mkdir(parents=True)
    (tmp_path / "src" / rel).write_text(text)
    result = api.import_(tmp_path / "src", tmp_path / "pack")
    (error,) = [f for r in result.reports for f in r.findings if f.is_error]
    assert f"{error.field}: {error.message}".startswith(said)
    assert not (tmp_path / "pack" / "agents").exists()


def test_a_list_of_models_where_one_is_taken_is_dropped(tmp_path: Path) -> None:
    agent = tmp_path / "src" / ".claude" / "agents" / "x.md"
    agent.parent.mkdir(parents=True)
    agent.write_text("---\nname: x\ndescription: d\nmodel: [sonnet, opus]\n---\nx\n")
    result = api.import_(tmp_path / "src", tmp_path / "pack")
    assert any(d.startswith('model (["sonnet", "opus"]') for r in result.reports for d in r.dropped)
    loaded = api.load_pack(tmp_path / "pack").agent("x")
    assert loaded is not None
    assert loaded.model is None


@pytest.mark.parametrize(
    ("rel", "text", "said"),
    [
        (
            "opencode.json",
            '{"agent": {"rev": {"description": "d", "permission": {"bash": {"*": "maybe"}}}}}',
            "permission.bash.*: 'maybe' is not allow, ask or deny",
        ),
        (
            ".claude/settings.json",
            '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "-: cannot read this JSON: nested too deeply",
        ),
        (
            ".codex/agents/a.toml",
            'name = "a"\ndescription = "d"\nx = ' + "[" * 5_000 + "]" * 5_000 + "\n",
            "-: cannot read this TOML: nested too deeply to read",
        ),
    ],
)
def test_a_file_its_tool_refuses_is_a_one_line_error(
    tmp_path: Path, rel: str, text: str, said: str
) -> None:
    """A permission opencode does not have, or arrays nested 100,000 deep, stopped the
    import with a traceback."""
    (tmp_path / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "src" / rel).write_text(text)
    if rel.startswith(".claude"):
        (tmp_path / "src" / ".claude" / "agents").mkdir()
        (tmp_path / "src" / ".claude" / "agents" / "x.md").write_text("---\nname: x\n---\nx\n")
    result = api.import_(tmp_path / "src", tmp_path / "pack")
    errors = [f"{f.field}: {f.message}" for r in result.reports for f in r.findings if f.is_error]
    assert [e for e in errors if e.startswith(said)], errors


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        (
            ".claude-plugin/marketplace.json",
            '{"name": "m", "owner": {"name": "o"}, "plugins": [{"name": "p", "source": '
            '"https://github.com/a/b.git"}]}',
        ),
        ("opencode.json", '{"agent": {"rev": "a prompt"}}'),
    ],
)
def test_an_import_that_reads_nothing_a_pack_holds_writes_nothing(
    tmp_path: Path, rel: str, text: str
) -> None:
    """A marketplace of remote plugins only, or an opencode agent that is no object, read
    nothing and still made an empty pack, exit 0."""
    (tmp_path / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "src" / rel).write_text(text)
    result = api.import_(tmp_path / "src", tmp_path / "pack")
    assert result.failed
    errors = [f.message for r in result.reports for f in r.findings if f.is_error]
    errors += [f.message for f in result.findings if f.is_error]
    assert [e for e in errors if "nothing" in e.split(";")[0]], errors
    assert not (tmp_path / "pack").exists()
    assert [d for r in result.reports for d in r.dropped]  # each said why
