"""Issue 19, measured once: the export code before the redesign against the current one.

    git worktree add /tmp/oldtree b2ea235
    python bench/before_after.py --old /tmp/oldtree

Both build the same pack of 10,000 agents and 2,000 commands for Claude Code and opencode
(the targets the old code had), interleaved, three full exports each, then five re-exports
each after one agent changed. Each side runs its own code through PYTHONPATH and its own
cache folder.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.gen import generate  # noqa: E402
from bench.run import Sample, measure, settle  # noqa: E402


def export(code: Path, pack: Path, out: Path, cache: Path) -> Sample:
    command = [sys.executable, "-m", "agentpack", "export", "--pack", str(pack), "--out", str(out)]
    env = {"PYTHONPATH": str(code), "AGENTPACK_CACHE_DIR": str(cache)}
    settle()
    return measure(command, pack.parent, env)


def line(label: str, runs: list[Sample]) -> str:
    wall = statistics.median(s.wall for s in runs)
    cpu = statistics.median(s.cpu for s in runs)
    rss = statistics.median(s.rss_mib for s in runs)
    return f"{label}: wall {wall:.2f} s, CPU {cpu:.2f} s, peak {rss:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the old code")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ba")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    pack = generate(args.work / "n10000", 10000) / "pack"
    manifest = pack / "agentpack.yaml"
    text = manifest.read_text().splitlines()
    manifest.write_text(
        "\n".join("targets: [claude, opencode]" if t.startswith("targets:") else t for t in text)
        + "\n"
    )
    codes = {"before": args.old.resolve(), "after": HERE.parent}
    full: dict[str, list[Sample]] = {name: [] for name in codes}
    for rep in range(3):
        for name, code in codes.items():
            out, cache = args.work / f"{name}-{rep}", args.work / f"cache-{name}-{rep}"
            full[name].append(export(code, pack, out, cache))
    agents = sorted((pack / "agents").glob("*.md"))
    again: dict[str, list[Sample]] = {name: [] for name in codes}
    for name, code in codes.items():
        for i in range(5):
            agent = agents[100 + i]
            original = agent.read_text()
            agent.write_text(original + "More.\n")
            again[name].append(
                export(code, pack, args.work / f"{name}-0", args.work / f"cache-{name}-0")
            )
            agent.write_text(original)
    for name in codes:
        print(line(f"{name} full export", full[name]))
        print(line(f"{name} re-export", again[name]))


if __name__ == "__main__":
    main()
