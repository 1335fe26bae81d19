"""A pack folder -> a validated ``Pack``, or every finding that stops it.

The only module where raw YAML dicts exist: each file is read, split, parsed with a source
map, checked against its schema, then checked for what a schema cannot say (names equal file
names, aliases exist, patterns parse), and only then turned into frozen model objects. One bad
file never stops the others from being checked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agentpack import aliases, parallel, schema
from agentpack.errors import Finding, InvalidPack, Severity, UsageError, did_you_mean
from agentpack.images import icon_problem
from agentpack.layout import MANIFEST
from agentpack.model import (
    Agent,
    Command,
    Example,
    Grant,
    Item,
    ItemInfo,
    Kind,
    Manifest,
    Mode,
    ModelRef,
    Pack,
    Person,
    PluginGroup,
    Resource,
    Skill,
    SourceRef,
)
from agentpack.outputs import collision_key, path_problem, reserved_name
from agentpack.permissions import Decision, Policy, normalize_tool_id, pattern_problem
from agentpack.source import (
    FileState,
    Located,
    Path_,
    SourceError,
    decode,
    field_name,
    parse_yaml,
    read_bytes,
    split_frontmatter,
)

BLOCKS = ("claude", "opencode")
"""The per-target blocks the schemas define (``claude:``, ``opencode:``)."""
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters other than tab and newline: no target format holds them safely."""
_ASCII_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_CONTROL = re.compile(b"\xc2[\x80-\x9f]")
"""U+0080-U+009F in UTF-8."""


def has_control(text: str) -> bool:
    """Whether ``_CONTROL`` matches: 4x as fast on every file of a pack, as bytes (delete
    the ASCII controls in C and compare lengths; the C1 ones are two-byte sequences after
    a 0xC2 that is rarely there at all)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _ASCII_CONTROL)) != len(data):
        return True
    return b"\xc2" in data and _C1_CONTROL.search(data) is not None


SKILL_FILE = "SKILL.md"
_ZERO_PLACEHOLDER = re.compile(r"\$0(?![0-9])")


@dataclass(slots=True)
class _Doc:
    """One parsed source file, kept for the findings that point into it."""

    rel: str
    loc: Located
    body: str = ""
    body_line: int = 1
    raw: str | None = None
    """The YAML text as written (None when not kept)."""

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.loc.data
        return data


@dataclass(slots=True)
class _Loader:
    """Loading state: the findings so far and every file read (the re-export cache
    stamps them)."""

    root: Path
    known_targets: Collection[str]
    findings: list[Finding] = field(default_factory=list)
    manifest_doc: _Doc | None = None
    reads: dict[str, FileState] = field(default_factory=dict)
    """Every file read since the last ``capture``, with its state (for the re-export cache)."""
    trusted_manifest: bool = False
    """The manifest is byte for byte one that passed every check before: skip the schema."""

    # -- reporting -------------------------------------------------------------------------

    def report(
        self, doc: _Doc, path: Path_, message: str, *, warning: bool = False, key: bool = False
    ) -> None:
        """A finding about one field of a parsed file, placed at that field."""
        line, col = doc.loc.pos(path, key=key)
        self.report_at(doc.rel, (line, col), message, warning=warning, field=field_name(path))

    def report_at(
        self,
        rel: str,
        pos: tuple[int, int],
        message: str,
        *,
        warning: bool = False,
        field: str = "-",
    ) -> None:
        severity = Severity.WARNING if warning else Severity.ERROR
        self.findings.append(Finding(rel, pos[0], pos[1], severity, field, message))

    def source_error(self, rel: str, exc: SourceError) -> None:
        self.findings.append(
            Finding(rel, exc.line, exc.col, Severity.ERROR, exc.field, exc.message)
        )

    # -- reading ---------------------------------------------------------------------------

    def read(self, path: Path, rel: str) -> str:
        data, state = read_bytes(path)
        self.reads[rel] = state
        return decode(data)

    def rel(self, path: Path) -> str:
        # every path here was built by joining onto root: cutting the prefix is enough, and
        # Path.relative_to costs a quarter of a second per 10,000 files
        text, prefix = path.as_posix(), self.root.as_posix().rstrip("/") + "/"
        return (
            text[len(prefix) :]
            if text.startswith(prefix)
            else path.relative_to(self.root).as_posix()
        )

    def read_markdown(self, path: Path, kind: str) -> _Doc | None:
        rel = self.rel(path)
        try:
            text = self.read(path, rel)
            split = split_frontmatter(text)
            if split.frontmatter is None:
                what = "the file is empty" if not text.strip() else "the file has no frontmatter"
                raise SourceError(
                    1, 1, "-", f"{what}; start it with '---', the {kind}'s fields, and '---'"
                )
            loc = parse_yaml(split.frontmatter, split.fm_line - 1)
        except SourceError as exc:
            self.source_error(rel, exc)
            return None
        loc.origin = (split.fm_line, 1)
        doc = _Doc(rel, loc, split.body, split.body_line, split.frontmatter)
        return doc if self.checked(doc, kind) else None

    def checked(self, doc: _Doc, kind: str) -> bool:
        data = doc.loc.data
        if data is None or data == {}:
            needs = "a description" if kind == "command" else "name and description"
            self.report_at(doc.rel, doc.loc.origin, f"the {kind} has no fields; add {needs}")
            return False
        if not isinstance(data, dict):
            shape = "a list" if isinstance(data, list) else "a single value"
            self.report_at(
                doc.rel,
                doc.loc.origin,
                f"the frontmatter is {shape}; it must be a mapping of fields such as 'name: ...'",
            )
            return False
        problems = schema.check(kind, doc.loc, doc.rel)
        self.findings.extend(problems)
        if problems:
            return False
        return self.check_text(doc)

    def check_text(self, doc: _Doc) -> bool:
        """No control characters in any text, frontmatter or body."""
        clean = True
        # a control character can only reach a value literally or through a YAML escape
        raw = doc.raw
        strings = _strings(doc.data, ()) if raw is None or "\\" in raw or has_control(raw) else []
        for path, value in strings:
            match = _CONTROL.search(value)
            if match:
                clean = False
                self.report(
                    doc,
                    path,
                    f"contains the control character "
                    f"U+{ord(match.group()):04X}; remove it (no target format holds it "
                    "safely)",
                )
        match = _CONTROL.search(doc.body) if has_control(doc.body) else None
        if match:
            clean = False
            line = doc.body_line + doc.body.count("\n", 0, match.start())
            col = match.start() - (doc.body.rfind("\n", 0, match.start()) + 1) + 1
            self.report_at(
                doc.rel,
                (line, col),
                f"the body contains the control character U+{ord(match.group()):04X}; remove it",
            )
        return clean

    # -- shared field checks ---------------------------------------------------------------

    def check_name(self, doc: _Doc, expected: str, what: str) -> None:
        if reserved_name(expected):
            where = ("name",) if "name" in doc.data else ()
            self.report(
                doc,
                where,
                f"{expected!r} is a name Windows reserves for a device; "
                "files named so cannot be created there, choose another name",
            )
        name = doc.data.get("name")
        if name is not None and name != expected:
            self.report(
                doc,
                ("name",),
                f"the name {name!r} differs from the {what} {expected!r}; rename one so they match",
            )

    def check_targets(self, doc: _Doc, path: Path_, names: list[str]) -> None:
        for i, target in enumerate(names):
            if target not in self.known_targets:
                self.report(doc, (*path, i), self.unknown_target(target))

    def unknown_target(self, target: str) -> str:
        known = sorted(self.known_targets)
        hint = did_you_mean(target, known)
        return f"unknown target {target!r}{hint}; known targets: {', '.join(known)}"

    def model_ref(self, doc: _Doc, table: Mapping[str, Mapping[str, str]]) -> ModelRef | None:
        raw = doc.data.get("model")
        if raw is None:
            return None
        if isinstance(raw, str):
            if raw not in table:
                hint = did_you_mean(raw, table)
                self.report(
                    doc,
                    ("model",),
                    f"unknown model alias {raw!r}{hint}; use one of "
                    f"{', '.join(sorted(table))}, define it under models: in "
                    f"{MANIFEST}, or give a map of target: model-id",
                )
            return ModelRef(alias=raw)
        for target, model_id in raw.items():
            if target not in self.known_targets:
                self.report(doc, ("model", target), self.unknown_target(target), key=True)
            problem = model_id_problem(target, model_id)
            if problem:
                self.report(doc, ("model", target), problem)
        return ModelRef(per_target=MappingProxyType(dict(sorted(raw.items()))))

    def grants(self, doc: _Doc) -> tuple[Grant, ...]:
        out = []
        for i, entry in enumerate(doc.data.get("allowed_tools", [])):
            if entry.startswith("bash(") and entry.endswith(")"):
                pattern = entry[5:-1]
                problem = pattern_problem(pattern)
                if problem:
                    self.report(doc, ("allowed_tools", i), problem)
                out.append(Grant("bash", pattern))
            else:
                out.append(Grant(normalize_tool_id(entry)))
        return tuple(out)

    def check_blocks(self, doc: _Doc, kind: str) -> None:
        """Unknown fields in a target block pass through; say so, in case of a typo."""
        for target in BLOCKS:
            block = doc.data.get(target)
            if not isinstance(block, dict):
                continue
            known = schema.block_fields(kind, target)
            for key in block:
                if key not in known:
                    hint = did_you_mean(key, known)
                    self.report(
                        doc,
                        (target, key),
                        f"{key!r} is not a field agentpack knows "
                        f"for {target}{hint}; it is passed through as it is",
                        warning=True,
                        key=True,
                    )

    def extras(self, doc: _Doc) -> Mapping[str, Mapping[str, Any]]:
        blocks = {
            t: MappingProxyType(dict(doc.data[t]))
            for t in BLOCKS
            if isinstance(doc.data.get(t), dict) and t in self.known_targets
        }
        return MappingProxyType(blocks)

    # -- items -----------------------------------------------------------------------------

    def manifest(self) -> Manifest | None:
        path = self.root / MANIFEST
        if not path.is_file() and not path.is_dir():
            raise UsageError(
                f"{self.root}: no {MANIFEST} here; run 'agentpack init' to start a "
                "pack, or pass --pack DIR"
            )
        try:
            loc = parse_yaml(self.read(path, MANIFEST))
        except SourceError as exc:
            self.source_error(MANIFEST, exc)
            return None
        doc = _Doc(MANIFEST, loc)
        if not self.trusted_manifest and not self.checked(doc, "manifest"):
            return None
        data = doc.data
        self.check_targets(doc, ("targets",), data.get("targets", []))
        for alias, ids in data.get("models", {}).items():
            for target, model_id in ids.items():
                if target not in self.known_targets:
                    self.report(
                        doc, ("models", alias, target), self.unknown_target(target), key=True
                    )
                problem = model_id_problem(target, model_id)
                if problem:
                    self.report(doc, ("models", alias, target), problem)
        author = data.get("author")
        self.manifest_doc = doc
        return Manifest(
            name=data["name"],
            version=data["version"],
            description=data["description"],
            source=SourceRef(MANIFEST),
            author=_person(author),
            license=data.get("license"),
            homepage=data.get("homepage"),
            repository=data.get("repository"),
            keywords=tuple(data.get("keywords", ())),
            targets=tuple(data.get("targets", ("claude", "opencode"))),
            models=MappingProxyType(
                {k: MappingProxyType(dict(v)) for k, v in sorted(data.get("models", {}).items())}
            ),
            extras=self.extras(doc),
            plugins=tuple(_group(g) for g in data.get("plugins", ())),
            files=self.manifest_files(doc),
        )

    def manifest_files(self, doc: _Doc) -> Mapping[str, bytes]:
        """The files the manifest names (``claude.icon``, ``claude.readme``), read now so
        that export copies exactly what was checked."""
        block = doc.data.get("claude")
        files: dict[str, bytes] = {}
        for key in ("icon", "readme"):
            rel = block.get(key) if isinstance(block, dict) else None
            if not isinstance(rel, str):
                continue
            where: Path_ = ("claude", key)
            problem = path_problem(rel)
            path = self.root / rel
            if problem is None and path.is_symlink():
                problem = "is a symlink; name the file itself"
            if problem is not None:
                self.report(doc, where, f"the path {problem}")
                continue
            if not path.exists():
                self.report(doc, where, f"cannot read {rel}: no such file")
                continue
            try:
                data, self.reads[rel] = read_bytes(path)
            except SourceError as exc:
                self.report(doc, where, f"cannot read {rel}: {exc.message}")
                continue
            problem = icon_problem(data) if key == "icon" else _utf8_problem(data)
            if problem is not None:
                self.report(doc, where, f"{rel}: {problem}")
                continue
            files[rel] = data
        return MappingProxyType(files)

    def check_groups(self, manifest: Manifest, names: Mapping[str, set[str]]) -> None:
        """Every item a plugin group names must exist; warn about items in no group."""
        doc = self.manifest_doc
        if doc is None or not manifest.plugins:
            return
        grouped: dict[str, set[str]] = {kind: set() for kind in names}
        seen: set[str] = set()
        for i, group in enumerate(manifest.plugins):
            if group.name in seen:
                self.report(
                    doc,
                    ("plugins", i, "name"),
                    f"two plugin groups are named {group.name!r}; rename one",
                )
            seen.add(group.name)
            for kind in names:
                for j, name in enumerate(getattr(group, kind)):
                    grouped[kind].add(name)
                    if name not in names[kind]:
                        self.report(
                            doc,
                            ("plugins", i, kind, j),
                            f"no {kind[:-1]} named {name!r} in the pack; fix the name or remove it",
                        )
        for kind, present in names.items():
            for name in sorted(present - grouped[kind]):
                self.report(
                    doc,
                    ("plugins",),
                    f"the {kind[:-1]} {name!r} is in no plugin "
                    "group, so no Claude Code plugin carries it; add it to one",
                    warning=True,
                    key=True,
                )

    def policy(self, doc: _Doc) -> Policy | None:
        raw = doc.data.get("tools")
        if raw is None:
            return None
        seen: dict[str, str] = {}
        for decision in ("allow", "ask", "deny"):
            for i, tool in enumerate(raw.get(decision, [])):
                key = normalize_tool_id(tool)
                if key in seen:
                    self.report(
                        doc,
                        ("tools", decision, i),
                        f"{tool!r} is also in tools.{seen[key]}; name each tool in one list only",
                    )
                seen.setdefault(key, decision)
        patterns = raw.get("bash", {})
        for pattern in patterns:
            problem = pattern_problem(pattern)
            if problem:
                self.report(doc, ("tools", "bash", pattern), problem, key=True)
        if "*" in patterns and "bash" in seen:
            self.report(
                doc,
                ("tools", "bash", "*"),
                f"bash is in tools.{seen['bash']} and has a "
                "'*' pattern; both say what unmatched commands get, keep one",
                key=True,
            )
        default = raw.get("default")
        return Policy.build(
            Decision.parse(default) if default else None,
            raw.get("allow"),
            raw.get("ask", ()),
            raw.get("deny", ()),
            {p: Decision.parse(d) for p, d in patterns.items()},
        )

    def agent(self, path: Path, table: Mapping[str, Mapping[str, str]]) -> Agent | None:
        doc = self.read_markdown(path, "agent")
        if doc is None:
            return None
        data = doc.data
        self.check_blocks(doc, "agent")
        self.check_name(doc, path.stem, "file name")
        self.check_targets(doc, ("targets",), data.get("targets", []))
        model = self.model_ref(doc, table)
        policy = self.policy(doc)
        return Agent(
            name=data["name"],
            description=data["description"],
            body=doc.body,
            source=SourceRef(doc.rel),
            examples=tuple(Example(**e) for e in data.get("examples", ())),
            mode=Mode(data.get("mode", "subagent")),
            model=model,
            temperature=data.get("temperature"),
            top_p=data.get("top_p"),
            max_steps=data.get("max_steps"),
            policy=policy,
            color=data.get("color"),
            tags=tuple(data.get("tags", ())),
            version=data.get("version"),
            targets=tuple(data["targets"]) if "targets" in data else None,
            extras=self.extras(doc),
            metadata=MappingProxyType(dict(data.get("metadata", {}))),
        )

    def command(self, path: Path, table: Mapping[str, Mapping[str, str]]) -> Command | None:
        doc = self.read_markdown(path, "command")
        if doc is None:
            return None
        data = doc.data
        self.check_blocks(doc, "command")
        self.check_name(doc, path.stem, "file name")
        self.check_targets(doc, ("targets",), data.get("targets", []))
        for match in _ZERO_PLACEHOLDER.finditer(doc.body):
            line = doc.body_line + doc.body.count("\n", 0, match.start())
            col = match.start() - (doc.body.rfind("\n", 0, match.start()) + 1) + 1
            self.report_at(
                doc.rel,
                (line, col),
                "$0 is not a canonical placeholder: arguments "
                "count from $1 (agentpack renumbers them for Claude Code)",
            )
        return Command(
            name=path.stem,
            description=data["description"],
            body=doc.body,
            source=SourceRef(doc.rel),
            argument_hint=data.get("argument_hint"),
            allowed_tools=self.grants(doc),
            agent=data.get("agent"),
            model=self.model_ref(doc, table),
            subtask=data.get("subtask"),
            disable_model_invocation=data.get("disable_model_invocation"),
            targets=tuple(data["targets"]) if "targets" in data else None,
            extras=self.extras(doc),
            metadata=MappingProxyType(dict(data.get("metadata", {}))),
        )

    def skill(self, folder: Path) -> Skill | None:
        path = folder / SKILL_FILE
        if not path.exists():
            self.report_at(
                self.rel(folder) + "/",
                (1, 1),
                f"the skill folder has no {SKILL_FILE}; "
                "add one with name and description, or remove the folder",
            )
            return None
        doc = self.read_markdown(path, "skill")
        if doc is None:
            return None
        data = doc.data
        self.check_blocks(doc, "skill")
        self.check_name(doc, folder.name, "folder name")
        self.check_targets(doc, ("targets",), data.get("targets", []))
        return Skill(
            name=data["name"],
            description=data["description"],
            body=doc.body,
            source=SourceRef(doc.rel),
            license=data.get("license"),
            compatibility=data.get("compatibility"),
            allowed_tools=self.grants(doc),
            disable_model_invocation=data.get("disable_model_invocation"),
            targets=tuple(data["targets"]) if "targets" in data else None,
            resources=self.resources(folder),
            extras=self.extras(doc),
            metadata=MappingProxyType(dict(data.get("metadata", {}))),
        )

    def resources(self, folder: Path) -> tuple[Resource, ...]:
        """Every file beside SKILL.md, read now so that export copies exactly what was checked."""
        out: list[Resource] = []
        seen: dict[str, str] = {}
        real_root = self.root.resolve()
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            dirnames.sort()
            base = Path(dirpath)
            for name in [*sorted(filenames), *[d for d in dirnames if (base / d).is_symlink()]]:
                path = base / name
                rel = path.relative_to(folder).as_posix()
                if rel == SKILL_FILE:
                    continue
                problem = path_problem(rel)
                if problem:
                    self.report_at(
                        self.rel(path),
                        (1, 1),
                        f"this file name {problem}; rename it so it can be written on every system",
                    )
                    continue
                key = collision_key(rel)
                if key in seen:
                    self.report_at(
                        self.rel(path),
                        (1, 1),
                        f"this name differs from {seen[key]!r} "
                        "only in letter case or Unicode normalisation; rename one",
                    )
                    continue
                seen[key] = rel
                resolved = path.resolve()
                if resolved != real_root and real_root not in resolved.parents:
                    self.report_at(
                        self.rel(path),
                        (1, 1),
                        "this symlink points outside the pack; "
                        "copy the file into the skill instead",
                    )
                    continue
                if resolved.is_dir():
                    self.report_at(
                        self.rel(path),
                        (1, 1),
                        "a symlink to a folder; skills may only "
                        "link to files, copy the folder instead",
                    )
                    continue
                try:
                    data, self.reads[self.rel(path)] = read_bytes(resolved)
                    out.append(Resource(rel, data))
                except SourceError as exc:
                    self.report_at(
                        self.rel(path), (1, 1), f"cannot read this resource: {exc.message}"
                    )
        return tuple(out)

    # -- the pack --------------------------------------------------------------------------

    def files(self, folder: str, suffix: str) -> list[Path]:
        base = self.root / folder
        if not base.is_dir():
            return []
        found = []
        for entry in sorted(base.iterdir(), key=lambda e: (e.name.removesuffix(suffix), e.name)):
            if entry.name.startswith("."):
                continue
            if entry.name.endswith(suffix) or (suffix == "/" and entry.is_dir()):
                found.append(entry)
            else:
                self.report_at(
                    self.rel(entry),
                    (1, 1),
                    f"ignored: {folder}/ holds only "
                    + ("one folder per skill" if suffix == "/" else f"*{suffix} files"),
                    warning=True,
                )
        return found

    def duplicates(self, infos: Sequence[ItemInfo], kind: str) -> None:
        seen: dict[str, str] = {}
        for info in infos:
            key = info.name.casefold()
            if key in seen:
                self.report_at(
                    info.source.path,
                    (1, 1),
                    f"another {kind} is named {info.name!r} "
                    f"({seen[key]}); names must differ, also in letter case",
                )
            seen.setdefault(key, info.source.path)

    def across(self, manifest: Manifest | None, infos: Sequence[ItemInfo]) -> None:
        """The checks that need every item, of which they need only the summaries (so a
        pack loaded in two processes is checked from what each sends back)."""
        by_kind: dict[Kind, list[ItemInfo]] = {kind: [] for kind in Kind}
        for info in infos:
            by_kind[info.kind].append(info)
        self.duplicates(by_kind[Kind.AGENT], "agent")
        self.duplicates(by_kind[Kind.COMMAND], "command")
        self.duplicates(by_kind[Kind.SKILL], "skill")
        skill_names = {s.name for s in by_kind[Kind.SKILL]}
        for command in by_kind[Kind.COMMAND]:
            if command.name in skill_names:
                self.report_at(
                    command.source.path,
                    (1, 1),
                    f"a skill is also named {command.name!r};"
                    " Claude Code runs the skill for /" + command.name + ", rename one",
                    warning=True,
                )
        if manifest is not None:
            self.check_groups(
                manifest,
                {
                    "agents": {a.name for a in by_kind[Kind.AGENT]},
                    "commands": {c.name for c in by_kind[Kind.COMMAND]},
                    "skills": {s.name for s in by_kind[Kind.SKILL]},
                },
            )

    def capture(self, kind: Kind, path: Path, load: Callable[[], Item | None]) -> Loaded:
        """Load one item and keep apart what belongs to it: its findings, its files. Its
        source is the file its model item names (a skill's SKILL.md, not its folder)."""
        mark, self.reads = len(self.findings), {}
        item = load()
        found = tuple(self.findings[mark:])
        del self.findings[mark:]
        source = self.rel(path / SKILL_FILE if kind is Kind.SKILL else path)
        return Loaded(kind, source, item, found, tuple(self.reads.items()))

    def items(
        self, table: Mapping[str, Mapping[str, str]], sources: Sequence[tuple[Kind, Path]]
    ) -> list[Loaded]:
        """Each item with its own findings, so that a batch can be loaded in another process
        (or alone, by a re-export) and its results merged in order."""
        loaders: dict[Kind, Callable[[Path], Item | None]] = {
            Kind.AGENT: partial(self.agent, table=table),
            Kind.COMMAND: partial(self.command, table=table),
            Kind.SKILL: self.skill,
        }
        return [self.capture(kind, path, partial(loaders[kind], path)) for kind, path in sources]

    def sources(self) -> list[tuple[Kind, Path]]:
        return [
            *((Kind.AGENT, p) for p in self.files("agents", ".md")),
            *((Kind.COMMAND, p) for p in self.files("commands", ".md")),
            *((Kind.SKILL, p) for p in self.files("skills", "/")),
        ]

    def opening(self) -> Opening:
        manifest = self.manifest()
        inputs, self.reads = self.reads, {}
        table = aliases.table(manifest) if manifest else dict(aliases.BUILTIN)
        return Opening(self, manifest, table, tuple(self.sources()), MappingProxyType(inputs))

    def pack(self) -> Result:
        start = self.opening()
        loaded = parallel.split(start.items, start.sources, when=start.weight >= parallel.WORTH_IT)
        shared = start.shared([x.brief() for x in loaded])
        every = sorted({*shared, *(f for x in loaded for f in x.findings)})
        pack = None
        if start.manifest is not None and not any(f.is_error for f in every):
            agents = tuple(x.item for x in loaded if isinstance(x.item, Agent))
            commands = tuple(x.item for x in loaded if isinstance(x.item, Command))
            skills = tuple(x.item for x in loaded if isinstance(x.item, Skill))
            pack = Pack(start.manifest, self.root, agents, commands, skills)
        return Result(pack, tuple(every), tuple(loaded), shared, start.inputs)


@dataclass(frozen=True, slots=True)
class Opening:
    """A pack's manifest, read and checked, and its item files, listed: where loading
    starts, whether its items are then loaded in one process or in two halves."""

    _loader: _Loader
    manifest: Manifest | None
    """None when it has errors."""
    table: Mapping[str, Mapping[str, str]]
    """Model aliases: the built-in ones and the manifest's."""
    sources: tuple[tuple[Kind, Path], ...]
    """Every item's file (a skill's folder), agents, then commands, then skills."""
    inputs: Mapping[str, FileState]
    """The manifest and the files it names."""

    @property
    def root(self) -> Path:
        return self._loader.root

    @property
    def weight(self) -> int:
        """The agents and commands: what a second process is worth it for (skills are few
        and small; ``parallel.WORTH_IT``)."""
        return sum(kind is not Kind.SKILL for kind, _ in self.sources)

    def items(self, sources: Sequence[tuple[Kind, Path]]) -> list[Loaded]:
        """Load some of ``sources``, each with its own findings."""
        return self._loader.items(self.table, sources)

    def shared(self, briefs: Sequence[Brief]) -> tuple[Finding, ...]:
        """The findings about no one item: the manifest's, stray files, and the checks
        across items (run here on the items without errors, once: they report into the
        loader)."""
        self._loader.across(self.manifest, [b.info for b in briefs if b.info is not None])
        return tuple(self._loader.findings)


@dataclass(frozen=True, slots=True)
class Brief:
    """One item as loaded, without its body: what the checks across items, the pack-level
    files and the re-export snapshot need, small enough to send between processes."""

    kind: Kind
    source: str
    info: ItemInfo | None
    """None when the item has errors."""
    targets: tuple[str, ...] | None
    agent: str | None
    """The agent a command names."""
    findings: tuple[Finding, ...]
    files: tuple[tuple[str, FileState], ...]


@dataclass(frozen=True, slots=True)
class Loaded:
    """One item as the loader read it: the item (None when it has errors), the findings
    about it alone, and the files it was read from."""

    kind: Kind
    source: str
    item: Item | None
    findings: tuple[Finding, ...]
    files: tuple[tuple[str, FileState], ...]

    def brief(self) -> Brief:
        item = self.item
        return Brief(
            self.kind,
            self.source,
            None if item is None else ItemInfo.of(item),
            None if item is None else item.targets,
            item.agent if isinstance(item, Command) else None,
            self.findings,
            self.files,
        )


@dataclass(frozen=True, slots=True)
class Result:
    """A loaded pack with what a re-export needs to redo only part of it."""

    pack: Pack | None
    """None when any finding is an error."""
    findings: tuple[Finding, ...]
    """Every finding, sorted."""
    loaded: tuple[Loaded, ...]
    shared: tuple[Finding, ...]
    """Findings about no one item: the manifest, names across items, stray files."""
    inputs: Mapping[str, FileState]
    """The manifest and the files it names."""


def _strings(value: Any, path: Path_) -> list[tuple[Path_, str]]:
    """Every string in parsed YAML, keys included, with its data path."""
    if isinstance(value, str):
        return [(path, value)]
    out: list[tuple[Path_, str]] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _strings(key, (*path, key)) + _strings(sub, (*path, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _strings(sub, (*path, i))
    return out


def _utf8_problem(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text (byte {exc.start}); save it as UTF-8"
    match = _CONTROL.search(text)
    if match:
        return f"contains the control character U+{ord(match.group()):04X}; remove it"
    return None


def _person(data: Mapping[str, Any] | None) -> Person | None:
    return Person(**data) if data else None


def _group(data: Mapping[str, Any]) -> PluginGroup:
    return PluginGroup(
        name=data["name"],
        version=data.get("version"),
        description=data.get("description"),
        author=_person(data.get("author")),
        homepage=data.get("homepage"),
        repository=data.get("repository"),
        license=data.get("license"),
        keywords=tuple(data.get("keywords", ())),
        agents=tuple(data.get("agents", ())),
        commands=tuple(data.get("commands", ())),
        skills=tuple(data.get("skills", ())),
    )


def model_id_problem(target: str, model_id: str) -> str | None:
    if target == "opencode" and model_id != aliases.INHERIT and "/" not in model_id:
        example = aliases.BUILTIN.get(model_id, aliases.BUILTIN["sonnet"])["opencode"]
        return (
            f"opencode needs provider/model-id such as {example!r}, not {model_id!r}: "
            "opencode drops an agent whose model is a bare name"
        )
    return None


def load(root: Path, known_targets: Collection[str]) -> tuple[Pack | None, list[Finding]]:
    """Load and check a pack; returns the pack (None if any error) and every finding, sorted."""
    result = load_result(root, known_targets)
    return result.pack, list(result.findings)


def load_result(root: Path, known_targets: Collection[str]) -> Result:
    return _Loader(root, known_targets).pack()


def open_pack(root: Path, known_targets: Collection[str]) -> Opening:
    """Read the manifest and list the items, loading none yet."""
    return _Loader(root, known_targets).opening()


def load_items(
    root: Path,
    known_targets: Collection[str],
    sources: Sequence[tuple[Kind, Path]],
    *,
    trusted_manifest: bool = False,
) -> tuple[Manifest | None, list[Loaded]]:
    """The manifest and some items alone (a re-export reloads only the files that
    changed); the checks across items are the caller's to keep."""
    loader = _Loader(root, known_targets, trusted_manifest=trusted_manifest)
    manifest = loader.manifest()
    if manifest is None or any(f.is_error for f in loader.findings):
        return None, []
    return manifest, loader.items(aliases.table(manifest), sources)


def load_pack(root: Path, known_targets: Collection[str]) -> Pack:
    pack, findings = load(root, known_targets)
    if pack is None:
        raise InvalidPack(findings)
    return pack
