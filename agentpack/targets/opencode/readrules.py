"""An opencode agent's permission rules as written, in file order: the current
``permission`` form, the deprecated ``tools: {name: bool}`` map and 2.x's ``permissions``
list, each as (key, pattern, decision). ``readpolicy`` evaluates them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agentpack.filereport import FileReport
from agentpack.permissions import Decision, wildcard_match
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
    "todoread": (),  # gone from opencode 1.18: todowrite is the whole todo list there
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
NO_MATCH = ("*", "*", Decision.ASK)
"""Where 2.x's rules begin: an action no rule matches asks (1.x allows it)."""
FLOOR = "\x00floor"
"""The key of a 2.x rule whose action pattern names no tool agentpack knows: its effect
bounds what every tool agentpack does not name gets."""
SERVER_PATTERN = re.compile(r"[\w-]+_\*")
"""An action pattern that names an MCP server's tools (``github_*``)."""
Rule = tuple[str, str, Decision]


def rules_of(
    fm: Mapping[str, Any], report: FileReport, located: Located | None
) -> list[Rule] | None:
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
    wrong = _not_a_decision(permission)
    if wrong is not None:
        where, value = ("permission", *wrong[0]), wrong[1]
        report.error(
            *(located.pos(where) if located else (1, 1)),
            ".".join(where),
            f"{value!r} is not allow, ask or deny, and opencode refuses the whole config for "
            "it; write one of them",
        )
        return None
    if permission is None and not isinstance(tools, dict):
        return _v2_rules(fm.get("permissions"), report, located)
    # opencode turns the deprecated map into permission entries (its three file tools all
    # into edit: the last of them sets it) and assigns permission's over them, so that a key
    # of both keeps the map's place in the rules and takes permission's value
    merged: dict[str, Any] = {}
    if isinstance(tools, dict):  # deprecated since 1.1.1
        report.approximated.append("tools (the deprecated opencode map, read as permission)")
        for key, on in tools.items():
            merged[_MAP_KEYS.get(str(key), str(key))] = "allow" if on else "deny"
    if isinstance(permission, str):
        merged["*"] = permission
    elif isinstance(permission, dict):
        report.mapped.append("permission")
        merged.update((str(k), v) for k, v in permission.items())
    rules: list[Rule] = []
    for key, value in merged.items():
        if isinstance(value, str):
            rules.append((key, "*", Decision.parse(value)))
        elif isinstance(value, dict):
            rules.extend((key, str(p), Decision.parse(str(a))) for p, a in value.items())
    return rules + (_v2_rules(fm.get("permissions"), report, located) or [])


_MAP_KEYS = {"write": "edit", "patch": "edit"}
"""The deprecated map's tools that opencode 1.x reads as its ``edit`` permission."""


def _not_a_decision(permission: Any) -> tuple[tuple[str, ...], Any] | None:
    """Where a ``permission`` value is no decision, and the value (None: none is)."""
    found: list[tuple[tuple[str, ...], Any]] = []
    if isinstance(permission, str):
        found.append(((), permission))
    for key, value in permission.items() if isinstance(permission, dict) else ():
        if isinstance(value, dict):
            found += [((str(key), str(p)), a) for p, a in value.items()]
        elif isinstance(value, str):
            found.append(((str(key),), value))
    return next(((w, v) for w, v in found if str(v).lower() not in _DECISIONS), None)


_DECISIONS = frozenset({"allow", "ask", "deny"})


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
    rules: list[Rule] = [NO_MATCH]
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
        if SERVER_PATTERN.fullmatch(action):
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
