"""A pack folder -> a validated ``Pack``, or every finding that stops it.

The manifest is read first (it says which targets and model aliases the items may use), then
each item file on its own (so that an export can skip the ones its cache vouches for), then
the checks that need every item. One bad file never stops the others from being checked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from agentpack import aliases
from agentpack.errors import Finding, InvalidPack, did_you_mean, listing
from agentpack.load import items, parts
from agentpack.load.doc import Files
from agentpack.load.fields import Fields, Registered
from agentpack.load.manifest import check_groups, manifest
from agentpack.model import Agent, Command, Item, ItemInfo, Kind, Pack, Skill, flat_name
from agentpack.schema import Schemas
from agentpack.yamldoc import Located

FOLDERS: Mapping[Kind, tuple[str, str]] = {
    Kind.AGENT: ("agents", ".md"),
    Kind.COMMAND: ("commands", ".md"),
    Kind.SKILL: ("skills", "/"),
}
"""Where each kind of item lives in a pack, and how its entries end."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """A loaded pack: the pack (None when any finding is an error), every finding, sorted,
    and the source map of every file read, for warnings found later."""

    pack: Pack | None
    findings: tuple[Finding, ...]
    docs: Mapping[str, Located]


class Loader:
    """Loading one pack: the manifest when made, then any items, then the checks across."""

    def __init__(self, root: Path, targets: Registered) -> None:
        self.root = root
        self.targets = targets
        self.files = Files(root, Schemas(targets.all()))
        self.fields = Fields(self.files, targets)
        self.manifest, self._doc = manifest(self.fields)
        if self.manifest is not None:
            self.manifest = parts.read(self.fields, self.manifest)
        builtin = aliases.builtin(targets.all())
        self.table = aliases.table(self.manifest, builtin) if self.manifest else builtin
        self._shared = len(self.files.findings)

    def sources(self) -> list[tuple[Kind, str]]:
        """Every item's file (a skill's folder), by its path in the pack: agents, then
        commands, then skills; stray files are warned about."""
        return [(kind, rel) for kind in FOLDERS for rel in self._entries(kind)]

    def _entries(self, kind: Kind) -> list[str]:
        folder, suffix = FOLDERS[kind]
        base = self.root / folder
        if not base.is_dir():
            return []
        found = []
        for rel, is_dir in _walk(os.fspath(base), f"{folder}/", deep=kind is Kind.AGENT):
            if rel.endswith(suffix) or (suffix == "/" and is_dir):
                found.append(rel)
            else:
                self.files.report_at(
                    rel,
                    (1, 1),
                    f"ignored: {folder}/ holds only "
                    + ("one folder per skill" if suffix == "/" else f"*{suffix} files"),
                    warning=True,
                )
        self._shared = len(self.files.findings)
        return found

    def item(self, kind: Kind, path: Path) -> tuple[Item | None, tuple[Finding, ...]]:
        """One item (None when it has errors) and the findings about it alone."""
        loaders: dict[Kind, Callable[[], Item | None]] = {
            Kind.AGENT: partial(items.agent, self.fields, path, self.table),
            Kind.COMMAND: partial(items.command, self.fields, path, self.table),
            Kind.SKILL: partial(items.skill, self.fields, path),
        }
        mark = len(self.files.findings)
        item = loaders[kind]()
        found = tuple(self.files.findings[mark:])
        del self.files.findings[mark:]
        return item, found

    def shared(self, infos: Sequence[ItemInfo]) -> tuple[Finding, ...]:
        """The findings about no one item: the manifest's, stray files, and the checks
        across items (given the items without errors)."""
        del self.files.findings[self._shared :]
        by_kind: dict[Kind, list[ItemInfo]] = {kind: [] for kind in Kind}
        for info in infos:
            by_kind[info.kind].append(info)
        for kind in Kind:
            self._duplicates(by_kind[kind], kind.value)
        self._flat_clashes(by_kind[Kind.AGENT])
        self._clashes(by_kind)
        self._unknown_agents(by_kind)
        if self.manifest is not None and self._doc is not None:
            names = {FOLDERS[kind][0]: {i.name for i in by_kind[kind]} for kind in Kind}
            titles = [t.title for t in self.targets.all() if t.plugin_groups]
            check_groups(self.fields, self.manifest, self._doc, names, titles)
        return tuple(self.files.findings)

    def _duplicates(self, infos: Sequence[ItemInfo], kind: str) -> None:
        seen: dict[str, str] = {}
        for info in infos:
            key = info.name.casefold()
            if key in seen:
                self.files.report_at(
                    info.source.path,
                    (1, 1),
                    f"another {kind} is named {info.name!r} ({seen[key]}); names must differ, "
                    "also in letter case",
                )
            seen.setdefault(key, info.source.path)

    def _flat_clashes(self, agents: Sequence[ItemInfo]) -> None:
        """Two agents that one name would stand for where agent names hold no '/'."""
        seen: dict[str, str] = {}
        for info in agents:
            key = flat_name(info.name).casefold()
            other = seen.setdefault(key, info.name)
            if other != info.name and "/" in other + info.name:
                self.files.report_at(
                    info.source.path,
                    (1, 1),
                    f"the agents {other!r} and {info.name!r} would both be "
                    f"{flat_name(info.name)!r} in tools whose agent names hold no '/'; "
                    "rename one",
                )

    def _clashes(self, by_kind: Mapping[Kind, list[ItemInfo]]) -> None:
        """A command and a skill of one name, in a tool that runs both as one."""
        hosts = [t.title for t in self.targets.all() if t.commands_are_skills]
        skills = {s.name for s in by_kind[Kind.SKILL]}
        for command in by_kind[Kind.COMMAND]:
            if hosts and command.name in skills:
                self.files.report_at(
                    command.source.path,
                    (1, 1),
                    f"a skill is also named {command.name!r}; {listing(hosts)} "
                    f"run{'s' if len(hosts) == 1 else ''} the skill for /{command.name}, "
                    "rename one",
                    warning=True,
                )

    def _unknown_agents(self, by_kind: Mapping[Kind, list[ItemInfo]]) -> None:
        """A command naming an agent that is neither the pack's nor any host's built-in
        (a typo, mostly): opencode refuses to run such a command and Claude Code runs it in
        its default agent. A warning, not an error: it may be an agent of the user's own."""
        agents = {i.name for i in by_kind[Kind.AGENT]}
        hosts = self.targets.spellings()
        for command in by_kind[Kind.COMMAND]:
            name = command.agent
            if name is None or name in agents or name in hosts:
                continue
            loc = self.files.located(command.source.path)
            self.files.report_at(
                command.source.path,
                loc.pos(("agent",)) if loc is not None else (command.source.line, 1),
                f"{name!r} is neither an agent of the pack nor a built-in agent of any tool"
                f"{did_you_mean(name, sorted(agents | set(hosts)))}; opencode will not run "
                "the command and Claude Code runs it in its default agent, unless the agent is "
                "one of your own there",
                warning=True,
                field="agent",
            )

    def pack(self, loaded: Sequence[Item]) -> Pack:
        assert self.manifest is not None
        return Pack(
            self.manifest,
            self.root,
            tuple(i for i in loaded if isinstance(i, Agent)),
            tuple(i for i in loaded if isinstance(i, Command)),
            tuple(i for i in loaded if isinstance(i, Skill)),
        )


def load(root: Path, targets: Registered) -> Loaded:
    """Load and check a whole pack."""
    loader = Loader(root, targets)
    found: list[Item] = []
    every: list[Finding] = []
    for kind, rel in loader.sources():
        item, findings = loader.item(kind, root / rel)
        every += findings
        if item is not None:
            found.append(item)
    every += loader.shared([ItemInfo.of(i) for i in found])
    every.sort()
    pack = None
    if loader.manifest is not None and not any(f.is_error for f in every):
        pack = loader.pack(found)
    return Loaded(pack, tuple(every), loader.files.docs)


def load_pack(root: Path, targets: Registered) -> Pack:
    """The pack, or ``InvalidPack`` with every finding when it has errors."""
    loaded = load(root, targets)
    if loaded.pack is None:
        raise InvalidPack(loaded.findings)
    return loaded.pack


def _walk(base: str, rel: str, *, deep: bool) -> list[tuple[str, bool]]:
    """The entries of an item folder (``base``, at ``rel`` in the pack) in name order, as
    their paths in the pack and whether each is a folder (or a link to one); with ``deep``,
    the files of its subfolders too (agents: ``agents/team/coder.md`` is the agent
    ``team/coder``). Read with ``scandir``, whose entries know a folder from a file without
    a stat each, and kept as strings: a pathlib join per file cost a tenth of a re-export."""
    out: list[tuple[str, bool]] = []
    with os.scandir(base) as found:
        entries = sorted(found, key=lambda e: (e.name.removesuffix(".md"), e.name))
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if deep and entry.is_dir(follow_symlinks=False) and not name.endswith(".md"):
            out += _walk(entry.path, f"{rel}{name}/", deep=True)
        else:
            out.append((f"{rel}{name}", entry.is_dir()))
    return out
