"""The YAML reader: libyaml's events when present, PyYAML's own parser otherwise, same result."""

from __future__ import annotations

import pytest

from agentpack import source

DOCS = [
    "name: a\ndescription: b\ntools: [read, write]\n",
    "a: &x [1, 2]\nb: *x\nc: {d: 'e', f: \"g\\n\"}\nh: |\n  one\n  two\n",
    "k: 2025-01-01\nn: 0o17\ny: yes\nz: ~\n",
]


@pytest.mark.parametrize("text", DOCS)
def test_both_parsers_give_the_same_data_and_positions(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = source.parse_yaml(text, 3)
    monkeypatch.setattr(source, "_CParser", None)
    slow = source.parse_yaml(text, 3)
    assert (fast.data, fast.keys, fast.values) == (slow.data, slow.keys, slow.values)


@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_both_parsers_report_bad_yaml_with_its_position(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if parser == "python":
        monkeypatch.setattr(source, "_CParser", None)
    with pytest.raises(source.SourceError) as caught:
        source.parse_yaml("a: 1\nb: [2, 3\n", 1)
    assert caught.value.line >= 3
    assert "invalid YAML" in caught.value.message
