"""The re-export snapshot on disk: a base file that a full export writes whole, and a
journal of what the re-exports since then changed.

The base is JSON kept in columns (one list per field, one entry per item or file), the big
columns stored as text joined by separator characters no value can hold: parsing 12,000
records as JSON objects took a quarter of a second, splitting the columns a small part of
that. A re-export changes a handful of rows of a base of several megabytes, and writing
the base again took as long as the rest of the re-export: it writes the journal instead,
every row and entry that differs from the base (so each journal replaces the last). A
journal grown past an eighth of the items is folded into a new base. A journal names the
base it extends: one that names another (left by an interrupted save) is ignored.

Standard library only (with ``stamps`` and ``parallel``): where the snapshot lives
(``location``) and the scan of the folders (``scan``) are needed before the loader
is imported.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import partial
from pathlib import Path
from typing import Any

from agentpack import parallel, stamps

FORMAT = 7
ENV_DIR = "AGENTPACK_CACHE_DIR"
ENV_OFF = "AGENTPACK_CACHE"
"""``AGENTPACK_CACHE=0`` turns the cache off (so does ``export --no-cache``)."""
_COLUMNS = ("sources", "names", "descriptions", "stamps", "digests")
_US, _RS = "\x1f", "\x1e"
_RS_BYTE = _RS.encode()


@dataclass(slots=True)
class Outputs:
    """One target's item files, in columns: which item, path, sha256, stamp."""

    item: list[int] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    sha: list[str] = field(default_factory=list)
    stamp: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Snapshot:
    """What an export left, for the next export into the same folder.

    Per item ``i``: ``kinds[i]`` (a letter), ``sources[i]``, ``names[i]``, ...; sparse
    fields are dicts keyed by ``str(i)``. Stamps are ``size:mtime_ns:ctime_ns:inode``."""

    key: str
    targets: list[str]
    started: int
    """When the export that took it began (before any file was read)."""
    finished: int
    """When it ended (after every written file was stat'ed)."""
    margin: int
    listing: str
    """sha256 of every entry the loader looks at."""
    inputs: dict[str, list[str]]
    """The manifest and the files it names: path -> [stamp, digest]."""
    kinds: str
    sources: list[str]
    names: list[str]
    descriptions: list[str]
    stamps: list[str]
    digests: list[str]
    own_targets: dict[str, list[str]]
    agents: dict[str, str]
    """The agent a command names (its files depend on that agent's mode)."""
    more_files: dict[str, list[list[str]]]
    """Files an item reads besides its source (skill resources): [path, stamp, digest]."""
    findings: dict[str, list[list[Any]]]
    notes: dict[str, list[list[Any]]]
    pack_notes: dict[str, list[list[Any]]]
    """Per target, the notes its pack-level files gave."""
    outputs: dict[str, Outputs]
    shared: list[list[Any]]
    """Findings about no one item."""
    files: dict[str, list[str]]
    """The other files written -> [stamp, sha256]: pack-level files as ``<target>/<path>``,
    ``manifest.json``, and files in the pack root as ``pack:<path>`` (-> [stamp, sha256,
    the target that writes it])."""
    others: dict[str, Any]
    """What ``manifest.json`` keeps for targets this export does not build."""
    racy: dict[str, list[int]] = field(default_factory=dict)
    """Per target, the rows of ``outputs`` whose stamp dates from too close to ``finished``
    to be trusted: the next export reads them (``racy_rows``)."""
    racy_sources: list[int] = field(default_factory=list)
    """The items whose source's stamp dates from too close to ``started`` to be trusted
    (``racy_sources``)."""
    ident: str = ""
    """Names this base file (a journal names the base it extends); set when saved."""
    base: Base | None = field(default=None, repr=False, compare=False)
    """The values the base file holds, where they may change (set by ``read``)."""

    def dump(self) -> str:
        """A JSON header, then each big column as its entries joined by US (0x1F), the
        sections joined by RS (0x1E): no path, name, description, stamp or hash can hold
        either (the loader refuses control characters), and splitting is far cheaper than
        parsing JSON of the same size."""
        header: dict[str, Any] = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in _COLUMNS and f.name != "base"
        }
        header["outputs"] = {t: len(o.path) for t, o in self.outputs.items()}
        header["items"] = len(self.sources)
        header["format"] = FORMAT
        sections = [json.dumps(header, ensure_ascii=False, separators=(",", ":"))]
        sections += [_US.join(getattr(self, name)) for name in _COLUMNS]
        for outs in self.outputs.values():
            sections.append(_US.join(map(str, outs.item)))
            sections += [_US.join(outs.path), _US.join(outs.sha), _US.join(outs.stamp)]
        if any(_RS in section for section in sections):
            raise ValueError("a separator inside a value")  # the loader makes this impossible
        return _RS.join(sections)

    @staticmethod
    def load(data: bytes | mmap.mmap) -> Snapshot:
        """Each section is decoded and split on its own, the text dropped before the next
        is decoded: fresh memory is what reading a large snapshot mostly costs (a page
        fault per 4 KiB, about 4 us on the VMs this runs on), and the next section then
        reuses the memory of the last."""
        with memoryview(data) as view:
            bounds, start = [], 0
            while (end := data.find(_RS_BYTE, start)) >= 0:
                bounds.append((start, end))
                start = end + 1
            bounds.append((start, len(view)))

            def text(at: int) -> str:
                return str(view[bounds[at][0] : bounds[at][1]], "utf-8")

            def column(at: int, size: int) -> list[str]:
                values = text(at).split(_US) if size else []
                if len(values) != size:
                    raise ValueError("a damaged snapshot")
                return values

            return Snapshot._build(json.loads(text(0)), column)

    @staticmethod
    def _build(header: dict[str, Any], column: Callable[[int, int], list[str]]) -> Snapshot:
        if header.pop("format", None) != FORMAT:
            raise ValueError("a snapshot of another format")
        count = header.pop("items")
        for at, name in enumerate(_COLUMNS, 1):
            header[name] = column(at, count)
        outputs, at = {}, len(_COLUMNS) + 1
        for target, size in header["outputs"].items():
            item, path, sha, stamp = (column(at + k, size) for k in range(4))
            outputs[target] = Outputs(list(map(int, item)), path, sha, stamp)
            at += 4
        header["outputs"] = outputs
        return Snapshot(**header)

    def record_outputs(self, wanted: Iterable[int]) -> dict[str, dict[int, list[int]]]:
        """Per target, the rows of ``outputs`` that belong to each of ``wanted``."""
        keep = set(wanted)
        found: dict[str, dict[int, list[int]]] = {}
        for target, outs in self.outputs.items():
            rows: dict[int, list[int]] = {i: [] for i in keep}
            for row, item in enumerate(outs.item):
                if item in keep:
                    rows[item].append(row)
            found[target] = rows
        return found


def location(root: Path, out_dir: Path, env: Mapping[str, str] = os.environ) -> Path | None:
    """The snapshot file for exporting ``root`` into ``out_dir``; None when turned off."""
    if env.get(ENV_OFF, "").strip() == "0":
        return None
    if env.get(ENV_DIR):
        base = Path(env[ENV_DIR])
    elif env.get("XDG_CACHE_HOME"):
        base = Path(env["XDG_CACHE_HOME"]) / "agentpack"
    else:
        base = Path.home() / ".cache" / "agentpack"
    ident = hashlib.sha256(f"{root.resolve()}\0{out_dir.resolve()}".encode()).hexdigest()
    return base / f"export-{ident[:32]}.json"


# -- checking the folders against it --------------------------------------------------------

Suspect = tuple[str, int, str | None]
"""An item file whose stamp differs from its record or is too recent to trust: (target,
row in its outputs, its stamp now or None when it is gone)."""


@dataclass(frozen=True, slots=True)
class FolderCheck:
    """The output folder against a snapshot."""

    suspects: list[Suspect]
    files: int
    """How many files the target folders hold now."""


def check_folders(snap: Snapshot, found: Mapping[str, Mapping[str, str]]) -> FolderCheck:
    """The output folder (``stamps.stamp_folders``) against ``snap``: whole stamp columns
    compared in C, rows one by one only where they differ or were too recent to trust."""
    suspects: list[Suspect] = []
    for target, outs in snap.outputs.items():
        now = list(map(found.get(target, {}).get, outs.path))
        rows = set(stamps.changed_rows(now, outs.stamp))
        rows.update(snap.racy.get(target, ()))
        suspects += [(target, row, now[row]) for row in sorted(rows)]
    files = sum(len(found.get(target, ())) for target in snap.outputs)
    return FolderCheck(suspects, files)


def racy_rows(
    snap: Snapshot, rows: Mapping[str, Iterable[int]] | None = None
) -> dict[str, list[int]]:
    """Of ``rows`` (default: all), those whose stamp's mtime is at or after ``finished``
    less the margin: a change within the same clock tick would not show in the stamp."""
    threshold = snap.finished - snap.margin
    racy = {}
    for target, outs in snap.outputs.items():
        wanted = range(len(outs.stamp)) if rows is None else sorted(rows.get(target, ()))
        found = [r for r in wanted if outs.stamp[r] and stamps.mtime(outs.stamp[r]) >= threshold]
        if found:
            racy[target] = found
    return racy


def racy_sources(snap: Snapshot, rows: Iterable[int] | None = None) -> list[int]:
    """Of ``rows`` (default: all), the items whose source's mtime is at or after
    ``started`` less the margin. Kept in the snapshot: parsing 12,000 stamps for it took
    the next export 5 ms."""
    threshold = snap.started - snap.margin
    wanted = range(len(snap.stamps)) if rows is None else sorted(rows)
    return [i for i in wanted if snap.stamps[i] and stamps.mtime(snap.stamps[i]) >= threshold]


LARGE = 256 * 1024
"""A snapshot of this size (about 400 items) or more: ``scan`` uses a second process."""


@dataclass(frozen=True, slots=True)
class Scanning:
    """The stamps of the output folder, then of the pack's folders, found in a second
    process while the first imports agentpack and reads the snapshot, and sent back in
    two parts: the first can be checked while the second is found."""

    outputs: parallel.Pending[dict[str, stamps.Stamped]]
    pack: parallel.Pending[stamps.PackScan]

    def cancel(self) -> None:
        self.outputs.cancel()
        self.pack.cancel()


def scan(path: Path, out_dir: Path, root: Path) -> Scanning:
    """The scan for a re-export with the snapshot at ``path``, begun in a second process
    when the snapshot is large: stat'ing 36,000 files takes about as long as importing
    agentpack and reading the snapshot, which the caller does meanwhile."""
    try:
        large = path.stat().st_size >= LARGE
    except OSError:
        large = False
    outputs, pack = parallel.background_each(
        [partial(stamps.stamp_folders, out_dir), partial(stamps.scan_pack, root)], when=large
    )
    return Scanning(outputs, pack)


def read(path: Path) -> Snapshot | None:
    """The base file with its journal applied; None when missing, damaged or another
    format (the export then takes the full path)."""
    try:
        with path.open("rb") as handle, _mapped(handle.fileno()) as data:
            snap = Snapshot.load(data)
        snap.base = _remember(snap)
        try:
            journal = json.loads(journal_path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return snap
        if journal.get("base") != snap.ident:
            return snap  # the journal of an earlier base, left by an interrupted save
        if journal.get("format") != FORMAT:
            return None
        _apply(snap, journal)
        return snap
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def _mapped(fd: int) -> mmap.mmap:
    """The file, mapped and (where the system can) read in whole by the mapping call: a
    page fault per 4 KiB of a copy read in, or of a mapping touched page by page, is
    what reading the snapshot cost most."""
    if hasattr(mmap, "MAP_POPULATE"):  # Linux
        return mmap.mmap(fd, 0, flags=mmap.MAP_SHARED | mmap.MAP_POPULATE, prot=mmap.PROT_READ)
    return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)


def save(path: Path, snap: Snapshot) -> None:
    """The journal of what changed since the base, or (after a full export, or when the
    journal grows large) a new base. Best effort: a snapshot that cannot be written only
    costs the next export time."""
    with contextlib.suppress(OSError, ValueError):
        journal = _journal(snap, snap.base) if snap.base is not None else None
        if journal is not None:
            _replace(journal_path(path), json.dumps(journal, ensure_ascii=False))
            return
        snap.ident = os.urandom(8).hex()
        _replace(path, snap.dump())
        journal_path(path).unlink(missing_ok=True)


def journal_path(path: Path) -> Path:
    return path.with_suffix(".journal")


def _replace(path: Path, text: str) -> None:
    # imported here: this module is imported before a re-export's scan begins, which
    # waits for every import before it (tempfile brings shutil, random and more: 5 ms)
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".snapshot-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


# -- the journal --------------------------------------------------------------------------


@dataclass(slots=True)
class Base:
    """The values a re-export may change, as the base file holds them."""

    columns: dict[str, list[str]]
    sparse: dict[str, dict[str, Any]]


_ITEM_COLUMNS = ("descriptions", "stamps", "digests")
_SPARSE = ("own_targets", "agents", "more_files", "findings", "notes")
_WHOLE = ("started", "finished", "inputs", "files", "pack_notes", "racy", "racy_sources")
"""Small, and changed in place: the journal holds them whole."""


def _editable(snap: Snapshot) -> dict[str, list[str]]:
    """The columns a re-export may change, by name (the snapshot's own lists)."""
    found = {name: getattr(snap, name) for name in _ITEM_COLUMNS}
    for target, outs in snap.outputs.items():
        found[f"{target}:sha"] = outs.sha
        found[f"{target}:stamp"] = outs.stamp
    return found


def _remember(snap: Snapshot) -> Base:
    sparse = {name: dict(getattr(snap, name)) for name in _SPARSE}
    # the rows of more_files change in place: copied one level deeper
    sparse["more_files"] = {k: [list(r) for r in v] for k, v in snap.more_files.items()}
    return Base({name: list(values) for name, values in _editable(snap).items()}, sparse)


def _journal(snap: Snapshot, base: Base) -> dict[str, Any] | None:
    """What differs from the base (whole columns compared first, in C); None when the
    differences are so many that a new base is the better file."""
    columns: dict[str, dict[str, str]] = {}
    count = 0
    for name, now in _editable(snap).items():
        then = base.columns.get(name)
        if then is None or len(then) != len(now):
            return None
        if now != then:
            columns[name] = {str(i): now[i] for i in stamps.changed_rows(now, then)}
            count += len(columns[name])
    sparse: dict[str, dict[str, Any]] = {}
    for name in _SPARSE:
        table, was = getattr(snap, name), base.sparse[name]
        if table != was:
            keys = table.keys() | was.keys()
            sparse[name] = {k: table.get(k) for k in keys if table.get(k) != was.get(k)}
            count += len(sparse[name])
    if count > max(64, len(snap.sources) // 8):
        return None
    whole = {name: getattr(snap, name) for name in _WHOLE}
    return {"format": FORMAT, "base": snap.ident, "columns": columns, "sparse": sparse, **whole}


def _apply(snap: Snapshot, journal: Mapping[str, Any]) -> None:
    columns = _editable(snap)
    for name, changes in journal["columns"].items():
        column = columns[name]
        for row, value in changes.items():
            column[int(row)] = value
    for name, changes in journal["sparse"].items():
        if name not in _SPARSE:
            raise ValueError("a damaged journal")
        table = getattr(snap, name)
        for key, value in changes.items():
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value
    for name in _WHOLE:
        setattr(snap, name, journal[name])
