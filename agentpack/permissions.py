"""Canonical tool ids, decisions and the permission policy: pure functions, no target names.

Every target's permission code answers one question with these helpers: "what does the
source allow for this tool (and this shell command)?" The invariant "a target never enforces
more than the source" is then checked by comparing two ``Decision`` values.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

TOOLS: tuple[str, ...] = (
    "read",
    "write",
    "edit",
    "glob",
    "grep",
    "list",
    "bash",
    "webfetch",
    "websearch",
    "todo",
    "task",
    "notebook",
    "skill",
)
"""Canonical built-in tool ids, tool-neutral (see README, "Permissions")."""

OTHER_NAMES: dict[str, str] = {
    **dict.fromkeys(
        (
            *("shell", "terminal", "execute", "runcommands", "run_shell_command", "runtasks"),
            *("exec_command", "shell_command", "runinterminal", "run_in_terminal"),
        ),
        "bash",
    ),
    **dict.fromkeys(("search", "codebase", "grep_search", "search_files"), "grep"),
    **dict.fromkeys(("file_search", "find_files"), "glob"),
    **dict.fromkeys(("read_file", "readfile", "view"), "read"),
    **dict.fromkeys(("write_file", "create_file"), "write"),
    **dict.fromkeys(("edit_file", "editfiles", "multiedit", "apply_patch"), "edit"),
    **dict.fromkeys(("ls", "list_directory"), "list"),
    **dict.fromkeys(("fetch", "web_fetch"), "webfetch"),
    "web_search": "websearch",
    **dict.fromkeys(("todowrite", "todoread"), "todo"),
    **dict.fromkeys(("agent", "subagent", "runsubagent"), "task"),
    "notebookedit": "notebook",
}
"""What tools call a canonical tool (lower case, without a ``execute/`` namespace), for the
hint of an unknown tool id: the spelling nearest ``shell`` is ``skill``, which a user would
deny in place of ``bash``."""

_SERVER = r"[A-Za-z0-9][A-Za-z0-9_-]*"
"""A server's name as Claude Code and opencode put it in its tools' names: they turn every
other character into ``_`` (``company.jira`` -> ``mcp__company_jira__...``), so a rule
spelled with a dot would match nothing."""
_TOOL = _SERVER
"""A tool's name, which they spell the same way (``get.issue`` -> ``get_issue``): a deny
spelled with the dot held in neither (Claude Code 2.1.332, opencode 1.18.33)."""


def server_name(name: str) -> str:
    """A server's name as Claude Code and opencode put it in its tools' names."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)


MCP_ID = re.compile(rf"^mcp:(?:\*|(?P<server>{_SERVER})(?:/(?P<tool>\*|{_TOOL}))?)$")


class Decision(enum.IntEnum):
    """What a tool call gets; the integer order is "narrower than" (deny < ask < allow)."""

    DENY = 0
    ASK = 1
    ALLOW = 2

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Decision:
        return cls[text.upper()]


def is_tool_id(text: str) -> bool:
    return text in TOOLS or MCP_ID.match(text) is not None


def mcp_parts(tool_id: str) -> tuple[str | None, str | None]:
    """``mcp:github/create_issue`` -> ("github", "create_issue"); ``mcp:*`` -> (None, None)."""
    match = MCP_ID.match(tool_id)
    if match is None:
        raise ValueError(f"not an MCP tool id: {tool_id!r}")
    server, tool = match.group("server"), match.group("tool")
    return server, None if tool == "*" else tool


def normalize_tool_id(tool_id: str) -> str:
    """``mcp:github/*`` is the same as ``mcp:github``; keep one spelling."""
    if tool_id.startswith("mcp:"):
        server, tool = mcp_parts(tool_id)
        if server is None:
            return "mcp:*"
        return f"mcp:{server}" if tool is None else f"mcp:{server}/{tool}"
    return tool_id


@lru_cache(maxsize=4096)
def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    escaped = re.escape(pattern.replace("\\", "/")).replace(r"\*", ".*").replace(r"\?", ".")
    if escaped.endswith(r"\ .*"):
        escaped = escaped[: -len(r"\ .*")] + r"(\ .*)?"
    return re.compile(escaped, re.DOTALL)


def wildcard_match(subject: str, pattern: str) -> bool:
    """opencode 1.x wildcard semantics, read from its shipped source.

    ``*`` matches any run of characters (newlines too), ``?`` one character, a trailing
    ``" *"`` also matches the bare command (``git *`` matches ``git``), backslashes count as
    slashes, and the whole subject must match.
    """
    return _wildcard_regex(pattern).fullmatch(subject.replace("\\", "/")) is not None


def pattern_priority(pattern: str) -> tuple[int, str]:
    """Sort key: a later key wins. Longest pattern wins; equal lengths fall back to text order.

    This is the order opencode 1.x itself sorts wildcard maps in, so writing the rules in this
    order makes "last match wins" and "most specific wins" the same thing.
    """
    return (len(pattern), pattern)


UNMATCHED = "\x00no-pattern-matches-this"
"""A command no user pattern matches (patterns cannot hold control characters)."""


def sample_command(pattern: str) -> str:
    """A command the pattern matches, to ask a target what it decides for that pattern."""
    return UNMATCHED if pattern == "*" else pattern.replace("*", "x").replace("?", "x")


BAD_PATTERN_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def pattern_problem(pattern: str) -> str | None:
    """Why a bash command pattern cannot be used, or None when it is fine."""
    if not pattern.strip():
        return "the pattern is empty; use '*' for every command"
    if pattern != pattern.strip():
        return "the pattern starts or ends with blanks, which no command matches as intended"
    if BAD_PATTERN_CHARS.search(pattern):
        return "the pattern contains a control character (tab, newline, ...); use '?' or '*'"
    if pattern.startswith(("Bash(", "bash(")):
        return "write the bare command pattern, e.g. 'git status *', not Bash(...)"
    if pattern.endswith(":*"):
        return (
            f"':*' is Claude rule syntax; write {pattern[:-2] + ' *'!r} "
            "(canonical patterns use '*' and '?')"
        )
    return None


@dataclass(frozen=True, slots=True)
class BashRule:
    """One command pattern and what it decides."""

    pattern: str
    decision: Decision


def _freeze(mapping: Mapping[str, Decision]) -> Mapping[str, Decision]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Policy:
    """A complete answer to "may this agent use tool T (on command C)?".

    ``tools`` holds the decisions the source names (canonical ids and ``mcp:`` ids);
    ``default`` answers every other tool, including tools no canonical id covers.
    ``bash`` refines the bash decision per command; the bash entry in ``tools`` (or the
    default) answers commands no pattern matches.
    """

    default: Decision
    tools: Mapping[str, Decision] = field(default_factory=lambda: _freeze({}))
    bash: tuple[BashRule, ...] = ()
    default_explicit: bool = False

    @staticmethod
    def build(
        default: Decision | None,
        allow: Iterable[str] | None = None,
        ask: Iterable[str] = (),
        deny: Iterable[str] = (),
        bash: Mapping[str, Decision] | None = None,
    ) -> Policy:
        """The canonical constructor: lists plus the implied default of the README.

        With no explicit default, an ``allow`` list, even an empty one, means "only these"
        (default deny); naming only ``ask``/``deny`` means "everything else is allowed".
        """
        implied = Decision.ALLOW if allow is None else Decision.DENY
        allow, ask, deny = list(allow or ()), list(ask), list(deny)

        tools: dict[str, Decision] = {}
        for ids, decision in ((allow, Decision.ALLOW), (ask, Decision.ASK), (deny, Decision.DENY)):
            for tool_id in ids:
                key = normalize_tool_id(tool_id)
                # A tool named twice keeps its narrowest decision: never widen by accident.
                tools[key] = min(decision, tools.get(key, decision))
        explicit = default is not None
        if default is None:
            default = implied

        rules = tuple(
            BashRule(p, d)
            for p, d in sorted((bash or {}).items(), key=lambda item: pattern_priority(item[0]))
        )
        return Policy(default, _freeze(tools), rules, explicit)

    def __hash__(self) -> int:
        # the read-only ``tools`` mapping has no hash of its own; targets cache what they
        # derive from a policy, and a pack has few distinct policies
        return hash((self.default, frozenset(self.tools.items()), self.bash, self.default_explicit))

    def key(self) -> tuple[object, ...]:
        """Everything the policy says, in the order it says it. Equal policies may list
        their tools in other orders, and a target writes names in the source's order, so
        a cache of rendered output must key on this, not on the policy."""
        return (self.default, tuple(self.tools.items()), self.bash, self.default_explicit)

    def tool(self, tool_id: str) -> Decision:
        """The decision for a tool as a whole (bash: for a command no pattern matches)."""
        if tool_id == "bash":
            star = next((r.decision for r in self.bash if r.pattern == "*"), None)
            if star is not None:
                return star
        if tool_id in self.tools:
            return self.tools[tool_id]
        if tool_id.startswith("mcp:"):
            server, tool = mcp_parts(tool_id)
            if tool is not None and f"mcp:{server}" in self.tools:
                return self.tools[f"mcp:{server}"]
            if "mcp:*" in self.tools:
                return self.tools["mcp:*"]
        return self.default

    def decide(self, tool_id: str, command: str | None = None) -> Decision:
        """The decision for one call; for bash, ``command`` selects among the patterns."""
        if tool_id == "bash" and command is not None:
            winner: Decision | None = None
            for rule in self.bash:  # sorted by priority: the last match wins
                if wildcard_match(command, rule.pattern):
                    winner = rule.decision
            if winner is not None:
                return winner
        return self.tool(tool_id)

    def bash_base(self) -> Decision:
        """The decision for commands that no pattern (other than ``*``) matches."""
        return self.tool("bash")

    def narrowest(self, tool_id: str) -> Decision:
        """The narrowest decision any call of the tool can get (bash: over every pattern).

        A target that cannot tell commands apart must use at most this for the tool.
        """
        if tool_id != "bash":
            return self.tool(tool_id)
        return min([self.bash_base(), *(rule.decision for rule in self.bash)])

    def widest(self, tool_id: str) -> Decision:
        """The widest decision any call of the tool can get."""
        if tool_id != "bash":
            return self.tool(tool_id)
        return max([self.bash_base(), *(rule.decision for rule in self.bash)])

    def named_mcp(self) -> tuple[str, ...]:
        return tuple(t for t in self.tools if t.startswith("mcp:"))


def renamed_tool(tool_id: str, servers: Mapping[str, str]) -> str:
    """An MCP tool id with its server named as ``servers`` says (a host's own name for a
    server -> the pack's); any other id as it is. A tool read from opencode's
    ``<server>_<tool>`` split at the first ``_`` (``mcp:my/srv_delete``) belongs to the
    longest server of ``servers`` its joined name starts with (``my_srv``)."""
    if not tool_id.startswith("mcp:"):
        return tool_id
    server, tool = mcp_parts(tool_id)
    if server is not None and server not in servers and tool:
        joined = f"{server}_{tool}"
        longest = max((k for k in servers if joined.startswith(f"{k}_")), key=len, default=None)
        if longest is not None:
            return f"mcp:{servers[longest]}/{joined[len(longest) + 1 :]}"
    if server is None or server not in servers:
        return tool_id
    return f"mcp:{servers[server]}" + (f"/{tool}" if tool else "")


def renamed(policy: Policy, servers: Mapping[str, str]) -> Policy:
    """The policy with its MCP servers named as ``servers`` says; where two names become
    one, the narrower decision. A deny or ask whose tool was only guessed at by name
    (``renamed_tool``'s split) holds for both readings."""
    tools: dict[str, Decision] = {}
    for tool_id, decision in policy.tools.items():
        key = renamed_tool(tool_id, servers)
        tools[key] = min(decision, tools.get(key, decision))
        guessed = key != tool_id and mcp_parts(tool_id)[0] not in servers
        if guessed and decision is not Decision.ALLOW:
            tools[tool_id] = min(decision, tools.get(tool_id, decision))
    return dataclasses.replace(policy, tools=_freeze(tools))


def summary(policy: Policy | None) -> str:
    """A short human line for ``agentpack list``: 'inherit', 'read, grep (+2 ask), rest deny'."""
    if policy is None:
        return "inherit"
    by: dict[Decision, list[str]] = {d: [] for d in Decision}
    for tool_id, decision in policy.tools.items():
        by[decision].append(tool_id)
    parts = []
    for decision in (Decision.ALLOW, Decision.ASK, Decision.DENY):
        if by[decision] and decision != policy.default:
            parts.append(f"{decision}: {','.join(by[decision])}")
    if policy.bash:
        parts.append(f"bash patterns: {len(policy.bash)}")
    parts.append(f"else {policy.default}")
    return "; ".join(parts)
