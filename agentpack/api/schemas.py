"""The schemas composed with the registered targets: printed, copied into a new pack, and
regenerated into the repository (``python -m agentpack.api.schemas`` after editing a core
schema or a built-in target's ``schema.json``; a test fails until then).
"""

from __future__ import annotations

import sys
from pathlib import Path

from agentpack import schema
from agentpack.api.where import registry
from agentpack.errors import UsageError
from agentpack.targets import Registry


def schema_text(kind: str, *, targets: Registry | None = None) -> str:
    """The JSON Schema of one file kind, with every registered target's block."""
    if kind not in schema.KINDS:
        raise UsageError(f"unknown schema {kind!r}; choose one of {', '.join(schema.KINDS)}")
    return schema.text(schema.compose(kind, (targets or registry()).all()))


def write_schemas(folder: Path, *, targets: Registry | None = None) -> list[Path]:
    """Every composed schema into ``folder`` (never over an existing file)."""
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for kind in schema.KINDS:
        path = folder / f"{kind}.schema.json"
        if not path.exists():
            path.write_text(schema_text(kind, targets=targets), encoding="utf-8", newline="\n")
            written.append(path)
    return written


def regenerate() -> list[Path]:
    """The compiled validators and ``schemas/`` for the built-in targets."""
    files = schema.generated(Registry(third_party=False).all())
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")
    return list(files)


if __name__ == "__main__":
    for written in regenerate():
        sys.stdout.write(f"wrote {written}\n")
