"""Repairs of the usual mistakes in agent files found in the wild, for ``import --lenient``:
a ``: `` in an unquoted one-line value, a value run over lines at the left margin, tabs
used for indentation, a missing closing ``---``. Each repair is reported where it was
made; without ``--lenient`` each is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agentpack.source import SourceError
from agentpack.yamldoc import parse_yaml

Warn = Callable[[int, int, str, str], None]
"""Where a repair is reported: line, column, field, message."""

_KEY_LINE = re.compile(r"^([A-Za-z0-9_-]+):( +)(.*)$")


def values(text: str, warn: Warn, first_line: int) -> str:
    """Quote each one-line value that is not YAML on its own, as Claude Code does before it
    gives up on a frontmatter: ``description: Use it: now`` (a ': ' inside) or
    ``argument-hint: [pr-number] [priority]`` (a list followed by more text)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if not match:
            continue
        value = match.group(3)
        if not value.strip() or value[:1] in "\"'|>&*!#" or parses(value):
            continue
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines[i] = f'{match.group(1)}:{match.group(2)}"{escaped}"'
        what = "contains ': '" if ": " in value else "is not valid YAML on its own"
        warn(
            first_line + i,
            len(match.group(1)) + 3,
            match.group(1),
            f"repaired: quoted a one-line value that {what}",
        )
    return "\n".join(lines)


_FIELD = re.compile(r"^([a-z][A-Za-z0-9_-]*):(?: |$)")
_ROLES = frozenset({"user", "assistant", "human", "system"})
"""Line starts of the dialogue in a description's examples, not fields."""


def runover(text: str, warn: Warn, first_line: int) -> str:
    """A plain one-line value whose text goes on over lines at the left margin (a
    description with ``<example>`` dialogue, as agent generators write them): the value
    takes every line up to the next field (a lowercase ``key:`` that is not a speaker of
    the dialogue), written as one double-quoted text."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _KEY_LINE.match(lines[i])
        end = i + 1
        while end < len(lines) and not _is_field(lines[end]):
            end += 1
        while end > i + 1 and not lines[end - 1].strip():
            end -= 1  # blank lines before the next field are not the value's
        if not match or end == i + 1 or match.group(3)[:1] in "\"'|>&*!#[{":
            out.append(lines[i])
            i += 1
            continue
        value = "\n".join([match.group(3), *lines[i + 1 : end]])
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        out.append(f'{match.group(1)}:{match.group(2)}"{escaped}"')
        warn(
            first_line + i,
            len(match.group(1)) + 3,
            match.group(1),
            f"repaired: read the lines up to line {first_line + end - 1} as this value's "
            "text (Claude Code cannot parse this frontmatter: it loads the agent with only "
            "its file name)",
        )
        i = end
    return "\n".join(out)


def _is_field(line: str) -> bool:
    """Whether a line of a frontmatter starts a field, or belongs to one (indented)."""
    if line.startswith((" ", "\t", "-")):
        return True
    match = _FIELD.match(line)
    return match is not None and match.group(1) not in _ROLES


def parses(value: str) -> bool:
    """Whether ``value`` reads as the value of a one-line ``key: value``."""
    try:
        parse_yaml(f"k: {value}\n", 0)
    except SourceError:
        return False
    return True


def tabs(text: str, warn: Warn, first_line: int) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent:
            lines[i] = indent.replace("\t", "  ") + stripped
            warn(first_line + i, 1, "-", "repaired: replaced tabs in the indentation with spaces")
    return "\n".join(lines)


def unclosed(text: str, warn: Warn) -> tuple[str, str, int]:
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
    warn(1, 1, "-", f"repaired: the frontmatter had no closing '---'; it ends at line {end + 1}")
    return "\n".join(lines[:end]) + "\n", "\n".join(lines[end:]).lstrip("\n"), end + 2


_FENCED = re.compile(r"```[A-Za-z]*[ \t]*\n---[ \t]*\n(?:.*\n)*?```[ \t\n]*\Z")
"""A file wrapped whole in one code fence that opens on a frontmatter."""
_OPENING = re.compile(r"```[A-Za-z]*[ \t]*\n")
_CLOSING = re.compile(r"\n```[ \t\n]*\Z")


def fenced(text: str) -> bool:
    """Whether a file is wrapped whole in a code fence (```` ```chatagent ````, as early
    Copilot examples were) that opens on its frontmatter, which no tool reads there."""
    return _FENCED.match(text) is not None


def unfenced(text: str, warn: Warn, error: Warn, *, lenient: bool) -> tuple[str, int] | None:
    """A ``fenced`` file without its fence, and how many lines its frontmatter moved up;
    the text as it is when it has no such fence. Only with ``lenient`` (else an error, and
    None): the tools read no frontmatter there, and some fields widen what a file may do
    (``allowed-tools``, ``permissionMode``), so reading them is the user's choice."""
    if not fenced(text):
        return text, 0
    if not lenient:
        error(
            1,
            1,
            "-",
            "the frontmatter is inside a code fence that wraps the file, where no tool reads "
            "it; remove the fence (--lenient reads the fields inside it)",
        )
        return None
    opening = _OPENING.match(text)
    assert opening is not None  # ``fenced`` said so
    warn(
        1,
        1,
        "-",
        "repaired: read the frontmatter inside the code fence that wraps the file (no tool "
        "reads it there); remove the fence from the native file",
    )
    return _CLOSING.sub("\n", text[opening.end() :]), 1
