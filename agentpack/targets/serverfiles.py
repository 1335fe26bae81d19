"""The files an imported server or hook runs: a plugin's, named from ``${PLUGIN_ROOT}``,
come along as pack files; a project's, named from the folder the tool starts in, stay
where they are and are said."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from agentpack.filereport import FileReport
from agentpack.model import PLUGIN_ROOT, Resource
from agentpack.outputs import is_executable
from agentpack.secrets import file_secret
from agentpack.source import within

_ROOTED = re.compile(re.escape(PLUGIN_ROOT) + r"/([^\s\"'`;|&]+)")


def scripts(values: list[str], folder: Path, report: FileReport) -> dict[str, Resource]:
    """The files under ``folder`` that the values name through ``${PLUGIN_ROOT}/``."""
    found: dict[str, Resource] = {}
    for value in values:
        for rel in _ROOTED.findall(value):
            parts = PurePosixPath(rel).parts
            path = folder.joinpath(*parts)
            inside = bool(parts) and parts[0] != "/" and ".." not in parts
            # a link on the way out of the folder (to ~/.ssh, say) is never followed
            if not inside or not path.is_file() or not within(path, folder):
                report.dropped.append(f"{rel} (named by a server or hook, not in the folder)")
                continue
            rel = PurePosixPath(*parts).as_posix()
            data = path.read_bytes()
            if why := file_secret(rel, data):
                report.dropped.append(f"{rel} (may hold credentials, {why}: no pack file may)")
                continue
            found[rel] = Resource(rel, data, is_executable(path))
    return found


_LOCAL = re.compile(r"\./|[\w.-]+(/[\w.-]+)*\.(js|mjs|cjs|ts|py|sh|bash|rb|pl)$")
"""A word of a server's command that names a file from its folder (``./bin/x``, ``cli.js``)."""


def project_files(fixed: dict[str, str], args: list[str], report: FileReport, name: str) -> None:
    """A project's or a home's server that runs a file named from the folder the tool
    starts in (``./scripts/launch.sh``): kept as written, which holds where the tool
    starts in that folder; the file is not the pack's to carry."""
    named = [w for w in [fixed["command"], *args, fixed.get("cwd", "")] if _LOCAL.match(w)]
    if named:
        report.approximated.append(
            f"mcpServers.{name} ({', '.join(named)}: named from the folder the tool starts "
            "in, kept as written; the pack does not carry it, so the server starts only "
            "where that file is)"
        )


def rooted(
    fixed: dict[str, str], args: list[str], folder: Path, report: FileReport, name: str
) -> tuple[dict[str, str], list[str]]:
    """A server started in its plugin's folder (``cwd: "./"``): its folder, and the files
    of the plugin its command and arguments name (``./scripts/server``, ``server.py``),
    named from ``${PLUGIN_ROOT}``, so that they come along and every tool finds them
    where the plugin is installed; a path it names that the plugin lacks is said."""
    words = [fixed["command"], *args]
    for i, word in enumerate(words):
        rel = PurePosixPath(word).as_posix()
        path = folder / rel
        if not _LOCAL.match(word):
            continue
        if path.is_file() and within(path, folder):
            words[i] = f"{PLUGIN_ROOT}/{rel}"
            report.approximated.append(
                f"mcpServers.{name} ({word} in the plugin's folder: {words[i]}, a pack file)"
            )
        else:
            report.dropped.append(
                f"mcpServers.{name}: {word} (named from the plugin's folder, which lacks it: "
                "build it before importing, or the server cannot start)"
            )
    return {**fixed, "command": words[0], "cwd": PLUGIN_ROOT}, words[1:]
