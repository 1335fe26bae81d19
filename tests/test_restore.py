"""How an install's text change is undone: the text before comes back exactly, and the
record keeps no text of the user's but whitespace."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agentpack.restore import made, undone

texts = st.text(st.sampled_from("ab \n\t{}=#,"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(0, 40), texts, st.lists(st.integers(0, 40), max_size=3))
def test_an_insertion_with_whitespace_moved_comes_back_exactly(
    before: str, at: int, added: str, spaced: list[int]
) -> None:
    at = min(at, len(before))
    inserted = before[:at] + added + before[at:]
    assert undone(inserted, made(before, inserted)) == before  # an insertion always can
    after = inserted
    for i in sorted(spaced, reverse=True):  # the editor's own whitespace, added or taken
        i = min(i, len(after))
        after = after[:i] + " " + after[i:] if i % 2 else after[:i] + after[i:].lstrip(" ")
    found = made(before, after)
    if found is not None:  # else uninstall takes the entries out by structure
        assert undone(after, found) == before
        assert all(not was.strip() for _, _, was in found[1])


def test_a_file_changed_since_is_not_given_back() -> None:
    found = made("a = 1\n", "a = 1\n\n[x]\ny = 2\n")
    assert found is not None
    assert undone("a = 1\n\n[x]\ny = 2\n", found) == "a = 1\n"
    assert undone("a = 2\n\n[x]\ny = 2\n", found) is None


def test_a_change_that_took_the_users_text_keeps_none_of_it() -> None:
    assert made('token = "s3cr3t"\n', 'token = "x"\n') is None


def test_a_change_in_a_large_file_is_found_by_its_lines() -> None:
    """Comparing characters across an 87 KB settings.json took three minutes; an install
    adds lines, and a comma or a space within one."""
    before = "".join(f'    "key{i}": "value {i}"\n' for i in range(3000))
    at = before.index('    "key1500"')
    after = before[:at] + '    "hook": {"command": "x"},\n' + before[at:]
    after = after.replace('"value 2998"\n', '"value 2998",\n    "more": 1\n')
    found = made(before, after)
    assert found is not None
    assert undone(after, found) == before
    assert found[1]
    assert all(was == "" for _, _, was in found[1])  # nothing of the user's kept
