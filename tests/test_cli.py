"""The command line: every option and exit code, through CliRunner and a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentpack import api
from agentpack.cli import cli, main
from tests.conftest import MANIFEST, ROOT, MakePack


def run(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, list(args), standalone_mode=False, catch_exceptions=False)
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return code, result.stdout, result.stderr


def test_main_maps_results_to_exit_codes(
    make_pack: MakePack, capsys: pytest.CaptureFixture[str]
) -> None:
    good = make_pack({"agents/a.md": "---\nname: a\ndescription: d\n---\n"})
    assert main(["validate", "--pack", str(good)]) == 0
    (good / "agents" / "a.md").write_text("---\nname: b\ndescription: d\n---\n")
    assert main(["validate", "--pack", str(good)]) == 1
    assert main(["validate", "--pack", str(good / "nope")]) == 2
    assert main(["validate", "--frobnicate"]) == 2
    assert main(["--version"]) == 0
    out = capsys.readouterr()
    assert "agentpack, version" in out.out
    assert "Traceback" not in out.err


def test_validate_text_prints_one_line_per_finding(make_pack: MakePack) -> None:
    root = make_pack(
        {
            "agents/a.md": "---\nname: b\ndescription: d\n---\n",
            "agents/c.md": "---\nname: c\ndescription: d\nmode: main\n---\n",
        }
    )
    code, out, err = run("validate", "--pack", str(root))
    assert code == 1
    assert out.splitlines() == [
        "agents/a.md:2:7: error: name: the name 'b' differs from the file name 'a'; rename one "
        "so they match",
        "agents/c.md:4:7: error: mode: 'main' is not allowed here; use one of: subagent, primary, "
        "all",
    ]
    assert "2 errors, 0 warnings" in err


def test_validate_json(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": "---\nname: a\ndescription: d\nmode: main\n---\n"})
    code, out, _ = run("validate", "--pack", str(root), "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {
            "path": "agents/a.md",
            "line": 4,
            "col": 7,
            "severity": "error",
            "field": "mode",
            "message": "'main' is not allowed here; use one of: subagent, primary, all",
        }
    ]


def test_validate_reference_pack_from_its_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("validate")
    assert code == 0
    # the warning kinds: where a target narrows an agent's tools, or leaves the agent out,
    # and where a tool cannot run the pack's guard hook (Cursor, the Agent Plugins bundle), or
    # runs it only once its user trusts it (Codex)
    assert {line.split(": warning: ")[1].split(": ")[2] for line in out.splitlines()} == {
        "narrowed",
        "unguarded",
    }
    assert "5 agents, 2 commands, 1 skill, 1 MCP server, 1 hook; 0 errors, 13 warnings" in err


def test_without_a_pack_here_the_bundled_pack_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("validate")
    assert code == 0
    assert "5 agents" in err


def test_missing_manifest_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--pack", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        f"agentpack: {tmp_path.resolve()}: no agentpack.yaml here; run 'agentpack init' to start "
        "a pack, or pass --pack DIR"
    )


def test_list_text_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run("list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "KIND", "MODE", "MODEL", "TARGETS", "TOOLS"]
    assert any(line.startswith("backend-staff ") for line in lines)
    code, out, _ = run("list", "--format", "json")
    assert len(out.splitlines()) == 1  # not a terminal: one line
    rows = json.loads(out)
    staff = next(r for r in rows if r["name"] == "backend-staff")
    assert staff["kind"] == "agent"
    assert staff["targets"] == ["claude", "opencode", "codex", "copilot", "cursor", "agentplugins"]
    assert staff["tools"]["allow"][:2] == ["bash", "glob"]  # data, not a formatted line
    assert staff["tools"]["deny"] == ["notebook"]
    skill = next(r for r in rows if r["kind"] == "skill")
    assert (skill["mode"], skill["model"], skill["tools"]) == (None, None, None)
    assert {r["kind"] for r in rows} == {"agent", "command", "skill"}


def test_list_of_an_invalid_pack_fails_with_findings(
    make_pack: MakePack, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack({"agents/a.md": "---\nname: b\ndescription: d\n---\n"})
    assert main(["list", "--pack", str(root)]) == 1
    assert "agents/a.md:2:7: error: name:" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["manifest", "agent", "command", "skill", "server", "hook"])
def test_schema_prints_json(kind: str) -> None:
    code, out, _ = run("schema", kind)
    assert code == 0
    assert json.loads(out)["title"].startswith("agentpack")


def test_schema_unknown_kind_is_a_usage_error() -> None:
    assert main(["schema", "nonsense"]) == 2


def test_init_writes_a_valid_pack_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "My Pack"
    assert main(["init", str(folder)]) == 0
    assert "name: my-pack" in (folder / "agentpack.yaml").read_text()
    for rel in ("agentpack.yaml", "agents/reviewer.md", "commands/review.md"):
        text = (folder / rel).read_text()
        modeline = text.splitlines()[0 if rel.endswith("yaml") else 1]
        assert modeline.startswith("# yaml-language-server: $schema=")
    assert (folder / "schemas" / "agent.schema.json").is_file()
    assert main(["validate", "--pack", str(folder)]) == 0
    capsys.readouterr()
    assert main(["init", str(folder)]) == 2
    assert "already exists; init never overwrites" in capsys.readouterr().err


def test_schema_modelines_resolve_from_each_file(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    for rel in ("agentpack.yaml", "agents/reviewer.md", "commands/review.md"):
        path = tmp_path / rel
        line = next(x for x in path.read_text().splitlines() if "$schema=" in x)
        assert (path.parent / line.split("$schema=")[1]).resolve().is_file()


def test_internal_errors_exit_3_with_a_request_to_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from agentpack import api

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "validate", boom)
    assert main(["validate"]) == 3
    err = capsys.readouterr().err
    assert "RuntimeError: boom" in err
    assert "this is a bug in agentpack, please report it" in err


def test_real_entry_point_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agentpack", "validate", "--pack", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "0 errors" in result.stderr


def test_the_command_flushes_all_its_output_and_keeps_its_exit_code(tmp_path: Path) -> None:
    """``run`` leaves with ``os._exit``: nothing printed may be lost, no code changed."""
    listed = subprocess.run(
        [sys.executable, "-m", "agentpack", "export", "--dry-run", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["targets"]
    (tmp_path / "agentpack.yaml").write_text("name: broken\nversion: 1\n")
    failed = subprocess.run(
        [sys.executable, "-m", "agentpack", "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stderr.rstrip().endswith("warnings")


def test_every_name_of_the_api_resolves() -> None:
    from agentpack import api

    for name in api.__all__:
        assert getattr(api, name) is not None
    with pytest.raises(AttributeError):
        api.nothing_of_that_name  # noqa: B018


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys, agentpack.cli; agentpack.cli.main(['--help']);"
        "print(sorted(m for m in ('jsonschema', 'yaml', 'agentpack.api') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


# -- a new user's first ten minutes (issue: a fresh machine and a new user) -----------------


def test_help_shows_whole_summaries_and_examples() -> None:
    code, out, _ = run("--help")
    assert code == 0
    commands = out.split("Commands:")[1].split("Examples:")[0]
    assert "..." not in commands
    assert "agentpack export --check" in out.split("Examples:")[1]


def test_from_a_subfolder_the_pack_around_it_is_used(
    make_pack: MakePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_pack({"agents/a.md": "---\nname: a\ndescription: d\n---\nx\n"})
    monkeypatch.chdir(root / "agents")
    code, _, err = run("export")
    assert code == 0, err
    assert (root / "dist" / "claude" / "agents" / "a.md").is_file()
    assert not (root / "agents" / "dist").exists()
    assert "bundled" not in err


def test_the_bundled_pack_is_announced_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("validate")
    assert code == 0
    assert err.count("using the reference pack bundled with agentpack") == 1


def test_counts_are_in_words_a_person_writes(make_pack: MakePack) -> None:
    root = make_pack(
        {"agents/a.md": "---\nname: a\ndescription: d\n---\nx\n"},
        manifest=MANIFEST + "targets: [claude, opencode]\n",
    )
    code, _, err = run("validate", "--pack", str(root))
    assert code == 0
    assert "1 agent, 0 commands, 0 skills; 0 errors, 0 warnings" in err
    run("export", "--pack", str(root))
    (root / "agents" / "a.md").write_text("---\nname: a\ndescription: e\n---\nx\n")
    _, _, err = run("export", "--pack", str(root))
    assert "wrote 3 files" in err  # the agent for each target, and the plugin's README
    (root / "agents" / "a.md").write_text("---\nname: a\ndescription: e\n---\ny\n")
    _, _, err = run("export", "--pack", str(root))
    assert "wrote 2 files" in err
    (root / "agents" / "a.md").write_text("---\nname: a\ndescription: e\n---\nz\n")
    _, _, err = run("export", "--tool", "opencode", "--pack", str(root))
    assert "wrote 1 file " in err


def test_no_colour_for_pipes_and_with_no_color(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": "---\nname: b\ndescription: d\n---\n"})
    code, out, _ = run("validate", "--pack", str(root))
    assert code == 1
    assert "\x1b[" not in out  # CliRunner is not a terminal


def test_colour_on_a_terminal_unless_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from agentpack import cli
    from agentpack.errors import Finding, Severity

    finding = Finding("a.md", 1, 1, Severity.ERROR, "name", "bad")
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert "\x1b[31merror\x1b[0m" in cli.finding_line(finding)
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli.finding_line(finding) == "a.md:1:1: error: name: bad"


def test_a_claude_style_tools_line_names_the_canonical_form(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": "---\nname: a\ndescription: d\ntools: Read, Grep\n---\n"})
    code, out, _ = run("validate", "--pack", str(root))
    assert code == 1
    assert "tools: {allow: [read, grep]}" in out


def test_targets_say_what_each_writes_where() -> None:
    code, out, _ = run("targets")
    assert code == 0
    assert "claude: Claude Code" in out
    assert "install: ~/.claude/" in out
    assert "opencode: opencode" in out
    code, out, _ = run("targets", "--format", "json")
    claude = next(t for t in json.loads(out) if t["name"] == "claude")
    assert claude["imports"] is True
    assert any("plugin.json" in line for line in claude["writes"])


def test_validate_shows_every_warning_an_export_shows_at_its_field(make_pack: MakePack) -> None:
    root = make_pack(
        {
            "agents/a.md": "---\nname: a\ndescription: d\ntools:\n  allow: [read]\n"
            "  ask: [webfetch]\n---\nx\n"
        }
    )
    validated = api.validate(root).findings
    exported = api.export(root).findings
    assert [str(f) for f in validated] == [str(f) for f in exported]
    warning = next(f for f in validated if f.field == "tools.webfetch")
    assert (warning.line, warning.col) == (6, 9)  # the entry that names webfetch
    _, out, err = run("validate", "--pack", str(root))
    assert "agents/a.md:6:9: warning: tools.webfetch: claude: narrowed" in out
    assert f"{len(validated)} warnings" in err


def test_an_export_prints_at_most_a_hundred_warnings(make_pack: MakePack) -> None:
    """An export repeats its warnings every time; past a hundred it says how many more
    there are and where to see them (validate lists every one)."""
    agents = {
        f"agents/a{i}.md": f"---\nname: a{i}\ndescription: d\ntools:\n  allow: [read]\n---\nx\n"
        for i in range(40)
    }
    root = make_pack(agents)
    code, _, err = run("export", "--pack", str(root))
    assert code == 0
    lines = err.splitlines()
    assert sum(": warning: " in line for line in lines) == 100
    assert any(re.match(r"\.\.\. and \d+ more warnings: 'agentpack validate'", x) for x in lines)
    code, out, _ = run("validate", "--pack", str(root))
    assert sum(": warning: " in line for line in out.splitlines()) > 100


@pytest.mark.parametrize("case", ["link loop", "manifest folder", "pipe", "init under a file"])
def test_the_file_systems_refusals_are_one_line(
    case: str, make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A loop of links in ``agents/``, an ``agentpack.yaml`` that is a folder, or ``init``
    where a folder cannot be made gave a traceback ("internal error"); a named pipe where an
    agent should be made validate wait forever."""
    root = make_pack({"agents/a.md": "---\nname: a\ndescription: d\n---\n"})
    args = ["validate", "--pack", str(root)]
    if case == "link loop":
        (root / "agents" / "self.md").symlink_to("self.md")
    elif case == "manifest folder":
        (root / "agentpack.yaml").unlink()
        (root / "agentpack.yaml").mkdir()
    elif case == "pipe":
        os.mkfifo(root / "agents" / "pipe.md")
    else:
        (tmp_path / "a-file").write_text("x\n")
        args = ["init", str(tmp_path / "a-file" / "pack")]
    code = main(args)
    err = capsys.readouterr().err
    assert code in (1, 2), err
    assert "Traceback" not in err
    assert "internal error" not in err
    lines = [line for line in err.splitlines() if "error" in line or line.startswith("agentpack:")]
    assert len(lines) == 1, err
