"""How Claude Code itself judges the output: ``claude plugin validate --strict`` on every
plugin and on the marketplace, then, in a throwaway home, ``plugin marketplace add``,
``plugin install`` and ``plugin details``, whose inventory must list every agent, command and
skill of each plugin.

And what it lets each agent do: with the agents in a project's ``.claude/agents/``,
``claude -p hi --agent NAME`` run against a stand-in model (offline, no login) sends the
model the tools it offers that agent. Every tool the source denies must be missing, every
tool it allows there, and every tool offered must be one agentpack knows (a new client's
new tool fails here until it is placed).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from agentpack.lab import Client, Exported, Lab, StandIn, git_repo, model_server, strings
from agentpack.model import Pack, flat_name
from agentpack.permissions import Decision
from agentpack.targets import parts
from agentpack.targets.claude.names import CANONICAL
from agentpack.targets.claude.plugin import MARKETPLACE
from agentpack.targets.claude.servers import server_plugin

CLIENT = Client("@anthropic-ai/claude-code", "2.1.337", "claude", size_mb=410)


SESSION = frozenset(
    {
        "ToolSearch",
        "DeferredToolPlaceholder",
        "CronCreate",
        "CronDelete",
        "CronList",
        "ScheduleWakeup",
        "ReportFindings",
        "TaskStop",
        "AskUserQuestion",
        "EnterPlanMode",
        "ExitPlanMode",
        "StructuredOutput",
    }
)
"""Tools Claude Code 2.1.332 offers that act on the session only (load a deferred tool,
schedule its own next prompt, stop its own background task, report to the user)."""

DEFERRED = re.compile(r"deferred tools are now available[^\n]*:\n((?:[A-Za-z_][\w-]*\n?)+)")
"""Claude Code names some tools in a message only, loaded when the model asks for them."""


class _Messages(StandIn):
    """Anthropic's Messages API, answering "ok" (streamed when asked to); with ``calls``
    set, it first asks for that tool call, as a model would, and answers "ok" to its
    result."""

    calls: tuple[str, dict[str, Any]] | None = None

    def answer(self, request: dict[str, Any]) -> None:
        if "count_tokens" in self.path:
            self.send_json({"input_tokens": 1})
            return
        message = {
            "id": "msg_lab",
            "type": "message",
            "role": "assistant",
            "model": request.get("model", "m"),
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 1},
        }
        if not request.get("stream"):
            text = [{"type": "text", "text": "ok"}]
            self.send_json({**message, "content": text, "stop_reason": "end_turn"})
            return
        block: dict[str, Any] = {"type": "text", "text": ""}
        delta: dict[str, Any] = {"type": "text_delta", "text": "ok"}
        end = {"stop_reason": "end_turn", "stop_sequence": None}
        if self.calls is not None and not tool_results(request):
            name, arguments = self.calls
            block = {"type": "tool_use", "id": "toolu_lab", "name": name, "input": {}}
            delta = {"type": "input_json_delta", "partial_json": json.dumps(arguments)}
            end = {**end, "stop_reason": "tool_use"}
        events: list[tuple[str, dict[str, Any]]] = [
            ("message_start", {"message": message}),
            ("content_block_start", {"index": 0, "content_block": block}),
            ("content_block_delta", {"index": 0, "delta": delta}),
            ("content_block_stop", {"index": 0}),
            ("message_delta", {"delta": end, "usage": {"output_tokens": 1}}),
            ("message_stop", {}),
        ]
        self.stream(
            f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode()
            for name, data in events
        )


def tool_results(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The results of tool calls a request gives the model back (in its last message)."""
    messages = request.get("messages") or [{}]
    content = messages[-1].get("content")
    return [c for c in content or [] if isinstance(c, dict) and c.get("type") == "tool_result"]


def calling(
    lab: Lab, home: Path, project: Path, tool: str, arguments: dict[str, Any]
) -> list[dict[str, Any]]:
    """Claude Code run in ``project`` against a stand-in model that calls ``tool`` with
    ``arguments``: what Claude Code gave back as that call's result (a hook that blocked it
    says so there)."""
    answering = type("Calling", (_Messages,), {"calls": (tool, arguments)})
    with model_server(answering) as (url, requests):
        env = {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "lab"}
        done = lab.run(lab.binary(CLIENT), ["-p", "hi"], home, project, env=env)
        found = [r for request in requests for r in tool_results(request)]
        assert found, (done.stdout, done.stderr[-2000:])
        return found


def offered(request: dict[str, Any]) -> set[str]:
    """The tools a request offers the model: its tools, and those it names as deferred."""
    names = {str(t.get("name", "")) for t in request.get("tools", [])}
    for text in strings([request.get("system"), request.get("messages")]):
        for found in DEFERRED.finditer(text):
            names.update(found.group(1).split())
    return names


def inventory(details: str, kind: str) -> set[str]:
    """The names ``claude plugin details`` lists under ``Agents (N)``, ``Skills (N)``,
    ``Hooks (N)`` (events) or ``MCP servers (N)``, without its remarks in parentheses."""
    match = re.search(rf"^[ \t]*{kind} \(\d+\)[ \t]*(.*)$", details, re.MULTILINE)
    listed = match.group(1).split("  (")[0] if match else ""
    return {name.strip() for name in listed.split(",") if name.strip()}


def trusted(home: Path, folder: Path) -> None:
    """Mark ``folder`` trusted in the scratch home's ``.claude.json``, as a user who ran
    ``claude`` there and accepted its dialog: from 2.1.337 ``claude mcp list`` checks no
    server in a folder not trusted."""
    config = home / ".claude.json"
    data = json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}
    entry = data.setdefault("projects", {}).setdefault(str(folder.resolve()), {})
    entry["hasTrustDialogAccepted"] = True
    config.write_text(json.dumps(data, indent=2), encoding="utf-8")


def connected(lab: Lab, home: Path, cwd: Path) -> dict[str, bool]:
    """Server name -> whether ``claude mcp list`` could connect to it."""
    trusted(home, cwd)
    result = lab.run(lab.binary(CLIENT), ["mcp", "list"], home, cwd, timeout=120)
    found = re.findall(r"^(\S+): .* - (.*)$", result.stdout, re.MULTILINE)
    return {name: "Connected" in state for name, state in found}


def allowed(pack: Pack) -> frozenset[str]:
    """Plugin-directory findings that come from what the pack leaves out (its author's to
    fix, and said by validate), not from agentpack."""
    missing = set()
    if "icon" not in pack.manifest.extras.get("claude", {}):
        missing.add("ICON_MISSING")
    if not pack.manifest.license:
        missing.add("LICENSE_MISSING")
    remote = any(s.url for s in pack.manifest.servers)
    if remote and "privacyPolicyUrl" not in pack.manifest.extras.get("claude", {}):
        missing.add("PRIVACY_URL_MISSING")
    return frozenset(missing)


def validate(lab: Lab, folder: Path, home: Path, ok: frozenset[str] = frozenset()) -> None:
    """``claude plugin validate --strict``: no error or warning in any file; of the plugin
    directory's checks, only the ``ok`` codes."""
    claude = lab.binary(CLIENT)
    result = lab.run(
        claude, ["plugin", "validate", "--strict", "--json", str(folder)], home, folder
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["success"] is True, report
    problems = [
        (part["file"], problem["path"], problem["message"])
        for part in (report["manifest"], *report["contents"])
        for problem in (*part["errors"], *part["warnings"])
    ]
    assert problems == [], problems
    found = {f["code"] for f in (report.get("directory") or {}).get("findings", [])}
    assert found <= ok, report["directory"]


class ClaudeLab:
    client = CLIENT

    def check(self, lab: Lab, exported: Exported, work: Path) -> None:
        claude, home, pack = lab.binary(CLIENT), work / "home", exported.pack
        ok = allowed(pack)
        market = json.loads((exported.root / MARKETPLACE).read_text(encoding="utf-8"))
        for entry in market["plugins"]:
            validate(lab, exported.root / entry["source"], home, ok)
        validate(lab, exported.root, home, ok)
        for args in (["plugin", "marketplace", "add", str(exported.root)],):
            result = lab.run(claude, args, home, home)
            assert result.returncode == 0, result.stdout + result.stderr
        groups = {g.name: g for g in pack.manifest.plugins}
        for entry in market["plugins"]:
            plugin = f"{entry['name']}@{market['name']}"
            result = lab.run(claude, ["plugin", "install", plugin], home, home)
            assert result.returncode == 0, result.stdout + result.stderr
            details = lab.run(claude, ["plugin", "details", plugin], home, home)
            assert details.returncode == 0, details.stderr
            group = groups.get(entry["name"])
            names = group.agents if group else [a.name for a in pack.for_target("claude").agents]
            agents = {flat_name(name) for name in names}  # Claude Code's names hold no '/'

            own = pack.for_target("claude")
            skills = (
                set(group.skills) | set(group.commands)
                if group
                else {
                    *(s.name for s in own.skills),
                    *(c.name for c in own.commands),
                }
            )
            assert inventory(details.stdout, "Agents") == agents, details.stdout
            if entry["name"] == server_plugin(pack.manifest):
                servers, hooks = (
                    parts.servers(pack.manifest, "claude"),
                    parts.hooks(pack.manifest, "claude"),
                )
                named = {s.name for s in servers}
                assert inventory(details.stdout, "MCP servers") == named, details.stdout
                events = {parts.CLAUDE_EVENTS[h.event] for h in hooks}
                assert inventory(details.stdout, "Hooks") == events, details.stdout
            # Claude Code lists commands as skills ("commands have been merged into skills")
            assert inventory(details.stdout, "Skills") == skills, details.stdout
        self.tools(lab, exported, work / "agents")

    def tools(self, lab: Lab, exported: Exported, work: Path) -> None:
        """Each distinct pair of tool lists once: the tools Claude Code offers the model
        for the agent, against what the target claims the agent may do."""
        from agentpack.targets.claude.permissions import agent_tools

        dist = exported.dist("claude") / "agents"
        if not dist.is_dir():
            return
        project = git_repo(work / "project")
        folder = Path(shutil.copytree(dist, project / ".claude" / "agents"))
        probe = "agentpack-lab-all"
        (folder / f"{probe}.md").write_text(
            f"---\nname: {probe}\ndescription: every tool\n---\nprobe\n", "utf-8"
        )
        claude = lab.binary(CLIENT)
        with model_server(_Messages) as (url, requests):
            env = {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": "lab"}

            def ask(agent: str, prompt: str) -> dict[str, Any]:
                before = len(requests)
                done = lab.run(
                    claude, ["-p", "hi", "--agent", agent], work / "home", project, env=env
                )
                # the agent's own turn, not a side call (a title, say): the one whose system
                # prompt holds the agent's
                mark = next((ln.strip()[:40] for ln in prompt.splitlines() if ln.strip()), "")
                turns = [
                    r for r in requests[before:] if any(mark in t for t in strings(r.get("system")))
                ]
                assert turns, (agent, mark, done.stdout, done.stderr[-2000:])
                turn = turns[-1]
                names = offered(turn)
                unknown = {n for n in names - SESSION if n not in CANONICAL}
                assert not {n for n in unknown if not n.startswith("mcp__")}, (agent, unknown)
                return turn

            turn = ask(probe, "probe")
            every = offered(turn)
            top = {str(t.get("name", "")) for t in turn.get("tools", [])}
            # the tools it names in a message only: none found means that message changed
            assert every - top, f"no deferred tools found in Claude Code's request: {every}"
            here = {CANONICAL[n] for n in every if n in CANONICAL}
            seen: set[tuple[str, ...]] = set()
            for agent in exported.pack.for_target("claude").agents:
                called = flat_name(agent.name)
                path = folder / f"{called}.md"
                if not path.is_file():
                    continue
                head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
                lines = head.splitlines()
                said = ("tools:", "disallowed", "permissionMode:")
                key = tuple(line for line in lines if line.startswith(said))
                if key in seen:
                    continue
                seen.add(key)
                names = offered(ask(called, body))
                for tool, decision in agent_tools(agent.policy).effective.items():
                    got = {n for n in names if CANONICAL.get(n) == tool}
                    if decision is Decision.DENY:
                        assert not got, (agent.name, tool, sorted(got))
                    elif decision is Decision.ALLOW and tool in here:
                        assert got, (agent.name, tool, sorted(names))
