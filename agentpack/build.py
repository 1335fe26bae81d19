"""What an export should leave behind: the pack loaded, every target rendered, every warning
placed at its field; the cache skips the work whose inputs it has seen before.

This is the one export path: ``export``, ``export --check``, ``--dry-run`` and ``validate``
all run it (the last three without the cache, and without writing). The writer then makes
the output folder hold exactly what it returns.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agentpack import cache as caching
from agentpack.cache import NoteRow, RenderRecord
from agentpack.claims import Claims
from agentpack.errors import Finding, InvalidPack, Severity, UnsafePath
from agentpack.load import Loader
from agentpack.load.doc import note_position
from agentpack.load.items import SKILL_FILE, resource_paths
from agentpack.model import Agent, Item, ItemInfo, Kind, Manifest, Pack
from agentpack.outputs import FolderFiles, OutFile, Stat
from agentpack.record import Record, sha256
from agentpack.targets import Registry
from agentpack.targets.base import Context, Note, Report, Target, item_env, note_findings
from agentpack.writer import check_path, scan

MANIFEST = "agentpack.yaml"


@dataclass(slots=True)
class Build:
    """An export's outputs, and what it warned about."""

    manifest: Manifest
    names: tuple[str, ...]
    targets: dict[str, FolderFiles] = field(default_factory=dict)
    pack_files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    """Files a target puts in the pack root (a marketplace) -> (target, bytes)."""
    findings: tuple[Finding, ...] = ()
    reused: int = 0
    """Items whose every file came from the cache."""
    record: Record = field(default_factory=Record)
    """``dist/manifest.json`` as this export leaves it."""
    pack: Pack | None = None
    """The whole pack, when every item was loaded (no cache vouched for any)."""
    disk: dict[str, dict[str, Stat]] = field(default_factory=dict)
    """What each target's folder held when the cache checked it, for the writer."""


@dataclass(slots=True)
class _Source:
    """One item file (a skill's folder) as this export sees it."""

    kind: Kind
    entry: str
    """Its path in the pack (a skill's folder)."""
    rel: str
    """Its file's path in the pack (a skill's SKILL.md)."""
    key: str
    info: ItemInfo | None = None
    """None when the item has errors."""
    item: Item | None = None
    """Loaded only when something needs it."""
    before: dict[str, RenderRecord] = field(default_factory=dict)
    """Its renders by target, as the cache kept them."""
    now: dict[str, RenderRecord] = field(default_factory=dict)
    """Its renders by target, as this export reuses or makes them, for the cache."""
    dep: str | None = None
    """What its renders depend on besides it (``_Target._dep``), once known."""


class _Run:
    """One build: the loader, the cache, and what the items' files are."""

    def __init__(self, root: Path, registry: Registry, cache: caching.Cache) -> None:
        self.root, self.registry, self.cache = root, registry, cache
        self.base = os.path.join(root, "")
        """The pack's folder as a string ending in a separator, to join paths onto."""
        self.loader = Loader(root, registry)
        self.places: dict[tuple[str, str], tuple[int, int]] = {}
        """Where in its file each noted field stands (several targets note one field)."""

    def env_key(self) -> str:
        """What every item's records depend on besides the item: agentpack, the targets,
        the manifest, the servers and hooks (a plugin's server tools have names of their
        own), and the files they name."""
        manifest = self.loader.manifest
        named = sorted(manifest.files.items()) if manifest else []
        specs = sorted(self.registry.specs.items())
        modules = [type(self.registry.get(name)).__module__ for name, _ in specs]
        return caching.key(
            caching.code_stamp(modules),
            specs,
            sha256((self.root / MANIFEST).read_bytes()),
            repr((manifest.servers, manifest.hooks)) if manifest else "",
            [(rel, sha256(data)) for rel, data in named],
            sorted(manifest.executables) if manifest else [],
        )

    def digest(self, kind: Kind, entry: str, rel: str) -> str:
        """The item's content: its file's sha256, or a skill's files'. Bytes read to hash
        them are handed to the loader, which would read them again."""
        files = self.loader.files
        if kind is not Kind.SKILL:
            return self._hash(rel, f"{self.base}{rel}")
        folder = self.root / entry
        parts = [(rel, self._hash(rel, f"{self.base}{rel}"))]
        for file in resource_paths(folder):
            sub = files.rel(file)
            parts.append((sub, self._hash(sub, os.fspath(file))))
        return caching.key(parts)

    def _hash(self, rel: str, path: str) -> str:
        try:
            digest, data = self.cache.digest(rel, path)
        except OSError:
            return "unreadable"  # the loader says why
        if data is not None:
            self.loader.files.preread[rel] = data
        return digest

    def sources(self) -> list[_Source]:
        """Every item, keyed by its kind, path and content (what else it depends on is
        the cache's ``env``)."""
        out = []
        for kind, entry in self.loader.sources():
            rel = f"{entry}/{SKILL_FILE}" if kind is Kind.SKILL else entry
            digest = self.digest(kind, entry, rel)
            out.append(_Source(kind, entry, rel, f"{kind.value}:{digest}:{rel}"))
        return out

    def check(self, source: _Source) -> tuple[Finding, ...]:
        """The item's findings, from the cache or by loading it."""
        record, source.now = self.cache.item(source.key)
        if record is not None:
            self.loader.files.preread.pop(source.rel, None)
            source.info = None if record[1] is None else ItemInfo.of_row(record[1])
            source.before = record[2]
            return tuple(map(Finding.of_row, record[0]))
        item, findings = self.loader.item(source.kind, self.root / source.entry)
        source.item, source.info = item, None if item is None else ItemInfo.of(item)
        info = None if source.info is None else source.info.row()
        self.cache.put_item(source.key, (tuple(f.row() for f in findings), info, source.now))
        return findings

    def load(self, source: _Source) -> Item:
        if source.item is None:
            source.item, _ = self.loader.item(source.kind, self.root / source.entry)
            assert source.item is not None  # its findings, cached, had no error
        return source.item

    def rows(self, notes: Sequence[Note]) -> list[NoteRow]:
        """The notes as plain values, each with where in its file its field stands."""
        rows = []
        for note in notes:
            place = (note.source.path, note.field)
            if place not in self.places:
                loc = self.loader.files.docs.get(note.source.path)
                found = (note.source.line, 1) if loc is None else note_position(loc, note.field)
                self.places[place] = found
            line, col = self.places[place]
            head = (note.source.path, note.source.line, note.target, note.item, note.field)
            rows.append((*head, note.change.value, note.message, line, col))
        return rows

    def render(
        self,
        target: Target,
        source: _Source,
        agent: _Source | None,
        manifest: Manifest,
        skills: frozenset[str],
    ) -> tuple[list[OutFile], list[NoteRow]]:
        item = self.load(source)
        named = self.load(agent) if agent is not None else None
        agents = {named.name: named} if isinstance(named, Agent) else {}
        env = item_env(item, manifest, self.loader.table, agents, self.registry.spellings(), skills)
        report = Report()
        outs = list(target.render_item(item, env, report))
        return outs, self.rows(report.notes)


def build(
    root: Path,
    tools: Sequence[str],
    registry: Registry,
    context: Context,
    out_dir: Path,
    cache: caching.Cache,
    previous: Record | None,
    *,
    writing: bool = True,
) -> Build:
    """Load the pack and render each target (``tools``, else the manifest's). Raises
    ``InvalidPack`` with every finding when the pack has errors, before any rendering.
    ``previous``: the output folder's record; ``writing``: the files will be written, so a
    cached render counts only while its files on disk are intact."""
    run = _Run(root, registry, cache)
    manifest = run.loader.manifest
    names = tuple(dict.fromkeys(tools)) or (manifest.targets if manifest else ())
    # an unknown --tool is a usage error; one the manifest names is among its findings
    targets = {n: registry.get(n) for n in names if tools or n in registry.known()}
    cache.depend(run.env_key())
    sources = run.sources()
    findings = [f for s in sources for f in run.check(s)]
    findings += run.loader.shared([s.info for s in sources if s.info is not None])
    findings.sort()
    if manifest is None or any(f.is_error for f in findings):
        raise InvalidPack(findings)
    out = Build(manifest, names)
    job = _Target(run, out, sources, out_dir if writing else None)
    for name, target in targets.items():
        job.render(name, target, context)
        if tools and name not in manifest.targets and manifest.targets:
            unbuilt = sum(1 for s in sources if s.info and s.info.targets is None)
            findings += [_not_listed(run, name, unbuilt)] if unbuilt else []
    out.reused = len(job.built - job.fresh)
    out.record = _record(out, previous)
    # by file, line, target, item, field, message; sorted as they come, in nearly sorted runs
    ordered = [row for row, _ in itertools.groupby(sorted(job.notes))]
    versions = _version_findings(run, targets, previous, out)
    out.findings = (*findings, *note_findings(ordered), *versions)
    if all(s.item is not None for s in sources):
        out.pack = run.loader.pack([s.item for s in sources if s.item is not None])
    return out


class _Target:
    """Rendering every target of one build: the cache's records where the inputs are the
    same (and, when writing, the files on disk intact), fresh renders elsewhere."""

    def __init__(self, run: _Run, out: Build, sources: list[_Source], out_dir: Path | None):
        self.run, self.out, self.sources, self.out_dir = run, out, sources, out_dir
        self.agents = {s.info.name: s for s in sources if s.info and s.kind is Kind.AGENT}
        self.skills: dict[str, frozenset[str]] = {}
        """A target's skills, by target: what a command's files may depend on."""
        self.skills_key: dict[str, str] = {}
        self.fresh: set[str] = set()
        """The items rendered rather than taken from the cache, by path."""
        self.built: set[str] = set()
        """Every item built for some target, by path."""
        self.notes: list[NoteRow] = []

    def render(self, name: str, target: Target, context: Context) -> None:
        run, out, cache = self.run, self.out, self.run.cache
        known = cache.recorded(name) if cache.before and self.out_dir is not None else {}
        odd: set[str] = set()
        if known and self.out_dir is not None:
            disk = out.disk[name] = scan(self.out_dir / name)
            odd = cache.unvouched(name, disk, f"{self.out_dir}/{name}/")
        claims = Claims(name, out.targets.setdefault(name, FolderFiles()), known)
        infos = [(s, s.info) for s in self.sources if s.info is not None]
        builds = {t: out.manifest.builds(t, name) for t in {i.targets for _, i in infos}}
        mine = [(s, info) for s, info in infos if builds[info.targets]]
        self.built.update(s.rel for s, _ in mine)
        self.skills[name] = frozenset(i.name for s, i in mine if s.kind is Kind.SKILL)
        self.skills_key[name] = caching.key(sorted(self.skills[name]))
        skills = "+" + self.skills_key[name]
        cached: list[tuple[_Source, RenderRecord]] = []
        fresh: list[tuple[_Source, str]] = []
        for source, _ in mine:
            dep = self._dep(source) + skills if source.kind is Kind.COMMAND else self._dep(source)
            record = source.before.get(name) if known else None
            if record is None or record[0] != dep:
                fresh.append((source, dep))
            else:
                cached.append((source, record))
        files = _held(cached, known, odd, fresh)
        claims.reuse(files.items(), [path for _, record in cached for path in record[3]])
        notes = self.notes
        for source, record in cached:
            source.now[name] = record  # taken as it is: its inputs and files are the same
            notes += record[2]
        for source, dep in fresh:
            self.fresh.add(source.rel)
            self._render(name, target, source, dep, claims)
        report = Report()
        own = [info for _, info in mine]
        for o in target.render_pack(out.manifest, own, report, context):
            if o.area == "pack":
                _pack_file(out, name, o)
            else:
                claims.take(o.path, sha256(o.data), o.data, o.executable)
        self.notes += run.rows(report.notes)

    def _agent(self, source: _Source) -> _Source | None:
        """The pack's agent a command names, if it names one of the pack's."""
        return self.agents.get(source.info.agent or "") if source.info else None

    def _dep(self, source: _Source) -> str:
        """What an item's renders depend on besides it and the target's skills: the agent a
        command names (its key), or the canonical name of a host's built-in agent."""
        if source.dep is None:
            agent = self._agent(source)
            named = source.info.agent if source.info else None
            source.dep = agent.key if agent else self.run.registry.spellings().get(named or "", "")
        return source.dep

    def _render(self, name: str, target: Target, source: _Source, dep: str, claims: Claims) -> None:
        outs, rows = self.run.render(
            target, source, self._agent(source), self.out.manifest, self.skills[name]
        )
        digests = tuple((o.path, sha256(o.data)) for o in outs)
        for o, (_, digest) in zip(outs, digests, strict=True):
            claims.take(o.path, digest, o.data, o.executable)
        self.notes += rows
        runs = tuple(o.path for o in outs if o.executable)
        source.now[name] = (dep, digests, tuple(rows), runs)


def _held(
    cached: list[tuple[_Source, RenderRecord]],
    known: Mapping[str, str],
    odd: set[str],
    fresh: list[tuple[_Source, str]],
) -> dict[str, str]:
    """The files of the cached renders (path -> sha256) when each is on disk as the last
    export left it (``known``; ``odd``: those that are not): checked for all at once, and
    render by render only when some are not, whose items then go to ``fresh`` (and leave
    ``cached``)."""
    files: dict[str, str] = {}
    for _, record in cached:
        files.update(record[1])
    if odd.isdisjoint(files) and files.items() <= known.items():
        return files
    intact, files = [], {}
    for source, record in cached:
        if all(path not in odd and known.get(path) == digest for path, digest in record[1]):
            intact.append((source, record))
            files.update(record[1])
        else:
            fresh.append((source, record[0]))
    cached[:] = intact
    return files


def _not_listed(run: _Run, target: str, count: int) -> Finding:
    """A target built by name that the manifest does not list gets only the items that
    name it: say so, since the rest is silently not there."""
    loc = run.loader.files.docs.get(MANIFEST)
    line, col = loc.pos(("targets",), key=True) if loc is not None else (1, 1)
    return Finding(
        MANIFEST,
        line,
        col,
        Severity.WARNING,
        "targets",
        f"{target} is not among the pack's targets, so the {count} items without a targets: "
        f"list of their own are not built for it; add {target} to targets: here",
    )


def _record(out: Build, previous: Record | None) -> Record:
    pack: dict[str, dict[str, str]] = {}
    for path, (target, data) in out.pack_files.items():
        pack.setdefault(target, {})[path] = sha256(data)
    digests = {t: files.digests for t, files in out.targets.items()}
    return (previous or Record()).updated(out.manifest, out.names, digests, pack)


def _version_findings(
    run: _Run, targets: Mapping[str, Target], previous: Record | None, out: Build
) -> list[Finding]:
    """Hosts update an installed plugin only when its version changes: a warning for each
    such target whose files changed since the last export while the version did not."""
    if previous is None or previous.pack.get("version") != out.manifest.version:
        return []
    found = []
    # the targets with a file added, gone or changed: two sets of 40,000 compared in C
    changed = {k.partition("/")[0] for k, _ in previous.files.items() ^ out.record.files.items()}
    for name, target in targets.items():
        if not target.versioned or name not in changed:
            continue
        if any(key.startswith(f"{name}/") for key in previous.files):  # not new here
            loc = run.loader.files.docs.get(MANIFEST)
            line, col = loc.pos(("version",), key=True) if loc is not None else (1, 1)
            message = (
                f"the {name.capitalize()} plugin's content changed but its version "
                f"{out.manifest.version} did not; bump version so that installed copies update"
            )
            found.append(Finding(MANIFEST, line, col, Severity.WARNING, "version", message))
    return found


def _pack_file(out: Build, target: str, o: OutFile) -> None:
    check_path(o.path)
    found = out.pack_files.get(o.path)
    if found is not None and found[1] != o.data:
        raise UnsafePath(
            f"two files would be written to {o.path!r} ({target}); names must differ, also in "
            "letter case and Unicode normalisation"
        )
    out.pack_files[o.path] = (target, o.data)
