"""What every re-export does before any work of its own, timed: agentpack's imports, stating
the output files and the sources, reading the export cache, reading and writing
``dist/manifest.json``. Run it after an export of PACK into OUT, as the export ran (the same
``AGENTPACK_CACHE_DIR``), and time the whole process from outside for Python's start:

    /usr/bin/time -f %e python bench/reexport_floor.py PACK OUT
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main(pack: Path, out: Path) -> None:
    start = time.perf_counter()
    import agentpack.api.exporting  # noqa: F401  (what an export imports)
    from agentpack import cache, cachefile
    from agentpack.api.where import registry
    from agentpack.outputs import stat_of
    from agentpack.writer import scan

    registry().all()
    took = {"imports": time.perf_counter() - start}
    step = time.perf_counter()
    outputs = sum(len(scan(folder)) for folder in out.iterdir() if folder.is_dir())
    took["stating the outputs"] = time.perf_counter() - step
    step = time.perf_counter()
    sources = 0
    for folder, _, files in os.walk(pack):
        for name in files:
            stat_of(os.stat(os.path.join(folder, name)))
            sources += 1
    took["stating the sources"] = time.perf_counter() - step
    step = time.perf_counter()
    where = cache.location(pack, out, os.environ)
    if where is None or cachefile.read(where) is None:
        raise SystemExit("no export cache for this pack and output folder: export first")
    took["reading the cache"] = time.perf_counter() - step
    step = time.perf_counter()
    record = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    json.dumps(record, indent=2)
    took["dist/manifest.json"] = time.perf_counter() - step
    took["in the process"] = time.perf_counter() - start
    print(f"{outputs} outputs, {sources} sources")
    for what, seconds in took.items():
        print(f"{seconds:6.3f} s  {what}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
