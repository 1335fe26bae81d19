"""How GitHub Copilot spells things: its tool aliases, model ids, built-in agents and where it
reads what. Read off the shipped CLI (``@github/copilot`` 1.0.102, its agent, skill and plugin
loaders run on files of every shape) and GitHub's and VS Code's documentation, December 2026.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from agentpack.hostagents import HostAgent

AGENTS = "agents"
"""``.github/agents`` in a repository, ``~/.copilot/agents`` for a user, a plugin's agents."""
CHATMODES = "chatmodes"
"""``.github/chatmodes/*.chatmode.md``: VS Code's custom agents before 1.106 (read on import,
never written)."""
SKILLS = "skills"
PROMPTS = "prompts"
"""``.github/prompts``: VS Code's prompt files (the Copilot CLI reads none)."""
COMMANDS = "commands"
"""A Copilot CLI plugin's commands (Claude-style; the CLI reads no ``.github/commands``)."""
PLUGIN = "plugin.json"
"""The plugin manifest at the plugin's root, the second place the Copilot CLI looks (after
``.plugin/plugin.json``) and the one a repository's ``.github/`` leaves free."""
MANIFESTS = (".plugin/plugin.json", PLUGIN, ".github/plugin/plugin.json")
"""Where the Copilot CLI 1.0.102 finds a plugin's manifest, the first it finds winning
(``plugin list --plugin-dir`` with several; ``.claude-plugin/plugin.json`` comes after
them, and is Claude Code's)."""

ALIASES: Mapping[str, tuple[str, ...]] = {
    "read": ("read",),
    "edit": ("write", "edit"),
    "search": ("grep", "glob"),
    "execute": ("bash",),
    "web": ("webfetch", "websearch"),
    "agent": ("task",),
    "todo": ("todo",),
}
"""Copilot's tool aliases (the names both the CLI and VS Code take, case-insensitive) -> the
canonical tools each one grants. An alias is written only when the source allows all of
them: ``edit`` is the CLI's create and edit tools, ``search`` its grep and glob."""

ALWAYS: tuple[str, ...] = ("skill",)
"""Canonical tools every Copilot agent has, whatever its tools list says (the CLI also
always adds ``sql``, the session's own scratch database, which is no canonical tool)."""

NO_TOOL: tuple[str, ...] = ("list", "notebook")
"""Canonical tools with no Copilot tool of their own: ``view`` lists a folder as it reads
a file, and notebooks are edited as files."""

READ_NAMES: Mapping[str, str] = {
    **{alias: alias for alias in ALIASES},
    "view": "read",
    "notebookread": "read",
    "read/readfile": "read",
    "write": "edit",
    "multiedit": "edit",
    "notebookedit": "edit",
    "create": "edit",
    "editfiles": "edit",
    "edit/editfiles": "edit",
    "codebase": "search",
    "search/codebase": "search",
    "grep": "search",
    "glob": "search",
    "shell": "execute",
    "bash": "execute",
    "runcommands": "execute",
    "runinterminal": "execute",
    "execute/runinterminal": "execute",
    "webfetch": "web",
    "web_fetch": "web",
    "web/fetch": "web",
    "custom-agent": "agent",
    "task": "agent",
    "runsubagent": "agent",
    "agent/runsubagent": "agent",
    "todos": "todo",
    "todowrite": "todo",
    "update_todo": "todo",
}
"""Tool names found in Copilot agent files (any case) -> the alias the Copilot CLI reads
them as (its own names and the other tools' names it takes: ``Bash`` is ``execute``), for
import. A name for less than its alias is in ``NARROW_NAMES``, which wins."""

NARROW_NAMES: Mapping[str, tuple[str, ...]] = {
    "view": ("read",),
    "read/readfile": ("read",),
    "create": ("write",),
    "editfiles": ("edit",),
    "edit/editfiles": ("edit",),
    "grep": ("grep",),
    "glob": ("glob",),
    "webfetch": ("webfetch",),
    "web_fetch": ("webfetch",),
    "web/fetch": ("webfetch",),
    "fetch": ("webfetch",),
    "readfile": ("read",),
    "edit/createfile": ("write",),
    "createfile": ("write",),
    "edit/editnotebook": ("notebook",),
    "editnotebook": ("notebook",),
    "search/filesearch": ("glob",),
    "filesearch": ("glob",),
    "search/textsearch": ("grep",),
    "textsearch": ("grep",),
    "search/listdirectory": ("list",),
    "listdirectory": ("list",),
    "multiedit": ("edit",),
    "notebookedit": ("notebook",),
    "codebase": (),
    "search/codebase": (),
}
"""Names that grant only some of their alias's canonical tools (read exactly on import):
VS Code's tools by their qualified names (``search/textSearch``) and by the bare names its
tool sets had before (``fetch``, ``textSearch``), from its tools reference. VS Code's
``codebase`` is a semantic search of the workspace, neither grep nor glob: it grants
nothing canonical."""

MODELS: Mapping[str, str] = {
    "inherit": "inherit",
    "haiku": "claude-haiku-5.5",
    "sonnet": "claude-sonnet-5.5",
    "opus": "claude-opus-5.5",
    "fable": "claude-fable-5.1",
}
"""The Claude aliases as the newest of each family in the Copilot CLI 1.0.102 catalogue
(``copilot help config``); the account's own model list decides at run time, and an unknown
model only makes Copilot warn and use the session's."""

DEFAULT_MODEL = "gpt-5.4"

CLI_AGENTS = frozenset(
    {"general-purpose", "explore", "task", "code-review", "research", "security-review"}
)
"""The Copilot CLI's own agents (1.0.102): it ignores a custom agent named general-purpose
("a reserved name"), and delegates to its own agent for the others, with that agent's
prompt and tools, whatever a custom agent of the name says."""

HOST_AGENTS: Mapping[str, HostAgent] = {
    "plan": HostAgent("plan", subagent=False),
    "build": HostAgent("agent", subagent=False),
}
"""The built-in agents a VS Code prompt file's ``agent`` may name (``ask`` has no
counterpart in other hosts); the Copilot CLI's commands cannot pick an agent."""

MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ ()-]*$")
"""A Copilot model id or display name (``claude-sonnet-5.5``, ``GPT-5.4 (copilot)``)."""
CLAUDE_ID = re.compile(r"claude-(haiku|sonnet|opus|fable)-([0-9]+)(?:\.([0-9]+))?")
"""A Claude model as Copilot names it (``claude-sonnet-4.6``)."""
ANTHROPIC_API_ID = re.compile(
    r"claude-(haiku|sonnet|opus|fable)-([0-9]+)(?:-([0-9]{1,2}))?(?:-[0-9]{8})?"
)
"""The same model as Anthropic's API names it (``claude-sonnet-4-6``, with or without a date)."""
GPT_ID = re.compile(r"gpt-[0-9][a-z0-9.-]*")
"""An OpenAI model, named alike by Copilot, Codex and OpenAI's API."""

CLAUDE_TOOL_NAMES: Mapping[str, tuple[str, ...]] = {
    "read": ("Read",),
    "write": ("Write",),
    "edit": ("Edit", "MultiEdit"),
    "glob": ("Glob",),
    "grep": ("Grep",),
    "bash": ("Bash",),
    "webfetch": ("WebFetch",),
    "websearch": ("WebSearch",),
    "todo": ("TodoWrite",),
    "task": ("Task",),
    "notebook": ("NotebookEdit",),
    "skill": ("Skill",),
}
"""The tool names a hook in Claude Code's shape is matched against in the Copilot CLI,
which translates its own (``bash`` is ``Bash``)."""


def twin(folder: Path, rel: str) -> str | None:
    """The CLI reads every ``*.md`` of ``agents/``: a user's ``agents/reviewer.md`` and the
    install's ``agents/reviewer.agent.md`` are one agent."""
    if not (rel.startswith(f"{AGENTS}/") and rel.endswith(".agent.md")):
        return None
    other = rel.removesuffix(".agent.md") + ".md"
    return other if (folder / other).is_file() else None
