"""The Claude target's tool lists: a deny holds for every Claude Code tool that gives the
denied capability, whatever that tool is called."""

from __future__ import annotations

import pytest

from agentpack.permissions import Policy
from agentpack.targets.claude.names import PARTS, TOOLS
from agentpack.targets.claude.permissions import agent_tools


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
