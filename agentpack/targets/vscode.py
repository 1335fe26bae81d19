"""VS Code's ``mcp.json`` (``.vscode/mcp.json``, and the copies Copilot reads): servers
under ``servers``, beside ``inputs`` that VS Code asks the user for when it starts a
server, with variables of its own: ``${env:NAME}`` and ``${input:ID}``.

No other tool asks for inputs, and each expands only ``${NAME}`` (or nothing), so a server
is brought to the pack's spelling: ``${env:NAME}`` is ``${NAME}``, and an input becomes an
environment variable named after it, which the user is told to set. VS Code's other
variables (``${workspaceFolder}``) stay as written, each with a note: in the pack they
would name an environment variable.
"""

from __future__ import annotations

import json
import re
from typing import Any

from agentpack import placeholders
from agentpack.filereport import FileReport

_VARIABLE = re.compile(r"\$\{(env|input):([^}]*)\}")
_OWN = re.compile(
    r"\$\{(userHome|workspaceFolder|workspaceFolderBasename|cwd|execPath|pathSeparator|file"
    r"|fileWorkspaceFolder|relativeFile|relativeFileDirname|fileBasename|fileExtname"
    r"|fileBasenameNoExtension|fileDirname|fileDirnameBasename|lineNumber|columnNumber"
    r"|selectedText|defaultBuildTask)\}"
)
"""VS Code's predefined variables, which look like the pack's ``${NAME}``."""


def is_vscode(document: dict[str, Any]) -> bool:
    """Whether a servers file is in VS Code's shape, not ``.mcp.json``'s."""
    return "mcpServers" not in document and ("servers" in document or "inputs" in document)


def variable(input_id: str) -> str:
    """The environment variable an input becomes: ``api-key`` is ``API_KEY``."""
    name = re.sub(r"[^A-Z0-9_]", "_", input_id.upper()) or "INPUT"
    return f"_{name}" if name[0].isdigit() else name


def respelled(name: str, spec: Any, report: FileReport) -> Any:
    """A server of VS Code's file, its values in the pack's spelling; each input it asks
    for is noted with the variable that replaces it."""
    asked: dict[str, str] = {}

    def one(match: re.Match[str]) -> str:
        kind, value = match[1], match[2]
        if kind == "env":
            return "${" + value + "}"
        asked[value] = variable(value)
        return "${" + asked[value] + "}"

    own: dict[str, None] = {}

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            own.update(dict.fromkeys(_OWN.findall(value)))
            return _VARIABLE.sub(one, value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    found = walk(spec)
    for input_id, var in asked.items():
        report.approximated.append(
            f"mcpServers.{name}: ${{input:{input_id}}} (VS Code asks for it when it starts the "
            f"server, no other tool does: the pack reads the environment variable {var}; set it)"
        )
    for var in own:
        report.approximated.append(
            f"mcpServers.{name}: ${{{var}}} (VS Code's own variable; the other tools read "
            f"it as the environment variable {var}: write the value instead)"
        )
    return found


def unused_inputs(document: dict[str, Any], report: FileReport) -> None:
    """Name the inputs no server asks for: they are not carried, and nothing else says so."""
    inputs = document.get("inputs")
    used = json.dumps(document.get("servers"))
    for entry in inputs if isinstance(inputs, list) else []:
        found = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(found, str) or "${input:" + found + "}" not in used:
            report.dropped.append(f"inputs: {found!r} (no server asks for it)")


_ARGUMENT = re.compile(r"\$\{input:(arguments|arg([0-9]+))(?::[^}]*)?\}")
"""The placeholders agentpack writes in a prompt file: all the arguments, or one."""
_ASKED = re.compile(r"\$\{input:([^}:]+)(?::[^}]*)?\}")
_PROMPT_OWN = re.compile(
    r"\$\{(selection|selectedText|file|fileBasename|fileDirname|workspaceFolder"
    r"|workspaceFolderBasename)\}"
)
"""VS Code's variables of a prompt file, which no other tool fills in."""


def prompt_body(body: str, report: FileReport) -> str:
    """A prompt file's text in the pack's spelling: ``${input:arguments}`` and
    ``${input:argN}`` as ``$ARGUMENTS`` and ``$N``; a ``$1`` VS Code leaves as it is
    escaped (``\\$1``), so that no tool fills it in; VS Code's own variables, and the
    inputs it asks for by another name, said."""
    body = placeholders.POSITIONAL.sub(lambda m: "\\" + m.group(0), body)
    body = placeholders.ARGUMENTS.sub(lambda m: "\\" + m.group(0), body)
    own = dict.fromkeys(
        [m.group(0) for m in _PROMPT_OWN.finditer(body)]
        + [m.group(0) for m in _ASKED.finditer(body) if not _ARGUMENT.fullmatch(m.group(0))]
    )
    for said in own:
        report.approximated.append(
            f"body: {said} (VS Code fills it in; the other tools get it as text)"
        )
    return _ARGUMENT.sub(lambda m: "$ARGUMENTS" if m.group(2) is None else "$" + m.group(2), body)
