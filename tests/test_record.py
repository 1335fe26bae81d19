"""dist/manifest.json: its text is what ``json.dumps(indent=2)`` writes, for any strings."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from agentpack._version import __version__
from agentpack.record import Record

texts = st.text(max_size=12)
flat = st.dictionaries(texts, texts, max_size=5)


@given(flat, flat, st.dictionaries(texts, flat, max_size=3))
def test_the_text_is_json_with_an_indent_of_two(
    pack: dict[str, str], files: dict[str, str], pack_files: dict[str, dict[str, str]]
) -> None:
    record = Record(pack, files, pack_files)
    document = {
        "generator": "agentpack",
        "agentpack": __version__,
        "pack": pack,
        "files": dict(sorted(files.items())),
        "pack_files": {t: dict(sorted(v.items())) for t, v in sorted(pack_files.items())},
    }
    expected = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert record.text() == expected.encode("utf-8")
