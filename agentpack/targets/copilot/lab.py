"""How the Copilot CLI itself judges the output, offline: it runs against a stand-in model
server on localhost (``COPILOT_OFFLINE`` with a BYOK provider), which needs no login and
records what the CLI sends.

- In a scratch repository holding the export as ``.github/``: ``copilot --agent '?'`` names
  every agent it loaded (one it cannot read is missing, with the reason in its log, which
  must hold no error and no "unknown field" warning about our files), and ``copilot skill
  list`` every skill.
- For each distinct tools list, ``copilot -p hi --agent <name>``: the tools the CLI offers
  the model must be what the target's effective model claims, tool by tool (allowed: some
  Copilot tool of it is offered; denied: none is).
- The pack's repository as a marketplace: ``plugin marketplace add`` and ``plugin install``
  take it (from the Copilot marketplace, not Claude Code's beside it), and the installed
  plugin gives every agent (``<plugin>:<agent>``), command and skill.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from agentpack.lab import ChatModel, Client, Exported, Lab, git_repo, model_server, tool_results
from agentpack.model import flat_name
from agentpack.permissions import Decision
from agentpack.targets import parts
from agentpack.targets.copilot.names import AGENTS, COMMANDS, PROMPTS, SKILLS
from agentpack.targets.copilot.plugin import MARKETPLACE

CLIENT = Client("@github/copilot", "1.0.102", "copilot", size_mb=190)

CANONICAL: Mapping[str, str] = {
    "view": "read",
    "create": "write",
    "edit": "edit",
    "grep": "grep",
    "glob": "glob",
    "bash": "bash",
    "read_bash": "bash",
    "stop_bash": "bash",
    "list_bash": "bash",
    "web_fetch": "webfetch",
    "web_search": "websearch",
    "task": "task",
    "read_agent": "task",
    "list_agents": "task",
    "write_agent": "task",
    "update_todo": "todo",
    "skill": "skill",
}
"""The CLI 1.0.102's tools (as the model sees them) -> the canonical tool each one is."""
SESSION = frozenset({"sql"})
"""Tools the CLI gives every agent that touch only the session's own state."""


class Session:
    """The CLI run offline against the stand-in model, in one home."""

    def __init__(self, lab: Lab, home: Path, url: str) -> None:
        self.lab, self.home = lab, home
        self.env = {
            "COPILOT_HOME": str(home / ".copilot"),
            "COPILOT_OFFLINE": "true",
            "COPILOT_PROVIDER_BASE_URL": url,
            "COPILOT_PROVIDER_API_KEY": "lab",
            "COPILOT_MODEL": "gpt-4.1",
        }

    @staticmethod
    def calling(lab: Lab, home: Path, project: Path, tool: str, arguments: dict[str, Any]) -> str:
        """The CLI run in ``project`` against a stand-in model that calls ``tool`` with
        ``arguments``: what it gave back as that call's result (a hook that blocked it says
        so there)."""
        answering = type("Calling", (ChatModel,), {"calls": (tool, arguments)})
        with model_server(answering, "/v1") as (url, requests):
            said = Session(lab, home, url).run(["-p", "go", "--allow-all-tools"], project)
            found = [str(r.get("content")) for q in requests for r in tool_results(q)]
            assert found, said[-2000:]
            return found[0]

    def run(self, args: list[str], cwd: Path) -> str:
        done = self.lab.run(self.lab.binary(CLIENT), args, self.home, cwd, env=self.env)
        return done.stdout + done.stderr

    def agents(self, cwd: Path, extra: list[str] | None = None) -> list[str]:
        """The agents the CLI loaded, as ``--agent`` names them."""
        text = self.run(["-p", "hi", "--agent", "?", *(extra or [])], cwd)
        found = re.search(r"No such agent: \?, available: (.*)$", text, re.MULTILINE)
        assert found is not None, text[-2000:]
        return [n.strip() for n in found.group(1).split(",") if n.strip()]

    def log(self) -> str:
        logs = self.home / ".copilot" / "logs"
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(logs.glob("*.log")))


def skills(listing: str, heading: str) -> set[str]:
    """The names ``copilot skill list`` prints under a heading (``Project skills:``)."""
    part = listing.partition(heading)[2].split("\n\n")[0]
    return {line.split(" - ")[0].strip() for line in part.splitlines() if line.startswith("  ")}


class CopilotLab:
    client = CLIENT

    def check(self, lab: Lab, exported: Exported, work: Path) -> None:
        dist = exported.dist("copilot")
        names = sorted(p.name.removesuffix(".agent.md") for p in (dist / AGENTS).glob("*.md"))
        project = git_repo(work / "project")
        for sub in (AGENTS, SKILLS, PROMPTS):
            if (dist / sub).is_dir():
                shutil.copytree(dist / sub, project / ".github" / sub)
        with model_server(ChatModel, "/v1") as (url, requests):
            session = Session(lab, work / "home", url)
            loaded = session.agents(project)
            assert sorted(set(names) - set(loaded)) == [], session.log()[-3000:]
            problems = [
                line
                for line in session.log().splitlines()
                if ".github/agents/" in line
                and ("[ERROR]" in line or ("unknown field" in line and "target" not in line))
            ]
            assert problems == [], problems
            listed = skills(session.run(["skill", "list"], project), "Project skills:")
            wanted = {p.parent.name for p in (dist / SKILLS).glob("*/SKILL.md")}
            assert wanted - listed == set(), f"Copilot did not load these skills: {wanted - listed}"
            self.tools(session, exported, project, requests)
            self.plugin(lab, exported, work / "plugin", url, names)

    def tools(
        self, session: Session, exported: Exported, project: Path, requests: list[dict[str, Any]]
    ) -> None:
        """Each distinct tools list once: what the CLI offers the model, against what the
        target claims the agent may do."""
        from agentpack.targets.copilot.permissions import agent_tools

        probe = project / ".github" / AGENTS / "agentpack-lab-all.agent.md"
        probe.write_text("---\ndescription: every tool\ntools: ['*']\n---\nprobe\n", "utf-8")
        every = self._offered(session, "agentpack-lab-all", project, requests)
        probe.unlink()
        here = {CANONICAL.get(name, "*") for name in every}  # offline: no web tools
        seen: set[str] = set()
        for agent in exported.pack.agents:
            called = flat_name(agent.name)  # Copilot's names hold no '/'
            path = project / ".github" / AGENTS / f"{called}.agent.md"
            if not path.is_file():
                continue
            claimed = agent_tools(agent.policy)
            key = json.dumps(claimed.tools)
            if key in seen:
                continue
            seen.add(key)
            offered = self._offered(session, called, project, requests)
            got = {CANONICAL.get(name, "*") for name in offered - SESSION}
            for tool, decision in claimed.effective.items():
                if decision is None or tool not in here:
                    continue
                assert (tool in got) == (decision is Decision.ALLOW), (
                    agent.name,
                    tool,
                    decision,
                    sorted(offered),
                )

    @staticmethod
    def _offered(
        session: Session, agent: str, project: Path, requests: list[dict[str, Any]]
    ) -> set[str]:
        """The tools the CLI offers the model for a session with ``agent``."""
        before = len(requests)
        session.run(["-p", "hi", "--agent", agent], project)
        assert len(requests) > before, f"the CLI asked no model for agent {agent}"
        return {t.get("function", t).get("name", "") for t in requests[before].get("tools", [])}

    def plugin(self, lab: Lab, exported: Exported, work: Path, url: str, names: list[str]) -> None:
        market = json.loads((exported.root / MARKETPLACE).read_text(encoding="utf-8"))
        plugin = market["plugins"][0]["name"]
        session = Session(lab, work / "home", url)
        empty = git_repo(work / "empty")
        added = session.run(["plugin", "marketplace", "add", str(exported.root)], empty)
        assert "added successfully" in added, added
        installed = session.run(["plugin", "install", f"{plugin}@{market['name']}"], empty)
        assert str(exported.dist("copilot")) in installed, installed
        loaded = session.agents(empty)
        missing = sorted({f"{plugin}:{n}" for n in names} - set(loaded))
        assert missing == [], f"the installed plugin lacks these agents: {missing}"
        dist = exported.dist("copilot")
        wanted = {p.parent.name for p in (dist / SKILLS).glob("*/SKILL.md")}
        wanted |= {p.stem for p in (dist / COMMANDS).glob("*.md")}
        servers = {s.name for s in parts.servers(exported.pack.manifest, "copilot")}
        if servers:
            found = json.loads(session.run(["mcp", "list", "--json"], empty))["mcpServers"]
            ours = {n for n, s in found.items() if s.get("sourcePlugin") == plugin}
            assert ours == servers, found
        listed = skills(session.run(["skill", "list"], empty), "Plugin skills:")
        assert wanted - listed == set(), (
            f"the plugin lacks these skills/commands: {wanted - listed}"
        )
