"""The Copilot target: what a tools list can hold an agent to, the files of commands for
VS Code and for the CLI, and the way back. (Every target's contract is in
tests/targets/test_contract.py; the real CLI judges the output in tests/conformance.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from agentpack import api
from agentpack.lab import ChatModel, Lab, git_repo, model_server
from agentpack.permissions import Decision, Policy
from agentpack.targets import Registry
from agentpack.targets.copilot.lab import CLIENT, Session
from agentpack.targets.copilot.permissions import agent_tools
from tests.conftest import MANIFEST, MakePack
from tests.lab import client, mcp_pack

COPILOT = Registry(third_party=False).get("copilot")
ALLOW, DENY = Decision.ALLOW, Decision.DENY


def _agent(tools: str = "", extra: str = "") -> str:
    return f"---\nname: a\ndescription: An agent.\n{tools}{extra}---\nWork.\n"


def _head(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    return loaded


def _export(make_pack: MakePack, files: dict[str, str], manifest: str = MANIFEST) -> Path:
    root = make_pack(files, manifest=manifest)
    api.export(root, ["copilot"])
    return root / "dist" / "copilot"


@pytest.mark.parametrize(
    ("policy", "tools"),
    [
        (None, None),  # inherit: no list, every tool
        (Policy.build(None, None, (), ()), None),  # allows everything: no list either
        (Policy.build(None, ["read", "grep", "glob", "skill"]), ["read", "search"]),
        # deny-only: a list of everything not denied
        (
            Policy.build(None, None, (), ["write"]),
            ["read", "search", "execute", "web", "agent", "todo"],
        ),
        # an alias that covers two tools needs both
        (Policy.build(None, ["read", "grep", "skill"]), ["read"]),
        (Policy.build(None, ["write", "edit", "skill"]), ["edit"]),
        # ask becomes deny
        (Policy.build(None, ["read", "skill"], ["bash"]), ["read"]),
        # some commands only: no shell at all
        (Policy.build(None, ["read", "skill"], (), (), {"git *": ALLOW}), ["read"]),
        (
            Policy.build(None, ["skill", "mcp:github", "mcp:jira/create"]),
            ["github/*", "jira/create"],
        ),
        # a server with a tool the source narrows cannot be written as server/*
        (Policy.build(None, ["skill", "mcp:github"], ["mcp:github/delete"]), []),
    ],
)
def test_tools_lists(policy: Policy | None, tools: list[str] | None) -> None:
    found = agent_tools(policy)
    assert found.cannot == []
    assert found.tools == tools


def test_every_agent_keeps_the_skill_tool_so_one_denied_it_is_left_out(
    make_pack: MakePack,
) -> None:
    root = make_pack({"agents/a.md": _agent("tools:\n  allow: [read]\n")})
    result = api.export(root, ["copilot"])
    assert not (root / "dist" / "copilot" / "agents" / "a.agent.md").exists()
    (note,) = [f for f in result.findings if f.path == "agents/a.md"]
    assert "left out of the Copilot output" in note.message
    assert "allow it in the source" in note.message
    assert all(v in (DENY, None) for v in COPILOT.effective(Policy.build(None, ["read"])).values())


def test_a_narrowed_alias_is_said(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": _agent("tools:\n  allow: [read, grep, skill]\n")})
    result = api.export(root, ["copilot"])
    notes = {f.field: f.message for f in result.findings if "narrowed" in f.message}
    assert "'search' grants grep and glob together" in notes["tools.grep"]


def test_modes_become_who_may_invoke_the_agent(make_pack: MakePack) -> None:
    files = {
        f"agents/{mode}.md": f"---\nname: {mode}\ndescription: d\nmode: {mode}\n---\nx\n"
        for mode in ("subagent", "primary", "all")
    }
    dist = _export(make_pack, files)
    assert _head(dist / "agents" / "subagent.agent.md")["user-invocable"] is False
    assert _head(dist / "agents" / "primary.agent.md")["disable-model-invocation"] is True
    head = _head(dist / "agents" / "all.agent.md")
    assert "user-invocable" not in head
    assert "disable-model-invocation" not in head


def test_models_and_the_copilot_block(make_pack: MakePack) -> None:
    block = "model: sonnet\ncopilot:\n  target: vscode\n  reasoning-effort: high\n"
    dist = _export(make_pack, {"agents/a.md": _agent(extra=block)})
    head = _head(dist / "agents" / "a.agent.md")
    assert (head["model"], head["target"], head["reasoning-effort"]) == (
        "claude-sonnet-5.5",
        "vscode",
        "high",
    )


def test_the_copilot_block_takes_only_keys_copilot_reads(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": _agent(extra="copilot:\n  tools: ['*']\n")})
    result = api.validate(root)
    assert [f.field for f in result.findings if f.is_error] == ["copilot.tools"]


def test_a_command_is_a_prompt_file_and_a_cli_command(make_pack: MakePack) -> None:
    command = "---\ndescription: Fix it\nargument_hint: <file>\n---\nFix $1 ($ARGUMENTS).\n"
    dist = _export(make_pack, {"commands/fix.md": command})
    prompt = (dist / "prompts" / "fix.prompt.md").read_text()
    assert prompt.endswith("---\nFix ${input:arg1} (${input:arguments}).\n")
    cli = (dist / "commands" / "fix.md").read_text()
    assert cli.endswith("---\nFix $0 ($ARGUMENTS).\n")  # the CLI counts from $0
    assert _head(dist / "commands" / "fix.md")["argument-hint"] == "<file>"


def test_a_prompts_tools_are_no_more_than_its_agents(make_pack: MakePack) -> None:
    """VS Code gives a prompt's agent the prompt's ``tools`` in place of its own: ``/fix``
    with ``agent: reader`` and ``tools: [execute, edit, web]`` ran the reader, held to
    read and search, with the shell, edits and the web."""
    reader = (
        "---\nname: reader\ndescription: Reads.\ntools:\n  allow: [read, grep, glob, skill]\n"
        "---\nRead.\n"
    )
    fix = (
        "---\ndescription: Fix it\nagent: reader\ncopilot:\n  tools: [execute, Read, edit, web]\n"
        "---\nFix.\n"
    )
    root = make_pack({"agents/reader.md": reader, "commands/fix.md": fix})
    result = api.export(root, ["copilot"])
    dist = root / "dist" / "copilot"
    assert _head(dist / "agents" / "reader.agent.md")["tools"] == ["read", "search"]
    assert _head(dist / "prompts" / "fix.prompt.md")["tools"] == ["Read"]
    (note,) = [f for f in result.findings if f.field == "copilot.tools" and "narrowed" in f.message]
    assert (
        "execute, edit, web: VS Code runs the prompt's agent with the prompt's tools"
        in note.message
    )


def test_the_plugin_and_its_marketplace(make_pack: MakePack) -> None:
    root = make_pack({"agents/a.md": _agent()})
    api.export(root, ["copilot"])
    import json

    plugin = json.loads((root / "dist" / "copilot" / "plugin.json").read_text())
    assert "$schema" not in plugin  # with one, the CLI reads no agents/
    market = json.loads((root / ".github" / "plugin" / "marketplace.json").read_text())
    assert market["plugins"][0]["source"] == "./dist/copilot"
    assert market["owner"]["name"]


@pytest.mark.parametrize(
    ("anthropic", "copilot"),
    [
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4.5"),
        ("claude-opus-5", "claude-opus-5"),
        ("claude-haiku-4-5", "claude-haiku-4.5"),
        ("claude-3-5-sonnet-20241022", None),  # the older naming has no Copilot id
        ("claude-opus-4-1#high", None),
    ],
)
def test_anthropic_ids_in_copilot_spelling(anthropic: str, copilot: str | None) -> None:
    assert COPILOT.spell_model("anthropic", anthropic) == copilot
    if copilot is not None:
        assert COPILOT.parse_model(copilot) == ("anthropic", anthropic.removesuffix("-20250929"))


def test_import_reads_tools_as_copilot_applies_them(tmp_path: Path) -> None:
    agents = tmp_path / ".github" / "agents"
    agents.mkdir(parents=True)
    (agents / "r.agent.md").write_text(
        "---\ndescription: Reads.\ntools: ['Read', 'search/codebase', 'Bash(git:*)', "
        "'github/*', 'bogus']\nuser-invocable: false\ntarget: vscode\n---\nRead.\n"
    )
    result = api.import_(tmp_path / ".github", tmp_path / "pack", "copilot")
    assert not result.failed
    pack = api.load_pack(tmp_path / "pack")
    (agent,) = pack.agents
    assert agent.mode.value == "subagent"
    assert agent.policy is not None
    allowed = {t for t in (*agent.policy.tools,) if agent.policy.tool(t) is ALLOW}
    # Bash(git:*) grants nothing in Copilot; an unknown name neither; nor VS Code's
    # semantic search, search/codebase, which is neither grep nor glob; skill always
    assert allowed == {"read", "skill", "mcp:github"}
    assert agent.policy.default is DENY
    assert dict(agent.extras["copilot"]) == {"target": "vscode"}
    (report,) = [r for r in result.reports if r.kind.startswith("agent")]
    assert any("bogus" in d for d in report.dropped)


def test_install_roots(tmp_path: Path) -> None:
    user = COPILOT.install_roots("user", {"COPILOT_HOME": str(tmp_path / "c")}, tmp_path, tmp_path)
    assert [(r.folder, r.prefixes) for r in user] == [(tmp_path / "c", ("agents/", "skills/"))]
    (project,) = COPILOT.install_roots("project", {}, tmp_path, tmp_path / "repo")
    assert project.folder == tmp_path / "repo" / ".github"
    assert project.prefixes == ("agents/", "prompts/", "skills/")


@pytest.mark.conformance
def test_the_plugins_guard_blocks_a_shell_command_in_the_copilot_cli(
    lab: Lab, tmp_path: Path
) -> None:
    """The pack's hook, in Claude Code's shape in the Copilot plugin: the CLI, asked by a
    stand-in model for a force push, runs the guard (with Claude Code's tool names, as the
    matcher says) and denies the call."""
    client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    api.export(root, ["copilot"])
    home, project = tmp_path / "home", git_repo(tmp_path / "project")
    with model_server(ChatModel, "/v1") as (url, _):
        session = Session(lab, home, url)
        assert "added successfully" in session.run(
            ["plugin", "marketplace", "add", str(root)], project
        )
        assert "installed" in session.run(["plugin", "install", "mcp-pack@mcp-pack"], project)
    push = {"command": "git push --force origin main", "description": "push"}
    said = Session.calling(lab, home, project, "bash", push)
    assert "Denied by preToolUse hook: hook exited with code 2" in said


@pytest.mark.conformance
def test_the_copilot_cli_starts_the_plugins_server_with_its_references_in_place(
    lab: Lab, tmp_path: Path
) -> None:
    """The plugin's ``.mcp.json`` as the CLI 1.0.102 runs it: ``${PLUGIN_ROOT}`` is the
    plugin's folder, and a variable of the user's (``${LAB_TOKEN}``) is its value
    in the server's arguments and environment (``copilot mcp list`` shows only the text)."""
    client(lab, CLIENT)
    root = mcp_pack(tmp_path / "pack")
    record = tmp_path / "started.jsonl"
    (root / "mcp" / "echo.yaml").write_text(
        "command: python3\nfiles: [servers/echo.py]\n"
        'args: ["${PLUGIN_ROOT}/servers/echo.py", --record, "${LAB_RECORD}", "--t=${LAB_TOKEN}"]\n'
        'env: {ECHO_TOKEN: "${LAB_TOKEN}"}\n'
    )
    api.export(root, ["copilot"])
    home, project = tmp_path / "home", git_repo(tmp_path / "project")
    with model_server(ChatModel, "/v1") as (url, _):
        session = Session(lab, home, url)
        session.run(["plugin", "marketplace", "add", str(root)], project)
        assert "installed" in session.run(["plugin", "install", "mcp-pack@mcp-pack"], project)
        session.env |= {"LAB_RECORD": str(record), "LAB_TOKEN": "t0k"}
        said = session.run(["-p", "hi"], project)
    assert record.is_file(), said[-2000:]
    started = json.loads(record.read_text().splitlines()[0])
    script = Path(started["argv"][0])  # the plugin's copy (a local marketplace's: in place)
    assert script.read_bytes() == (root / "servers" / "echo.py").read_bytes()
    assert started["argv"][1:] == ["--record", str(record), "--t=t0k"]
    assert started["env"] == {"ECHO_TOKEN": "t0k"}


@pytest.mark.parametrize("name", ["general-purpose", "explore", "code-review"])
def test_an_agent_named_as_a_copilot_cli_agent_is_left_out(make_pack: MakePack, name: str) -> None:
    """The Copilot CLI 1.0.102 ignores a custom general-purpose ("a reserved name") and
    runs its own explore, code-review, ... in place of one so named: a pack agent denied
    bash was delegated to as the built-in, which has bash. Left out, with a warning."""
    agent = f"---\nname: {name}\ndescription: d\ntools:\n  deny: [bash]\n---\nx\n"
    root = make_pack({f"agents/{name}.md": agent})
    result = api.export(root, ["copilot"])
    assert not list((root / "dist" / "copilot" / "agents").glob("*.md"))
    said = [f for f in result.findings if f.field == "name" and f.message.startswith("copilot")]
    assert len(said) == 1


def test_a_guard_on_an_mcp_tool_runs_for_copilots_name_of_it(make_pack: MakePack) -> None:
    """The Copilot CLI 1.0.102 gives a hook an MCP tool as ``db-echo``: the matcher
    ``mcp__db__echo`` never matched, and the guard never ran, with no word."""
    import json

    root = make_pack(
        {
            "hooks/g.yaml": "event: before_tool\ntools: ['mcp:db/echo']\nrun: hooks/g.sh\n",
            "hooks/g.sh": "exit 2\n",
        }
    )
    result = api.export(root, ["copilot"])
    hooks = json.loads((root / "dist" / "copilot" / "hooks" / "hooks.json").read_text())
    assert hooks["hooks"]["PreToolUse"][0]["matcher"] == "mcp__db__echo|db-echo"
    said = [f.message for f in result.findings if f.path == "hooks/g.yaml"]
    assert any("copilot: unguarded" in m and "<server>-<tool>" in m for m in said), said
