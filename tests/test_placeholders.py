"""Argument placeholders: the patterns find exactly what the plain reading of the rule
finds (a ``$`` not after a backslash or another ``$``), whatever the text around them."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from agentpack import placeholders

# the rule as first written: simple to read, slow to run (tried at every position)
READ_POSITIONAL = re.compile(r"(?<![\\$])\$([0-9]+)")
READ_ARGUMENTS = re.compile(r"(?<![\\$])\$ARGUMENTS\b")

texts = st.text(alphabet=st.sampled_from(list("$\\0129aZ _\nARGUMENTS")), max_size=40)


@given(texts)
def test_the_patterns_match_what_the_rule_says(text: str) -> None:
    for fast, plain in (
        (placeholders.POSITIONAL, READ_POSITIONAL),
        (placeholders.ARGUMENTS, READ_ARGUMENTS),
    ):
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(texts)
def test_shifting_down_and_up_gives_the_text_back(text: str) -> None:
    # $0 has no canonical spelling, and $01 is read as $1: only texts whose placeholders
    # count from 1, written plainly, come back
    if all(n == str(int(n)) != "0" for n in READ_POSITIONAL.findall(text)):
        assert placeholders.shift(placeholders.shift(text, -1), +1) == text


def test_escaped_and_doubled_dollars_are_not_placeholders() -> None:
    assert placeholders.shift(r"\$1 $$2 $3", -1) == r"\$1 $$2 $2"
    assert not placeholders.used(r"\$ARGUMENTS $$1")
    assert placeholders.used("run $ARGUMENTS")
