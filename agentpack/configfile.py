"""A user's own configuration files (Claude settings, ``opencode.json``, Codex's
``config.toml``), and the entries an install adds to them.

An install adds each entry (a member of an object, or one element of an array) and records
in the ownership manifest exactly what it added and a digest of its value; an uninstall
takes out what it recorded, when the value is still what was written, and leaves the file
byte for byte as it was before the install. A same-named entry the user wrote is never
replaced, unless ``force``. JSON files are edited as text (``jsontext``), so comments,
order and layout stay; TOML files through tomlkit, which keeps them the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from agentpack import restore as restoring
from agentpack.configdoc import Document, Refused
from agentpack.configentry import Entry, Record, digest
from agentpack.errors import OutputError

# how an install's outcome names what it did (``install.Action`` takes the same verbs)
ActionTuple = tuple[str, str, str]  # (where, verb, reason)


def _nest(keys: Sequence[str], value: Any) -> Any:
    for key in reversed(keys):
        value = {key: value}
    return value


def unwanted(records: Sequence[Record], entries: Sequence[Entry]) -> list[Record]:
    """The records of entries an install no longer adds (taken out by ``apply``)."""
    return [r for r in records if not any(r.same_entry(e) for e in entries)]


def apply(
    entries: Iterable[Entry],
    records: list[Record],
    *,
    force: bool,
    dry_run: bool,
    shared: Sequence[Record] = (),
    texts: dict[str, str] | None = None,
) -> tuple[list[ActionTuple], list[Record]]:
    """Add each entry to its file; the actions, and the records the manifest keeps now
    (those of entries no longer wanted are taken out first). ``shared``: other packs'
    records: an entry one of them added, of the same value, is this pack's too.
    ``texts``: gets each file's text as the install leaves it (a dry run too)."""
    wanted = list(entries)
    # each file as it was before any install of the pack (before stale entries go, too)
    originals = {f: _original(Path(f), records) for f in dict.fromkeys(str(e.file) for e in wanted)}
    stale = unwanted(records, wanted)
    # a file none of whose entries stays gets its text before the install back, to the byte
    staying = {r.file for r in records if r not in stale}
    after: dict[str, str] = {}  # as the undo left them: what a dry run goes on from
    actions, kept = undo(
        stale, force=False, dry_run=dry_run, shared=shared, partial=staying, texts=after
    )
    mine = inherited([r for r in records if r not in stale] + kept, stale)
    by_file: dict[Path, list[Entry]] = {}
    for entry in wanted:
        by_file.setdefault(entry.file, []).append(entry)
    for path, group in by_file.items():
        try:
            document = Document(path)
        except OutputError as exc:
            actions += [(e.where, "skip", str(exc)) for e in group]
            continue
        if dry_run and str(path) in after:
            document.text = after[str(path)]
        before = list(mine)
        done, twins = _apply_group(document, group, mine, force, shared)
        if twins:  # another pack's entries are in it: it is no longer this pack's to give back
            originals[str(path)] = None
        if not dry_run:
            try:
                document.save(False, None, private=any(e.private for e in group))
            except OSError as exc:  # a file in a folder the user cannot write, say
                why = f"cannot write {path} ({exc.strerror}); add the entries by hand"
                actions += [(e.where, "skip", why) for e in group]
                mine = before
                continue
            if document.made:
                mine = [
                    replace(r, made=document.made) if r.created and r.file == str(path) else r
                    for r in mine
                ]
            mine = _restorable(mine, str(path), originals.get(str(path)), document.text)
        after[str(path)] = document.text
        actions += done
    if texts is not None:
        texts.update(after)
    return actions, mine


def _apply_group(
    document: Document,
    group: list[Entry],
    mine: list[Record],
    force: bool,
    shared: Sequence[Record],
) -> tuple[list[ActionTuple], bool]:
    """Add a file's entries to its document, updating ``mine``; the actions, and whether
    another pack's record now stands for one of them (then the file is no longer the
    pack's alone to give back as it was)."""
    done: list[ActionTuple] = []
    twins = False
    for entry in group:
        old = next((r for r in mine if r.same_entry(entry)), None)
        theirs = None if force else _theirs(document, entry, shared)
        if theirs is not None:
            done.append((entry.where, "skip", theirs))
            continue
        try:
            action, record = _apply_one(document, entry, old, force)
            if action[0] == "same" and record is None:
                action, record = _shared(entry, shared) or (action, record)
        except Refused as exc:
            action, record = ("skip", str(exc)), old
        done.append((entry.where, *action))
        if old is not None:
            mine.remove(old)
        if record is not None:
            mine.append(record)
            twins = twins or any(record is r for r in shared)
    return done, twins


def _theirs(document: Document, entry: Entry, shared: Sequence[Record]) -> str | None:
    """Why an entry that another pack's install added, and holds as it is, is not
    replaced by this pack's other value (None: it may be): that pack's would change."""
    if entry.append:
        return None
    twin = next((r for r in shared if r.same_entry(entry)), None)
    depth, current = document.at(entry.keys)
    if twin is None or depth < len(entry.keys) or digest(current) != twin.digest:
        return None
    if twin.digest == digest(entry.value):
        return None  # the same value: shared (``_shared``)
    return "another pack's install added it, as it is; --force replaces it"


def _original(path: Path, records: Sequence[Record]) -> str | None:
    """The file's text before the pack's entries went in: as it is, when none of them is
    there; given back by their ``restore`` when the file is as they left it; None when it
    cannot be told (or the install makes the file, which its uninstall removes)."""
    try:
        document = Document(path)
    except OutputError:
        return None
    if not document.existed:
        return None
    here = [r for r in records if r.file == str(path)]
    if not here:
        return document.text
    if any(r.restore != here[0].restore for r in here):
        return None
    return restoring.undone(document.text, here[0].restore)


def _restorable(mine: list[Record], file: str, original: str | None, text: str) -> list[Record]:
    """The records, those of ``file`` with how to give back ``original`` from ``text``:
    the same in each, since any of them may be the last the pack keeps of the file."""
    found = None if original is None else restoring.made(original, text)
    return [replace(r, restore=found) if r.file == file else r for r in mine]


def inherited(mine: list[Record], gone: Sequence[Record]) -> list[Record]:
    """The records kept, where one of them takes over from a record taken out what that
    one made (the file, or the object its entry went in, which the kept entry is in too),
    so that uninstalling it later removes them as well."""
    for old in gone:
        made = old.depth + 1
        heir = next(
            (
                i
                for i, r in enumerate(mine)
                if r.file == old.file and r.keys[:made] == old.keys[:made] and r.depth > old.depth
            ),
            None,
        )
        if heir is not None and (old.created or old.depth < len(old.keys) - (not old.append)):
            r = mine[heir]
            mine[heir] = replace(
                r,
                depth=old.depth,
                tail=old.tail,
                created=old.created or r.created,
                trail=old.trail,
                made=old.made or r.made,
                blank=old.blank,
            )
    return mine


def _shared(entry: Entry, shared: Sequence[Record]) -> tuple[tuple[str, str], Record] | None:
    """An entry found as this pack would add it, which another pack's install added: its
    record, which this pack keeps too (the last pack uninstalled takes the entry out)."""
    value = digest(entry.value)
    twin = next((r for r in shared if r.same_entry(entry) and r.digest == value), None)
    return None if twin is None else (("same", "another pack's install added it too"), twin)


def _apply_one(
    document: Document, entry: Entry, old: Record | None, force: bool
) -> tuple[tuple[str, str], Record | None]:
    new = digest(entry.value)
    depth, current = document.at(entry.keys)
    if depth < len(entry.keys):
        data = _nest(entry.keys[depth + 1 :], [entry.value] if entry.append else entry.value)
        if not isinstance(current, dict):
            where = ".".join(entry.keys[:depth]) or "the file's top level"
            said = f"{document.place(entry.keys[:depth])}: {where} is not an object"
            return ("skip", f"{said}; fix the file or add it by hand"), old
        blank = document.blank()
        trail = document.before if blank else document.text[len(document.text.rstrip()) :]
        tail = document.add(entry.keys, depth, data)
        record = Record(
            str(entry.file), entry.keys, new, entry.append, depth, tail, not document.existed, trail
        )
        return ("add", ""), replace(record, blank=blank)
    if entry.append:
        if not isinstance(current, list):
            said = f"{document.place(entry.keys)}: {'.'.join(entry.keys)} is not an array"
            return ("skip", f"{said}; fix the file or add it by hand"), old
        if any(digest(v) == new for v in current):
            return ("same", ""), old
        if old is not None and not force:  # changed or taken out: a copy would run twice
            return ("skip", "changed or taken out since agentpack wrote it; --force adds it"), old
        if not force and any(_runs(v) and _runs(v) == _runs(entry.value) for v in current):
            why = "a group there runs the same command, one the user changed; --force adds it"
            return ("skip", why), old
        trail = document.text[len(document.text.rstrip()) :]
        tail = document.add(entry.keys, depth, entry.value)
        record = Record(str(entry.file), entry.keys, new, True, depth, tail, False, trail)
        return ("add", ""), record
    now = digest(current)
    if now == new:  # ours as it is now (a value an older agentpack wrote otherwise, too)
        return ("same", ""), None if old is None else replace(old, digest=new)
    if old is None and not force:
        return ("skip", "the file has its own entry of that name; --force replaces it"), None
    if old is not None and old.digest != now and not force:
        return ("skip", "changed since agentpack wrote it; --force replaces it"), old
    document.replace(entry.keys, entry.value)
    if old is None:  # the user's entry: agentpack cannot give it back, so it stays theirs
        return ("update", "forced: the entry stays when agentpack is uninstalled"), None
    return ("update", ""), replace(old, digest=new)


def _runs(group: Any) -> tuple[str, ...]:
    """What a hook group runs, and for which tools (its matcher first): a group the user
    tuned (a longer timeout) still runs the pack's script, and a second copy beside it
    would run it twice."""
    handlers = group.get("hooks") if isinstance(group, dict) else None
    found = sorted(
        str(h["command"]) for h in handlers or () if isinstance(h, dict) and h.get("command")
    )
    return (str(group.get("matcher")), *found) if found and isinstance(group, dict) else ()


def undo(
    records: Sequence[Record],
    *,
    force: bool,
    dry_run: bool,
    shared: Sequence[Record] = (),
    partial: Collection[str] = (),
    texts: dict[str, str] | None = None,
) -> tuple[list[ActionTuple], list[Record]]:
    """Take out what ``records`` added, newest first; the actions, and the records of what
    stays ours: those of a file that could not be read or written (a value the user changed
    is left in place and is no longer ours). A file as they left it gets its text before
    them back, to the byte, unless it is one of ``partial``: files where the pack keeps
    other entries, which that text would take out too. ``texts``:
    gets each file's text as the undo leaves it (a dry run too)."""
    actions: list[ActionTuple] = []
    kept: list[Record] = []
    files = list(dict.fromkeys(r.file for r in records))
    for name in files:
        mine = [r for r in records if r.file == name]
        held = [r for r in mine if any(_holds(o, r) for o in shared)]
        actions += [(_where(r), "same", "another pack's install has it too: kept") for r in held]
        mine = [r for r in mine if r not in held]
        if not mine:
            continue
        try:
            document = Document(Path(name))
        except OutputError as exc:  # read-only, or not UTF-8: the next uninstall may
            actions += [(_where(r), "skip", str(exc)) for r in mine]
            kept += mine
            continue
        done = []
        for record in reversed(mine):
            try:
                done.append((_where(record), *_undo_one(document, record, force)))
            except Refused as exc:
                done.append((_where(record), "skip", str(exc)))
        exact = name not in partial and not held and _exactly(document, mine)
        if texts is not None:
            texts[name] = document.text
        if not dry_run and document.existed:
            made = next((r.made for r in mine if r.created), ())
            blank = next((r.trail for r in mine if r.blank), None)
            trail = None if exact else mine[0].trail
            try:
                document.save(any(r.created for r in mine), trail, made, blank)
            except OSError as exc:
                why = f"cannot write {name} ({exc.strerror}); take the entries out by hand"
                done, kept = [(_where(r), "skip", why) for r in mine], [*kept, *mine]
        actions += done
    return actions, kept


def _holds(other: Record, record: Record) -> bool:
    """Whether another pack's record holds the entry ``record`` added: a member at the same
    place (whatever its value now: that pack's uninstall decides), or the same element."""
    if record.append:
        return record.same_value(other)
    return (other.file, other.keys, other.append) == (record.file, record.keys, False)


def _exactly(document: Document, mine: Sequence[Record]) -> bool:
    """Give the file the text it had before the install, when the records say how (they
    are all the pack's records of it, and it holds what the install left) and that text
    reads as the value the removal by structure just left; whether it did."""
    if any(r.restore != mine[0].restore for r in mine):
        return False
    before = restoring.undone(document.before, mine[0].restore)
    if before is None or not document.reads_as(before):
        return False
    document.text = before
    return True


def _where(record: Record) -> str:
    return f"{record.file}: {'.'.join(record.keys)}" + (" []" if record.append else "")


def _undo_one(document: Document, record: Record, force: bool) -> tuple[str, str]:
    depth, current = document.at(record.keys)
    if depth < len(record.keys):
        return "same", "already gone"
    keys = record.keys
    created = record.depth < len(keys) - (0 if record.append else 1)
    if record.append:
        found = [i for i, v in enumerate(current) if digest(v) == record.digest]
        if not found:
            return "skip", "changed since agentpack wrote it; left in place"
        index = found[-1]
        if not (created and len(current) == 1):
            document.remove(keys, index, record.tail if not created else "")
            return "remove", ""
        value = [current[index]]
    else:
        if digest(current) != record.digest and not force:
            return "skip", "changed since agentpack wrote it; left in place"
        value = current
        if not created:
            document.remove(keys, None, record.tail)
            return "remove", ""
    inner = keys[record.depth + 1 :]
    _, top = document.at(keys[: record.depth + 1])
    if top == _nest(inner, value):
        document.remove(keys[: record.depth + 1], None, record.tail)
    else:  # the user added beside it: what was made for it goes (an array left empty too)
        document.remove(keys, None, "")
    return "remove", ""
