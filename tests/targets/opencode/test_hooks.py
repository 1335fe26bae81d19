"""The plugin the opencode target writes for the pack's hooks, run with Node on simulated
opencode events: a script that exits 2 blocks the tool call with its message, one that
exits 0 lets it run, and each script gets the event as Claude Code would give it (as far
as opencode has it). Without Node these tests are skipped, saying so."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from agentpack import api
from tests.conftest import MakePack

HARNESS = """
import { pathToFileURL } from "node:url";
const [plugin, tool, args, directory] = process.argv.slice(2);
const hooks = await (await import(pathToFileURL(plugin).href)).default({ directory });
try {
  await hooks["tool.execute.before"]({ tool, sessionID: "s1", callID: "c1" },
    { args: JSON.parse(args) });
  console.log("ALLOWED");
} catch (error) {
  console.log("BLOCKED " + error.message);
}
"""

DUMP = """import json, os, sys
event = json.load(sys.stdin)
with open(os.environ["DUMP"], "a") as out:
    out.write(json.dumps(event) + "\\n")
with open(os.environ["DUMP"] + ".where", "a") as out:
    out.write(json.dumps([os.getcwd(), os.environ.get("CLAUDE_PROJECT_DIR")]) + "\\n")
command = str(event.get("tool_input", {}).get("command", ""))
if "force" in command:
    print("no force pushes", file=sys.stderr)
    sys.exit(2)
if "rm -rf" in command:  # Claude Code's JSON decision, exit code 0
    out = {"permissionDecision": "deny", "permissionDecisionReason": "not rm -rf"}
    print(json.dumps({"hookSpecificOutput": {"hookEventName": "PreToolUse", **out}}))
if "sudo" in command:
    print(json.dumps({"decision": "block", "reason": "no sudo"}))
if "deploy" in command:
    print(json.dumps({"hookSpecificOutput": {"permissionDecision": "ask"}}))
if "echo" in command:
    print('{"hookSpecificOutput": {"permissionDecision": "allow"}}')
"""


@pytest.fixture
def plugin(make_pack: MakePack, tmp_path: Path) -> Path:
    node = shutil.which("node")
    if node is None:
        pytest.skip("NODE NOT FOUND: the generated opencode plugin cannot be run here")
    root = make_pack(
        {
            "hooks/dump.py": DUMP,
            "hooks/dump.yaml": "event: before_tool\ntools: [bash, read, mcp:echo]\n"
            "run: hooks/dump.py\ninterpreter: python3\n",
        }
    )
    api.export(root, ["opencode"])
    return root / "dist" / "opencode" / "plugin" / "test-pack-hooks.js"


def _call(plugin: Path, tmp_path: Path, tool: str, args: dict[str, object]) -> str:
    harness = tmp_path / "harness.mjs"
    harness.write_text(HARNESS)
    done = subprocess.run(
        ["node", str(harness), str(plugin), tool, json.dumps(args), str(tmp_path)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "DUMP": str(tmp_path / "dump.jsonl")},
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def _events(tmp_path: Path) -> list[dict[str, object]]:
    lines = (tmp_path / "dump.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_a_script_that_exits_2_blocks_and_says_why(plugin: Path, tmp_path: Path) -> None:
    said = _call(plugin, tmp_path, "bash", {"command": "git push --force"})
    assert said == "BLOCKED no force pushes"
    assert _call(plugin, tmp_path, "bash", {"command": "ls"}) == "ALLOWED"


def test_a_script_that_denies_in_json_blocks_as_in_claude_code(
    plugin: Path, tmp_path: Path
) -> None:
    """A guard that prints Claude Code's decision and exits 0 (Anthropic's hookify does)
    must block in opencode too; one that asks cannot ask there, so it blocks."""
    assert _call(plugin, tmp_path, "bash", {"command": "rm -rf /"}) == "BLOCKED not rm -rf"
    assert _call(plugin, tmp_path, "bash", {"command": "sudo ls"}) == "BLOCKED no sudo"
    said = _call(plugin, tmp_path, "bash", {"command": "deploy"})
    assert said == "BLOCKED Blocked by a hook of the pack"
    assert _call(plugin, tmp_path, "bash", {"command": "echo hi"}) == "ALLOWED"


def test_the_script_gets_the_event_as_claude_code_gives_it(plugin: Path, tmp_path: Path) -> None:
    _call(plugin, tmp_path, "bash", {"command": "ls", "description": "list"})
    _call(plugin, tmp_path, "read", {"filePath": "src/app.py"})
    _call(plugin, tmp_path, "echo_echo", {"text": "hi"})
    bash, read, mcp = _events(tmp_path)
    assert bash == {
        "hook_event_name": "PreToolUse",
        "session_id": "s1",
        "cwd": str(tmp_path),
        "tool_name": "Bash",
        "tool_input": {"command": "ls", "description": "list"},
    }
    assert (read["tool_name"], read["tool_input"]) == ("Read", {"file_path": "src/app.py"})
    assert mcp["tool_name"] == "mcp__echo__echo"
    # run in the project's folder, with CLAUDE_PROJECT_DIR, as Claude Code runs it (a guard
    # that reads it and finds nothing may let every call through)
    where = (tmp_path / "dump.jsonl.where").read_text().splitlines()
    assert {tuple(json.loads(line)) for line in where} == {(str(tmp_path), str(tmp_path))}


def test_tools_the_hook_does_not_name_run_without_it(plugin: Path, tmp_path: Path) -> None:
    assert _call(plugin, tmp_path, "edit", {"filePath": "x"}) == "ALLOWED"
    assert not (tmp_path / "dump.jsonl").exists()


def test_a_stop_or_prompt_hook_says_opencode_takes_no_answer(make_pack: MakePack) -> None:
    root = make_pack(
        {
            "hooks/loop.sh": 'echo \'{"decision": "block"}\'\n',
            "hooks/loop.yaml": "event: stop\nrun: hooks/loop.sh\n",
        }
    )
    result = api.export(root, ["opencode"])
    said = [f.message for f in result.findings if f.field == "event"]
    assert said == [
        "opencode: approximated: runs in opencode, but what it answers cannot keep "
        "the session going there"
    ]


def test_a_guard_on_edits_runs_for_apply_patch(make_pack: MakePack, tmp_path: Path) -> None:
    """opencode 1.18 gives GPT models apply_patch in place of edit and write: a guard on
    edits that did not run for it let every such edit through."""
    if shutil.which("node") is None:
        pytest.skip("NODE NOT FOUND: the generated opencode plugin cannot be run here")
    root = make_pack(
        {
            "hooks/no-edits.sh": "#!/bin/sh\necho 'no edits' >&2\nexit 2\n",
            "hooks/no-edits.yaml": "event: before_tool\ntools: [edit]\nrun: hooks/no-edits.sh\n",
        }
    )
    api.export(root, ["opencode"])
    plugin = root / "dist" / "opencode" / "plugin" / "test-pack-hooks.js"
    patch = {"patchText": "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch"}
    assert _call(plugin, tmp_path, "apply_patch", patch) == "BLOCKED no edits"


def test_apply_patch_reaches_a_guard_as_claude_codes_write_and_edit(
    make_pack: MakePack, tmp_path: Path
) -> None:
    """A guard written for Claude Code reads file_path, content and new_string: the plugin
    gives it each file of an apply_patch as the Write or Edit Claude Code would have made
    (security-guidance's eval() check let a GPT model's patch through before)."""
    if shutil.which("node") is None:
        pytest.skip("NODE NOT FOUND: the generated opencode plugin cannot be run here")
    guard = (
        "import json, os, sys\n"
        "event = json.load(sys.stdin)\n"
        "with open(os.environ['DUMP'], 'a') as out:\n"
        "    out.write(json.dumps(event) + '\\n')\n"
        "given = event['tool_input']\n"
        "if 'eval(' in given.get('content', '') + given.get('new_string', ''):\n"
        "    print('no eval in ' + given['file_path'], file=sys.stderr)\n"
        "    sys.exit(2)\n"
    )
    root = make_pack(
        {
            "hooks/no-eval.py": guard,
            "hooks/no-eval.yaml": "event: before_tool\ntools: [edit, write]\n"
            "run: hooks/no-eval.py\ninterpreter: python3\n",
        }
    )
    api.export(root, ["opencode"])
    plugin = root / "dist" / "opencode" / "plugin" / "test-pack-hooks.js"
    update = (
        "*** Begin Patch\n*** Update File: src/app.js\n@@\n x = 1\n-y(x)\n+eval(x)\n*** End Patch"
    )
    said = _call(plugin, tmp_path, "apply_patch", {"patchText": update})
    assert said == f"BLOCKED no eval in {tmp_path}/src/app.js"
    add = "*** Begin Patch\n*** Add File: b.js\n+const a = 1\n*** End Patch"
    assert _call(plugin, tmp_path, "apply_patch", {"patchText": add}) == "ALLOWED"
    edit, write = _events(tmp_path)
    assert (edit["tool_name"], edit["tool_input"]) == (
        "Edit",
        {
            "file_path": f"{tmp_path}/src/app.js",
            "old_string": "x = 1\ny(x)",
            "new_string": "x = 1\neval(x)",
        },
    )
    assert (write["tool_name"], write["tool_input"]) == (
        "Write",
        {"file_path": f"{tmp_path}/b.js", "content": "const a = 1"},
    )


@pytest.mark.parametrize("run", ["tools/guard.js", "plugins/guard.ts", "agent/notes.md"])
def test_a_part_whose_file_opencode_loads_by_itself_is_left_out(
    make_pack: MakePack, run: str
) -> None:
    """opencode 1.18 runs every {tool,tools}/*.{js,ts} and {plugin,plugins}/*.{ts,js} of its
    folder at start, and reads agent/ as agents: a hook script at tools/guard.js ran inside
    opencode on every start, outside any event. Left out of opencode (a guard: unguarded),
    its file not written; the other tools keep it."""
    root = make_pack(
        {
            run: "process.exit(2)\n",
            "hooks/guard.yaml": f"event: before_tool\ntools: [bash]\nrun: {run}\n"
            "interpreter: node\n",
            "mcp/srv.yaml": f"command: node\nargs: ['${{PLUGIN_ROOT}}/{run}']\nfiles: [{run}]\n",
        }
    )
    result = api.export(root, ["opencode", "claude"])
    opencode = root / "dist" / "opencode"
    assert not (opencode / run).exists()
    assert not (opencode / "plugin" / "test-pack-hooks.js").exists()
    assert not (opencode / "opencode.json").exists()
    assert (root / "dist" / "claude" / run).is_file()
    said = {
        (f.path, f.message.split(": ")[1])
        for f in result.findings
        if f.message.startswith("opencode:") and run in f.message
    }
    assert said == {("hooks/guard.yaml", "unguarded"), ("mcp/srv.yaml", "narrowed")}


def test_a_server_with_an_underscore_keeps_its_name_for_the_guard(
    make_pack: MakePack, tmp_path: Path
) -> None:
    """opencode names a tool of the server my_db my_db_echo: cut at its first '_', the
    guard got mcp__my__db_echo, so one written for Claude Code's mcp__my_db__echo let the
    call through."""
    if shutil.which("node") is None:
        pytest.skip("NODE NOT FOUND: the generated opencode plugin cannot be run here")
    root = make_pack(
        {
            "hooks/dump.py": DUMP,
            "hooks/dump.yaml": "event: before_tool\ntools: ['mcp:my_db']\n"
            "run: hooks/dump.py\ninterpreter: python3\n",
        }
    )
    api.export(root, ["opencode"])
    plugin = root / "dist" / "opencode" / "plugin" / "test-pack-hooks.js"
    assert _call(plugin, tmp_path, "my_db_echo", {"text": "hi"}) == "ALLOWED"
    assert [e["tool_name"] for e in _events(tmp_path)] == ["mcp__my_db__echo"]


def test_an_imported_plugin_reads_scripts_from_the_folder_imported_alone(
    tmp_path: Path,
) -> None:
    """A generated plugin names the folder of its scripts below its own (an install's
    agentpack/<pack>): an absolute path, a link or a bad string there read a file from
    outside the folder imported, or crashed the import."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "g.sh").write_text("echo secret\n")
    for i, folder in enumerate((str(outside), "../outside", '\\u0000"')):
        tree = tmp_path / f"in{i}" / ".opencode"
        (tree / "plugin").mkdir(parents=True)
        (tree / "hooks").mkdir()
        (tree / "hooks" / "g.sh").write_text("exit 0\n")
        row = {"event": "PreToolUse", "tools": ["bash"], "interpreter": "sh", "script": "g.sh"}
        table = json.dumps([{**row, "timeout": 60}], indent=2)
        root = json.dumps(folder) if i < 2 else folder
        (tree / "plugin" / "p-hooks.js").write_text(
            "// Generated by agentpack from the pack p 1.0.0\n"
            f"const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "
            f'"..", {root});\nconst HOOKS = {table};\n'
        )
        result = api.import_(tree, tmp_path / f"pack{i}")
        assert result.reports  # read, not crashed
        every = [p.read_bytes() for p in (tmp_path / f"pack{i}").rglob("*") if p.is_file()]
        assert not any(b"secret" in data for data in every)
