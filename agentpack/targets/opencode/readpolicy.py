"""opencode's permission rules read as a canonical policy, for ``import``.

opencode starts every agent from "allow everything", so an agent that only denies write and
edit means "everything else allowed". The current ``permission`` form, the deprecated
``tools: {name: bool}`` map and 2.x's ``permissions`` list are read. Rules are evaluated the
way opencode does (last match wins) and carried as canonical decisions; path patterns on
non-shell tools, which the canonical policy cannot hold, become the narrowest decision they
give, with a note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agentpack.filereport import FileReport
from agentpack.permissions import (
    Decision,
    Policy,
    is_tool_id,
    pattern_priority,
    sample_command,
    server_name,
    wildcard_match,
)
from agentpack.yamldoc import Located

TOOL_KEYS: Mapping[str, tuple[str, ...]] = {
    "read": ("read",),
    "edit": ("edit", "write", "notebook"),  # a notebook is a file opencode's edit changes
    "write": ("write",),
    "patch": ("edit",),
    "apply_patch": ("edit",),
    "multiedit": ("edit",),
    "glob": ("glob",),
    "grep": ("grep",),
    "list": ("list",),
    "bash": ("bash",),
    "webfetch": ("webfetch",),
    "websearch": ("websearch",),
    "codesearch": ("websearch",),
    "todowrite": ("todo",),
    "todoread": ("todo",),
    "task": ("task",),
    "skill": ("skill",),
}
"""opencode permission key or tool -> the canonical tools it governs."""

PERMISSION_KEYS = tuple(
    k for k in TOOL_KEYS if k not in ("write", "patch", "apply_patch", "multiedit")
)
"""The keys opencode asks permission under (its edit tools all ask under ``edit``); the
others are tool names, which only the deprecated ``tools`` map uses."""

OPENCODE_OWN = frozenset(
    {"external_directory", "doom_loop", "question", "lsp", "batch", "plan_enter", "plan_exit"}
)
"""opencode permissions with no canonical tool (left to opencode's defaults)."""


V2_ACTIONS = {"shell": "bash", "subagent": "task"}
"""opencode 2.x's names for the 1.x permission keys it renamed."""
_NO_MATCH = ("*", "*", Decision.ASK)
"""Where 2.x's rules begin: an action no rule matches asks (1.x allows it)."""
FLOOR = "\x00floor"
"""The key of a 2.x rule whose action pattern names no tool agentpack knows: its effect
bounds what every tool agentpack does not name gets."""
_SERVER_PATTERN = re.compile(r"[\w-]+_\*")
"""An action pattern that names an MCP server's tools (``github_*``)."""
Rule = tuple[str, str, Decision]


def _rules(fm: Mapping[str, Any], report: FileReport, located: Located | None) -> list[Rule] | None:
    """The agent's rules in file order, as (key, pattern, decision); None: inherit."""
    permission, tools = fm.get("permission"), fm.get("tools")
    if "tools" in fm and not isinstance(tools, dict):  # null and [] too
        line, col = located.pos(("tools",)) if located else (1, 1)
        report.error(
            line,
            col,
            "tools",
            "opencode wants a map of tool: true or false here, and refuses the whole "
            "config otherwise; write it so (read: true, bash: false), or as permission:",
        )
        return None
    if permission is None and not isinstance(tools, dict):
        return _v2_rules(fm.get("permissions"), report, located)
    rules: list[Rule] = []
    if isinstance(tools, dict):  # deprecated since 1.1.1; permission entries override it
        report.approximated.append("tools (the deprecated opencode map, read as permission)")
        for key, on in tools.items():
            rules.append((str(key), "*", Decision.ALLOW if on else Decision.DENY))
    if isinstance(permission, str):
        rules.append(("*", "*", Decision.parse(permission)))
    elif isinstance(permission, dict):
        report.mapped.append("permission")
        for key, value in permission.items():
            if isinstance(value, str):
                rules.append((str(key), "*", Decision.parse(value)))
            elif isinstance(value, dict):
                rules.extend((str(key), str(p), Decision.parse(str(a))) for p, a in value.items())
    return rules + (_v2_rules(fm.get("permissions"), report, located) or [])


def _denies(found: Mapping[str, Any], report: FileReport) -> list[Rule]:
    """``permissions`` written as 1.x's ``permission`` map: opencode 1.18 passes it to the
    model as an option and applies none of it (2.x refuses it). What it denies is kept,
    last, so that it holds; the rest is dropped, which is what opencode does with it."""
    rules = [(str(k), "*", Decision.DENY) for k, v in found.items() if v == "deny"]
    for key, value in found.items():
        if isinstance(value, dict):
            rules += [(str(key), str(p), Decision.DENY) for p, d in value.items() if d == "deny"]
    report.approximated.append(
        "permissions (a mapping, which opencode 1.x applies none of and 2.x refuses: its "
        "denies kept, the rest dropped)"
    )
    return rules


def _v2_rules(permissions: Any, report: FileReport, located: Located | None) -> list[Rule] | None:
    """opencode 2.x's ``permissions``, an ordered list of ``{action, resource, effect}`` in
    which the last match wins and no match asks, as 1.x rules (None: none). 2.x matches an
    action pattern against its own names: it is read for each known action it matches, for
    an MCP server's tools (``github_*``), and, when it denies or asks, as a bound on every
    tool agentpack does not name. Where a rule's meaning is not certain, only what narrows
    is kept. A list of another shape is an error: opencode 2.x refuses the file (a mapping
    is read by ``_denies``)."""
    if permissions is None:
        return None
    if isinstance(permissions, dict):
        return _denies(permissions, report)
    report.mapped.append("permissions (opencode 2.x)")
    rules: list[Rule] = [_NO_MATCH]
    known = [*(k for k in TOOL_KEYS if k not in V2_ACTIONS.values()), *V2_ACTIONS, *OPENCODE_OWN]
    for i, rule in enumerate(permissions if isinstance(permissions, list) else [permissions]):
        parts = _v2_rule(rule) if isinstance(permissions, list) else None
        if parts is None:
            where = ("permissions", i) if isinstance(permissions, list) else ("permissions",)
            line, col = located.pos(where) if located else (1, 1)
            report.error(
                line,
                col,
                "permissions" + (f"[{i}]" if len(where) > 1 else ""),
                "opencode 2.x permissions are a list of {action, resource, effect}, effect "
                "allow, deny or ask, and opencode refuses the file otherwise; fix the rule",
            )
            return rules
        action, resource, decision = parts
        if action in V2_ACTIONS.values():  # 1.x's name: whether 2.x still reads it is unsaid
            report.approximated.append(
                f"permissions[{i}].action: {action} (1.x's name for "
                f"{'shell' if action == 'bash' else 'subagent'}: kept only to deny)"
            )
            if decision is not Decision.ALLOW:
                rules.append((action, resource, Decision.DENY))
            continue
        if action == "*" or not any(c in action for c in "*?"):
            rules.append((V2_ACTIONS.get(action, action), resource, decision))
            continue
        names = [name for name in known if wildcard_match(name, action)]
        rules += [(V2_ACTIONS.get(name, name), resource, decision) for name in names]
        if _SERVER_PATTERN.fullmatch(action):
            rules.append((action, resource, decision))
        elif decision is not Decision.ALLOW:
            rules.append((FLOOR, "*", decision))
        report.approximated.append(
            f"permissions[{i}].action: {action} (read for the actions it names that "
            f"agentpack knows: {', '.join(names) or 'none'}; for any other tool it may "
            "only narrow)"
        )
    return rules


def _v2_rule(rule: Any) -> Rule | None:
    """A 2.x rule's action, resource and effect; None when it is not one."""
    if not isinstance(rule, dict):
        return None
    action, resource, effect = (rule.get(k) for k in ("action", "resource", "effect"))
    if not isinstance(action, str) or not isinstance(resource, str):
        return None
    if effect not in ("allow", "deny", "ask"):
        return None
    return action, resource, Decision.parse(effect)


def _decide(rules: list[Rule], key: str, subject: str) -> Decision:
    result = Decision.ALLOW
    for rule_key, pattern, decision in rules:
        if wildcard_match(key, rule_key) and wildcard_match(subject, pattern):
            result = decision
    return result


def _narrowest(rules: list[Rule], key: str) -> Decision:
    """What a tool gets at the least: the rules are tried with a subject of each pattern of
    a rule that names the tool (``*`` too), and with one no pattern names."""
    patterns = dict.fromkeys(p for k, p, _ in rules if wildcard_match(key, k))
    return min(_decide(rules, key, sample_command(p)) for p in (*patterns, "*"))


def _collect(
    rules: list[Rule], report: FileReport
) -> tuple[dict[str, Decision], dict[str, Decision]]:
    """Canonical decisions per tool, and bash patterns, as opencode resolves the rules."""
    tools: dict[str, Decision] = {}
    bash: dict[str, Decision] = {}
    # an MCP server's tools are <server>_<tool>; a "<server>_*" rule names the server
    servers = sorted({k[:-2] for k, _, _ in rules if k.endswith("_*")}, key=len, reverse=True)
    named = [k for k, _, _ in rules if k not in ("*", FLOOR)]
    if any(k == "*" and p != "*" for k, p, _ in rules):
        report.approximated.append(
            "permission.* (patterns for every tool become the narrowest decision they give "
            "each tool)"
        )
    for key in dict.fromkeys([*PERMISSION_KEYS, *named]):
        if key == "bash":
            patterns = dict.fromkeys(p for k, p, _ in rules if wildcard_match("bash", k))
            bash.update((p, _decide(rules, "bash", sample_command(p))) for p in patterns)
            continue
        decision = _narrowest(rules, key)
        if any(k == key and p != "*" for k, p, _ in rules):
            report.approximated.append(
                f"permission.{key} (path patterns become the narrowest "
                f"decision they give: {decision})"
            )
        if key in TOOL_KEYS:
            for tool in TOOL_KEYS[key]:
                tools[tool] = min(decision, tools.get(tool, decision))
        elif any(c in key for c in "*?") and not _SERVER_PATTERN.fullmatch(key):
            _pattern(key, rules, tools, report)
        elif key.endswith("_*"):
            tools[f"mcp:{key[:-2]}"] = min(decision, tools.get(f"mcp:{key[:-2]}", decision))
        elif server := next((s for s in servers if key.startswith(f"{s}_")), None):
            tools[f"mcp:{server}/{key[len(server) + 1 :]}"] = decision
        elif "_" in key.strip("_") and key not in OPENCODE_OWN and "*" not in key:
            server, _, tool = key.partition("_")
            tools[f"mcp:{server}/{tool}"] = decision
            report.approximated.append(
                f"permission.{key} (read as MCP server {server!r}, tool "
                f"{tool!r}; add a '{server}_*' rule to say otherwise)"
            )
        elif key in OPENCODE_OWN:
            report.approximated.append(
                f"permission.{key} (opencode's own: kept for opencode under "
                "opencode.permission; the other tools apply their own rules to it)"
            )
        else:
            report.dropped.append(
                f"permission.{key} (no canonical tool; opencode's own default applies)"
            )
    _sanitized(tools, report)
    return tools, bash


def _sanitized(tools: dict[str, Decision], report: FileReport) -> None:
    """Rules for a server whose name holds characters opencode turns into ``_`` in its
    tools' names (``company.jira_*``, which matches no tool): a deny or ask is kept for the
    server so named (what was meant, and narrower), an allow is dropped."""
    for tool in [t for t in tools if t.startswith("mcp:") and not is_tool_id(t)]:
        decision = tools.pop(tool)
        server, _, rest = tool[4:].partition("/")
        if decision is Decision.ALLOW:
            report.dropped.append(f"permission: {tool} (a server name no tool can have)")
            continue
        fixed = f"mcp:{server_name(server)}" + (f"/{rest}" if rest else "")
        if not is_tool_id(fixed):
            fixed = "mcp:*"
        tools[fixed] = min(decision, tools.get(fixed, decision))
        report.approximated.append(f"permission: {tool} -> {fixed} ({decision})")


def _pattern(key: str, rules: list[Rule], tools: dict[str, Decision], report: FileReport) -> None:
    """A rule whose key is a pattern over MCP tools' names (``github_create*``,
    ``*_delete*``): which tools it names cannot be told, so a deny or ask holds for every
    server whose tools it may name (each name before an ``_`` of its fixed start), or for
    every MCP tool when it names none; an allow is dropped. Narrower, both."""
    low = min(d for k, _, d in rules if k == key)
    if low is Decision.ALLOW:
        report.dropped.append(
            f"permission.{key} (an allow for the MCP tools a pattern names, which agentpack "
            "cannot tell apart: they get what the agent's other rules give)"
        )
        return
    start = re.split(r"[*?]", key)[0]
    parts = start.split("_")[:-1]
    servers = ["_".join(parts[: i + 1]) for i in range(len(parts)) if parts[i]] if parts else []
    for server in servers or ["*"]:
        tools[f"mcp:{server}"] = min(low, tools.get(f"mcp:{server}", low))
    said = ", ".join(servers) if servers else "every server"
    report.approximated.append(
        f"permission.{key} (a pattern over MCP tools' names: {low} for every tool of {said})"
    )


def own_rules(fm: Mapping[str, Any], project: Mapping[str, Any] | None) -> dict[str, Any]:
    """The agent's rules for opencode's own permissions (``OPENCODE_OWN``), as opencode
    resolves them (the project's first, the agent's after; the last rule of a pattern
    wins), in 1.x's shape: no canonical tool holds them, and left out, an export would
    fall back to opencode's defaults (``external_directory`` asks where the source
    denies)."""
    scratch = FileReport("")
    rules = [
        *(_rules(project, scratch, None) or [] if project else []),
        *(_rules(fm, scratch, None) or []),
    ]
    own: dict[str, dict[str, str]] = {}
    for key, pattern, decision in rules:
        # a later rule for every tool ("*") overrides what came before for these too
        for name in [key] if key in OPENCODE_OWN else [k for k in own if wildcard_match(k, key)]:
            entry = own.setdefault(name, {})
            if pattern == "*":
                entry.clear()  # it matches every path: what came before no longer counts
            entry.pop(pattern, None)  # its place is where it was last said
            entry[pattern] = str(decision)
    return {k: v["*"] if list(v) == ["*"] else v for k, v in own.items()}


def policy(
    fm: Mapping[str, Any],
    report: FileReport,
    project: Mapping[str, Any] | None = None,
    located: Located | None = None,
    built_in: Mapping[str, Any] | None = None,
) -> Policy | None:
    """The agent's policy; ``project``: the ``permission`` and ``tools`` opencode applies to
    every agent of the project, which the agent's own rules override (they come after);
    ``located``: where the fields stand in the agent's file; ``built_in``: the rules of
    the built-in agent of its name that opencode merges it into, which come first."""
    rules = _rules(fm, report, located)
    scratch = FileReport(report.source)  # the project's notes are said once, by its file
    common = _rules(project, scratch, None) if project else None
    if scratch.failed:
        report.error(
            1,
            1,
            "permissions",
            "the project's permissions in opencode.json are not opencode 2.x's list of "
            "{action, resource, effect}, and opencode refuses them; fix them there",
        )
    if common:
        report.approximated.append(
            "permission (the project's, which opencode applies to every agent, folded in)"
        )
        rules = common + (rules or [])
    if built_in:
        rules = (_rules({"permission": built_in}, FileReport(""), None) or []) + (rules or [])
    if rules is None:
        return None
    if any(rule is _NO_MATCH for rule in rules):  # 2.x rules: where they all begin
        rules = [_NO_MATCH, *(rule for rule in rules if rule is not _NO_MATCH)]
    floors = [d for k, _, d in rules if k == FLOOR]
    default = min([_narrowest(rules, "\x00unnamed-tool"), *floors])
    tools, bash = _collect(rules, report)
    _check_order(rules, report)
    if set(bash) == {"*"}:
        tools["bash"] = bash.pop("*")
    if bash and "*" not in bash:
        bash["*"] = _decide(rules, "bash", sample_command("*"))
    if bash:
        tools.pop("bash", None)  # the "*" pattern says what unmatched commands get
    lists: dict[Decision, list[str]] = {d: [] for d in Decision}
    every = [tools["mcp:*"]] if "mcp:*" in tools else []  # a pattern over every server's
    for tool, decision in tools.items():
        if tool.startswith("mcp:"):
            lists[min([decision, *floors, *every])].append(tool)
        elif decision is not default:
            lists[decision].append(tool)
    allow = lists[Decision.ALLOW]
    implied = Decision.DENY if allow else Decision.ALLOW
    return Policy.build(
        None if default is implied else default,
        allow if allow else None,
        lists[Decision.ASK],
        lists[Decision.DENY],
        bash,
    )


def _check_order(rules: list[tuple[str, str, Decision]], report: FileReport) -> None:
    order = [p for k, p, _ in rules if k == "bash" and p != "*"]
    if order != sorted(order, key=pattern_priority):
        report.approximated.append(
            "permission.bash (opencode reads patterns in file order; "
            "each pattern keeps the decision opencode gives it)"
        )
