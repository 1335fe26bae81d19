"""opencode's native files read into the pack: what opencode applies to every agent of a
project (the ``permission`` of its opencode.json) holds for each agent read with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentpack import api
from agentpack.permissions import Decision
from tests.helpers import imported_policy


def test_the_projects_permission_is_folded_into_each_agent(tmp_path: Path) -> None:
    """Dropping it made every agent wider than opencode runs it (webfetch without asking,
    sudo through bash); an agent's own rules still win over the project's."""
    project = tmp_path / "project"
    (project / ".opencode" / "agent").mkdir(parents=True)
    config = {
        "permission": {"webfetch": "ask", "edit": "deny", "bash": {"*": "allow", "sudo *": "deny"}},
        "agent": {"planner": {"description": "Plans", "prompt": "Plan."}},
    }
    (project / "opencode.json").write_text(json.dumps(config))
    (project / ".opencode" / "agent" / "writer.md").write_text(
        "---\ndescription: Writes\npermission:\n  edit: allow\n---\nWrite.\n"
    )
    result = api.import_(project, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    pack = api.load_pack(tmp_path / "pack")
    for name, edit in (("planner", Decision.DENY), ("writer", Decision.ALLOW)):
        agent = pack.agent(name)
        assert agent is not None
        assert agent.policy is not None, name
        assert agent.policy.decide("webfetch") is Decision.ASK, name
        assert agent.policy.decide("edit") is edit, name
        assert agent.policy.decide("bash", "sudo rm x") is Decision.DENY, name
        assert agent.policy.decide("bash", "ls") is Decision.ALLOW, name


@pytest.mark.parametrize("name", ["opencode.jsonc", "config.json"])
def test_opencodes_own_folder_holds_its_agents_to_its_permission(tmp_path: Path, name: str) -> None:
    """~/.config/opencode kept in a dotfiles repository: its config's rules hold for the
    agents in its agent/ as they do in a project's .opencode/ (they were dropped as
    "there is none here", and each agent came in with every tool). An agent entry of the
    config and the file of the same name are one agent there too."""
    folder = tmp_path / "dotfiles" / "opencode"
    (folder / "agent").mkdir(parents=True)
    config = '{\n  // the user\'s rules\n  "permission": {"task": "deny", "webfetch": "deny"},\n'
    config += '  "agent": {"fixer": {"model": "anthropic/claude-sonnet-4-5"}},\n}\n'
    (folder / name).write_text(config)
    (folder / "agent" / "fixer.md").write_text(
        "---\ndescription: Fixes\nmode: subagent\n---\nFix.\n"
    )
    result = api.import_(folder, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    agent = api.load_pack(tmp_path / "pack").agent("fixer")
    assert agent is not None
    assert agent.policy is not None
    assert agent.policy.decide("task") is Decision.DENY
    assert agent.policy.decide("webfetch") is Decision.DENY
    assert agent.policy.decide("read") is Decision.ALLOW
    assert not any(d.startswith("permission") for r in result.reports for d in r.dropped)


def test_opencode_json_is_read_as_opencode_reads_it(tmp_path: Path) -> None:
    """With comments and trailing commas (both files, as opencode takes both), and an
    agent with a theme colour, which no other tool has: dropped with a note."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "opencode.json").write_text(
        '{\n  // the team\'s agents\n  "agent": {\n    "review": {\n'
        '      "description": "Reviews",\n      "prompt": "Review.",\n      "color": "error",\n'
        "    },\n  },\n}\n"
    )
    result = api.import_(project, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    agent = api.load_pack(tmp_path / "pack").agent("review")
    assert agent is not None
    assert agent.color is None
    said = [d for r in result.reports for d in r.dropped]
    assert "color: error (an opencode theme colour; no other tool has it)" in said


def test_a_broken_opencode_json_says_where(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "opencode.json").write_text('{\n  "agent": {\n    "x": [1 2]\n  }\n}\n')
    result = api.import_(project, tmp_path / "pack")
    errors = [str(f) for r in result.reports for f in r.findings if f.is_error]
    assert errors == [
        "opencode.json:3:13: error: -: cannot read this JSON (with comments): not JSON here: "
        "expected ','"
    ]


def test_a_command_field_opencode_does_not_read_is_reported(tmp_path: Path) -> None:
    commands = tmp_path / "project" / ".opencode" / "command"
    commands.mkdir(parents=True)
    (commands / "commit.md").write_text(
        "---\ndescription: Commit\ntitle: Commit\nsubtask: true\n---\nWrite it.\n"
    )
    result = api.import_(tmp_path / "project", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    (report,) = [r for r in result.reports if r.source.endswith("commit.md")]
    assert report.dropped == ["title (opencode reads no such command field)"]
    assert set(report.mapped) >= {"description", "subtask"}


def test_an_agent_is_named_by_its_name_field_before_its_path(tmp_path: Path) -> None:
    """opencode 1.18.33's ``agent list`` shows ``ContextScout`` for
    ``agent/team/scout.md`` with ``name: ContextScout``, and ``Top Helper`` for
    ``agent/top.md``: the field wins over the path, and prompts call the agent by it."""
    folder = tmp_path / "in" / ".opencode" / "agent"
    (folder / "team").mkdir(parents=True)
    (folder / "team" / "scout.md").write_text("---\nname: ContextScout\ndescription: d\n---\nx\n")
    (folder / "team" / "coder.md").write_text("---\ndescription: d\n---\nx\n")
    (folder / "top.md").write_text("---\nname: Top Helper\ndescription: d\n---\nx\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    names = sorted(a.name for a in api.load_pack(tmp_path / "pack").agents)
    assert names == ["contextscout", "team/coder", "top-helper"]
    said = [a for r in result.reports for a in r.approximated]
    assert any(a.startswith("name: ContextScout (named 'contextscout'") for a in said)


def test_a_tools_line_of_text_is_an_error_as_in_opencode(tmp_path: Path) -> None:
    """``tools: read_file, grep_search`` (a real agent's): opencode 1.18.33 refuses the
    whole config ("Expected object | undefined"); dropping the field instead gave the
    agent every tool in every export."""
    folder = tmp_path / "in" / ".opencode" / "agent"
    folder.mkdir(parents=True)
    (folder / "x.md").write_text("---\ndescription: d\ntools: read_file, grep_search\n---\nx\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    (error,) = [f for r in result.reports for f in r.findings if f.is_error]
    assert (error.field, error.line, error.col) == ("tools", 3, 8)
    assert not result.written


def test_a_projects_permission_with_no_agent_is_said_to_be_dropped(tmp_path: Path) -> None:
    """opencode applies it to every agent; with none here there is nothing to fold it
    into, and saying it was folded in hid that it is lost."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "opencode.json").write_text('{"permission": {"bash": "ask"}}')
    result = api.import_(tmp_path / "in", tmp_path / "pack", dry_run=True)
    (report,) = result.reports
    assert [d.split(" (")[0] for d in report.dropped] == ["permission"]
    assert not any(a.startswith("permission") for a in report.approximated)


def test_an_agent_named_as_a_built_in_keeps_the_built_ins_rules(tmp_path: Path) -> None:
    """opencode 1.18.33 merges plan.md into its built-in plan agent, whose rules (edits
    denied) come first: read without them, the agent came out with edits everywhere else.
    A name with a '/' in it keeps it, as opencode calls the agent by it."""
    folder = tmp_path / "in" / ".opencode" / "agent"
    (folder / "team").mkdir(parents=True)
    (folder / "plan.md").write_text("---\ndescription: Plans.\nmode: primary\n---\nx\n")
    (folder / "team" / "c.md").write_text("---\nname: team/coder\ndescription: d\n---\nx\n")
    (folder / "odd.md").write_text("---\ndescription: d\ntools:\n---\nx\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack", dry_run=True)
    errors = [(r.source, f.field) for r in result.reports for f in r.findings if f.is_error]
    assert errors == [(".opencode/agent/odd.md", "tools")]  # opencode refuses tools: null
    (folder / "odd.md").unlink()
    api.import_(tmp_path / "in", tmp_path / "pack")
    pack = api.load_pack(tmp_path / "pack")
    plan = pack.agent("plan")
    assert plan is not None
    assert plan.policy is not None
    assert plan.policy.decide("edit") is Decision.DENY
    assert plan.policy.decide("read") is Decision.ALLOW
    assert pack.agent("team/coder") is not None


@pytest.mark.parametrize(
    "fields", ["permission:\n  edit: deny", "tools:\n  edit: false", "permission:\n  '*': deny"]
)
def test_an_agent_that_may_not_edit_may_not_edit_notebooks(tmp_path: Path, fields: str) -> None:
    """opencode's edit changes any file, a notebook too: an agent denied it must not get
    Claude Code's NotebookEdit."""
    agents = tmp_path / "src" / ".opencode" / "agents"
    agents.mkdir(parents=True)
    (agents / "r.md").write_text(f"---\ndescription: Reviews.\n{fields}\n---\nReview.\n")
    result = api.import_(tmp_path / "src", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    agent = api.load_pack(tmp_path / "pack").agent("r")
    assert agent is not None
    assert agent.policy is not None
    assert agent.policy.decide("notebook") is Decision.DENY


def test_a_command_run_by_a_held_built_in_agent_says_what_it_loses(tmp_path: Path) -> None:
    """A real project holds opencode's build agent to bash rules (``rm -rf`` asks) and runs
    its commands there; a pack carries no rules for a tool's own agents, so each command
    says it will run with the tool's defaults."""
    src = tmp_path / "src"
    (src / ".opencode" / "commands").mkdir(parents=True)
    config = {
        "permission": {"bash": {"*": "allow", "rm -rf *": "ask"}},
        "agent": {"plan": {"permission": {"webfetch": "ask"}}},
        "command": {"coder": {"template": "Code.", "agent": "build"}},
    }
    (src / "opencode.json").write_text(json.dumps(config))
    (src / ".opencode" / "commands" / "ship.md").write_text("---\nagent: plan\n---\nShip.\n")
    (src / ".opencode" / "commands" / "mine.md").write_text("---\nagent: mine\n---\nMine.\n")
    result = api.import_(src, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    said = [a for r in result.reports for a in r.approximated if "built-in agent" in a]
    assert len(said) == 2, said
    assert any(a.startswith("command.coder.agent") and "its permission;" in a for a in said)
    assert any("agent plan" in a and "permission, agent.plan;" in a for a in said)


def test_an_agent_in_opencode_json_and_in_a_file_is_one_agent(tmp_path: Path) -> None:
    """opencode 1.18 merges an agent of opencode.json with the file of its name: the
    file's fields and rules come after the entry's (seen with ``opencode debug agent``).
    Import used to refuse the project for the name taken twice."""
    src = tmp_path / "src"
    (src / ".opencode" / "agents").mkdir(parents=True)
    entry = {"description": "From JSON.", "permission": {"edit": "deny", "bash": {"*": "allow"}}}
    (src / "opencode.json").write_text(json.dumps({"agent": {"r": entry}}))
    (src / ".opencode" / "agents" / "r.md").write_text(
        "---\nmode: subagent\npermission:\n  bash:\n    'rm *': deny\n---\nReview.\n"
    )
    result = api.import_(src, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    pack = api.load_pack(tmp_path / "pack")
    assert [a.name for a in pack.agents] == ["r"]
    agent = pack.agent("r")
    assert agent is not None
    assert agent.policy is not None
    assert (agent.description, agent.body, agent.mode.value) == (
        "From JSON.",
        "Review.\n",
        "subagent",
    )
    assert agent.policy.decide("edit") is Decision.DENY
    assert agent.policy.decide("bash", "rm -rf x") is Decision.DENY
    assert agent.policy.decide("bash", "ls") is Decision.ALLOW


def test_a_legacy_mode_entry_comes_over_the_file_and_config_files_merge_deep(
    tmp_path: Path,
) -> None:
    """opencode folds ``mode.NAME`` over the agent file, a primary agent (its
    migrateModesToAgents runs last), and merges its two config files deep: read under the
    file, or one file's ``agent`` table over the other's, the denies were lost."""
    src = tmp_path / "src"
    (src / ".opencode" / "agent").mkdir(parents=True)
    (src / ".opencode" / "agent" / "rev.md").write_text(
        "---\nmode: subagent\npermission:\n  edit: allow\n  bash: allow\n---\nRev.\n"
    )
    config = {"mode": {"rev": {"permission": {"edit": "deny"}}}, "agent": {"rev": {}}}
    config["agent"]["rev"] = {"permission": {"webfetch": "deny"}}
    (src / "opencode.json").write_text(json.dumps(config))
    (src / ".opencode" / "opencode.json").write_text('{"agent": {"other": {"prompt": "x"}}}')
    result = api.import_(src, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    agent = api.load_pack(tmp_path / "pack").agent("rev")
    assert agent is not None
    assert agent.policy is not None
    assert agent.mode.value == "primary"
    assert agent.policy.decide("edit") is Decision.DENY
    assert agent.policy.decide("webfetch") is Decision.DENY
    assert agent.policy.decide("bash") is Decision.ALLOW


@pytest.mark.parametrize("table", ['{"agent": [1]}', '{"mode": 3, "command": []}'])
def test_a_config_table_of_the_wrong_shape_is_said_not_a_traceback(
    tmp_path: Path, table: str
) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "opencode.json").write_text(table)
    result = api.import_(tmp_path / "src" / "opencode.json", tmp_path / "pack", dry_run=True)
    assert any("not an object of agents" in d for r in result.reports for d in r.dropped)


def test_opencodes_own_permissions_stay_for_opencode(tmp_path: Path) -> None:
    """``external_directory: deny`` has no canonical tool; dropped, the export fell back
    to opencode's default, which asks: wider. It is kept under opencode.permission (the
    project's rules first, the agent's after) and written after the tools' rules."""
    project = tmp_path / "project"
    (project / ".opencode" / "agent").mkdir(parents=True)
    config = {"permission": {"doom_loop": "deny", "external_directory": {"*": "ask"}}}
    (project / "opencode.json").write_text(json.dumps(config))
    (project / ".opencode" / "agent" / "jailed.md").write_text(
        "---\ndescription: Stays in\npermission:\n  bash: deny\n  external_directory:\n"
        '    "*": deny\n    "/tmp/*": allow\n---\nStay.\n'
    )
    result = api.import_(project, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    agent = api.load_pack(tmp_path / "pack").agent("jailed")
    assert agent is not None
    own = {"doom_loop": "deny", "external_directory": {"*": "deny", "/tmp/*": "allow"}}
    assert agent.extras["opencode"]["permission"] == own
    api.export(tmp_path / "pack", ["opencode"], tmp_path / "out", cache=False)
    text = (tmp_path / "out" / "opencode" / "agents" / "jailed.md").read_text()
    assert "permission:\n  bash: deny\n  doom_loop: deny\n  external_directory:\n" in text
    assert '    "*": deny\n    /tmp/*: allow\n' in text


def test_a_later_rule_for_every_tool_overrides_opencodes_own_ones(tmp_path: Path) -> None:
    """opencode's last matching rule wins, and ``"*"`` matches external_directory too:
    kept apart from it, the project's allow came back after the agent's deny."""
    from agentpack.targets.opencode.readpolicy import own_rules

    project = {"permission": {"external_directory": "allow"}}
    agent = {"permission": {"*": "deny", "read": "allow"}}
    assert own_rules(agent, project) == {"external_directory": "deny"}
    alone = {"permission": {"external_directory": "allow", "read": "allow", "*": "deny"}}
    assert own_rules(alone, None) == {"external_directory": "deny"}
    paths = {"permission": {"external_directory": {"*": "deny", "/tmp/*": "allow"}}}
    assert own_rules(paths, None) == {"external_directory": {"*": "deny", "/tmp/*": "allow"}}


def _config(tmp_path: Path, config: dict[str, object]) -> Path:
    """An ``opencode.json`` of ``config``, alone in a folder."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "opencode.json").write_text(json.dumps(config))
    return tmp_path / "src" / "opencode.json"


def test_a_server_rule_denies_the_tools_of_every_server_it_matches(tmp_path: Path) -> None:
    """opencode names a tool ``<server>_<tool>``, so ``github_*: deny`` also denies the
    config's ``github_enterprise``, which import names ``github-enterprise``: the agent was
    denied ``mcp:github`` only, and its opencode export then offered the other's tools."""

    config = {
        "mcp": {
            "github": {"type": "local", "command": ["gh-mcp"]},
            "github_enterprise": {"type": "local", "command": ["ghe-mcp"]},
            "githubby": {"type": "local", "command": ["other-mcp"]},
        },
        "agent": {"nogh": {"description": "d", "prompt": "p", "permission": {"github_*": "deny"}}},
    }
    policy = imported_policy(_config(tmp_path, config), tmp_path / "pack", "nogh")
    denied = sorted(t for t, d in policy.tools.items() if d is Decision.DENY)
    assert denied == ["mcp:github", "mcp:github-enterprise"]


def test_a_bash_pattern_from_the_home_folder_holds_for_every_home(tmp_path: Path) -> None:
    """opencode reads ``~/bin/deploy *`` as ``/home/<user>/bin/deploy *``: a deny came in
    as a deny of the text ``~/bin/deploy`` only, so ``/home/u/bin/deploy`` ran once the
    pack was exported; an allow came in allowing a command opencode denied."""
    bash = {"*": "allow", "~/bin/deploy *": "deny", "$HOME/bin/ok *": "allow"}
    config = {"agent": {"dep": {"description": "d", "prompt": "p", "permission": {"bash": bash}}}}
    policy = imported_policy(_config(tmp_path, config), tmp_path / "pack", "dep")
    patterns = {r.pattern: r.decision for r in policy.bash}
    assert patterns == {"*": Decision.ALLOW, "*/bin/deploy *": Decision.DENY}


@pytest.mark.parametrize(
    "server",
    [
        {"command": "npx", "args": ["-y", "vibe-kanban"]},
        {"type": "local", "command": "npx"},
        {"type": "remote"},
        {"url": "https://x.example.com/mcp"},
    ],
)
def test_a_server_opencode_refuses_is_an_error_at_it(tmp_path: Path, server: object) -> None:
    """A real ``opencode.json`` gives a server no type and its command as a string:
    opencode 1.18 refuses the whole config for it ("Configuration is invalid"), and the
    import read it as a server every tool should start."""
    src = tmp_path / "src"
    src.mkdir()
    config = {"mcp": {"ok": {"type": "remote", "url": "https://ok.example.com"}, "bad": server}}
    (src / "opencode.json").write_text(json.dumps(config, indent=2))
    result = api.import_(src, tmp_path / "pack", "opencode")
    assert result.failed
    errors = [f for r in result.reports for f in r.findings if f.is_error]
    assert [(f.line, f.field) for f in errors] == [(7, "mcp.bad")]
    assert "opencode refuses the whole config for this server" in errors[0].message


def test_a_server_turned_off_by_name_alone_is_no_error(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "opencode.json").write_text(json.dumps({"mcp": {"x": {"enabled": False}}}))
    result = api.import_(src, tmp_path / "pack", "opencode", dry_run=True)
    assert not [f for r in result.reports for f in r.findings if f.is_error]


def test_todowrite_is_the_whole_todo_list(tmp_path: Path) -> None:
    """opencode 1.18.33 has no todoread tool: an agent that denies every tool but allows
    todowrite keeps its todo list (it came in denied, with no word, because the missing
    todoread fell under the deny)."""
    folder = tmp_path / "in" / ".opencode" / "agent"
    folder.mkdir(parents=True)
    (folder / "lister.md").write_text(
        '---\ndescription: Lists\npermission:\n  "*": deny\n  todowrite: allow\n  read: allow\n'
        "---\nList.\n"
    )
    (folder / "odd.md").write_text("---\ndescription: d\npermission:\n  todoread: deny\n---\nx\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    pack = api.load_pack(tmp_path / "pack")
    lister, odd = pack.agent("lister"), pack.agent("odd")
    assert lister is not None
    assert lister.policy is not None
    assert lister.policy.decide("todo") is Decision.ALLOW
    assert lister.policy.decide("bash", "ls") is Decision.DENY
    assert odd is not None
    assert odd.policy is None or odd.policy.decide("todo") is Decision.ALLOW
    said = [d for r in result.reports for d in r.dropped]
    assert "permission.todoread (opencode 1.18 has no such tool)" in said


def test_an_agent_named_by_its_path_keeps_its_commands(tmp_path: Path) -> None:
    """opencode names ``agent/_iterate/verifier.md`` ``_iterate/verifier``: the pack's
    name drops the underscore with no word, and a command's ``agent: _iterate/verifier``
    kept the old name, so the imported pack failed its own check."""
    tree = tmp_path / "in" / ".opencode"
    (tree / "agent" / "_iterate").mkdir(parents=True)
    (tree / "command").mkdir()
    agent_file = "---\ndescription: Checks\nmode: subagent\n---\nCheck.\n"
    (tree / "agent" / "_iterate" / "verifier.md").write_text(agent_file)
    (tree / "agent" / "code_reviewer.md").write_text(agent_file)
    for name, runner in (("verify", "_iterate/verifier"), ("review", "code_reviewer")):
        (tree / "command" / f"{name}.md").write_text(f"---\nagent: {runner}\n---\nGo.\n")
    result = api.import_(tmp_path / "in", tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    pack = api.load_pack(tmp_path / "pack")
    assert sorted(a.name for a in pack.agents) == ["code-reviewer", "iterate/verifier"]
    assert {c.name: c.agent for c in pack.commands} == {
        "verify": "iterate/verifier",
        "review": "code-reviewer",
    }
    said = [a for r in result.reports for a in r.approximated]
    assert any(a.startswith("name: _iterate/verifier (opencode's") for a in said), said
    assert any(a.startswith("agent: code_reviewer (the pack names") for a in said), said
    assert not [f for f in api.validate(tmp_path / "pack").findings if f.is_error]


def test_a_projects_config_json_is_not_opencodes(tmp_path: Path) -> None:
    """opencode reads config.json in its own folder alone: a project's app config beside
    its opencode.json and agents/ gave the agents its model and its rules."""
    root = tmp_path / "in"
    (root / "agents").mkdir(parents=True)
    (root / "opencode.json").write_text('{"$schema": "https://opencode.ai/config.json"}')
    (root / "config.json").write_text('{"tools": {"bash": false}, "agent": {"rev": {}}}')
    (root / "agents" / "rev.md").write_text(
        "---\ndescription: Reviews\nmode: subagent\n---\nReview.\n"
    )
    result = api.import_(root, tmp_path / "pack")
    assert not result.failed, [str(f) for f in result.findings]
    agent = api.load_pack(tmp_path / "pack").agent("rev")
    assert agent is not None
    assert agent.policy is None


def test_a_guard_for_a_servers_every_tool_keeps_the_servers_name() -> None:
    """``my_db_*`` is every tool of the server my_db: cut at its first '_', it made an
    id no tool can have, and the import stopped with an internal error."""
    from agentpack.targets.opencode.readconfig import _tools

    assert _tools("bash|my_db_*") == ("bash", "mcp:my_db")
    assert _tools("x_") is None


def test_a_read_rule_for_a_servers_resources_holds_the_server(tmp_path: Path) -> None:
    """opencode reads an MCP server's resources under read (``mcp:<server>:<uri>``): such
    a rule is not about files, and one that gives a server less than its tools and files
    get holds the server to it; one no narrower than read, as export writes, does not."""
    agents = tmp_path / "src" / ".opencode" / "agents"
    agents.mkdir(parents=True)
    rules = "permission:\n  read:\n    '*': allow\n    'mcp:kb:*': deny\n    'mcp:*': ask\n"
    (agents / "r.md").write_text(f"---\ndescription: Reads.\n{rules}---\nRead.\n")
    policy = imported_policy(tmp_path / "src", tmp_path / "pack", "r")
    assert policy.decide("read") is Decision.ALLOW  # files: the patterns are not about them
    assert policy.decide("mcp:kb") is Decision.DENY
    assert policy.decide("mcp:*") is Decision.ASK
