"""What the targets share: here, the note for ``!`command` `` lines a tool does not run."""

from __future__ import annotations

from pathlib import Path

from agentpack import api


def test_a_skills_shell_lines_are_said_where_they_are_not_run(tmp_path: Path) -> None:
    """Claude Code runs a skill's ``!`git status` `` before the model reads the skill; no
    other tool does, nor opencode (it runs them in a command's template only)."""
    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "skills" / "status").mkdir(parents=True)
    (pack / "skills" / "status" / "SKILL.md").write_text(
        "---\nname: status\ndescription: Says where the work stands.\n"
        "targets: [claude, opencode, codex, copilot, cursor, agentplugins]\n---\n"
        "Branch: !`git branch --show-current`\n"
    )
    every = ("claude", "opencode", "codex", "copilot", "cursor", "agentplugins")
    done = api.export(pack, every, tmp_path / "out", cache=False)
    said = {
        f.message.split(":")[0]
        for f in done.findings
        if f.path == "skills/status/SKILL.md" and "!`command`" in f.message
    }
    assert said == {"opencode", "codex", "copilot", "cursor", "agentplugins"}


def test_claude_codes_own_variables_in_a_skill_are_said_elsewhere(tmp_path: Path) -> None:
    """A real skill runs ``python3 ${CLAUDE_PLUGIN_ROOT}/skills/tutor/scripts/x.py``: only
    Claude Code fills the variable in, so every other target says it is left as text."""
    pack = tmp_path / "pack"
    api.init(pack)
    (pack / "skills" / "tutor").mkdir(parents=True)
    (pack / "skills" / "tutor" / "SKILL.md").write_text(
        "---\nname: tutor\ndescription: Teaches.\n"
        "targets: [claude, opencode, codex, copilot, cursor, agentplugins]\n---\n"
        "Run python3 ${CLAUDE_PLUGIN_ROOT}/skills/tutor/scripts/quiz.py first.\n"
    )
    every = ("claude", "opencode", "codex", "copilot", "cursor", "agentplugins")
    done = api.export(pack, every, tmp_path / "out", cache=False)
    said = {
        f.message.split(":")[0]
        for f in done.findings
        if f.path == "skills/tutor/SKILL.md" and "${CLAUDE_PLUGIN_ROOT}" in f.message
    }
    assert said == {"opencode", "codex", "copilot", "cursor", "agentplugins"}
