"""Every generated file of every target, for the reference pack and the full fixture pack.

Update only for an intended change: ``pytest --snapshot-update``, then read the diff.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from agentpack import api
from agentpack.outputs import OutFile
from agentpack.targets import Registry
from agentpack.targets.base import Context, Report, render
from tests.conftest import ROOT

PACKS = {"reference": ROOT, "full": ROOT / "tests" / "packs" / "full"}


def rendered(target: str, root: Path) -> dict[str, str]:
    registry = Registry(third_party=False)
    pack = api.load_pack(root, targets=registry)
    report = Report()
    files = render(registry.get(target), pack, report, Context("dist"))
    out = {_where(f): _shown(f.data) for f in files}
    out["<notes>"] = "\n".join(str(n.finding()) for n in sorted(report.notes))
    return dict(sorted(out.items()))


def _where(file: OutFile) -> str:
    """The file's path, marked when it is written executable (its mode is guarded too)."""
    where = f"<pack>/{file.path}" if file.area == "pack" else file.path
    return f"{where} (executable)" if file.executable else where


def _shown(data: bytes) -> str:
    """Text as it is; a binary file (an icon) by its size and hash, which is what matters."""
    if b"\0" in data:
        return f"<binary: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}>"
    return data.decode("utf-8", "backslashreplace")


@pytest.mark.parametrize("pack", sorted(PACKS))
@pytest.mark.parametrize("target", Registry(third_party=False).names())
def test_generated_files(target: str, pack: str, snapshot: SnapshotAssertion) -> None:
    assert rendered(target, PACKS[pack]) == snapshot


@pytest.mark.parametrize("target", Registry(third_party=False).names())
def test_render_is_deterministic(target: str) -> None:
    assert rendered(target, PACKS["full"]) == rendered(target, PACKS["full"])
