"""The command line: every option and exit code, through CliRunner and a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from agentpack.cli import cli, main
from tests.conftest import ROOT, MakePack


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
    assert (code, out) == (0, "")
    assert "5 agents, 2 commands, 1 skill; 0 errors, 0 warnings" in err


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
    assert staff["targets"] == ["claude", "opencode"]
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


@pytest.mark.parametrize("kind", ["manifest", "agent", "command", "skill"])
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
