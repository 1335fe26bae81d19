"""The YAML reader: libyaml's events when present, PyYAML's own parser otherwise, same result."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from agentpack import source, yamldoc

DOCS = [
    "name: a\ndescription: b\ntools: [read, write]\n",
    "a: &x [1, 2]\nb: *x\nc: {d: 'e', f: \"g\\n\"}\nh: |\n  one\n  two\n",
    "k: 2025-01-01\nn: 0o17\ny: yes\nz: ~\n",
]


@pytest.mark.parametrize("text", DOCS)
def test_both_parsers_give_the_same_data_and_positions(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = yamldoc.parse_yaml(text, 3).mapped()
    monkeypatch.setattr(yamldoc, "_CParser", None)
    slow = yamldoc.parse_yaml(text, 3).mapped()
    assert (fast.data, fast.keys, fast.values) == (slow.data, slow.keys, slow.values)
    assert fast.keys  # the positions were really worked out


@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_both_parsers_report_bad_yaml_with_its_position(
    parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if parser == "python":
        monkeypatch.setattr(yamldoc, "_CParser", None)
    with pytest.raises(source.SourceError) as caught:
        yamldoc.parse_yaml("a: 1\nb: [2, 3\n", 1)
    assert caught.value.line >= 3
    assert "invalid YAML" in caught.value.message


_scalars = st.one_of(
    st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
)
_docs = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(_docs, st.sampled_from(["flow", "block"]))
def test_the_quick_reader_and_the_full_one_agree(doc: object, style: str) -> None:
    """Most files take the quick path (no positions until a finding needs one); it must
    give exactly the data and root position of the full reader, which knows every rule."""
    text = yaml.safe_dump({"root": doc}, default_flow_style=style == "flow", allow_unicode=True)
    quick = yamldoc.parse_yaml(text, 2)
    full = yamldoc._Builder(2).feed(yamldoc._events(text))
    assert quick.data == full.data
    assert quick.origin == full.origin
    assert (quick.mapped().keys, quick.values) == (full.keys, full.values)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: 1\na: 2\n",
        "? [a]\n: 1\n",
        "yes: 1\n",
        "[" * 70 + "]" * 70,
        "a: 1\n---\nb: 2\n",
    ],
)
def test_what_the_quick_reader_leaves_to_the_full_one(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anchors, tags, duplicate or non-text keys, deep nesting, two documents: the same
    result either way (the data, or the same one-line error)."""

    def outcome() -> object:
        try:
            return yamldoc.parse_yaml(text).data
        except source.SourceError as exc:
            return (exc.line, exc.col, exc.message)

    quick = outcome()

    def never(events: object, line_offset: int) -> object:
        raise yamldoc._Fallback

    monkeypatch.setattr(yamldoc, "_quick", never)
    assert quick == outcome()


_keys = st.sampled_from(["name", "mode", "tools", "allow", "ask", "bash", "git *", "x"])
_leaf = st.one_of(st.sampled_from(["read", "a: b", "", "yes", "1"]), st.integers(0, 3))
_docs = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=10,
)


def _paths(data: object, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [at] if at else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*at, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*at, i))
    return found


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _docs, min_size=1, max_size=4), st.booleans())
def test_finding_one_place_agrees_with_the_full_map(doc: dict[str, object], flow: bool) -> None:
    """A warning's place is read off the events in the pass that builds the data, without
    the full map (for speed): it must be the place the full map gives, for every key and
    entry, block or flow style."""
    text = yaml.safe_dump(doc, default_flow_style=flow, sort_keys=False)
    places = yamldoc.parse_yaml(text, 2).places
    assert places
    for path in _paths(yaml.safe_load(text)):
        quick = places.get(path)
        assert quick == yamldoc.parse_yaml(text, 2).mapped().pos(path, key=True), (path, text)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("a: [1, 2\nb: 3\n", "close the [list] on the line it opens on"),
        ("a: {x: 1\n", "close the {mapping} on the line it opens on"),
        ("- a\nb: 1\n", "indent the list under its field"),
        ("a:\n  - x\n y: 2\n", "a field must line up with the fields around it"),
    ],
)
def test_every_yaml_error_says_what_to_do(text: str, hint: str) -> None:
    """PyYAML's words alone ("did not find expected key") tell a user nothing to do."""
    with pytest.raises(source.SourceError) as caught:
        yamldoc.parse_yaml(text)
    assert caught.value.message.startswith("invalid YAML: ")
    assert hint in caught.value.message


@given(
    st.text(alphabet=st.sampled_from(list("aZyYnNtTfFoO~0159.-+_:! '\"eE")), min_size=0, max_size=8)
)
def test_scalars_get_the_types_pyyaml_gives_them(word: str) -> None:
    """Plain scalars that no implicit type starts like are taken as text without asking
    the resolver: every scalar still reads as PyYAML's own loader, on the same parser,
    reads it (libyaml and PyYAML's parser differ on a bare ``!``)."""
    text = f"key: {word}\n"
    try:
        safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        expected = yaml.load(text, Loader=safe)  # noqa: S506 (a safe loader either way)
    except yaml.YAMLError:
        return
    if isinstance(expected, dict):
        assert yamldoc.parse_yaml(text).data == expected
