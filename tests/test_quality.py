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


def test_ci_runs_the_readmes_test_command() -> None:
    """The README starts with two commands (set up and export, then the tests); CI must run
    exactly the second, so that what CI proves is what a new user runs."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```sh\n")[1:3]]
    assert blocks[0] == "python -m pip install . && agentpack export"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == blocks[1]
