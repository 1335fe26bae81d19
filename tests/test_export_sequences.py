"""Exports with and without --tool, and edits between them, in every order: a plain export
always builds the manifest's targets, so ``export --check`` after it is always clean.

A plain export once reused the targets of the last export (``--tool opencode``) and left the
Claude output stale, while ``--check`` told the user to run the very export that did not fix it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from agentpack import api
from tests.conftest import MakePack
from tests.test_cli import run

STEPS = ("export", "export --tool claude", "export --tool opencode", "edit a", "edit b")


def _agent(name: str, text: str) -> str:
    return f"---\nname: {name}\ndescription: Agent {name}.\ntools:\n  allow: [read]\n---\n{text}\n"


def _step(root: Path, step: str, counter: list[int]) -> None:
    if step.startswith("edit"):
        name = step.split()[1]
        counter[0] += 1
        (root / "agents" / f"{name}.md").write_text(_agent(name, f"edit {counter[0]}"))
        return
    code, _, err = run(*step.split(), "--pack", str(root))
    assert code == 0, err


@pytest.mark.parametrize(
    "steps",
    [
        seq
        for n in (1, 2, 3)
        for seq in itertools.product(STEPS, repeat=n)
        if any(s.startswith("edit") for s in seq) or n < 3
    ],
    ids=" / ".join,
)
def test_a_plain_export_leaves_nothing_stale(make_pack: MakePack, steps: tuple[str, ...]) -> None:
    root = make_pack({"agents/a.md": _agent("a", "first"), "agents/b.md": _agent("b", "first")})
    counter = [0]
    for step in steps:
        _step(root, step, counter)
        if step == "export":
            code, out, err = run("export", "--check", "--pack", str(root))
            assert code == 0, out + err
    _step(root, "export", counter)
    code, out, err = run("export", "--check", "--pack", str(root))
    assert code == 0, out + err
    assert f"up to date ({', '.join(api.registry().defaults())})" in err
