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
from agentpack.targets.opencode.readrules import (
    FLOOR,
    NO_MATCH,
    OPENCODE_OWN,
    PERMISSION_KEYS,
    SERVER_PATTERN,
    TOOL_KEYS,
    Rule,
    rules_of,
)
from agentpack.yamldoc import Located


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
    resources = [r for r in rules if r[0] == "read" and r[1].startswith("mcp:")]
    rules = [r for r in rules if not (r[0] == "read" and r[1].startswith("mcp:"))]
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
            _keyed(key, decision, tools, report, written=key in named)
        elif any(c in key for c in "*?") and not SERVER_PATTERN.fullmatch(key):
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
    _resources(resources, rules, tools, report)
    _sanitized(tools, report)
    return tools, bash


def _resources(
    resources: list[Rule], rules: list[Rule], tools: dict[str, Decision], report: FileReport
) -> None:
    """``read`` rules for ``mcp:<server>:<uri>``: opencode 1.18.33 reads a server's
    resources under ``read``, so they are not about files. Where one gives a server's
    resources less than its tools get and files get (what export writes there for a
    server that may do less than read), the server is held to that (narrower, said)."""
    files = _decide(rules, "read", "*")
    for _, pattern, decision in resources:
        server = pattern[4:].partition(":")[0]
        whole = not server or any(c in server for c in "*?")
        tool_id = "mcp:*" if whole else f"mcp:{server_name(server)}"
        gets = _decide(rules, "\x00" if whole else f"{server}_\x00", "*")
        if decision < min(gets, tools.get(tool_id, gets), files):
            tools[tool_id] = decision
            report.approximated.append(
                f"permission.read.{pattern} (the resources of {tool_id}, which its tools "
                f"get too: {decision})"
            )


def _keyed(
    key: str, decision: Decision, tools: dict[str, Decision], report: FileReport, *, written: bool
) -> None:
    """The decision of a permission key for the canonical tools it governs, the narrowest
    where two keys govern one; ``written``: the agent names the key (not only ``*``)."""
    for tool in TOOL_KEYS[key]:
        tools[tool] = min(decision, tools.get(tool, decision))
    if not TOOL_KEYS[key] and written:
        report.dropped.append(f"permission.{key} (opencode 1.18 has no such tool)")


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
        *(rules_of(project, scratch, None) or [] if project else []),
        *(rules_of(fm, scratch, None) or []),
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
    rules = rules_of(fm, report, located)
    scratch = FileReport(report.source)  # the project's notes are said once, by its file
    common = rules_of(project, scratch, None) if project else None
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
        rules = (rules_of({"permission": built_in}, FileReport(""), None) or []) + (rules or [])
    if rules is None:
        return None
    if any(rule is NO_MATCH for rule in rules):  # 2.x rules: where they all begin
        rules = [NO_MATCH, *(rule for rule in rules if rule is not NO_MATCH)]
    floors = [d for k, _, d in rules if k == FLOOR]
    default = min([_narrowest(rules, "\x00unnamed-tool"), *floors])
    tools, bash = _collect(rules, report)
    _homes(bash, report)
    _prefixed(tools, (project or {}).get("mcp"))
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


def _homes(bash: dict[str, Decision], report: FileReport) -> None:
    """opencode puts the home folder in place of ``~`` or ``$HOME`` at a pattern's start,
    so ``~/bin/x *`` holds for ``/home/<user>/bin/x``, whoever the user: a deny or ask
    holds for every ``*/bin/x *`` instead (more), an allow for none (less)."""
    for pattern in [p for p in bash if p.startswith(("~/", "$HOME")) or p == "~"]:
        decision = bash.pop(pattern)
        rest = pattern[1:] if pattern.startswith("~") else pattern[len("$HOME") :]
        if decision is not Decision.ALLOW:
            bash[f"*{rest}"] = min(decision, bash.get(f"*{rest}", decision))
        report.approximated.append(
            f"permission.bash.{pattern} (opencode reads it from the home folder of whoever "
            + (
                "runs it: read as left out)"
                if decision is Decision.ALLOW
                else f"runs it: read as *{rest})"
            )
        )


def _prefixed(tools: dict[str, Decision], servers: Any) -> None:
    """opencode names a tool ``<server>_<tool>``: a ``github_*`` deny also denies the tools
    of the config's server ``github_enterprise``, which the pack names apart."""
    for tool, decision in list(tools.items()):
        server = tool[4:] if tool.startswith("mcp:") and "/" not in tool else ""
        if not server or server == "*" or decision is Decision.ALLOW:
            continue
        for other in servers if isinstance(servers, dict) else ():
            if str(other) != server and str(other).startswith(f"{server}_"):
                key = f"mcp:{other}"
                tools[key] = min(decision, tools.get(key, decision))


def _check_order(rules: list[tuple[str, str, Decision]], report: FileReport) -> None:
    order = [p for k, p, _ in rules if k == "bash" and p != "*"]
    if order != sorted(order, key=pattern_priority):
        report.approximated.append(
            "permission.bash (opencode reads patterns in file order; "
            "each pattern keeps the decision opencode gives it)"
        )
