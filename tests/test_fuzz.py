"""Loader fuzzing: mutated pack files never raise, never hang, and every problem is one line
with a location. Every input that ever broke the loader is kept in tests/packs/fuzz/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentpack.load import load
from agentpack.targets import Registry
from tests.conftest import ROOT

LINE = re.compile(r"^[^\n]+:[1-9]\d*:[1-9]\d*: (error|warning|info): [^\n]+: [^\n]+$")
KNOWN = Registry(third_party=False)
FUZZ = ROOT / "tests" / "packs" / "fuzz"
SEEDS = [
    *(ROOT / "agents").glob("*.md"),
    *(ROOT / "commands").glob("*.md"),
    *(ROOT / "tests" / "packs" / "full" / "agents").glob("*.md"),
    ROOT / "skills" / "api-design-checklist" / "SKILL.md",
    ROOT / "agentpack.yaml",
]
SLOTS = {".md": "agents/x.md", "SKILL.md": "skills/x/SKILL.md", ".yaml": "agentpack.yaml"}
MANIFEST = b"name: fuzz\nversion: 1.0.0\ndescription: d\n"


def _place(root: Path, slot: str, data: bytes) -> None:
    for old in ("agents/x.md", "commands/x.md", "skills/x/SKILL.md"):
        (root / old).unlink(missing_ok=True)
    (root / "agentpack.yaml").write_bytes(MANIFEST)
    path = root / slot
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _judge(root: Path) -> None:
    findings = load(root, KNOWN).findings  # must not raise
    for finding in findings:
        assert LINE.match(str(finding)), str(finding)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    seed = draw(st.sampled_from(SEEDS))
    data = bytearray(seed.read_bytes()[:6000])
    slot = SLOTS["SKILL.md" if seed.name == "SKILL.md" else seed.suffix]
    if seed.parent.name == "commands":
        slot = "commands/x.md"
    kind = draw(st.integers(0, 5))
    if kind == 0:  # byte flips
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif kind == 1:  # truncation
        data = data[: draw(st.integers(0, len(data)))]
    elif kind in (2, 3):  # duplicated or reordered lines
        lines = bytes(data).split(b"\n")
        i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        if kind == 2:
            lines.insert(j, lines[i])
        else:
            lines[i], lines[j] = lines[j], lines[i]
        data = bytearray(b"\n".join(lines))
    elif kind == 4:  # random YAML-ish text in the frontmatter
        junk = draw(st.text(alphabet="-:[]{}&*!|>'\"#%@`?,\n \t0123456789abyn~.", max_size=80))
        at = draw(st.integers(0, min(len(data), 300)))
        data[at:at] = junk.encode()
    else:  # anything at all
        data = bytearray(draw(st.binary(max_size=400)))
        if draw(st.booleans()):
            data[0:0] = b"---\n"
    return slot, bytes(data)


@settings(max_examples=5000, deadline=3000, suppress_health_check=list(HealthCheck))
@given(case=mutated())
def test_mutated_files_give_one_line_findings(
    case: tuple[str, bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    _place(root, *case)
    try:
        _judge(root)
    except BaseException:
        # keep the input for good: tests/packs/fuzz/ is replayed below on every run
        name = f"{abs(hash(case[1])) % 10**10}-{case[0].replace('/', '_')}"  # see SLOT_NAMES
        (FUZZ / name).write_bytes(case[1])
        raise


SLOT_NAMES = ("agents_x.md", "commands_x.md", "skills_x_SKILL.md", "agentpack.yaml")


@pytest.mark.parametrize(
    "fixture",
    sorted(p.name for p in FUZZ.iterdir() if p.suffix != ".md" or not p.name.startswith("README")),
)
def test_regressions_stay_fixed(fixture: str, tmp_path: Path) -> None:
    slot_name = next(s for s in SLOT_NAMES if fixture.endswith(s))
    slot = slot_name.replace("_", "/")
    _place(tmp_path, slot, (FUZZ / fixture).read_bytes())
    _judge(tmp_path)
