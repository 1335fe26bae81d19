"""opencode agent files as opencode reads them."""

from __future__ import annotations

from pathlib import Path

from agentpack import api


def test_an_agent_named_as_a_built_in_is_said_to_be_merged_into_it(tmp_path: Path) -> None:
    """opencode 1.18.33 merges an agent file named ``plan`` into its built-in plan agent
    (``debug agent plan`` lists the built-in's rules, then the file's): said, so that the
    author knows the built-in's rules come along."""
    pack = tmp_path / "pack"
    api.init(pack)
    for name in ("plan", "planner", "title"):
        (pack / "agents" / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: d\ntools:\n  allow: [read]\n---\nx\n"
        )
    done = api.export(pack, ["opencode"], tmp_path / "out", cache=False)
    said = sorted(f.path for f in done.findings if "built-in agent named" in f.message)
    assert said == ["agents/plan.md", "agents/title.md"]
