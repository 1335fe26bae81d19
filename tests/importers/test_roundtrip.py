"""import(export(pack)) == pack in every field the target can express; policies come back
with the same decision per tool and per sample command (hypothesis over generated policies)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from agentpack import aliases, api, canonical
from agentpack.model import Agent, Manifest, Pack, SourceRef, flat_name
from agentpack.permissions import TOOLS, Decision, Policy
from agentpack.targets import Registry
from agentpack.targets.base import Context, Report, render
from tests.conftest import BUILTIN, ROOT
from tests.helpers import SAMPLE_COMMANDS
from tests.targets.test_invariant import policies

PACKS = {"reference": ROOT, "full": ROOT / "tests" / "packs" / "full"}


def _nl(text: str) -> str:
    """Generated files always end with a newline (DESIGN.md); a body without one gets it."""
    return text if text.endswith("\n") else text + "\n"


def _decisions(policy: Policy | None, lacks: str = "") -> dict[str, object]:
    """Decisions per tool and sample command; ``lacks``: a tool the target does not have."""
    if policy is None:
        return {"inherit": True}
    out: dict[str, object] = {t: policy.decide(t) for t in TOOLS if t != lacks}
    out["bash-commands"] = [policy.decide("bash", c) for c in SAMPLE_COMMANDS]
    out["mcp"] = [policy.decide(m) for m in ("mcp:github/x", "mcp:github/delete_repo", "mcp:o/t")]
    return out


def _export_import(root: Path, target: str, tmp: Path) -> tuple[Pack, Pack, set[tuple[str, str]]]:
    pack = tmp / "pack"
    shutil.copytree(root, pack, ignore=shutil.ignore_patterns(".git", "tests", "bench", "dist"))
    result = api.export(pack, [target])
    noted = {(f.path, f.field) for f in result.findings}
    back = tmp / "back"
    imported = api.import_(pack / "dist" / target, back, target)
    assert not imported.failed, [str(f) for r in imported.reports for f in r.findings]
    return api.load_pack(pack), api.load_pack(back), noted


@pytest.mark.parametrize("name", sorted(PACKS))
def test_claude_roundtrip(name: str, tmp_path: Path) -> None:
    source, back, noted = _export_import(PACKS[name], "claude", tmp_path)
    table = aliases.table(source.manifest, BUILTIN)
    for agent in source.agents:
        got = back.agent(flat_name(agent.name))  # Claude Code's names hold no '/'
        assert got is not None
        assert (got.description, got.examples, got.body) == (
            agent.description,
            agent.examples,
            _nl(agent.body),
        )
        assert aliases.resolve(got.model, "claude", BUILTIN) == (
            aliases.resolve(agent.model, "claude", table) if agent.model else aliases.INHERIT
        )
        assert dict(got.extras.get("claude", {})) == dict(agent.extras.get("claude", {}))
        if not any(path == agent.source.path and f.startswith("tools") for path, f in noted):
            assert _decisions(got.policy, "list") == _decisions(agent.policy, "list"), agent.name
    for command in source.commands:
        got_c = next(c for c in back.commands if c.name == command.name)
        assert (got_c.description, got_c.body, got_c.argument_hint) == (
            command.description,
            _nl(command.body),
            command.argument_hint,
        )
        assert got_c.disable_model_invocation == command.disable_model_invocation
    for skill in source.skills:
        got_s = next(s for s in back.skills if s.name == skill.name)
        assert (got_s.description, got_s.body, got_s.resources, got_s.license) == (
            skill.description,
            _nl(skill.body),
            skill.resources,
            skill.license,
        )


@pytest.mark.parametrize("name", sorted(PACKS))
def test_opencode_roundtrip(name: str, tmp_path: Path) -> None:
    source, back, noted = _export_import(PACKS[name], "opencode", tmp_path)
    table = aliases.table(source.manifest, BUILTIN)
    for agent in source.agents:
        got = back.agent(agent.name)
        assert got is not None
        same = ("description", "examples", "body", "mode", "temperature", "top_p", "max_steps")
        assert [getattr(got, f) for f in same] == [
            _nl(agent.body) if f == "body" else getattr(agent, f) for f in same
        ]
        assert (
            aliases.resolve(got.model, "opencode", BUILTIN)
            # a model with no opencode id is dropped (noted): opencode then inherits
            == (aliases.resolve(agent.model, "opencode", table) or aliases.INHERIT)
        )
        assert dict(got.extras.get("opencode", {})) == dict(agent.extras.get("opencode", {}))
        if not any(path == agent.source.path and f.startswith("tools") for path, f in noted):
            assert _decisions(got.policy, "notebook") == _decisions(agent.policy, "notebook"), (
                agent.name
            )
    for command in source.commands:
        got_c = next(c for c in back.commands if c.name == command.name)
        assert (got_c.description, got_c.body, got_c.agent, got_c.subtask) == (
            command.description,
            _nl(command.body),
            command.agent,
            command.subtask,
        )


def _agent_back(target: str, policy: Policy | None, tmp: Path) -> Agent:
    agent = Agent("probe", "d", "body\n", SourceRef("agents/probe.md"), policy=policy)
    pack = Pack(Manifest("p", "1.0.0", "d", SourceRef("agentpack.yaml")), None, (agent,))
    files = render(Registry(third_party=False).get(target), pack, Report(), Context(None))
    native = tmp / target / "agents"
    native.mkdir(parents=True, exist_ok=True)
    out = next(f for f in files if f.path == "agents/probe.md")
    (native / "probe.md").write_bytes(out.data)
    back = tmp / f"{target}-pack"
    api.import_(native.parent, back, target)
    loaded = api.load_pack(back).agent("probe")
    assert loaded is not None
    return loaded


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(policies())
def test_opencode_policies_come_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, policy: Policy | None
) -> None:
    got = _agent_back("opencode", policy, tmp_path_factory.mktemp("rt"))
    expected = _decisions(policy, "notebook")
    observed = _decisions(got.policy, "notebook")
    if policy is not None and policy.narrowest("bash") is not Decision.ALLOW:
        # opencode cannot hold a script to patterns or ask: bash comes back denied, whole
        expected["bash"] = Decision.DENY
        expected["bash-commands"] = [Decision.DENY] * len(SAMPLE_COMMANDS)
    if policy is not None and (
        policy.tool("write") != policy.tool("edit") or "mcp:*" in policy.tools
    ):
        return  # opencode writes one edit rule and has no all-MCP rule: narrowed, noted
    assert observed == expected


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(policies())
def test_imported_claude_agents_reexport_identically(
    tmp_path_factory: pytest.TempPathFactory, policy: Policy | None
) -> None:
    """export(import(file)) == file for Claude agent files."""
    tmp = tmp_path_factory.mktemp("rt")
    got = _agent_back("claude", policy, tmp)
    again = Pack(Manifest("p", "1.0.0", "d", SourceRef("agentpack.yaml")), None, (got,))
    files = render(Registry(third_party=False).get("claude"), again, Report(), Context(None))
    first = (tmp / "claude" / "agents" / "probe.md").read_bytes()
    assert next(f for f in files if f.path == "agents/probe.md").data == first


def test_canonical_files_load_back_identically() -> None:
    pack = api.load_pack(PACKS["full"])
    for agent in pack.agents:
        text = canonical.agent_file(agent).data.decode()
        assert text.split("\n", 2)[1].startswith("# yaml-language-server")


def _claude_names() -> list[str]:
    from agentpack.targets.claude.names import CANONICAL

    return sorted(CANONICAL)


@pytest.mark.parametrize(
    "line",
    [
        "Read, Grep, Glob, Bash",
        "Bash, Read",
        "Read, Write, Edit",
        "TodoWrite",
        "Agent, WebFetch, WebSearch",
        "mcp__github, mcp__jira__create_issue, Read",
        *_claude_names(),
    ],
)
@pytest.mark.parametrize("field", ["tools", "disallowedTools"])
def test_a_claude_tools_line_comes_back_as_written_or_says_why(
    line: str, field: str, tmp_path: Path
) -> None:
    """Every tool spelling Claude Code accepts, alone and in lists, in either list: the
    exported file is the imported one byte for byte, or the import report says what
    changes (approximated), never silently."""
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    text = f"---\nname: x\ndescription: d\n{field}: {line}\n---\nBody.\n"
    (agents / "x.md").write_text(text)
    result = api.import_(tmp_path / ".claude", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings if f.is_error]
    api.export(tmp_path / "pack", ["claude"])
    back = (tmp_path / "pack" / "dist" / "claude" / "agents" / "x.md").read_text()
    (report,) = [r for r in result.reports if r.source.endswith("x.md")]
    said = [e for e in report.approximated + report.dropped if e.startswith(field)]
    assert back == text or said, (back, report.as_dict())


def test_a_targets_folder_of_dist_is_read_as_that_tool(tmp_path: Path) -> None:
    """``import dist/opencode`` read the commands as Claude Code's (no opencode.json to
    mark the folder), so ``$1`` came back as ``$2``: a folder of ``dist/`` named after a
    tool is that tool's."""
    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "commands" / "go.md").write_text("---\ndescription: d\n---\nFirst $1, all $ARGUMENTS\n")
    api.export(pack, ["opencode"], pack / "dist", cache=False)
    result = api.import_(pack / "dist" / "opencode", tmp_path / "back")
    assert not result.failed, [str(f) for f in result.findings]
    go = next(c for c in api.load_pack(tmp_path / "back").commands if c.name == "go")
    assert go.body == "First $1, all $ARGUMENTS\n"


def test_a_folder_beside_a_manifest_json_of_another_tool_is_not_taken_for_dist(
    tmp_path: Path,
) -> None:
    """A web app's ``dist/manifest.json`` beside ``dist/cursor/agents/helper.md``, an
    opencode agent: read as Cursor's, its ``permission`` was dropped and the agent had
    every tool. Only agentpack's record makes a folder of ``dist/`` a tool's."""
    dist = tmp_path / "dist"
    (dist / "cursor" / "agents").mkdir(parents=True)
    (dist / "manifest.json").write_text('{"name": "My App", "start_url": "/"}')
    (dist / "cursor" / "agents" / "helper.md").write_text(
        "---\ndescription: d\nmode: subagent\npermission:\n  edit: deny\n---\nHelp.\n"
    )
    result = api.import_(dist / "cursor", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    (agent,) = api.load_pack(tmp_path / "pack").agents
    assert agent.policy is not None
    assert agent.policy.decide("edit") is Decision.DENY
