"""The pack's MCP servers and hooks for opencode: ``opencode.json`` with the ``mcp``
section (opencode reads ``.opencode/opencode.json`` beside the agents), and a generated
plugin (``plugin/agentpack-hooks.js``, which opencode loads from ``.opencode/plugin/``)
that runs the pack's hook scripts on the matching events, as Claude Code would.

opencode has no variable for the folder its files are installed in: a server's
``${PLUGIN_ROOT}`` becomes ``.opencode``, which holds when opencode runs in the project the
files are installed in. The plugin finds its scripts from its own path instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from agentpack import emit
from agentpack.model import Hook, Manifest, McpServer
from agentpack.outputs import OutFile
from agentpack.permissions import mcp_parts
from agentpack.targets import parts
from agentpack.targets.base import Change, Note, Report, Setup

NAME = "opencode"
ROOT = ".opencode"
PLUGIN = "plugin/agentpack-hooks.js"
NO_CWD = "opencode starts a local MCP server in the project folder; it has no cwd"

TOOL_IDS: Mapping[str, tuple[str, ...]] = {
    "read": ("read",),
    "write": ("write",),
    "edit": ("edit", "patch", "multiedit"),
    "glob": ("glob",),
    "grep": ("grep",),
    "list": ("list",),
    "bash": ("bash",),
    "webfetch": ("webfetch",),
    "websearch": ("websearch", "codesearch"),
    "todo": ("todowrite", "todoread"),
    "task": ("task",),
    "notebook": (),
    "skill": ("skill",),
}
"""Canonical tool -> the ids of opencode 1.x's tools (``input.tool`` in a plugin hook)."""

CLAUDE_NAMES: Mapping[str, str] = {
    "bash": "Bash",
    "read": "Read",
    "write": "Write",
    "edit": "Edit",
    "patch": "Edit",
    "multiedit": "MultiEdit",
    "glob": "Glob",
    "grep": "Grep",
    "list": "LS",
    "webfetch": "WebFetch",
    "websearch": "WebSearch",
    "codesearch": "WebSearch",
    "task": "Task",
    "todowrite": "TodoWrite",
    "todoread": "TodoRead",
    "skill": "Skill",
}
"""opencode's tool ids in Claude Code's names, which the hook scripts are written for."""


def render(manifest: Manifest, report: Report) -> Iterator[OutFile]:
    servers, hooks = parts.servers(manifest, NAME), parts.hooks(manifest, NAME)
    if servers:
        config = {"$schema": "https://opencode.ai/config.json", "mcp": _mcp(servers, report)}
        yield OutFile.text("opencode.json", emit.json_text(config), manifest.source)
    if hooks:
        yield OutFile.text(PLUGIN, plugin(manifest, hooks, report), manifest.source)
    yield from parts.files(manifest, servers, hooks)


def setup(manifest: Manifest, folder: Path) -> Setup:
    """Outside the export's own ``opencode.json``: each server into the ``mcp`` section of
    the user's config in ``folder`` (``opencode.jsonc`` when that is the one they keep),
    named by absolute path; the hook plugin and the scripts into ``folder`` as exported,
    since the plugin finds its scripts from its own path."""
    servers, hooks = parts.servers(manifest, NAME), parts.hooks(manifest, NAME)
    jsonc = folder / "opencode.jsonc"
    file = jsonc if jsonc.exists() else folder / "opencode.json"
    mcp = _mcp(servers, Report(), str(folder))
    out = [OutFile.text(PLUGIN, plugin(manifest, hooks, Report()))] if hooks else []
    out += parts.files(manifest, servers, hooks)
    return Setup(tuple(parts.member_entries(file, ("mcp",), mcp)), tuple(out))


def _mcp(servers: list[McpServer], report: Report, root: str = ROOT) -> dict[str, Any]:
    def ref(name: str) -> str:
        return "{env:" + name + "}"

    out: dict[str, Any] = {}
    for server in servers:
        if server.url is not None:
            entry: dict[str, Any] = {"type": "remote", "url": parts.spelled(server.url, root, ref)}
            if server.headers:
                entry["headers"] = {
                    k: parts.spelled(v, root, ref) for k, v in server.headers.items()
                }
        else:
            words = [server.command or "", *server.args]
            entry = {"type": "local", "command": [parts.spelled(w, root, ref) for w in words]}
            if server.env:
                entry["environment"] = {
                    k: parts.spelled(v, root, ref) for k, v in server.env.items()
                }
            if server.cwd:
                report.notes.append(
                    Note(server.source, NAME, server.name, "cwd", Change.DROPPED, NO_CWD)
                )
        entry["enabled"] = True
        out[server.name] = entry
    return out


def matched(hook: Hook) -> list[str]:
    """The opencode tool ids (``server_`` prefixes end in ``*``) a tool hook runs for;
    empty: every tool."""
    ids: list[str] = []
    for tool in hook.tools:
        if tool.startswith("mcp:"):
            server, name = mcp_parts(tool)
            ids.append("*" if server is None else f"{server}_{name}" if name else f"{server}_*")
        else:
            ids += TOOL_IDS.get(tool, ())
    return ids


def plugin(manifest: Manifest, hooks: list[Hook], report: Report) -> str:
    """The opencode plugin that runs the hook scripts."""
    table = [
        {
            "event": parts.CLAUDE_EVENTS[h.event],
            "tools": matched(h),
            "interpreter": h.interpreter,
            "script": h.run,
            "timeout": h.timeout or 60,
        }
        for h in hooks
    ]
    head = (
        f"// Generated by agentpack from the pack {manifest.name} {manifest.version}; "
        "do not edit: export the pack again.\n"
    )
    return head + _PLUGIN.replace("__HOOKS__", json.dumps(table, indent=2)).replace(
        "__NAMES__", json.dumps(dict(CLAUDE_NAMES), indent=2)
    )


_PLUGIN = r"""// Runs the pack's hook scripts on opencode's events, giving each script the event as
// JSON on stdin as Claude Code gives it; exit code 2 before a tool runs blocks the call
// (its stderr says why).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const HOOKS = __HOOKS__;
const NAMES = __NAMES__;
const KEYS = { filePath: "file_path", oldString: "old_string", newString: "new_string",
  replaceAll: "replace_all" };

function claudeName(tool) {
  if (NAMES[tool]) return NAMES[tool];
  const cut = tool.indexOf("_");
  return cut > 0 ? `mcp__${tool.slice(0, cut)}__${tool.slice(cut + 1)}` : tool;
}

function claudeArgs(args) {
  const out = {};
  for (const [key, value] of Object.entries(args ?? {})) out[KEYS[key] ?? key] = value;
  return out;
}

function matches(hook, tool) {
  if (hook.tools.length === 0) return true;
  return hook.tools.some((t) => t === "*" || t === tool
    || (t.endsWith("_*") && tool.startsWith(t.slice(0, -1))));
}

function run(hook, payload) {
  return spawnSync(hook.interpreter, [path.join(ROOT, hook.script)], {
    input: JSON.stringify(payload),
    encoding: "utf8",
    timeout: hook.timeout * 1000,
  });
}

function each(event, tool, payload) {
  const results = [];
  for (const hook of HOOKS) {
    if (hook.event === event && (tool === undefined || matches(hook, tool))) {
      results.push(run(hook, { hook_event_name: event, ...payload }));
    }
  }
  return results;
}

const SESSION_EVENTS = { "session.created": "SessionStart", "session.idle": "Stop",
  "session.deleted": "SessionEnd" };

export default async ({ directory }) => ({
  "tool.execute.before": async (input, output) => {
    const payload = { session_id: input.sessionID, cwd: directory,
      tool_name: claudeName(input.tool), tool_input: claudeArgs(output.args) };
    for (const result of each("PreToolUse", input.tool, payload)) {
      if (result.status === 2) {
        throw new Error((result.stderr || "").trim() || "Blocked by a hook of the pack");
      }
    }
  },
  "tool.execute.after": async (input, output) => {
    each("PostToolUse", input.tool, { session_id: input.sessionID, cwd: directory,
      tool_name: claudeName(input.tool), tool_input: claudeArgs(output.args ?? input.args),
      tool_response: output.output });
  },
  "chat.message": async (input, output) => {
    const text = (output.parts ?? []).map((p) => p.text ?? "").join("");
    each("UserPromptSubmit", undefined, { session_id: input.sessionID, cwd: directory,
      prompt: text });
  },
  event: async ({ event }) => {
    const name = SESSION_EVENTS[event.type];
    if (name) {
      const id = event.properties?.sessionID ?? event.properties?.info?.id;
      each(name, undefined, { session_id: id, cwd: directory });
    }
  },
});
"""
