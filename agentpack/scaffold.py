"""``agentpack init``: a minimal valid pack that an editor checks from its first keystroke.

Every file names its schema in a yaml-language-server modeline by a relative path (the
schemas are written into the new pack's ``schemas/``), so the check works offline and keeps
working when the pack is cloned elsewhere. The author comes from the user's git identity, as
npm and cargo take it; the license is the user's to choose, so it is left as a comment that
says how.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from agentpack.canonical import AUTHOR_HINT, LICENSE_HINT, MODELINE
from agentpack.emit import double_quoted
from agentpack.errors import UsageError
from agentpack.model import EMAIL

MANIFEST = "agentpack.yaml"


def git_identity(cwd: Path) -> tuple[str | None, str | None]:
    """``user.name`` and ``user.email`` from git's configuration, where git has them."""
    git = shutil.which("git")
    if git is None:
        return None, None
    found: list[str | None] = []
    for key in ("user.name", "user.email"):
        try:
            done = subprocess.run(
                [git, "config", "--get", key],
                cwd=cwd if cwd.is_dir() else None,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None, None
        found.append(done.stdout.strip() or None if done.returncode == 0 else None)
    email = found[1] if found[1] and EMAIL.match(found[1]) else None  # root@localhost: none
    return found[0], email


def author_lines(name: str | None, email: str | None) -> str:
    """The manifest's ``author:`` (from git), or a comment that says what to add."""
    if name is None:
        return AUTHOR_HINT + "\n"
    fields = [f"name: {double_quoted(name)}"] + (
        [f"email: {double_quoted(email)}"] if email else []
    )
    return "author:\n" + "".join(f"  {f}\n" for f in fields)


def _files(name: str, author: str, targets: Sequence[str]) -> dict[str, str]:
    return {
        MANIFEST: f"""{MODELINE.format("schemas/manifest.schema.json")}
name: {name}
version: 0.1.0
description: Agents, commands and skills for this project.
{author}{LICENSE_HINT}
targets: [{", ".join(targets)}]
""",
        "agents/reviewer.md": f"""---
{MODELINE.format("../schemas/agent.schema.json")}
name: reviewer
description: Reviews recent changes for bugs and risky patterns. Use after code edits.
mode: subagent
model: inherit
tools:
  allow: [read, grep, glob, list, skill]
---
You review code. Read the changed files and list concrete problems with file:line
references. You never modify files.
""",
        "commands/review.md": f"""---
{MODELINE.format("../schemas/command.schema.json")}
description: Review the current diff with the reviewer agent
argument_hint: "[focus]"
agent: reviewer
subtask: true
---
Review the uncommitted changes in this repository. Focus on: $ARGUMENTS
""",
    }


def write(root: Path, name: str | None, targets: Sequence[str]) -> list[Path]:
    if (root / MANIFEST).exists():
        raise UsageError(f"{root / MANIFEST} already exists; init never overwrites a pack")
    name = name or _slug(root.resolve().name) or "my-pack"
    near = next((p for p in (root, *root.resolve().parents) if p.is_dir()), Path.cwd())
    files = _files(name, author_lines(*git_identity(near)), targets)
    clashes = [rel for rel in files if (root / rel).exists()]
    if clashes:
        raise UsageError(f"{root / clashes[0]} already exists; init never overwrites a file")
    written: list[Path] = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def _slug(text: str) -> str:
    return "-".join(
        "".join(c if c.isascii() and c.isalnum() else " " for c in text.lower()).split()
    )[:64]
