"""The same pack gives byte-identical output from any folder, locale, timezone and path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

FULL = ROOT / "tests" / "packs" / "full"


def _export(pack: Path, cwd: Path, **env: str) -> dict[str, bytes]:
    subprocess.run(
        [sys.executable, "-m", "agentpack", "export", "--pack", str(pack)],
        cwd=cwd,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    out = {
        p.relative_to(pack).as_posix(): p.read_bytes()
        for p in sorted((pack / "dist").rglob("*"))
        if p.is_file()
    }
    out[".claude-plugin/marketplace.json"] = (pack / ".claude-plugin/marketplace.json").read_bytes()
    return out


@pytest.mark.slow
def test_byte_identical_everywhere(tmp_path: Path) -> None:
    first = tmp_path / "one" / "pack"
    second = tmp_path / "two" / "deeper" / "copy of pack"
    shutil.copytree(FULL, first)
    shutil.copytree(FULL, second)
    reference = _export(first, first)
    assert _export(first, tmp_path, LC_ALL="C", LANG="C", TZ="UTC") == reference
    assert _export(first, Path("/"), LC_ALL="C.UTF-8", TZ="Pacific/Kiritimati") == reference
    assert _export(second, tmp_path, PYTHONHASHSEED="12345", TZ="America/Los_Angeles") == reference
