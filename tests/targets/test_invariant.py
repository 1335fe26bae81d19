"""THE INVARIANT: what each target will enforce is never wider than the source's policy.

Checked from the output: each generated agent file is read back with the client's own rules
(tests/helpers.py) and compared, tool by tool and command by command, with the source. Where
the target is narrower, the export must have said so in a note.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentpack.model import Agent, Manifest, Pack, SourceRef
from agentpack.permissions import TOOLS, Decision, Policy
from agentpack.targets import Registry
from agentpack.targets.base import Context, Report, render
from tests.helpers import (
    SAMPLE_COMMANDS,
    SAMPLE_MCP,
    claude_decision,
    frontmatter,
    opencode_decisions,
    opencode_ruleset,
)

MCP_IDS = ("mcp:github", "mcp:github/delete_repo", "mcp:jira", "mcp:*")
PATTERNS = ("*", "git *", "git status*", "git push *", "rm *", "rm -rf *", "ls", "npm run *", "?")
decisions = st.sampled_from(list(Decision))


@st.composite
def policies(draw: st.DrawFn) -> Policy | None:
    if draw(st.integers(0, 9)) == 0:
        return None  # inherit
    ids = draw(st.lists(st.sampled_from([*TOOLS, *MCP_IDS]), unique=True, max_size=10))
    lists: dict[str, list[str]] = {"allow": [], "ask": [], "deny": []}
    for tool_id in ids:
        lists[draw(st.sampled_from(sorted(lists)))].append(tool_id)
    allow = lists["allow"] if draw(st.booleans()) or lists["allow"] else None
    bash = draw(st.dictionaries(st.sampled_from(PATTERNS), decisions, max_size=4))
    if "*" in bash and any("bash" in v for v in lists.values()):
        bash.pop("*")
    default = draw(st.none() | decisions)
    return Policy.build(default, allow, lists["ask"], lists["deny"], bash)


def _pack(policy: Policy | None) -> tuple[Pack, Agent]:
    agent = Agent("probe", "d", "body\n", SourceRef("agents/probe.md"), policy=policy)
    manifest = Manifest("p", "1.0.0", "d", SourceRef("agentpack.yaml"))
    return Pack(manifest, None, (agent,)), agent


def _render(target: str, policy: Policy | None) -> tuple[dict[str, Any], set[str]]:
    pack, _ = _pack(policy)
    report = Report()
    files = list(render(Registry(third_party=False).get(target), pack, report, Context(None)))
    agent_file = next(f for f in files if f.path == "agents/probe.md")
    fields, _ = frontmatter(agent_file.data.decode())
    noted = {n.field.removeprefix("tools.") for n in report.notes if n.change.value == "narrowed"}
    return fields, noted


def _source(policy: Policy | None, tool_id: str) -> list[Decision]:
    if policy is None:
        return [Decision.ALLOW]
    if tool_id == "bash":
        return [policy.decide("bash", c) for c in SAMPLE_COMMANDS]
    return [policy.decide(tool_id)]


ALL_IDS = (*TOOLS, *(f"mcp:{m}" for m in SAMPLE_MCP))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_claude_is_never_wider(policy: Policy | None) -> None:
    fields, noted = _render("claude", policy)
    if policy is None:
        assert "tools" not in fields
        assert "disallowedTools" not in fields
        return
    for tool_id in ALL_IDS:
        got = claude_decision(fields, tool_id)
        if got is None:
            continue
        source = _source(policy, tool_id)
        # Claude cannot tell commands apart: what it allows, every command must allow
        assert got <= min(source), (tool_id, got, source, fields)
        if got < min(source) or (tool_id == "bash" and got < max(source)):
            key = tool_id if tool_id in TOOLS else tool_id.split("/")[0]
            assert noted & {key, tool_id, "(tools not named)", "mcp:*"}, (tool_id, noted, fields)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_opencode_is_never_wider(policy: Policy | None) -> None:
    fields, noted = _render("opencode", policy)
    if policy is None:
        assert "permission" not in fields
        return
    rules = opencode_ruleset(fields["permission"])
    for tool_id in ALL_IDS:
        got = opencode_decisions(rules, tool_id)
        if got is None:
            continue
        source = _source(policy, tool_id)
        if tool_id == "bash":
            assert all(g <= s for g, s in zip(got, source, strict=True)), (got, source, fields)
            if got != source:
                assert "bash" in noted
            continue
        assert max(got) <= source[0], (tool_id, got, source, fields)
        if max(got) < source[0]:
            assert noted & {tool_id, "mcp:*", tool_id.split("/")[0]}, (tool_id, noted, fields)


@settings(max_examples=200, deadline=None)
@given(policies())
def test_tools_opencode_lacks_stay_at_or_below_the_default(policy: Policy | None) -> None:
    fields, _ = _render("opencode", policy)
    rules = opencode_ruleset(fields.get("permission"))
    from tests.helpers import opencode_decide

    ceiling = Decision.ALLOW if policy is None else policy.default
    for key in ("question", "lsp", "external_directory", "doom_loop", "batch"):
        assert opencode_decide(rules, key, "x") <= ceiling
