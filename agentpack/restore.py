"""How to give a user's config file back byte for byte as it was before an install.

Taking an entry out again by structure leaves the layout the editor chose: tomlkit keeps a
blank line where a table was, an inline table keeps the spaces it added, a comment after
the last member stays where the new members pushed it. So an install also records how to
undo its text change: the spans of the new text to put back as they were, valid only while
the file holds exactly that new text (its sha256). Only whitespace of the user's is ever
kept in it; a change that took out anything else is not recorded this way, and uninstall
takes the entries out by structure instead. A record read back is trusted no further: its
spans must hold whitespace only, and the text they give back must read as the same value
as the removal by structure (``configfile.undo``).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence

Span = tuple[int, int, str]
"""Characters ``start:end`` of the installed text, and what stood there before."""
Restore = tuple[str, tuple[Span, ...]]
"""The sha256 of the installed text, and the spans that give the text before it back."""

_LARGEST = 20_000
"""The most characters of changed lines compared one by one: more is no install's edit."""


def digest(text: str) -> str:
    """The sha256 that says the file still holds what the install left."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _same_ends(old: Sequence[str], new: Sequence[str]) -> tuple[int, int]:
    """How many items both begin and end with: left out of the comparison, which is not
    minimal (``===`` to ``=a==`` came out as an insertion and a deletion)."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def _changes(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """Where ``new`` differs from ``old``: (i1, i2, j1, j2) of each change."""
    head, tail = _same_ends(old, new)
    middle = difflib.SequenceMatcher(
        None, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=False
    )
    return [
        (head + i1, head + i2, head + j1, head + j2)
        for op, i1, i2, j1, j2 in middle.get_opcodes()
        if op != "equal"
    ]


def made(before: str, after: str) -> Restore | None:
    """How to get ``before`` back from ``after``; None when that would keep text of the
    user's other than whitespace, or the change is too large to be an install's. Lines are
    compared first (an install adds whole lines, mostly), then the characters of the lines
    it changed (an inline table, a comma after the last member)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    starts = [0]
    for line in new:
        starts.append(starts[-1] + len(line))
    spans: list[Span] = []
    for i1, i2, j1, j2 in _changes(old, new):
        was, now, at = "".join(old[i1:i2]), "".join(new[j1:j2]), starts[j1]
        if not was.strip():
            spans.append((at, at + len(now), was))
            continue
        if len(was) + len(now) > _LARGEST:
            return None
        for a1, a2, b1, b2 in _changes(was, now):
            if was[a1:a2].strip():
                return None  # the user's own text would be kept in the record
            spans.append((at + b1, at + b2, was[a1:a2]))
    return digest(after), tuple(spans)


def undone(text: str, restore: Restore | None) -> str | None:
    """The text before the install, when ``text`` is exactly what it left; else None."""
    if restore is None or digest(text) != restore[0]:
        return None
    for start, end, was in reversed(restore[1]):
        text = text[:start] + was + text[end:]
    return text


def loaded(value: object) -> Restore | None:
    """A restore as the install record's JSON holds it (lists for tuples); None for any
    other shape, and for one that would put back anything but whitespace (a record is a
    file anyone with the folder can write)."""
    if not isinstance(value, Sequence) or len(value) != 2 or not isinstance(value[0], str):
        return None
    spans = value[1]
    if not isinstance(spans, Sequence) or not all(
        isinstance(s, Sequence)
        and len(s) == 3
        and isinstance(s[0], int)
        and isinstance(s[1], int)
        and isinstance(s[2], str)
        and not s[2].strip()
        for s in spans
    ):
        return None
    return value[0], tuple((int(s[0]), int(s[1]), str(s[2])) for s in spans)
