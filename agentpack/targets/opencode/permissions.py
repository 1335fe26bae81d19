"""opencode's spelling of permissions, kept in one place so a 2.x form can be added beside it.

opencode 1.x starts every agent from ``"*": allow`` and evaluates ``permission`` rules in file
order, the last matching rule winning (defaults, then global config, then the agent). So an
agent whose source default is deny starts with ``"*": deny``; tools the source names follow.
bash is allowed or denied whole (``SHELL_UNHELD``). ``edit`` also governs write and patch,
so write and edit share one rule: the narrower.

opencode 2.x (``permissions`` array of ``{action, resource, effect}``, ``shell`` for bash,
``subagent`` for task, unmatched -> ask) reads 1.x files; see README, "opencode 2.x".
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agentpack.permissions import (
    TOOLS,
    Decision,
    Policy,
    mcp_parts,
    sample_command,
    wildcard_match,
)

KEYS: Mapping[str, tuple[str, ...]] = {
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
    "notebook": (),  # opencode has no notebook tool
    "skill": ("skill",),
}
"""Canonical tool -> the opencode 1.x permission keys that govern the same capability."""

ORDER: tuple[str, ...] = tuple(dict.fromkeys(k for keys in KEYS.values() for k in keys))

Rules = dict[str, Any]
"""``permission`` as written: key -> action, or key -> {pattern: action} (bash)."""


def mcp_key(tool_id: str) -> str:
    server, tool = mcp_parts(tool_id)
    if server is None:
        return "*"
    return f"{server}_*" if tool is None else f"{server}_{tool}"


@dataclass(slots=True)
class Permission:
    """An opencode ``permission`` block and the places it had to be narrowed."""

    rules: Rules | None
    narrowed: list[tuple[str, Decision, Decision, str]] = field(default_factory=list)


def _contributors(key: str) -> list[str]:
    return [tool for tool, keys in KEYS.items() if key in keys]


def rules_v1(policy: Policy | None, servers: tuple[str, ...] = ()) -> Permission:
    """The ``permission`` block for an agent, or None to inherit opencode's defaults:
    computed once per distinct policy, a fresh copy each call. ``servers``: the MCP
    servers the agent may meet besides those its policy names (the pack's)."""
    done = _rules_v1(None if policy is None else policy.key(), policy, servers)
    rules = (
        None
        if done.rules is None
        else {k: dict(v) if isinstance(v, dict) else v for k, v in done.rules.items()}
    )
    return Permission(rules, list(done.narrowed))


@functools.lru_cache(maxsize=1024)
def _rules_v1(key: object, policy: Policy | None, servers: tuple[str, ...]) -> Permission:
    # ``key`` (Policy.key) keeps equal policies that list tools in other orders apart
    if policy is None:
        return Permission(None)
    out = Permission({})
    star = policy.tool("mcp:*") if "mcp:*" in policy.tools else policy.default
    floor = min(policy.default, star)
    if star > policy.default:
        out.narrowed.append(
            (
                "mcp:*",
                star,
                policy.default,
                "opencode has no rule that matches every MCP tool and nothing else",
            )
        )
    rules: Rules = {}
    if floor is not Decision.ALLOW:
        rules["*"] = str(floor)
    named = set(policy.tools) | ({"bash"} if policy.bash else set())
    for key in ORDER:
        tools = _contributors(key)
        if key == "bash":  # also where the catch-all would say ask
            bash = _bash(policy, out)
            if "bash" in named or bash != str(floor):
                rules[key] = bash
            continue
        if not (named & set(tools)) and policy.default <= floor:
            continue  # the catch-all already says it
        decision = min(policy.tool(t) for t in tools)
        for tool in tools:
            if policy.tool(tool) > decision:
                out.narrowed.append(
                    (
                        tool,
                        policy.tool(tool),
                        decision,
                        f"opencode's {key} rule "
                        f"also governs {', '.join(t for t in tools if t != tool)}",
                    )
                )
        rules[key] = str(decision)
    rules.update(_server_rules(_mcp_rules(policy, servers, out), rules.get("*"), out))
    _resource_rules(policy, servers, rules)
    out.rules = rules
    return out


def _resource_rules(policy: Policy, servers: tuple[str, ...], rules: Rules) -> None:
    """opencode 1.18.33 reads an MCP server's resources under the ``read`` permission, as
    ``mcp:<server>:<uri>``, whatever the server's tool rules say: where a server may give
    less than files may, ``read`` gets patterns that hold its resources to what the server
    gets (after opencode's own read rules, which stay, unless ``read`` was written whole)."""
    files = Decision.parse(rules.get("read") or rules.get("*") or "allow")
    star = policy.tool("mcp:*") if "mcp:*" in policy.tools else policy.default
    anyone = min(files, policy.default, star)
    patterns = {"mcp:*": str(anyone)} if anyone < files else {}
    named = {server for t in policy.named_mcp() if (server := mcp_parts(t)[0]) is not None}
    for server in sorted({*named, *servers}):
        decision = min(files, policy.tool(f"mcp:{server}"))
        if decision != anyone:
            patterns[f"mcp:{server}:*"] = str(decision)
    if patterns:
        whole = rules.get("read")
        rules["read"] = {**({"*": whole} if isinstance(whole, str) else {}), **patterns}


def _server_rules(mcp: Mapping[str, Decision], floor: str | None, out: Permission) -> Rules:
    """The MCP rules in the order opencode should read them (a server's before its
    tools'), then each of opencode's own permissions that one of them matches: no more
    than it was before them (the agent's ``*`` rule, ``floor``, else opencode's default),
    nor than they give the server's tool of that name (``external``'s ``directory``),
    which is narrowed, said, where that is less."""
    rules: Rules = {name: str(mcp[name]) for name in sorted(mcp, key=_order)}
    for own, default in OWN_DEFAULTS.items():  # the last rule that matches wins
        matching = [key for key in rules if wildcard_match(own, key)]
        if not matching:
            continue
        given = Decision.parse(rules[matching[-1]])
        kept = min(Decision.parse(floor or default), given)
        rules[own] = str(kept)
        if kept < given:
            tool = "mcp:" + own.replace("_", "/", 1)
            why = f"opencode's own {own} permission has the name of this tool"
            out.narrowed.append((tool, given, kept, why))
    return rules


OWN_DEFAULTS: Mapping[str, str] = {
    "external_directory": "ask",
    "doom_loop": "ask",
    "question": "deny",
    "plan_enter": "deny",
    "plan_exit": "deny",
}
"""opencode 1.18.33's own permissions, as its agents start (``external_directory`` allows
its skills' folders too, which "ask" narrows). A rule for the tools of a server named
``external``, ``doom`` or ``plan`` (``external_*``) matches one of them as well: that
permission's own rule follows it, or allowing the server would let the agent read and
write outside the project."""


def _mcp_rules(policy: Policy, servers: tuple[str, ...], out: Permission) -> dict[str, Decision]:
    """The rules for MCP tools. opencode names a tool ``<server>_<tool>``, so where one
    server's name is another's with ``_<more>`` after it (``corpus``, ``corpus_search``),
    the two share names: ``corpus_search_q`` is corpus_search's ``q`` and corpus's
    ``search_q``. The rules are checked on a sample of each known server's tools (the
    pack's servers and those the policy names), each read both ways; where opencode would
    give one more than the source, the rule that decides it is narrowed (with a note), or
    the server gets a rule of its own. Servers outside the pack cannot be known."""
    named = [t for t in policy.named_mcp() if t != "mcp:*"]
    rules: dict[str, Decision] = {}
    owner: dict[str, str] = {}
    for tool_id in named:
        key, decision = mcp_key(tool_id), policy.tool(tool_id)
        rules[key] = min(decision, rules.get(key, decision))
        owner.setdefault(key, tool_id)
    known = sorted({*(mcp_parts(t)[0] or "" for t in named), *servers} - {""})
    star = policy.tool("mcp:*") if "mcp:*" in policy.tools else policy.default
    floor = min(policy.default, star)
    for _ in range(4 * (len(rules) + len(known)) + 4):  # each round narrows or adds a rule
        found = _wider(policy, known, rules, floor)
        if found is None:
            break
        server, name, want, decider = found
        own = f"{server}_*"
        if decider is None or (own not in rules and _order(decider) < _order(own)):
            rules[own] = want
            continue
        if decider in owner:
            why = f"opencode names MCP tools <server>_<tool>, and {decider} also matches {name}"
            out.narrowed.append((owner[decider], rules[decider], want, why))
        rules[decider] = want
    return rules


def _order(key: str) -> tuple[int, str]:
    return len(key), key


def _wider(
    policy: Policy, known: list[str], rules: Mapping[str, Decision], floor: Decision
) -> tuple[str, str, Decision, str | None] | None:
    """The first sample tool opencode would give more than the source: (its server, what
    it is, what the source gives it, the rule that decides it)."""
    ids = [mcp_parts(t) for t in policy.named_mcp() if t != "mcp:*"]
    tools = {s: [t for server, t in ids if server == s and t] for s in known}
    order = sorted(rules, key=_order)
    for server in known:
        probes: list[str | None] = [None, *tools[server]]
        for other in known:  # the names it shares with a server named after it, or before
            if other.startswith(f"{server}_"):
                rest = other[len(server) + 1 :]
                probes += [f"{rest}_{t}" for t in tools[other]]
                probes.append(f"{rest}_\x00")
            elif server.startswith(f"{other}_"):
                rest = server[len(other) + 1 :] + "_"
                probes += [t[len(rest) :] for t in tools[other] if t.startswith(rest)]
        for tool in probes:
            name = f"{server}_{tool or chr(0)}"
            plain = tool is None or chr(0) in tool
            want = policy.tool(f"mcp:{server}" if plain else f"mcp:{server}/{tool}")
            got, decider = floor, None
            for key in order:
                if wildcard_match(name, key):
                    got, decider = rules[key], key
            if got > want:
                said = "any tool" if plain else f"the tool {tool}"
                return server, f"{said} of {server}", want, decider
    return None


def effective(policy: Policy | None, servers: tuple[str, ...] = ()) -> dict[str, Decision | None]:
    """What opencode will enforce per canonical tool (and per bash pattern), read back from
    the rules ``rules_v1`` writes for the pack's ``servers``; for ``explain``, so render
    does not pay for it."""
    if policy is None:
        return dict.fromkeys((*TOOLS, "*"))
    rules = rules_v1(policy, servers).rules
    out = {t: evaluate(rules, t) for t in (*TOOLS, *policy.named_mcp())}
    out["*"] = min(
        policy.default, policy.tool("mcp:*") if "mcp:*" in policy.tools else policy.default
    )
    for pattern in ("*", *(rule.pattern for rule in policy.bash)):
        out[f"bash:{pattern}"] = evaluate(rules, "bash", sample_command(pattern))
    return out


SHELL_UNHELD = (
    "opencode 1.18.33 checks a shell script only by the commands it finds in it, so a "
    "script with an allowed command, or with none (declare 'a[$(cmd)0]=1'), runs whatever "
    "else it holds without asking; bash is denied unless the source allows every command"
)
"""Why opencode gets bash only when every command is allowed (seen running: with
``bash: ask``, and with ``git status: allow`` under ``"*": deny``, such a script ran)."""


def _bash(policy: Policy, out: Permission) -> str:
    """opencode's bash rule: allow when the source allows every command, else deny (which
    takes the tool away): its patterns and its ask cannot hold a script to them."""
    if policy.narrowest("bash") is Decision.ALLOW:
        return str(Decision.ALLOW)
    widest = policy.widest("bash")
    if widest is not Decision.DENY:
        out.narrowed.append(("bash", widest, Decision.DENY, SHELL_UNHELD))
    return str(Decision.DENY)


def evaluate(rules: Rules | None, tool_id: str, command: str | None = None) -> Decision | None:
    """What opencode 1.x decides for a canonical tool under ``rules``: start from allow, the
    last matching rule wins. A tool spelled by several keys counts as open when any key is.
    Without a command, a bash pattern map gives its widest action (some call may match it).
    None: opencode has no such tool. MCP ids are checked on a sample tool of the server."""
    if tool_id.startswith("mcp:"):
        server, tool = mcp_parts(tool_id)
        keys: tuple[str, ...] = (f"{server or 'any'}_{tool or 'sample'}",)
    else:
        keys = KEYS.get(tool_id, ())
    if not keys:
        return None
    if rules is None:
        return Decision.ALLOW
    return max(_decide(rules, key, command) for key in keys)


def _decide(rules: Rules, key: str, command: str | None) -> Decision:
    result = Decision.ALLOW
    for pattern, action in rules.items():
        if not wildcard_match(key, pattern):
            continue
        if isinstance(action, str):
            result = Decision.parse(action)
        elif command is None:
            result = max(Decision.parse(a) for a in action.values())
        else:
            for sub, sub_action in action.items():
                if wildcard_match(command, sub):
                    result = Decision.parse(sub_action)
    return result
