"""The Claude target's tool lists: a deny holds for every Claude Code tool that gives the
denied capability, whatever that tool is called."""

from __future__ import annotations

import pytest

from agentpack import api
from agentpack.permissions import Policy
from agentpack.targets.claude.names import PARTS, TOOLS
from agentpack.targets.claude.permissions import agent_tools
from tests.conftest import MakePack


@pytest.mark.parametrize("tool", sorted(PARTS))
def test_a_denied_tool_is_denied_by_every_name_that_gives_it(tool: str) -> None:
    """Claude Code 2.1.332 offered an agent with ``disallowedTools: Agent`` its Workflow
    tool, which runs subagents: a deny names a tool's parts too."""
    lists = agent_tools(Policy.build(None, None, (), [tool]))
    assert lists.tools is None
    assert {*TOOLS[tool], *PARTS[tool]} <= set(lists.disallowed)


@pytest.mark.parametrize("tool", sorted(PARTS))
def test_an_allowed_tool_never_grants_its_parts(tool: str) -> None:
    """An allow list names a tool's own names only: a part is no more than the tool."""
    lists = agent_tools(Policy.build(None, [tool, "read"]))
    assert lists.tools is not None
    assert set(TOOLS[tool]) <= set(lists.tools)
    assert not set(PARTS[tool]) & set(lists.tools)


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("x) Bash(*", "splits allowed-tools"),
        ("echo (a)", "splits allowed-tools"),
        ("python3 src/**/*.py", "reads /**/ as any number of folders"),
    ],
)
def test_a_grant_claude_code_would_read_wider_is_not_written(pattern: str, why: str) -> None:
    """Claude Code 2.1.332 split ``Bash(x) Bash(*)`` into a grant of every command, and
    pre-approved ``python3 src/x.py`` for ``python3 src/**/*.py``: such a grant is left
    out (the command asks instead), said; its neighbours stay."""
    from agentpack.model import Grant
    from agentpack.targets.claude.permissions import grant_rules

    rules, dropped = grant_rules((Grant("bash", pattern), Grant("bash", "git status *")))
    assert rules == ["Bash(git status:*)"]
    ((grant, said),) = dropped
    assert grant == f"bash({pattern})"
    assert why in said, said


def test_an_agent_with_memory_denied_write_gets_no_edit(make_pack: MakePack) -> None:
    """Claude Code adds Read, Write and Edit to the tools line of an agent with memory,
    then takes away disallowedTools: Edit, which creates files, stayed for an agent
    denied write."""
    agent = (
        "---\nname: a\ndescription: d\ntools:\n  allow: [read, edit]\n"
        "claude:\n  memory: project\n---\nx\n"
    )
    root = make_pack({"agents/a.md": agent})
    api.export(root, ["claude"])
    text = (root / "dist" / "claude" / "agents" / "a.md").read_text()
    denied = next(line for line in text.splitlines() if line.startswith("disallowedTools:"))
    assert "Edit" in denied.split(":", 1)[1].replace(" ", "").split(",")


def test_a_command_granting_edit_alone_pre_approves_no_edit(make_pack: MakePack) -> None:
    """Claude Code's Edit creates a file: pre-approving it for a command that grants edit
    but not write approved writes."""
    command = "---\ndescription: d\nallowed_tools: [edit]\n---\nfix it\n"
    root = make_pack({"commands/fix.md": command})
    result = api.export(root, ["claude"])
    text = (root / "dist" / "claude" / "commands" / "fix.md").read_text()
    assert "allowed-tools" not in text
    assert any("grant write too" in f.message for f in result.findings)
