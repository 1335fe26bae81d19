"""What the targets share: here, the notes for what a command or skill asks of Claude Code
that another tool does not do."""

from __future__ import annotations

from pathlib import Path

from agentpack import api

EVERY = ("claude", "opencode", "codex", "copilot", "cursor", "agentplugins")


def _saying(tmp_path: Path, body: str, words: str, head: str = "") -> set[str]:
    """The targets that note ``words`` about a skill with ``body`` (and ``head`` in its
    frontmatter), built for every one."""
    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "skills" / "tool").mkdir(parents=True)
    (pack / "skills" / "tool" / "SKILL.md").write_text(
        f"---\nname: tool\ndescription: Helps.\ntargets: [{', '.join(EVERY)}]\n{head}---\n{body}"
    )
    done = api.export(pack, EVERY, tmp_path / "out", cache=False)
    return {
        f.message.split(":")[0]
        for f in done.findings
        if f.path == "skills/tool/SKILL.md" and words in f.message
    }


def test_a_skills_shell_lines_are_said_where_they_are_not_run(tmp_path: Path) -> None:
    """Claude Code runs a skill's ``!`git status` `` before the model reads the skill; no
    other tool does, nor opencode (it runs them in a command's template only)."""
    said = _saying(tmp_path, "Branch: !`git branch --show-current`\n", "!`command`")
    assert said == set(EVERY) - {"claude"}


def test_claude_codes_own_variables_in_a_skill_are_said_elsewhere(tmp_path: Path) -> None:
    """A real skill runs ``python3 ${CLAUDE_PLUGIN_ROOT}/skills/tutor/scripts/x.py``: only
    Claude Code fills the variable in, so every other target says it is left as text."""
    body = "Run python3 ${CLAUDE_PLUGIN_ROOT}/skills/tool/scripts/quiz.py first.\n"
    assert _saying(tmp_path, body, "${CLAUDE_PLUGIN_ROOT}") == set(EVERY) - {"claude"}
    bare = "Run python3 $CLAUDE_PLUGIN_ROOT/skills/tool/scripts/quiz.py first.\n"
    assert _saying(tmp_path / "bare", bare, "$CLAUDE_PLUGIN_ROOT") == set(EVERY) - {"claude"}


def test_a_skills_claude_guards_are_said_to_be_lost_elsewhere(tmp_path: Path) -> None:
    """A real skill says ``disallowed-tools: Bash(gh pr merge:*)``: Claude Code takes the
    command away while the skill runs; other tools read no claude block, so each warns."""
    head = "claude:\n  disallowed-tools: Bash(gh pr merge:*) Bash(git tag:*)\n"
    said = _saying(tmp_path, "Update.\n", "unguarded: Claude Code takes tools away", head)
    assert said == set(EVERY) - {"claude"}
    head = "claude:\n  hooks: {PreToolUse: []}\n"
    said = _saying(tmp_path / "hooks", "Update.\n", "unguarded: Claude Code runs its hooks", head)
    assert said == set(EVERY) - {"claude"}
    head = "claude:\n  context: fork\n  agent: Explore\n"
    said = _saying(tmp_path / "fork", "Look.\n", "subagent of its own (Explore", head)
    assert said == set(EVERY) - {"claude"}
    head = "claude:\n  context: fork\n"
    said = _saying(tmp_path / "plain", "Look.\n", "(general-purpose, context: fork)", head)
    assert said == set(EVERY) - {"claude"}


def test_an_agents_own_guard_hooks_are_said_to_be_lost_elsewhere(tmp_path: Path) -> None:
    """A real agent in .claude/agents guards its Bash with a PreToolUse hook of its own
    (its claude: block): no other tool runs it, so each that takes agents warns."""
    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "agents" / "guarded.md").write_text(
        f"---\nname: guarded\ndescription: Git only.\ntargets: [{', '.join(EVERY)}]\n"
        "claude:\n  hooks:\n    PreToolUse:\n      - matcher: Bash\n        hooks:\n"
        "          - {type: command, command: ./only-git.sh}\n---\nUse git.\n"
    )
    done = api.export(pack, EVERY, tmp_path / "out", cache=False)
    said = {
        f.message.split(":")[0]
        for f in done.findings
        if f.field == "claude.hooks" and "does not run them" in f.message
    }
    assert said == {"opencode", "codex", "copilot", "cursor"}


def test_a_commands_shell_block_is_said_where_it_is_not_run(tmp_path: Path) -> None:
    """Claude Code runs a ```` ```! ```` block of a command; opencode runs only the inline
    ``!`cmd` `` form, and sends the block as text: said for it too."""
    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "commands" / "st.md").write_text(
        "---\ndescription: d\nallowed_tools: ['bash(git status *)']\n"
        f"targets: [{', '.join(EVERY)}]\n---\n```!\ngit status\n```\nSummarize.\n"
    )
    done = api.export(pack, EVERY, tmp_path / "out", cache=False)
    said = {f.message.split(":")[0] for f in done.findings if "```! blocks" in f.message}
    assert said == {"opencode", "codex", "copilot", "cursor"}


def test_a_commands_file_references_are_said_where_they_are_not_read(tmp_path: Path) -> None:
    """Claude Code and opencode put ``@src/app.ts`` in a command's prompt; Codex, VS Code
    and Cursor give the model the path as text (seen with their commands). An npm scope
    (``@types/node``) or an address is no file."""
    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "commands" / "fix.md").write_text(
        f"---\ndescription: d\ntargets: [{', '.join(EVERY)}]\n---\n"
        "Fix @src/app.ts (see @types/node, mail a@b.com).\n"
    )
    done = api.export(pack, EVERY, tmp_path / "out", cache=False)
    said = {f.message.split(":")[0] for f in done.findings if "@file references" in f.message}
    assert said == {"codex", "copilot", "cursor"}
