"""The files an imported server or hook runs: a plugin's, named from ``${PLUGIN_ROOT}``,
come along as pack files; a project's, named from the folder the tool starts in, stay
where they are and are said."""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path, PurePosixPath

from agentpack.filereport import FileReport
from agentpack.model import PLUGIN_ROOT, ROOTED, Resource
from agentpack.outputs import is_executable
from agentpack.secrets import file_secret
from agentpack.source import MAX_FILE_BYTES, within


def scripts(values: list[str], folder: Path, report: FileReport) -> dict[str, Resource]:
    """The files under ``folder`` that the values name through ``${PLUGIN_ROOT}/``, and
    those in a folder they name (a server's ``DB_PATH: ${PLUGIN_ROOT}/data``)."""
    found: dict[str, Resource] = {}
    for value in values:
        for rel in ROOTED.findall(value):
            parts = PurePosixPath(rel).parts
            path = folder.joinpath(*parts)
            inside = bool(parts) and parts[0] != "/" and ".." not in parts
            # a link on the way out of the folder (to ~/.ssh, say) is never followed
            if inside and path.is_dir() and within(path, folder):
                _folder(path, folder, found, report)
                continue
            if not inside or not path.is_file() or not within(path, folder):
                report.dropped.append(f"{rel} (named by a server or hook, not in the folder)")
                continue
            _file(path, PurePosixPath(*parts).as_posix(), found, report)
    return found


def _file(path: Path, rel: str, found: dict[str, Resource], report: FileReport) -> None:
    data = path.read_bytes()
    if why := file_secret(rel, data):
        report.dropped.append(f"{rel} (may hold credentials, {why}: no pack file may)")
        return
    found[rel] = Resource(rel, data, is_executable(path))


def _folder(path: Path, folder: Path, found: dict[str, Resource], report: FileReport) -> None:
    """The files of a folder a server names, unless it holds more than a pack carries
    for one (``node_modules``): said, then."""
    files = [p for p in sorted(path.rglob("*")) if p.is_file() and within(p, folder)]
    rel = path.relative_to(folder).as_posix()
    if len(files) > _MAX_FILES or any(p.stat().st_size > MAX_FILE_BYTES for p in files):
        report.dropped.append(
            f"{rel}/ (a folder a server names, not copied: it holds more than "
            f"{_MAX_FILES} files, or one over {MAX_FILE_BYTES >> 20} MiB)"
        )
        return
    for file in files:
        _add(file, folder, found, report)


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


_IMPORT = re.compile(rb"^[ \t]*(?:from|import)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
_MAX_TEXT = 1 << 20
"""A script longer than this (1 MiB) is not searched for the files it names."""
_MAX_FILES = 64
"""At most this many files come with one hook."""
_NEVER = re.compile(
    r"(^|/)\.(?!(claude|codex|cursor|github|opencode|agents)/)[^/]*(/|$)"
    r"|\.(pem|key|p12|pfx)$|(^|/)(id_[a-z0-9]+|credentials[^/]*)$"
)
"""Files a hook may name that are never copied: dotfiles (``.env``) and what is in a dot
folder (``.ssh/``, ``.env.d/``), keys, credentials; but for the folders the tools keep
their own files in (a project's ``.claude/hooks/``: its guard's helpers come with it)."""
_PART_FILE = re.compile(r"^((hooks|mcp)/[^/]+\.ya?ml|hooks/hooks\.json|\.mcp\.json)$")
"""Where a pack keeps its own hook and server files, or a target writes its own (a plugin's
``hooks/hooks.json``), which a copied file would become."""
_ITEM_FILE = re.compile(r"^(agentpack\.yaml|(agents|commands)/.+\.md|skills/[^/]+/SKILL\.md)$")
"""Where a pack reads its own items: a file a hook reads there (superpowers' session-start
prints its skill's SKILL.md) is the item's, which the import brings as the item."""


def needed_files(
    rel: str, args: list[str], folder: Path, report: FileReport
) -> dict[str, Resource]:
    """The other files of the plugin a hook's script runs: those beside it that an argument
    names (a launcher's ``session-start``, or ``setup`` for ``setup.py``) or its text names,
    and the modules the Python ones import from beside them or the plugin's root; then the
    same for each of those. A module that is a folder is said to be left out: a pack's
    hook carries files."""
    here = PurePosixPath(rel).parent
    found: dict[str, Resource] = {}
    for arg in (a for a in args if not a.startswith("-")):
        beside = folder.joinpath(*here.parts, *PurePosixPath(arg).parts)
        for path in [beside, *sorted(beside.parent.glob(glob.escape(beside.name) + ".*"))]:
            _add(path, folder, found, report)
    queue = [rel, *found]
    while queue:
        script = queue.pop()
        path = folder / script
        if script not in found and not path.is_file():
            continue
        text = found[script].data if script in found else path.read_bytes()
        near = _named(path, text)  # python3 "$ROOT/scripts/work_root.py" ensure
        near += _paths(path, text, folder, args)  # source "$ROOT/lib/log.sh"
        near += _referenced(path, text, folder)  # require_relative "support"
        if script.endswith(".py"):
            near += _modules(script, text, folder, report)
        for file in near:
            if (added := _add(file, folder, found, report)) and added != rel:
                queue.append(added)
    found.pop(rel, None)
    return found


def _modules(script: str, text: bytes, folder: Path, report: FileReport) -> list[Path]:
    """The files of the modules a Python script imports from beside it or the plugin's
    root; one that is a folder is said to be left out."""
    here = (folder / script).parent
    found = []
    for module in dict.fromkeys(m.decode() for m in _IMPORT.findall(text)):
        for base in dict.fromkeys((here, folder)):
            for near in (base / f"{module}.py", base / module):
                if near.is_dir() and within(near, folder):
                    where = near.relative_to(folder).as_posix()
                    report.dropped.append(
                        f"{where}/ (a module {script} imports: a pack's hook carries "
                        "files, not folders, so it fails to import it)"
                    )
                elif near.is_file():
                    found.append(near)
    return found


def _named(path: Path, text: bytes) -> list[Path]:
    """The files beside a script that its text names (a word of their whole name: a
    script that runs ``$(dirname "$0")/work_root.py`` fails without it)."""
    beside = {p.name: p for p in path.parent.iterdir() if p.is_file() and p != path}
    if not beside or len(text) > _MAX_TEXT:
        return []
    names = "|".join(re.escape(n) for n in sorted(beside, key=len, reverse=True))
    words = re.compile(rb"(?<![\w.-])(" + names.encode() + rb")(?![\w.-])")
    return [beside[n] for n in sorted({m.decode() for m in words.findall(text)})]


_PATH = re.compile(rb"(?<![\w$.{-])(?:\.\.?/)*[\w.-]+(?:/(?:[\w.-]|\$\{?\d\}?)+)+")
"""A path a script writes out: ``lib/log.sh``, ``../../lib/log.sh``, ``hooks/${1}/hook.sh``,
and after a variable's ``$ROOT/`` or ``${ROOT}/`` (whose name is no folder of the path)."""
_ARGUMENT = re.compile(r"\$\{?(\d)\}?")


def _paths(path: Path, text: bytes, folder: Path, args: list[str]) -> list[Path]:
    """The plugin's files a script names by a path, from its own folder or the plugin's
    (``source "${ROOT}/lib/log.sh"``, ``hooks/${1}/hook.sh`` with the hook's argument): a
    launcher that cannot find them fails, and a guard that fails lets the call through."""
    if len(text) > _MAX_TEXT:
        return []
    found = []
    for written in dict.fromkeys(m.decode() for m in _PATH.findall(text)):
        given = _ARGUMENT.sub(
            lambda m: args[int(m[1]) - 1] if 0 < int(m[1]) <= len(args) else "$", written
        )
        if "$" in given or given.startswith("/"):
            continue
        for base in dict.fromkeys((path.parent, folder)):
            near = Path(os.path.normpath(base / given))
            if near != path and near.is_file() and within(near, folder):
                found.append(near)
                break
    return found


_QUOTED_PATH = re.compile(rb"""["']((?:\.\.?/)*[\w.-]+(?:/[\w.-]+)*)["']""")
_JOINED = re.compile(rb"""(?:["'][\w.-]+["']\s*,\s*)+["'][\w.-]+["']""")
"""A path given as its parts: ``join(here, "..", "src", "cli", "bin.ts")``."""
_CODE = (".rb", ".js", ".mjs", ".cjs", ".ts", ".py", ".sh")
_EXTENSIONS = ("", *_CODE, "/index.js")
"""What a module name leaves off its file (``require_relative "support"``, ``require(
'./lib/guard')``, ``import x from "./policy"``): only code comes so, not the files a guard
names as text (``BLOCKED = ("secrets.json", ".env")``)."""


def _referenced(path: Path, text: bytes, folder: Path) -> list[Path]:
    """The plugin's files a script names as a module or in parts, from its own folder or
    the plugin's: Ruby's ``require_relative "support"``, Node's ``require('./guard')``,
    and a launcher's ``join(here, "..", "src", "cli", "bin.ts")``."""
    if len(text) > _MAX_TEXT:
        return []
    written = [m.decode() for m in _QUOTED_PATH.findall(text)]
    for parts in _JOINED.findall(text):
        written.append("/".join(w.strip(b"\"' ").decode() for w in parts.split(b",")))
    found = []
    for rel in dict.fromkeys(written):
        for base in dict.fromkeys((path.parent, folder)):
            near = next(
                (
                    candidate
                    for ending in _EXTENSIONS
                    if (candidate := Path(os.path.normpath(base / (rel + ending)))).is_file()
                    and candidate.name.endswith(_CODE)
                ),
                None,
            )
            if near is not None and near != path and within(near, folder):
                found.append(near)
                break
    return found


def _add(path: Path, folder: Path, found: dict[str, Resource], report: FileReport) -> str | None:
    """``path``, when it is a file inside ``folder`` (a link out of it is never followed)
    not yet in ``found``, and one a pack may hold; its pack path."""
    if not path.is_file() or not within(path, folder):
        return None
    rel = PurePosixPath(os.path.relpath(path, folder)).as_posix()
    if rel in found:
        return None
    why = (
        "it may hold a credential, which no pack file may"
        if _NEVER.search(rel)
        else "the pack (or a target) keeps a hook or server file of its own there"
        if _PART_FILE.match(rel)
        else "the pack reads one of its items there (the plugin's copy of it comes as the item)"
        if _ITEM_FILE.match(rel)
        else f"larger than {MAX_FILE_BYTES >> 20} MiB, the most a pack file holds"
        if path.stat().st_size > MAX_FILE_BYTES
        else f"a hook brings at most {_MAX_FILES} files"
        if len(found) >= _MAX_FILES
        else None
    )
    data = path.read_bytes() if why is None else b""
    if why is None and (secret := file_secret(rel, data)):
        why = f"it may hold credentials ({secret}), which no pack file may"
    if why is not None:
        report.dropped.append(f"{rel} (a file a hook's script names, not copied: {why})")
        return None
    found[rel] = Resource(rel, data, is_executable(path))
    return rel
