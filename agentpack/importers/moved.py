"""A server's or hook's files moved under its plugin's name, when another plugin of the
same import has files of the same paths (two plugins of a marketplace that each run their
own ``hooks-handlers/session-start.sh``, or ``server.ts``): a pack has one folder of files,
so one plugin's would have replaced the other's. And the name a server or hook takes when
another read before has its name (two plugins' ``github`` servers): a pack has one server
of a name."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Set
from pathlib import Path

from agentpack.filereport import FileReport
from agentpack.model import PLUGIN_ROOT, Hook, McpServer, Resource
from agentpack.native import slug

_ROOT = re.compile(re.escape(PLUGIN_ROOT) + r"(?=/|$)")


def moved(
    part: McpServer | Hook,
    files: Mapping[str, Resource],
    folder: str,
    taken: Mapping[str, Resource],
    report: FileReport,
) -> tuple[McpServer | Hook, Mapping[str, Resource]]:
    """The part as it is when none of its files has a path ``taken`` by other bytes; else
    with its files under ``folder``, and what names them (``${PLUGIN_ROOT}``, a hook's
    script) pointing there (files that name each other by relative paths still find each
    other), which is said."""
    if all(taken.get(rel, file).data == file.data for rel, file in files.items()):
        return part, files
    report.approximated.append(
        f"{', '.join(files)} (another plugin has other files of these paths: in the pack "
        f"under {folder}/)"
    )

    def under(text: str) -> str:
        return _ROOT.sub(f"{PLUGIN_ROOT}/{folder}", text)

    placed = {
        f"{folder}/{rel}": dataclasses.replace(file, path=f"{folder}/{rel}")
        for rel, file in files.items()
    }
    args = tuple(under(a) for a in part.args)
    if isinstance(part, Hook):
        run = part.run if part.run.startswith(PLUGIN_ROOT) else f"{folder}/{part.run}"
        files_of = tuple(f"{folder}/{rel}" for rel in part.files)
        return dataclasses.replace(part, run=under(run), args=args, files=files_of), placed
    return (
        dataclasses.replace(
            part,
            command=None if part.command is None else under(part.command),
            args=args,
            cwd=None if part.cwd is None else under(part.cwd),
            env={k: under(v) for k, v in part.env.items()},
            files=tuple(f"{folder}/{rel}" for rel in part.files),
        ),
        placed,
    )


def free_name(part: McpServer | Hook, taken: Set[str], folder: Path | None) -> str:
    """A name no server or hook read before has: a server's after its plugin's folder
    (``p2-github``: which plugin's it is stays plain), else numbered (``github-2``)."""
    if isinstance(part, McpServer) and folder is not None:
        name = f"{slug(folder.resolve().name)}-{part.name}"[:64].strip("-")
        if name not in taken:
            return name
    return next(
        f"{part.name}-{n}" for n in range(2, len(taken) + 3) if f"{part.name}-{n}" not in taken
    )


def renamed_note(part: McpServer | Hook, name: str) -> str:
    if isinstance(part, Hook):
        return f"hook {part.name!r} (named {name!r}: another has its name)"
    return (
        f"mcpServers.{part.name} (named {name!r} in the pack: a server read before has its "
        "name; the tools of its plugin's own agents, commands and skills are named so)"
    )
