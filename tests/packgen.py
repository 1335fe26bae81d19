"""A deterministic generator of packs full of hostile strings and varied policies.

Used by the conformance lab (the real clients must accept every file) and by property tests.
"""

from __future__ import annotations

import random
from pathlib import Path

from agentpack import emit

HOSTILE = (
    "quotes \" and ' inside",
    "a: colon and a #hash",
    "--- three dashes --- and ----",
    "- leading dash",
    "? leading question",
    "& leading ampersand",
    "* leading star",
    "yes",
    "no",
    "null",
    "~",
    "1e3",
    "0o17",
    "2025-09-10",
    "[brackets] and {braces}",
    "$ARGUMENTS and $1 and {{args}}",
    "!`git status` backticks",
    "unicode: café, naïve, 日本語",
    "emoji 🚀🔥",
    "rtl \u200f mark and \u202e override",
    "multi\nline\n  indented\nend",
    "trailing newline\n",
    "x" * 3000,
    "% percent @ at `tick",
    "tab\tinside",
)
TOOL_IDS = (
    "read",
    "write",
    "edit",
    "glob",
    "grep",
    "list",
    "bash",
    "webfetch",
    "websearch",
    "todo",
    "task",
    "notebook",
    "skill",
    "mcp:github",
    "mcp:github/delete_repo",
)
PATTERNS = ("git status*", "git diff *", "rm *", "npm run *", "ls", "*")


def _policy(rng: random.Random) -> dict[str, object] | None:
    kind = rng.randrange(6)
    if kind == 0:
        return None
    ids = rng.sample(TOOL_IDS, rng.randrange(0, 8))
    lists: dict[str, list[str]] = {"allow": [], "ask": [], "deny": []}
    for tool_id in ids:
        lists[rng.choice(("allow", "ask", "deny"))].append(tool_id)
    policy: dict[str, object] = {k: v for k, v in lists.items() if v}
    if kind == 1:
        policy["allow"] = lists["allow"]  # an allow list, possibly empty
    if kind == 2:
        policy["default"] = rng.choice(("allow", "ask", "deny"))
    if kind in (3, 4):
        patterns = rng.sample(PATTERNS, rng.randrange(1, 4))
        if "bash" in ids:
            patterns = [p for p in patterns if p != "*"]
        policy["bash"] = {p: rng.choice(("allow", "ask", "deny")) for p in patterns}
    return policy or {"default": "deny"}


def write_pack(root: Path, agents: int = 50, seed: int = 7) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    manifest = {
        "name": "hostile-pack",
        "version": "1.0.0",
        "description": "Hostile strings: " + " | ".join(HOSTILE[:6]),
        "author": {"name": 'Tester "the" --- one'},
        "keywords": ["yes", "1e3"],
    }
    (root / "agentpack.yaml").write_text(emit.yaml_mapping(manifest) + "\n", encoding="utf-8")
    (root / "agents").mkdir(exist_ok=True)
    for i in range(agents):
        text = HOSTILE[i % len(HOSTILE)]
        fields: dict[str, object] = {
            "name": f"agent-{i:03d}",
            "description": f"Agent {i}: {text}",
            "mode": rng.choice(("subagent", "primary", "all")),
        }
        if i % 3 == 0:
            fields["examples"] = [
                {
                    "context": text,
                    "user": HOSTILE[(i + 1) % len(HOSTILE)],
                    "assistant": "Use it --- now",
                    "commentary": text,
                }
            ]
        if i % 4 == 0:
            fields["model"] = rng.choice(("sonnet", "haiku", "opus", "inherit"))
        if i % 5 == 0:
            fields["color"] = rng.choice(("red", "cyan", "#A0B1C2"))
        policy = _policy(rng)
        if policy is not None:
            fields["tools"] = policy
        fields["metadata"] = {"note": text}
        body = f"# Agent {i}\n\n{text}\n\n---\n\nEnd with $ARGUMENTS.\n"
        (root / "agents" / f"agent-{i:03d}.md").write_text(
            emit.frontmatter(fields, body), encoding="utf-8"
        )
    (root / "commands").mkdir(exist_ok=True)
    for i in range(max(1, agents // 5)):
        text = HOSTILE[(i * 7) % len(HOSTILE)]
        fields = {
            "description": f"Command {i}: {text}",
            "argument_hint": text,
            "allowed_tools": ["read", "bash(git log *)"],
            "agent": f"agent-{i:03d}",
            "subtask": bool(i % 2),
        }
        (root / "commands" / f"cmd-{i:03d}.md").write_text(
            emit.frontmatter(fields, f"Do $1 then $2: {text}\n"), encoding="utf-8"
        )
    skill = root / "skills" / "hostile-skill"
    skill.mkdir(parents=True, exist_ok=True)
    (skill / "SKILL.md").write_text(
        emit.frontmatter(
            {"name": "hostile-skill", "description": "Skill: " + HOSTILE[2], "license": "MIT"},
            "Use it.\n",
        ),
        encoding="utf-8",
    )
    (skill / "data.bin").write_bytes(bytes(range(256)))
    return root
