"""The JSON text editor: values read as json reads them, and add/remove as exact inverses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentpack import jsontext

scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
layouts = st.sampled_from([None, 0, 2, 4, "\t"])


def _container(text: str, path: list[Any]) -> jsontext.Node:
    node = jsontext.parse(text)
    for step in path:
        node = node.items[step].value
    return node


def _containers(text: str) -> list[list[int]]:
    """Paths (item indexes) to every object and array in the document."""
    found: list[list[int]] = []

    def walk(node: jsontext.Node, path: list[int]) -> None:
        if node.kind != "scalar":
            found.append(path)
            for i, item in enumerate(node.items):
                walk(item.value, [*path, i])

    walk(jsontext.parse(text), [])
    return found


@settings(max_examples=300, deadline=None)
@given(
    document=st.one_of(
        st.dictionaries(st.text(max_size=5), values, max_size=4), st.lists(values, max_size=4)
    ),
    layout=layouts,
    new=values,
    choice=st.integers(0, 1000),
)
def test_add_then_remove_gives_back_every_byte(
    document: Any, layout: Any, new: Any, choice: int
) -> None:
    text = json.dumps(document, indent=layout, ensure_ascii=False) + "\n"
    assert jsontext.value(text, jsontext.parse(text)) == document
    paths = _containers(text)
    path = paths[choice % len(paths)]
    node = _container(text, path)
    key = None if node.kind == "array" else "agentpack-new-key"
    if key is not None and node.member(key) is not None:
        return
    added, tail = jsontext.add(text, node, key, new)
    grown = _container(added, path)
    assert json.loads(added) is not None  # still plain JSON
    expected = jsontext.value(text, node)
    if key is None:
        assert jsontext.value(added, grown) == [*expected, new]
    else:
        assert jsontext.value(added, grown) == {**expected, key: new}
    assert jsontext.remove(added, grown, len(grown.items) - 1, tail) == text


def test_comments_and_trailing_commas_stay() -> None:
    text = '{\n  // the user\'s note\n  "a": 1, /* inline */\n  "b": [1, 2,],\n}\n'
    root = jsontext.parse(text)
    assert jsontext.value(text, root) == {"a": 1, "b": [1, 2]}
    added, tail = jsontext.add(text, root, "mcp", {"x": {"command": "run"}})
    assert "// the user's note" in added
    assert "/* inline */" in added
    assert jsontext.value(added, jsontext.parse(added))["mcp"] == {"x": {"command": "run"}}
    assert jsontext.remove(added, jsontext.parse(added), 2, tail) == text


def test_added_members_are_laid_out_like_the_file() -> None:
    text = '{\n    "theme": "dark"\n}\n'
    added, _ = jsontext.add(text, jsontext.parse(text), "mcp", {"a": 1})
    assert added == '{\n    "theme": "dark",\n    "mcp": {\n        "a": 1\n    }\n}\n'


@pytest.mark.parametrize("text", ["{}", "{ }", "{\n}\n", "[]", "[\n\n]"])
def test_an_empty_container_comes_back_exactly(text: str) -> None:
    node = jsontext.parse(text)
    key = None if node.kind == "array" else "k"
    added, tail = jsontext.add(text, node, key, {"v": [1]})
    assert jsontext.remove(added, jsontext.parse(added), 0, tail) == text


def test_removing_an_item_that_is_no_longer_last_keeps_the_rest() -> None:
    text = '{"a": 1}'
    added, tail = jsontext.add(text, jsontext.parse(text), "ours", 2)
    later, _ = jsontext.add(added, jsontext.parse(added), "theirs", 3)
    out = jsontext.remove(later, jsontext.parse(later), 1, tail)
    assert json.loads(out) == {"a": 1, "theirs": 3}


@pytest.mark.parametrize(
    ("text", "where"),
    [('{"a": }', "1:7"), ('{"a": 1', "1:8"), ("{'a': 1}", "1:2"), ('{"a": 1} x', "1:10")],
)
def test_not_json_says_where(text: str, where: str) -> None:
    with pytest.raises(jsontext.JsonTextError, match=where):
        jsontext.parse(text)


def test_nesting_is_bounded() -> None:
    with pytest.raises(jsontext.JsonTextError, match="levels of nesting"):
        jsontext.parse("[" * 500 + "]" * 500)


def _paths(data: Any, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Any]]:
    found = [(path, data)]
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for step, inner in items:
        found += _paths(inner, (*path, step))
    return found


@settings(max_examples=200, deadline=None)
@given(values, layouts, st.sampled_from(["\n", "\r\n"]))
def test_place_points_at_every_member_and_element(data: Any, layout: Any, end: str) -> None:
    """A member is placed at its name, an element at its value: what an error about the
    value's shape should point at (with either line end)."""
    text = json.dumps(data, indent=layout).replace("\n", end)
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    for path, inner in _paths(data):
        line, col = jsontext.place(text, path)
        at = starts[line - 1] + col - 1
        if path and isinstance(path[-1], str):
            assert text.startswith(json.dumps(path[-1]), at)
        else:
            assert json.JSONDecoder().raw_decode(text, at)[0] == inner


def test_place_of_what_is_not_there_is_its_nearest_container() -> None:
    text = '{\n  "a": {\n    "b": [1, 2]\n  }\n}'
    assert jsontext.place(text, ("a", "b", 5)) == (3, 5)
    assert jsontext.place(text, ("a", "c")) == (2, 3)
    assert jsontext.place(text, ("a", 0)) == (2, 3)
    assert jsontext.place("not json", ("a",)) == (1, 1)
