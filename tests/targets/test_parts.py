"""The shell commands that run a pack's hooks: whatever folder the pack is installed in, the
shell finds the script there, and expands only the tool's own variable."""

from __future__ import annotations

import subprocess

from hypothesis import given, settings
from hypothesis import strategies as st

from agentpack.model import Hook, SourceRef
from agentpack.targets.parts import command

HOOK = Hook("guard", SourceRef("hooks/guard.yaml", 1), "before_tool", "hooks/guard.py", "sh")
folders = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\x00"),
    min_size=1,
    max_size=12,
)


def _run(line: str, env: dict[str, str] | None = None) -> str:
    """The path the shell hands the interpreter, with ``printf`` in its place."""
    shown = "printf %s " + line.removeprefix(f"{HOOK.interpreter} ")
    done = subprocess.run(["sh", "-c", shown], capture_output=True, text=True, env=env, check=True)
    return done.stdout


@settings(max_examples=60, deadline=None)
@given(folders)
def test_an_installed_packs_folder_reaches_the_script_as_it_is(name: str) -> None:
    """A project in ``~/src/price$list``: its hook ran ``python3`` on ``~/src/price/...``,
    which failed with 2, so every shell call of the tool was blocked."""
    root = f"/home/u/{name}/.codex/agentpack/p"
    assert _run(command(HOOK, root)) == f"{root}/hooks/guard.py"


def test_the_tools_own_variable_is_expanded() -> None:
    for root in ("${PLUGIN_DIR}", "$PLUGIN_DIR/.claude/x$y"):
        line = command(HOOK, root)
        found = _run(line, {"PLUGIN_DIR": "/opt/p", "y": "nope", "PATH": "/usr/bin:/bin"})
        assert found == root.replace("${PLUGIN_DIR}", "/opt/p").replace("$PLUGIN_DIR", "/opt/p") + (
            "/hooks/guard.py"
        )
