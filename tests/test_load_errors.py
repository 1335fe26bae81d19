"""The bad-input corpus: each case is one broken pack and the exact lines validate prints.

Every line names file:line:col and the field, and says what to do; none is a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentpack import api
from agentpack.errors import Finding, Severity
from agentpack.load import doc
from agentpack.source import MAX_FILE_BYTES
from tests.conftest import MANIFEST, MakePack

A = "agents/a.md"
C = "commands/c.md"
OK = "---\nname: a\ndescription: d\n---\nbody\n"
TOKEN = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def agent(fields: str, body: str = "body\n") -> str:
    return f"---\n{fields}---\n{body}"


BOMB = agent(
    "name: a\ndescription: d\nmetadata:\n"
    + "".join(
        f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}" if i else '"lol"'] * 9) + "]\n"
        for i in range(9)
    )
)

CASES: dict[str, tuple[dict[str, str | bytes], list[str]]] = {
    "a control character in the frontmatter": (  # was at 2:1, with PyYAML's offset
        {A: agent("name: a\ndescription: d\ntools:\n  allow: [re\x01ad]\n")},
        [
            "agents/a.md:5:13: error: -: U+0001, a control character, is not allowed in YAML; "
            "remove it"
        ],
    ),
    "a control character after letters of two bytes": (  # libyaml counts bytes
        {A: agent("name: a\ndescription: ééé\ntools:\n  allow: [re\x01ad]\n")},
        [
            "agents/a.md:5:13: error: -: U+0001, a control character, is not allowed in YAML; "
            "remove it"
        ],
    ),
    "a line separator does not move the lines after it": (
        {A: agent('name: a\ndescription: "Re\u2028views"\nmode: [open\n')},
        [
            "agents/a.md:5:1: error: -: invalid YAML: did not find expected ',' or ']' (while "
            "parsing a flow sequence); close the [list] on the line it opens on, or put the "
            "value in quotes"
        ],
    ),
    "a command file name no tool takes": (  # a Codex skill was named "a b"
        {"commands/a b.md": "---\ndescription: d\n---\nx\n"},
        [
            "commands/a b.md:2:1: error: -: the file name 'a b' cannot name it: use lowercase "
            "letters, digits and single hyphens, at most 64 (e.g. 'a-b'); rename the file"
        ],
    ),
    "a token in a target block": (
        {A: agent("name: a\ndescription: d\nclaude:\n  env: {GH_TOKEN: " + TOKEN + "}\n")},
        [
            "agents/a.md:5:3: warning: claude.env: 'env' is not a field agentpack knows for "
            "claude; it is written into claude's file as it is, over any value agentpack writes "
            "there",
            "agents/a.md:5:19: error: claude.env.GH_TOKEN: this value must not be written in "
            "the pack: it looks like a GitHub personal access token; it would be written into "
            "claude's files as it is; leave it to the user's settings",
        ],
    ),
    "name differs from file": (
        {A: agent("name: other\ndescription: d\n")},
        [
            "agents/a.md:2:7: error: name: the name 'other' differs from the file name 'a'; "
            "rename one so they match"
        ],
    ),
    "unknown field with suggestion": (
        {A: agent("name: a\ndescription: d\nmodle: sonnet\n")},
        ["agents/a.md:4:1: error: modle: unknown field 'modle' (did you mean 'mode'?)"],
    ),
    "unknown tool id": (
        {A: agent("name: a\ndescription: d\ntools:\n  allow: [Read, grep]\n")},
        [
            "agents/a.md:5:11: error: tools.allow[0]: unknown tool id 'Read' (did you mean "
            "'read'?); use one of read, write, edit, glob, grep, list, bash, webfetch, websearch, "
            "todo, task, notebook, skill, mcp:<server> or mcp:<server>/<tool>"
        ],
    ),
    "mcp server name its tools do not carry": (
        {A: agent("name: a\ndescription: d\ntools:\n  deny: [mcp:company.jira]\n")},
        [
            "agents/a.md:5:10: error: tools.deny[0]: 'mcp:company.jira': Claude Code and "
            "opencode spell it company_jira_..., turning each character but letters, digits, "
            "'-' and '_' into '_', so this rule would match nothing; write mcp:company_jira"
        ],
    ),
    "mcp tool name its tools do not carry": (  # Claude Code 2.1.332 offered get_issue
        {A: agent("name: a\ndescription: d\ntools:\n  deny: [mcp:srv/get.issue]\n")},
        [
            "agents/a.md:5:10: error: tools.deny[0]: 'mcp:srv/get.issue': Claude Code and "
            "opencode spell it srv_get_issue, turning each character but letters, digits, "
            "'-' and '_' into '_', so this rule would match nothing; write mcp:srv/get_issue"
        ],
    ),
    "a skill file that may hold credentials": (
        {
            "skills/c/SKILL.md": agent("name: c\ndescription: d\n"),
            "skills/c/.env": "TOKEN=ghp_0123456789abcdefghij0123456789abcdef\n",
            "skills/c/.env.example": "TOKEN=\n",
            "skills/c/keys/deploy.pem": "-----BEGIN PRIVATE KEY-----\n",
        },
        [
            "skills/c/.env:1:1: error: -: this file may hold credentials (by its name), and "
            "would be copied into every target's folder; keep it out of the skill",
            "skills/c/keys/deploy.pem:1:1: error: -: this file may hold credentials (by its "
            "name), and would be copied into every target's folder; keep it out of the skill",
        ],
    ),
    "a name with a letter no name holds": (
        {A: agent("name: café\ndescription: d\n")},
        [
            "agents/a.md:2:7: error: name: 'café' is not a valid name; use lowercase letters, "
            "digits and single hyphens (e.g. 'cafe')"
        ],
    ),
    "unknown model alias": (
        {A: agent("name: a\ndescription: d\nmodel: sonet\n")},
        [
            "agents/a.md:4:8: error: model: unknown model alias 'sonet' (did you mean 'sonnet'?); "
            "use one of fable, haiku, inherit, opus, sonnet, define it under models: in "
            "agentpack.yaml, or give a map of target: model-id"
        ],
    ),
    "empty description": (
        {A: agent("name: a\ndescription: '  '\n")},
        ["agents/a.md:3:14: error: description: is empty; write some text"],
    ),
    "missing description": (
        {A: agent("name: a\n")},
        ["agents/a.md:2:1: error: description: missing required field 'description'; add it"],
    ),
    "frontmatter never closed": (
        {A: "---\nname: a\ndescription: d\n"},
        [
            "agents/a.md:1:1: error: -: the frontmatter opened on line 1 is never closed; add a "
            "line '---' after it"
        ],
    ),
    "frontmatter is a list": (
        {A: agent("- a\n- b\n")},
        [
            "agents/a.md:2:1: error: -: the frontmatter is a list; it must be a mapping of fields "
            "such as 'name: ...'"
        ],
    ),
    "frontmatter is a scalar": (
        {A: agent("hello\n")},
        [
            "agents/a.md:2:1: error: -: the frontmatter is a single value; it must be a mapping of "
            "fields such as 'name: ...'"
        ],
    ),
    "empty frontmatter": (
        {A: "---\n---\nbody\n"},
        ["agents/a.md:2:1: error: -: the agent has no fields; add name and description"],
    ),
    "empty file": (
        {A: ""},
        [
            "agents/a.md:1:1: error: -: the file is empty; start it with '---', the agent's "
            "fields, and '---'"
        ],
    ),
    "no frontmatter": (
        {A: "# Just a title\n"},
        [
            "agents/a.md:1:1: error: -: the file has no frontmatter; start it with '---', the "
            "agent's fields, and '---'"
        ],
    ),
    "duplicate key": (
        {A: agent("name: a\ndescription: d\nname: a\n")},
        [
            "agents/a.md:4:1: error: name: duplicate key 'name'; each key may appear once, "
            "remove one"
        ],
    ),
    "unquoted colon": (
        {A: agent("name: a\ndescription: d: e\n")},
        [
            "agents/a.md:3:15: error: -: invalid YAML: mapping values are not allowed in this "
            "context; a value that contains ': ' must be put in quotes"
        ],
    ),
    "tab indentation": (
        {A: agent("name: a\ndescription: d\ntools:\n\tallow: [read]\n")},
        [
            "agents/a.md:5:1: error: -: invalid YAML: found character that cannot start any token "
            "(while scanning for the next token); indent with spaces, not tabs, and quote values "
            "that start with @ or a backquote"
        ],
    ),
    "unclosed quote": (
        {A: agent('name: a\ndescription: "d\n')},
        [
            "agents/a.md:4:1: error: -: invalid YAML: found unexpected end of stream (while "
            "scanning a quoted scalar); a quote or bracket is not closed"
        ],
    ),
    "unknown target": (
        {A: agent("name: a\ndescription: d\ntargets: [claud]\n")},
        [
            "agents/a.md:4:11: error: targets[0]: unknown target 'claud' (did you mean 'claude'?); "
            "known targets: agentplugins, claude, codex, copilot, cursor, opencode"
        ],
    ),
    "claude-style bash pattern": (
        {A: agent("name: a\ndescription: d\ntools:\n  bash:\n    'git status:*': allow\n")},
        [
            "agents/a.md:6:5: error: tools.bash.git status:*: ':*' is Claude rule syntax; write "
            "'git status *' (canonical patterns use '*' and '?')"
        ],
    ),
    "empty bash pattern": (
        {A: agent("name: a\ndescription: d\ntools:\n  bash:\n    ' ': deny\n")},
        ["agents/a.md:6:5: error: tools.bash. : the pattern is empty; use '*' for every command"],
    ),
    "bash in a list and a star pattern": (
        {A: agent("name: a\ndescription: d\ntools:\n  deny: [bash]\n  bash:\n    '*': ask\n")},
        [
            "agents/a.md:7:5: error: tools.bash.*: bash is in tools.deny and has a '*' pattern; "
            "both say what unmatched commands get, keep one"
        ],
    ),
    "tool in two lists": (
        {A: agent("name: a\ndescription: d\ntools:\n  allow: [read]\n  deny: [read]\n")},
        [
            "agents/a.md:6:10: error: tools.deny[0]: 'read' is also in tools.allow; name each "
            "tool in one list only"
        ],
    ),
    "bad decision": (
        {A: agent("name: a\ndescription: d\ntools:\n  bash:\n    'ls *': sometimes\n")},
        [
            "agents/a.md:6:13: error: tools.bash.ls *: 'sometimes' is not allowed here; use one "
            "of: allow, ask, deny"
        ],
    ),
    "bad decision in a map of choices": (
        {
            A: agent(
                "name: a\ndescription: d\nopencode:\n  permission:\n    external_directory:\n"
                "      '/tmp/*': maybe\n"
            )
        },
        [
            "agents/a.md:7:17: error: opencode.permission.external_directory./tmp/*: 'maybe' is "
            "not allowed here; use one of: allow, ask, deny"
        ],
    ),
    "unknown mode": (
        {A: agent("name: a\ndescription: d\nmode: main\n")},
        [
            "agents/a.md:4:7: error: mode: 'main' is not allowed here; use one of: subagent, "
            "primary, all"
        ],
    ),
    "yes read as a boolean": (
        {A: agent("name: a\ndescription: yes\n")},
        [
            "agents/a.md:3:14: error: description: expected text, got the boolean true; put it in "
            "quotes"
        ],
    ),
    "number as name": (
        {A: agent("name: 12\ndescription: d\n")},
        ["agents/a.md:2:7: error: name: expected text, got the number 12; put it in quotes"],
    ),
    "temperature out of range": (
        {A: agent("name: a\ndescription: d\ntemperature: 5\n")},
        ["agents/a.md:4:14: error: temperature: 5 is out of range; use at most 2"],
    ),
    "unknown colour": (
        {A: agent("name: a\ndescription: d\ncolor: magenta\n")},
        [
            "agents/a.md:4:8: error: color: 'magenta' is not allowed here; use one of: red, blue, "
            "green, yellow, purple, orange, pink, cyan, #RRGGBB"
        ],
    ),
    "example without assistant": (
        {A: agent("name: a\ndescription: d\nexamples:\n  - user: hi\n")},
        [
            "agents/a.md:5:5: error: examples[0].assistant: missing required field 'assistant'; "
            "add it"
        ],
    ),
    "bare model name for opencode": (
        {A: agent("name: a\ndescription: d\nmodel: {opencode: sonnet}\n")},
        [
            "agents/a.md:4:19: error: model.opencode: opencode needs provider/model-id such as "
            "'anthropic/claude-sonnet-5', not 'sonnet': opencode 1.18 reads a bare name as a "
            "provider with no model, and the agent fails when it runs"
        ],
    ),
    "name with capitals": (
        {"agents/Code Reviewer.md": agent("name: Code Reviewer\ndescription: d\n")},
        [
            "agents/Code Reviewer.md:2:7: error: name: 'Code Reviewer' is not a valid name; use "
            "lowercase letters, digits and single hyphens (e.g. 'code-reviewer')"
        ],
    ),
    "not UTF-8": (
        {A: b"---\nname: a\ndescription: caf\xe9\n---\n"},
        ["agents/a.md:3:17: error: -: the file is not UTF-8 (byte 0xe9); save it as UTF-8"],
    ),
    "directory where a file should be": (
        {"agents/a.md/x.txt": "x"},
        ["agents/a.md:1:1: error: -: this is a directory where a file was expected"],
    ),
    "file over the size limit": (
        {A: OK + "x" * (MAX_FILE_BYTES + 1)},
        [
            "agents/a.md:1:1: error: -: the file is 4.0 MiB; the limit is 4 MiB per file (see "
            "README, Limits)"
        ],
    ),
    "alias bomb": (
        {A: BOMB},
        [
            "agents/a.md:10:12: error: -: the YAML expands to more than 100,000 values (alias "
            "bomb?); write the values out or shorten the file"
        ],
    ),
    "deep nesting": (
        {A: agent("name: a\ndescription: d\nmetadata: " + "[" * 100_000 + "]" * 100_000 + "\n")},
        ["agents/a.md:4:74: error: -: YAML nested deeper than 64 levels; flatten it"],
    ),
    "python tag": (
        {A: agent("name: a\ndescription: !!python/object/apply:os.system [ls]\n")},
        [
            "agents/a.md:3:14: error: -: the tag 'tag:yaml.org,2002:python/object/apply:os.system' "
            "is not supported"
        ],
    ),
    "a merge key": (
        {A: agent("name: a\ndescription: d\nx-base: &b {model: opus}\nclaude:\n  <<: *b\n")},
        [
            "agents/a.md:6:3: error: -: invalid YAML: the tag 'tag:yaml.org,2002:merge' is not "
            "supported; write the keys out: merge keys (<<) are not read, since not every tool "
            "that reads these files merges them"
        ],
    ),
    "two agents differing in case": (
        {A: OK, "agents/A.md": agent("name: a\ndescription: d\n")},
        [
            "agents/A.md:2:7: error: name: the name 'a' differs from the file name 'A'; rename "
            "one so they match",
            "agents/a.md:1:1: error: -: another agent is named 'a' (agents/A.md); names must "
            "differ, also in letter case",
        ],
    ),
    "skill without SKILL.md": (
        {"skills/tidy/README.md": "# tidy\n"},
        [
            "skills/tidy/:1:1: error: -: the skill folder has no SKILL.md; add one with name and "
            "description, or remove the folder"
        ],
    ),
    "skill name differs from folder": (
        {"skills/tidy/SKILL.md": agent("name: neat\ndescription: d\n")},
        [
            "skills/tidy/SKILL.md:2:7: error: name: the name 'neat' differs from the folder name "
            "'tidy'; rename one so they match"
        ],
    ),
    "command with $0": (
        {C: "---\ndescription: d\n---\nfirst: $0 then $1\n"},
        [
            "commands/c.md:4:8: error: -: $0 is not a canonical placeholder: arguments count from "
            "$1 (agentpack renumbers them for Claude Code and GitHub Copilot)"
        ],
    ),
    "command grant in Claude syntax": (
        {C: "---\ndescription: d\nallowed_tools: ['Bash(git add:*)']\n---\nx\n"},
        [
            "commands/c.md:3:17: error: allowed_tools[0]: unknown tool id 'Bash(git add:*)'; use "
            "one of read, write, edit, glob, grep, list, bash, webfetch, websearch, todo, task, "
            "notebook, skill, mcp:<server> or mcp:<server>/<tool>, or bash(<pattern>) in "
            "allowed_tools"
        ],
    ),
    "stray file in agents": (
        {A: OK, "agents/notes.txt": "x"},
        ["agents/notes.txt:1:1: warning: -: ignored: agents/ holds only *.md files"],
    ),
    "a target block may not set what the policy sets": (
        {
            A: agent(
                "name: a\ndescription: d\ntools:\n  allow: [read]\nclaude:\n  tools: Bash\n"
                "opencode:\n  permission: {bash: allow}\n"
            )
        },
        [
            "agents/a.md:7:3: error: claude.tools: claude's tools comes only from the agent's "
            "tools: field, so that no tool gets more than the pack grants; set it there, not in "
            "claude:",
            "agents/a.md:9:3: error: opencode.permission: opencode's permission comes only from "
            "the agent's tools: field, so that no tool gets more than the pack grants; set it "
            "there, not in opencode:",
        ],
    ),
    "a skill's block may not pre-approve tools for a tool that honours allowed-tools": (
        {
            A: OK,
            "skills/s/SKILL.md": "---\nname: s\ndescription: d\ncopilot:\n  allowed-tools: "
            "[shell]\ncodex:\n  allowed-tools: shell\ncursor:\n  allowed-tools: shell\n---\nx\n",
        },
        [
            f"skills/s/SKILL.md:{line}:3: error: {t}.allowed-tools: {t}'s allowed-tools comes "
            "only from the skill's allowed_tools: field, so that no tool gets more than the pack "
            f"grants; set it there, not in {t}:"
            for line, t in ((5, "copilot"), (7, "codex"), (9, "cursor"))
        ],
    ),
    "a target block may not rename or redescribe the item": (
        {A: agent("name: a\ndescription: d\nclaude:\n  name: safe\nopencode:\n  mode: primary\n")},
        [
            "agents/a.md:5:3: error: claude.name: claude writes name from the agent's own "
            "fields, so that every tool names, describes and runs it alike; set it there, not in "
            "claude:",
            "agents/a.md:7:3: error: opencode.mode: opencode writes mode from the agent's own "
            "fields, so that every tool names, describes and runs it alike; set it there, not in "
            "opencode:",
        ],
    ),
    "a Claude Code hook Claude Code would refuse the agent for": (  # not loaded, no word
        {
            A: agent(
                "name: a\ndescription: d\nclaude:\n  PreToolUse:\n    - hooks: []\n"
                "  hooks:\n    PreToolUse: {matcher: Bash}\n    BeforeTool: []\n"
            )
        },
        [
            "agents/a.md:5:3: error: claude.PreToolUse: 'PreToolUse' is not allowed here; put "
            "it under hooks: (Claude Code loads no agent with a PreToolUse, PermissionRequest "
            "or PreSkillShellCommand hook outside it)",
            "agents/a.md:8:17: error: claude.hooks.PreToolUse: expected a list, got a mapping",
            "agents/a.md:9:5: error: claude.hooks.BeforeTool: 'BeforeTool' is not allowed here; "
            "use one "
            "of: PreToolUse, PostToolUse, PostToolUseFailure, PostToolBatch, Notification, "
            "UserPromptSubmit, UserPromptExpansion, SessionStart, SessionEnd, Stop, "
            "StopFailure, SubagentStart, SubagentStop, PreCompact, PostCompact, PreModelSwitch, "
            "PostModelSwitch, PermissionRequest, PermissionDenied, Setup, TeammateIdle, "
            "TaskCreated, TaskCompleted, Elicitation, ElicitationResult, ConfigChange, "
            "WorktreeCreate, WorktreeRemove, InstructionsLoaded, CwdChanged, FileChanged, "
            "DirectoryAdded, MessageDisplay, PreSkillShellCommand",
        ],
    ),
    "command and skill share a name": (
        {
            C: "---\ndescription: d\n---\nx\n",
            "skills/c/SKILL.md": agent("name: c\ndescription: d\n"),
        },
        [
            "commands/c.md:1:1: warning: -: a skill is also named 'c'; Claude Code, Codex and "
            "GitHub Copilot run the skill for /c, rename one",
            "commands/c.md:2:1: info: -: codex: dropped: the pack's skill 'c' takes $c in Codex, "
            "so the command is left out there; rename one",
            "commands/c.md:2:1: info: description: cursor: dropped: a Cursor command is plain "
            "markdown: Cursor shows its file name",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_exact_findings(case: str, make_pack: MakePack) -> None:
    files, expected = CASES[case]
    root = make_pack(files)
    result = api.validate(root)
    assert [str(f) for f in result.findings] == expected


def test_a_command_naming_an_agent_no_one_has_is_warned_even_from_the_cache(
    make_pack: MakePack, tmp_path: Path
) -> None:
    """opencode will not run such a command: a typo must not pass in silence, also when
    the command's findings came from the cache (the check is across items)."""
    root = make_pack(
        {
            "agents/reviewer.md": agent("name: reviewer\ndescription: d\n"),
            C: "---\ndescription: d\nagent: reviwer\n---\nx\n",
            "commands/d.md": "---\ndescription: d\nagent: Explore\n---\nx\n",
        }
    )
    expected = [
        "commands/c.md:3:8: warning: agent: 'reviwer' is neither an agent of the pack nor a "
        "built-in agent of any tool (did you mean 'reviewer'?); opencode will not run the "
        "command and Claude Code runs it in its default agent, unless the agent is one of your "
        "own there"
    ]

    def warned(findings: tuple[Finding, ...]) -> list[str]:
        return [str(f) for f in findings if f.field == "agent" and f.severity is Severity.WARNING]

    assert warned(api.validate(root).findings) == expected
    for _ in range(2):  # the second export takes the command from the cache
        done = api.export(root, out=tmp_path / "out")
        assert warned(done.findings) == expected
    assert done.reused


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_bad_files_do_not_hide_each_other(make_pack: MakePack) -> None:
    root = make_pack(
        {
            "agents/a.md": agent("name: a\n"),
            "agents/b.md": "---\nname: b\n",
            "agents/c.md": OK.replace("name: a", "name: c"),
            "commands/x.md": "---\ndescription: [\n---\n",
        }
    )
    result = api.validate(root)
    assert [f.path for f in result.findings] == ["agents/a.md", "agents/b.md", "commands/x.md"]
    assert not result.ok


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbf---\nname: a\ndescription: d\n---\nbody\n",
        b"---\r\nname: a\r\ndescription: d\r\n---\r\nbody\r\n",
        b"---\rname: a\rdescription: d\r---\rbody\r",
    ],
    ids=["utf8-bom", "crlf", "cr"],
)
def test_bom_and_crlf_are_accepted(raw: bytes, make_pack: MakePack) -> None:
    root = make_pack({A: raw})
    result = api.validate(root)
    assert result.findings == ()
    assert result.pack is not None
    assert result.pack.agents[0].body == "body\n"


def test_large_body_under_the_limit_loads(make_pack: MakePack) -> None:
    body = ("# heading\n\n" + "word " * 200 + "\n---\n") * 1000
    root = make_pack({A: OK.replace("body\n", body)})
    pack = api.validate(root).pack
    assert pack is not None
    assert pack.agents[0].body == body


@given(st.text(st.characters(min_codepoint=0, max_codepoint=0x3000)))
def test_the_fast_control_check_agrees_with_the_pattern(text: str) -> None:
    assert doc.has_control(text) == (doc.CONTROL.search(text) is not None)


@pytest.mark.parametrize(
    ("name", "data", "secret"),
    [
        ("references/credentials.md", b"# How to set credentials", False),
        ("credentials.example.json", b"{}", False),
        ("ca.pem", b"-----BEGIN CERTIFICATE-----", False),
        ("deploy.pem", b"-----BEGIN RSA PRIVATE KEY-----", True),
        ("gcp-service-account.json", b"{}", True),
        ("x.ppk", b"", True),
        (".env.local", b"A=1", True),
        ("prod.tfvars", b"a = 1", True),
        ("keys/deploy-dist.pem", b"-----BEGIN RSA PRIVATE KEY-----", True),
        ("template.key", b"", True),
        ("credentials-prod.json", b"{}", True),
        ("credentials.json.bak", b"{}", True),
        (".docker/config.json", b"{}", True),
        ("secrets.yaml", b"a: 1", True),
        ("credentials.py", b"", False),
        ("id_rsa.pub", b"ssh-rsa AAAA", False),
    ],
)
def test_a_credential_file_is_told_by_its_name_and_a_pem_by_its_bytes(
    name: str, data: bytes, secret: bool
) -> None:
    from agentpack.secrets import secret_file

    assert secret_file(name, data) is secret


def test_a_model_id_a_letter_away_from_a_known_one_is_a_warning(make_pack: MakePack) -> None:
    """The tools take any model id and fail only when the agent runs: ``sonnett`` is said
    at its field; a later version (``claude-sonnet-4-6``) or a longer id is not."""
    root = make_pack(
        {
            "agents/a.md": "---\nname: a\ndescription: d\nmodel: {claude: sonnett, "
            "opencode: anthropic/claude-sonet-5, codex: gpt-5.1-codex-max}\n---\nx\n",
            "agents/b.md": "---\nname: b\ndescription: d\n"
            "model: {claude: claude-sonnet-4-6, opencode: anthropic/claude-opus-4-1, "
            "copilot: claude-sonnet-4}\n---\nx\n",
        }
    )
    found = [f for f in api.validate(root).findings if f.field.startswith("model.")]
    assert [(f.path, f.field, f.severity.value) for f in found] == [
        ("agents/a.md", "model.claude", "warning"),
        ("agents/a.md", "model.opencode", "warning"),
    ]
    assert "(did you mean 'sonnet'?)" in found[0].message


def test_a_file_name_with_a_line_break_is_said_on_one_line(make_pack: MakePack) -> None:
    root = make_pack({"agents/bad\nname.md": agent("name: bad\ndescription: d\n")})
    said = [str(f) for f in api.validate(root).findings if f.is_error]
    assert said
    assert all("\n" not in line for line in said)


@pytest.mark.parametrize(
    ("written", "meant"),
    [("shell", "bash"), ("runCommands", "bash"), ("Bash", "bash"), ("skil", "skill")],
)
def test_another_tools_name_for_a_tool_suggests_the_canonical_one(
    written: str, meant: str, make_pack: MakePack
) -> None:
    """The spelling nearest ``shell`` is ``skill``: a user who took that hint denied the
    skill tool and left the shell allowed."""
    root = make_pack({A: agent(f"name: a\ndescription: d\ntools:\n  deny: [{written}]\n")})
    (found,) = [f for f in api.validate(root).findings if f.is_error]
    assert f"unknown tool id {written!r} (did you mean {meant!r}?)" in found.message


def test_a_model_id_of_another_model_is_no_misspelling() -> None:
    from agentpack.load.fields import near_miss

    assert near_miss("anthropic/claude-opus-4-5", ["anthropic/claude-haiku-4-5"]) is None
    assert near_miss("anthropic/claude-sonet-4-5", ["anthropic/claude-sonnet-4-5"]) == (
        "anthropic/claude-sonnet-4-5"
    )


def test_a_url_that_is_not_http_says_what_to_write(make_pack: MakePack) -> None:
    root = make_pack({A: OK, "mcp/docs.yaml": "url: ftp://example.com/mcp\n"})
    (found,) = [f for f in api.validate(root).findings if f.is_error]
    assert found.message.endswith(
        "is not an http(s) URL; write one that begins with https:// or http://, or with a "
        "${VAR} that holds one"
    ), found.message


@pytest.mark.parametrize("url", ["${CAIRN_URL}", "${API_BASE_URL}/mcp", "${X}"])
def test_a_url_may_come_from_a_variable(make_pack: MakePack, url: str) -> None:
    """A repository's .mcp.json reads its server's address from ``${CAIRN_URL}``, which
    Claude Code, opencode, Cursor and VS Code expand: the pack refused it, and with it the
    whole import (and its own advice, ``${API_BASE_URL}/mcp``, did not validate). Codex,
    which expands none there, leaves the server out."""
    root = make_pack({A: OK, "mcp/docs.yaml": f"url: {url}\n"})
    assert not [f for f in api.validate(root).findings if f.is_error]
    result = api.export(root, ["claude", "codex"])
    written = json.loads((root / "dist" / "claude" / ".mcp.json").read_text())
    assert written["mcpServers"]["docs"]["url"] == url
    assert any(f.field == "-" and f.message.startswith("codex: narrowed") for f in result.findings)


def test_a_servers_path_from_the_plugin_root_must_be_among_its_files(make_pack: MakePack) -> None:
    """Only a server's files: are copied with it: a path from ${PLUGIN_ROOT} that names
    none of them (nor a folder holding one) starts nothing, and validate said nothing."""
    server = (
        "command: python3\nargs: ['${PLUGIN_ROOT}/srv/missing.py', '${PLUGIN_ROOT}/srv/ok.py']\n"
        "env: {DATA: '${PLUGIN_ROOT}/data/'}\nfiles: [srv/ok.py, data/seed.sql]\n"
    )
    root = make_pack(
        {A: OK, "mcp/s.yaml": server, "srv/ok.py": "print()\n", "data/seed.sql": "x\n"}
    )
    found = [f for f in api.validate(root).findings if "names no file of files" in f.message]
    assert [(f.field, f.severity.value) for f in found] == [("args[0]", "warning")]


def test_a_target_block_may_not_let_the_model_run_a_user_only_skill(make_pack: MakePack) -> None:
    """``codex: {disable-model-invocation: false}`` put false in the SKILL.md that the
    Copilot CLI reads too, so its model could run the skill the pack keeps for the user."""
    skill = (
        "---\nname: s\ndescription: d\ndisable_model_invocation: true\n"
        "codex:\n  disable-model-invocation: false\n---\nx\n"
    )
    root = make_pack({"skills/s/SKILL.md": skill})
    errors = [(f.field, f.message.split(";")[0]) for f in api.validate(root).findings if f.is_error]
    assert errors == [
        (
            "codex.disable-model-invocation",
            "codex writes disable-model-invocation from the skill's own fields, so that every "
            "tool names, describes and runs it alike",
        )
    ]


@pytest.mark.parametrize(
    ("written", "meant"),
    [("runTasks", "bash"), ("execute/runInTerminal", "bash"), ("search", "grep")],
)
def test_more_of_other_tools_names_hint_the_canonical_tool(
    written: str, meant: str, make_pack: MakePack
) -> None:
    root = make_pack({A: agent(f"name: a\ndescription: d\ntools:\n  deny: [{written}]\n")})
    (found,) = [f for f in api.validate(root).findings if f.is_error]
    assert f"(did you mean {meant!r}?)" in found.message


@pytest.mark.parametrize("email", ["dev@localhost", "a@b.c"])
def test_an_author_email_copilot_refuses_is_an_error(make_pack: MakePack, email: str) -> None:
    """The Copilot CLI 1.0.102 refuses a marketplace whose owner's e-mail has no dotted
    domain with a top-level name of two letters or more: validate said nothing."""
    manifest = MANIFEST.replace(
        "author: {name: Tester}", f"author: {{name: Tester, email: '{email}'}}"
    )
    root = make_pack({A: OK}, manifest=manifest)
    (found,) = [f for f in api.validate(root).findings if f.is_error]
    assert found.field == "author.email"
    assert "is not an e-mail address" in found.message
