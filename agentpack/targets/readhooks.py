"""Hooks read back from a host's files, for ``import``: each target's reader brings its
hooks to Claude Code's ``hooks.json`` shape, and a hook comes back as the script it runs,
with its arguments and the plugin's files that script runs or imports, copied into the pack
under the same paths.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from agentpack import filereport
from agentpack.filereport import FileReport
from agentpack.model import PLUGIN_ROOT, Hook, SourceRef
from agentpack.native import Importing, slug
from agentpack.permissions import server_name
from agentpack.targets.parts import CLAUDE_EVENTS
from agentpack.targets.readparts import Spelling, words
from agentpack.targets.serverfiles import needed_files, scripts

EVENTS = {host: canonical for canonical, host in CLAUDE_EVENTS.items()}
INTERPRETERS = {".py": "python3", ".js": "node", ".mjs": "node"}
_PROGRAM = re.compile(r"[A-Za-z0-9_.+-]+")
"""A program a hook's command names before its script (the pack's ``interpreter``)."""
_WORD = re.compile(r"[A-Za-z0-9_.:=+/-]+")
"""An argument every tool's shell reads alike (the pack's ``args``)."""


def hooks(
    document: Mapping[str, Any],
    folder: Path,
    spelling: Spelling,
    tools: Callable[[str], tuple[str, ...] | None],
    run: Importing,
    report: FileReport,
    *,
    inline: bool = False,
) -> None:
    """Every command hook of a ``{"hooks": {event: [group, ...]}}`` document (``inline``:
    the events alone, as a plugin.json or settings file holds them). ``tools`` gives the
    canonical tool ids a matcher names (None: not all of them are known, and the hook then
    runs for every tool: a guard held to fewer tools would guard less)."""
    events = document.get("hooks", document) if inline else _events(document, report)
    if not isinstance(events, dict):
        report.dropped.append("hooks (not an object of events)")
        return
    about = _about(document, events, report) if events is not document else ""
    taken: dict[str, Hook] = {}  # the hooks read from this document, by name (without it)
    for event, groups in events.items():
        canonical = EVENTS.get(event)
        if canonical is None:
            own = EVENTS.get(event[:1].upper() + event[1:])
            if own == "before_tool":  # preToolUse: a guard, which every agent read loses
                report.warn(
                    *report.at("hooks", event),
                    f"hooks.{event}",
                    "unguarded: the Copilot CLI runs this guard for every agent, with input "
                    "of its own, which a pack's hook does not get: the agents imported with it "
                    "run without it in every target; write it as a pack hook (hooks/<name>.yaml)",
                )
                continue
            why = (  # the Copilot CLI's hooks.json: its scripts get input of its own
                "the Copilot CLI's own hooks, whose scripts get input of its own"
                if own
                else "no event of the pack's is that one"
            )
            report.dropped.append(f"hooks.{event} ({why})")
            continue
        if not isinstance(groups, list):
            report.dropped.append(f"hooks.{event} (not a list of matcher groups)")
            continue
        for group in groups:
            if not isinstance(group, dict):
                report.dropped.append(f"hooks.{event}: {group!r} (not a matcher group)")
                continue
            matcher = str(group.get("matcher") or "")
            ids = tools(matcher) if canonical in ("before_tool", "after_tool") else ()
            if matcher and canonical not in ("before_tool", "after_tool"):
                report.approximated.append(
                    f"hooks.{event} matcher {matcher!r} (a pack's {canonical} hook runs every "
                    "time: the event has no matcher in every tool)"
                )
            if ids is None:
                ids = ()
                report.approximated.append(
                    f"hooks.{event} matcher {matcher!r} (runs for every tool: not every name "
                    "in it is a tool agentpack knows)"
                )
            handlers = group.get("hooks")
            if not isinstance(handlers, list):
                report.dropped.append(f"hooks.{event} (a group without a list of hooks)")
                continue
            for handler in handlers:
                _hook(handler, canonical, event, ids, folder, spelling, run, report, taken, about)


def _events(document: Mapping[str, Any], report: FileReport) -> Any:
    """The events of a hooks file, which Claude Code reads from its ``hooks`` object (it
    refuses a file without one, or without a hooks module in ``modules``)."""
    if "modules" in document:
        report.dropped.append(
            "modules (a hooks module: code that registers hooks with Claude Code alone; a "
            "pack carries no such code, so its hooks, guards among them, are not imported)"
        )
        return document.get("hooks", {})
    if "hooks" not in document:
        report.approximated.append(
            'hooks (the file has no top-level "hooks" object: Claude Code refuses such a '
            "file and ran none of them; read as hooks all the same, which the export runs)"
        )
        return {k: v for k, v in document.items() if k not in _FILE_KEYS}
    return document["hooks"]


_FILE_KEYS = frozenset({"hooks", "modules", "description", "$schema"})
"""A hooks file's own keys, beside its events."""


def _about(document: Mapping[str, Any], events: Mapping[str, Any], report: FileReport) -> str:
    """A hooks file's ``description`` (a plugin's ``hooks.json`` may say what its hooks are
    for), which each of its hooks takes; what else it holds besides its hooks (``events``,
    which may stand beside them) is said."""
    said = document.get("description")
    about = said.strip() if isinstance(said, str) else ""
    if about:
        report.mapped.append("description (of each hook)")
    for key in sorted(set(document) - _FILE_KEYS - set(events)):
        report.dropped.append(f"{key} (not a field of a hooks file)")
    return about


def _hook(
    handler: Any,
    event: str,
    host_event: str,
    ids: tuple[str, ...],
    folder: Path,
    spelling: Spelling,
    run: Importing,
    report: FileReport,
    taken: dict[str, Hook],
    about: str = "",
) -> None:
    if not isinstance(handler, dict) or handler.get("type", "command") != "command":
        report.dropped.append(f"hooks.{host_event} (only command hooks are carried)")
        return
    command = spelling.canonical(str(handler.get("command") or ""), script=True)  # a shell's
    given = words(handler.get("args")) if "args" in handler else None  # exec form: no shell
    try:
        argv = shlex.split(command) if given is None else [command, *map(spelling.canonical, given)]
    except ValueError:
        argv = []
    at = [i for i, w in enumerate(argv) if w.startswith(PLUGIN_ROOT + "/")]
    args = argv[at[0] + 1 :] if len(at) == 1 else []
    program = Path(argv[0]).name if at == [1] else ""
    why = (
        "it runs no file of the plugin"
        if not at
        else "it runs more than one file"
        if len(at) > 1
        else "it gives options to the program that runs the script"
        if at[0] > 1 or (at[0] == 1 and not _PROGRAM.fullmatch(program))
        else "its arguments are not plain words"
        if not all(_WORD.fullmatch(a) for a in args)
        else None
    )
    if why is not None:
        report.dropped.append(
            f"hooks.{host_event}: {handler.get('command')!r} ({why}; a pack's hook runs one "
            "script of the plugin, alone or after its interpreter, with plain words after it)"
        )
        return
    rel = PurePosixPath(argv[at[0]].removeprefix(PLUGIN_ROOT + "/")).as_posix()  # ./x: x
    files = scripts([argv[at[0]]], folder, report)
    if rel not in files:
        return
    if not program and _compiled(files[rel].data):
        report.dropped.append(
            f"hooks.{host_event}: {handler.get('command')!r} (a compiled program: a pack's "
            "hook runs a script with its interpreter, and bash would refuse this one, so a "
            "guard would let every call through)"
        )
        return
    for key in sorted(set(handler) - {"type", "command", "timeout", "args"}):
        why = (
            "the hook runs for every call its matcher names"
            if key == "if"
            else "not a field a pack's hook has"
        )
        report.dropped.append(f"hooks.{host_event}.{key} ({why})")
    needed = needed_files(rel, args, folder, report)
    timeout = handler.get("timeout")
    if isinstance(timeout, (int, float)) and timeout > _LONGEST:
        report.approximated.append(
            f"hooks.{host_event}.timeout: {timeout} (a pack's hook waits {_LONGEST} seconds at "
            "most: read as that)"
        )
        timeout = _LONGEST
    hook = Hook(
        "",
        SourceRef(report.source),
        event,
        rel,
        program or _runs_with(rel, files[rel].data),
        tuple(args),
        tuple(needed),
        ids,
        int(timeout) if isinstance(timeout, (int, float)) and timeout > 0 else None,
        about,
    )
    if hook in taken.values():  # SessionStart for startup, then again for resume
        report.approximated.append(
            f"hooks.{host_event}: {handler.get('command')!r} again (one hook of the pack, "
            "which runs once each time)"
        )
        return
    name = base = slug(Path(args[0]).stem if needed and args else Path(rel).stem) or "hook"
    n = 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken[name] = hook
    report.mapped.append(f"hooks.{host_event}")
    run.part(dataclasses.replace(hook, name=name), {**files, **needed}, report, folder)


_LONGEST = 600
"""The longest a pack's hook may run, in seconds (the hook schema's bound)."""


def _compiled(data: bytes) -> bool:
    """A program, not a script: ELF, Mach-O or Windows executables, or NUL bytes."""
    head = data[:1024]
    magic = (b"\x7fELF", b"MZ", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"\xca\xfe\xba\xbe")
    return not head.startswith(b"#!") and (head.startswith(magic) or b"\0" in head)


def _runs_with(rel: str, data: bytes) -> str:
    """The program a script run alone names in its ``#!`` line (``/usr/bin/env bash``:
    bash), else the usual one for its suffix, else bash: Claude Code runs a hook's command
    with bash, which runs a script with no ``#!`` line itself (``sh`` would stop at a bash
    script's ``[[`` or ``${BASH_SOURCE[0]}``)."""
    first = data.split(b"\n", 1)[0].decode("utf-8", "replace")
    words = first[2:].split() if first.startswith("#!") else []
    if words and Path(words[0]).name == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
    program = Path(words[0]).name if words else ""
    if _PROGRAM.fullmatch(program):
        return program
    return INTERPRETERS.get(Path(rel).suffix, "bash")


_NAME = re.compile(r"[\w.-]+")
_TOOL = re.compile(r"[\w.-]*|\.\*|\*")


def matcher_tools(matcher: str, names: Mapping[str, str]) -> tuple[str, ...] | None:
    """The canonical tools a Claude-shaped hook matcher names: host tool names (``names``
    maps them), ``mcp__<server>__<tool>`` and a plugin server's
    ``mcp__plugin_<plugin>_<server>__<tool>``; empty: every tool; None: a name the host
    does not have, or a pattern beyond a list of names."""
    if matcher.strip() in ("", "*", ".*"):
        return ()
    ids: list[str] = []
    for name in (n.strip() for n in matcher.split("|")):
        if name.startswith("mcp__"):
            server, _, tool = name[5:].partition("__")
            server = server_name(re.sub(r"^plugin_[^_]+_", "", server))
            if server in (".*", "*"):
                ids.append("mcp:*")
            elif not _NAME.fullmatch(server) or not _TOOL.fullmatch(tool):
                return None
            else:
                ids.append(f"mcp:{server}" if tool in ("", ".*", "*") else f"mcp:{server}/{tool}")
        elif name in names:
            ids.append(names[name])
        else:
            return None
    return tuple(dict.fromkeys(ids))


def hooks_file(path: Path, run: Importing, spelling: Spelling, names: Mapping[str, str]) -> None:
    """The hooks of a Claude-shaped ``hooks.json``; a plugin's ``hooks/hooks.json`` names
    its scripts from the plugin's folder, above it."""
    if not run.first(path):
        return
    report = run.report(path, "hooks")
    document = filereport.json_object(path, report)
    root = path.parent.parent if path.parent.name == "hooks" else path.parent
    hooks(document, root, spelling, lambda m: matcher_tools(m, names), run, report)
