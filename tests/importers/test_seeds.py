"""Every seed imports into a valid agent, and the reference pack is what the imports produce
(renamed: 001-003 carry no name of their own; see README, "The reference pack")."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from agentpack import api
from agentpack.permissions import TOOLS
from tests.conftest import ROOT
from tests.helpers import (
    claude_decision,
    frontmatter,
    opencode_decisions,
    opencode_ruleset,
)

SEEDS = ROOT / "tests" / "packs" / "seeds"
"""A copy of ../shared/seeds, the project's origin, so that these tests run everywhere."""
RENAMED = {
    "000_4d76b37a88dc9032.txt": ("be-01-agent", "be-01-agent"),
    "001_87d62f0f81c45e0f.txt": ("001-87d62f0f81c45e0f", "backend-engineer-agent"),
    "002_0e41433c10ff85f1.txt": ("002-0e41433c10ff85f1", "backend-engineer"),
    "003_e37698cde64c3903.txt": ("003-e37698cde64c3903", "backend-engineer-reviewer"),
    "004_206772f395cbff32.txt": ("backend-staff", "backend-staff"),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pack = tmp_path_factory.mktemp("seeds")
    result = api.import_(SEEDS, pack)
    assert not result.failed, [str(f) for r in result.reports for f in r.findings]
    # a new pack: validate says what to add for the plugin, and nothing else
    # (and where a target narrows an agent's tools, or leaves it out)
    warnings = [
        f for f in result.findings if f.severity.value != "info" and ": narrowed: " not in f.message
    ]
    assert {f.field for f in warnings} <= {"author", "license"}
    assert all(f.severity.value == "warning" for f in warnings)
    return pack


@pytest.mark.parametrize("seed", sorted(RENAMED))
def test_seed_imports_into_the_reference_agent(seed: str, imported: Path) -> None:
    name, reference_name = RENAMED[seed]
    agent = api.load_pack(imported).agent(name)
    reference = api.load_pack(ROOT).agent(reference_name)
    assert agent is not None
    assert reference is not None
    assert dataclasses.replace(agent, name=reference_name, source=reference.source) == reference


def test_each_seed_alone(tmp_path: Path) -> None:
    for seed in sorted(RENAMED):
        pack = tmp_path / seed
        result = api.import_(SEEDS / seed, pack)
        assert not result.failed
        assert [a.name for a in api.load_pack(pack).agents] == [RENAMED[seed][0]]


def test_seed_permissions_import_exactly(imported: Path) -> None:
    pack = api.load_pack(imported)
    # 001: a Claude allowed-tools list means "only these"
    seed1 = pack.agent("001-87d62f0f81c45e0f")
    assert seed1 is not None
    assert seed1.policy is not None
    assert {t for t in TOOLS if seed1.policy.decide(t).name == "ALLOW"} == {
        "read",
        "write",
        "edit",
        "bash",
        "grep",
        "glob",
        "todo",
    }
    # 003: an opencode tools map denying write and edit means "everything else allowed";
    # opencode's edit changes notebooks too, which are files to it
    seed3 = pack.agent("003-e37698cde64c3903")
    assert seed3 is not None
    assert seed3.policy is not None
    denied = {t for t in TOOLS if seed3.policy.decide(t).name == "DENY"}
    assert denied == {"write", "edit", "notebook"}
    # 002 names no tools: inherit
    seed2 = pack.agent("002-0e41433c10ff85f1")
    assert seed2 is not None
    assert seed2.policy is None


def test_reexport_gives_the_seeds_effective_permissions(imported: Path) -> None:
    api.export(imported)
    seed1, _ = frontmatter((SEEDS / "001_87d62f0f81c45e0f.txt").read_text())
    seed1 = {"tools": seed1["allowed-tools"]}
    out1, _ = frontmatter((imported / "dist/claude/agents/001-87d62f0f81c45e0f.md").read_text())
    seed3, _ = frontmatter((SEEDS / "003_e37698cde64c3903.txt").read_text())
    out3, _ = frontmatter((imported / "dist/opencode/agents/003-e37698cde64c3903.md").read_text())
    rules_in = opencode_ruleset({k: ("allow" if v else "deny") for k, v in seed3["tools"].items()})
    rules_out = opencode_ruleset(out3["permission"])
    for tool in TOOLS:
        assert claude_decision(out1, tool) == claude_decision(seed1, tool), tool
        assert opencode_decisions(rules_out, tool) == opencode_decisions(rules_in, tool), tool
