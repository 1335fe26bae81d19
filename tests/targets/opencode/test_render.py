"""opencode agent files as opencode reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentpack import api
from agentpack.permissions import Decision
from tests.conftest import MakePack


def test_an_agent_named_as_a_built_in_is_said_to_be_merged_into_it(tmp_path: Path) -> None:
    """opencode 1.18.33 merges an agent file named ``plan`` into its built-in plan agent
    (``debug agent plan`` lists the built-in's rules, then the file's): said, so that the
    author knows the built-in's rules come along."""
    pack = tmp_path / "pack"
    api.init(pack)
    for name in ("plan", "planner", "title"):
        (pack / "agents" / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: d\ntools:\n  allow: [read]\n---\nx\n"
        )
    done = api.export(pack, ["opencode"], tmp_path / "out", cache=False)
    said = sorted(f.path for f in done.findings if "built-in agent named" in f.message)
    assert said == ["agents/plan.md", "agents/title.md"]


def test_a_server_whose_name_begins_with_anothers_gets_no_more_than_that_ones_tools() -> None:
    """opencode names a tool ``<server>_<tool>``: ``corpus_search_*`` also matches the
    tool ``search_delete`` of a server ``corpus``, and ``corpus_*`` every tool of
    ``corpus_search``. Each rule gets no more than the tools it also matches."""
    from agentpack.permissions import Decision, Policy
    from agentpack.targets.opencode.permissions import evaluate, rules_v1

    servers = ("corpus", "corpus_search")
    only_search = Policy.build(None, ["read", "mcp:corpus_search"])
    done = rules_v1(only_search, servers)
    assert done.rules is not None
    assert evaluate(done.rules, "mcp:corpus/search_delete") is Decision.DENY
    assert [n[:3] for n in done.narrowed] == [("mcp:corpus_search", Decision.ALLOW, Decision.DENY)]
    only_corpus = Policy.build(None, ["read", "mcp:corpus"])
    done = rules_v1(only_corpus, servers)
    assert done.rules is not None
    assert evaluate(done.rules, "mcp:corpus/read_doc") is Decision.ALLOW
    assert evaluate(done.rules, "mcp:corpus_search/find") is Decision.DENY
    both = Policy.build(None, ["mcp:corpus", "mcp:corpus_search"])
    done = rules_v1(both, servers)
    assert done.rules is not None
    assert done.narrowed == []
    assert list(done.rules) == ["*", "corpus_*", "corpus_search_*"]


_SERVERS = ("a", "a_b", "a_b_c", "ab")
_TOOLS = ("x", "b_x", "c_x", "b_c_x", "b_c")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(Decision)),
    st.dictionaries(
        st.sampled_from(
            [f"mcp:{s}" for s in _SERVERS] + [f"mcp:{s}/{t}" for s in _SERVERS for t in _TOOLS]
        ),
        st.sampled_from(list(Decision)),
        max_size=6,
    ),
    st.sets(st.sampled_from(_SERVERS)),
)
def test_no_opencode_mcp_rule_gives_a_tool_more_than_the_source(
    default: Decision, named: dict[str, Decision], pack: set[str]
) -> None:
    """Every opencode name ``<server>_<tool>`` is read each way it can be (``a_b_x`` is
    a's ``b_x`` and a_b's ``x``): for each, opencode gives no more than the source, for
    the servers the policy names and the pack's."""
    from agentpack.permissions import Policy
    from agentpack.targets.opencode.permissions import evaluate, rules_v1

    lists: dict[Decision, list[str]] = {d: [] for d in Decision}
    for tool_id, decision in named.items():
        lists[decision].append(tool_id)
    policy = Policy.build(default, lists[Decision.ALLOW], lists[Decision.ASK], lists[Decision.DENY])
    done = rules_v1(policy, tuple(sorted(pack)))
    known = {*pack, *(t[4:].split("/")[0] for t in named)}
    for server in known:
        for tool in (*_TOOLS, "other"):
            got = evaluate(done.rules, f"mcp:{server}/{tool}")
            assert got is not None
            assert got <= policy.tool(f"mcp:{server}/{tool}"), (server, tool, done.rules)


def test_an_opencode_colour_opencode_refuses_is_an_error(tmp_path: Path) -> None:
    """opencode 1.18.33 refuses every agent when one file's color is neither a #RRGGBB hex
    nor a theme colour (``opencode agent list`` fails): the block is checked."""
    pack = tmp_path / "pack"
    api.init(pack)
    for name, colour in (("bad", "teal"), ("good", "'#00aa00'"), ("theme", "accent")):
        (pack / "agents" / f"{name}.md").write_text(
            f"---\nname: {name}\ndescription: d\nopencode:\n  color: {colour}\n---\nx\n"
        )
    found = [f for f in api.validate(pack).findings if f.is_error]
    assert [(f.path, f.field) for f in found] == [("agents/bad.md", "opencode.color")]


@pytest.mark.parametrize(
    ("bash", "base", "written"),
    [
        ({}, Decision.ALLOW, "allow"),
        ({"*": "allow", "git *": "allow"}, Decision.ALLOW, "allow"),
        ({"*": "deny", "git status": "allow"}, Decision.ALLOW, "deny"),
        ({"*": "allow", "rm *": "deny"}, Decision.ALLOW, "deny"),
        ({"*": "ask"}, Decision.ALLOW, "deny"),
        ({"*": "deny"}, Decision.DENY, "deny"),
    ],
)
def test_bash_is_allowed_only_when_every_command_is(
    bash: dict[str, str], base: Decision, written: str
) -> None:
    """opencode asks about a script only by the commands it finds in it: with ``bash:
    ask``, and with ``git status: allow`` under ``"*": deny``, opencode 1.18.33 ran
    ``git status; declare 'a[$(id)0]=1'`` and ``declare 'a[$(id)0]=1'`` (the id ran) without
    asking. So bash is allowed whole or denied whole (which takes the tool away), noted."""
    from agentpack.permissions import Policy
    from agentpack.targets.opencode.permissions import rules_v1

    rules = {p: Decision.parse(d) for p, d in bash.items()}
    done = rules_v1(Policy.build(base, ["read"] if base is Decision.DENY else None, bash=rules), ())
    assert done.rules is not None
    assert done.rules.get("bash", done.rules.get("*", "allow")) == written
    said = [n for n in done.narrowed if n[0] == "bash"]
    if written == "allow" or set(bash.values()) == {"deny"}:
        assert not said
    else:
        assert [(n[2], n[3].split(",")[0]) for n in said] == [
            (
                Decision.DENY,
                "opencode 1.18.33 checks a shell script only by the commands it finds in it",
            )
        ]


def test_a_default_of_ask_denies_bash_rather_than_leave_it_to_the_catch_all() -> None:
    from agentpack.permissions import Policy
    from agentpack.targets.opencode.permissions import rules_v1

    done = rules_v1(Policy.build(Decision.ASK, ["read"]), ())
    # an MCP server's resources are read under read: they ask, as the server's tools do
    assert done.rules == {"*": "ask", "read": {"*": "allow", "mcp:*": "ask"}, "bash": "deny"}


def test_a_server_holding_opencodes_own_substitution_is_left_out(tmp_path: Path) -> None:
    """opencode replaces ``{file:~/.ssh/id_rsa}`` and ``{env:X}`` wherever they stand in its
    config: a server whose arguments held them as text got the file's or the variable's
    contents."""
    import json

    root = tmp_path / "pack"
    (root / "mcp").mkdir(parents=True)
    (root / "agentpack.yaml").write_text("name: p\nversion: 1.0.0\ndescription: d\n")
    (root / "mcp" / "notes.yaml").write_text(
        "command: npx\nargs: [notes, '{file:~/.ssh/id_rsa}']\n"
    )
    (root / "mcp" / "plain.yaml").write_text("command: npx\nargs: [plain]\n")
    result = api.export(root, ["opencode"])
    config = json.loads((root / "dist" / "opencode" / "opencode.json").read_text())
    assert list(config["mcp"]) == ["plain"]
    (note,) = [f for f in result.findings if f.path == "mcp/notes.yaml"]
    assert "left out of opencode: it holds {file:~/.ssh/id_rsa}" in note.message


def test_a_command_naming_an_agent_kept_out_of_opencode_runs_in_the_current_one(
    tmp_path: Path,
) -> None:
    """``agent: helper`` where helper's ``targets: [claude]`` keeps it out of opencode:
    opencode refuses a command whose agent it cannot find, so the name is dropped, said."""
    root = tmp_path / "pack"
    (root / "agents").mkdir(parents=True)
    (root / "commands").mkdir()
    (root / "agentpack.yaml").write_text("name: p\nversion: 1.0.0\ndescription: d\n")
    (root / "agents" / "helper.md").write_text(
        "---\nname: helper\ndescription: d\ntargets: [claude]\n---\nx\n"
    )
    (root / "commands" / "c.md").write_text("---\ndescription: d\nagent: helper\n---\nx\n")
    result = api.export(root, ["opencode"])
    written = (root / "dist" / "opencode" / "commands" / "c.md").read_text()
    assert "agent:" not in written.split("---\n")[1]
    said = [f.message for f in result.findings if f.field == "agent"]
    assert any("'helper' is not in the opencode output" in m for m in said), said


def test_a_commands_shell_lines_its_grants_do_not_cover_are_warned(tmp_path: Path) -> None:
    """opencode runs a command's !`cmd` lines itself, unchecked: a line the command's
    grants do not cover runs there, where Claude Code would stop."""
    root = tmp_path / "pack"
    (root / "commands").mkdir(parents=True)
    (root / "agentpack.yaml").write_text("name: p\nversion: 1.0.0\ndescription: d\n")
    (root / "commands" / "c.md").write_text(
        "---\ndescription: d\nallowed_tools: [bash(git status *)]\n---\n"
        "State: !`git status --short`\nClean: !`rm -rf build`\n"
    )
    result = api.export(root, ["opencode"])
    said = [f.message for f in result.findings if f.field == "body" and "unchecked" in f.message]
    assert len(said) == 1
    assert "do not grant 'rm -rf build', which Claude Code" in said[0]


@pytest.mark.parametrize(
    ("default", "own"),
    [(Decision.DENY, "deny"), (Decision.ALLOW, "ask")],
)
def test_a_servers_rule_leaves_opencodes_own_permissions_as_they_were(
    default: Decision, own: str
) -> None:
    """``external_*: allow`` for a server named external also matched opencode's own
    external_directory: the agent read files outside the project it was refused before.
    The permission's rule follows the server's, as it stood without it."""
    from agentpack.permissions import Policy
    from agentpack.targets.opencode.permissions import rules_v1

    policy = Policy.build(default, ["read", "mcp:external", "mcp:plan"], (), ["write"])
    rules = rules_v1(policy, ("external", "plan")).rules
    keys = list(rules)
    assert rules["external_*"] == "allow"
    assert rules["external_directory"] == own
    assert keys.index("external_directory") > keys.index("external_*")
    assert rules["plan_enter"] == rules["plan_exit"] == "deny"


def test_a_denied_tool_named_as_opencodes_own_permission_stays_denied() -> None:
    """The tool directory of a server external is external_directory to opencode, its own
    permission's name: the rule that keeps the permission as it was gave the denied tool
    ask."""
    from agentpack.permissions import Policy
    from agentpack.targets.opencode.permissions import rules_v1

    policy = Policy.build(Decision.ALLOW, None, (), ["mcp:external/directory", "mcp:doom"])
    rules = rules_v1(policy, ("external", "doom")).rules
    assert rules["external_directory"] == "deny"
    assert rules["doom_loop"] == "deny"


def test_the_hook_plugin_keeps_a_hook_argument_that_spells_a_placeholder(
    make_pack: MakePack,
) -> None:
    """The plugin's placeholders were filled one after another, so an argument spelling
    __ROOT__ was filled too, and the plugin did not parse: every guard in it was off."""
    root = make_pack(
        {
            "hooks/g.yaml": "event: before_tool\ntools: [bash]\nrun: hooks/g.sh\n"
            "args: ['--mode=__ROOT__']\n",
            "hooks/g.sh": "exit 0\n",
        }
    )
    api.export(root, ["opencode"])
    text = (root / "dist" / "opencode" / "plugin" / "test-pack-hooks.js").read_text()
    assert '"--mode=__ROOT__"' in text
    assert 'fileURLToPath(import.meta.url)), "..");' in text


def test_a_denied_servers_resources_are_denied_under_read() -> None:
    """opencode 1.18.33 reads an MCP server's resources under read, whatever the server's
    tool rules say (seen: an agent with ``res_*: deny`` read a resource of res): a server
    that may do less than read gets read patterns of its own; opencode's own read rules
    (``*.env``: ask) stay where the agent does not write read whole."""
    from agentpack.permissions import Policy
    from agentpack.targets.opencode.permissions import rules_v1

    done = rules_v1(Policy.build(Decision.ALLOW, None, deny=["mcp:res"]), ())
    assert done.rules == {"res_*": "deny", "read": {"mcp:res:*": "deny"}}
    done = rules_v1(Policy.build(Decision.DENY, ["read", "mcp:kb"]), ())
    assert done.rules is not None
    assert done.rules["read"] == {"*": "allow", "mcp:*": "deny", "mcp:kb:*": "allow"}


def test_a_guard_on_write_runs_for_edit_too(make_pack: MakePack) -> None:
    """opencode 1.18.33's edit creates a file when its oldString is empty: a guard on write
    that did not run for edit let such a file through unguarded."""
    root = make_pack(
        {
            "hooks/g.yaml": "event: before_tool\ntools: [write]\nrun: hooks/g.sh\n",
            "hooks/g.sh": "exit 0\n",
        }
    )
    api.export(root, ["opencode"])
    text = (root / "dist" / "opencode" / "plugin" / "test-pack-hooks.js").read_text()
    assert '"tools": [\n      "write",\n      "edit",\n      "apply_patch"\n    ]' in text
