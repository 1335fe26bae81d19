"""Reading native files (an agent of some tool, say), shared by every target's reader: the
per-file report, names, model ids, and the contract of a reader. Native files come from the
internet: with ``lenient``, the usual mistakes are repaired (``repair.py``) and reported;
without it each is an error with file:line:col."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Protocol

from agentpack import examples, filereport
from agentpack.filereport import FileReport
from agentpack.model import Agent, Command, Example, Hook, McpServer, ModelRef, Resource, Skill
from agentpack.outputs import path_problem
from agentpack.yamldoc import Located


@dataclass(slots=True)
class Native:
    """A native file read: frontmatter (None when there is none), body, positions."""

    path: Path
    frontmatter: dict[str, Any] | None
    body: str
    located: Located | None = None


def json_object(path: Path) -> dict[str, Any]:
    """A JSON file's object (a plugin manifest, say); empty when it is unreadable or no
    object, for the caller's report to go on without it (``filereport.json_object``
    reports why, for a caller that says so)."""
    return filereport.json_object(path, FileReport(str(path)))


def slug(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return "-".join(words)[:64].strip("-") or "imported"


def name_of(value: Any, fallback: str, report: FileReport | None = None) -> str:
    """The canonical name for a native ``name``, or for ``fallback`` (the file's or
    folder's name) when there is none or it keeps nothing a name can hold (``name:
    函数命名规范``, which every such file would otherwise share as "imported"); ``aux``,
    which Windows keeps for a device, is ``aux-item``. A ``report`` is told when a name
    changes (``Debug Mode`` is ``debug-mode``), since other files may call the item by it."""
    text = str(value or "").strip()
    kept = re.search(r"[A-Za-z0-9]", text)
    name = slug(text) if kept else slug(fallback)
    how = "" if kept or not text else ", none of which this name has: named after its file"
    if path_problem(name):
        name, text, how = f"{name}-item", text or name, f"; Windows keeps {name!r} for a device"
    if report is not None and text and name != text:
        report.approximated.append(
            f"name: {text} (named {name!r} in the pack, whose names hold lowercase letters, "
            f"digits and '-'{how}; prompts and handoffs that call it so should say both)"
        )
    return name


def described(description: str, report: FileReport, kind: str = "agent") -> str:
    """The item's description, or a stand-in said as such: a parent picks an agent to
    delegate to by it, the model a skill to load, and no tool takes either without one."""
    if description.strip():
        return description
    by = "a parent picks it by that" if kind == "agent" else "the model picks it by that"
    report.approximated.append(
        f"description (the file has none: 'Imported {kind}.' stands in; write what the "
        f"{kind} is for, since {by})"
    )
    return f"Imported {kind}."


# -- delegation examples --------------------------------------------------------------------


def split_examples(description: str) -> tuple[str, tuple[Example, ...]]:
    """Structured examples only when that loses nothing (see ``agentpack.examples``)."""
    return examples.split(description)


# -- tools and models -----------------------------------------------------------------------


def split_list(value: Any) -> list[str]:
    """The names of a list field, written as a list or a comma-separated string; of a
    mapping (``{search: true, edit: false}``, opencode's shape where a list belongs), the
    names set to true, which is what its author meant and never more."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [str(k).strip() for k, v in value.items() if v is True and str(k).strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    # a comma-separated string, but commas inside parentheses belong to the rule
    parts, depth, current = [], 0, ""
    for char in str(value):
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


class ModelSpelling(Protocol):
    """How a tool spells a vendor's model id (a target is one)."""

    @property
    def name(self) -> str: ...

    def parse_model(self, model_id: str) -> tuple[str, str] | None:
        """(vendor, the vendor's own id) for a model id this tool takes, or None."""
        ...

    def spell_model(self, vendor: str, model: str) -> str | None:
        """This tool's id for a vendor's model, or None when it cannot use it."""
        ...

    def model_problem(self, model_id: str) -> str | None:
        """Why this tool cannot use ``model_id``, or None."""
        ...


@dataclass(frozen=True, slots=True)
class ImportEnv:
    """What reading a native file may consult besides the file: the pack's model aliases,
    every registered tool's spelling of model ids, and every reader's tool names."""

    table: Mapping[str, Mapping[str, str]]
    spellings: Sequence[ModelSpelling] = ()
    readers: Sequence[Reader] = ()

    @property
    def catalogue(self) -> str:
        """The dialect catalogue formats (agent specs) are written in: the fallback
        reader's, the most common in the wild."""
        return next((r.dialect for r in self.readers if r.fallback), "")

    def tool_id(self, name: str, granting: bool = False) -> tuple[str | None, str | None]:
        """The canonical tool for a tool name in any reader's spelling (catalogue formats
        name tools as some tool does); ``granting``: in an allow list (see ``Reader``)."""
        for reader in self.readers:
            found = reader.tool_id(name, granting)
            if found[0] is not None:
                return found
        return None, None


CLAUDE_FAMILY = re.compile(r"(?i)(?:^|[-_/ .])(haiku|sonnet|opus|fable)(?:$|[-_ .\d])")
"""A Claude model family named somewhere in a model name (``claude-4-sonnet``)."""


def model_ref(value: Any, target: str, env: ImportEnv, report: FileReport) -> ModelRef | None:
    """A native model name -> the pack's model reference. A name that is an alias of the
    pack's (built in or its own) is that alias, whatever the
    dialect of the file (``model: sonnet`` beside opencode fields); so is the id an alias
    has for the file's tool. A name the file's tool cannot use (a bare name in opencode)
    becomes its Claude family's alias when it names one, else it is dropped; either way
    the report says so. Any other name is kept for the file's tool, and a vendor's model
    id also gets its id for every other tool that can spell it (noted)."""
    if value is None or value == "":
        return None
    if isinstance(value, (list, dict)):
        report.dropped.append(f"model ({json.dumps(value)}: not one model's name)")
        return None
    text = str(value)
    if text in env.table:
        return ModelRef(alias=text)
    for alias, ids in env.table.items():
        if ids.get(target) == text:
            return ModelRef(alias=alias)
    source = next((s for s in env.spellings if s.name == target), None)
    problem = source.model_problem(text) if source is not None else None
    if problem is not None:
        family = CLAUDE_FAMILY.search(text)
        alias = family.group(1).lower() if family else ""
        if alias in env.table:
            report.approximated.append(
                f"model: {text} -> the alias {alias} (the newest {alias.title()} in each "
                f"tool; {target} cannot use {text!r} as written)"
            )
            return ModelRef(alias=alias)
        report.dropped.append(f"model: {text} ({problem})")
        return None
    ids = {target: text}
    parsed = source.parse_model(text) if source is not None else None
    if parsed is not None:
        for other in env.spellings:
            spelled = other.spell_model(*parsed) if other.name != target else None
            if spelled is not None:
                ids[other.name] = spelled
    for name in sorted(ids.keys() - {target}):
        report.approximated.append(f"model: {ids[name]} for {name} (the same model)")
    return ModelRef(per_target=MappingProxyType(ids))


# -- readers ----------------------------------------------------------------------------------


EXTRAS = "$extras"
"""The key of plugin metadata (``Importing.plugin_meta``) under which a reader gives a new
pack's manifest blocks of its own: target -> fields."""


class Importing(Protocol):
    """One import under way, as a reader sees it: what it may hand back and ask for."""

    lenient: bool
    """Whether the usual mistakes of native files are repaired (``--lenient``)."""

    def report(self, path: Path, kind: str) -> FileReport:
        """A new report for a file (or folder) being read."""
        ...

    def file(self, path: Path, dialect: str, kind: str | None = None) -> None:
        """Read one native file (an agent, a command, a skill's SKILL.md) in a dialect."""
        ...

    def skill(self, folder: Path, dialect: str) -> None: ...

    def add(self, item: Agent | Command | Skill, report: FileReport) -> None: ...

    def part(
        self,
        part: McpServer | Hook,
        files: Mapping[str, Resource],
        report: FileReport,
        folder: Path | None = None,
    ) -> None:
        """An MCP server or a hook, with the pack files (scripts) it needs by pack path
        (their path in ``folder``, the plugin's, where they were read)."""
        ...

    def plugin_meta(self, meta: Mapping[str, Any]) -> list[str]:
        """Metadata for a new pack's manifest, from the first plugin read; ``EXTRAS``:
        blocks by target, mappings of mappings (Claude Code's ``userConfig``), gathered
        from every plugin read; returns the entries another plugin gave another value."""
        ...

    def group(self, name: str, meta: Mapping[str, Any], before: tuple[int, int, int]) -> None:
        """The items read since ``before`` (counts of agents, commands, skills): a group."""
        ...

    def rename_servers(self, since: tuple[int, int, int], servers: Mapping[str, str]) -> None:
        """Name MCP servers otherwise in the tools of the items read since ``since`` (counts
        of agents, commands, skills) and of every hook: a host's own name of a plugin's
        server (Claude Code's ``plugin_<plugin>_<server>``) -> the pack's."""
        ...

    def hold_tools(
        self, server: str, off: Sequence[str], only: Sequence[str] | None, report: FileReport
    ) -> None:
        """A server's own settings turn tools off (``off``), or keep only ``only`` on, for
        every agent of the import: they are held to that, as ``report`` then says."""
        ...

    def server_named(self, native: str, name: str) -> None:
        """A server read as ``native`` is ``name`` in the pack: every item's tools of it,
        read before or after, are renamed at the end (``my_server`` is ``my-server``)."""
        ...

    def server_as(self, name: str) -> str:
        """The pack's name of the server just read as ``name``: another when a server read
        before took it (two plugins' ``github``)."""

    def counts(self) -> tuple[int, int, int]: ...

    def env(self) -> ImportEnv: ...

    def skip(self, path: Path, reason: str) -> None:
        """Say that a file or folder of a tool's tree was not read, and why."""
        ...

    def first(self, path: Path) -> bool:
        """True the first time a file is asked about in this import (read once)."""
        ...


class Reader(Protocol):
    """Reads one tool's native files into canonical items (a target's ``reader``)."""

    dialect: ClassVar[str]
    """The target's name."""
    tree_name: ClassVar[str]
    """The folder of the tool's own files in a project (``.claude``)."""
    fallback: ClassVar[bool]
    """Files no reader claims by their look are read in this dialect."""
    bare_agents: ClassVar[bool]
    """Whether the tool reads a file in its agents folder that has no frontmatter as an
    agent, with its defaults for every field (else it is read as a profile, or refused)."""
    skill_marks: ClassVar[tuple[str, ...]]
    """Files in a skill's folder that only this tool writes (Codex's ``agents/openai.yaml``):
    such a skill is read in this dialect wherever it is found."""

    def claims(self, frontmatter: Mapping[str, Any]) -> bool:
        """Whether a frontmatter is written in this tool's dialect (by its look alone)."""
        ...

    def marks(self, folder: Path) -> bool:
        """Whether the files of ``folder`` are this tool's (it is the tool's tree, or a
        project with the tool's configuration), to be read in this dialect."""
        ...

    def folder(self, path: Path, run: Importing) -> bool:
        """Read ``path`` whole when it is something only this tool has (a plugin, a
        marketplace, a configuration file); False when it is not."""
        ...

    def config(self, folder: Path, run: Importing) -> set[Path]:
        """Read this tool's configuration files in a project folder or tree (opencode.json,
        say); the files taken."""
        ...

    def tree(self, folder: Path, run: Importing) -> None:
        """Read a folder laid out as this tool's own tree (``.claude/``, ``.opencode/``, or
        ``dist/<target>/``): only what the tool itself reads; the rest is skipped, with why."""
        ...

    def agent(self, native: Native, report: FileReport, env: ImportEnv) -> Agent: ...

    def command(self, native: Native, report: FileReport, env: ImportEnv) -> Command: ...

    def skill(
        self, native: Native, report: FileReport, resources: tuple[Resource, ...], env: ImportEnv
    ) -> Skill: ...

    def tool_id(self, name: str, granting: bool = False) -> tuple[str | None, str | None]:
        """The canonical tool (and bash pattern) for one of this tool's tool names;
        ``granting`` (an allow list): None for a name of part of a tool."""
        ...
