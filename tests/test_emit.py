"""The YAML writer: any string reads back exactly under YAML 1.1 (PyYAML) and 1.2 (ruamel),
and no output ever holds ``---`` inside the frontmatter (Claude Code would end it there)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from agentpack import emit
from agentpack.source import tomllib  # tomli before Python 3.11

yaml12 = YAML(typ="safe", pure=True)

HOSTILE = [
    "",
    " ",
    "a: b",
    "# not a comment",
    "- item",
    "? key",
    "& anchor",
    "* alias",
    "!tag",
    "|",
    ">",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "N",
    "null",
    "~",
    "true",
    "False",
    "1e3",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1:20",
    ".5",
    "+1",
    "-1",
    ".inf",
    "-.inf",
    ".nan",
    "2025-09-10",
    "2025-09-10 22:40:12",
    "<<",
    "=",
    "a --- b",
    "---",
    "----",
    "-----",
    "...",
    "a\nb",
    "a\n",
    "\n",
    "a\n\n",
    "  lead",
    "trail  ",
    "tab\there",
    "cr\rhere",
    "nul\x00",
    "bell\x07",
    "del\x7f",
    "nel\x85",
    "ls\u2028",
    "bom\ufeff",
    "rtl\u200f",
    "emoji \U0001f600",
    "$ARGUMENTS",
    "{{args}}",
    "!`git status`",
    "'single'",
    '"double"',
    "back\\slash",
    "[a, b]",
    "{a: b}",
    "x" * 5000,
    "a\n---\nb",
    "line one\n  indented\nthree",
    "é",
    "@at",
    "`tick",
    "%percent",
    "key:",
    "a #b",
    "a#b",
    "a:b",
    "http://x.y/z?q=1#f",
]


def roundtrip(value: Any) -> tuple[Any, Any]:
    text = emit.yaml_mapping({"k": value})
    return yaml.safe_load(text)["k"], yaml12.load(text)["k"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_read_back_exactly(text: str) -> None:
    assert roundtrip(text) == (text, text)


@pytest.mark.parametrize("text", HOSTILE)
def test_no_three_dashes_in_frontmatter(text: str) -> None:
    document = emit.frontmatter({"name": "a", "description": text, "list": [text]}, "body --- ok\n")
    head = document.split("\n---\n", 1)[0]
    assert "---" not in head[3:]


@settings(max_examples=2000, deadline=None)
@given(st.text())
@example("\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
def test_any_string_reads_back_under_yaml_1_1_and_1_2(text: str) -> None:
    assert roundtrip(text) == (text, text)
    assert "---" not in emit.yaml_mapping({"k": text})


nested = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=10), nested, min_size=1, max_size=5))
def test_nested_data_reads_back(data: dict[str, Any]) -> None:
    text = emit.yaml_mapping(data)
    assert yaml.safe_load(text) == data
    assert yaml12.load(text) == data


def test_plain_where_it_reads_well() -> None:
    assert emit.yaml_mapping(
        {"name": "code-reviewer", "description": "Reviews code, carefully."}
    ) == ("name: code-reviewer\ndescription: Reviews code, carefully.")


def test_multiline_text_is_a_literal_block() -> None:
    assert emit.yaml_mapping({"d": "one\ntwo\n", "e": 1}) == "d: |\n  one\n  two\ne: 1"
    assert emit.yaml_mapping({"d": "one\ntwo", "e": 1}) == "d: |-\n  one\n  two\ne: 1"


def test_the_last_value_is_never_a_block_its_newline_would_be_lost() -> None:
    """Found by the property test below: ``k: |`` as the last line of a document without a
    line break after it reads back without the text's final newline."""
    assert emit.yaml_mapping({"k": "0\n0\n"}) == 'k: "0\\n0\\n"'


def test_dashes_are_escaped_in_double_quotes() -> None:
    assert emit.scalar("a --- b") == '"a --\\x2d b"'
    assert emit.scalar("------") == '"--\\x2d--\\x2d"'


def test_floats_read_as_floats_in_both_versions() -> None:
    for number in (0.2, 1e-05, 1e20, 2.0):
        assert roundtrip(number) == (number, number)


def test_json_is_stable() -> None:
    assert emit.json_text({"b": 1, "a": ["é"]}) == '{\n  "b": 1,\n  "a": [\n    "é"\n  ]\n}\n'


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=5), nested, min_size=1, max_size=4))
def test_frontmatter_reads_the_same_without_the_newline_before_the_fence(
    data: dict[str, Any],
) -> None:
    """Readers differ on whether the newline before the closing --- belongs to the YAML."""
    kept = {k: v for k, v in data.items() if v is not None}  # frontmatter leaves None out
    head = emit.frontmatter(kept, "")[4:].partition("\n---\n")[0]
    assert (yaml.safe_load(head) or {}) == (yaml.safe_load(head + "\n") or {}) == kept


_YAML_PRINTABLE = re.compile(
    "[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
"""YAML's printable set less NEL, LS, PS and the BOM, as emit first wrote it."""


@given(st.text(alphabet=st.characters(codec=None)))
def test_the_printable_check_is_yamls_set_less_the_line_breaks(text: str) -> None:
    assert emit._printable(text) == (_YAML_PRINTABLE.fullmatch(text) is not None)


@pytest.mark.parametrize(
    "char",
    list(
        "\x00\x08\t\n\x0b\r\x1f\x20\x7e\x7f\x85\x9f\xa0\u2027\u2028\u2029\u202a\ud7ff"
        "\ud800\udfff\ue000\ufefe\ufeff\uff00\ufffd\ufffe\uffff\U00010000\U0010ffff"
    ),
)
def test_the_printable_check_agrees_at_every_edge_of_the_set(char: str) -> None:
    assert emit._printable(f"a{char}b") == (_YAML_PRINTABLE.fullmatch(f"a{char}b") is not None)


# -- TOML (a TOML 1.0 reader must read every value back exactly) ---------------------------

toml_values = st.recursive(
    st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text() | st.sampled_from(HOSTILE),
    lambda children: st.lists(children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=1000, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=10),
        toml_values | st.dictionaries(st.text(min_size=1, max_size=6), toml_values, max_size=3),
        max_size=5,
    )
)
def test_any_value_reads_back_from_toml(document: dict[str, Any]) -> None:
    assert tomllib.loads(emit.toml_document(document)) == document


@pytest.mark.parametrize("text", [*HOSTILE, '"""', 'a"""b', 'ends with "', "\\\n", "x\r\ny"])
def test_prompts_are_multi_line_strings_that_read_back(text: str) -> None:
    written = emit.toml_document({"developer_instructions": text})
    assert tomllib.loads(written) == {"developer_instructions": text}
    if "\n" in text:
        assert written.startswith('developer_instructions = """\n')
