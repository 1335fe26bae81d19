"""How Claude Code spells things, in one place for writing and for reading back: its tool
names, its colour names, the fields of its files and its numbering of command arguments.

Tool names were read from Claude Code 2.1's shipped source (November 2026).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

from agentpack.hostagents import HostAgent
from agentpack.outputs import OutFile
from agentpack.permissions import MCP_ID

COLORS = frozenset({"red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"})
"""The colour names Claude Code takes for an agent (no hex)."""

SHELL = ("Bash", "PowerShell", "Monitor")

TOOLS: Mapping[str, tuple[str, ...]] = {
    "read": ("Read",),
    "write": ("Write",),
    "edit": ("Edit",),
    "glob": ("Glob",),
    "grep": ("Grep",),
    "list": (),  # Claude Code 2.x has no listing tool (Glob lists)
    "bash": SHELL,
    "webfetch": ("WebFetch",),
    "websearch": ("WebSearch",),
    "todo": ("TodoWrite", "TaskCreate", "TaskGet", "TaskList", "TaskUpdate"),
    "task": ("Agent",),
    "notebook": ("NotebookEdit",),
    "skill": ("Skill",),
}
"""Canonical tool -> every current Claude Code tool that gives the same capability."""

LEGACY: Mapping[str, tuple[str, ...]] = {
    "read": ("NotebookRead",),
    "edit": ("MultiEdit",),
    "list": ("LS",),
    "task": ("Task",),
}
"""Names older clients use (Task before 2.1.63; LS, MultiEdit, NotebookRead in 1.x): written
in deny lists only, so that a deny also holds there."""

PARTS: Mapping[str, tuple[str, ...]] = {
    "write": ("EnterWorktree", "ExitWorktree"),
    "bash": ("REPL",),
    "task": ("Workflow", "SendMessage", "ListAgents", "SendFile", "RemoteTrigger"),
}
"""Claude Code 2.1.332 tools that give a part of a canonical tool under a name of their
own: EnterWorktree checks files out (ExitWorktree may remove them), REPL runs code,
Workflow runs subagents, SendMessage and SendFile hand work to other agents and sessions,
RemoteTrigger starts agents in the cloud. A deny names them with the tool (else an agent
denied subagents still had Workflow, seen in the client); an allow never grants them."""

MCP_RESOURCES = ("ListMcpResourcesTool", "ReadMcpResourceTool", "ReadMcpResourceDirTool")
"""Claude Code's tools for MCP resources (2.1.337): they read any connected server's
resources, whatever a deny of its tools says (seen: ``ReadMcpResourceTool`` read a resource
of a server in ``disallowedTools``), and no rule holds them to one server."""

PART_NAMES = frozenset(name for names in PARTS.values() for name in names)

DENIED_WITH: Mapping[str, tuple[str, ...]] = {
    tool: (*LEGACY.get(tool, ()), *PARTS.get(tool, ())) for tool in TOOLS
}
"""What a deny list names besides a tool's current names: its older names and its parts."""

_READ_ONLY_NAMES: Mapping[str, str] = {
    "BashOutput": "bash",
    "KillShell": "bash",
    "TodoRead": "todo",
}
"""Names seen in agent files in the wild that agentpack reads but never writes."""

GONE = frozenset({"MultiEdit", "LS"})
"""Older names Claude Code 2.1.332 no longer has a tool for (nor an alias, as it has for
``Task``): an allow list that names one grants nothing by it."""

PARTIAL = frozenset({"BashOutput", "KillShell", "NotebookRead", "TodoRead", *GONE, *PART_NAMES})
"""Names for a part of a canonical tool (reading a background shell's output is not running
commands): in a deny list they deny the whole tool, which is narrower; in an allow list
they grant nothing, since the whole tool would be wider."""

CANONICAL: Mapping[str, str] = {
    **{name: tool for tool, names in TOOLS.items() for name in names},
    **{name: tool for tool, names in LEGACY.items() for name in names},
    **{name: tool for tool, names in PARTS.items() for name in names},
    **_READ_ONLY_NAMES,
}
"""Every Claude Code tool name (current and older) -> the canonical tool."""

_RULE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$", re.DOTALL)
AGENT_RULE = re.compile(r"\s*(Agent|Task)\s*\(.*\S.*\)\s*$")
"""An entry that names the subagents an agent may start (``Agent(reviewer)``)."""


def tool_id(name: str, *, granting: bool = False) -> tuple[str | None, str | None]:
    """``Bash(git add:*)`` -> ("bash", "git add *"); ``mcp__gh__x`` -> ("mcp:gh/x", None);
    (None, None) for a name Claude Code does not have, and, when ``granting`` (an allow
    list), for a name of a part of a tool (``PARTIAL``)."""
    name = name.strip()
    if name.startswith("mcp__"):
        server, _, tool = name[5:].partition("__")
        found = f"mcp:{server}" if tool in ("", "*") else f"mcp:{server}/{tool}"
        if MCP_ID.match(found):
            return found, None
        # mcp__*__search (a tool of any server) has no canonical id: an allow list leaves
        # it out, a deny list denies every MCP tool; both narrower
        return (None, None) if granting else ("mcp:*", None)
    match = _RULE.match(name)
    if not match:
        return None, None
    if granting and match.group(1) in PARTIAL:
        return None, None
    pattern = match.group(2)
    if pattern is not None and pattern.endswith(":*"):
        pattern = pattern[:-2] + " *"
    if pattern is not None and pattern.strip() in ("*", "**"):
        pattern = None  # Read(*): every file, the tool itself
    return CANONICAL.get(match.group(1)), (pattern or None)


_RESOURCE_NAMES = frozenset(
    {*MCP_RESOURCES, "ListMcpResources", "ReadMcpResource", "ReadMcpResourceDir"}
)
"""The resource tools and the older names Claude Code 2.1.337 still takes for them."""


def resource_denies(names: list[str]) -> tuple[list[str], str | None]:
    """A deny list's MCP resource tools. Beside a whole server denied (what export writes
    for it) they are read as part of that deny. Alone they deny every server's resources,
    which the pack cannot say apart from the servers' tools: read as every MCP tool denied
    (narrower), and why."""
    found = [n for n in names if n.strip() in _RESOURCE_NAMES]
    rest = [n for n in names if n.strip() not in _RESOURCE_NAMES]
    whole = [t for t in (tool_id(n)[0] for n in rest) if t and t.startswith("mcp:")]
    if not found or any("/" not in t for t in whole):
        return rest, None
    why = f"{found[0]} (every server's resources, which the pack cannot tell from their tools)"
    return [*rest, "mcp__*"], f"{why}: read as every MCP tool denied"


HOST_AGENTS: Mapping[str, HostAgent] = {
    "general": HostAgent("general-purpose", subagent=True),
    "explore": HostAgent("Explore", subagent=True),
    "plan": HostAgent("Plan", subagent=False),
    "statusline-setup": HostAgent("statusline-setup", subagent=True),
    "claude-code-guide": HostAgent("claude-code-guide", subagent=True),
}
"""Claude Code 2.1's built-in agent types, by canonical name (checked November 2026). It
has no counterpart of opencode's ``build``: the main conversation is that."""

MODELS: Mapping[str, str] = {
    "inherit": "inherit",
    "haiku": "haiku",
    "sonnet": "sonnet",
    "opus": "opus",
    "fable": "fable",
}
"""The model aliases Claude Code itself takes."""

ANTHROPIC_ID = re.compile(r"claude-[a-z0-9]+(?:[.-][a-z0-9]+)*")
"""An Anthropic API model id (``claude-sonnet-4-5-20250929``), which Claude Code takes bare."""


AGENT_FIELDS = frozenset({"name", "description", "tools", "disallowedTools", "model", "color"})
AGENT_EXTRAS = (
    "permissionMode",
    "skills",
    "effort",
    "memory",
    "background",
    "isolation",
    "initialPrompt",
    "mcpServers",
    "hooks",
    "autoCompactWindow",
    "omitClaudeMd",
    "observer",
    "observerMessage",
    "observeToolResults",
)
"""Claude Code 2.1.330's other agent fields, carried under ``claude:``."""
_RUN_EXTRAS = ("arguments", "version", "background", "disallowed-tools")
"""Fields Claude Code 2.1.330 reads from commands and skills alike (it loads both the same
way), carried under ``claude:``."""
COMMAND_EXTRAS = (
    "effort",
    "user-invocable",
    "shell",
    "hooks",
    "when_to_use",
    "paths",
    *_RUN_EXTRAS,
)
SKILL_EXTRAS = (
    "when_to_use",
    "argument-hint",
    "user-invocable",
    "context",
    "agent",
    "model",
    "effort",
    "paths",
    "shell",
    "hooks",
    *_RUN_EXTRAS,
)

OWN_ONLY = {
    "hooks": "Claude Code runs an agent's own hooks for an agent in .claude/agents, not in a "
    "plugin; the other tools run the agent without them",
    "mcpServers": "Claude Code starts an agent's own servers for an agent in .claude/agents, "
    "not in a plugin; the other tools do not",
}
"""Agent fields kept under ``claude:`` that hold more than a setting: what they do, and
where, said when an agent comes in with one."""


_NAMED = re.compile(r"^name:[ \t]*[\"']?(.*?)[\"']?[ \t]*$", re.MULTILINE)


def twins() -> Callable[[Path, str], str | None]:
    """Claude Code knows an agent by its ``name:``, in any file of ``agents/``: a user's
    ``agents/my-reviewer.md`` named ``reviewer`` and the install's ``agents/reviewer.md``
    are one agent. The folder is read once per install."""
    found: dict[Path, dict[str, str]] = {}

    def twin(folder: Path, rel: str) -> str | None:
        if not (rel.startswith("agents/") and rel.endswith(".md")):
            return None
        if folder not in found:
            found[folder] = {}
            base = folder / "agents"
            for path in sorted(base.rglob("*.md")) if base.is_dir() else []:
                head = path.read_text("utf-8", "replace")[:4096] if path.is_file() else ""
                named = _NAMED.search(head.split("\n---", 1)[0]) if head[:3] == "---" else None
                if named:
                    found[folder].setdefault(named[1], path.relative_to(folder).as_posix())
        other = found[folder].get(rel.removesuffix(".md").rsplit("/", 1)[-1])
        return other if other != rel else None

    return twin


_DENIES = re.compile(rb"^disallowedTools:", re.MULTILINE)
_TOOLS = re.compile(rb"^tools: *(.*)$", re.MULTILINE)
_GRANTS = re.compile(rb"^allowed-tools:(.*)\n((?:  - .*\n?)*)", re.MULTILINE)
_READS = frozenset({"Read", "Grep", "Glob", "LS"})
"""What a skill's ``allowed-tools`` may name that the Copilot CLI needs no approval for."""
_COPILOT = "the GitHub Copilot CLI also reads a project's .claude/"
_ELSE = "; install --tool copilot for Copilot, or these with --scope user"


def copilot_reads(file: OutFile) -> tuple[str, ...]:
    """What the GitHub Copilot CLI makes wider of an agent, command or skill installed in
    a project's ``.claude/``, which it reads too (1.0.102; not ``~/.claude/``): it ignores
    ``disallowedTools`` ("unknown field ignored"), gives every agent its skill tool, reads
    ``Write`` and ``NotebookEdit`` as its create and edit tools, reads commands as skills,
    and keeps a skill's ``allowed-tools`` approved for the rest of an interactive session
    once the skill ran."""
    if file.data[:4] != b"---\n":
        return ()
    head = file.data.split(b"\n---", 1)[0]
    if file.path.startswith(("skills/", "commands/")):
        skill = file.path.startswith("skills/")
        if not file.path.endswith("/SKILL.md" if skill else ".md") or _granted(head) <= _READS:
            return ()
        folder = "skills/" if skill else "commands/ as skills"
        why = f"{folder} and keeps a skill's allowed-tools approved for the rest of a session"
        return (f"{_COPILOT}{why} once the skill ran{_ELSE}",)
    if not file.path.startswith("agents/"):
        return ()
    found = []
    if _DENIES.search(head):
        why = "agents/ and ignores disallowedTools there, so these agents get every tool"
        found.append(f"{_COPILOT}{why} in Copilot{_ELSE}")
    line = _TOOLS.search(head)
    names = {n.strip() for n in line[1].decode("utf-8", "replace").split(",")} if line else None
    if names is not None and "Skill" not in names:
        why = "agents/ and gives every agent there its skill tool, which these agents lack"
        found.append(f"{_COPILOT}{why}{_ELSE}")
    if names is not None and {"Write", "NotebookEdit"} & names and "Edit" not in names:
        why = "agents/ and gives an agent with Write or NotebookEdit its edit tool too"
        found.append(f"{_COPILOT}{why}, which these agents lack{_ELSE}")
    return tuple(found)


def _granted(head: bytes) -> set[str]:
    """What a skill's ``allowed-tools`` names (a block list, or a line of them; an entry
    cut at a comma in its parentheses is still no read)."""
    found = _GRANTS.search(head + b"\n")
    if found is None:
        return set()
    lines = found[2].decode("utf-8", "replace").splitlines()
    items = [*found[1].decode("utf-8", "replace").split(","), *(i[4:] for i in lines)]
    return {i.strip().strip("'\"") for i in items} - {""}
