"""``agentpack init``: a minimal valid pack that an editor checks from its first keystroke.

The schemas are copied into the new pack's ``schemas/`` folder and every file names its schema
in a yaml-language-server modeline by a relative path, so the check works offline and keeps
working when the pack is cloned elsewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from agentpack import schema
from agentpack.errors import UsageError
from agentpack.layout import MANIFEST

_MODELINE = "# yaml-language-server: $schema={}"


def _files(name: str) -> dict[str, str]:
    return {
        MANIFEST: f"""{_MODELINE.format("schemas/manifest.schema.json")}
name: {name}
version: 0.1.0
description: Agents, commands and skills for this project.
targets: [claude, opencode]
""",
        "agents/reviewer.md": f"""---
{_MODELINE.format("../schemas/agent.schema.json")}
name: reviewer
description: Reviews recent changes for bugs and risky patterns. Use after code edits.
mode: subagent
model: inherit
tools:
  allow: [read, grep, glob, list]
---
You review code. Read the changed files and list concrete problems with file:line
references. You never modify files.
""",
        "commands/review.md": f"""---
{_MODELINE.format("../schemas/command.schema.json")}
description: Review the current diff with the reviewer agent
argument_hint: "[focus]"
agent: reviewer
subtask: true
---
Review the uncommitted changes in this repository. Focus on: $ARGUMENTS
""",
    }


def write(root: Path, name: str | None = None) -> list[Path]:
    if (root / MANIFEST).exists():
        raise UsageError(f"{root / MANIFEST} already exists; init never overwrites a pack")
    name = name or _slug(root.resolve().name) or "my-pack"
    files = _files(name)
    clashes = [rel for rel in files if (root / rel).exists()]
    if clashes:
        raise UsageError(f"{root / clashes[0]} already exists; init never overwrites a file")
    written: list[Path] = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written + copy_schemas(root)


def copy_schemas(root: Path) -> list[Path]:
    """The bundled schemas into ``root/schemas`` (never over an existing file)."""
    written = []
    (root / "schemas").mkdir(parents=True, exist_ok=True)
    for kind in schema.KINDS:
        target = root / "schemas" / f"{kind}.schema.json"
        if not target.exists():
            shutil.copyfile(schema.schema_path(kind), target)
            written.append(target)
    return written


def _slug(text: str) -> str:
    return "-".join(
        "".join(c if c.isascii() and c.isalnum() else " " for c in text.lower()).split()
    )[:64]
