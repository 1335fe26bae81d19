"""The canonical model written back as pack source files (what ``import`` produces).

The inverse of ``load``: ``load(canonical(x)) == x`` for every agent, command and skill,
which the round-trip tests rely on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from agentpack import emit
from agentpack.model import (
    Agent,
    Command,
    Grant,
    Hook,
    Manifest,
    McpServer,
    ModelRef,
    Person,
    PluginGroup,
    Skill,
)
from agentpack.outputs import OutFile
from agentpack.permissions import Decision, Policy

MODELINE = "# yaml-language-server: $schema={}"
AUTHOR_HINT = "# author: {name: Your Name, email: you@example.com}   # plugins need an author"
LICENSE_HINT = (
    "# license: MIT      # an SPDX id (https://spdx.org/licenses/): plugin directories want one"
)


def _model(ref: ModelRef | None) -> Any:
    if ref is None:
        return None
    return ref.alias if ref.alias is not None else dict(ref.per_target)


def policy_fields(policy: Policy | None) -> dict[str, Any] | None:
    """The shortest ``tools:`` block that builds the same policy."""
    if policy is None:
        return None
    lists: dict[str, list[str]] = {"allow": [], "ask": [], "deny": []}
    for tool_id, decision in policy.tools.items():
        lists[str(decision)].append(tool_id)
    fields: dict[str, Any] = {}
    implied = Decision.DENY if lists["allow"] else Decision.ALLOW
    if policy.default is not implied or policy.default_explicit or not any(lists.values()):
        fields["default"] = str(policy.default)
    for key in ("allow", "ask", "deny"):
        if lists[key]:
            fields[key] = lists[key]
    if policy.bash:
        fields["bash"] = {rule.pattern: str(rule.decision) for rule in policy.bash}
    return fields


def _grants(grants: tuple[Grant, ...]) -> list[str] | None:
    return [g.tool if g.pattern is None else f"bash({g.pattern})" for g in grants] or None


def _head(kind: str, schemas: str | None) -> str:
    return "" if schemas is None else MODELINE.format(f"{schemas}/{kind}.schema.json") + "\n"


def _document(fields: Mapping[str, Any], body: str, modeline: str) -> str:
    kept = {k: v for k, v in fields.items() if v is not None and v != {} and v != ()}
    text = emit.frontmatter(kept, body)
    return "---\n" + modeline + text[4:] if modeline else text


def agent_file(agent: Agent, schemas: str | None = "../schemas") -> OutFile:
    fields: dict[str, Any] = {
        "name": agent.name,
        "description": agent.description,
        "examples": [
            {
                k: v
                for k, v in (
                    ("context", e.context),
                    ("user", e.user),
                    ("assistant", e.assistant),
                    ("commentary", e.commentary),
                )
                if v is not None
            }
            for e in agent.examples
        ]
        or None,
        "mode": agent.mode.value,
        "model": _model(agent.model),
        "temperature": agent.temperature,
        "top_p": agent.top_p,
        "max_steps": agent.max_steps,
        "tools": policy_fields(agent.policy),
        "color": agent.color,
        "tags": list(agent.tags) or None,
        "version": agent.version,
        "targets": list(agent.targets) if agent.targets is not None else None,
        **{name: dict(block) for name, block in sorted(agent.extras.items())},
        "metadata": dict(agent.metadata) or None,
    }
    if schemas is not None and not schemas.startswith("/"):
        schemas = "../" * agent.name.count("/") + schemas  # agents/team/coder.md is deeper
    text = _document(fields, agent.body, _head("agent", schemas))
    return OutFile(f"agents/{agent.name}.md", text.encode("utf-8"))


def command_file(command: Command, schemas: str | None = "../schemas") -> OutFile:
    fields: dict[str, Any] = {
        "description": command.description,
        "argument_hint": command.argument_hint,
        "allowed_tools": _grants(command.allowed_tools),
        "agent": command.agent,
        "model": _model(command.model),
        "subtask": command.subtask,
        "disable_model_invocation": command.disable_model_invocation,
        "targets": list(command.targets) if command.targets is not None else None,
        **{name: dict(block) for name, block in sorted(command.extras.items())},
        "metadata": dict(command.metadata) or None,
    }
    text = _document(fields, command.body, _head("command", schemas))
    return OutFile(f"commands/{command.name}.md", text.encode("utf-8"))


def skill_files(skill: Skill, schemas: str | None = "../../schemas") -> Iterator[OutFile]:
    fields: dict[str, Any] = {
        "name": skill.name,
        "description": skill.description,
        "license": skill.license,
        "compatibility": skill.compatibility,
        "allowed_tools": _grants(skill.allowed_tools),
        "disable_model_invocation": skill.disable_model_invocation,
        "targets": list(skill.targets) if skill.targets is not None else None,
        "metadata": dict(skill.metadata) or None,
        **{name: dict(block) for name, block in sorted(skill.extras.items())},
    }
    text = _document(fields, skill.body, _head("skill", schemas))
    yield OutFile(f"skills/{skill.name}/SKILL.md", text.encode("utf-8"))
    for resource in skill.resources:
        path = f"skills/{skill.name}/{resource.path}"
        yield OutFile(path, resource.data, executable=resource.executable)


def _person(person: Person | None) -> dict[str, str] | None:
    if person is None:
        return None
    return {
        k: v for k, v in (("name", person.name), ("email", person.email), ("url", person.url)) if v
    }


def _group(group: PluginGroup) -> dict[str, Any]:
    fields = {
        "name": group.name,
        "version": group.version,
        "description": group.description,
        "author": _person(group.author),
        "homepage": group.homepage,
        "repository": group.repository,
        "license": group.license,
        "keywords": list(group.keywords) or None,
        "agents": list(group.agents) or None,
        "commands": list(group.commands) or None,
        "skills": list(group.skills) or None,
    }
    return {k: v for k, v in fields.items() if v is not None}


def manifest_file(manifest: Manifest, schemas: str | None = "schemas") -> OutFile:
    author = None
    if manifest.author is not None:
        author = {
            k: v
            for k, v in (
                ("name", manifest.author.name),
                ("email", manifest.author.email),
                ("url", manifest.author.url),
            )
            if v
        }
    fields: dict[str, Any] = {
        "name": manifest.name,
        "version": manifest.version,
        "description": manifest.description,
        "author": author,
        "license": manifest.license,
        "homepage": manifest.homepage,
        "repository": manifest.repository,
        "keywords": list(manifest.keywords) or None,
        "targets": list(manifest.targets) or None,
        "models": {k: dict(v) for k, v in manifest.models.items()} or None,
        "plugins": [_group(g) for g in manifest.plugins] or None,
        **{name: dict(block) for name, block in sorted(manifest.extras.items())},
    }
    head = "" if schemas is None else MODELINE.format(f"{schemas}/manifest.schema.json") + "\n"
    body = emit.yaml_mapping({k: v for k, v in fields.items() if v is not None}) + "\n"
    hints = ([AUTHOR_HINT] if manifest.author is None else []) + (
        [LICENSE_HINT] if manifest.license is None else []
    )
    if hints:  # said where the field belongs, for the user to fill in
        body = body.replace("\ntargets:", "\n" + "\n".join(hints) + "\ntargets:", 1)
    return OutFile("agentpack.yaml", (head + body).encode("utf-8"))


def server_file(server: McpServer, schemas: str | None = "../schemas") -> OutFile:
    """``mcp/<name>.yaml``, the fields the pack's server schema has, in its order."""
    fields: dict[str, Any] = {
        "description": server.description or None,
        "command": server.command,
        "args": list(server.args) or None,
        "env": dict(server.env) or None,
        "cwd": server.cwd,
        "url": server.url,
        "transport": server.transport if server.url is not None else None,
        "headers": dict(server.headers) or None,
        "files": list(server.files) or None,
        "targets": list(server.targets) if server.targets is not None else None,
    }
    return _part(f"mcp/{server.name}.yaml", "server", fields, schemas)


def hook_file(hook: Hook, schemas: str | None = "../schemas") -> OutFile:
    """``hooks/<name>.yaml``, beside the script it runs."""
    fields: dict[str, Any] = {
        "description": hook.description or None,
        "event": hook.event,
        "tools": list(hook.tools) or None,
        "run": hook.run,
        "interpreter": hook.interpreter,
        "args": list(hook.args) or None,
        "files": list(hook.files) or None,
        "timeout": hook.timeout,
        "targets": list(hook.targets) if hook.targets is not None else None,
    }
    return _part(f"hooks/{hook.name}.yaml", "hook", fields, schemas)


def _part(path: str, kind: str, fields: Mapping[str, Any], schemas: str | None) -> OutFile:
    head = "" if schemas is None else MODELINE.format(f"{schemas}/{kind}.schema.json") + "\n"
    body = emit.yaml_mapping({k: v for k, v in fields.items() if v is not None}) + "\n"
    return OutFile(path, (head + body).encode("utf-8"))
