"""A command may name a host's built-in agent in any host's spelling; each target writes
its own, and a host without that agent gets none (opencode would refuse the command)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentpack import api
from agentpack.targets import Registry
from tests.conftest import MakePack


@pytest.mark.parametrize(
    ("spelling", "claude", "opencode"),
    [
        ("general", "general-purpose", "general"),
        ("general-purpose", "general-purpose", "general"),
        ("Explore", "Explore", "explore"),
        ("explore", "Explore", "explore"),
        ("Plan", "Plan", "plan"),
        ("build", None, "build"),
        ("statusline-setup", "statusline-setup", None),
    ],
)
def test_every_spelling_names_one_builtin(
    spelling: str, claude: str | None, opencode: str | None
) -> None:
    registry = Registry(third_party=False)
    canonical = registry.spellings().get(spelling)
    assert canonical is not None
    native = [registry.get(t).host_agents.get(canonical) for t in ("claude", "opencode")]
    assert tuple(h.native if h else None for h in native) == (claude, opencode)


def test_case_matters_and_other_names_are_no_builtin() -> None:
    spellings = Registry(third_party=False).spellings()
    assert "EXPLORE" not in spellings  # Claude Code's types are case-sensitive
    assert "my-reviewer" not in spellings


def _command(agent: str, subtask: bool | None = None) -> str:
    sub = "" if subtask is None else f"subtask: {str(subtask).lower()}\n"
    return f"---\ndescription: Run in {agent}.\nagent: {agent}\n{sub}---\nDo $1.\n"


def _head(root: Path, target: str, name: str) -> str:
    text = (root / "dist" / target / "commands" / f"{name}.md").read_text(encoding="utf-8")
    return text.split("---\n")[1]


def test_each_target_writes_its_own_spelling(make_pack: MakePack) -> None:
    root = make_pack(
        {
            "commands/scan.md": _command("Explore"),
            "commands/help.md": _command("general"),
            "commands/plan-it.md": _command("plan"),
            "commands/build-it.md": _command("build", subtask=True),
            "commands/guide.md": _command("claude-code-guide"),
            "commands/mine.md": _command("helper"),
        }
    )
    result = api.export(root)

    # Claude Code: a subagent built-in forks by default, under Claude Code's name; build has
    # no Claude Code agent, so the fork runs on the default (general-purpose)
    assert _head(root, "claude", "scan").endswith("context: fork\nagent: Explore\n")
    assert _head(root, "claude", "help").endswith("context: fork\nagent: general-purpose\n")
    assert _head(root, "claude", "build-it").endswith("context: fork\n")
    assert _head(root, "claude", "guide").endswith("context: fork\nagent: claude-code-guide\n")
    assert "agent" not in _head(root, "claude", "plan-it")  # plan is primary: not forked

    # opencode: its own names; none for an agent it lacks, which it would refuse
    assert "agent: explore\n" in _head(root, "opencode", "scan")
    assert "agent: general\n" in _head(root, "opencode", "help")
    assert "agent: plan\n" in _head(root, "opencode", "plan-it")
    assert "agent: build\nsubtask: true\n" in _head(root, "opencode", "build-it")
    assert "agent" not in _head(root, "opencode", "guide")
    assert "agent: helper\n" in _head(root, "opencode", "mine")  # not a built-in: as written

    notes = {
        (f.path, f.message.split(":")[0])
        for f in result.findings
        if f.field == "agent" and not f.message.startswith(("codex:", "copilot:", "cursor:"))
    }
    assert notes == {
        ("commands/plan-it.md", "claude"),
        ("commands/guide.md", "opencode"),
        ("commands/mine.md", "claude"),  # not a subagent of the pack: not forked
        # and validation's warning (it may be an agent of the user's own)
        (
            "commands/mine.md",
            "'helper' is neither an agent of the pack nor a built-in agent "
            "of any tool; opencode will not run the command and Claude Code runs it in its "
            "default agent, unless the agent is one of your own there",
        ),
    }

    # Copilot's prompt files: VS Code's plan and agent modes; none for the others
    def prompt(name: str) -> str:
        path = root / "dist" / "copilot" / "prompts" / f"{name}.prompt.md"
        return path.read_text(encoding="utf-8").split("---\n")[1]

    assert "agent: plan\n" in prompt("plan-it")
    assert "agent: agent\n" in prompt("build-it")
    assert all("agent:" not in prompt(n) for n in ("scan", "help", "guide", "mine"))


def test_the_packs_own_agent_of_a_builtin_name_wins(make_pack: MakePack) -> None:
    agent = "---\nname: explore\ndescription: Our explorer.\nmode: primary\n---\nExplore.\n"
    root = make_pack({"agents/explore.md": agent, "commands/scan.md": _command("explore")})
    api.export(root)
    assert "agent" not in _head(root, "claude", "scan")  # a primary agent: not forked
    assert "agent: explore\n" in _head(root, "opencode", "scan")
