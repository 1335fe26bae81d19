"""The pip route: the wheel carries the schemas and the reference pack, and works with no
checkout around (issue: a dev container gets its agents from `pip install` alone)."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from agentpack.targets import BUILTIN
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return next(out.glob("agentpack_gen-*.whl"))


def test_wheel_carries_schemas_and_reference_pack(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("manifest", "agent", "command", "skill"):  # composed at run time
        assert f"agentpack/schema/core/{kind}.json" in names
        assert f"agentpack/_validators/{kind}.py" in names
    for target in BUILTIN:
        assert f"agentpack/targets/{target}/schema.json" in names
    assert "agentpack/_data/pack/agentpack.yaml" in names
    for agent in (ROOT / "agents").glob("*.md"):
        assert f"agentpack/_data/pack/agents/{agent.name}" in names
    assert "agentpack/_data/pack/skills/api-design-checklist/templates/error-response.json" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "agentpack = agentpack.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=True)
    subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    return env / "bin"


def test_validate_and_export_the_bundled_pack_outside_the_tree(
    installed: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [str(installed / "agentpack"), "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "5 agents, 2 commands, 1 skill, 1 MCP server, 1 hook; 0 errors" in result.stderr
    result = subprocess.run(
        [str(installed / "agentpack"), "export"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dist" / "claude" / "agents" / "backend-staff.md").is_file()
    assert (tmp_path / "dist" / "opencode" / "agents" / "backend-staff.md").is_file()
    shipped = (ROOT / "dist" / "claude" / "agents" / "backend-staff.md").read_bytes()
    assert (tmp_path / "dist" / "claude" / "agents" / "backend-staff.md").read_bytes() == shipped


def test_schema_command_reads_the_bundled_schema(installed: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(installed / "agentpack"), "schema", "agent"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (ROOT / "schemas" / "agent.schema.json").read_text() == result.stdout


def test_install_the_bundled_pack_into_a_temporary_home(installed: Path, tmp_path: Path) -> None:
    import os

    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    env.pop("CLAUDE_CONFIG_DIR", None)
    result = subprocess.run(
        [str(installed / "agentpack"), "install", "--tool", "claude", "--scope", "user"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    agents = sorted(p.name for p in (home / ".claude" / "agents").iterdir())
    assert agents == sorted(p.name for p in (ROOT / "agents").glob("*.md"))
    assert (home / ".claude" / "skills" / "api-design-checklist" / "checklist.md").is_file()
    result = subprocess.run(
        [str(installed / "agentpack"), "uninstall", "--tool", "claude", "--scope", "user"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert list(home.iterdir()) == []


def test_export_any_pack_with_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "tests" / "packs" / "full", pack)
    result = subprocess.run(
        [str(installed / "agentpack"), "export", "--pack", str(pack)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (pack / "dist" / "opencode" / "agents" / "everything.md").is_file()
    assert (pack / ".claude-plugin" / "marketplace.json").is_file()
