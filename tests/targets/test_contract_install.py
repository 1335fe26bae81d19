"""The install half of the contract every registered target is held to: install then
uninstall leaves a folder, and the user's own configuration files, byte for byte as they
were (``test_contract.py`` holds the rest)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from agentpack import api
from agentpack.source import tomllib  # tomli before Python 3.11
from tests.targets.test_contract import NAMES, PACKS, REGISTRY


@pytest.mark.parametrize("target", NAMES)
def test_install_then_uninstall_leaves_the_folder_as_it_was(target: str, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    (dest / "agents").mkdir(parents=True)
    (dest / "agents" / "mine.md").write_text("my own\n")
    before = {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    pack = Path(shutil.copytree(PACKS["full"], tmp_path / "pack"))
    manifest = (pack / "agentpack.yaml").read_text()
    manifest = re.sub(r"(?m)^targets: .*$", f"targets: [{target}]", manifest)
    (pack / "agentpack.yaml").write_text(manifest)
    outcome = api.install(target, pack, dest=dest, targets=REGISTRY)
    assert outcome.skipped == []
    assert any(a.verb == "write" for a in outcome.actions)
    again = api.install(target, pack, dest=dest, targets=REGISTRY)
    assert {a.verb for a in again.actions} == {"same"}
    api.uninstall(target, pack, dest=dest, targets=REGISTRY)
    assert {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before


def _tree(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(root.rglob("*"))
    }


USERS_OWN = {".json": '{\n  // mine\n  "mine": {"keep": true}\n}\n', ".toml": "mine = 1  # mine\n"}


@pytest.mark.parametrize("scope", ["user", "project"])
@pytest.mark.parametrize("existing", [False, True], ids=["new-files", "users-files"])
@pytest.mark.parametrize("target", NAMES)
def test_servers_and_hooks_go_into_config_files_and_come_out_to_the_byte(
    target: str, scope: str, existing: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scope install merges the pack's servers and hooks into the tool's configuration
    files (the user's own, when there are some) and an uninstall takes out exactly that."""
    home, project = tmp_path / "home", tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    home.mkdir()
    for name in ("CLAUDE_CONFIG_DIR", "CODEX_HOME", "COPILOT_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(project)
    pack = Path(shutil.copytree(PACKS["full"], tmp_path / "pack"))
    manifest = (pack / "agentpack.yaml").read_text()
    (pack / "agentpack.yaml").write_text(
        re.sub(r"(?m)^targets: .*$", f"targets: [{target}]", manifest)
    )
    loaded = api.load_pack(pack, targets=REGISTRY)
    setup = REGISTRY.get(target).setup(loaded.manifest, scope, {}, home, project)
    files = {e.file for e in setup.entries}
    for file in files if existing else ():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(USERS_OWN[file.suffix])
    before = _tree(tmp_path)
    outcome = api.install(target, pack, scope=scope, targets=REGISTRY)
    assert outcome.skipped == []
    for entry in setup.entries:
        assert entry.file.is_file(), entry
        text = entry.file.read_text()
        data: Any = (
            tomllib.loads(text)
            if entry.file.suffix == ".toml"
            else json.loads(re.sub(r"(?m)^\s*//.*$", "", text))
        )
        for key in entry.keys:
            data = data[key]
        assert (entry.value in data) if entry.append else (data == entry.value), entry
        if existing:
            assert "mine" in text
    for script in setup.files:
        assert any(a.path.endswith(script.path) and a.verb == "write" for a in outcome.actions)
    again = api.install(target, pack, scope=scope, targets=REGISTRY)
    assert {a.verb for a in again.actions} - {"note"} == {"same"}
    api.uninstall(target, pack, scope=scope, targets=REGISTRY)
    assert _tree(tmp_path) == before


def test_an_install_says_what_it_leaves_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """opencode starts a server in the project folder: the server's cwd is not carried, and
    the install says so as the export does."""
    home, project = tmp_path / "home", tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(project)
    pack = Path(shutil.copytree(PACKS["full"], tmp_path / "pack"))
    outcome = api.install("opencode", pack, scope="user", targets=REGISTRY)
    said = [a.reason for a in outcome.actions if a.verb == "note"]
    assert any("cwd: opencode: dropped" in line for line in said), said
