"""The conformance lab: real clients, installed from the npm registry, judge the output.

Each target says which client judges it and how (``targets/<name>/lab.py``); this module
installs clients (pinned versions, into a cache folder, never globally) and runs them offline
in a throwaway home folder. The test suite drives it; nothing here runs in a normal export.

``AGENTPACK_LAB_CACHE`` moves the cache (default ``~/.cache/agentpack-lab``);
``AGENTPACK_LAB_<BIN>`` (``AGENTPACK_LAB_CLAUDE``, ...) points at a client already
installed, which is then used as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol

from agentpack.errors import Finding
from agentpack.model import Pack


class LabUnavailable(Exception):
    """No client can be had here (no npm, or the registry refused); the message says why
    and what to do. The tests turn it into a loud skip."""


@dataclass(frozen=True, slots=True)
class Client:
    """A client on the npm registry, pinned."""

    package: str
    version: str
    bin: str
    size_mb: int
    """About how much the install downloads, for the one line said before it."""

    @property
    def folder(self) -> str:
        return f"{self.package.rsplit('/', 1)[-1]}-{self.version}"


QUIET: Mapping[str, str] = {
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_TELEMETRY": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "OPENCODE_DISABLE_AUTOUPDATE": "1",
    "OPENCODE_DISABLE_MODELS_FETCH": "1",
    "OPENCODE_DISABLE_SHARE": "1",
    "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
    "NO_COLOR": "1",
}
"""What keeps the clients offline and quiet (variables a client does not know are ignored)."""


@dataclass(slots=True)
class Lab:
    """Installed clients, and a way to run them in a throwaway home."""

    cache: Path = field(
        default_factory=lambda: Path(
            os.environ.get("AGENTPACK_LAB_CACHE", Path.home() / ".cache" / "agentpack-lab")
        )
    )
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    def binary(self, client: Client) -> Path:
        """The client's executable: the one ``AGENTPACK_LAB_<BIN>`` names, else the cached
        install, installed first if needed."""
        named = self.env.get(f"AGENTPACK_LAB_{client.bin.upper().replace('-', '_')}")
        if named:
            return Path(named)
        prefix = self.cache / client.folder
        binary = prefix / "node_modules" / ".bin" / client.bin
        if binary.exists():
            return binary
        npm = shutil.which("npm")
        if npm is None:
            raise LabUnavailable(
                f"CONFORMANCE LAB NOT RUN: npm is not installed, so {client.package} cannot "
                "be installed; install Node.js with npm, or set "
                f"AGENTPACK_LAB_{client.bin.upper()} to an installed {client.bin}"
            )
        sys.stderr.write(
            f"agentpack lab: installing {client.package}@{client.version} from the npm "
            f"registry into {prefix} (about {client.size_mb} MB, once)\n"
        )
        prefix.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [
                *(npm, "install", "--no-audit", "--no-fund", "--no-save"),
                *("--prefix", str(prefix), f"{client.package}@{client.version}"),
            ],
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
        if done.returncode != 0 or not binary.exists():
            raise LabUnavailable(
                f"CONFORMANCE LAB NOT RUN: npm could not install {client.package}@"
                f"{client.version}: {done.stderr.strip()[-1500:]}"
            )
        return binary

    def run(
        self,
        binary: Path,
        args: Sequence[str],
        home: Path,
        cwd: Path,
        *,
        env: Mapping[str, str] | None = None,
        timeout: int = 180,
    ) -> subprocess.CompletedProcess[str]:
        """Run a client offline with ``home`` as its home (created), stdout through a file:
        some clients (Bun) exit before a pipe is drained."""
        full = {
            "PATH": self.env.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            **QUIET,
            **(env or {}),
        }
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
            result = subprocess.run(
                [str(binary), *args],
                cwd=cwd,
                env=full,
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                timeout=timeout,
                check=False,
            )
            out.seek(0)
            result.stdout = out.read()
        return result


class StandIn(BaseHTTPRequestHandler):
    """A stand-in model API on localhost that keeps every request: a client run against it
    needs no login and no network, and what it sends the model (the tools it offers an
    agent) shows what it will let the agent do. Each target's lab says how to answer."""

    requests: list[dict[str, Any]]

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        request = json.loads(body or b"{}")
        self.requests.append(request)
        self.answer(request)

    def answer(self, request: dict[str, Any]) -> None:
        raise NotImplementedError

    def stream(self, events: Iterable[bytes]) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        for event in events:
            self.wfile.write(event)

    def send_json(self, data: object) -> None:
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ChatModel(StandIn):
    """OpenAI's chat completions (which the Copilot CLI and opencode speak to a provider of
    the user's), answering "ok"; with ``calls`` set, it first asks for that tool call, as a
    model would, and answers "ok" to its result."""

    calls: tuple[str, dict[str, Any]] | None = None

    def do_GET(self) -> None:
        self.send_json({"object": "list", "data": [{"id": "gpt-4.1", "object": "model"}]})

    def answer(self, request: dict[str, Any]) -> None:
        delta: dict[str, Any] = {"role": "assistant", "content": "ok"}
        finish = "stop"
        if self.calls is not None and not tool_results(request):
            name, arguments = self.calls
            function = {"name": name, "arguments": json.dumps(arguments)}
            call = {"index": 0, "id": "call_lab", "type": "function", "function": function}
            delta, finish = {"role": "assistant", "tool_calls": [call]}, "tool_calls"
        chunk = {
            "id": "c",
            "object": "chat.completion.chunk",
            "model": request.get("model", "m"),
            "choices": [{"index": 0, "delta": delta}],
        }
        done = {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
        events = [b"data: " + json.dumps(event).encode() + b"\n\n" for event in (chunk, done)]
        self.stream([*events, b"data: [DONE]\n\n"])


def tool_results(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The results of tool calls a request gives the model back (its last messages)."""
    found = []
    for message in reversed(request.get("messages") or []):
        if message.get("role") != "tool":
            break
        found.append(message)
    return found


@contextmanager
def model_server(
    answering: type[StandIn], path: str = ""
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A stand-in model on a free local port: its base URL (with ``path``) and the
    requests it got."""
    requests: list[dict[str, Any]] = []
    handler = type("Model", (answering,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}", requests
    finally:
        server.shutdown()
        server.server_close()


def strings(value: object) -> Iterator[str]:
    """Every text in a JSON value, however deep (what a client printed, or sent a model)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def git_repo(folder: Path) -> Path:
    """A fresh git repository (clients look for a project root)."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    return folder


class Check(Protocol):
    """How one target's output is judged by its client (``Target.lab``)."""

    @property
    def client(self) -> Client: ...

    def check(self, lab: Lab, exported: Exported, work: Path) -> None:
        """Judge an exported pack with the real client, in ``work`` (a scratch folder);
        raise AssertionError saying what is wrong."""
        ...


@dataclass(frozen=True, slots=True)
class Exported:
    """A pack exported into ``root/dist``: the pack, and the warnings the export gave."""

    root: Path
    pack: Pack
    findings: tuple[Finding, ...]

    def dist(self, target: str) -> Path:
        return self.root / "dist" / target

    def narrowed(self, target: str) -> set[tuple[str, str]]:
        """(file, tool) of every narrowing the export said ``target`` made."""
        return {
            (f.path, f.field.removeprefix("tools."))
            for f in self.findings
            if f.message.startswith(f"{target}: narrowed")
        }
