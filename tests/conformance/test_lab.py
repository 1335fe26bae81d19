"""Every registered target whose tool has a client here is judged by that client, on the
reference pack, the pack with every field, and fifty agents full of hostile strings.
A new target gets these by registering and giving its ``lab``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agentpack.lab import Lab
from agentpack.targets import Registry
from tests.conftest import ROOT
from tests.lab import client, copy_pack, exported
from tests.packgen import write_pack

pytestmark = pytest.mark.conformance

REGISTRY = Registry(third_party=False)
JUDGED = [name for name in REGISTRY.names() if REGISTRY.get(name).lab() is not None]


def _reference(tmp: Path) -> Path:
    return copy_pack(ROOT, tmp / "pack")


def _full(tmp: Path) -> Path:
    return Path(shutil.copytree(ROOT / "tests" / "packs" / "full", tmp / "pack"))


def _hostile(tmp: Path) -> Path:
    return write_pack(tmp / "pack", agents=50)


PACKS = {"reference": _reference, "full": _full, "hostile-50": _hostile}


@pytest.mark.parametrize("pack", sorted(PACKS))
@pytest.mark.parametrize("target", JUDGED)
def test_the_client_accepts_the_export(lab: Lab, target: str, pack: str, tmp_path: Path) -> None:
    check = REGISTRY.get(target).lab()
    assert check is not None
    client(lab, check.client)
    root = PACKS[pack](tmp_path)
    check.check(lab, exported(root), tmp_path / "work")
