"""Claude Code's spelling of permissions: agent ``tools``/``disallowedTools`` and grant rules.

What Claude Code 2.1 does with an agent file (read from its shipped source, November 2026):
``disallowedTools`` removes tools first, then ``tools`` (if present) keeps only the named ones;
no ``tools`` keeps everything else, MCP tools included. ``mcp__<server>`` in ``tools`` keeps all
of a server's tools; ``mcp__*`` is not expanded there. A subagent's ``tools`` line has no "ask"
and drops command patterns (``Bash(git *)`` becomes all of Bash), so both become "deny" here,
each with a note, never a silent widening.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agentpack.filereport import FileReport
from agentpack.model import Grant
from agentpack.permissions import TOOLS, Decision, Policy, mcp_parts, normalize_tool_id
from agentpack.targets.claude.names import DENIED_WITH, GONE, LEGACY, MCP_RESOURCES
from agentpack.targets.claude.names import TOOLS as NAMES

JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    map(chr, range(0x2000, 0x200B))
)
"""What JavaScript's ``trim()`` takes off (Python's ``strip()`` takes other characters)."""


def rules(value: Any) -> list[str]:
    """A tools line's rules as Claude Code 2.1.332 reads them: a text, or each text of a
    list, split at commas and spaces outside parentheses (``Read Grep``, ``Bash(git log)``),
    each trimmed as JavaScript trims; any other value (null, a mapping) names no tool."""
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    found: list[str] = []
    for text in (t for t in texts if isinstance(t, str)):
        rule, inside = "", False
        for char in text:
            if char in "()":
                inside = char == "("
                rule += char
            elif char in ", " and not inside:
                if rule.strip(JS_SPACE):
                    found.append(rule.strip(JS_SPACE))
                rule = ""
            elif rule or char not in JS_SPACE:
                rule += char
        if rule.strip(JS_SPACE):
            found.append(rule.strip(JS_SPACE))
    return found


def mcp_name(tool_id: str) -> str:
    server, tool = mcp_parts(tool_id)
    if server is None:
        return "mcp__*"
    return f"mcp__{server}" if tool is None else f"mcp__{server}__{tool}"


def _covers(broad: str, narrow: str) -> bool:
    """True when the MCP id ``broad`` includes ``narrow`` (server includes its tools)."""
    if broad == narrow or not broad.startswith("mcp:") or not narrow.startswith("mcp:"):
        return False
    b_server, b_tool = mcp_parts(broad)
    n_server, _ = mcp_parts(narrow)
    return b_server is None or (b_tool is None and b_server == n_server)


@dataclass(slots=True)
class AgentTools:
    """The two frontmatter lists, what they enforce, and why anything was narrowed."""

    tools: list[str] | None
    disallowed: list[str]
    effective: dict[str, Decision | None] = field(default_factory=dict)
    narrowed: list[tuple[str, Decision, Decision, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    """What else was narrowed, as (field, why): what no canonical tool stands for."""


def agent_tools(policy: Policy | None) -> AgentTools:
    """The lists for ``policy``: computed once per distinct policy, a fresh copy each call."""
    done = _agent_tools(None if policy is None else policy.key(), policy)
    return AgentTools(
        None if done.tools is None else list(done.tools),
        list(done.disallowed),
        dict(done.effective),
        list(done.narrowed),
        list(done.notes),
    )


@functools.lru_cache(maxsize=1024)
def _agent_tools(key: object, policy: Policy | None) -> AgentTools:
    # ``key`` (Policy.key) keeps equal policies that list tools in other orders apart
    if policy is None:
        return AgentTools(None, [], dict.fromkeys((*TOOLS, "*")))
    out = AgentTools(None, [])

    def fit(tool: str) -> Decision:
        got = policy.narrowest(tool)
        if tool == "bash" and policy.widest("bash") > got:
            out.narrowed.append(
                (
                    tool,
                    policy.widest("bash"),
                    got,
                    "a subagent's tools line "
                    "cannot carry command patterns; Bash(git *) would mean all of "
                    "Bash",
                )
            )
        if got is Decision.ASK:
            if tool == "*" or tool in policy.tools or (tool == "bash" and policy.bash):
                # tools the source does not name are covered by the one note for "*"
                out.narrowed.append((tool, got, Decision.DENY, "Claude Code subagents cannot ask"))
            got = Decision.DENY

        return got

    default = fit("*") if policy.default is Decision.ASK else policy.default
    decisions = {tool: fit(tool) for tool in (*TOOLS, *policy.named_mcp())}
    if decisions["write"] < decisions["edit"]:
        out.narrowed.append(
            (
                "edit",
                decisions["edit"],
                decisions["write"],
                "Claude Code's Edit also creates a file (an empty old_string), so edit can "
                "be no wider than write there",
            )
        )
        decisions["edit"] = decisions["write"]
    if default is Decision.ALLOW:
        denied = [t for t, d in decisions.items() if d is Decision.DENY]
        out.disallowed = _names(denied, deny=True)
        _resources(out, denied)

        for tool, decision in decisions.items():
            blocker = next((d for d in denied if _covers(d, tool)), None)
            if decision is Decision.ALLOW and blocker:
                out.narrowed.append(
                    (
                        tool,
                        decision,
                        Decision.DENY,
                        f"disallowedTools {mcp_name(blocker)} removes the whole server first",
                    )
                )
                decisions[tool] = Decision.DENY
    else:
        allowed = [t for t, d in decisions.items() if d is Decision.ALLOW]
        if "mcp:*" in allowed:
            allowed.remove("mcp:*")
            decisions["mcp:*"] = Decision.DENY
            out.narrowed.append(
                (
                    "mcp:*",
                    Decision.ALLOW,
                    Decision.DENY,
                    "a tools line cannot allow every MCP server; name the servers",
                )
            )
        out.tools = _names(allowed)
        out.disallowed = _names(
            [
                t
                for t, d in decisions.items()
                if d is Decision.DENY and any(_covers(a, t) for a in allowed)
            ]
        )
    out.effective = {
        **{t: d if _names([t]) else None for t, d in decisions.items()},
        "*": default,
    }
    for pattern in ("*", *(rule.pattern for rule in policy.bash)):
        out.effective[f"bash:{pattern}"] = decisions["bash"]  # one decision for every command
    return out


def _resources(out: AgentTools, denied: list[str]) -> None:
    """A denied server's resources are still read through Claude Code's resource tools,
    which serve every server: denied with it (not with one of its tools), and said when
    other servers stay allowed."""
    servers = [mcp_name(t) for t in denied if t.startswith("mcp:") and mcp_parts(t)[1] is None]
    if not servers:
        return
    out.disallowed += MCP_RESOURCES
    if "mcp:*" not in denied:
        out.notes.append(
            (
                "tools",
                f"Claude Code reads any server's resources with {', '.join(MCP_RESOURCES)}, "
                f"which no rule holds to one server; denied with {', '.join(servers)}, so the "
                "agent reads no server's resources",
            )
        )


def _names(tool_ids: list[str], *, deny: bool = False) -> list[str]:
    names: list[str] = []
    for tool_id in tool_ids:
        if tool_id.startswith("mcp:"):
            names.append(mcp_name(tool_id))
        else:
            names.extend(NAMES[tool_id] + (DENIED_WITH[tool_id] if deny else ()))
    return names


GRANT_NAMES: Mapping[str, tuple[str, ...]] = {
    tool: names[:1] for tool, names in NAMES.items() if tool != "list"
}
"""A grant pre-approves; it names the current main tool only (no legacy names, no extra
shells): pre-approving more than the source says would widen it."""


NO_RULE = "has no Claude Code rule"


def unheld_grant(pattern: str) -> str | None:
    """Why Claude Code would read a bash grant as granting more than it matches (2.1.332,
    seen pre-approving every command for ``Bash(x) Bash(*)`` and ``python3 src/x.py`` for
    ``python3 src/**/*.py``), or None."""
    if "(" in pattern or ")" in pattern:
        return (
            "is not written: Claude Code splits allowed-tools at a space or comma after a "
            "')', so a pattern with parentheses would grant other commands"
        )
    if "**" in pattern:
        return (
            "is not written: Claude Code reads /**/ as any number of folders, none too, so "
            "it would grant commands the pattern does not match"
        )
    return None


def grant_rules(grants: tuple[Grant, ...]) -> tuple[list[str], list[tuple[str, str]]]:
    """Claude rule strings for ``allowed-tools``, and the grants that have none (dropped:
    nothing is pre-approved for them), each with why."""
    rules: list[str] = []
    dropped: list[tuple[str, str]] = []
    for grant in grants:
        if grant.tool.startswith("mcp:"):
            if grant.tool == "mcp:*":
                dropped.append((str(grant), NO_RULE))
            else:
                rules.append(mcp_name(grant.tool))
        elif grant.pattern is not None:
            pattern = grant.pattern
            unheld = unheld_grant(pattern)
            if unheld is not None:
                dropped.append((str(grant), unheld))
                continue
            if pattern.endswith(" *"):
                pattern = pattern[:-2] + ":*"  # Claude's prefix form, read by every version
            rules.append(f"Bash({pattern})")
        elif grant.tool == "edit" and not any(g.tool == "write" for g in grants):
            dropped.append((str(grant), EDIT_WRITES))
        elif GRANT_NAMES.get(grant.tool):
            rules.extend(GRANT_NAMES[grant.tool])
        else:
            dropped.append((str(grant), NO_RULE))
    return rules, dropped


EDIT_WRITES = (
    "is not written: Claude Code's Edit also creates a file (an empty old_string), so "
    "pre-approving it would approve writes; grant write too"
)


SPELLINGS = ("toolNames", "disallowedToolNames")
"""Keys of the ``claude:`` block that record how the agent's source file spelled its lists;
used by the renderer, never written."""


def _canonical(names: list[str]) -> set[str] | None:
    """The canonical tools a list of Claude tool names stands for; None if a name is not a
    plain Claude tool name (a rule with a pattern, an unknown name)."""
    from agentpack.targets.claude.names import tool_id

    found = set()
    for name in names:
        tool, pattern = tool_id(name)
        if tool is None or pattern is not None:
            return None
        found.add(normalize_tool_id(tool))
    return found


def respelled(
    computed: list[str] | None,
    recorded: object,
    *,
    deny: bool,
    plain: Callable[[str], str] = str,
) -> list[str] | None:
    """``recorded`` (the source's own spelling) in place of ``computed`` when it says the
    same thing or less: an allowlist may name fewer of a tool's Claude names (only ``Bash``
    of the shell tools), never another tool; a denylist must still name every one.
    ``plain``: the pack's name of a name in ``recorded`` (a plugin server's tool)."""
    if computed is None or not isinstance(recorded, list) or not recorded:
        return None
    names = [str(n) for n in recorded]
    # in an allowlist, a name Claude Code no longer has (MultiEdit) may stay as written: it
    # grants nothing there; any other name must be one the pack allows
    said = [plain(n) for n in names if deny or n.strip() not in GONE]
    tools = _canonical(computed)
    if _canonical(said) != tools:
        return None
    # and an allowlist may say a tool by an older name (Task for Agent), a whole server as
    # mcp__x__* (which Claude Code reads as mcp__x)
    older = {name for tool in tools or () for name in LEGACY.get(tool, ())}
    whole = {n[:-3] if n.startswith("mcp__") and n.endswith("__*") else n for n in said}
    fits = set(computed) <= set(said) if deny else whole <= set(computed) | older
    return names if fits else None


PLAN_DENIES = ("edit", "write", "notebook", "bash", "mcp:*")
"""What Claude Code's plan mode keeps an agent from: changing files, running commands, and
MCP tools (which may change anything)."""


def planning(found: Policy | None, report: FileReport) -> Policy:
    """An agent in plan mode, which Claude Code holds to reading: its policy with what the
    mode forbids denied, so that no other tool gets it."""
    report.approximated.append(
        "permissionMode: plan (Claude Code's plan mode only reads: the other tools get "
        f"{', '.join(PLAN_DENIES)} denied)"
    )
    return _denying(found, PLAN_DENIES)


def not_asking(found: Policy | None, report: FileReport) -> Policy:
    """An agent in dontAsk mode, in which Claude Code refuses every call it would ask
    about, unless the user's settings approve it beforehand (which a pack cannot know):
    its policy with those tools denied."""
    refused = (*ASKED, "mcp:*")
    report.approximated.append(
        "permissionMode: dontAsk (Claude Code refuses what it would ask about unless the "
        f"user's settings allow it: {', '.join(refused)} denied)"
    )
    return _denying(found, refused)


def _denying(found: Policy | None, denies: Sequence[str]) -> Policy:
    base = found or Policy.build(Decision.ALLOW)
    denied = [*denies, *(t for t in base.tools if t.startswith("mcp:"))]
    kept = {t: d for t, d in base.tools.items() if t not in denied}
    return Policy.build(
        base.default,
        [t for t, d in kept.items() if d is Decision.ALLOW],
        [t for t, d in kept.items() if d is Decision.ASK],
        [*(t for t, d in kept.items() if d is Decision.DENY), *dict.fromkeys(denied)],
    )


def with_memory(fm: dict[str, Any], report: FileReport) -> dict[str, Any]:
    """An agent with ``memory`` and a tools line, as Claude Code 2.1.332 loads it: with
    Read, Write and Edit added to the line (its deny line still applies after, so a name
    it denies is not added)."""
    if not fm.get("memory") or "tools" not in fm:
        return fm
    names = rules(fm["tools"])
    denied = rules(fm.get("disallowedTools", fm.get("disallowed-tools")))
    added = [n for n in ("Read", "Write", "Edit") if n not in names and n not in denied]
    if not added or "*" in names:
        return fm
    report.approximated.append(
        f"memory: Claude Code adds {', '.join(added)} to the agent's tools line, and so does "
        "the pack"
    )
    return {**fm, "tools": [*names, *added]}


ASKED = ("bash", "write", "edit", "notebook", "webfetch", "websearch")
"""Tools Claude Code asks the user about before each use in its default mode, whatever an
agent's tools line says (and MCP tools)."""


def asked(found: Policy | None, report: FileReport) -> None:
    """A tools line makes a tool available; Claude Code still asks before some of them,
    unless the session's mode or settings say otherwise. The pack reads the line as allow,
    as Claude Code runs it in bypassPermissions mode, and tools that never ask (opencode,
    Copilot) then run those without a question: say so, with what keeps it."""
    if found is None:
        return
    asked = [t for t in (*ASKED, *found.named_mcp()) if found.decide(t) is Decision.ALLOW]
    if asked:
        report.approximated.append(
            f"tools ({', '.join(asked)}: Claude Code asks before each use in its default "
            "mode; the pack allows them, as its bypassPermissions mode does, and opencode "
            "then runs them without asking: list them under ask: to keep the question there"
            + (
                ", where bash asked for is denied, as opencode cannot ask about every command)"
                if "bash" in asked
                else ")"
            )
        )
