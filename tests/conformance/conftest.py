"""The conformance lab: the real Claude Code and opencode clients judge the output.

The clients are installed from the npm registry into a cache folder on first use (pinned
versions, no global install). Without npm the lab is skipped with a reason that says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

CLAUDE = ("@anthropic-ai/claude-code", "2.1.330")
OPENCODE = ("opencode-ai", "1.18.33")
CACHE = Path(os.environ.get("AGENTPACK_LAB_CACHE", Path.home() / ".cache" / "agentpack-lab"))


@dataclass(frozen=True)
class Lab:
    claude: Path
    opencode: Path

    def run(
        self, tool: Path, args: Sequence[str], home: Path, cwd: Path, timeout: int = 120
    ) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_TELEMETRY": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "OPENCODE_DISABLE_AUTOUPDATE": "1",
            "OPENCODE_DISABLE_MODELS_FETCH": "1",
            "OPENCODE_DISABLE_SHARE": "1",
            "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
            "NO_COLOR": "1",
        }
        home.mkdir(parents=True, exist_ok=True)
        # stdout goes to a file, not a pipe: Bun may exit before a pipe is drained, which
        # cut `opencode agent list` short now and then.
        with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
            result = subprocess.run(
                [str(tool), *args],
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                timeout=timeout,
                check=False,
            )
            out.seek(0)
            result.stdout = out.read()
        return result


def _install() -> Lab:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(
            "CONFORMANCE LAB NOT RUN: npm is not installed, so the real claude and "
            "opencode clients cannot be installed; install Node.js with npm to run it"
        )
    prefix = CACHE / f"claude-{CLAUDE[1]}-opencode-{OPENCODE[1]}"
    bin_dir = prefix / "node_modules" / ".bin"
    if not (bin_dir / "claude").exists() or not (bin_dir / "opencode").exists():
        prefix.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--prefix",
                str(prefix),
                f"{CLAUDE[0]}@{CLAUDE[1]}",
                f"{OPENCODE[0]}@{OPENCODE[1]}",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"npm could not install the lab's clients: {result.stderr[-2000:]}")
    return Lab(bin_dir / "claude", bin_dir / "opencode")


@pytest.fixture(scope="session")
def lab() -> Lab:
    return _install()


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
