"""The export cache's file: changes appended after the tables read back as the tables
they make; a damaged file, or one another export wrote since, is never patched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agentpack import cachefile

FILLER = {f"x{i}.md": ((i, i, i, i, False), "d" * 64) for i in range(20)}
"""Enough entries that a few changes stay under half of the tables."""


def _tables() -> dict[str, Any]:
    return {
        "format": 1,
        "started": 1,
        "sources": {
            "a.md": ((1, 2, 3, 4, False), "da"),
            "b.md": ((5, 6, 7, 8, False), "db"),
            **FILLER,
        },
        "items": {"k1": ((), None, {}), "k2": ((), None, {"claude": ("", (), (), ())})},
        "outputs": {
            "claude": ({"a.md": (1, 2, 3, 4, False)}, {"a.md": "x"}),
            "cursor": ({}, {}),
        },
    }


def test_appended_changes_read_back_as_the_tables_they_make(tmp_path: Path) -> None:
    path = tmp_path / "c.cache"
    old = _tables()
    cachefile.write(path, old)
    read = cachefile.read(path)
    assert read is not None
    assert read.data == old
    new = _tables()
    new["started"] = 2
    new["sources"]["c.md"] = ((9, 9, 9, 9, True), "dc")
    del new["sources"]["a.md"]
    new["items"]["k2"] = ((), None, {})
    del new["outputs"]["cursor"]
    new["outputs"]["claude"][1]["a.md"] = "y"
    changes = {
        "started": 2,
        "sources": cachefile.changes(old["sources"], new["sources"]),
        "items": cachefile.changes(old["items"], new["items"]),
        "outputs": {
            "changed": {
                "claude": (
                    cachefile.changes(old["outputs"]["claude"][0], new["outputs"]["claude"][0]),
                    cachefile.changes(old["outputs"]["claude"][1], new["outputs"]["claude"][1]),
                )
            },
            "gone": ["cursor"],
        },
    }
    assert cachefile.append(path, changes, read)
    again = cachefile.read(path)
    assert again is not None
    assert again.data == new
    assert again.base == read.base  # appended, not written whole


def test_a_file_cut_short_or_foreign_is_no_cache(tmp_path: Path) -> None:
    path = tmp_path / "c.cache"
    cachefile.write(path, _tables())
    whole = path.read_bytes()
    path.write_bytes(whole[:-1])
    assert cachefile.read(path) is None
    path.write_bytes(whole + b"\x05\x00\x00\x00\x00\x00\x00\x00nope!")
    assert cachefile.read(path) is None
    path.write_text("{not marshal")
    assert cachefile.read(path) is None


def test_changes_go_only_after_the_file_they_were_made_against(tmp_path: Path) -> None:
    path = tmp_path / "c.cache"
    cachefile.write(path, _tables())
    read = cachefile.read(path)
    assert read is not None
    cachefile.write(path, {**_tables(), "started": 5})  # another export, meanwhile
    assert not cachefile.append(path, {"started": 6}, read)
    assert cachefile.read(path).data["started"] == 5  # type: ignore[union-attr]


def test_changes_that_outgrow_half_the_tables_are_not_appended(tmp_path: Path) -> None:
    path = tmp_path / "c.cache"
    cachefile.write(path, _tables())
    read = cachefile.read(path)
    assert read is not None
    big: dict[str, Any] = {
        "sources": ({f"{i}.md": ((i, i, i, i, False), "d" * 64) for i in range(100)}, [])
    }
    assert not cachefile.append(path, big, read)
    assert cachefile.read(path).data == _tables()  # type: ignore[union-attr]


def test_changes_two_exports_appended_at_once_make_no_cache(tmp_path: Path) -> None:
    """Each export checks the file, then appends: two that check before either appends
    would both append changes made against the same tables, and the second set would
    be applied to tables the first had changed (found by a second read of the change)."""
    path = tmp_path / "c.cache"
    cachefile.write(path, _tables())
    read = cachefile.read(path)
    assert read is not None
    part = cachefile._part({"started": 2}, read.token, read.stamp[0])
    with open(path, "ab") as handle:  # as both would, racing
        handle.write(part + part)
    assert cachefile.read(path) is None


def test_changes_appended_to_tables_written_whole_since_make_no_cache(tmp_path: Path) -> None:
    path = tmp_path / "c.cache"
    cachefile.write(path, _tables())
    read = cachefile.read(path)
    assert read is not None
    cachefile.write(path, {**_tables(), "started": 5})  # another export, meanwhile
    with open(path, "ab") as handle:  # appended after its check, before this write
        handle.write(cachefile._part({"started": 6}, read.token, path.stat().st_size))
    assert cachefile.read(path) is None


def test_a_cache_removed_during_an_export_is_written_whole(tmp_path: Path) -> None:
    path = tmp_path / "c.cache"
    cachefile.write(path, _tables())
    read = cachefile.read(path)
    assert read is not None
    path.unlink()  # a cleared cache folder
    assert not cachefile.append(path, {"started": 2}, read)
