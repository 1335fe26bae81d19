"""The parts of a pack that are not items but go with its plugins: MCP servers
(``mcp/<name>.yaml``) and hooks (``hooks/<name>.yaml``), and the pack files they run.

They are read with the manifest: every target's pack-level files (a plugin's ``.mcp.json``)
and its agents' permissions (a plugin server's tool names) depend on them, and the export
cache sees them as part of the manifest. Each finding is one line at its field.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agentpack.load.doc import Doc
from agentpack.load.fields import Fields
from agentpack.load.manifest import read_pack_file
from agentpack.model import PLUGIN_ROOT, ROOTED, TOOL_EVENTS, Hook, Manifest, McpServer, SourceRef
from agentpack.outputs import is_executable
from agentpack.permissions import normalize_tool_id
from agentpack.secrets import REFERENCE, args_secrets, credential, secret_problem
from agentpack.shellscript import BARE_REFERENCE, script_index

SERVER_NAME = re.compile(r"^[a-z0-9]+([_-][a-z0-9]+)*$")
"""Server names every host takes (Claude Code builds tool names out of them)."""
_ANY_REFERENCE = re.compile(r"\$\{[^}]*\}")


def read(fields: Fields, manifest: Manifest) -> Manifest:
    """The manifest with the pack's servers and hooks, and every file they name."""
    files = dict(manifest.files)
    servers = [s for doc in _docs(fields, "mcp", "server") if (s := _server(fields, doc, files))]
    hooks = [h for doc in _docs(fields, "hooks", "hook") if (h := _hook(fields, doc, files))]
    root = fields.files.root
    return dataclasses.replace(
        manifest,
        servers=tuple(servers),
        hooks=tuple(hooks),
        files=MappingProxyType(files),
        executables=frozenset(rel for rel in files if is_executable(root / rel)),
    )


def _docs(fields: Fields, folder: str, kind: str) -> Iterator[Doc]:
    base = fields.files.root / folder
    for path in sorted(base.glob("*.yml")) if base.is_dir() else []:  # a guard not read
        fields.files.report_at(
            f"{folder}/{path.name}",
            (1, 1),
            f"ignored: {folder}/ holds *.yaml files; rename it to {path.stem}.yaml",
            warning=True,
        )
    for path in sorted(base.glob("*.yaml")) if base.is_dir() else []:
        rel = f"{folder}/{path.name}"
        doc = fields.files.yaml(path, rel)
        if doc is not None and fields.files.checked(doc, kind):
            yield doc


def _name(fields: Fields, doc: Doc, kind: str) -> str | None:
    name = Path(doc.rel).stem
    if not SERVER_NAME.match(name) or len(name) > 64:
        fields.report(
            doc,
            (),
            f"{name!r} cannot name a {kind}: use lowercase letters, digits, '-' and '_' "
            "(at most 64), since tools build names of their own out of it; rename the file",
        )
        return None
    return name


def _server(fields: Fields, doc: Doc, files: dict[str, bytes]) -> McpServer | None:
    data = doc.data
    name = _name(fields, doc, "server")
    fields.target_names(doc, ("targets",), data.get("targets", []))
    ok = name is not None
    if ("command" in data) == ("url" in data):
        fields.report(doc, (), "give either command (a stdio server) or url (a remote one)")
        ok = False
    remote_only, local_only = ("transport", "headers"), ("args", "env", "cwd")
    wrong = [k for k in (local_only if "url" in data else remote_only) if k in data]
    for key in wrong:
        kind = "remote" if "url" in data else "stdio"
        fields.report(doc, (key,), f"a {kind} server has no {key}; remove it", key=True)
        ok = False
    for group in ("env", "headers"):
        for key, value in (data.get(group) or {}).items():
            ok &= _no_secret(fields, doc, (group, key), credential(key, value))
    ok &= _no_arg_secret(fields, doc, data.get("args") or [])  # npx server --token ghp_...
    for key in ("url", "command", "cwd"):  # "npx srv --api-key sk-...": a command line too
        words = str(data.get(key) or "").split()
        problem = secret_problem(data[key]) if key in data else None
        ok &= _no_secret(
            fields, doc, (key,), problem or next(filter(None, args_secrets(words)), None)
        )
    _references(fields, doc, data)
    _unlisted(fields, doc, data)
    for i, rel in enumerate(data.get("files", [])):
        found = read_pack_file(fields, doc, ("files", i), rel)
        ok &= found is not None
        if found is not None:
            files[rel] = found
    if not ok or name is None:
        return None
    return McpServer(
        name=name,
        source=SourceRef(doc.rel),
        description=data.get("description", ""),
        command=data.get("command"),
        args=tuple(data.get("args", ())),
        env=MappingProxyType(dict(data.get("env", {}))),
        cwd=data.get("cwd"),
        url=data.get("url"),
        transport=data.get("transport", "http") if "url" in data else "stdio",
        headers=MappingProxyType(dict(data.get("headers", {}))),
        files=tuple(data.get("files", ())),
        targets=tuple(data["targets"]) if "targets" in data else None,
    )


def _references(fields: Fields, doc: Doc, data: dict[str, Any]) -> None:
    """A warning for each ``${...}`` that is not the pack's (``${NAME}``): another tool's
    spelling, such as VS Code's ``${workspaceFolder}`` or Claude Code's ``${A:-b}``, which
    the other tools pass on as text; and for each ``$NAME``, which some tools (the Copilot
    CLI) replace with the variable and others pass on as text (but not in the script a
    shell runs, where the shell expands it in every tool)."""
    values: list[tuple[tuple[str | int, ...], Any]] = [
        ((key,), data.get(key)) for key in ("command", "url", "cwd")
    ]
    values += [(("args", i), v) for i, v in enumerate(data.get("args") or ())]
    for group in ("env", "headers"):
        values += [((group, k), v) for k, v in (data.get(group) or {}).items()]
    script = script_index(str(data.get("command") or ""), [str(a) for a in data.get("args") or ()])
    for where, value in values:
        for found in _ANY_REFERENCE.findall(value) if isinstance(value, str) else ():
            if not REFERENCE.fullmatch(found):
                fields.report(
                    doc,
                    where,
                    f"{found} is not a reference every tool expands (the pack's are ${{NAME}} "
                    "and ${PLUGIN_ROOT}): some would get it as text; write ${NAME} and set "
                    "that variable, or write the value",
                    warning=True,
                )
        bare = BARE_REFERENCE.findall(value) if isinstance(value, str) else []
        for name in dict.fromkeys(bare) if where != ("args", script) else ():
            fields.report(
                doc,
                where,
                f"${name} is text to Claude Code and most tools, but the Copilot CLI puts "
                f"the variable {name} in its place where it is set; write ${{{name}}} for the "
                "variable (no spelling keeps the text in every tool)",
                warning=True,
            )


def _unlisted(fields: Fields, doc: Doc, data: dict[str, Any]) -> None:
    """A warning for each path from ``${PLUGIN_ROOT}`` in a server's command, args, env
    or cwd that names neither a file of its ``files:`` nor a folder holding one: only
    those are copied with it, so the server would find nothing there."""
    listed = [str(f) for f in data.get("files") or ()]
    values: list[tuple[tuple[str | int, ...], Any]] = [
        ((key,), data.get(key)) for key in ("command", "cwd")
    ]
    values += [(("args", i), v) for i, v in enumerate(data.get("args") or ())]
    values += [(("env", k), v) for k, v in (data.get("env") or {}).items()]
    for where, value in values:
        for rel in ROOTED.findall(value) if isinstance(value, str) else ():
            rel = rel.rstrip("/")
            items = rel.split("/")[0] in ("agents", "commands", "skills")  # the pack's own
            if not items and not any(f == rel or f.startswith(f"{rel}/") for f in listed):
                fields.report(
                    doc,
                    where,
                    f"{PLUGIN_ROOT}/{rel} names no file of files: here, and only those are "
                    "copied with the server; add it to files:",
                    warning=True,
                )


def _no_arg_secret(fields: Fields, doc: Doc, args: list[str]) -> bool:
    ok = True
    for i, problem in enumerate(args_secrets(args)):
        ok &= _no_secret(fields, doc, ("args", i), problem)
    return ok


def _no_secret(fields: Fields, doc: Doc, where: tuple[str | int, ...], problem: str | None) -> bool:
    if problem is None:
        return True
    var = str(where[-1]).upper() if where[0] == "env" else "YOUR_TOKEN"
    fields.report(
        doc,
        where,
        f"this value must not be written in the pack: {problem}; write a reference such as "
        f"${{{re.sub(r'[^A-Z0-9_]', '_', var)}}} and set that variable in your environment",
    )
    return False


def _hook(fields: Fields, doc: Doc, files: dict[str, bytes]) -> Hook | None:
    data = doc.data
    name = _name(fields, doc, "hook")
    fields.target_names(doc, ("targets",), data.get("targets", []))
    ok = name is not None
    if "tools" in data and data["event"] not in TOOL_EVENTS:
        fields.report(
            doc,
            ("tools",),
            f"tools apply to before_tool and after_tool only, not to {data['event']}; remove it",
            key=True,
        )
        ok = False
    ok &= _no_arg_secret(fields, doc, data.get("args") or [])  # guard --token ghp_...
    script = read_pack_file(fields, doc, ("run",), data["run"])
    needed = {
        rel: read_pack_file(fields, doc, ("files", i), rel)
        for i, rel in enumerate(data.get("files", ()))
    }
    if script is None or name is None or not ok or None in needed.values():
        return None
    files[data["run"]] = script
    files.update(needed)
    return Hook(
        name=name,
        source=SourceRef(doc.rel),
        event=data["event"],
        run=data["run"],
        interpreter=data.get("interpreter", "sh"),
        args=tuple(data.get("args", ())),
        files=tuple(data.get("files", ())),
        tools=tuple(normalize_tool_id(t) for t in data.get("tools", ())),
        timeout=data.get("timeout"),
        description=data.get("description", ""),
        targets=tuple(data["targets"]) if "targets" in data else None,
    )
