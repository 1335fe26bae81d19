"""opencode 2.x's ``permissions`` read as a canonical policy: for random rule lists, what
the pack grants a tool is never wider than what opencode 2.x decides for it, worked out
here from its documented rules (the last match wins, no match asks, ``*`` and ``?`` match
the whole action and resource), on every subject tried."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agentpack.filereport import FileReport
from agentpack.permissions import Decision, wildcard_match
from agentpack.targets.opencode.readpolicy import policy

ACTIONS = ["*", "read", "edit", "shell", "bash", "web*", "we?fetch", "github_*", "x*y", "s*"]
RESOURCES = ["*", "src/*", "*.env", "git *", "rm *", "git status *"]
EFFECTS = ["allow", "deny", "ask"]
SUBJECTS = ["src/a.py", "x.env", "git status", "git push", "rm -rf x", "ls", "README.md"]
TOOLS = {  # canonical tool -> the 2.x actions it stands for (each must hold)
    "read": ["read"],
    "edit": ["edit"],
    "write": ["edit"],
    "notebook": ["edit"],  # a notebook is a file opencode's edit changes
    "bash": ["shell"],
    "webfetch": ["webfetch"],
    "websearch": ["websearch", "codesearch"],
    "task": ["subagent"],
    "grep": ["grep"],
    "mcp:github": ["github_create_issue"],
    "mcp:other": ["other_tool"],
}

rule = st.fixed_dictionaries(
    {
        "action": st.sampled_from(ACTIONS),
        "resource": st.sampled_from(RESOURCES),
        "effect": st.sampled_from(EFFECTS),
    }
)


def truth(rules: list[dict[str, str]], action: str, subject: str) -> Decision:
    found = Decision.ASK
    for r in rules:
        if wildcard_match(action, r["action"]) and wildcard_match(subject, r["resource"]):
            found = Decision.parse(r["effect"])
    return found


@settings(max_examples=400, deadline=None)
@given(st.lists(rule, max_size=6), st.lists(rule, max_size=3))
def test_a_2x_policy_is_never_read_wider(
    agent: list[dict[str, str]], project: list[dict[str, str]]
) -> None:
    report = FileReport("t.md")
    found = policy({"permissions": agent}, report, {"permissions": project} if project else None)
    assert found is not None
    assert not report.failed
    rules = project + agent  # the project's come first, the agent's win
    for tool, actions in TOOLS.items():
        for subject in SUBJECTS:
            got = found.decide(tool, subject) if tool == "bash" else found.decide(tool)
            want = min(truth(rules, a, subject) for a in actions)
            assert got <= want, (tool, subject, got, want)


def test_a_pattern_over_mcp_tools_denies_every_server_it_may_name() -> None:
    """A real opencode.json denies ``github_create*``, ``*_delete*`` and ``jira*``: all
    three were dropped, and every such tool allowed. A deny holds for each server the
    pattern may name (every one when it names none); an allow is dropped."""
    report = FileReport("a.md")
    found = policy(
        {"permission": {"github_*": "allow", "github_create*": "deny", "my_db_drop*": "ask"}},
        report,
    )
    assert found is not None
    assert found.decide("mcp:github/create_issue") is Decision.DENY
    assert found.decide("mcp:my_db/drop_table") is Decision.ASK
    assert found.decide("mcp:my/db_drop") is Decision.ASK
    every = policy({"permission": {"*_delete*": "deny", "notes_*": "allow"}}, FileReport("b"))
    assert every is not None
    assert every.decide("mcp:notes/delete_note") is Decision.DENY
    assert every.decide("mcp:jira/search") is Decision.DENY
    allowed = FileReport("c")
    assert policy({"permission": {"*": "deny", "jira_get*": "allow"}}, allowed) is not None
    assert [d.split(" (")[0] for d in allowed.dropped] == ["permission.jira_get*"]


def test_a_rule_for_a_server_name_opencode_changes_holds_for_the_name_meant() -> None:
    """opencode names the tools of server ``company.jira`` ``company_jira_*``: a deny for
    ``company.jira_*`` is kept for ``company_jira`` (narrower than matching nothing); an
    allow is dropped."""
    report = FileReport("a.md")
    denied = policy({"permission": {"company.jira_*": "deny", "edit": "deny"}}, report)
    assert denied is not None
    assert denied.tool("mcp:company_jira") is Decision.DENY
    allowed = policy({"permission": {"*": "deny", "company.jira_*": "allow"}}, FileReport("b"))
    assert allowed is not None
    assert allowed.tool("mcp:company_jira") is Decision.DENY


MAP_TOOLS = ["read", "edit", "write", "patch", "bash", "webfetch", "*"]
PERMISSION_KEYS = ["*", "read", "edit", "bash", "webfetch"]
BASH = st.dictionaries(
    st.sampled_from(["*", "git *", "rm *"]), st.sampled_from(EFFECTS), min_size=1
)
TOOLS_1X = {"read": "read", "edit": "edit", "write": "edit", "notebook": "edit", "bash": "bash"}


def truth_1x(tools: dict[str, bool], permission: dict[str, object], key: str, cmd: str) -> Decision:
    """What opencode 1.18 decides, by its own steps: the deprecated map becomes permission
    entries (write, edit and patch all set edit), ``Object.assign`` puts the permission
    entries over them (a key of both keeps its first place), the last match wins, and no
    match allows."""
    merged: dict[str, object] = {}
    for tool, on in tools.items():
        merged["edit" if tool in ("write", "edit", "patch") else tool] = "allow" if on else "deny"
    merged.update(permission)
    found = Decision.ALLOW
    for rule_key, value in merged.items():
        rows = value.items() if isinstance(value, dict) else [("*", value)]
        for pattern, effect in rows:
            if wildcard_match(key, rule_key) and wildcard_match(cmd, pattern):
                found = Decision.parse(str(effect))
    return found


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.sampled_from(MAP_TOOLS), st.booleans(), max_size=5),
    st.dictionaries(
        st.sampled_from(PERMISSION_KEYS), st.one_of(st.sampled_from(EFFECTS), BASH), max_size=4
    ),
)
def test_a_1x_map_and_permission_are_never_read_wider(
    tools: dict[str, bool], permission: dict[str, object]
) -> None:
    """Real agents write ``tools: {edit: true, write: false}``, which opencode reads as
    ``edit: deny`` for all its file tools (the last of the three wins): import read it as a
    deny of write alone, and Claude Code then offered Edit."""
    permission = {k: v for k, v in permission.items() if k == "bash" or not isinstance(v, dict)}
    fm: dict[str, object] = {"tools": tools} if tools else {}
    fm.update({"permission": permission} if permission else {})
    found = policy(fm, FileReport("t.md"))
    if found is None:
        return
    for tool, key in TOOLS_1X.items():
        for cmd in ["git status", "rm -rf x", "ls"] if tool == "bash" else ["x"]:
            got = found.decide(tool, cmd) if tool == "bash" else found.decide(tool)
            assert got <= truth_1x(tools, permission, key, cmd), (tool, cmd)


def test_write_false_in_the_deprecated_map_denies_every_file_tool() -> None:
    for tools in ({"write": False}, {"edit": True, "write": False}, {"patch": False}):
        found = policy({"tools": tools}, FileReport("t.md"))
        assert found is not None
        assert [found.decide(t) for t in ("edit", "write", "notebook")] == [Decision.DENY] * 3
    kept = policy({"tools": {"write": False, "edit": True}}, FileReport("t.md"))
    assert kept is not None
    assert kept.decide("write") is Decision.ALLOW  # the last one wins
