"""opencode native files -> canonical items: agents (markdown and opencode.json), commands.

opencode starts every agent from "allow everything", so an agent that only denies write and
edit means "everything else allowed". Both the current ``permission`` form and the deprecated
``tools: {name: bool}`` map are read. Rules are evaluated the way opencode does (last match
wins) and carried as canonical decisions; path patterns on non-shell tools, which the
canonical policy cannot hold, become the narrowest decision they give, with a note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agentpack import hostagents
from agentpack.importers.common import (
    FileReport,
    Native,
    model_ref,
    name_of,
    slug,
    split_examples,
)
from agentpack.model import Agent, Command, Mode, SourceRef
from agentpack.permissions import (
    Decision,
    Policy,
    pattern_priority,
    sample_command,
    wildcard_match,
)

TOOL_KEYS: Mapping[str, tuple[str, ...]] = {
    "read": ("read",),
    "edit": ("edit", "write"),
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

OPENCODE_OWN = frozenset(
    {"external_directory", "doom_loop", "question", "lsp", "batch", "plan_enter", "plan_exit"}
)
"""opencode permissions with no canonical tool (left to opencode's defaults)."""

AGENT_FIELDS = frozenset(
    {
        "description",
        "mode",
        "model",
        "temperature",
        "top_p",
        "steps",
        "maxSteps",
        "color",
        "permission",
        "tools",
        "prompt",
        "name",
    }
)
EXTRA_FIELDS = ("hidden", "disable", "variant", "options")
HEX = {
    "#EF4444": "red",
    "#3B82F6": "blue",
    "#22C55E": "green",
    "#EAB308": "yellow",
    "#A855F7": "purple",
    "#F97316": "orange",
    "#EC4899": "pink",
    "#06B6D4": "cyan",
}


def _rules(fm: Mapping[str, Any], report: FileReport) -> list[tuple[str, str, Decision]] | None:
    """The agent's rules in file order, as (key, pattern, decision); None: inherit."""
    permission, tools = fm.get("permission"), fm.get("tools")
    if permission is None and not isinstance(tools, dict):
        return None
    rules: list[tuple[str, str, Decision]] = []
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
    return rules


def _decide(rules: list[tuple[str, str, Decision]], key: str, subject: str) -> Decision:
    result = Decision.ALLOW
    for rule_key, pattern, decision in rules:
        if wildcard_match(key, rule_key) and wildcard_match(subject, pattern):
            result = decision
    return result


def _collect(
    rules: list[tuple[str, str, Decision]], report: FileReport
) -> tuple[dict[str, Decision], dict[str, Decision]]:
    """Canonical decisions per tool, and bash patterns, as opencode resolves the rules."""
    tools: dict[str, Decision] = {}
    bash: dict[str, Decision] = {}
    # an MCP server's tools are <server>_<tool>; a "<server>_*" rule names the server
    servers = sorted({k[:-2] for k, _, _ in rules if k.endswith("_*")}, key=len, reverse=True)
    for key in dict.fromkeys(k for k, _, _ in rules if k != "*"):
        patterns = [p for k, p, _ in rules if k == key]
        if key == "bash":
            bash.update((p, _decide(rules, "bash", sample_command(p))) for p in patterns)
            continue
        decision = min(_decide(rules, key, sample_command(p)) for p in patterns)
        if any(p != "*" for p in patterns):
            report.approximated.append(
                f"permission.{key} (path patterns become the narrowest "
                f"decision they give: {decision})"
            )
        if key in TOOL_KEYS:
            for tool in TOOL_KEYS[key]:
                tools[tool] = min(decision, tools.get(tool, decision))
        elif key.endswith("_*"):
            tools[f"mcp:{key[:-2]}"] = decision
        elif server := next((s for s in servers if key.startswith(f"{s}_")), None):
            tools[f"mcp:{server}/{key[len(server) + 1 :]}"] = decision
        elif "_" in key.strip("_") and key not in OPENCODE_OWN and "*" not in key:
            server, _, tool = key.partition("_")
            tools[f"mcp:{server}/{tool}"] = decision
            report.approximated.append(
                f"permission.{key} (read as MCP server {server!r}, tool "
                f"{tool!r}; add a '{server}_*' rule to say otherwise)"
            )
        else:
            report.dropped.append(
                f"permission.{key} (no canonical tool; opencode's own default applies)"
            )
    return tools, bash


def policy(fm: Mapping[str, Any], report: FileReport) -> Policy | None:
    rules = _rules(fm, report)
    if rules is None:
        return None
    default = _decide(rules, "\x00unnamed-tool", "x")
    tools, bash = _collect(rules, report)
    _check_order(rules, report)
    if set(bash) == {"*"}:
        tools["bash"] = bash.pop("*")
    if bash and "*" not in bash:
        bash["*"] = _decide(rules, "bash", sample_command("*"))
    if bash:
        tools.pop("bash", None)  # the "*" pattern says what unmatched commands get
    lists: dict[Decision, list[str]] = {d: [] for d in Decision}
    for tool, decision in tools.items():
        if decision is not default or tool.startswith("mcp:"):
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


def agent(native: Native, report: FileReport, table: Mapping[str, Mapping[str, str]]) -> Agent:
    fm = native.frontmatter or {}
    name = name_of(fm.get("name"), native.path.stem)
    description, examples = split_examples(str(fm.get("description") or ""))
    report.mapped += ["description"] + (["examples"] if examples else [])
    extras: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for key, value in fm.items():
        if key in AGENT_FIELDS:
            continue
        if key in EXTRA_FIELDS:
            extras[key] = value
            report.mapped.append(key)
        else:  # opencode sends unknown keys to the model provider: that is what they are
            options[key] = value
            report.approximated.append(
                f"{key} (kept under opencode.options, where opencode puts unknown keys)"
            )
    if options:
        extras["options"] = {**dict(extras.get("options") or {}), **options}
    color = fm.get("color")
    if isinstance(color, str) and color.upper() in HEX:
        color = HEX[color.upper()]
    mode = str(fm.get("mode") or "all")
    steps = fm.get("steps", fm.get("maxSteps"))
    return Agent(
        name=name,
        description=description or "Imported agent.",
        body=native.body,
        source=SourceRef(report.source),
        examples=examples,
        mode=Mode(mode) if mode in ("primary", "subagent", "all") else Mode.ALL,
        model=model_ref(fm.get("model"), "opencode", table, report),
        temperature=fm.get("temperature"),
        top_p=fm.get("top_p"),
        max_steps=steps if isinstance(steps, int) else None,
        policy=policy(fm, report),
        color=color if isinstance(color, str) else None,
        extras=MappingProxyType({"opencode": MappingProxyType(extras)} if extras else {}),
    )


def command(native: Native, report: FileReport, table: Mapping[str, Mapping[str, str]]) -> Command:
    fm = native.frontmatter or {}
    extras = {k: v for k, v in fm.items() if k == "variant"}
    return Command(
        name=slug(native.path.stem),
        description=str(fm.get("description") or "Imported command."),
        body=native.body,
        source=SourceRef(report.source),
        agent=str(fm["agent"]) if fm.get("agent") else None,
        model=model_ref(fm.get("model"), "opencode", table, report),
        subtask=fm.get("subtask") if isinstance(fm.get("subtask"), bool) else None,
        extras=MappingProxyType({"opencode": MappingProxyType(extras)} if extras else {}),
    )


def config_agents(
    config: Mapping[str, Any],
    base: Path,
    report: FileReport,
    table: Mapping[str, Mapping[str, str]],
) -> list[Agent]:
    """Agents defined in opencode.json under ``agent`` (``mode`` is the legacy key), whose
    ``{file:...}`` prompts are read relative to ``base``, the config's folder, as opencode
    reads them. Entries that define no agent of the pack are reported, not imported: one
    that turns an agent off (``disable: true``), and settings for a built-in agent."""
    out = []
    for key in ("agent", "mode"):
        for name, spec in (config.get(key) or {}).items():
            if not isinstance(spec, dict):
                continue
            if spec.get("disable") is True:
                report.dropped.append(f"{key}.{name} (disable: true turns an agent off)")
                continue
            if "prompt" not in spec and _builtin(name):
                report.dropped.append(
                    f"{key}.{name} (settings for opencode's built-in agent {name}; a pack "
                    "carries agents of its own)"
                )
                continue
            fm = {k: v for k, v in spec.items() if k != "prompt"}
            if key == "mode":
                fm.setdefault("mode", "primary")
            body = config_text(str(spec.get("prompt") or ""), base, report, f"{key}.{name}.prompt")
            native = Native(Path(f"{name}.md"), fm, body.rstrip("\n") + "\n" if body else "")
            out.append(agent(native, report, table))
    return out


_HIDDEN = frozenset({"compaction", "title", "summary"})
"""opencode's hidden built-in agents, which no command or user picks."""


def _builtin(name: str) -> bool:
    known = hostagents.named(name, ())
    return name in _HIDDEN or (known is not None and known.native["opencode"] == name)


def config_text(text: str, base: Path, report: FileReport, where: str) -> str:
    """A prompt or template from opencode.json, or the text of the file a ``{file:path}``
    value names (relative to the config's folder, or ``~/``), as opencode reads it; kept
    as written, with a note, when it cannot be read."""
    match = re.fullmatch(r"\{file:([^}]+)\}", text.strip())
    if match is None:
        return text
    path = Path(match[1]).expanduser()
    try:
        return (path if path.is_absolute() else base / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        report.approximated.append(f"{where} ({text} could not be read: {why})")
        return text
