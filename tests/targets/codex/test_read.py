"""Codex's native files read into the pack, never wider than their author meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentpack import api
from agentpack.permissions import Decision, Policy
from tests.helpers import imported, imported_policy


def test_a_read_only_role_is_read_as_changing_nothing(tmp_path: Path) -> None:
    """Codex runs a custom agent in its session's sandbox, so sandbox_mode = "read-only"
    holds nothing there; the pack reads the author's meaning, the narrower one, rather
    than an agent with every tool (which is what dropping it gave)."""
    roles = tmp_path / "in" / ".codex" / "agents"
    roles.mkdir(parents=True)
    (roles / "auditor.toml").write_text(
        'name = "auditor"\ndescription = "Audits"\ndeveloper_instructions = "Audit."\n'
        'sandbox_mode = "read-only"\n[features]\nshell_tool = false\n'
    )
    result, loaded = imported(tmp_path / "in", tmp_path / "pack")
    agent = loaded.agent("auditor")
    assert agent is not None
    assert agent.policy is not None
    for tool in ("write", "edit", "bash", "webfetch", "read", "grep"):
        assert agent.policy.decide(tool) is Decision.DENY, tool
    assert agent.policy.decide("todo") is Decision.ALLOW
    said = [a for r in result.reports for a in r.approximated]
    assert any(a.startswith("sandbox_mode = read-only") for a in said)


@pytest.mark.parametrize("home", [False, True])
def test_the_sessions_config_holds_every_agent(tmp_path: Path, home: bool) -> None:
    """Codex 0.171 spawns a custom agent with its session's sandbox and features: a
    project's (or home's) config.toml with a read-only sandbox, no shell and no web search
    holds every role there. Dropped as "other settings", each role came in with every tool;
    another config's roles are not held."""
    base = tmp_path / "in" / ".codex"
    config = base / "config.toml"
    (base / "agents").mkdir(parents=True)
    config.write_text(
        'sandbox_mode = "read-only"\nweb_search = "disabled"\n[features]\nshell_tool = false\n'
    )
    (base / "agents" / "scout.toml").write_text(
        'name = "scout"\ndescription = "Scouts"\ndeveloper_instructions = "Look."\n'
    )
    folder = base if home else tmp_path / "in"
    result, loaded = imported(folder, tmp_path / "pack")
    agent = loaded.agent("scout")
    assert agent is not None
    assert agent.policy is not None
    for tool in ("write", "edit", "bash", "webfetch", "websearch", "read"):
        assert agent.policy.decide(tool) is Decision.DENY, tool
    assert agent.policy.decide("todo") is Decision.ALLOW
    said = [a for r in result.reports for a in r.approximated]
    assert any("holds every agent Codex spawns there" in a for a in said), said
    config.write_text('model = "gpt-5.5"\n')
    again = imported(folder, tmp_path / "again")[1].agent("scout")
    assert again is not None
    assert again.policy is None  # every tool: the session takes none away


def _role(tmp_path: Path, name: str, rest: str) -> Policy:
    """The policy of a Codex role file ``name`` with ``rest`` after its three plain keys,
    imported from ``tmp_path/in`` into ``tmp_path/pack``."""
    roles = tmp_path / "in" / ".codex" / "agents"
    roles.mkdir(parents=True)
    (roles / f"{name}.toml").write_text(
        f'name = "{name}"\ndescription = "R"\ndeveloper_instructions = "Work."\n{rest}'
    )
    return imported_policy(tmp_path / "in", tmp_path / "pack", name)


def test_a_role_without_multi_agent_spawns_no_agents(tmp_path: Path) -> None:
    """``[features] multi_agent = false`` takes the spawning tools away; dropped, the
    agent came in with task, which every other tool then gave it."""
    policy = _role(tmp_path, "solo", "[features]\nmulti_agent = false\nother_flag = true\n")
    assert policy.decide("task") is Decision.DENY
    assert policy.decide("bash", "ls") is Decision.ALLOW
    (report,) = api.import_(tmp_path / "in", tmp_path / "again", dry_run=True).reports
    assert "features.multi_agent" in report.mapped
    assert [d.split(" (")[0] for d in report.dropped] == ["features.other_flag"]


def test_a_projects_skills_in_agents_skills_are_read_once(tmp_path: Path) -> None:
    """Codex reads a project's skills from .agents/skills, beside .codex/: the import read
    neither that folder nor said so."""
    project = tmp_path / "in"
    (project / ".codex" / "agents").mkdir(parents=True)
    (project / ".codex" / "agents" / "a.toml").write_text(
        'name = "a"\ndescription = "A"\ndeveloper_instructions = "Do."\n'
    )
    skill = project / ".agents" / "skills" / "notes"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text("---\nname: notes\ndescription: Take notes\n---\nNote.\n")
    for source in (project, project / ".codex"):
        _, pack = imported(source, tmp_path / f"pack-{source.name}")
        assert [s.name for s in pack.skills] == ["notes"], source


def test_roles_declared_in_config_toml_take_their_name_and_description_there(
    tmp_path: Path,
) -> None:
    """``[agents.<name>]`` of config.toml names a role and says what it is for (Codex
    0.171 offers it so); the role file may say neither. A file named that is not there,
    and a role file kept outside agents/, are not passed over in silence."""
    home = tmp_path / "in" / ".codex"
    (home / "agents").mkdir(parents=True)
    (home / "roles").mkdir()
    (home / "config.toml").write_text(
        '[agents.reviewer]\ndescription = "Find risks in code."\n'
        'config_file = "./agents/reviewer.toml"\n'
        '[agents.tester]\ndescription = "Write tests."\nconfig_file = "roles/t.toml"\n'
        '[agents.gone]\ndescription = "x"\nconfig_file = "./agents/gone.toml"\n'
        '[agents.far]\ndescription = "x"\nconfig_file = "../../far.toml"\n'
        '[agents.again]\ndescription = "x"\nconfig_file = "agents/reviewer.toml"\n'
    )
    (tmp_path / "far.toml").write_text('developer_instructions = "Not ours."\n')
    (home / "agents" / "reviewer.toml").write_text('developer_instructions = "Review."\n')
    (home / "roles" / "t.toml").write_text(
        'name = "tests"\ndescription = "Own words."\ndeveloper_instructions = "Test."\n'
    )
    result, pack = imported(home, tmp_path / "pack")
    reviewer, tester = pack.agent("reviewer"), pack.agent("tester")
    assert reviewer is not None
    assert reviewer.description == "Find risks in code."
    assert tester is not None
    assert tester.description == "Own words."
    said = [why for _, why in result.skipped]
    assert any("gone.toml', which is not a file here" in why for why in said)
    assert any("far.toml', which is not a file here" in why for why in said)
    assert "[agents.again] names the file of [agents.reviewer]" in said
    assert pack.agent("far") is None


def test_a_skills_openai_yaml_says_what_it_drops(tmp_path: Path) -> None:
    """A real skill's agents/openai.yaml has interface and dependencies besides its
    policy: the policy is read, the rest was dropped without a word."""
    skill = tmp_path / "in" / ".agents" / "skills" / "comms"
    (skill / "agents").mkdir(parents=True)
    (skill / "SKILL.md").write_text("---\nname: comms\ndescription: Messages\n---\nSend.\n")
    (skill / "agents" / "openai.yaml").write_text(
        'interface:\n  display_name: "Comms"\npolicy:\n  allow_implicit_invocation: false\n'
    )
    result, loaded = imported(tmp_path / "in", tmp_path / "pack")
    (found,) = loaded.skills
    assert found.disable_model_invocation is True
    (report,) = [r for r in result.reports if r.name == "comms"]
    assert [d.split(" (")[0] for d in report.dropped] == [
        "agents/openai.yaml interface.display_name"
    ]


def test_a_skill_with_openai_yaml_keeps_its_standard_fields(tmp_path: Path) -> None:
    """A skill written for several tools carries Codex's agents/openai.yaml beside its
    Agent Skills frontmatter: read as Codex's, it lost disable-model-invocation (and went
    to tools that let the model load it), allowed-tools and compatibility."""
    skill = tmp_path / "in" / "skills" / "deploy"
    (skill / "agents").mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\nname: deploy\ndescription: Deploys\ndisable-model-invocation: true\n"
        "allowed-tools: Bash(kubectl *)\ncompatibility: needs kubectl\n---\nApply.\n"
    )
    (skill / "agents" / "openai.yaml").write_text("interface:\n  display_name: Deploy\n")
    _, loaded = imported(tmp_path / "in", tmp_path / "pack")
    (found,) = loaded.skills
    assert found.disable_model_invocation is True
    assert found.compatibility == "needs kubectl"
    assert [str(g) for g in found.allowed_tools] == ["bash(kubectl *)"]
    assert [r.path for r in found.resources] == []


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ('disallowed_tools = ["shell", "apply_patch", "teleport"]\n', ["teleport"]),
        ('disallowedTools = "Bash, Write, Edit"\n', []),  # Claude Code's one-text form
    ],
)
def test_a_deny_list_codex_does_not_know_is_read_as_meant(
    tmp_path: Path, line: str, dropped: list[str]
) -> None:
    """Codex 0.171 loads no agent from a file with a key it does not know (seen: its
    ``Available roles`` leaves it out); dropped, ``disallowed_tools = ["shell"]`` came in
    as an agent with every tool. Read as its author meant it: those tools denied."""
    policy = _role(tmp_path, "rev", line)
    assert [policy.decide(t) for t in ("bash", "edit", "write", "read")] == [
        Decision.DENY,
        Decision.DENY,
        Decision.DENY,
        Decision.ALLOW,
    ]
    (report,) = api.import_(tmp_path / "in", tmp_path / "again", dry_run=True).reports
    key = line.split(" =")[0]
    assert [a.split(" (")[0] for a in report.approximated] == [key]
    assert report.dropped == [f"{key}: {n} (not a tool agentpack knows)" for n in dropped]


def test_a_codex_home_prompts_are_commands(tmp_path: Path) -> None:
    """``~/.codex/prompts/<name>.md`` (``/prompts:<name>``) came in as a traceback, given
    as a folder or a file: it is a command, ``$1`` and ``$ARGUMENTS`` the pack's, a named
    ``$TICKET`` said to stay as text."""
    home = tmp_path / ".codex"
    (home / "prompts").mkdir(parents=True)
    (home / "prompts" / "ticket.md").write_text(
        "---\ndescription: Work a ticket\nargument-hint: TICKET\n---\n"
        "Work on $1 ($ARGUMENTS), see $TICKET_URL.\n"
    )
    for given, pack in (
        (home, "a"),
        (home / "prompts", "b"),
        (home / "prompts" / "ticket.md", "c"),
    ):
        result, loaded = imported(given, tmp_path / pack)
        (command,) = loaded.commands
        assert (command.name, command.argument_hint) == ("ticket", "TICKET")
        assert command.body == "Work on $1 ($ARGUMENTS), see $TICKET_URL.\n"
    said = [a for r in result.reports for a in r.approximated]
    assert [a.split(" (")[0] for a in said] == ["$TICKET_URL"]


def test_a_prompts_folder_of_no_codex_home_holds_what_it_holds(tmp_path: Path) -> None:
    """Only a Codex home's ``prompts/`` (``.codex``, or beside its ``config.toml``) is read
    as Codex's prompts: an agent in a project's ``docs/prompts/`` stays an agent, held to
    its tools, and a prompt beside a home's config.toml keeps its ``$1`` (not shifted as
    Claude Code's)."""
    docs = tmp_path / "docs" / "prompts"
    docs.mkdir(parents=True)
    (docs / "helper.md").write_text("---\nname: helper\ndescription: d\ntools: Read\n---\nx\n")
    _, loaded = imported(docs / "helper.md", tmp_path / "a")
    (agent,) = loaded.agents
    assert agent.policy is not None
    assert agent.policy.decide("edit") is Decision.DENY
    home = tmp_path / "dotfiles" / "codex"
    (home / "prompts").mkdir(parents=True)
    (home / "config.toml").write_text("")
    (home / "prompts" / "review.md").write_text("---\ndescription: d\n---\nReview $1 vs $2\n")
    _, loaded = imported(home / "prompts" / "review.md", tmp_path / "b")
    (command,) = loaded.commands
    assert command.body == "Review $1 vs $2\n"
