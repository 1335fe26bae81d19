"""A finding prints on one line, however its message was written."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from agentpack.errors import Finding, Severity, one_line


@given(st.text())
def test_one_line_is_split_and_join(text: str) -> None:
    assert one_line(text) == " ".join(text.split())


@given(st.lists(st.sampled_from(["a", "é", " ", "\t", "\n", "\xa0", "\u2028", "\x1f", "x y"])))
def test_one_line_on_whitespace_of_every_kind(parts: list[str]) -> None:
    text = "".join(parts)
    assert one_line(text) == " ".join(text.split())


def test_every_character_split_at_is_refused_by_isprintable() -> None:
    """What the fast path of ``one_line`` rests on, checked for every code point."""
    splits = [chr(c) for c in range(sys.maxunicode + 1) if len(f"a{chr(c)}b".split()) == 2]
    assert splits  # the space, tabs, line breaks, the Unicode spaces
    assert all(not ch.isprintable() for ch in splits if ch != " ")


def test_a_finding_prints_and_serialises_on_one_line() -> None:
    finding = Finding("agents/a.md", 3, 1, Severity.WARNING, "tools", "two\n  lines ")
    assert str(finding) == "agents/a.md:3:1: warning: tools: two lines"
    assert finding.as_dict()["message"] == "two lines"
    assert finding.as_dict()["severity"] == "warning"
