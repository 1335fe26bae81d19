"""What every importer shares: reading messy native files, the per-file report, examples,
tool names, model ids and names.

Native files come from the internet: ``lenient`` repairs the usual mistakes (a ``: `` in an
unquoted one-line value, tabs used for indentation, a missing closing ``---``) and says so per
repair; without it each is an error with file:line:col.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agentpack import examples
from agentpack.errors import Finding, Severity
from agentpack.model import Example, ModelRef
from agentpack.source import Located, SourceError, parse_yaml, read_text, split_frontmatter


@dataclass(slots=True)
class FileReport:
    """What happened to one native file: ``mapped`` fields carried exactly, ``approximated``
    ones carried in a nearby or narrower form, ``dropped`` ones not carried at all."""

    source: str
    kind: str = ""
    name: str = ""
    mapped: list[str] = field(default_factory=list)
    approximated: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def warn(self, line: int, col: int, fieldname: str, message: str) -> None:
        self.findings.append(Finding(self.source, line, col, Severity.WARNING, fieldname, message))

    def error(self, line: int, col: int, fieldname: str, message: str) -> None:
        self.findings.append(Finding(self.source, line, col, Severity.ERROR, fieldname, message))

    @property
    def failed(self) -> bool:
        return any(f.is_error for f in self.findings)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "kind": self.kind,
            "name": self.name,
            "mapped": self.mapped,
            "approximated": self.approximated,
            "dropped": self.dropped,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(slots=True)
class Native:
    """A native file read: frontmatter (None when there is none), body, positions."""

    path: Path
    frontmatter: dict[str, Any] | None
    body: str
    located: Located | None = None


_KEY_LINE = re.compile(r"^([A-Za-z0-9_-]+):( +)(.*)$")


def _repair_values(text: str, report: FileReport, first_line: int) -> str:
    """Quote each one-line value that is not YAML on its own, as Claude Code does before it
    gives up on a frontmatter: ``description: Use it: now`` (a ': ' inside) or
    ``argument-hint: [pr-number] [priority]`` (a list followed by more text)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if not match:
            continue
        value = match.group(3)
        if not value.strip() or value[:1] in "\"'|>&*!#" or _parses(value):
            continue
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines[i] = f'{match.group(1)}:{match.group(2)}"{escaped}"'
        what = "contains ': '" if ": " in value else "is not valid YAML on its own"
        report.warn(
            first_line + i,
            len(match.group(1)) + 3,
            match.group(1),
            f"repaired: quoted a one-line value that {what}",
        )
    return "\n".join(lines)


def _parses(value: str) -> bool:
    """Whether ``value`` reads as the value of a one-line ``key: value``."""
    try:
        parse_yaml(f"k: {value}\n", 0)
    except SourceError:
        return False
    return True


def _repair_tabs(text: str, report: FileReport, first_line: int) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent:
            lines[i] = indent.replace("\t", "  ") + stripped
            report.warn(
                first_line + i, 1, "-", "repaired: replaced tabs in the indentation with spaces"
            )
    return "\n".join(lines)


def _unclosed(text: str, report: FileReport) -> tuple[str, str, int]:
    """Frontmatter with no closing fence: it ends before the first line that is neither a
    ``key: value`` line, an indented continuation nor a list item."""
    lines = text.split("\n")[1:]
    end = len(lines)
    for i, line in enumerate(lines):
        if line and not (line[0] in " \t-#" or _KEY_LINE.match(line) or line.endswith(":")):
            end = i
            break
        blank_then_prose = (
            not line.strip()
            and i + 1 < len(lines)
            and lines[i + 1][:1] not in (" ", "\t", "-")
            and not _KEY_LINE.match(lines[i + 1])
        )
        if blank_then_prose:
            end = i
            break
    report.warn(
        1, 1, "-", f"repaired: the frontmatter had no closing '---'; it ends at line {end + 1}"
    )
    return "\n".join(lines[:end]) + "\n", "\n".join(lines[end:]).lstrip("\n"), end + 2


def read_native(path: Path, report: FileReport, *, lenient: bool) -> Native | None:
    try:
        text = read_text(path)
    except SourceError as exc:
        report.error(exc.line, exc.col, exc.field, exc.message)
        return None
    try:
        split = split_frontmatter(text)
        fm_text, fm_line, body = split.frontmatter, split.fm_line, split.body
    except SourceError as exc:
        if not lenient:
            report.error(exc.line, exc.col, exc.field, exc.message + " (--lenient repairs this)")
            return None
        fm_text, body, _ = _unclosed(text, report)
        fm_line = 2
    if fm_text is None:
        return Native(path, None, body)
    try:
        located = parse_yaml(fm_text, fm_line - 1)
    except SourceError as exc:
        if not lenient:
            report.error(exc.line, exc.col, exc.field, exc.message + " (--lenient may repair this)")
            return None
        repaired = _repair_values(_repair_tabs(fm_text, report, fm_line), report, fm_line)
        try:
            located = parse_yaml(repaired, fm_line - 1)
        except SourceError as again:
            report.error(again.line, again.col, again.field, again.message)
            return None
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        report.error(fm_line, 1, "-", "the frontmatter is not a mapping of fields")
        return None
    return Native(path, data, body, located)


def slug(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return "-".join(words)[:64].strip("-") or "imported"


def name_of(value: Any, fallback: str) -> str:
    """The canonical name for a native ``name``, or for ``fallback`` (the file's or
    folder's name) when there is none or it keeps nothing a name can hold (``name:
    函数命名规范``, which every such file would otherwise share as "imported")."""
    text = str(value or "")
    return slug(text) if re.search(r"[A-Za-z0-9]", text) else slug(fallback)


# -- delegation examples --------------------------------------------------------------------


def split_examples(description: str) -> tuple[str, tuple[Example, ...]]:
    """Structured examples only when that loses nothing (see ``agentpack.examples``)."""
    return examples.split(description)


# -- tools and models -----------------------------------------------------------------------

CLAUDE_TOOLS: Mapping[str, str] = {
    "Read": "read",
    "NotebookRead": "read",
    "Write": "write",
    "Edit": "edit",
    "MultiEdit": "edit",
    "Glob": "glob",
    "Grep": "grep",
    "LS": "list",
    "Bash": "bash",
    "PowerShell": "bash",
    "Monitor": "bash",
    "BashOutput": "bash",
    "KillShell": "bash",
    "WebFetch": "webfetch",
    "WebSearch": "websearch",
    "TodoWrite": "todo",
    "TodoRead": "todo",
    "TaskCreate": "todo",
    "TaskGet": "todo",
    "TaskList": "todo",
    "TaskUpdate": "todo",
    "Agent": "task",
    "Task": "task",
    "NotebookEdit": "notebook",
    "Skill": "skill",
}
"""Claude Code tool names (current and older) -> the canonical tool."""

_RULE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$", re.DOTALL)


def claude_tool(name: str) -> tuple[str | None, str | None]:
    """``Bash(git add:*)`` -> ("bash", "git add *"); ``mcp__gh__x`` -> ("mcp:gh/x", None)."""
    name = name.strip()
    if name.startswith("mcp__"):
        server, _, tool = name[5:].partition("__")
        return (f"mcp:{server}" if tool in ("", "*") else f"mcp:{server}/{tool}"), None
    match = _RULE.match(name)
    if not match:
        return None, None
    pattern = match.group(2)
    if pattern is not None and pattern.endswith(":*"):
        pattern = pattern[:-2] + " *"
    return CLAUDE_TOOLS.get(match.group(1)), (pattern or None)


def split_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    # a comma-separated string, but commas inside parentheses belong to the rule
    parts, depth, current = [], 0, ""
    for char in str(value):
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def model_ref(
    value: Any, target: str, table: Mapping[str, Mapping[str, str]], report: FileReport
) -> ModelRef | None:
    """A native model id -> the alias whose id for ``target`` it is, else a per-target id;
    an Anthropic model id gets its id for the other host too (noted), since Claude Code
    takes it bare and opencode as ``anthropic/<id>``."""
    if value is None or value == "":
        return None
    text = str(value)
    for alias, ids in table.items():
        if ids.get(target) == text:
            return ModelRef(alias=alias)
    ids = {target: text}
    bare = text.removeprefix("anthropic/")
    if target == "claude" and _ANTHROPIC_ID.fullmatch(text):
        ids["opencode"] = f"anthropic/{text}"
    elif target == "opencode" and bare != text and _ANTHROPIC_ID.fullmatch(bare):
        ids["claude"] = bare
    for other in sorted(ids.keys() - {target}):
        report.approximated.append(f"model: {ids[other]} for {other} (the same model)")
    return ModelRef(per_target=MappingProxyType(ids))


_ANTHROPIC_ID = re.compile(r"claude-[a-z0-9]+(?:[.-][a-z0-9]+)*")
"""An Anthropic API model id (``claude-sonnet-4-5-20250929``), as both hosts name it."""
