"""Which of a server's arguments a shell runs as its script (``sh -c '...'``).

There ``$NAME`` is the shell's to expand when the server starts, the same in every tool;
anywhere else some tools (the Copilot CLI) put the variable in its place and the others
pass ``$NAME`` on as text. Both the pack's checks and the importers need to tell the two
apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

BARE_REFERENCE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
"""``$NAME``: the name as group 1 (``${NAME}``, ``$$`` and ``$1`` are not matched)."""
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh"})
_ENV_VALUED = frozenset({"-u", "--unset", "-C", "--chdir"})
"""``env`` options followed by a value of their own."""


def script_index(command: str, args: Sequence[str]) -> int | None:
    """The index in ``args`` of the script a shell runs (the word after ``-c``, or after
    an option cluster holding ``c`` such as ``-ec``), when ``command`` is a shell, or
    ``env`` starting one; None when no argument is shell text."""
    words = [command, *args]
    at = 0
    if PurePosixPath(command).name == "env":
        at = 1
        while at < len(words) and (words[at].startswith("-") or "=" in words[at]):
            at += 2 if words[at] in _ENV_VALUED else 1
    if at >= len(words) or PurePosixPath(words[at]).name not in SHELLS:
        return None
    at += 1
    while at < len(words) and words[at][:1] in ("-", "+") and words[at] not in ("-", "--"):
        if words[at] in ("-o", "+o"):
            at += 2
            continue
        if "c" in words[at][1:] and not words[at].startswith("--"):
            return at if at + 1 < len(words) else None  # words[at + 1] is args[at]
        at += 1
    return None
