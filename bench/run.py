"""Time a full export against rulesync and the I/O floor, interleaved in one run.

    python bench/run.py                 # N = 1,000 and 10,000, 3 runs each
    python bench/run.py --sizes 50 --reps 1

Per tool and size: median wall time, CPU time (user + system) and peak memory (max RSS) of
the process, then the ratios the aims are stated in. rulesync is installed from the npm
registry into a cache folder on first use. Timings are never asserted in tests: only ratios
measured in the same run mean anything on a shared machine.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.gen import generate  # noqa: E402

RULESYNC = ("rulesync", "17.0.0")
RULESYNC_TARGETS = "claudecode,opencode,codexcli,copilot,cursor"
"""rulesync's names for the tools agentpack builds by default (Claude Code, opencode, Codex,
GitHub Copilot, Cursor)."""
CACHE = Path(os.environ.get("AGENTPACK_BENCH_CACHE", Path.home() / ".cache" / "agentpack-bench"))


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run one command; its wall time, CPU time and peak RSS (from wait4: the process and
    any child it waited for, so agentpack's second process counts too)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {proc.returncode}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def rulesync() -> Path | None:
    binary = CACHE / "node_modules" / ".bin" / "rulesync"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        print("rulesync NOT MEASURED: npm is not installed", file=sys.stderr)
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(CACHE),
            f"{RULESYNC[0]}@{RULESYNC[1]}",
        ],
        check=True,
        capture_output=True,
    )
    return binary


def settle() -> None:
    """Write back what the previous tool wrote, so that no tool pays for the one before it
    (rulesync leaves 24,000 dirty files behind at N = 10,000). No pause after it: a second
    of idle made the next run a fifth slower on this machine, whatever the tool."""
    os.sync()


# On this machine's disk (ext4 without a journal), files created after thousands were
# deleted cost many times more system time, for minutes (bench/README.md, "Deleting"):
# the bench deletes nothing before or between its timed runs, only once all have run.


def _fresh(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def _pack(root: Path, n: int) -> Path:
    """The synthetic pack of ``n`` agents: the one an earlier run left, when its files are
    what the generator writes (deleting and writing 24,000 files would slow the timed runs
    down), else a new one."""
    stamp = root / "stamp.txt"
    generator = hashlib.sha256((HERE / "gen.py").read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text() == f"{n} {generator} {_digest(root)}\n":
        return root
    _fresh(root)
    generate(root, n)
    stamp.write_text(f"{n} {generator} {_digest(root)}\n")
    return root


def _digest(root: Path) -> str:
    """The sha256 of every source file of the pack and the rulesync tree, by path."""
    found = hashlib.sha256()
    files = [*(root / "pack").rglob("*"), *(root / "rulesync").rglob("*")]
    for path in sorted(p for p in files if p.is_file()):
        found.update(f"{path.relative_to(root)}\0".encode() + path.read_bytes())
    return found.hexdigest()


def run_size(n: int, reps: int, work: Path, rs: Path | None) -> dict[str, list[Sample]]:
    """Each run writes into a new folder; nothing is deleted until all have run."""
    root = _pack(work / f"n{n}", n)
    pack, rules = root / "pack", root / "rulesync"

    def commands(out: Path) -> dict[str, tuple[list[str], Path]]:
        tools = {
            "agentpack": (
                [
                    sys.executable,
                    "-m",
                    "agentpack",
                    "export",
                    "--pack",
                    str(pack),
                    "--out",
                    str(out),
                ],
                root,
            ),
            # as many files as the agentpack export of the same round wrote
            "floor": (
                [sys.executable, str(HERE / "floor.py"), str(pack), str(out), str(out) + ".ap"],
                root,
            ),
        }
        if rs is not None:
            tools["rulesync"] = (
                [
                    str(rs),
                    "generate",
                    "--targets",
                    RULESYNC_TARGETS,
                    "--features",
                    "subagents,commands",
                    "--output-roots",
                    str(out),
                ],
                rules,
            )
        return tools

    samples: dict[str, list[Sample]] = {name: [] for name in commands(root)}
    for rep in range(reps):  # interleaved: each round runs every tool once
        for name, (command, cwd) in commands(root / "runs" / "x").items():
            out = root / "runs" / f"{name}-{rep}"
            command = [
                str(out)
                if part == str(root / "runs" / "x")
                else str(root / "runs" / f"agentpack-{rep}")
                if part == str(root / "runs" / "x") + ".ap"
                else part
                for part in command
            ]
            settle()
            samples[name].append(measure(command, cwd))
    return samples  # the outputs are deleted once every size has run


def incremental(work: Path, n: int, reps: int) -> dict[str, float]:
    """Export once (a full export, which leaves the snapshot), then ``reps`` times: change
    one agent, export again. The median re-export is compared with the median full export
    of the interleaved runs, which is steadier than the one full export here."""
    root = work / f"n{n}"
    pack, out = root / "pack", root / "incr"
    _fresh(out)
    command = [
        sys.executable,
        "-m",
        "agentpack",
        "export",
        "--pack",
        str(pack),
        "--out",
        str(out),
    ]
    settle()
    measure(command, root)
    agents = sorted((pack / "agents").glob("*.md"))
    times, reports, originals = [], [], {}
    try:
        for rep in range(reps):  # each export meets one more changed agent
            agent = agents[(n // 2 + rep * 7) % len(agents)]
            originals[agent] = text = agent.read_text()
            agent.write_text(text.replace("\n---\n", "\n---\nOne more line.\n", 1) + "More.\n")
            settle()
            # as the full export is timed: the text report (the last line says what was
            # written and reused), to a file read once the clock has stopped
            with tempfile.TemporaryFile() as report:
                start = time.perf_counter()
                subprocess.run(command, cwd=root, stderr=report, check=True)
                times.append(time.perf_counter() - start)
                report.seek(0)
                reports.append(_summary(report.read().decode().splitlines()[-1]))
    finally:
        for agent, text in originals.items():
            agent.write_text(text)
    return {
        "again": statistics.median(times),
        "fastest": min(times),
        "slowest": max(times),
        "written": max(r["written"] for r in reports),
        "reused": min(r["reused"] for r in reports),
    }


def _summary(line: str) -> dict[str, int]:
    """``wrote 5 files to OUT (claude, ...; 11,999 unchanged items reused)`` -> counts."""
    found = re.fullmatch(
        r"wrote ([\d,]+) files? to .*?(?:; ([\d,]+) unchanged items? reused)?\)", line
    )
    if found is None:
        raise SystemExit(f"cannot read the export's summary: {line!r}")
    written, reused = (int((g or "0").replace(",", "")) for g in found.groups())
    return {"written": written, "reused": reused}


def startup() -> dict[str, float]:
    out = {}
    for flag in ("--help", "--version"):
        times = [measure([sys.executable, "-m", "agentpack", flag], HERE).wall for _ in range(7)]
        out[flag] = statistics.median(times)
    out["python"] = statistics.median(
        measure([sys.executable, "-c", "pass"], HERE).wall for _ in range(7)
    )
    return out


def report(results: dict[int, dict[str, list[Sample]]]) -> list[str]:
    lines = ["| N | tool | wall s | CPU s | peak MiB |", "|---|---|---|---|---|"]
    for n, samples in results.items():
        for name, runs in samples.items():
            lines.append(
                f"| {n:,} | {name} | {statistics.median(s.wall for s in runs):.2f} | "
                f"{statistics.median(s.cpu for s in runs):.2f} | "
                f"{statistics.median(s.rss_mib for s in runs):.0f} |"
            )
    lines.append("")
    for n, samples in results.items():
        wall = {k: statistics.median(s.wall for s in v) for k, v in samples.items()}
        cpu = {k: statistics.median(s.cpu for s in v) for k, v in samples.items()}
        if "rulesync" in wall:
            lines.append(
                f"N={n:,}: rulesync / agentpack = {wall['rulesync'] / wall['agentpack']:.1f}x "
                f"wall, {cpu['rulesync'] / cpu['agentpack']:.1f}x CPU (aim: >= 10x in both)"
            )
        lines.append(
            f"N={n:,}: agentpack / I/O floor = {wall['agentpack'] / wall['floor']:.2f}x "
            "(aim: <= 3x)"
        )
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        rss = {n: statistics.median(s.rss_mib for s in results[n]["agentpack"]) for n in sizes}
        per = (rss[large] - rss[small]) * 1024 / (large - small)
        lines.append(f"agentpack peak memory growth: {per:.1f} KiB per agent (aim: <= 20)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--reexports",
        type=int,
        default=7,
        help="re-exports to time at the largest N (default 7: each takes a fraction of a "
        "second, and the first ones after a full export of 24,000 files vary the most)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "agentpack-bench",
        help="where the synthetic packs and outputs go (default: the temp folder; a folder "
        "with per-file overhead, e.g. a watched workspace, measures that overhead instead)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw samples here")
    args = parser.parse_args()
    # agentpack's re-export snapshots go with the rest of the run, not the user's cache
    os.environ["AGENTPACK_CACHE_DIR"] = str(args.work / "cache")
    # bytecode for agentpack, as `pip install` leaves it (an editable install under
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module in every run)
    import agentpack

    compileall.compile_dir(Path(agentpack.__file__).parent, quiet=1)
    rs = rulesync()
    results = {n: run_size(n, args.reps, args.work, rs) for n in args.sizes}
    lines = report(results)
    start = startup()
    lines.append(
        f"startup: --help {start['--help'] * 1000:.0f} ms, --version "
        f"{start['--version'] * 1000:.0f} ms (bare python {start['python'] * 1000:.0f}"
        " ms; aim: < 150 ms)"
    )
    largest = max(args.sizes)
    incr = incremental(args.work, largest, args.reexports)
    incr["full"] = statistics.median(s.wall for s in results[largest]["agentpack"])
    lines.append(
        f"re-export after one agent changed (median of {args.reexports}, "
        f"{incr['fastest']:.2f}-{incr['slowest']:.2f} s): {incr['again']:.2f} s "
        f"vs full {incr['full']:.2f} s = {incr['again'] / incr['full']:.1%} "
        f"({incr['written']:.0f} files written, {incr['reused']:.0f} items reused; "
        "aim: < 10%, that agent's files only)"
    )
    print("\n".join(lines))
    _fresh(*(args.work / f"n{n}" / "runs" for n in args.sizes), args.work / f"n{largest}" / "incr")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "results": {
                        n: {k: [asdict(s) for s in v] for k, v in r.items()}
                        for n, r in results.items()
                    },
                    "startup": start,
                    "incremental": incr,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
