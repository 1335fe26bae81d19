"""The Codex target: what Codex can hold an agent to, what it gets instead, and where
everything goes. (Every target's contract is in tests/targets/test_contract.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agentpack import api
from agentpack.permissions import Decision, Policy
from agentpack.source import read_toml
from agentpack.targets import Registry
from agentpack.targets.codex.permissions import role
from tests.conftest import MANIFEST, MakePack

CODEX = Registry(third_party=False).get("codex")


def _agent(tools: str = "", model: str = "", body: str = "Work.\n") -> str:
    return f"---\nname: a\ndescription: An agent.\n{tools}{model}---\n{body}"


def _export(make_pack: MakePack, files: dict[str, str], manifest: str = MANIFEST) -> Path:
    root = make_pack(files, manifest=manifest)
    api.export(root, ["codex"])
    return root / "dist" / "codex"


def test_an_agent_that_inherits_is_written_as_codex_reads_it(make_pack: MakePack) -> None:
    dist = _export(make_pack, {"agents/a.md": _agent(body="Line one.\nLine two.\n")})
    role_file = read_toml((dist / ".codex/agents/a.toml").read_text())
    assert role_file == {
        "name": "a",
        "description": "An agent.",
        "developer_instructions": "Line one.\nLine two.\n",
    }


def test_denying_bash_turns_the_shell_off_and_narrows_what_goes_through_it(
    make_pack: MakePack,
) -> None:
    tools = "tools:\n  deny: [bash]\n"
    root = make_pack({"agents/a.md": _agent(tools)})
    result = api.export(root, ["codex"])
    text = (root / "dist" / "codex" / ".codex/agents/a.toml").read_text()
    assert read_toml(text)["features"] == {"shell_tool": False}
    narrowed = {f.field for f in result.findings if "codex: narrowed" in f.message}
    assert narrowed == {"tools.read", "tools.glob", "tools.grep", "tools.list", "tools.webfetch"}


@pytest.mark.parametrize(
    ("tools", "cannot"),
    [
        ("tools:\n  deny: [write, edit]\n", "write, edit"),
        ("tools:\n  allow: [read, grep, glob, list, bash]\n", "write, edit, webfetch, websearch"),
        ("tools:\n  ask: [websearch]\n", "websearch"),
        ("tools:\n  deny: [mcp:github]\n", "mcp:github"),
        ("tools:\n  deny: [bash, read]\n", "read"),  # view_image reads with the shell off
    ],
)
def test_what_codex_cannot_restrict_leaves_the_agent_out(
    make_pack: MakePack, tools: str, cannot: str
) -> None:
    """A read-only reviewer would run with the session's sandbox in Codex, which may let
    it write: it is not written at all, and the warning says what Codex cannot hold."""
    root = make_pack({"agents/a.md": _agent(tools)})
    result = api.export(root, ["codex"])
    assert not (root / "dist" / "codex" / ".codex/agents/a.toml").exists()
    warning = next(f for f in result.findings if f.message.startswith("codex: narrowed: agent"))
    assert warning.severity.value == "warning"
    assert f"cannot restrict {cannot}" in warning.message


def test_a_left_out_agent_can_do_nothing_in_codex() -> None:
    policy = Policy.build(None, ["read"])
    assert set(CODEX.effective(policy).values()) <= {Decision.DENY, None}
    assert role(policy).cannot  # said in the warning


def test_explain_has_a_codex_column() -> None:
    result = api.explain("backend-engineer")  # no tools: inherits
    assert all(row.targets["codex"] == "inherit" for row in result.rows)


def test_a_claude_model_never_reaches_codex(make_pack: MakePack) -> None:
    manifest = MANIFEST + "models:\n  quick: {claude: haiku, codex: gpt-6.2-sol}\n"
    dist = _export(make_pack, {"agents/a.md": _agent(model="model: quick\n")}, manifest)
    assert read_toml((dist / ".codex/agents/a.toml").read_text())["model"] == "gpt-6.2-sol"
    root = make_pack({"agents/a.md": _agent(model="model: sonnet\n")})
    result = api.export(root, ["codex"])
    assert "model" not in read_toml((root / "dist/codex/.codex/agents/a.toml").read_text())
    assert any(f.field == "model" and "codex: dropped" in f.message for f in result.findings)
    bad = MANIFEST + "models:\n  quick: {codex: claude-sonnet-4-5}\n"
    broken = make_pack({"agents/a.md": _agent()}, manifest=bad)
    errors = [str(f) for f in api.validate(broken).findings if f.is_error]
    assert len(errors) == 1
    assert "is a Claude model: Codex would send it to OpenAI" in errors[0]


def test_the_codex_block_takes_only_keys_codex_applies(make_pack: MakePack) -> None:
    good = _agent(tools="codex:\n  model_reasoning_effort: high\n  nickname_candidates: [Ada]\n")
    dist = _export(make_pack, {"agents/a.md": good})
    written = read_toml((dist / ".codex/agents/a.toml").read_text())
    assert (written["model_reasoning_effort"], written["nickname_candidates"]) == ("high", ["Ada"])
    bad = make_pack({"agents/a.md": _agent(tools="codex:\n  sandbox_mode: read-only\n")})
    errors = [f for f in api.validate(bad).findings if f.is_error]
    assert [(e.field, e.line) for e in errors] == [("codex.sandbox_mode", 5)]
    assert errors[0].message.startswith("unknown field 'sandbox_mode'")


def test_a_command_becomes_a_skill_that_says_how_it_is_used(make_pack: MakePack) -> None:
    command = (
        "---\ndescription: Review it.\nagent: general\ndisable_model_invocation: true\n---\n"
        "Review $1 ($ARGUMENTS).\n"
    )
    dist = _export(make_pack, {"commands/review.md": command})
    skill = (dist / ".agents/skills/review/SKILL.md").read_text()
    assert "Use it when the user invokes `$review`" in skill.replace("use it", "Use it")
    assert "`$ARGUMENTS` stands for everything the user wrote" in skill
    assert skill.endswith("## Template\n\nReview $1 ($ARGUMENTS).\n")
    policy = (dist / ".agents/skills/review/agents/openai.yaml").read_text()
    assert policy == "policy:\n  allow_implicit_invocation: false\n"
    # the Copilot CLI also reads .agents/skills, and keeps the skill from its model by this
    # key (1.0.102), not by openai.yaml; Codex 0.171 loads the file with it
    assert "\ndisable-model-invocation: true\n" in skill.split("\n---\n")[0]
    back = api.import_(dist, make_pack({}).parent / "back", "codex")
    assert not back.failed
    imported = api.load_pack(back.root)
    assert [(c.name, c.body, c.disable_model_invocation) for c in imported.commands] == [
        ("review", "Review $1 ($ARGUMENTS).\n", True)
    ]


def test_install_puts_agents_and_skills_where_codex_reads_them(
    make_pack: MakePack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CODEX_HOME", raising=False)
    root = make_pack(
        {
            "agents/a.md": _agent(),
            "skills/s/SKILL.md": "---\nname: s\ndescription: S.\n---\nS.\n",
        }
    )
    outcome = api.install("codex", root)
    assert outcome.skipped == []
    home = tmp_path / "home"
    assert (home / ".codex/agents/a.toml").is_file()
    assert (home / ".agents/skills/s/SKILL.md").is_file()
    api.uninstall("codex", root)
    assert not (home / ".codex").exists()
    assert not (home / ".agents").exists()


def test_an_sse_server_is_left_out_of_codex(tmp_path: Path) -> None:
    """Codex 0.171 takes a url server as streamable HTTP whatever its type says (its own
    ``codex mcp list``), so an SSE-only server would not answer: left out, said."""
    import json

    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "mcp").mkdir()
    (pack / "mcp" / "legacy.yaml").write_text("transport: sse\nurl: https://x.example/sse\n")
    (pack / "mcp" / "modern.yaml").write_text("url: https://x.example/mcp\n")
    done = api.export(pack, ["codex"], tmp_path / "out", cache=False)
    said = [f for f in done.findings if f.path == "mcp/legacy.yaml" and f.field == "transport"]
    assert [f.severity.value for f in said] == ["warning"]
    config = json.loads((tmp_path / "out" / "codex" / ".mcp.json").read_text())
    assert list(config["mcpServers"]) == ["modern"]


def test_a_server_with_a_reference_codex_would_not_expand_is_left_out(tmp_path: Path) -> None:
    """Codex expands no ``${VAR}`` inside a value: a whole env or header value becomes
    ``env_vars`` or ``env_http_headers``, ``Authorization: Bearer ${T}`` (in any case)
    ``bearer_token_env_var``; ``${HOME}/projects`` would reach the server as that text."""
    import json

    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "mcp").mkdir()
    servers = {
        "arg": "command: npx\nargs: [x, '${HOME}/projects']\n",
        "dsn": "command: db\nenv:\n  URL: 'postgresql://a:${PW}@h/app'\n",
        "key": "url: https://x.example/mcp\nheaders:\n  X-Api-Key: 'Token ${K}'\n",
        "whole": "command: db\nargs: ['${PLUGIN_ROOT}/s.js']\nenv:\n  PW: '${PW}'\n"
        "  DATA: '${PLUGIN_ROOT}/data'\n",
        "bearer": "url: https://x.example/mcp\nheaders:\n  authorization: 'Bearer ${T}'\n",
    }
    for name, text in servers.items():
        (pack / "mcp" / f"{name}.yaml").write_text(text)
    done = api.export(pack, ["codex"], tmp_path / "out", cache=False)
    said = {f.path: f.message.split()[7] for f in done.findings if "holds a ${VAR}" in f.message}
    assert said == {
        "mcp/arg.yaml": "args[1]",
        "mcp/dsn.yaml": "env.URL",
        "mcp/key.yaml": "headers.X-Api-Key",
    }
    config = json.loads((tmp_path / "out" / "codex" / ".mcp.json").read_text())
    assert sorted(config["mcpServers"]) == ["bearer", "whole"]
    assert config["mcpServers"]["bearer"]["bearer_token_env_var"] == "T"
    assert "http_headers" not in config["mcpServers"]["bearer"]


def test_a_user_only_skill_with_its_own_openai_yaml_gets_one_file(tmp_path: Path) -> None:
    """A skill with Codex's ``agents/openai.yaml`` and ``disable_model_invocation``: two
    files of one path stopped the export; the skill's file keeps what it says and gets the
    policy that keeps the skill out of the model's own choices."""
    pack = tmp_path / "pack"
    api.init(pack)
    skill = pack / "skills" / "x"
    (skill / "agents").mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\nname: x\ndescription: d\ndisable_model_invocation: true\n---\nx\n"
    )
    (skill / "agents" / "openai.yaml").write_text('interface:\n  display_name: "X Tool"\n')
    api.export(pack, ["codex"], tmp_path / "out", cache=False)
    written = tmp_path / "out" / "codex" / ".agents" / "skills" / "x" / "agents" / "openai.yaml"
    assert yaml.safe_load(written.read_text()) == {
        "interface": {"display_name": "X Tool"},
        "policy": {"allow_implicit_invocation": False},
    }
