"""How Claude Code itself judges the output: ``claude plugin validate --strict`` on every
plugin and on the marketplace, then, in a throwaway home, ``plugin marketplace add``,
``plugin install`` and ``plugin details``, whose inventory must list every agent, command and
skill of each plugin."""

from __future__ import annotations

import json
import re
from pathlib import Path

from agentpack.lab import Client, Exported, Lab
from agentpack.model import Pack, flat_name
from agentpack.targets import parts
from agentpack.targets.claude.plugin import MARKETPLACE
from agentpack.targets.claude.servers import server_plugin

CLIENT = Client("@anthropic-ai/claude-code", "2.1.332", "claude", size_mb=390)


def inventory(details: str, kind: str) -> set[str]:
    """The names ``claude plugin details`` lists under ``Agents (N)``, ``Skills (N)``,
    ``Hooks (N)`` (events) or ``MCP servers (N)``, without its remarks in parentheses."""
    match = re.search(rf"^[ \t]*{kind} \(\d+\)[ \t]*(.*)$", details, re.MULTILINE)
    listed = match.group(1).split("  (")[0] if match else ""
    return {name.strip() for name in listed.split(",") if name.strip()}


def connected(lab: Lab, home: Path, cwd: Path) -> dict[str, bool]:
    """Server name -> whether ``claude mcp list`` could connect to it."""
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
