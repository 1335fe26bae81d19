"""The portable bundle, held to the Agent Plugins 1.0.0 specification's rules (sections 5,
7.1, 7.2): no client of it runs here, so each rule the specification states is a test."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from agentpack import api
from tests.conftest import ROOT
from tests.lab import mcp_pack

PLUGIN_KEYS = {"$schema", "name", "version", "description", "author", "homepage"}
PLUGIN_KEYS |= {"repository", "license", "keywords", "extensions"}
NAME = re.compile(r"^(?!.*(--|\.\.))[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
STDIO = {"type", "command", "args", "env", "cwd"}
REMOTE = {"type", "url", "headers"}
SKILL_KEYS = {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}


def _bundle(root: Path) -> Path:
    """The bundle of the pack at ``root``, built as a pack that lists the target would."""
    manifest = root / "agentpack.yaml"
    text = manifest.read_text()
    if "agentplugins" not in text:  # a target named but not listed builds only what names it
        manifest.write_text(re.sub(r"(?m)^targets: .*\n", "", text) + "targets: [agentplugins]\n")
    api.export(root, ["agentplugins"])
    (plugin,) = (root / "dist" / "agentplugins").iterdir()
    return plugin


def _check_plugin(plugin: Path) -> dict[str, Any]:
    manifest = json.loads((plugin / "plugin.json").read_text())
    assert set(manifest) <= PLUGIN_KEYS
    assert manifest["$schema"] == "https://agent-plugins.org/schemas/1.0.0/plugin.schema.json"
    assert 1 <= len(manifest["name"]) <= 64
    assert NAME.match(manifest["name"])
    assert set(manifest.get("author", {})) <= {"name", "email", "url"}
    assert all(isinstance(v, str) for v in manifest.get("author", {}).values())
    for folder in (plugin / "skills").iterdir() if (plugin / "skills").is_dir() else ():
        text = (folder / "SKILL.md").read_text()
        fields = yaml.safe_load(text.split("---\n")[1])
        assert set(fields) <= SKILL_KEYS, folder.name
        assert fields["name"] == folder.name
    return manifest


@pytest.mark.parametrize("pack", [ROOT, ROOT / "tests" / "packs" / "full"], ids=["ref", "full"])
def test_the_manifest_and_skills_are_what_the_specification_allows(
    pack: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(pack, tmp_path / "pack", ignore=_no_dist))
    plugin = _bundle(root)
    _check_plugin(plugin)
    assert {p.name for p in plugin.iterdir()} <= {"mcp.json", "plugin.json", "skills"}


def _no_dist(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n in ("dist", "tests", ".git", "bench")]


def test_a_server_the_client_can_start_is_in_mcp_json_with_its_script(tmp_path: Path) -> None:
    root = mcp_pack(tmp_path / "pack")
    plugin = _bundle(root)
    _check_plugin(plugin)
    config = json.loads((plugin / "mcp.json").read_text())
    assert set(config) == {"$schema", "mcpServers"}
    assert config["$schema"] == "https://agent-plugins.org/schemas/1.0.0/mcp.schema.json"
    server = config["mcpServers"]["echo"]
    assert set(server) <= STDIO
    assert server == {
        "type": "stdio",
        "command": "python3",
        "args": ["${PLUGIN_ROOT}/servers/echo.py"],
    }
    assert (plugin / "servers" / "echo.py").read_bytes() == (
        root / "servers" / "echo.py"
    ).read_bytes()


def test_what_needs_the_users_variables_is_left_out_and_said(tmp_path: Path) -> None:
    """No client expands ${NAME} in mcp.json: a token the server needs cannot reach it, so
    the server is not written; agents, commands and hooks are not portable components."""
    root = Path(shutil.copytree(ROOT, tmp_path / "pack", ignore=_no_dist))
    result = api.export(root, ["agentplugins"])
    plugin = next((root / "dist" / "agentplugins").iterdir())
    assert not (plugin / "mcp.json").exists()
    said = [str(f) for f in result.findings if ": agentplugins: " in str(f)]
    assert any("GITHUB_PERSONAL_ACCESS_TOKEN" in s and s.startswith("mcp/") for s in said)
    assert any(s.startswith("hooks/guard-shell.yaml") for s in said)
    assert any(s.startswith("agents/") and "no agents" in s for s in said)
    assert any(s.startswith("commands/") and "no commands" in s for s in said)


def test_the_bundle_imports_back_into_a_pack(tmp_path: Path) -> None:
    root = mcp_pack(tmp_path / "pack")
    plugin = _bundle(root)
    result = api.import_(plugin, tmp_path / "again")
    assert not result.failed, [str(f) for f in result.findings]
    (server,) = api.load_pack(tmp_path / "again").manifest.servers
    assert (server.command, server.args, server.files) == (
        "python3",
        ("${PLUGIN_ROOT}/servers/echo.py",),
        ("servers/echo.py",),
    )


def test_plugin_data_is_expanded_and_a_url_with_a_user_is_not_written(tmp_path: Path) -> None:
    root = mcp_pack(tmp_path / "pack")
    (root / "mcp" / "cache.yaml").write_text(
        'command: python3\nargs: ["${PLUGIN_ROOT}/servers/echo.py", "${PLUGIN_DATA}/db"]\n'
        "files: [servers/echo.py]\n"
    )
    (root / "mcp" / "remote.yaml").write_text("url: https://user@example.com/mcp\n")
    plugin = _bundle(root)
    servers = json.loads((plugin / "mcp.json").read_text())["mcpServers"]
    assert sorted(servers) == ["cache", "echo"]
    assert servers["cache"]["args"][1] == "${PLUGIN_DATA}/db"
