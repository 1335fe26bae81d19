"""Every generated file of every target, for the reference pack and the full fixture pack.

Update only for an intended change: ``pytest --snapshot-update``, then read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from agentpack import api
from agentpack.targets import Registry
from agentpack.targets.base import Context, Report
from tests.conftest import ROOT

PACKS = {"reference": ROOT, "full": ROOT / "tests" / "packs" / "full"}


def rendered(target: str, root: Path) -> dict[str, str]:
    registry = Registry(third_party=False)
    pack = api.load_pack(root, targets=registry)
    report = Report()
    files = registry.get(target).render(pack.for_target(target), report, Context("dist"))
    out = {
        (f"<pack>/{f.path}" if f.area == "pack" else f.path): f.data.decode(
            "utf-8", "backslashreplace"
        )
        for f in files
    }
    out["<notes>"] = "\n".join(str(n.finding()) for n in sorted(report.notes))
    return dict(sorted(out.items()))


@pytest.mark.parametrize("pack", sorted(PACKS))
@pytest.mark.parametrize("target", ["claude", "opencode"])
def test_generated_files(target: str, pack: str, snapshot: SnapshotAssertion) -> None:
    assert rendered(target, PACKS[pack]) == snapshot


@pytest.mark.parametrize("target", ["claude", "opencode"])
def test_render_is_deterministic(target: str) -> None:
    assert rendered(target, PACKS["full"]) == rendered(target, PACKS["full"])
