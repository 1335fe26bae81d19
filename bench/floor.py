"""The I/O floor: read every source file of a pack and write as many output files as an
export writes (one per agent and command per target), with no parsing at all."""

from __future__ import annotations

import sys
from pathlib import Path


def main(pack: Path, out: Path, targets: int = 2) -> None:
    sources = sorted((pack / "agents").glob("*.md")) + sorted((pack / "commands").glob("*.md"))
    for t in range(targets):
        for sub in ("agents", "commands"):
            (out / str(t) / sub).mkdir(parents=True, exist_ok=True)
    for source in sources:
        data = source.read_bytes()
        for t in range(targets):
            (out / str(t) / source.parent.name / source.name).write_bytes(data)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
