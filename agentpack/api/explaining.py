"""Explain: for one agent, what each target really enforces, tool by tool."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from agentpack.api.where import PackInput, locate, registry
from agentpack.errors import Finding, InvalidPack, UsageError
from agentpack.load import load
from agentpack.load.doc import note_position
from agentpack.model import Pack
from agentpack.permissions import TOOLS, Decision, Policy, sample_command
from agentpack.targets import Registry
from agentpack.targets.base import Context, Note, Report, render


@dataclass(frozen=True, slots=True)
class ToolRow:
    """One tool: what the source says and what each target will really enforce."""

    tool: str
    source: str
    targets: dict[str, str]
    narrowed: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "tool": self.tool,
            "source": self.source,
            "targets": self.targets,
            "narrowed": list(self.narrowed),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """``agentpack explain``: an agent's tools across targets, and what was narrowed."""

    agent: str
    inherit: bool
    rows: tuple[ToolRow, ...]
    notes: tuple[Note, ...]
    places: tuple[tuple[int, int], ...]
    """Where in the agent's file each note's field stands (line, column), as validate
    says it."""

    def findings(self) -> tuple[Finding, ...]:
        """The notes as warnings at their fields."""
        return tuple(n.finding(*at) for n, at in zip(self.notes, self.places, strict=True))

    def as_dict(self) -> dict[str, object]:
        return {
            "agent": self.agent,
            "inherit": self.inherit,
            "tools": [r.as_dict() for r in self.rows],
            "notes": [str(f) for f in self.findings()],
        }


def _patterns(decide: Callable[[str], object], policy: Policy) -> str:
    """``git status*: allow, rm *: deny; else ask``: one decision per source pattern."""
    parts = [f"{r.pattern}: {decide(r.pattern)}" for r in policy.bash if r.pattern != "*"]
    return ", ".join(parts) + f"; else {decide('*')}"


def _source_text(policy: Policy | None, tool: str) -> str:
    if policy is None:
        return "inherit"
    if tool == "*":
        return str(policy.default)
    if tool == "bash" and policy.bash:
        return _patterns(lambda p: policy.decide("bash", sample_command(p)), policy)
    return str(policy.tool(tool))


def _cell(policy: Policy | None, effective: Mapping[str, Decision | None], tool: str) -> str:
    if policy is None:
        return "inherit"
    if tool == "bash" and policy.bash and effective.get("bash:*") is not None:
        return _patterns(lambda p: effective.get(f"bash:{p}"), policy)
    decision = effective.get(tool)
    return "-" if decision is None else str(decision)


def explain(name: str, pack: PackInput = None, *, targets: Registry | None = None) -> Explanation:
    """For one agent: per canonical tool, the source's decision and what each target will
    actually enforce, with what was narrowed and why."""
    reg = targets or registry()
    found = load(locate(pack).root, reg)
    if found.pack is None:
        raise InvalidPack(found.findings)
    loaded = found.pack
    agent = loaded.agent(name)
    if agent is None:
        known = ", ".join(a.name for a in loaded.agents)
        raise UsageError(f"no agent named {name!r} in the pack; agents: {known}")
    names = list(agent.targets if agent.targets is not None else loaded.manifest.targets)
    effective = {t: reg.get(t).effective(agent.policy, loaded.manifest) for t in names}
    report = Report()
    single = Pack(loaded.manifest, loaded.root, (agent,))
    for t in names:
        list(render(reg.get(t), single, report, Context(None), reg.spellings()))
    notes = tuple(n for n in sorted(set(report.notes)) if n.field.startswith("tools"))
    tools = [*TOOLS, *(agent.policy.named_mcp() if agent.policy else ()), "*"]
    rows = []
    for tool in tools:
        cells = {t: _cell(agent.policy, effective[t], tool) for t in names}
        field = "tools.(tools not named)" if tool == "*" else f"tools.{tool}"
        narrowed = tuple(n.target for n in notes if n.field == field)
        label = "(others)" if tool == "*" else tool
        rows.append(ToolRow(label, _source_text(agent.policy, tool), cells, narrowed))
    loc = found.docs.get(agent.source.path)
    places = tuple(note_position(loc, n.field) if loc else (1, 1) for n in notes)
    return Explanation(agent.name, agent.policy is None, tuple(rows), notes, places)
