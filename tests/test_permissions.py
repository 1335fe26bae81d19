"""The policy model: implied defaults, opencode's wildcard semantics, pattern priority."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentpack.permissions import (
    Decision,
    Policy,
    is_tool_id,
    normalize_tool_id,
    pattern_priority,
    wildcard_match,
)

ALLOW, ASK, DENY = Decision.ALLOW, Decision.ASK, Decision.DENY


def test_decisions_are_ordered_from_narrow_to_wide() -> None:
    assert DENY < ASK < ALLOW
    assert Decision.parse("ask") is ASK
    assert str(ALLOW) == "allow"


def test_an_allow_list_implies_deny_for_the_rest() -> None:
    policy = Policy.build(None, allow=["read"])
    assert policy.decide("read") is ALLOW
    assert policy.decide("bash") is DENY
    assert policy.decide("mcp:github/create_issue") is DENY


def test_only_deny_and_ask_lists_imply_allow_for_the_rest() -> None:
    policy = Policy.build(None, deny=["write", "edit"], ask=["bash"])
    assert policy.decide("read") is ALLOW
    assert policy.decide("write") is DENY
    assert policy.decide("bash") is ASK


def test_an_explicit_default_wins_over_the_implied_one() -> None:
    assert Policy.build(ASK, allow=["read"]).decide("grep") is ASK
    assert Policy.build(DENY, deny=["bash"]).decide("read") is DENY


def test_a_tool_named_twice_keeps_the_narrowest_decision() -> None:
    assert Policy.build(None, allow=["read"], deny=["read"]).decide("read") is DENY


def test_mcp_ids_fall_back_from_tool_to_server_to_all() -> None:
    policy = Policy.build(
        DENY, allow=["mcp:github"], deny=["mcp:github/delete_repo"], ask=["mcp:*"]
    )
    assert policy.decide("mcp:github/create_issue") is ALLOW
    assert policy.decide("mcp:github/delete_repo") is DENY
    assert policy.decide("mcp:jira/create") is ASK
    assert normalize_tool_id("mcp:github/*") == "mcp:github"


@pytest.mark.parametrize(
    ("tool_id", "ok"),
    [
        ("read", True),
        ("Read", False),
        ("mcp:github", True),
        ("mcp:a/b", True),
        ("mcp:*", True),
        ("mcp:", False),
        ("mcp:a/b/c", False),
        ("mcp:company.jira", False),  # its tools are company_jira_*: a rule would not match
        ("mcp:jira/search_issues", True),
        ("mcp:jira/search.issues", False),  # Claude Code and opencode name it search_issues
        ("shell", False),
    ],
)
def test_tool_ids(tool_id: str, ok: bool) -> None:
    assert is_tool_id(tool_id) is ok


@pytest.mark.parametrize(
    ("command", "pattern", "matches"),
    [
        ("git status", "git status*", True),
        ("git status --short", "git status *", True),
        ("git", "git *", True),  # a trailing ' *' also matches the bare command
        ("gitk", "git *", False),
        ("rm -rf /tmp/x", "rm *", True),  # '*' crosses slashes
        ("cat a\nb", "cat *", True),  # and newlines
        ("ls", "l?", True),
        ("ls -l", "l?", False),
        ("type C:\\x", "type C:/x", True),  # backslashes count as slashes
        ("echo (x)", "echo (x)", True),  # regex characters are literal
        ("npm run build", "npm run", False),  # whole-command match
    ],
)
def test_wildcards_follow_opencode(command: str, pattern: str, matches: bool) -> None:
    assert wildcard_match(command, pattern) is matches


def test_the_longest_matching_pattern_wins() -> None:
    policy = Policy.build(None, allow=["read"], bash={"*": ASK, "git *": ALLOW, "git push *": DENY})
    assert policy.decide("bash", "git status") is ALLOW
    assert policy.decide("bash", "git push origin") is DENY
    assert policy.decide("bash", "make") is ASK
    assert policy.bash_base() is ASK
    assert policy.narrowest("bash") is DENY
    assert policy.widest("bash") is ALLOW


def test_commands_no_pattern_matches_get_the_list_decision() -> None:
    policy = Policy.build(None, deny=["bash"], bash={"git status*": ALLOW})
    assert policy.decide("bash", "git status") is ALLOW
    assert policy.decide("bash", "rm -rf /") is DENY
    assert policy.decide("bash") is DENY


patterns = st.dictionaries(
    st.text(alphabet="ab *?", min_size=1, max_size=5), st.sampled_from(list(Decision)), max_size=6
)


@given(patterns, st.text(alphabet="ab ", max_size=6), st.sampled_from(list(Decision)))
def test_decide_is_the_highest_priority_match(
    bash: dict[str, Decision], command: str, base: Decision
) -> None:
    policy = Policy.build(base, bash=bash)
    matching = [p for p in bash if wildcard_match(command, p)]
    expected = bash[max(matching, key=pattern_priority)] if matching else base
    assert policy.decide("bash", command) is expected
    assert policy.narrowest("bash") <= expected <= policy.widest("bash")


def test_an_empty_allow_list_still_means_only_these() -> None:
    policy = Policy.build(None, allow=[])
    assert policy.default is DENY
    assert all(policy.decide(tool) is DENY for tool in ("read", "bash", "mcp:x"))


def test_equal_policies_hash_alike_so_targets_can_reuse_their_work() -> None:
    from agentpack.targets.claude.permissions import agent_tools
    from agentpack.targets.opencode.permissions import rules_v1

    a = Policy.build(None, ["read", "bash"], deny=["webfetch"], bash={"git *": Decision.ALLOW})
    b = Policy.build(None, ["bash", "read"], deny=["webfetch"], bash={"git *": Decision.ALLOW})
    assert a == b
    assert hash(a) == hash(b)
    assert a != Policy.build(None, ["read"])
    assert hash(a) != hash(Policy.build(None, ["read"]))
    first, second = agent_tools(a), agent_tools(b)
    assert first == second
    assert first is not second
    first.narrowed.append(("x", Decision.ALLOW, Decision.DENY, "changed by a caller"))
    first.effective.clear()
    assert agent_tools(a) == second  # what one caller does to its copy reaches no other
    rules = rules_v1(a).rules
    assert rules is not None
    rules.clear()
    assert rules_v1(b).rules


def test_a_tool_split_at_the_wrong_underscore_follows_its_renamed_server() -> None:
    """opencode's ``my_srv_delete`` is read as server ``my``, tool ``srv_delete`` when no
    ``my_srv_*`` rule names the server; once the import knows server ``my_srv`` (the pack's
    ``my-srv``), the deny holds for its tool, and for the first reading too."""
    from agentpack.permissions import renamed, renamed_tool

    servers = {"my_srv": "my-srv"}
    assert renamed_tool("mcp:my/srv_delete", servers) == "mcp:my-srv/delete"
    assert renamed_tool("mcp:other/x", servers) == "mcp:other/x"
    policy = renamed(
        Policy.build(None, ["read", "mcp:my/srv_list"], (), ["mcp:my/srv_delete"]), servers
    )
    assert policy.tool("mcp:my-srv/delete") is Decision.DENY
    assert policy.tool("mcp:my/srv_delete") is Decision.DENY
    assert policy.tool("mcp:my-srv/list") is Decision.ALLOW
    assert "mcp:my/srv_list" not in policy.tools
