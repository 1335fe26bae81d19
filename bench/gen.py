"""A deterministic generator of synthetic packs, in agentpack's and rulesync's source formats.

N agents with realistic descriptions and 1-8 KB markdown bodies (headings, lists, code
fences, ``---`` rules), varied tool policies, model aliases and modes, plus N/5 commands. The
same names, descriptions and bodies are written as rulesync sources, so both tools do the
same work.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

from agentpack.targets import BUILTIN

WORDS = [
    "service",
    "api",
    "database",
    "cache",
    "queue",
    "latency",
    "throughput",
    "schema",
    "migration",
    "index",
    "shard",
    "replica",
    "token",
    "auth",
    "session",
    "request",
    "response",
    "retry",
    "timeout",
    "circuit",
    "breaker",
    "idempotent",
    "event",
    "stream",
    "consumer",
    "producer",
    "batch",
    "worker",
    "cron",
    "deploy",
    "rollback",
    "canary",
    "metric",
    "trace",
    "log",
    "alert",
    "budget",
    "review",
    "refactor",
    "test",
    "fixture",
    "mock",
    "contract",
    "endpoint",
    "handler",
    "middleware",
    "router",
    "payload",
]
DOMAINS = (
    "payments",
    "search",
    "billing",
    "auth",
    "inventory",
    "shipping",
    "analytics",
    "notifications",
    "catalog",
    "accounts",
)
ROLES = ("reviewer", "engineer", "architect", "tester", "migrator", "optimizer", "auditor")
POLICIES = (
    None,
    {"allow": ["read", "grep", "glob", "list"]},
    {"deny": ["write", "edit"]},
    {"allow": ["read", "grep", "glob"], "bash": {"git *": "allow", "rm *": "deny", "*": "ask"}},
    {"default": "ask", "allow": ["read"], "deny": ["webfetch"]},
    {"allow": ["read", "write", "edit", "bash", "grep", "glob", "todo"]},
)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, size: int) -> str:
    parts = [f"# {rng.choice(DOMAINS).title()} {rng.choice(ROLES)}\n"]
    while sum(map(len, parts)) < size:
        kind = rng.randrange(5)
        if kind == 0:
            parts.append(f"\n## {_sentence(rng, 3)[:-1]}\n")
        elif kind == 1:
            parts.append("\n" + "\n".join(f"- {_sentence(rng, 6)}" for _ in range(4)) + "\n")
        elif kind == 2:
            parts.append(
                f"\n```python\ndef {rng.choice(WORDS)}(x):\n    return x  # "
                f"{_sentence(rng, 4)}\n```\n"
            )
        elif kind == 3:
            parts.append("\n---\n")
        else:
            parts.append("\n" + " ".join(_sentence(rng, 12) for _ in range(4)) + "\n")
    return "".join(parts)


def _yaml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON is YAML: keeps the generator simple


def generate(root: Path, n: int, seed: int = 1) -> Path:
    """Write an agentpack pack and rulesync sources for the same content under ``root``."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    pack, rules = root / "pack", root / "rulesync"
    for folder in (
        pack / "agents",
        pack / "commands",
        rules / ".rulesync" / "subagents",
        rules / ".rulesync" / "commands",
    ):
        folder.mkdir(parents=True)
    (pack / "agentpack.yaml").write_text(
        "name: bench-pack\nversion: 1.0.0\ndescription: Synthetic pack for benchmarks.\n"
        f"targets: [{', '.join(BUILTIN)}]\n"
    )
    for i in range(n):
        name = f"{rng.choice(DOMAINS)}-{rng.choice(ROLES)}-{i:05d}"
        description = f"Use this agent for {rng.choice(DOMAINS)} work: {_sentence(rng, 14)}"
        body = _body(rng, rng.randrange(1024, 8192))
        model = rng.choice(("sonnet", "haiku", "opus", "inherit"))
        mode = rng.choice(("subagent", "subagent", "primary", "all"))
        policy = rng.choice(POLICIES)
        lines = [
            f"name: {name}",
            f"description: {_yaml(description)}",
            f"mode: {mode}",
            f"model: {model}",
        ]
        if policy is not None:
            lines.append(f"tools: {_yaml(policy)}")
        (pack / "agents" / f"{name}.md").write_text("---\n" + "\n".join(lines) + "\n---\n" + body)
        rules_fm = [
            f"name: {name}",
            'targets: ["*"]',
            f"description: {_yaml(description)}",
            "claudecode:",
            f"  model: {model}",
            "opencode:",
            f"  mode: {mode}",
        ]
        (rules / ".rulesync" / "subagents" / f"{name}.md").write_text(
            "---\n" + "\n".join(rules_fm) + "\n---\n" + body
        )
    for i in range(n // 5):
        name = f"cmd-{i:05d}"
        description = _sentence(rng, 8)
        body = _body(rng, rng.randrange(512, 2048)) + "\nArguments: $ARGUMENTS\n"
        (pack / "commands" / f"{name}.md").write_text(
            f"---\ndescription: {_yaml(description)}\n---\n{body}"
        )
        (rules / ".rulesync" / "commands" / f"{name}.md").write_text(
            f'---\ntargets: ["*"]\ndescription: {_yaml(description)}\n---\n{body}'
        )
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args()
    generate(args.root, args.n)


if __name__ == "__main__":
    main()
