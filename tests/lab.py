"""What the conformance tests share: the real clients (installed from the npm registry by the
lab on first use, pinned and cached), and exported packs for them to judge. Without npm every
lab test is skipped with a reason that says so, never passed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agentpack import api
from agentpack.lab import Client, Exported, Lab, LabUnavailable


def client(lab: Lab, wanted: Client) -> Path:
    """The client's executable, or a loud skip when it cannot be had here."""
    try:
        return lab.binary(wanted)
    except LabUnavailable as exc:
        pytest.skip(str(exc))


def copy_pack(source: Path, dest: Path) -> Path:
    """A copy of a pack without the repository's own tests, caches and build output."""
    shutil.copytree(
        source,
        dest,
        ignore=shutil.ignore_patterns(
            ".git", "tests", "bench", "*.egg-info", "__pycache__", ".*cache*", "build"
        ),
    )
    return dest


def exported(root: Path) -> Exported:
    """Export a pack into its dist/ and keep what the lab checks need."""
    result = api.export(root)
    return Exported(root, api.load_pack(root), result.findings)
