"""Hooks read from a plugin's hooks.json: a launcher's arguments and the files it starts
come along, and the exported command still runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from agentpack import api
from tests.helpers import imported

LAUNCHER = b"""\
: << 'CMDBLOCK'
@echo off
CMDBLOCK
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)"
SCRIPT_NAME="$1"
shift
"${SCRIPT_DIR}/${SCRIPT_NAME}" "$@"
"""
"""A polyglot launcher with no ``#!`` line that runs the script its argument names."""


def _plugin(root: Path, hooks: object, files: dict[str, bytes]) -> Path:
    (root / ".claude-plugin").mkdir(parents=True)
    (root / ".claude-plugin" / "plugin.json").write_text('{"name": "p", "version": "1.0.0"}')
    (root / "hooks").mkdir()
    (root / "hooks" / "hooks.json").write_text(json.dumps({"hooks": hooks}))
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o755)
    return root


def _session(command: str) -> dict[str, object]:
    hook = {"type": "command", "command": command}
    return {"SessionStart": [{"matcher": "startup|resume", "hooks": [hook]}]}


def test_a_launcher_comes_with_its_argument_and_the_script_it_starts(tmp_path: Path) -> None:
    """The superpowers shape: a wrapper with no #! line that Claude Code's bash runs, given
    the name of the script beside it."""
    files = {
        "hooks/run-hook.cmd": LAUNCHER,
        "hooks/session-start": b'#!/usr/bin/env bash\necho "{\\"started\\": true}"\n',
    }
    hooks = _session('"${CLAUDE_PLUGIN_ROOT}/hooks/run-hook.cmd" session-start')
    _, loaded = imported(_plugin(tmp_path / "p", hooks, files), tmp_path / "pack")
    (hook,) = loaded.manifest.hooks
    assert (hook.name, hook.event, hook.run, hook.interpreter, hook.args, hook.files) == (
        "session-start",
        "session_start",
        "hooks/run-hook.cmd",
        "bash",
        ("session-start",),
        ("hooks/session-start",),
    )
    assert (tmp_path / "pack" / "hooks" / "session-start").read_bytes() == files[
        "hooks/session-start"
    ]
    assert os.access(tmp_path / "pack" / "hooks" / "session-start", os.X_OK)


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash to run the exported hook")
def test_the_exported_hook_runs_the_launched_script(tmp_path: Path) -> None:
    """Claude Code runs a hook's command with bash after putting the plugin's folder for
    ${CLAUDE_PLUGIN_ROOT}: the exported command, run that way, reaches the script."""
    files = {
        "hooks/run-hook.cmd": LAUNCHER,
        "hooks/session-start": b"#!/usr/bin/env bash\necho launched-$0\n",
    }
    hooks = _session('"${CLAUDE_PLUGIN_ROOT}/hooks/run-hook.cmd" session-start')
    api.import_(_plugin(tmp_path / "p", hooks, files), tmp_path / "pack")
    api.export(tmp_path / "pack", ("claude",), tmp_path / "dist", cache=False)
    plugin = tmp_path / "dist" / "claude"
    document = json.loads((plugin / "hooks" / "hooks.json").read_text())
    command = document["hooks"]["SessionStart"][0]["hooks"][0]["command"]
    assert command == 'bash "${CLAUDE_PLUGIN_ROOT}/hooks/run-hook.cmd" session-start'
    done = subprocess.run(
        ["bash", "-c", command.replace("${CLAUDE_PLUGIN_ROOT}", str(plugin))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().endswith("hooks/session-start")


def test_a_python_launch_brings_the_modules_it_imports(tmp_path: Path) -> None:
    """The SonarSource shape: ``sh run-hook setup`` runs setup.py, which imports a module
    beside it; a module that is a folder cannot come and is said to be left out."""
    files = {
        "scripts/run-hook": b'#!/bin/sh\nexec python3 "$(dirname "$0")/$1.py"\n',
        "scripts/setup.py": b"import _common\nfrom helpers.x import y\n",
        "scripts/_common.py": b"import json\n",
        "scripts/helpers/x.py": b"y = 1\n",
        "scripts/other.py": b"",
    }
    hooks = _session('sh "${CLAUDE_PLUGIN_ROOT}/scripts/run-hook" setup')
    result, loaded = imported(_plugin(tmp_path / "p", hooks, files), tmp_path / "pack")
    (hook,) = loaded.manifest.hooks
    assert (hook.name, hook.interpreter, hook.args) == ("setup", "sh", ("setup",))
    assert sorted(hook.files) == ["scripts/_common.py", "scripts/setup.py"]
    dropped = [d for r in result.reports for d in r.dropped]
    assert any(d.startswith("scripts/helpers/ (a module scripts/setup.py imports") for d in dropped)
    assert not (tmp_path / "pack" / "scripts" / "other.py").exists()


@pytest.mark.parametrize(
    ("command", "why"),
    [
        ('"${CLAUDE_PLUGIN_ROOT}/hooks/x.sh" "$HOME"', "its arguments are not plain words"),
        ('"${CLAUDE_PLUGIN_ROOT}/hooks/x.sh" "a b"', "its arguments are not plain words"),
        ('python3 -u "${CLAUDE_PLUGIN_ROOT}/hooks/x.sh"', "it gives options to the program"),
        ('/usr/bin/env python3 "${CLAUDE_PLUGIN_ROOT}/hooks/x.sh"', "it gives options to"),
        ('"${CLAUDE_PLUGIN_ROOT}/hooks/x.sh" "${CLAUDE_PLUGIN_ROOT}/y"', "more than one file"),
    ],
)
def test_a_hook_a_pack_cannot_run_alike_is_left_out_and_said(
    tmp_path: Path, command: str, why: str
) -> None:
    files = {"hooks/x.sh": b"#!/bin/sh\n", "y": b""}
    result = api.import_(_plugin(tmp_path / "p", _session(command), files), tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    assert api.load_pack(tmp_path / "pack").manifest.hooks == ()
    dropped = [d for r in result.reports for d in r.dropped]
    assert any(why in d for d in dropped), dropped


def test_an_interpreter_named_by_its_path_is_named_alone(tmp_path: Path) -> None:
    files = {"hooks/x.sh": b"echo hi\n"}
    hooks = _session('/bin/bash "${CLAUDE_PLUGIN_ROOT}/hooks/x.sh" --quiet')
    _, loaded = imported(_plugin(tmp_path / "p", hooks, files), tmp_path / "pack")
    (hook,) = loaded.manifest.hooks
    assert (hook.interpreter, hook.args, hook.files) == ("bash", ("--quiet",), ())


def test_a_hooks_files_description_goes_to_each_hook(tmp_path: Path) -> None:
    """A real plugin's hooks.json says what its hooks are for; it was lost without a word,
    and so were its exec form's empty ``args``."""
    files = {"hooks/discover.sh": b"#!/bin/bash\necho found\n"}
    hook = {"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/hooks/discover.sh", "args": []}
    plugin = _plugin(tmp_path / "p", {"SessionStart": [{"hooks": [hook]}]}, files)
    document = {
        "description": "Finds the project's tools.",
        "hooks": {"SessionStart": [{"hooks": [hook]}]},
        "x": 1,
    }
    (plugin / "hooks" / "hooks.json").write_text(json.dumps(document))
    result, loaded = imported(plugin, tmp_path / "pack")
    (found,) = loaded.manifest.hooks
    assert (found.description, found.interpreter, found.args) == (
        "Finds the project's tools.",
        "bash",
        (),
    )
    dropped = [d for r in result.reports for d in r.dropped]
    assert dropped == ["x (not a field of a hooks file)"]


def test_a_file_beside_the_script_that_its_text_names_comes_along(tmp_path: Path) -> None:
    """A real observer hook runs ``python3 "$PLUGIN_ROOT/scripts/work_root.py" ensure``
    under ``set -e``: carried without that file, it exits 2 and blocks every tool call."""
    files = {
        "scripts/hook_record.sh": b"#!/usr/bin/env bash\nset -euo pipefail\n"
        b'ROOT="$(dirname "$0")/.."\npython3 "$ROOT/scripts/work_root.py" ensure\n',
        "scripts/work_root.py": b"import sys\nsys.exit(0)\n",
        "scripts/unrelated.py": b"",
    }
    hook = {"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/scripts/hook_record.sh PreToolUse"}
    plugin = _plugin(tmp_path / "p", {"PreToolUse": [{"matcher": ".*", "hooks": [hook]}]}, files)
    _, loaded = imported(plugin, tmp_path / "pack")
    (found,) = loaded.manifest.hooks
    assert (found.args, found.files) == (("PreToolUse",), ("scripts/work_root.py",))


def test_the_same_script_for_two_session_matchers_is_one_hook(tmp_path: Path) -> None:
    """A real plugin runs one script at SessionStart for startup and again for resume; a
    pack's session_start hook has no matcher, so two of them would run twice each time."""
    files = {"hooks/journal.sh": b"#!/bin/sh\necho hi\n"}
    hook = {"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/hooks/journal.sh"}
    groups = [{"matcher": m, "hooks": [hook]} for m in ("startup", "resume")]
    result = api.import_(
        _plugin(tmp_path / "p", {"SessionStart": groups}, files), tmp_path / "pack"
    )
    assert not result.failed, [str(f) for f in result.findings]
    assert [h.name for h in api.load_pack(tmp_path / "pack").manifest.hooks] == ["journal"]
    said = [a for r in result.reports for a in r.approximated]
    assert any("again (one hook of the pack" in a for a in said)


def test_what_a_script_names_that_a_pack_may_not_hold_stays_behind(tmp_path: Path) -> None:
    """A script that sources ``.env`` (a token), reads ``rules.yaml`` beside it (which the
    pack's hooks/ folder would take for a hook) or runs ``../lib/helper``: the first two
    stay behind, said; the third comes at its own path."""
    files = {
        "hooks/start.sh": b'#!/bin/sh\n. "$(dirname "$0")/.env"\ncat rules.yaml\n'
        b'"$(dirname "$0")/../lib/helper"\n',
        "hooks/.env": b"GITHUB_TOKEN=ghp_" + b"a1B2c3D4e5" * 4 + b"\n",
        "hooks/rules.yaml": b"rules: []\n",
        "lib/helper": b"#!/bin/sh\n",
    }
    hook = {"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/hooks/start.sh ../lib/helper"}
    plugin = _plugin(tmp_path / "p", {"Stop": [{"hooks": [hook]}]}, files)
    result, loaded = imported(plugin, tmp_path / "pack")
    (found,) = loaded.manifest.hooks
    assert found.files == ("lib/helper",)
    assert not (tmp_path / "pack" / "hooks" / ".env").exists()
    dropped = [d.split(" (")[0] for r in result.reports for d in r.dropped]
    assert {"hooks/.env", "hooks/rules.yaml"} <= set(dropped)


def test_a_compiled_hook_is_left_out_and_said(tmp_path: Path) -> None:
    """A program with no #! line, run through bash, exits 126, not 2: as a guard it would
    let every call through."""
    files = {"bin/guard": b"\x7fELF\x02\x01\x01" + bytes(64)}
    hook = {"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/bin/guard"}
    plugin = _plugin(tmp_path / "p", {"PreToolUse": [{"matcher": "Bash", "hooks": [hook]}]}, files)
    result = api.import_(plugin, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    assert api.load_pack(tmp_path / "pack").manifest.hooks == ()
    assert any("a compiled program" in d for r in result.reports for d in r.dropped)


def _plugin_hooks(tmp_path: Path, document: object) -> api.ImportResult:
    plugin = tmp_path / "plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "p"}')
    (plugin / "hooks").mkdir()
    (plugin / "hooks" / "guard.sh").write_text("#!/bin/sh\nexit 0\n")
    (plugin / "hooks" / "hooks.json").write_text(json.dumps(document))
    return api.import_(plugin, tmp_path / "pack")


def test_a_hooks_file_without_its_hooks_object_is_read_and_said(tmp_path: Path) -> None:
    """Claude Code refuses a hooks.json whose events are not inside ``hooks``, so none of
    its hooks ran there: read all the same (what its author meant), and said."""
    group = {
        "matcher": "Bash",
        "hooks": [{"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh"}],
    }
    result = _plugin_hooks(tmp_path, {"description": "Guards.", "PreToolUse": [group]})
    assert not result.failed, [str(f) for f in result.findings]
    (hook,) = api.load_pack(tmp_path / "pack").manifest.hooks
    assert hook.description == "Guards."
    said = [a for r in result.reports for a in r.approximated]
    assert any('no top-level "hooks" object' in a for a in said), said
    assert not [d for r in result.reports for d in r.dropped]


def test_a_hooks_module_is_said_to_be_left_behind(tmp_path: Path) -> None:
    """A hooks.json may name a hooks module (code that registers hooks with Claude Code):
    a pack carries no such code, which is said, not called an unknown field."""
    result = _plugin_hooks(tmp_path, {"modules": ["./guard.mjs"]})
    dropped = [d for r in result.reports for d in r.dropped]
    assert any(d.startswith("modules (a hooks module") for d in dropped), dropped
    assert not api.load_pack(tmp_path / "pack").manifest.hooks


def test_a_marketplace_entrys_inline_hooks_are_the_events_alone(tmp_path: Path) -> None:
    """A ``strict: false`` entry (or a plugin.json) holds its hooks as the events alone,
    which Claude Code loads: nothing to say about a missing ``hooks`` object."""
    market = tmp_path / "m"
    (market / ".claude-plugin").mkdir(parents=True)
    (market / "kit" / "scripts").mkdir(parents=True)
    (market / "kit" / "scripts" / "check.sh").write_text("#!/bin/sh\nexit 0\n")
    command = {"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/scripts/check.sh"}
    entry = {
        "name": "kit",
        "source": "./kit",
        "strict": False,
        "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [command]}]},
    }
    marketplace = {"name": "m", "owner": {"name": "o"}, "plugins": [entry]}
    (market / ".claude-plugin" / "marketplace.json").write_text(json.dumps(marketplace))
    result = api.import_(market, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    assert len(api.load_pack(tmp_path / "pack").manifest.hooks) == 1
    assert not [a for r in result.reports for a in r.approximated if "top-level" in a]


def test_two_plugins_scripts_of_one_path_both_come_along(tmp_path: Path) -> None:
    """anthropics/claude-code's explanatory- and learning-output-style plugins each run
    their own ``hooks-handlers/session-start.sh``: the second plugin's hook was taken for
    the first's (the same hook, configured twice) and its script lost. It comes along
    under its plugin's name, and its hook runs it there."""
    market = tmp_path / "m"
    (market / ".claude-plugin").mkdir(parents=True)
    entries = []
    for name in ("explanatory", "learning"):
        plugin = market / "plugins" / name
        (plugin / "hooks-handlers").mkdir(parents=True)
        (plugin / "hooks-handlers" / "session-start.sh").write_text(f"#!/bin/sh\necho {name}\n")
        command = {
            "type": "command",
            "command": 'bash "${CLAUDE_PLUGIN_ROOT}/hooks-handlers/session-start.sh"',
        }
        (plugin / "hooks").mkdir()
        (plugin / "hooks" / "hooks.json").write_text(
            json.dumps({"hooks": {"SessionStart": [{"hooks": [command]}]}})
        )
        entries.append({"name": name, "source": f"./plugins/{name}"})
    marketplace = {"name": "m", "owner": {"name": "o"}, "plugins": entries}
    (market / ".claude-plugin" / "marketplace.json").write_text(json.dumps(marketplace))
    _, loaded = imported(market, tmp_path / "pack")
    hooks = loaded.manifest.hooks
    assert sorted(h.run for h in hooks) == [
        "hooks-handlers/session-start.sh",
        "learning/hooks-handlers/session-start.sh",
    ]
    moved = tmp_path / "pack" / "learning" / "hooks-handlers" / "session-start.sh"
    assert moved.read_text() == "#!/bin/sh\necho learning\n"


def test_a_guard_comes_with_the_files_its_scripts_load_and_still_blocks(tmp_path: Path) -> None:
    """1Password's guard runs ``bin/run-hook.sh <name>``, which sources
    ``${REPO_ROOT}/lib/logging.sh`` and runs ``hooks/${1}/hook.sh``: only the launcher came
    along, so the exported guard failed with exit 1, which lets the Bash call through."""
    files = {
        "bin/run-hook.sh": b"#!/bin/bash\nset -euo pipefail\n"
        b'ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"\n'
        b'source "${ROOT}/lib/logging.sh"\ncat | bash "${ROOT}/hooks/${1}/hook.sh"\n',
        "hooks/check-env/hook.sh": b'#!/bin/bash\nsource "$(dirname "$0")/../../lib/logging.sh"\n'
        b"log denied; exit 2\n",
        "lib/logging.sh": b'log() { echo "$@" >&2; }\n',
        "lib/unused.sh": b"exit 0\n",
    }
    hooks = {
        "PreToolUse": [
            {
                "matcher": "Bash",
                "hooks": [
                    {
                        "type": "command",
                        "command": '"${CLAUDE_PLUGIN_ROOT}"/bin/run-hook.sh check-env',
                    }
                ],
            }
        ]
    }
    imported(_plugin(tmp_path / "p", hooks, files), tmp_path / "pack")
    carried = sorted(
        p.relative_to(tmp_path / "pack").as_posix() for p in (tmp_path / "pack").rglob("*.sh")
    )
    assert carried == ["bin/run-hook.sh", "hooks/check-env/hook.sh", "lib/logging.sh"]
    api.export(tmp_path / "pack", ("claude",), tmp_path / "dist", cache=False)
    plugin = tmp_path / "dist" / "claude"
    document = json.loads((plugin / "hooks" / "hooks.json").read_text())
    command = document["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    done = subprocess.run(
        ["bash", "-c", command.replace("${CLAUDE_PLUGIN_ROOT}", str(plugin))],
        input='{"tool_name": "Bash"}',
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr.strip()) == (2, "denied")


def test_a_timeout_longer_than_a_pack_hook_waits_is_read_as_the_longest(tmp_path: Path) -> None:
    """Real plugins give 60000 (milliseconds meant; Claude Code takes seconds): the whole
    import failed on the pack's bound of 600 seconds, at a hook file not yet written."""
    handler = {
        "type": "command",
        "command": "${CLAUDE_PLUGIN_ROOT}/hooks/check.sh",
        "timeout": 60000,
    }
    hooks = {"PostToolUse": [{"matcher": "Edit", "hooks": [handler]}]}
    plugin = _plugin(tmp_path / "p", hooks, {"hooks/check.sh": b"#!/bin/sh\nexit 0\n"})
    result, pack = imported(plugin, tmp_path / "pack")
    assert [h.timeout for h in pack.manifest.hooks] == [600]
    assert any(
        "timeout: 60000 (a pack's hook waits 600 seconds" in a
        for r in result.reports
        for a in r.approximated
    )


def test_what_a_script_names_by_a_path_comes_along_unless_the_pack_holds_it_otherwise(
    tmp_path: Path,
) -> None:
    """``$ROOT/lib/log.sh`` (unbraced) was read as a path ``ROOT/lib/log.sh`` and left
    behind; superpowers' session-start prints its skill's SKILL.md, which, carried as a
    hook file, landed on the skill and stopped the import; a large data file it tests
    stopped it on the pack's size limit."""
    files = {
        "hooks/start.sh": b'#!/bin/bash\nsource "$ROOT/lib/log.sh"\n'
        b'cat "${ROOT}/skills/using/SKILL.md"\n[ -f "$ROOT/data/model.bin" ]\n',
        "lib/log.sh": b"log() { :; }\n",
        "skills/using/SKILL.md": b"---\nname: using\ndescription: d\n---\nUse.\n",
        "data/model.bin": b"\0" * (4 * 1024 * 1024 + 1),
    }
    hooks = _session('"${CLAUDE_PLUGIN_ROOT}/hooks/start.sh"')
    result, pack = imported(_plugin(tmp_path / "p", hooks, files), tmp_path / "pack")
    (hook,) = pack.manifest.hooks
    assert hook.files == ("lib/log.sh",)
    dropped = [d.split(" (")[0] for r in result.reports for d in r.dropped]
    assert {"skills/using/SKILL.md", "data/model.bin"} <= set(dropped)
    assert [s.name for s in pack.skills] == ["using"]


def _guard(command: str) -> dict[str, object]:
    hook = {"type": "command", "command": command}
    return {"PreToolUse": [{"matcher": "Bash", "hooks": [hook]}]}


def test_a_projects_guard_comes_with_the_helpers_beside_it(tmp_path: Path) -> None:
    """A project's ``.claude/hooks/guard.py`` imports ``hook_utils`` beside it: its path
    in the pack begins with ``.claude/``, which was taken for a dotfile that may hold a
    credential, so the exported guard died (exit 1) and let every call through."""
    hooks = tmp_path / "in" / ".claude" / "hooks"
    hooks.mkdir(parents=True)
    command = 'python3 "$CLAUDE_PROJECT_DIR"/.claude/hooks/guard.py'
    (hooks.parent / "settings.json").write_text(json.dumps({"hooks": _guard(command)}))
    (hooks / "guard.py").write_text("from hook_utils import deny\ndeny()\n")
    (hooks / "hook_utils.py").write_text("import sys\ndef deny():\n    sys.exit(2)\n")
    (hooks / ".env").write_text("TOKEN=x\n")
    _, loaded = imported(tmp_path / "in" / ".claude", tmp_path / "pack")
    (found,) = loaded.manifest.hooks
    assert [PurePosixPath(f).name for f in found.files] == ["hook_utils.py"]


@pytest.mark.parametrize(
    ("script", "text", "helper"),
    [
        ("guard.rb", b'require_relative "hook_support"\n', "hook_support.rb"),
        ("guard.js", b"const { deny } = require('./lib/deny');\n", "lib/deny.js"),
        ("guard.mjs", b'import { deny } from "./policy.mjs";\n', "policy.mjs"),
        (
            "launch.js",
            b'const entry = join(here, "..", "src", "cli", "bin.mjs");\n',
            "../src/cli/bin.mjs",
        ),
    ],
)
def test_a_guard_brings_the_modules_it_loads(
    tmp_path: Path, script: str, text: bytes, helper: str
) -> None:
    """Ruby's ``require_relative``, Node's ``require('./x')`` and ``import``, and a path
    given as its parts to ``join``: none was found, so the guard came without them and
    failed open in every tool."""
    target = os.path.normpath(f"scripts/{helper}")
    files = {f"scripts/{script}": text, target: b"// helper\n", "scripts/unused.js": b"//\n"}
    command = f"node ${{CLAUDE_PLUGIN_ROOT}}/scripts/{script}"
    _, loaded = imported(_plugin(tmp_path / "p", _guard(command), files), tmp_path / "pack")
    (found,) = loaded.manifest.hooks
    assert found.files == (target,)


def test_what_a_guard_names_that_may_hold_credentials_stays_behind(tmp_path: Path) -> None:
    """A project's guard that reads ``.claude/settings.local.json`` (a token in its env),
    one that sources ``.env.d/prod.env``, and one that lists the files it protects
    (``"secrets.json"``): each file stays behind, said, and the guard comes in."""
    hooks = tmp_path / "in" / ".claude" / "hooks"
    hooks.mkdir(parents=True)
    token = "ghp_" + "a1B2c3D4e5" * 4
    (hooks.parent / "settings.local.json").write_text(f'{{"env": {{"K": "{token}"}}}}')
    (tmp_path / "in" / ".env.d").mkdir()
    (tmp_path / "in" / ".env.d" / "prod.env").write_text("X=1\n")
    (tmp_path / "in" / "secrets.json").write_text('{"k": 1}\n')
    (hooks / "guard.sh").write_text(
        '#!/bin/sh\njq . .claude/settings.local.json\n. "$ROOT/.env.d/prod.env"\n'
        'BLOCKED="secrets.json prod.tfvars"\nexit 0\n'
    )
    hook = {"type": "command", "command": '"$CLAUDE_PROJECT_DIR"/.claude/hooks/guard.sh'}
    (hooks.parent / "settings.json").write_text(
        json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [hook]}]}})
    )
    result, loaded = imported(tmp_path / "in" / ".claude", tmp_path / "pack")
    (found,) = loaded.manifest.hooks
    assert found.files == ()
    every = b"".join(p.read_bytes() for p in (tmp_path / "pack").rglob("*") if p.is_file())
    assert token.encode() not in every
    dropped = [d.split(" (")[0] for r in result.reports for d in r.dropped]
    assert ".claude/settings.local.json" in dropped


def test_a_projects_guard_keeps_a_project_path_as_its_argument(tmp_path: Path) -> None:
    """``"$CLAUDE_PROJECT_DIR"/.claude/hooks/protect.sh .claude/protected.txt``: the
    argument, read as a second file of the plugin, had the guard dropped."""
    hooks = tmp_path / "in" / ".claude" / "hooks"
    hooks.mkdir(parents=True)
    (hooks / "protect.sh").write_text("#!/bin/sh\nexit 0\n")
    command = '"$CLAUDE_PROJECT_DIR"/.claude/hooks/protect.sh .claude/protected.txt'
    hook = {"type": "command", "command": command}
    (hooks.parent / "settings.json").write_text(
        json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [hook]}]}})
    )
    _, loaded = imported(tmp_path / "in" / ".claude", tmp_path / "pack")
    (found,) = loaded.manifest.hooks
    assert (found.run, found.args) == (".claude/hooks/protect.sh", (".claude/protected.txt",))
