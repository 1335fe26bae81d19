"""`agentpack explain`: per tool, what the source says and what each target enforces."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from agentpack import api
from agentpack.cli import cli, main
from tests.conftest import ROOT, MakePack

FULL = ROOT / "tests" / "packs" / "full"


def rows(name: str) -> dict[str, tuple[str, dict[str, str], tuple[str, ...]]]:
    result = api.explain(name, FULL)
    return {r.tool: (r.source, r.targets, r.narrowed) for r in result.rows}


def test_ask_is_narrowed_for_claude_and_kept_for_opencode() -> None:
    assert rows("everything")["edit"] == ("ask", {"claude": "deny", "opencode": "ask"}, ("claude",))


def test_bash_patterns_per_target() -> None:
    source, targets, narrowed = rows("everything")["bash"]
    assert source == "rm *: deny, git diff *: allow, git status*: allow; else ask"
    # neither can hold a script to patterns: bash is denied whole
    denied = "rm *: deny, git diff *: deny, git status*: deny; else deny"
    assert (targets["claude"], targets["opencode"]) == (denied, denied)
    assert narrowed == ("claude", "opencode")


def test_tools_a_target_lacks_show_a_dash() -> None:
    _, targets, _ = rows("everything")["list"]
    assert (targets["claude"], targets["opencode"]) == ("-", "allow")
    _, targets, _ = rows("readonly")["notebook"]
    assert (targets["claude"], targets["opencode"], targets["codex"]) == ("deny", "-", "-")


def test_inherit_is_said() -> None:
    result = api.explain("inheritor", FULL)
    assert result.inherit
    assert {r.targets["claude"] for r in result.rows} == {"inherit"}


def test_mcp_rows_and_the_default_row() -> None:
    table = rows("everything")
    assert table["mcp:github"][1] == {"claude": "allow", "opencode": "allow"}
    assert table["mcp:github/delete_repo"][1] == {"claude": "deny", "opencode": "deny"}
    assert table["(others)"] == ("deny", {"claude": "deny", "opencode": "deny"}, ())


def test_cli_text_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["explain", "everything", "--pack", str(FULL)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split() == ["TOOL", "SOURCE", "claude", "opencode"]
    assert "deny (narrowed)" in result.output
    assert "claude: narrowed: agent 'everything', tool edit" in result.output
    result = runner.invoke(cli, ["explain", "everything", "--pack", str(FULL), "--format", "json"])
    data = json.loads(result.output)
    assert data["agent"] == "everything"
    assert {t["tool"] for t in data["tools"]} >= {"read", "bash", "mcp:github", "(others)"}


def test_unknown_agent_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "nobody", "--pack", str(FULL)]) == 2
    assert "no agent named 'nobody'" in capsys.readouterr().err


def test_export_cli_check_exit_codes(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil
    from pathlib import Path

    root = Path(str(tmp_path)) / "pack"
    shutil.copytree(FULL, root)
    assert main(["export", "--pack", str(root), "--check"]) == 1
    out = capsys.readouterr()
    assert "files differ from the pack" in out.err
    assert main(["export", "--pack", str(root)]) == 0
    assert "wrote" in capsys.readouterr().err
    assert main(["export", "--pack", str(root), "--check"]) == 0
    (root / "agents" / "inheritor.md").write_text(
        "---\nname: inheritor\ndescription: changed\n---\nx\n"
    )
    assert main(["export", "--pack", str(root), "--dry-run"]) == 0
    out = capsys.readouterr()
    assert "changed: dist/claude/agents/inheritor.md" in out.out
    assert main(["export", "--pack", str(root), "--check"]) == 1
    assert "-description: No tools line" in capsys.readouterr().out
    assert main(["export", "--pack", str(root), "--tool", "gemini"]) == 2
    assert "unknown target 'gemini'" in capsys.readouterr().err


def test_export_json(tmp_path: object) -> None:
    import shutil
    from pathlib import Path

    root = Path(str(tmp_path)) / "pack"
    shutil.copytree(FULL, root)
    result = CliRunner().invoke(cli, ["export", "--pack", str(root), "--format", "json"])
    data = json.loads(result.output)
    assert data["targets"] == ["claude", "opencode", "codex", "copilot", "cursor"]
    assert "claude/agents/everything.md" in data["written"]
    assert any(f["severity"] == "warning" for f in data["findings"])


def test_targets_lists_builtins() -> None:
    result = CliRunner().invoke(cli, ["targets"])
    assert result.exit_code == 0
    assert result.output.startswith("claude")
    assert "opencode" in result.output


def test_warnings_stand_at_their_fields_and_a_wide_cell_is_printed_whole_below() -> None:
    """explain placed every warning at 1:1 where validate gives the field's line; a real
    opencode agent's 30 bash patterns made each row 4,000 characters wide."""
    result = CliRunner().invoke(cli, ["explain", "everything", "--pack", str(FULL)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    warnings = [line for line in lines if ": warning: " in line]
    assert warnings
    assert not [w for w in warnings if w.startswith("agents/everything.md:1:1:")]
    table = lines[: next(i for i, line in enumerate(lines) if line.startswith("bash ("))]
    assert max(len(line) for line in table) < 200
    assert any(line.startswith("bash (source): rm *: deny, git diff *: allow") for line in lines)


def test_a_cut_cell_keeps_its_narrowed_mark() -> None:
    result = CliRunner().invoke(cli, ["explain", "everything", "--pack", str(FULL)])
    (bash,) = [x for x in result.output.splitlines() if x.startswith("bash ") and x[5] != "("]
    assert "... (narrowed)" in bash


def test_a_target_that_takes_no_agents_shows_a_decision_not_none(make_pack: MakePack) -> None:
    """The Agent Plugins bundle takes no agents: its bash cell said ``rm *: None; else None``."""
    root = make_pack(
        {"agents/a.md": "---\nname: a\ndescription: d\ntools:\n  bash: {'rm *': deny}\n---\nx\n"},
        manifest="name: p\nversion: 1.0.0\ndescription: d\ntargets: [claude, agentplugins]\n",
    )
    found = {r.tool: r.targets for r in api.explain("a", root).rows}
    assert found["bash"]["agentplugins"] == "deny"
    assert not any("None" in cell for cells in found.values() for cell in cells.values())


def test_opencode_cells_see_the_packs_servers(make_pack: MakePack) -> None:
    """opencode names a tool ``<server>_<tool>``: with the pack's servers ``corpus`` and
    ``corpus_search``, a rule for corpus_search's tools would also give corpus some, so
    the file denies them; explain says what the file gives, not what it would give in a
    pack without corpus."""
    root = make_pack(
        {
            "mcp/corpus.yaml": "description: d\ncommand: corpus\n",
            "mcp/corpus_search.yaml": "description: d\ncommand: search\n",
            "agents/finder.md": "---\nname: finder\ndescription: d\ntools:\n"
            "  allow: [read, 'mcp:corpus_search']\n---\nbody\n",
        },
        manifest="name: p\nversion: 1.0.0\ndescription: d\ntargets: [opencode]\n",
    )
    table = {r.tool: r for r in api.explain("finder", root).rows}
    assert table["mcp:corpus_search"].source == "allow"
    assert table["mcp:corpus_search"].targets == {"opencode": "deny"}
    assert table["mcp:corpus_search"].narrowed == ("opencode",)
