"""What several targets write alike: names, model ids, skills in the Agent Skills layout,
plugin manifests' common fields. A target takes what fits its tool and writes the rest itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from agentpack import aliases, emit, examples, placeholders
from agentpack.model import (
    Agent,
    Command,
    Manifest,
    ModelRef,
    Person,
    PluginGroup,
    Skill,
    flat_name,
)
from agentpack.outputs import OutFile
from agentpack.permissions import Decision
from agentpack.targets.base import Change, ItemEnv, Report

CLAUDE_ONLY = re.compile(
    r"\$\{CLAUDE_(?:PLUGIN_ROOT|PLUGIN_DATA|SKILL_DIR|SESSION_ID|EFFORT)\}"
    r"|\$CLAUDE_(?:PLUGIN_ROOT|PLUGIN_DATA|SKILL_DIR|SESSION_ID|EFFORT)\b"
)
"""What Claude Code fills in in a command's or skill's text, and no other tool does."""


def body_notes(
    target: str, title: str, item: Command | Skill, report: Report, *, runs_shell: bool = False
) -> None:
    """What a command or skill asks of Claude Code that ``title`` does not do: run its
    ``!`cmd` `` lines (unless ``runs_shell``: opencode does, in a command's template), fill
    in ``${CLAUDE_PLUGIN_ROOT}`` and the like, and take tools away, run hooks or fork a
    subagent while it runs (its ``claude:`` block, which other tools do not read: a guard
    lost, so a warning). The text is written as it is, and the model reads it without what it was
    written around: say so."""
    block = placeholders.SHELL_BLOCK.search(item.body) is not None
    line = not runs_shell and placeholders.SHELL_LINE.search(item.body) is not None
    if block or line:
        both = isinstance(item, Command) and line  # opencode runs a command's lines, no block
        runs = "Claude Code and opencode put" if both else "Claude Code puts"
        what = " and ".join(["!`command` lines"] * line + ["```! blocks"] * block)
        report.add(
            target,
            item,
            "body",
            Change.DROPPED,
            f"{title} does not run the body's {what} ({runs} their output in the prompt): "
            "they are written as text; say in the body what to run to be sure",
        )
    if isinstance(item, Command) and not runs_shell and placeholders.FILE_REF.search(item.body):
        report.add(
            target,
            item,
            "body",
            Change.DROPPED,
            f"{title} does not read the body's @file references (Claude Code and opencode put "
            "the file's text in the prompt): the model gets the path; say in the body to read it",
        )
    if isinstance(item, Command) and title != "VS Code":  # VS Code applies the list itself
        tool_list_notes(target, title, item, report)
    claude = item.extras.get("claude")
    kind = "command" if isinstance(item, Command) else "skill"
    for key, what in (("disallowed-tools", "takes tools away"), ("hooks", "runs its hooks")):
        if isinstance(claude, Mapping) and claude.get(key):  # [] or {}: nothing lost
            report.add(
                target,
                item,
                f"claude.{key}",
                Change.UNGUARDED,
                f"Claude Code {what} while the {kind} runs ({key}); {title} runs it without "
                "them: hold the agents that may run it to fewer tools",
            )
    if isinstance(claude, Mapping) and claude.get("context") == "fork":
        runner = claude.get("agent") or "general-purpose"
        report.add(
            target,
            item,
            "claude.context",
            Change.UNGUARDED,
            f"Claude Code runs the {kind} in a subagent of its own ({runner}, context: fork); "
            f"{title} runs it in the agent that calls it, with that agent's tools: hold the "
            "agents that may run it to fewer tools",
        )
    named = CLAUDE_ONLY.search(item.body)
    if named:
        report.add(
            target,
            item,
            "body",
            Change.DROPPED,
            f"{title} does not fill in {named[0]} (Claude Code does): it is written as text; "
            "name the path from the project's folder, or the skill's own files by their path",
        )


def tool_list_notes(target: str, title: str, command: Command, report: Report) -> None:
    """A VS Code prompt's own tools list (``copilot: {tools: [...]}``), which only VS Code
    applies: ``title`` runs the command with every tool its agent has, so a warning."""
    copilot = command.extras.get("copilot")
    if isinstance(copilot, Mapping) and isinstance(copilot.get("tools"), list):
        report.add(
            target,
            command,
            "copilot.tools",
            Change.UNGUARDED,
            f"VS Code runs the prompt with only the tools it lists; {title} runs the command "
            "with every tool its agent has: hold the agents that may run it to fewer tools",
        )
    if isinstance(copilot, Mapping) and copilot.get("agent") == "ask":
        report.add(
            target,
            command,
            "copilot.agent",
            Change.UNGUARDED,
            f"VS Code runs the prompt in its Ask agent, which changes nothing; {title} runs "
            "the command in the current agent, with its tools: name a read-only agent of the "
            "pack as the command's agent instead",
        )


def agent_notes(target: str, title: str, agent: Agent, report: Report) -> None:
    """What an agent asks of Claude Code that ``title`` does not do: run its own
    PreToolUse hooks (its ``claude:`` block), which may block tool calls its tools allow;
    ``title`` runs them unguarded: a warning."""
    claude = agent.extras.get("claude")
    hooks = claude.get("hooks") if isinstance(claude, Mapping) else None
    if isinstance(hooks, Mapping) and hooks.get("PreToolUse"):
        report.add(
            target,
            agent,
            "claude.hooks",
            Change.UNGUARDED,
            f"Claude Code runs the agent's own PreToolUse hooks, which may block calls its "
            f"tools allow; {title} does not run them: hold the agent to fewer tools",
        )


def agent_name(target: str, title: str, agent: Agent, report: Report) -> str:
    """``flat_name`` of the agent, for a tool whose agent names hold no '/', with a note
    when that changes it."""
    flat = flat_name(agent.name)
    if flat != agent.name:
        report.add(
            target,
            agent,
            "name",
            Change.APPROXIMATED,
            f"{title} agent names hold no '/': {agent.name!r} is written as {flat!r} (other "
            "agents' prompts that call it by its path should say both)",
        )
    return flat


def model_id(
    target: str, item: Agent | Command, ref: ModelRef | None, env: ItemEnv, report: Report, why: str
) -> str | None:
    """The target's id for an item's model; None when it names none or inherits (the
    field is left out), and when the alias has no id here (dropped, ``why`` says what to
    do: ``{ref}`` is the model)."""
    if ref is None:
        return None
    model = aliases.resolve(ref, target, env.models)
    if model == aliases.INHERIT:
        return None
    if not model:
        report.add(target, item, "model", Change.DROPPED, why.format(ref=ref))
        return None
    return model


def cannot_hold(effective: Mapping[str, Decision | None]) -> dict[str, Decision | None]:
    """What an agent can do in a tool that leaves it out (it cannot hold it to its
    tools): nothing, for every tool the tool has."""
    return {k: None if v is None else Decision.DENY for k, v in effective.items()}


def one_plugin(target: str, title: str, manifest: Manifest, report: Report) -> None:
    """Plugin groups make Claude Code plugins; a tool with one plugin per pack says so."""
    if manifest.plugins:
        report.about_pack(
            target,
            manifest,
            "plugins",
            Change.APPROXIMATED,
            f"one {title} plugin holds the whole pack; plugin groups make Claude Code plugins",
        )


def describe(agent: Agent) -> str:
    """The description with delegation examples embedded, in the Claude-style layout
    (``<example>`` blocks) that agents of several tools use in the wild."""
    return examples.render(agent.description, agent.examples)


def skill_files(skill: Skill, fields: Mapping[str, Any], base: str = "skills") -> Iterator[OutFile]:
    """SKILL.md with the target's fields, then every resource byte for byte."""
    folder = f"{base}/{skill.name}"
    yield OutFile.text(f"{folder}/SKILL.md", emit.frontmatter(fields, skill.body), skill.source)
    for resource in skill.resources:
        yield OutFile(
            f"{folder}/{resource.path}",
            resource.data,
            skill.source.path,
            executable=resource.executable,
        )


def agent_skill(
    target: str, title: str, skill: Skill, report: Report, base: str = "skills"
) -> Iterator[OutFile]:
    """A skill as the Agent Skills standard writes it (name, description, license,
    compatibility, metadata, disable-model-invocation), with the target's block; its grants
    are dropped with a note, since such a tool pre-approves nothing."""
    if skill.allowed_tools:
        report.add(
            target,
            skill,
            "allowed_tools",
            Change.DROPPED,
            f"{title} skills cannot pre-approve tools; they ask as the session does",
        )
    body_notes(target, title, skill, report)
    fields = skill_fields(skill)
    fields["disable-model-invocation"] = skill.disable_model_invocation
    fields.update(skill.extras.get(target, {}))
    yield from skill_files(skill, fields, base)


def skill_fields(skill: Skill) -> dict[str, Any]:
    """The fields of the Agent Skills standard that every tool's SKILL.md has."""
    return {
        "name": skill.name,
        "description": skill.description,
        "license": skill.license,
        "compatibility": skill.compatibility,
        "metadata": dict(skill.metadata) or None,
    }


def person_fields(person: Person) -> dict[str, str]:
    """An author as plugin manifests write one (name, then email and url when given)."""
    out = {"name": person.name}
    if person.email:
        out["email"] = person.email
    if person.url:
        out["url"] = person.url
    return out


def plugin_fields(manifest: Manifest, group: PluginGroup | None = None) -> dict[str, Any]:
    """A plugin manifest's common fields (Claude Code's, Codex's and Copilot's agree on
    them), for the pack or for one plugin group (its own fields over the pack's)."""

    def pick(key: str) -> Any:
        own = getattr(group, key) if group is not None else None
        return own if own else getattr(manifest, key)

    fields: dict[str, Any] = {
        "name": group.name if group else manifest.name,
        "version": pick("version"),
        "description": pick("description"),
    }
    if pick("author"):
        fields["author"] = person_fields(pick("author"))
    for key in ("homepage", "repository", "license"):
        if pick(key):
            fields[key] = pick(key)
    if pick("keywords"):
        fields["keywords"] = list(pick("keywords"))
    return fields
