"""The export cache's stat trust: files changed too close to an export are read again, by
the clock of the file system they are on (the pack's and the output folder's can differ)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from agentpack import cache as caching
from agentpack.outputs import FolderFiles

NS = 1_000_000_000


def test_each_side_gets_the_margin_of_its_own_file_system(tmp_path: Path) -> None:
    """A pack on a file system with fine times exported to one that keeps whole seconds
    (FAT, exFAT): an output edited within the same second as the export that recorded it
    has the recorded stat, and must be read again, not trusted."""
    out = tmp_path / "dist" / "claude"
    out.mkdir(parents=True)
    (out / "a.md").write_text("edited in the same second")
    store = caching.Cache(tmp_path / "c.cache")
    store.sources_now["agents/a.md"] = ((1, 1_700_000_000 * NS + 123_456, 1, 1, False), "d")
    recorded = (25, 1_700_000_000 * NS, 1_700_000_000 * NS, 7, False)
    files = FolderFiles({"a.md": "sha of what was written"}, {"a.md": b"what was written"})
    store.save({"claude": {"a.md": recorded}}, {"claude": files})
    back = caching.Cache.open(store.path)
    assert (back.margin, back.out_margin) == (caching.FINE_MARGIN_NS, caching.COARSE_MARGIN_NS)
    back.finished = recorded[1] + NS  # saved a second after the file was written
    seen = back.vouch("claude", "a.md", recorded, str(out / "a.md"))
    assert seen == hashlib.sha256(b"edited in the same second").hexdigest()
    assert back.unvouched("claude", {"a.md": recorded}, f"{out}/") == {"a.md"}
