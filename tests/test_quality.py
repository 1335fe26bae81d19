"""The code's own checks, run as tests so that the one test command runs all of them."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CHECKS = {
    "ruff-lint": ["ruff", "check", "agentpack", "tests", "bench"],
    "ruff-format": ["ruff", "format", "--check", "agentpack", "tests", "bench"],
    "mypy": [sys.executable, "-m", "mypy"],
    "import-layers": ["lint-imports"],
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_passes(name: str) -> None:
    command = CHECKS[name]
    if shutil.which(command[0]) is None and command[0] != sys.executable:
        pytest.fail(f"{command[0]} is not installed; run: python -m pip install -e '.[dev]'")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
