"""Copilot's native files read into the pack: a restriction the pack cannot carry is a
warning at its line, not a dropped field among others."""

from __future__ import annotations

from pathlib import Path

from agentpack import api


def test_a_prompts_tools_list_is_a_warning(tmp_path: Path) -> None:
    prompts = tmp_path / "in" / ".github" / "prompts"
    prompts.mkdir(parents=True)
    (prompts / "context.prompt.md").write_text(
        "---\ndescription: What context is needed\nmode: agent\ntools: ['codebase']\n---\nAsk.\n"
    )
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    warned = [str(f) for r in result.reports for f in r.findings]
    assert len(warned) == 1
    assert warned[0].startswith(".github/prompts/context.prompt.md:4:1: warning: tools: ")
    assert not [d for r in result.reports for d in r.dropped if d.startswith("tools")]
