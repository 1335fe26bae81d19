"""Every error a user can see, and the Finding that carries a location.

Nothing here imports click: the CLI turns these into exit codes in one place
(``cli.main``), so the library stays usable from Python and tests.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import NamedTuple


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    """A field a target has no place for (e.g. temperature for Claude Code): shown with -v."""


class Finding(NamedTuple):
    """One problem in one file, printed as a single line.

    ``str()`` gives ``path:line:col: severity: field: message``; ``field`` is the dotted
    data path inside the file (``tools.allow[2]``) or ``-`` when the whole file is meant.
    A named tuple, ordered by its fields in turn: a large pack's export makes tens of
    thousands, and a frozen dataclass takes five times as long to build.
    """

    path: str
    line: int
    col: int
    severity: Severity
    field: str
    message: str

    def __str__(self) -> str:
        text = one_line(self.message)  # whatever the source said
        severity = _SEVERITY_TEXT[self.severity]
        path = one_line(self.path)  # a file name may hold a line break
        return f"{path}:{self.line}:{self.col}: {severity}: {self.field}: {text}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": _SEVERITY_TEXT[self.severity],
            "field": self.field,
            "message": one_line(self.message),
        }

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def row(self) -> tuple[str, int, int, str, str, str]:
        """Plain values, for the export cache."""
        return (self.path, self.line, self.col, self.severity.value, self.field, self.message)

    @staticmethod
    def of_row(row: tuple[str, int, int, str, str, str]) -> Finding:
        path, line, col, severity, field, message = row
        return Finding(path, line, col, Severity(severity), field, message)


_SEVERITY_TEXT = {severity: severity.value for severity in Severity}
"""``Severity.value`` through a dict: the enum's property costs a microsecond a call, and
a large pack's export prints thousands of findings."""


def one_line(text: str) -> str:
    """``text`` with every run of whitespace made one space, and none at either end. Most
    messages already are: a check in C says so, where splitting and joining took as long
    as the rest of printing a finding. (Every character ``str.split`` splits at, other
    than the space, is one ``isprintable`` refuses.)"""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the choice most like ``word``, or nothing. difflib is
    imported here, when a hint is wanted, not by every export."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class AgentpackError(Exception):
    """Base of every error agentpack raises on purpose; ``str(e)`` is the user's message."""

    exit_code = 2


class InvalidPack(AgentpackError):
    """Raised by ``load_pack`` when any file has an error; carries all findings, sorted."""

    exit_code = 1

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = tuple(sorted(findings))
        errors = [f for f in self.findings if f.is_error]
        super().__init__("\n".join(str(f) for f in errors) or "the pack is invalid")


class ExportRefused(AgentpackError):
    """A target cannot express a policy without widening it; nothing was written."""

    exit_code = 1


class UnsafePath(AgentpackError):
    """A name, resource or destination would make agentpack write outside its output folder."""

    exit_code = 1


class UsageError(AgentpackError):
    """Bad flags, an unknown target, or no pack where one was expected."""

    exit_code = 2


class TargetLoadError(UsageError):
    """A target (built in or from an installed distribution) failed to import; the
    message names where it came from."""


class OutputError(AgentpackError):
    """Reading or writing files failed; what was there before is left as it was."""

    exit_code = 2


def listing(words: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: names in a sentence."""
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def field_name(path: tuple[str | int, ...]) -> str:
    """``("tools", "allow", 2)`` -> ``tools.allow[2]``; the empty path is ``-``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "-"
