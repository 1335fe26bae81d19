"""Agent catalogue formats: a rich YAML agent spec (seed 004) and a profile document with no
frontmatter (seed 000).

The spec's ``tools.allowed`` / ``tools.forbidden`` become ``allow`` / ``deny``, its examples
(``user_request``, ``assistant_response``) canonical examples, and every other field is kept
in ``metadata``. The profile's agent id (or title) gives the name, its mission the description,
and recognisable sections (success metrics, escalation triggers, collaboration) go into
``metadata``; the whole document stays the prompt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from agentpack.filereport import FileReport
from agentpack.model import Agent, Example, SourceRef
from agentpack.native import ImportEnv, Native, model_ref, name_of, slug
from agentpack.permissions import Policy, normalize_tool_id

SPEC_FIELDS = frozenset({"name", "description", "color", "tools", "examples", "model"})


def is_spec(fm: Mapping[str, Any]) -> bool:
    tools = fm.get("tools")
    if isinstance(tools, dict) and ({"allowed", "forbidden"} & set(tools)):
        return True
    examples = fm.get("examples")
    return isinstance(examples, list) and any(
        isinstance(e, dict) and "user_request" in e for e in examples
    )


def _tools(names: Any, report: FileReport, fieldname: str, env: ImportEnv) -> list[str]:
    """The canonical tools a list names; in ``allowed`` a name for part of a tool, or one
    with a pattern (``Bash(git status:*)``, ``Agent(reviewer)``), grants nothing: the whole
    tool would be wider. In ``forbidden`` each denies its whole tool."""
    granting = fieldname == "allowed"
    out = []
    for name in names or []:
        tool, pattern = env.tool_id(str(name), granting)
        if tool is None:
            tool = str(name).lower() if str(name).lower() in ("read", "bash") else None
        if tool is None:
            report.dropped.append(f"tools.{fieldname}: {name} (not a tool agentpack knows)")
            continue
        if granting and pattern is not None:
            report.approximated.append(
                f"tools.allowed: {name} (a part of {tool}, which would allow more: left out)"
            )
            continue
        out.append(normalize_tool_id(tool))
    return list(dict.fromkeys(out))


def spec_agent(native: Native, report: FileReport, env: ImportEnv) -> Agent:
    fm = native.frontmatter or {}
    raw = fm.get("tools")
    tools: dict[str, Any] = raw if isinstance(raw, dict) else {}
    metadata: dict[str, Any] = {}
    for key, value in fm.items():
        if key not in SPEC_FIELDS:
            metadata[key] = value
    if tools.get("rationale"):
        metadata["tools_rationale"] = tools["rationale"]
    policy = None
    if "allowed" in tools or "forbidden" in tools:
        allow = _tools(tools.get("allowed"), report, "allowed", env)
        deny = _tools(tools.get("forbidden"), report, "forbidden", env)  # deny wins over allow
        policy = Policy.build(None, allow if "allowed" in tools else None, (), deny)
        report.mapped.append("tools.allowed/forbidden")
    examples = []
    for item in fm.get("examples") or []:
        if not isinstance(item, dict):
            continue
        user = item.get("user_request", item.get("user"))
        assistant = item.get("assistant_response", item.get("assistant"))
        if user and assistant:
            examples.append(
                Example(
                    str(user).strip(),
                    str(assistant).strip(),
                    _opt(item.get("context")),
                    _opt(item.get("commentary")),
                )
            )
    report.mapped += ["name", "description", "examples", *sorted(metadata)]
    return Agent(
        name=name_of(fm.get("name"), native.path.stem, report),
        description=str(fm.get("description") or "Imported agent."),
        body=native.body,
        source=SourceRef(report.source),
        examples=tuple(examples),
        model=model_ref(fm.get("model"), env.catalogue, env, report),
        policy=policy,
        color=fm.get("color") if isinstance(fm.get("color"), str) else None,
        metadata=MappingProxyType(metadata),
    )


def _opt(value: Any) -> str | None:
    return None if value is None else str(value).strip()


# -- the profile document ---------------------------------------------------------------------

_FIELD = re.compile(r"^\*\*(?P<key>[^*:]+):\*\*\s*(?P<value>.*?)\s*$", re.MULTILINE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$", re.MULTILINE)


def _sections(text: str) -> list[tuple[int, str, str]]:
    """(level, title without emoji, content) for every heading."""
    matches = list(_HEADING.finditer(text))
    out = []
    for i, match in enumerate(matches):
        level = len(match.group(1))
        end = next((m.start() for m in matches[i + 1 :] if len(m.group(1)) <= level), len(text))
        title = re.sub(r"^[^\w]+", "", match.group(2)).strip()
        out.append((len(match.group(1)), title, text[match.end() : end]))
    return out


def _bullets(content: str) -> list[str]:
    return [line[2:].strip() for line in content.splitlines() if line.startswith("- ")]


def _first_paragraph(content: str) -> str:
    for block in re.split(r"\n\s*\n", content.strip()):
        text = " ".join(block.split())
        if text and not text.startswith(("#", "-", "*")):
            return text
    return ""


def is_profile(text: str) -> bool:
    return bool(_HEADING.search(text))


def profile_agent(native: Native, report: FileReport) -> Agent:
    text = native.body
    fields = {m.group("key").strip().lower(): m.group("value") for m in _FIELD.finditer(text)}
    sections = _sections(text)
    title = next((t for level, t, _ in sections if level == 1), native.path.stem)
    metadata: dict[str, Any] = {"title": title}
    role = fields.get("role", "")
    level = re.search(r"\(([^)]+)\)\s*$", role)
    if role:
        metadata["role"] = role[: level.start()].strip() if level else role
    if level:
        metadata["level"] = level.group(1)
    if fields.get("generated"):
        metadata["generated"] = fields["generated"]
    mission = ""
    for _, heading, content in sections:
        lowered = heading.lower()
        if "mission" in lowered and not mission:
            mission = _first_paragraph(content)
        elif "success metric" in lowered:
            metadata["success_metrics"] = _bullets(content)
        elif "escalation" in lowered:
            metadata["escalation_triggers"] = _bullets(content)
        elif "collaboration pattern" in lowered:
            metadata["collaboration"] = _collaboration(content)
    name = fields.get("agent id") or title
    report.mapped += ["name", "description", *sorted(k for k in metadata if k != "title")]
    report.approximated.append("the whole document is kept as the prompt")
    return Agent(
        name=slug(name),
        description=mission or _first_paragraph(text) or title,
        body=text,
        source=SourceRef(report.source),
        metadata=MappingProxyType(metadata),
    )


def _collaboration(content: str) -> list[dict[str, str]]:
    out = []
    for level, role, body in _sections(content):
        if level < 3:
            continue
        entry = {"role": role}
        for match in _FIELD.finditer("\n".join(line.lstrip("- ") for line in body.splitlines())):
            key = match.group("key").strip().lower().replace(" type", "")
            entry[key] = match.group("value")
        out.append(entry)
    return out
