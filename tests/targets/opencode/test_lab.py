"""opencode's own checks on what only the opencode target has to get right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentpack import api
from agentpack.lab import Lab
from agentpack.targets.opencode.lab import CLIENT, listed, project
from tests.conftest import MakePack
from tests.lab import client

pytestmark = pytest.mark.conformance


def test_commands_name_only_agents_opencode_has(
    lab: Lab, make_pack: MakePack, tmp_path: Path
) -> None:
    """opencode refuses a command whose agent it cannot find: built-ins named in any host's
    spelling must come out as agents opencode itself lists."""
    client(lab, CLIENT)
    command = "---\ndescription: Run in {0}.\nagent: {0}\n---\nDo it.\n"
    spellings = ["general-purpose", "general", "Explore", "explore", "Plan", "build"]
    files = {f"commands/c{i}.md": command.format(name) for i, name in enumerate(spellings)}
    files["commands/mine.md"] = command.format("helper")
    files["agents/helper.md"] = "---\nname: helper\ndescription: Helps.\n---\nHelp.\n"
    root = make_pack(files)
    api.export(root)
    folder = project(root, tmp_path)
    known = set(listed(lab, folder, tmp_path / "home"))
    named = {
        path.name: re.search(r"^agent: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        for path in (folder / ".opencode" / "commands").glob("*.md")
    }
    assert len(named) == len(files) - 1
    missing = {name: m and m[1] for name, m in named.items() if m is None or m[1] not in known}
    assert missing == {}
