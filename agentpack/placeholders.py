"""Argument placeholders in command templates, in the canonical spelling and in tools'.

Canonical templates say ``$ARGUMENTS`` for everything after the command's name and ``$1``,
``$2``, ... for its words, counted from 1 (opencode's numbering). Tools that count from 0
(Claude Code since 2.1.19, the Copilot CLI) get them renumbered; tools with no positional
placeholders get a template that says what the placeholders stand for.
"""

from __future__ import annotations

import re

# "$" first, then the look back at the character before it: a pattern that starts with the
# look-behind is tried at every position of a body, one that starts with "$" only where a
# "$" is (bench/README.md has the numbers)
POSITIONAL = re.compile(r"\$(?<![\\$]\$)([0-9]+)")
ARGUMENTS = re.compile(r"\$(?<![\\$]\$)ARGUMENTS\b")
SHELL_LINE = re.compile(r"!`[^`\n]+`")
"""``!`git status` ``: a command whose output Claude Code and opencode put in the prompt
before the model reads it."""
FILE_REF = re.compile(r"(?<![\w@./-])@(?:[\w.-]+/)*[\w-]+\.[A-Za-z0-9]{1,8}(?![\w/])")
"""``@src/app.ts``: a file whose text Claude Code and opencode put in a command's prompt."""
SHELL_BLOCK = re.compile(r"^[ \t]*```!", re.MULTILINE)
"""A fenced block opened with ```` ```! ````: commands whose output Claude Code alone puts in
the prompt (opencode sends the block as text)."""


def shift(body: str, by: int) -> str:
    """Renumber ``$N``: -1 turns canonical ``$1`` into ``$0`` (tools counting from 0); +1
    turns it back on import."""
    return POSITIONAL.sub(lambda m: f"${int(m.group(1)) + by}", body)


INDEXED = re.compile(r"\$(?<![\\$]\$)ARGUMENTS\[([0-9]+)\]")
"""Claude Code's ``$ARGUMENTS[0]``: a word of the arguments, counted from 0."""


def positional(body: str, names: object = None) -> str:
    """Claude Code's other spellings of one word of the arguments as the canonical ``$N``:
    ``$ARGUMENTS[0]``, and ``$name`` for each name its ``arguments:`` field lists (a list,
    or names in one text), counted from 0."""
    body = INDEXED.sub(lambda m: f"${int(m.group(1)) + 1}", body)
    listed = names.replace(",", " ").split() if isinstance(names, str) else names
    for i, name in enumerate(listed if isinstance(listed, list) else ()):
        word = re.escape(str(name))
        body = re.sub(r"\$(?<![\\$]\$)" + word + r"(?![\w-])", f"${i + 1}", body)
    return body


ESCAPED = re.compile(r"\\(\$(?:[0-9]+|ARGUMENTS\b))")
"""``\\$1``: a ``$1`` meant as text (Claude Code's escape)."""


def unescaped(body: str) -> str:
    """``\\$1`` as ``$1``, for a tool that fills in no ``$1`` (a VS Code prompt file)."""
    return ESCAPED.sub(r"\1", body)


def used(body: str) -> bool:
    """Whether the template has any argument placeholder."""
    return POSITIONAL.search(body) is not None or ARGUMENTS.search(body) is not None
