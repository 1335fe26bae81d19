"""What ``export --check`` and ``--dry-run`` report: the files an export would change, as
unified diffs, without writing anything (and without trusting the cache)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agentpack.outputs import is_executable
from agentpack.record import FILE as RECORD
from agentpack.writer import Plan, scan


@dataclass(frozen=True, slots=True)
class Difference:
    """One file ``--check`` or ``--dry-run`` found out of date, with its diff."""

    path: str
    status: str  # "changed", "new", "removed"
    diff: str


def differences(plan: Plan) -> list[Difference]:
    """What writing ``plan`` would change, as unified diffs (every wanted file has its
    bytes here: a check never trusts the cache)."""
    out: list[Difference] = []
    label = plan.out_dir.name
    for target, files in plan.targets.items():
        base = plan.out_dir / target
        for rel in sorted(files.digests):
            data = files.data[rel]
            executable = rel in files.runs
            found = _difference(f"{label}/{target}/{rel}", base / rel, data)
            found = found or _mode_difference(f"{label}/{target}/{rel}", base / rel, executable)
            out += [found] if found else []
        for rel in sorted(scan(base)):
            if (
                rel not in files.digests
                and plan.owns(target, rel)  # a file no export wrote stays
                and (found := _difference(f"{label}/{target}/{rel}", base / rel, None))
            ):
                out.append(found)
    for rel, data in plan.pack_files.items():
        if found := _difference(rel, plan.pack_root / rel, data):
            out.append(found)
    if found := _difference(f"{label}/{RECORD}", plan.out_dir / RECORD, plan.record):
        out.append(found)
    return out


def _difference(label: str, path: Path, new: bytes | None) -> Difference | None:
    old = path.read_bytes() if path.is_file() else None
    if old == new:
        return None
    status = "new" if old is None else "removed" if new is None else "changed"
    return Difference(label, status, _diff(label, old or b"", new or b""))


def _mode_difference(label: str, path: Path, executable: bool) -> Difference | None:
    """The right bytes without the right execute bit (a script that would not run)."""
    if is_executable(path) == executable:
        return None
    mode = "executable" if executable else "not executable"
    return Difference(label, "changed", f"{label}: the file should be {mode}\n")


def _diff(label: str, old: bytes, new: bytes) -> str:
    import difflib  # only --check shows diffs

    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "replace").splitlines(keepends=True)

    if b"\0" in old or b"\0" in new:
        return f"Binary file {label} differs\n"
    return "".join(difflib.unified_diff(lines(old), lines(new), f"a/{label}", f"b/{label}"))
