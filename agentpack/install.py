"""Putting built files where a tool reads them, without ever losing a file a user wrote.

An install records every file it wrote, with its sha256, in a manifest beside them
(``<dest>/.agentpack/<pack>.json``). A file is replaced or removed only when that manifest
says agentpack wrote it and its bytes are still exactly what was written; anything else is
skipped with a reason unless ``force``. Nothing is followed through a symlink.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from agentpack import configfile
from agentpack.configentry import Entry
from agentpack.errors import OutputError, UnsafePath
from agentpack.installrecord import (
    STATE_DIR,
    InstallRecord,
    hand_over,
    hand_over_entries,
    others,
    remove_empty,
)
from agentpack.outputs import OutFile, is_executable
from agentpack.record import sha256
from agentpack.writer import check_path, replace_file


@dataclass(frozen=True, slots=True)
class Action:
    """One file install or uninstall writes, leaves or skips, and why."""

    path: str
    verb: str  # "write", "add", "update", "same", "remove", "skip", "note"
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.verb}: {self.path}" + (f" ({self.reason})" if self.reason else "")


@dataclass(slots=True)
class Outcome:
    """Everything one target's install did in its destination."""

    dest: Path
    actions: list[Action] = field(default_factory=list)

    @property
    def skipped(self) -> list[Action]:
        return [a for a in self.actions if a.verb == "skip"]

    def as_dict(self) -> dict[str, object]:
        return {
            "dest": str(self.dest),
            "actions": [
                {"path": a.path, "action": a.verb, "reason": a.reason} for a in self.actions
            ],
        }


def _inside(dest: Path, rel: str) -> Path:
    """The destination path for ``rel``; refuses any symlink on the way."""
    check_path(rel)
    current = dest
    for part in PurePosixPath(rel).parts:
        current = current / part
        if current.is_symlink():
            raise UnsafePath(
                f"{current} is a symlink; agentpack does not write through links: make it a "
                "folder, or copy the files from dist/ yourself"
            )
    return current


def _current(path: Path) -> str | None:
    return sha256(path.read_bytes()) if path.is_file() else None


def _new_dirs(dest: Path, rel: str) -> list[str]:
    """The parent folders of ``rel`` that do not exist yet (created by this install)."""
    created = []
    parts = PurePosixPath(rel).parts[:-1]
    for i in range(1, len(parts) + 1):
        sub = "/".join(parts[:i])
        if not (dest / sub).exists():
            created.append(sub)
    return created


def install(
    files: Iterable[OutFile],
    dest: Path,
    pack: str,
    *,
    entries: Iterable[Entry] = (),
    force: bool = False,
    dry_run: bool = False,
    twins: Callable[[Path, str], str | None] | None = None,
) -> Outcome:
    """``twins``: for a file to write, another there the tool reads as the same item
    (``InstallRoot.twins``)."""
    if dest.is_symlink():
        dest = dest.resolve()  # the user chose this link as the destination itself
    outcome = Outcome(dest)
    state = InstallRecord.read(dest, pack)
    if not dest.exists() and not dry_run:
        # uninstall removes the folder, and the parents made for it, when empty again
        state.dirs += [
            "/".join([".."] * up) or "."
            for up, p in enumerate((dest, *dest.parents))
            if not p.exists()
        ]
    wanted: dict[str, OutFile] = {f.path: f for f in files}
    for rel in wanted:
        _inside(dest, rel)  # a link on the way stops the install before it writes anything
    unread: list[str] = []
    beside = others(dest, state.path, unread)
    outcome.actions += [Action(STATE_DIR, "note", why) for why in unread]
    held = _held(beside)
    try:
        for rel in sorted(wanted):
            twin = twins(dest, rel) if twins is not None and rel not in state.files else None
            if twin is not None and twin not in state.files and not force:
                why = f"{twin}, the user's own, is the same item to the tool; rename one (--force)"
                outcome.actions.append(Action(rel, "skip", why))
                continue
            placed = _place(dest, wanted[rel], state, held, force=force, dry_run=dry_run)
            outcome.actions.append(placed)
        wanted_entries = list(entries)
        gone = configfile.unwanted(state.entries, wanted_entries)
        after: dict[str, str] = {}  # the config files as the install leaves them
        done, state.entries = configfile.apply(
            wanted_entries,
            state.entries,
            force=force,
            dry_run=dry_run,
            shared=[entry for other in beside for entry in other.entries],
            texts=after,
        )
        outcome.actions += [Action(*a) for a in done]
        if not dry_run:  # what a dropped entry made, another pack's may still fill
            hand_over_entries(dest, state.path, gone)
        state.configs = list(dict.fromkeys([*state.configs, *(r.file for r in state.entries)]))
        left = {**_left(state.configs), **after}  # the entries it dropped gone, or kept
        for rel in sorted(set(state.files) - set(wanted)):
            dropped = _drop(dest, rel, state, (left, held), force=force, dry_run=dry_run)
            outcome.actions.append(dropped)
    except OSError as exc:
        raise OutputError(f"installing into {dest} failed: {_said(exc)}") from exc
    finally:
        if not dry_run:  # what was written is recorded, also when the install stopped
            _save(state, dest)
    return outcome


def _save(state: InstallRecord, dest: Path) -> None:
    """Keep the record; one left with nothing goes, and the folders it made with it, or to
    another install's record when that one's files still fill them."""
    try:
        if not state.files and not state.entries:
            remove_empty(dest, state.dirs)
            state.dirs = [d for d in state.dirs if (dest / d).exists()]
            hand_over(dest, state.dirs, state.path)
        state.save(dest)
    except OSError as exc:
        raise OutputError(f"cannot record the install in {state.path}: {_said(exc)}") from exc


def _said(exc: OSError) -> str:
    """An error about a file, named by the file the user knows (not a temporary one)."""
    name = Path(str(exc.filename or ""))
    if name.name.startswith(".agentpack-"):
        return f"{exc.strerror}: cannot write in {name.parent}; make it writable"
    return str(exc)


def _place(
    dest: Path,
    file: OutFile,
    state: InstallRecord,
    held: Mapping[str, tuple[str, str]],
    *,
    force: bool,
    dry_run: bool,
) -> Action:
    """Write a file of the install, unless the user's own (or changed) is there, or
    another pack's install wrote it otherwise (``held``: path -> that pack, sha256); one
    of the same bytes as that pack's is this pack's too, so the first uninstalled leaves
    it to the other."""
    rel = file.path
    path = _inside(dest, rel)
    new = sha256(file.data)
    if path.exists() and not path.is_file():
        return Action(rel, "skip", "a folder is in the way")
    verb, reason = _verb(path, file, new, state.files.get(rel))
    other, theirs = held.get(rel, ("", None))
    if reason == _THEIRS and theirs == new:
        verb, reason = "same", f"{other}'s install wrote it too"
    elif theirs is not None and theirs == _current(path) and verb in ("skip", "update"):
        verb, reason = "skip", f"{other}'s install wrote it, as it is; --force replaces it"
    if verb == "skip" and force:
        verb, reason = "update", "forced"
    if verb == "skip" or reason == _THEIRS:
        return Action(rel, verb, reason)
    if not dry_run:
        if verb == "write":
            state.dirs.extend(_new_dirs(dest, rel))
        if verb != "same":
            replace_file(path, file.data, executable=file.executable)
        state.files[rel] = new
    return Action(rel, verb, reason)


_THEIRS = "already there, not written by agentpack: uninstall leaves it"


def _held(beside: Iterable[InstallRecord]) -> dict[str, tuple[str, str]]:
    """The files other packs' installs here wrote: path -> the pack, and its sha256."""
    return {rel: (o.path.stem, digest) for o in beside for rel, digest in o.files.items()}


def _verb(path: Path, file: OutFile, new: str, written: str | None) -> tuple[str, str]:
    """What to do with a file of the install, and why: ``written``, the sha256 agentpack
    recorded for it (None: it did not write it)."""
    now = _current(path)
    if now == new and written is None:  # the user's own copy: theirs to keep
        return "same", _THEIRS
    if now == new:
        return (
            ("update", "its execute bit")
            if is_executable(path) != file.executable
            else ("same", "")
        )
    if now is None:
        return "write", ""
    if written is None:
        return "skip", "exists and was not written by agentpack; --force replaces it"
    if written != now:
        return "skip", "changed since agentpack wrote it; --force replaces it"
    return "update", ""


def _drop(
    dest: Path,
    rel: str,
    state: InstallRecord,
    keeping: tuple[Mapping[str, str], Mapping[str, tuple[str, str]]],
    *,
    force: bool,
    dry_run: bool,
) -> Action:
    """Take out a file the pack no longer has, unless the user changed it, a config
    file's entry still runs it, or another pack's install wrote it too (``keeping``: the
    config files' texts, and the other installs' files as path and sha256)."""
    left, held = keeping
    runs = next((config for config, text in left.items() if rel in text), None)
    if runs is not None:  # a script of a hook the user changed, or could not take out
        why = f"kept: {runs} still runs it; take that entry out, then uninstall again"
        return Action(rel, "skip", why)
    path = _inside(dest, rel)
    now = _current(path)
    if rel in held:  # whatever its bytes now: the other pack's record says what to do
        if not dry_run:
            del state.files[rel]
        return Action(rel, "same", f"{held[rel][0]}'s install has it too: kept")
    if now is not None and now != state.files[rel] and not force:
        if not dry_run:
            del state.files[rel]  # no longer ours: the user changed it
        return Action(rel, "skip", "changed since agentpack wrote it; left in place")
    if not dry_run:
        path.unlink(missing_ok=True)
        del state.files[rel]
        remove_empty(dest, [d for d in state.dirs if rel.startswith(d + "/")])
    return Action(rel, "remove")


def uninstall(dest: Path, pack: str, *, force: bool = False, dry_run: bool = False) -> Outcome:
    if dest.is_symlink():
        dest = dest.resolve()
    outcome = Outcome(dest)
    state = InstallRecord.read(dest, pack)
    try:
        unread: list[str] = []
        beside = others(dest, state.path, unread)
        outcome.actions += [Action(STATE_DIR, "note", why) for why in unread]
        held = _held(beside)
        shared = [entry for other in beside for entry in other.entries]
        if not dry_run:  # what this pack's entries made, but not those another pack's hold
            gone = [r for r in state.entries if not any(r.same_value(o) for o in shared)]
            hand_over_entries(dest, state.path, gone)
        after: dict[str, str] = {}  # the config files as the uninstall leaves them
        configs = [*state.configs, *(r.file for r in state.entries)]
        done, state.entries = configfile.undo(
            state.entries, force=force, dry_run=dry_run, shared=shared, texts=after
        )
        outcome.actions += [Action(*a) for a in done]
        left = {**_left(configs), **after}
        for rel in sorted(state.files):
            dropped = _drop(dest, rel, state, (left, held), force=force, dry_run=dry_run)
            outcome.actions.append(dropped)
        if not dry_run:
            remove_empty(dest, state.dirs)
            _save(state, dest)
    except OSError as exc:
        raise OutputError(f"uninstalling from {dest} failed: {exc}") from exc
    return outcome


def _left(configs: Iterable[str]) -> dict[str, str]:
    """The text of the config files the pack added entries to: a script whose path (from
    the install's folder on) is in one stays, or the hook there fails on every call
    (Claude Code reads a missing script's exit 2 as "block this tool")."""
    texts = {}
    for config in dict.fromkeys(configs):
        try:
            texts[config] = Path(config).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return texts


def merged(dest: Path, outcomes: Iterable[Outcome]) -> Outcome:
    """Several folders' outcomes as one, paths relative to ``dest`` (which holds them all)."""
    outcomes = list(outcomes)
    if len(outcomes) == 1:
        return outcomes[0]
    out = Outcome(dest)
    for outcome in outcomes:
        base = outcome.dest.relative_to(dest).as_posix() if outcome.dest != dest else ""
        for action in outcome.actions:
            inside = base and not action.path.startswith("/")  # a config file's own path
            path = f"{base}/{action.path}" if inside else action.path
            out.actions.append(Action(path, action.verb, action.reason))
    return out
