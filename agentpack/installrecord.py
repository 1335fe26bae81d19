"""What one pack's install wrote into a folder (``<dest>/.agentpack/<pack>.json``), and
what it shares with the other packs installed there: the entries two packs add alike, the
folders one made that another's files still fill. The last pack uninstalled takes them."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from agentpack import configfile
from agentpack.configentry import Record
from agentpack.errors import OutputError
from agentpack.writer import replace_file

STATE_DIR = ".agentpack"


@dataclass(slots=True)
class InstallRecord:
    """What one pack's install wrote into one destination."""

    path: Path
    files: dict[str, str] = field(default_factory=dict)
    dirs: list[str] = field(default_factory=list)
    entries: list[Record] = field(default_factory=list)
    configs: list[str] = field(default_factory=list)
    """Every config file the pack's installs added entries to: a script an entry there
    still runs (one the user changed, which is no longer the pack's) stays."""

    @staticmethod
    def read(dest: Path, pack: str) -> InstallRecord:
        path = dest / STATE_DIR / f"{pack}.json"
        state = InstallRecord(path)
        if path.is_file() and not path.is_symlink():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                state.files = {str(k): str(v) for k, v in data.get("files", {}).items()}
                state.dirs = [str(d) for d in data.get("dirs", [])]
                state.entries = [Record.load(r, dest) for r in data.get("entries", [])]
                state.configs = [os.path.normpath(dest / c) for c in data.get("configs", [])]
            except (OSError, ValueError, AttributeError, TypeError, KeyError) as exc:
                why = f"an entry has no {exc}" if isinstance(exc, KeyError) else str(exc)
                raise OutputError(
                    f"{path}: the install manifest is unreadable ({why}); "
                    "move it away to start over"
                ) from exc
        return state

    def save(self, dest: Path) -> None:
        if not self.files and not self.entries:
            self.path.unlink(missing_ok=True)
            remove_empty(dest, [STATE_DIR, *self.dirs])
            return
        document: dict[str, object] = {
            "files": dict(sorted(self.files.items())),
            "dirs": sorted(set(self.dirs)),
        }
        if self.entries:
            document["entries"] = [r.dump(dest) for r in self.entries]
        if self.configs:
            document["configs"] = sorted(os.path.relpath(c, dest) for c in self.configs)
        # the user's alone: it holds digests of their config files, secrets and all
        data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
        replace_file(self.path, data, mode=0o600)


def remove_empty(dest: Path, dirs: Iterable[str]) -> None:
    # deepest first: the destination itself (".") after its folders, its parents ("..")
    # after it
    for sub in sorted(
        set(dirs), key=lambda d: len(Path(os.path.normpath(dest / d)).parts), reverse=True
    ):
        path = Path(os.path.normpath(dest / sub))
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()


def others(dest: Path, own: Path, unread: list[str] | None = None) -> list[InstallRecord]:
    """The other packs' installs here: an entry or a file this pack adds alike (two packs
    with GitHub's server, or the same agent) is shared, and stays until the last of them
    is uninstalled; what one made that another's fill, the other takes over."""
    found = []
    for path in sorted((dest / STATE_DIR).glob("*.json")):
        if path != own and not path.is_symlink():
            try:
                found.append(InstallRecord.read(dest, path.stem))
            except OutputError as exc:  # another pack's to sort out; what it shares is lost
                if unread is not None:
                    unread.append(f"{exc}; what that pack shares with this one is not kept for it")
    return found


def hand_over_entries(dest: Path, own: Path, gone: list[Record]) -> None:
    """Another pack's entries in the file or object one of ours (``gone``, now taken out)
    made (two packs' servers in a ``~/.claude.json`` the first created): that record takes
    over what ours made, so the last one uninstalled removes it."""
    for other in others(dest, own) if gone else ():
        taken = configfile.inherited(list(other.entries), gone)
        if taken != other.entries:
            other.entries = taken
            other.save(dest)


def hand_over(dest: Path, dirs: Iterable[str], own: Path) -> None:
    """Folders this install made that another install's files still fill (Codex's skills
    and the Agent Plugins bundle both under ``.agents/``, two packs in one ``.claude/``):
    that install's record (not ``own``) takes them, so the last one uninstalled removes
    them."""
    beside = others(dest, own)
    for sub in dirs:
        folder = Path(os.path.normpath(dest / sub))
        here = next((o for o in beside if _fills(o, sub)), None)
        if here is not None:  # a pack installed beside this one: its files are in it
            here.dirs.append(sub)
            here.save(dest)
            continue
        records = sorted(folder.glob(f"**/{STATE_DIR}/*.json"))
        found = next((r for r in records if r != own and not r.is_symlink()), None)
        if found is None:
            continue
        try:
            other = InstallRecord.read(found.parent.parent, found.stem)
        except OutputError:  # damaged: the folder stays, as that install's files do
            continue
        other.dirs.append(os.path.relpath(folder, found.parent.parent).replace(os.sep, "/"))
        other.save(found.parent.parent)


def _fills(other: InstallRecord, sub: str) -> bool:
    """Whether another pack's install in the same folder has files in ``sub`` (a folder
    of it, the folder itself, or one above it)."""
    within = sub == "." or sub == ".." or sub.startswith("../")
    return bool(other.files) and (within or any(f.startswith(f"{sub}/") for f in other.files))
