"""An import either gives a pack that validates and exports, or writes nothing at all.

Native trees are generated: Claude Code and opencode agents and commands with names, models,
tools, modes and fields of every kind, some of them broken (bad YAML, a missing
description, a name two files share, a bare model name), imported into a new pack or over
an existing one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agentpack import api

NAMES = st.sampled_from(["a", "b", "Helper One", "dup", "x_y", "日本", "team/sub"])
MODELS = st.sampled_from(
    ["", "sonnet", "claude-4-sonnet", "anthropic/claude-sonnet-5", "gpt-5", "my model", "opus"]
)
CLAUDE_TOOLS = st.lists(
    st.sampled_from(["Read", "Bash", "Bash(git:*)", "Write", "mcp__gh", "Nope", "TodoWrite"]),
    max_size=4,
)
FIELDS = st.sampled_from(
    [
        "",
        "color: blue\n",
        "color: '#123456'\n",
        "mode: primary\n",
        "maxTurns: 3\n",
        "argument-hint: [a] [b]\n",
        "description: Use it: now\n",
        "tools:\n\t- Read\n",
        "temperature: 9\n",
        "hidden: true\n",
        "permission:\n  bash: ask\n",
    ]
)


@st.composite
def claude_agent(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(NAMES)
    tools = draw(CLAUDE_TOOLS)
    head = f"name: {name}\n" if draw(st.booleans()) else ""
    if draw(st.booleans()):
        head += "description: Does things.\n"
    if tools:
        head += f"tools: {', '.join(tools)}\n"
    model = draw(MODELS)
    head += f"model: {model}\n" if model else ""
    head += draw(FIELDS)
    file = draw(st.sampled_from(["a", "b", "dup", "Odd Name"])) + ".md"
    return file, f"---\n{head}---\nBody of {name}.\n"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    agents=st.lists(claude_agent(), min_size=1, max_size=4, unique_by=lambda a: a[0]),
    command=st.sampled_from(["", "---\ndescription: Go\n---\nGo $0.\n", "---\n: bad\n---\n"]),
    existing=st.booleans(),
)
def test_an_import_validates_or_writes_nothing(
    agents: list[tuple[str, str]],
    command: str,
    existing: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    work = tmp_path_factory.mktemp("imp")
    tree = work / ".claude"
    (tree / "agents").mkdir(parents=True)
    for file, text in agents:
        (tree / "agents" / file).write_text(text, encoding="utf-8")
    if command:
        (tree / "commands").mkdir()
        (tree / "commands" / "go.md").write_text(command, encoding="utf-8")
    pack = work / "pack"
    if existing:
        api.init(pack)
    before = _files(work)
    result = api.import_(tree, pack)
    after = _files(work)
    event("failed" if result.failed else "imported")
    if result.failed:
        assert after == before  # not one file written
        assert not result.written
        return
    assert api.validate(pack).ok
    api.export(pack)
    assert (pack / "dist" / "manifest.json").is_file()
    shutil.rmtree(pack / "dist")


@pytest.mark.parametrize("settings", ["command: node\n", "port: 3000\n"])
def test_a_servers_file_where_the_pack_reads_its_items_writes_nothing(
    tmp_path: Path, settings: str
) -> None:
    """``.opencode/mcp/kb.yaml``, the settings a server ``kb`` runs with, would be the
    pack's ``mcp/kb.yaml``, the server itself: the import wrote part of the pack and then
    said it wrote nothing (or failed on a file the user never wrote). It writes nothing,
    and says which file and what to do."""
    src = tmp_path / "src"
    (src / ".opencode" / "mcp").mkdir(parents=True)
    (src / ".opencode" / "mcp" / "kb.js").write_text("run()\n")
    (src / ".opencode" / "mcp" / "kb.yaml").write_text(settings)
    (src / "opencode.json").write_text(
        '{"mcp": {"kb": {"type": "local", "command": '
        '["node", ".opencode/mcp/kb.js", "--config", ".opencode/mcp/kb.yaml"]}}}'
    )
    result = api.import_(src / "opencode.json", tmp_path / "pack")
    assert result.failed
    assert [(f.path, f.is_error) for f in result.findings] == [("mcp/kb.yaml", True)]
    assert "where the pack reads its own items" in result.findings[0].message
    assert not (tmp_path / "pack").exists()


def test_an_import_that_finds_nothing_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file no tool reads (a Copilot ``mcp-config.json`` outside ``.copilot/``, any
    JSON) gave an empty new pack and exit 0."""
    from agentpack.cli import main

    (tmp_path / "other.json").write_text('{"x": 1}')
    result = api.import_(tmp_path / "other.json", tmp_path / "pack")
    assert result.failed
    assert not result.written
    assert not (tmp_path / "pack").exists()
    assert main(["import", str(tmp_path / "other.json"), "--pack", str(tmp_path / "pack")]) == 1
    assert "nothing here is an agent, command, skill, MCP server or hook" in capsys.readouterr().err
    assert not (tmp_path / "pack").exists()
