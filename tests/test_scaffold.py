"""``agentpack init``: a new pack that the real clients' strict checks accept, or whose
``validate`` says exactly what to add."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentpack import api
from tests.conftest import ROOT


def identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str | None) -> None:
    """A git configuration of this test's own: a user's identity, or none at all."""
    config = tmp_path / "gitconfig"
    config.write_text(f"[user]\n\tname = {name}\n\temail = ada@example.com\n" if name else "")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))


def test_init_takes_the_author_from_git_and_leaves_the_license_to_the_user(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    identity(monkeypatch, tmp_path, "Ada: Lovelace")  # a name YAML needs quoted
    api.init(tmp_path / "p")
    manifest = (tmp_path / "p" / "agentpack.yaml").read_text()
    assert 'author:\n  name: "Ada: Lovelace"\n  email: "ada@example.com"\n' in manifest
    assert "# license: MIT" in manifest
    pack = api.load_pack(tmp_path / "p")
    assert pack.manifest.author is not None
    assert pack.manifest.author.name == "Ada: Lovelace"
    found = api.validate(tmp_path / "p").findings
    # (and: Codex and Cursor cannot hold the reviewer to its read-only tools, so leave it out)
    warnings = [
        str(f)
        for f in found
        if f.severity.value != "info" and not f.message.startswith(("codex:", "cursor:"))
    ]
    assert warnings == [
        "agentpack.yaml:2:1: warning: license: claude: approximated: the plugin has no "
        "license, which Claude Code's plugin directory flags (LICENSE_MISSING); add license: "
        "with an SPDX id such as MIT to agentpack.yaml"
    ]


def test_without_a_git_identity_validate_says_what_to_add(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    identity(monkeypatch, tmp_path, None)
    api.init(tmp_path / "p")
    manifest = (tmp_path / "p" / "agentpack.yaml").read_text()
    assert "# author: {name: Your Name, email: you@example.com}" in manifest
    fields = {f.field: f.message for f in api.validate(tmp_path / "p").findings}
    assert "add author: {name: Your Name, email: you@example.com}" in fields["author"]
    assert "'claude plugin validate --strict' refuses" in fields["author"]


def test_a_pack_made_by_import_gets_the_same_author(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    identity(monkeypatch, tmp_path, "Ada Lovelace")
    seed = ROOT / "tests" / "packs" / "seeds" / "001_87d62f0f81c45e0f.txt"
    api.import_(seed, tmp_path / "p")
    pack = api.load_pack(tmp_path / "p")
    assert pack.manifest.author is not None
    assert pack.manifest.author.name == "Ada Lovelace"
    assert "# license: MIT" in (tmp_path / "p" / "agentpack.yaml").read_text()


def test_init_builds_every_built_in_target(tmp_path: Path) -> None:
    api.init(tmp_path / "p")
    pack = api.load_pack(tmp_path / "p")
    assert pack.manifest.targets == api.registry().defaults()


def test_a_git_address_the_pack_cannot_take_is_left_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A dev container's git often says root@localhost, which the pack's schema refuses
    (the Copilot CLI refuses such a marketplace owner): init wrote a pack that failed its
    own validate; so did an import of a plugin whose author gives one."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Root\n\temail = root@localhost\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    api.init(tmp_path / "p")
    assert not [f for f in api.validate(tmp_path / "p").findings if f.is_error]
    plugin = tmp_path / "plugin" / ".claude-plugin"
    plugin.mkdir(parents=True)
    meta = '{"name": "x", "version": "1.0.0", "author": {"name": "Dev", "email": "dev@localhost"}}'
    (plugin / "plugin.json").write_text(meta)
    (plugin.parent / "agents").mkdir()
    (plugin.parent / "agents" / "a.md").write_text("---\nname: a\ndescription: d\n---\nx\n")
    result = api.import_(plugin.parent, tmp_path / "q")
    assert not result.failed, [str(f) for f in result.findings]
    author = api.load_pack(tmp_path / "q").manifest.author
    assert author is not None
    assert (author.name, author.email) == ("Dev", None)
