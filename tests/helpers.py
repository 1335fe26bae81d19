"""Reading generated files back the way each client reads them, for invariant tests.

These restate the clients' rules independently of the generators:
- Claude Code 2.1: ``disallowedTools`` removes tools first (``mcp__srv``, ``mcp__srv__*`` and
  ``mcp__*`` remove whole servers); then, if ``tools`` is present, only the tools it names stay
  (``mcp__srv`` or ``mcp__srv__*`` keeps all of a server's tools).
- opencode 1.x: rules flattened as (permission, pattern, action), starting from
  ``* * allow``; the last rule whose permission and pattern both match wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from agentpack.permissions import Decision, wildcard_match

CLAUDE_CAPABILITIES: Mapping[str, tuple[str, ...]] = {
    "read": ("Read",),
    "write": ("Write", "Edit"),  # Edit creates a file when its old_string is empty
    "edit": ("Edit",),
    "glob": ("Glob",),
    "grep": ("Grep",),
    "list": (),
    "bash": ("Bash", "PowerShell", "Monitor"),
    "webfetch": ("WebFetch",),
    "websearch": ("WebSearch",),
    "todo": ("TodoWrite", "TaskCreate", "TaskGet", "TaskList", "TaskUpdate"),
    "task": ("Agent",),
    "notebook": ("NotebookEdit",),
    "skill": ("Skill",),
}
"""Claude Code 2.1's tools per capability; older names (Task, LS, MultiEdit) are extra."""
OPENCODE_CAPABILITIES: Mapping[str, tuple[str, ...]] = {
    "read": ("read",),
    "write": ("edit",),
    "edit": ("edit",),
    "glob": ("glob",),
    "grep": ("grep",),
    "list": ("list",),
    "bash": ("bash",),
    "webfetch": ("webfetch",),
    "websearch": ("websearch", "codesearch"),
    "todo": ("todowrite", "todoread"),
    "task": ("task",),
    "notebook": (),
    "skill": ("skill",),
}
SAMPLE_COMMANDS = (
    "git status",
    "git status --short",
    "git diff HEAD",
    "git push origin main",
    "rm -rf /",
    "rm x",
    "ls",
    "ls -la",
    "npm run build",
    "npm test",
    "make",
    "echo hi",
)
SAMPLE_MCP = ("github/create_issue", "github/delete_repo", "jira/create", "other/tool")


def frontmatter(text: str) -> tuple[dict[str, Any], str]:
    assert text.startswith("---\n"), text[:80]
    head, _, body = text[4:].partition("\n---\n")
    data = yaml.safe_load(head) if head.strip() else {}
    return (data or {}), body


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _server(name: str) -> str | None:
    if not name.startswith("mcp__"):
        return None
    return name[5:].split("__", 1)[0]


def claude_available(fields: Mapping[str, Any], tool: str) -> bool:
    disallowed = _split(fields.get("disallowedTools"))
    server = _server(tool)
    if tool in disallowed:
        return False
    if server is not None and any(
        d in ("mcp__*", f"mcp__{server}", f"mcp__{server}__*") for d in disallowed
    ):
        return False
    if "tools" not in fields:
        return True
    allowed = _split(fields["tools"])
    return tool in allowed or (
        server is not None and any(a in (f"mcp__{server}", f"mcp__{server}__*") for a in allowed)
    )


def claude_decision(fields: Mapping[str, Any], tool_id: str) -> Decision | None:
    """ALLOW when any Claude tool of the capability is available, else DENY; None when Claude
    Code has no tool for it."""
    if tool_id.startswith("mcp:"):
        server, _, name = tool_id[4:].partition("/")
        names: Iterable[str] = (f"mcp__{server}__{name}",)
    else:
        names = CLAUDE_CAPABILITIES[tool_id]
    names = list(names)
    if not names:
        return None
    return Decision.ALLOW if any(claude_available(fields, n) for n in names) else Decision.DENY


def opencode_ruleset(permission: Any) -> list[tuple[str, str, str]]:
    rules = [("*", "*", "allow")]
    if permission is None:
        return rules
    if isinstance(permission, str):
        return [*rules, ("*", "*", permission)]
    for key, value in permission.items():
        if isinstance(value, str):
            rules.append((key, "*", value))
        else:
            rules.extend((key, pattern, action) for pattern, action in value.items())
    return rules


def opencode_decide(rules: list[tuple[str, str, str]], permission: str, subject: str) -> Decision:
    result = "allow"
    for key, pattern, action in rules:
        if wildcard_match(permission, key) and wildcard_match(subject, pattern):
            result = action
    return Decision.parse(result)


def opencode_decisions(rules: list[tuple[str, str, str]], tool_id: str) -> list[Decision] | None:
    """Every decision opencode can give the capability (bash: per sample command)."""
    if tool_id.startswith("mcp:"):
        server, _, name = tool_id[4:].partition("/")
        return [opencode_decide(rules, f"{server}_{name}", "*")]
    keys = OPENCODE_CAPABILITIES[tool_id]
    if not keys:
        return None
    subjects = SAMPLE_COMMANDS if tool_id == "bash" else ("src/app.py",)
    return [opencode_decide(rules, key, s) for key in keys for s in subjects]


def imported(source: Any, pack: Any) -> tuple[Any, Any]:
    """What importing ``source`` into ``pack`` said (an ImportResult) and the pack it left
    (a Pack); the import must not fail."""
    from agentpack import api

    result = api.import_(source, pack)
    assert not result.failed, [str(f) for f in result.findings]
    return result, api.load_pack(pack)


def imported_policy(source: Any, pack: Any, name: str) -> Any:
    """The policy of agent ``name`` once ``source`` is imported into ``pack`` (a Policy;
    the import must not fail, and the agent must have one)."""
    agent = imported(source, pack)[1].agent(name)
    assert agent is not None
    assert agent.policy is not None
    return agent.policy
