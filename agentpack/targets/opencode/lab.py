"""How opencode itself judges the output: in a scratch repository with the files under
``.opencode/``, ``opencode agent list`` must list every agent in its mode, and the rules
``opencode debug agent NAME`` prints as resolved (its defaults, then the agent's) must give
every canonical tool and sample command exactly the source's decision, or a narrower one the
export warned about."""

from __future__ import annotations

import json
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from agentpack.lab import ChatModel, Client, Exported, Lab, git_repo, model_server, tool_results
from agentpack.model import Agent
from agentpack.permissions import TOOLS, Decision, wildcard_match
from agentpack.targets import parts
from agentpack.targets.opencode.permissions import KEYS

CLIENT = Client("opencode-ai", "1.18.33", "opencode", size_mb=350)
SAMPLE_COMMANDS = (
    "git status",
    "git status --short",
    "git diff HEAD",
    "git push origin main",
    "rm -rf /",
    "ls -la",
    "npm run build",
    "npm test",
    "make",
)
SAMPLE_MCP = ("github/create_issue", "github/delete_repo", "jira/create", "other/tool")


def project(root: Path, work: Path) -> Path:
    """A scratch repository whose ``.opencode/`` is the export."""
    folder = git_repo(work / "project")
    shutil.copytree(root / "dist" / "opencode", folder / ".opencode")
    return folder


def listed(lab: Lab, folder: Path, home: Path) -> dict[str, str]:
    """Agent name -> mode, as ``opencode agent list`` prints them."""
    listing = lab.run(lab.binary(CLIENT), ["agent", "list"], home, folder)
    assert listing.returncode == 0, listing.stderr
    return dict(re.findall(r"^(\S+) \((primary|subagent|all)\)$", listing.stdout, re.MULTILINE))


def servers(lab: Lab, folder: Path, home: Path) -> dict[str, bool]:
    """Server name -> connected, as ``opencode mcp list`` prints them."""
    listing = lab.run(lab.binary(CLIENT), ["mcp", "list"], home, folder, timeout=120)
    assert listing.returncode == 0, listing.stdout + listing.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout)
    found = re.findall(r"^\S+\s+[\u2713\u2717\u00d7x]\s+(\S+)\s+(.+?)\s*$", text, re.MULTILINE)
    return {name: state.strip() == "connected" for name, state in found}


def calling(
    lab: Lab,
    folder: Path,
    home: Path,
    tool: str,
    arguments: dict[str, Any],
    agent: str | None = None,
) -> str:
    """``opencode run`` in ``folder`` (as ``agent``, else opencode's default) with a
    provider of the project's own, a stand-in model that calls ``tool`` with
    ``arguments``: what opencode gave back as that call's result (a hook of the generated
    plugin that blocked it says so there)."""
    answering = type("Calling", (ChatModel,), {"calls": (tool, arguments)})
    with model_server(answering, "/v1") as (url, requests):
        options = {"baseURL": url, "apiKey": "lab"}
        provider = {"npm": "@ai-sdk/openai-compatible", "options": options, "models": {"m": {}}}
        config = {"provider": {"lab": provider}, "model": "lab/m"}
        (folder / "opencode.json").write_text(json.dumps(config), encoding="utf-8")
        chosen = ["--agent", agent] if agent else []
        done = lab.run(lab.binary(CLIENT), ["run", *chosen, "go"], home, folder)
        found = [str(r.get("content")) for q in requests for r in tool_results(q)]
        assert found, done.stdout + done.stderr[-2000:]
        return found[0]


def decide(rules: list[tuple[str, str, str]], key: str, subject: str) -> Decision:
    """opencode 1.x: start from allow; the last rule whose key and pattern match wins."""
    result = "allow"
    for rule_key, pattern, action in rules:
        if wildcard_match(key, rule_key) and wildcard_match(subject, pattern):
            result = action
    return Decision.parse(result)


def _got(rules: list[tuple[str, str, str]], tool_id: str) -> list[Decision] | None:
    if tool_id.startswith("mcp:"):
        server, _, tool = tool_id[4:].partition("/")
        return [decide(rules, f"{server}_{tool}", "*")]
    if not KEYS[tool_id]:
        return None
    if tool_id == "bash":
        return [decide(rules, "bash", c) for c in SAMPLE_COMMANDS]
    return [max(decide(rules, key, "src/app.py") for key in KEYS[tool_id])]


def _source(agent: Agent, tool_id: str) -> list[Decision]:
    policy = agent.policy
    assert policy is not None
    if tool_id == "bash":
        return [policy.decide("bash", c) for c in SAMPLE_COMMANDS]
    return [policy.decide(tool_id)]


class OpencodeLab:
    client = CLIENT

    def check(self, lab: Lab, exported: Exported, work: Path) -> None:
        agents = exported.pack.for_target("opencode").agents
        folder, home = project(exported.root, work), work / "home"
        wanted = {s.name for s in parts.servers(exported.pack.manifest, "opencode")}
        if wanted:  # listed means the config was read; connecting is judged on a real server
            state = servers(lab, folder, home)
            assert set(state) == wanted, state
        modes = listed(lab, folder, home)
        wrong = {
            a.name: (a.mode.value, modes.get(a.name))
            for a in agents
            if modes.get(a.name) != a.mode.value
        }
        assert wrong == {}, wrong

        def debug(name: str) -> tuple[str, Any]:
            for wait in (0.5, 1.0, 2.0, 0.0):
                out = lab.run(lab.binary(CLIENT), ["debug", "agent", name], home, folder)
                # the clients share one HOME, and opencode's SQLite store refuses a second
                # writer for a moment ("database is locked", seen on a first run): retry
                if out.returncode == 0 or "database is locked" not in out.stderr or not wait:
                    break
                time.sleep(wait)
            assert out.returncode == 0, out.stderr
            return name, json.loads(out.stdout[out.stdout.index("{") :])

        with ThreadPoolExecutor(max_workers=4) as pool:
            resolved = dict(pool.map(debug, [a.name for a in agents]))
        narrowed = exported.narrowed("opencode")
        for agent in agents:
            if agent.policy is None:
                continue  # inherit: opencode's own defaults apply
            rules = [
                (r["permission"], r["pattern"], r["action"])
                for r in resolved[agent.name]["permission"]
            ]
            for tool_id in (*TOOLS, *(f"mcp:{m}" for m in SAMPLE_MCP)):
                got = _got(rules, tool_id)
                if got is None:
                    continue
                source = _source(agent, tool_id)
                where = f"{agent.name}: {tool_id}: opencode {got}, source {source}"
                assert all(g <= s for g, s in zip(got, source, strict=True)), where
                if got != source:
                    noted = {(agent.source.path, tool_id), (agent.source.path, "mcp:*")}
                    assert noted & narrowed, where
