"""The I/O floor: read every source file of a pack and write as many output files as an
export wrote (``reference``: that export's output folder), with no parsing at all."""

from __future__ import annotations

import sys
from pathlib import Path


def main(pack: Path, out: Path, reference: Path) -> None:
    sources = sorted((pack / "agents").glob("*.md")) + sorted((pack / "commands").glob("*.md"))
    wanted = sum(1 for p in reference.rglob("*") if p.is_file())
    data = [s.read_bytes() for s in sources]
    for i in range(wanted):
        folder = out / str(i // len(data))
        if i % len(data) == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / sources[i % len(data)].name).write_bytes(data[i % len(data)])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
