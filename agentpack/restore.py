"""How to give a user's config file back byte for byte as it was before an install.

Taking an entry out again by structure leaves the layout the editor chose: tomlkit keeps a
blank line where a table was, an inline table keeps the spaces it added, a comment after
the last member stays where the new members pushed it. So an install also records how to
undo its text change: the spans of the new text to put back as they were, valid only while
the file holds exactly that new text (its sha256). Only whitespace of the user's is ever
kept in it; a change that took out anything else is not recorded this way, and uninstall
takes the entries out by structure instead.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence

Span = tuple[int, int, str]
"""Characters ``start:end`` of the installed text, and what stood there before."""
Restore = tuple[str, tuple[Span, ...]]
"""The sha256 of the installed text, and the spans that give the text before it back."""

_LARGEST = 200_000
"""The most characters around the change compared: more is not an install's edit."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def made(before: str, after: str) -> Restore | None:
    """How to get ``before`` back from ``after``; None when that would keep text of the
    user's other than whitespace, or the change is too large to be an install's."""
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    old, new = before[head : len(before) - tail], after[head : len(after) - tail]
    if len(old) + len(new) > _LARGEST:
        return None
    spans = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if old[i1:i2].strip():
            return None  # the user's own text would be kept in the record
        spans.append((head + j1, head + j2, old[i1:i2]))
    return digest(after), tuple(spans)


def undone(text: str, restore: Restore | None) -> str | None:
    """The text before the install, when ``text`` is exactly what it left; else None."""
    if restore is None or digest(text) != restore[0]:
        return None
    for start, end, was in reversed(restore[1]):
        text = text[:start] + was + text[end:]
    return text


def loaded(value: object) -> Restore | None:
    """A restore as the install record's JSON holds it (lists for tuples)."""
    if not isinstance(value, Sequence) or len(value) != 2 or not isinstance(value[0], str):
        return None
    spans = value[1]
    if not isinstance(spans, Sequence) or not all(
        isinstance(s, Sequence)
        and len(s) == 3
        and isinstance(s[0], int)
        and isinstance(s[1], int)
        and isinstance(s[2], str)
        for s in spans
    ):
        return None
    return value[0], tuple((int(s[0]), int(s[1]), str(s[2])) for s in spans)
