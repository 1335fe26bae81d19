"""The contract every registered target is held to, as pre-commit holds its languages: a
new target gets all of it by registering. The toy target (``tests/targets/toy``) is here to
show that one folder and one registry line are enough.

- the same pack renders to the same files, at paths safe on every system;
- what the target writes, read back with its own reader, is the pack again in every field
  the target declares it carries (``Target.carries``), or a note says why not;
- every other field an item sets gets a note (nothing is dropped silently);
- hostile strings survive every format (YAML read by 1.1 and 1.2 readers, JSON, TOML);
- THE INVARIANT: for generated policies, what the written file gives each tool, read back
  with the target's reader, and what the target's effective model says, are never wider
  than the source, and every narrowing is noted;
- install then uninstall leaves a folder byte for byte as it was (``test_contract_install``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from agentpack import aliases, api, canonical, importers
from agentpack.model import Agent, Command, Example, Item, Manifest, Pack, Skill, SourceRef
from agentpack.native import ImportEnv
from agentpack.outputs import OutFile, path_problem
from agentpack.permissions import TOOLS, Decision, Policy, sample_command
from agentpack.source import tomllib  # tomli before Python 3.11
from agentpack.targets import BUILTIN, Registry, parts
from agentpack.targets.base import Note, Report, render
from tests.conftest import ROOT
from tests.packgen import HOSTILE
from tests.targets.test_invariant import PATTERNS, policies

REGISTRY = Registry({**BUILTIN, "toy": "tests.targets.toy:ToyTarget"}, third_party=False)
NAMES = REGISTRY.names()
PACKS = {"reference": ROOT, "full": ROOT / "tests" / "packs" / "full"}
PACK_ONLY = frozenset({"tags", "version", "targets", "metadata", "source", "kind"})
"""Fields a pack keeps for itself (catalogue, selection) and never sends to a tool."""
COMMANDS = ("git status", "git push origin main", "rm -rf /", "ls", "npm run build", "make")
MCP = ("mcp:github", "mcp:github/delete_repo", "mcp:jira/create")
yaml12 = YAML(typ="safe", pure=True)


def _pack(name: str) -> Pack:
    """A fixture pack built for every target (its manifest's list put aside)."""
    pack = api.load_pack(PACKS[name], targets=REGISTRY)
    return dataclasses.replace(pack, manifest=dataclasses.replace(pack.manifest, targets=()))


def _render(target: str, pack: Pack) -> tuple[list[OutFile], list[Note]]:
    report = Report()
    files = list(render(REGISTRY.get(target), pack, report, _context(), REGISTRY.spellings()))
    return files, report.notes


def _context() -> Any:
    from agentpack.targets.base import Context

    return Context("dist")


def _read_back(target: str, pack: Pack, files: Sequence[OutFile], tmp: Path) -> importers.Imported:
    """The target's files, written under ``tmp/<target>`` and read with its own reader."""
    folder = tmp / target
    for f in files:
        if f.area == "dist":
            (folder / f.path).parent.mkdir(parents=True, exist_ok=True)
            (folder / f.path).write_bytes(f.data)
            (folder / f.path).chmod(0o755 if f.executable else 0o644)
    reader = REGISTRY.get(target).reader
    assert reader is not None
    table = aliases.table(pack.manifest, aliases.builtin(REGISTRY.all()))
    env = ImportEnv(table, REGISTRY.all(), [reader])
    return importers.import_path(folder, [reader], env, target)


def _decisions(policy: Policy | None, target: str, source: Policy | None) -> object:
    """Every decision the policy gives, for the tools the target's host has (judged on
    the source's policy: a tool the host lacks cannot be widened there)."""
    if policy is None:
        return None
    effective = REGISTRY.get(target).effective(source)
    found = {t: policy.decide(t) for t in (*TOOLS, *MCP) if t != "bash" and effective.get(t)}
    if effective.get("bash"):
        found.update({f"bash {c}": policy.decide("bash", c) for c in COMMANDS})
    return found


SAME_NOTE = {"policy": "tools", "subtask": "agent"}
"""Fields a note names by another name: a policy's notes name a tool (``tools.bash``); where
a command runs (``subtask``) is said in the note about its ``agent``."""


def _noted(notes: Sequence[Note], item: Item, field: str) -> bool:
    head = SAME_NOTE.get(field, field.split(".")[0])
    return any(
        n.source == item.source and (n.field == field or n.field.split(".")[0] == head)
        for n in notes
    )


def _model(item: Agent | Command, target: str, pack: Pack) -> str:
    table = aliases.table(pack.manifest, aliases.builtin(REGISTRY.all()))
    return aliases.resolve(item.model, target, table) or aliases.INHERIT


def _same(field: str, source: Item, back: Item, target: str, pack: Pack) -> bool:
    if field == "policy":
        assert isinstance(source, Agent)
        assert isinstance(back, Agent)
        wanted = _decisions(source.policy, target, source.policy)
        return wanted == _decisions(back.policy, target, source.policy)
    if field == "subtask":
        assert isinstance(source, Command)
        assert isinstance(back, Command)
        return _runs_apart(source, pack) == _runs_apart(back, pack)
    if field == "model":
        assert isinstance(source, (Agent, Command))
        assert isinstance(back, (Agent, Command))
        return _model(source, target, pack) == _model(back, target, pack)
    if field == "extras":
        return dict(source.extras.get(target, {})) == dict(back.extras.get(target, {}))
    if field == "body":  # a written file ends with a newline, whatever the body does
        return back.body in (source.body, source.body + "\n")
    return bool(getattr(source, field) == getattr(back, field))


def _runs_apart(command: Command, pack: Pack) -> bool:
    """Whether a command runs as a subtask: as it says, else when its agent is one of the
    pack's subagents (opencode's rule, which the Claude target follows)."""
    if command.subtask is not None:
        return command.subtask
    agent = pack.agent(command.agent or "")
    return agent is not None and agent.mode.value == "subagent"


def _items(pack: Pack) -> list[Item]:
    return list(pack.items())


def _found(imported: importers.Imported, item: Item) -> Item | None:
    bucket: list[Any] = {
        "agent": imported.agents,
        "command": imported.commands,
        "skill": imported.skills,
    }[item.kind.value]
    return next((i for i in bucket if i.name == item.name), None)


# -- the same files, at safe paths --------------------------------------------------------


@pytest.mark.parametrize("pack", sorted(PACKS))
@pytest.mark.parametrize("target", NAMES)
def test_render_is_pure_and_paths_are_safe(target: str, pack: str) -> None:
    first, notes = _render(target, _pack(pack))
    again, notes_again = _render(target, _pack(pack))
    assert [(f.path, f.data, f.area) for f in first] == [(f.path, f.data, f.area) for f in again]
    assert notes == notes_again
    assert [f.path for f in first if path_problem(f.path)] == []


# -- read back: every field the target carries, or a note ----------------------------------


@pytest.mark.parametrize("pack", sorted(PACKS))
@pytest.mark.parametrize("target", NAMES)
def test_what_is_written_reads_back_as_the_pack(target: str, pack: str, tmp_path: Path) -> None:
    source = _pack(pack)
    files, notes = _render(target, source)
    back = _read_back(target, source, files, tmp_path)
    assert [str(f) for r in back.reports for f in r.findings if f.is_error] == []
    carries = REGISTRY.get(target).carries
    lost = []
    for item in _items(source.for_target(target)):
        got = _found(back, item)
        if got is None:
            if not _noted(notes, item, "-") and not any(n.source == item.source for n in notes):
                lost.append((item.name, "the whole item, with no note"))
            continue
        for field in carries.get(item.kind.value, ()):
            if not _same(field, item, got, target, source) and not _noted(notes, item, field):
                lost.append((item.name, field))
    assert lost == []


@pytest.mark.parametrize("target", NAMES)
def test_servers_and_hooks_read_back_as_the_pack(target: str, tmp_path: Path) -> None:
    """Every MCP server and hook the target writes comes back from its files (hooks are
    found by the script they run) in each field the target says it carries, or a note
    says why not."""
    source = _pack("full")
    files, notes = _render(target, source)
    back = _read_back(target, source, files, tmp_path)
    assert [str(f) for r in back.reports for f in r.findings if f.is_error] == []
    carries = REGISTRY.get(target).carries
    lost = []
    pairs: list[tuple[Any, Any, frozenset[str]]] = [
        (s, next((b for b in back.servers if b.name == s.name), None), carries.get("server"))
        for s in parts.servers(source.manifest, target)
    ] + [
        (h, next((b for b in back.hooks if b.run == h.run), None), carries.get("hook"))
        for h in parts.hooks(source.manifest, target)
    ]
    for wanted, got, fields in pairs:
        noted = {n.field for n in notes if n.source == wanted.source}
        if got is None:
            if "-" not in noted:  # left out whole, or not read: a note must say so
                lost.append((wanted.name, "not read back, and no note"))
            continue
        if fields is None:
            continue
        for field in fields - noted:
            if getattr(wanted, field) != getattr(got, field):
                lost.append((wanted.name, field, getattr(wanted, field), getattr(got, field)))
        for rel in (*getattr(wanted, "files", ()), getattr(wanted, "run", None)):
            file = back.files.get(rel) if rel is not None else None
            if rel is not None and (
                file is None
                or file.data != source.manifest.files[rel]
                or file.executable != (rel in source.manifest.executables)
            ):
                lost.append((wanted.name, rel))
    assert lost == []


@pytest.mark.parametrize("target", NAMES)
def test_every_field_a_target_does_not_carry_is_noted(target: str) -> None:
    source = _pack("full")
    files, notes = _render(target, source)
    carries = REGISTRY.get(target).carries
    written = {f.source for f in files}
    silent = []
    for item in _items(source.for_target(target)):
        if item.source.path not in written:  # left out whole: a note must say so
            if not any(n.source == item.source for n in notes):
                silent.append((item.name, "left out with no note"))
            continue
        defaults = {f.name: f.default for f in dataclasses.fields(item)}
        for field in defaults.keys() - carries.get(item.kind.value, frozenset()) - PACK_ONLY:
            value = getattr(item, field)
            if field == "extras":
                value = item.extras.get(target)  # other targets' blocks are theirs
            if value in (defaults[field], None, (), {}) or field == "name":
                continue
            if not _noted(notes, item, field) and not _noted(notes, item, "-"):
                silent.append((item.name, field))
    assert silent == []


# -- hostile strings ----------------------------------------------------------------------


def _parses(f: OutFile) -> None:
    """Each file reads back with a reader for its format; YAML the same in 1.1 and 1.2."""
    text = f.data.decode("utf-8")
    if f.path.endswith(".json"):
        json.loads(text)
    elif f.path.endswith(".toml"):
        tomllib.loads(text)
    elif f.path.endswith(".md") and text.startswith("---\n"):
        head = text[4:].partition("\n---\n")[0]
        assert "---" not in head  # Claude Code would end the frontmatter there
        assert yaml.safe_load(head) == yaml12.load(head), head


_text = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet="-:#'\"\n $![]{}ab", min_size=1))


def _hostile_pack(strings: list[str]) -> Pack:
    s = iter(strings * 3)
    ref = SourceRef("x")
    clean = [x for x in strings if x.strip() and "\x00" not in x] or ["d"]
    manifest = Manifest("hostile", "1.0.0", clean[0], ref)
    agent = Agent(
        "a",
        next(s).strip() or "d",
        next(s),
        SourceRef("agents/a.md"),
        examples=(Example(next(s) or "u", next(s) or "a"),),
    )
    command = Command(
        "c", next(s).strip() or "d", next(s).replace("$0", "$1"), SourceRef("commands/c.md")
    )
    skill = Skill("s", next(s).strip() or "d", next(s), SourceRef("skills/s/SKILL.md"))
    return Pack(manifest, None, (agent,), (command,), (skill,))


@pytest.mark.parametrize("target", NAMES)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(strings=st.lists(_text, min_size=8, max_size=8))
def test_hostile_strings_read_back_exactly(
    target: str, strings: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    pack = _hostile_pack(strings)
    for f in canonical_files(pack):  # the pack itself must load: only loadable text here
        _parses(f)
    files, notes = _render(target, pack)
    for f in files:
        _parses(f)
    back = _read_back(target, pack, files, tmp_path_factory.mktemp("h"))
    carries = REGISTRY.get(target).carries
    for item in pack.items():
        got = _found(back, item)
        if got is None:
            continue
        for field in carries.get(item.kind.value, frozenset()) & {"description", "body"}:
            assert _same(field, item, got, target, pack) or _noted(notes, item, field), field


def canonical_files(pack: Pack) -> list[OutFile]:
    return [
        *(canonical.agent_file(a, None) for a in pack.agents),
        *(canonical.command_file(c, None) for c in pack.commands),
    ]


# -- THE INVARIANT --------------------------------------------------------------------------


def _source_decisions(policy: Policy, tool: str) -> list[Decision]:
    if tool == "bash":
        return [policy.decide("bash", c) for c in COMMANDS]
    return [policy.decide(tool)]


@pytest.mark.parametrize("target", NAMES)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(policy=policies())
def test_never_wider_than_the_source(
    target: str, policy: Policy | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    agent = Agent("probe", "d", "body\n", SourceRef("agents/probe.md"), policy=policy)
    pack = Pack(Manifest("p", "1.0.0", "d", SourceRef("agentpack.yaml")), None, (agent,))
    files, notes = _render(target, pack)
    effective = REGISTRY.get(target).effective(policy, pack.manifest)
    if policy is None:
        assert all(v is None for v in effective.values())
        return
    back = _read_back(target, pack, files, tmp_path_factory.mktemp("p"))
    written = next((a for a in back.agents if a.name == "probe"), None)
    narrowed = {n.field.removeprefix("tools.") for n in notes if n.change.value == "narrowed"}
    for tool in (*TOOLS, *MCP):
        source = _source_decisions(policy, tool)
        claimed = effective.get(tool)
        if claimed is not None:  # bash as a whole: its widest call
            assert claimed <= policy.widest(tool), (tool, claimed, source)
        if written is None or claimed is None:
            continue  # left out (noted), or a tool the host does not have
        got = (
            _source_decisions(written.policy, tool)
            if written.policy is not None
            else [Decision.ALLOW] * len(source)
        )
        assert all(g <= s for g, s in zip(got, source, strict=True)), (tool, got, source)
        if got != source:
            key = tool.split("/")[0]
            assert narrowed & {tool, key, "(tools not named)", "mcp:*", "bash"}, (tool, notes)
    for pattern in PATTERNS:
        claimed = effective.get(f"bash:{pattern}")
        if claimed is not None and pattern in {r.pattern for r in policy.bash}:
            assert claimed <= policy.decide("bash", sample_command(pattern))
