"""The export cache: what loading and rendering each item gave, keyed by what it depends on.

One record is kept per item, under its kind, path and sha256: its findings, what the
checks across items need of it, and, per target, the paths and sha256 of its files and its
notes, with what else that render depended on (the agent a command names, the target's
skills). What every item depends on (agentpack's version and code, the registered targets,
the manifest and the files it names) is kept once, as ``env``: when it differs, no record
is used. A record can therefore only be found when its inputs are byte for byte the same,
and an export with or without the cache writes the same files. (One record per item, not
per item and target, keeps a re-export to one lookup per item.)

Files are trusted by their stat as git trusts its index: a source or output file whose
size, mtime, ctime and inode are as recorded, and which was last changed well before the
export that recorded it, is taken to hold the recorded bytes; anything else is read again.
One file per pack and output folder, in the user's cache folder; ``AGENTPACK_CACHE=0``
turns it off.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agentpack import cachefile
from agentpack._version import __version__
from agentpack.model import InfoRow
from agentpack.outputs import FolderFiles, Stat, stat_of
from agentpack.source import SourceError, read_bytes

FORMAT = 9
FINE_MARGIN_NS = 100_000_000
COARSE_MARGIN_NS = 2_000_000_000
"""How long before an export a file must have last changed for its stat to be trusted: file
systems that keep whole seconds only (FAT keeps two) need the larger margin."""

FindingRow = tuple[str, int, int, str, str, str]
"""A Finding as plain values (``Finding.row``)."""
NoteRow = tuple[str, int, str, str, str, str, str, int, int]
"""A target's note as plain values, with the line and column of its field."""
RenderRecord = tuple[str, tuple[tuple[str, str], ...], tuple[NoteRow, ...], tuple[str, ...]]
"""What rendering an item for a target gave: what it depended on besides the item, its
files' paths and sha256, its notes, and which of its files are executable."""
ItemRecord = tuple[tuple[FindingRow, ...], "InfoRow | None", dict[str, RenderRecord]]
"""What loading an item gave: its findings, its summary (None: it has errors), and its
renders by target."""


def folder(env: Mapping[str, str]) -> Path:
    if env.get("AGENTPACK_CACHE_DIR"):
        return Path(env["AGENTPACK_CACHE_DIR"])
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "agentpack"


def location(root: Path, out_dir: Path, env: Mapping[str, str]) -> Path | None:
    """The cache file of a pack and output folder; None when caching is off."""
    if env.get("AGENTPACK_CACHE", "1") == "0":
        return None
    who = f"{root.resolve()}\0{out_dir.resolve()}".encode()
    return folder(env) / f"{hashlib.sha256(who).hexdigest()[:24]}.cache"


def key(*parts: object) -> str:
    """A record's key: the sha256 of what it depends on."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def code_stamp(modules: Iterable[str]) -> str:
    """agentpack's own files (an editable install changes them without a new version) and
    the files of the targets' modules, by size and mtime."""
    package = Path(__file__).resolve().parent
    found = []
    for path in sorted({*package.rglob("*.py"), *package.rglob("*.json")}):
        st = path.stat()
        found.append((path.relative_to(package).as_posix(), st.st_size, st.st_mtime_ns))
    import sys

    for name in sorted(set(modules)):
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and not Path(file).resolve().is_relative_to(package):
            st = os.stat(file)
            found.append((file, st.st_size, st.st_mtime_ns))
    return key(__version__, found)


@dataclass(slots=True)
class Cache:
    """One export's view of the cache: last time's records, and this time's."""

    path: Path | None
    started: int = field(default_factory=time.time_ns)
    """When this export began (ns): files changed after it are not trusted next time."""
    before: int = 0
    """When the export that wrote the records began (ns); 0: no records. Sources last
    changed after that, less the margin, are read again."""
    finished: int = 0
    """When that export saved them: outputs it wrote later than that, less the margin,
    are read again."""
    margin: int = FINE_MARGIN_NS
    """How long before the recording a pack file must have last changed to be trusted."""
    out_margin: int = FINE_MARGIN_NS
    """The same for the output files, which may be on another file system (a pack on
    ext4 exported to a FAT drive)."""
    env: str = ""
    """The sha256 of what every item depends on; records made under another are unused."""
    kept_env: bool = False
    """Whether the records were made under this export's ``env``."""
    sources: dict[str, tuple[Stat, str]] = field(default_factory=dict)
    items: dict[str, ItemRecord] = field(default_factory=dict)
    outputs: dict[str, tuple[dict[str, Stat], dict[str, str]]] = field(default_factory=dict)
    """target -> the stat and the sha256 of each of its files (by path), as the export
    that saved them left them. (Paths by target share their strings with the renders'
    paths when saved, and stats by path can be matched with a folder's in one step.)"""
    sources_now: dict[str, tuple[Stat, str]] = field(default_factory=dict)
    items_now: dict[str, ItemRecord] = field(default_factory=dict)
    """What this export used or made, which is all the next one keeps."""
    file: cachefile.Read | None = None
    """The file as read, which this export's changes are appended to."""

    @staticmethod
    def open(path: Path | None) -> Cache:
        """The cache at ``path``; empty when there is none, or it is damaged or foreign."""
        cache = Cache(path)
        found = cachefile.read(path) if path is not None else None
        if found is None:
            return cache
        try:
            data = found.data
            if data["format"] != FORMAT:
                return cache
            cache.before, cache.margin = data["started"], data["margin"]
            cache.out_margin = data["out_margin"]
            cache.finished, cache.env = data["finished"], data["env"]
            cache.sources, cache.items = data["sources"], data["items"]
            cache.outputs = data["outputs"]
            tables = (cache.sources, cache.items, cache.outputs)
            if not all(type(t) is dict for t in tables) or not all(
                type(stats) is dict and type(digests) is dict
                for stats, digests in cache.outputs.values()
            ):
                return Cache(path)  # not what this version writes: an export reads all again
        except (ValueError, TypeError, KeyError):
            return Cache(path)
        cache.file = found
        return cache

    def _trusted(self, record: tuple[Stat, str] | None, st: Stat, until: int) -> str | None:
        """The recorded digest, when the stat is as recorded and older than ``until``."""
        if record is None or record[0] != st or st[1] >= until - self.margin:
            return None
        return record[1]

    def digest(self, rel: str, path: str) -> tuple[str, bytes | None]:
        """The sha256 of a pack file (``+x`` after it when its owner may run it, which its
        copies keep), from its stat when the cache can vouch for it, and its bytes when
        they had to be read (None: not read; the loader says why not)."""
        st = stat_of(os.stat(path))
        found = self._trusted(self.sources.get(rel), st, self.before)
        if found is not None:
            self.sources_now[rel] = (st, found)
            return found, None
        try:
            data, _ = read_bytes(path)
        except SourceError:
            return f"unreadable {st}", None
        found = hashlib.sha256(data).hexdigest() + ("+x" if st[4] else "")
        self.sources_now[rel] = (st, found)
        return found, data

    def vouch(self, target: str, rel: str, st: Stat, path: str) -> str | None:
        """The sha256 a target's file (``rel``, at ``path``) holds, as recorded: from its
        stat, or, when that was taken too close to the recording, its bytes."""
        stats, digests = self.outputs.get(target, ({}, {}))
        if stats.get(rel) != st:
            return None
        if st[1] < self.finished - self.out_margin:
            return digests[rel]
        try:
            with open(path, "rb") as handle:
                return hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            return None

    def unvouched(self, target: str, disk: Mapping[str, Stat], base: str) -> set[str]:
        """The files the last export left in a target's folder that ``vouch`` cannot vouch
        for (``disk``: path -> stat, ``base``: the folder, ending in a slash): the folder
        matched with the record in one step, not per file, and the few files changed too
        close to the recording read again."""
        stats, digests = self.outputs.get(target, ({}, {}))
        odd = {path for path, _ in disk.items() ^ stats.items()}
        odd.update(digests.keys() - stats.keys())
        until = self.finished - self.out_margin
        recent = [path for path, st in stats.items() if st[1] >= until and path not in odd]
        for path in recent:
            found = self.vouch(target, path, stats[path], base + path)
            if found is None or found != digests.get(path):
                odd.add(path)
        return odd

    def recorded(self, target: str) -> dict[str, str]:
        """The sha256 of each file the last export left in a target's folder, by path."""
        return self.outputs.get(target, ({}, {}))[1]

    def depend(self, env: str) -> None:
        """Use the records only if they were made under ``env``, as this export is."""
        self.kept_env = env == self.env
        if not self.kept_env:
            self.items = {}
        self.env = env

    def item(self, item_key: str) -> tuple[ItemRecord | None, dict[str, RenderRecord]]:
        """The item's record (None: none), and where this export keeps the renders of the
        item that it reuses or makes (the record's own renders are last time's)."""
        found = self.items.get(item_key)
        renders: dict[str, RenderRecord] = {}
        if found is not None:
            self.items_now[item_key] = (found[0], found[1], renders)
        return found, renders

    def put_item(self, item_key: str, row: ItemRecord) -> None:
        self.items_now[item_key] = row

    def save(self, written: Mapping[str, Mapping[str, Stat]], folders: Folders) -> None:
        """Keep what this export used or made. ``folders``: what each target's folder now
        holds; ``written``: target -> path -> stat of each file of it the writer wrote or
        compared (every other file is as the cache recorded it: it vouched for it)."""
        if self.path is None:
            return
        tables = {t: self.outputs.get(t, ({}, {})) for t in folders}
        outputs = {}
        for target, files in folders.items():
            found = _output_changes(tables[target], written.get(target, {}), files)
            if any(changed or gone for changed, gone in found):
                outputs[target] = found
            cachefile.apply(tables[target][0], found[0])
            cachefile.apply(tables[target][1], found[1])
        gone = list(self.outputs.keys() - folders.keys())
        sources = cachefile.changes(self.sources, self.sources_now)
        items = cachefile.changes(self.items, self.items_now)
        margin = _margin(st for st, _ in self.sources_now.values())
        out_margin = _margin(st for stats, _ in tables.values() for st in stats.values())
        head = {
            "format": FORMAT,
            "started": self.started,
            "finished": time.time_ns(),
            "margin": margin,
            "out_margin": out_margin,
            "env": self.env,
        }
        same = not (outputs or gone or any(sources) or any(items))
        try:
            if self.file is not None and self.kept_env:
                if same and (margin, out_margin) == (self.margin, self.out_margin):
                    return  # the file already holds all of it (an export that changed nothing)
                changes = {**head, "sources": sources, "items": items}
                changes["outputs"] = {"changed": outputs, "gone": gone}
                if cachefile.append(self.path, changes, self.file):
                    return
            tables_now = {"sources": self.sources_now, "items": self.items_now, "outputs": tables}
            cachefile.write(self.path, {**head, **tables_now})
        except OSError:
            pass  # a cache that cannot be written only costs the next export time


Folders = Mapping[str, FolderFiles]


def _output_changes(
    before: tuple[dict[str, Stat], dict[str, str]],
    written: Mapping[str, Stat],
    files: FolderFiles,
) -> tuple[cachefile.Changes, cachefile.Changes]:
    """What changed in a target folder's record: the stat of each file the writer wrote or
    compared, the sha256 of each file rendered; and the files it no longer holds."""
    stats, digests = before
    wanted = files.digests
    new_stats = {p: st for p, st in written.items() if stats.get(p) != st}
    new_digests = {p: wanted[p] for p in files.data if digests.get(p) != wanted[p]}
    return (
        (new_stats, list(stats.keys() - wanted.keys())),
        (new_digests, list(digests.keys() - wanted.keys())),
    )


def _margin(stats: Iterable[Stat]) -> int:
    """The margin for files with these stats: the larger one when the first thousand have
    whole-second mtimes, as on a file system that keeps no finer times."""
    mtimes = [st[1] for st in itertools.islice(stats, 1000)]
    fine = not mtimes or any(m % 1_000_000_000 for m in mtimes)
    return FINE_MARGIN_NS if fine else COARSE_MARGIN_NS
