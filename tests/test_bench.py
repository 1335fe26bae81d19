"""The benchmark runs end to end at N = 50 (its numbers are not asserted: timings never are)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.gen import generate
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_generator_is_deterministic_and_valid(tmp_path: Path) -> None:
    from agentpack import api

    first = generate(tmp_path / "a", 50)
    second = generate(tmp_path / "b", 50)
    files = sorted(p.relative_to(first) for p in first.rglob("*.md"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.md"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert len(files) == 2 * (50 + 10)  # agentpack and rulesync sources
    result = api.validate(first / "pack")
    assert result.ok
    assert result.pack is not None
    bodies = [len(a.body) for a in result.pack.agents]
    assert min(bodies) >= 1024
    assert max(bodies) <= 8192 + 2048


def test_runner_at_n_50(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "50",
            "--reps",
            "1",
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "| 50 | agentpack |" in out
    assert "| 50 | floor |" in out
    assert "agentpack / I/O floor" in out
    assert "startup: --help" in out
    assert "re-export after one agent changed" in out
    # the cache did its work: only that agent's files (one per target that keeps it)
    written = re.search(r"\((\d+) files written, 59 items reused;", out)
    assert written is not None, out
    assert 1 <= int(written.group(1)) <= 5
    if shutil.which("npm"):
        assert "| 50 | rulesync |" in out
        assert "rulesync / agentpack" in out
    else:
        assert "rulesync NOT MEASURED: npm is not installed" in result.stderr
