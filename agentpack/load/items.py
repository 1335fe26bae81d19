"""Agents, commands and skills: a checked file becomes a frozen model item."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from agentpack.errors import listing
from agentpack.load.doc import Doc
from agentpack.load.fields import Fields
from agentpack.model import Agent, Command, Example, Mode, Resource, Skill, SourceRef
from agentpack.outputs import collision_key, is_executable, path_problem
from agentpack.secrets import credential, file_secret
from agentpack.source import SourceError

SKILL_FILE = "SKILL.md"
_ZERO_PLACEHOLDER = re.compile(r"\$0(?![0-9])")

Table = Mapping[str, Mapping[str, str]]


def agent(fields: Fields, path: Path, table: Table) -> Agent | None:
    doc = fields.files.markdown(path, "agent")
    if doc is None:
        return None
    data = doc.data
    extras = fields.blocks(doc, "agent")
    # its path under agents/ without .md (rel is that path from the pack root, as text:
    # pathlib's relative_to and with_suffix cost a tenth of loading an agent)
    under = doc.rel.removeprefix("agents/").removesuffix(".md")
    fields.name(doc, under, "file name" if "/" not in under else "path under agents/")
    fields.target_names(doc, ("targets",), data.get("targets", []))
    model = fields.model_ref(doc, table)
    policy = fields.policy(doc)
    return Agent(
        name=data["name"],
        description=data["description"],
        body=doc.body,
        source=SourceRef(doc.rel),
        examples=tuple(Example(**e) for e in data.get("examples", ())),
        mode=Mode(data.get("mode", "subagent")),
        model=model,
        temperature=data.get("temperature"),
        top_p=data.get("top_p"),
        max_steps=data.get("max_steps"),
        policy=policy,
        color=data.get("color"),
        tags=tuple(data.get("tags", ())),
        version=data.get("version"),
        targets=tuple(data["targets"]) if "targets" in data else None,
        extras=extras,
        metadata=MappingProxyType(_metadata(fields, doc)),
    )


def command(fields: Fields, path: Path, table: Table) -> Command | None:
    doc = fields.files.markdown(path, "command")
    if doc is None:
        return None
    data = doc.data
    extras = fields.blocks(doc, "command")
    fields.name(doc, path.stem, "file name")
    fields.target_names(doc, ("targets",), data.get("targets", []))
    for match in _ZERO_PLACEHOLDER.finditer(doc.body):
        zero = [t.title for t in fields.targets.all() if t.argument_base == 0]
        fields.files.report_at(
            doc.rel,
            doc.body_pos(match.start()),
            "$0 is not a canonical placeholder: arguments count from $1"
            + (f" (agentpack renumbers them for {listing(zero)})" if zero else ""),
        )
    return Command(
        name=path.stem,
        description=data["description"],
        body=doc.body,
        source=SourceRef(doc.rel),
        argument_hint=data.get("argument_hint"),
        allowed_tools=fields.grants(doc),
        agent=data.get("agent"),
        model=fields.model_ref(doc, table),
        subtask=data.get("subtask"),
        disable_model_invocation=data.get("disable_model_invocation"),
        targets=tuple(data["targets"]) if "targets" in data else None,
        extras=extras,
        metadata=MappingProxyType(_metadata(fields, doc)),
    )


def skill(fields: Fields, folder: Path) -> Skill | None:
    files = fields.files
    path = folder / SKILL_FILE
    if not path.exists():
        files.report_at(
            files.rel(folder) + "/",
            (1, 1),
            f"the skill folder has no {SKILL_FILE}; add one with name and description, or "
            "remove the folder",
        )
        return None
    doc: Doc | None = files.markdown(path, "skill")
    if doc is None:
        return None
    data = doc.data
    extras = fields.blocks(doc, "skill")
    fields.name(doc, folder.name, "folder name")
    fields.target_names(doc, ("targets",), data.get("targets", []))
    return Skill(
        name=data["name"],
        description=data["description"],
        body=doc.body,
        source=SourceRef(doc.rel),
        license=data.get("license"),
        compatibility=data.get("compatibility"),
        allowed_tools=fields.grants(doc),
        disable_model_invocation=data.get("disable_model_invocation"),
        targets=tuple(data["targets"]) if "targets" in data else None,
        resources=resources(fields, folder),
        extras=extras,
        metadata=MappingProxyType(_metadata(fields, doc)),
    )


def resource_paths(folder: Path) -> list[Path]:
    """Every file beside SKILL.md (and every symlink to a folder, which is refused), in
    the order they are copied."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        base = Path(dirpath)
        for name in [*sorted(filenames), *[d for d in dirnames if (base / d).is_symlink()]]:
            if base != folder or name != SKILL_FILE:
                found.append(base / name)
    return found


def resources(fields: Fields, folder: Path) -> tuple[Resource, ...]:
    """Every file beside SKILL.md, read now so that export copies exactly what was checked."""
    files = fields.files
    out: list[Resource] = []
    seen: dict[str, str] = {}
    real_root = files.root.resolve()
    for path in resource_paths(folder):
        rel = path.relative_to(folder).as_posix()
        where = files.rel(path)
        problem = path_problem(rel)
        if problem:
            files.report_at(
                where,
                (1, 1),
                f"this file name {problem}; rename it so it can be written on every system",
            )
            continue
        key = collision_key(rel)
        if key in seen:
            files.report_at(
                where,
                (1, 1),
                f"this name differs from {seen[key]!r} only in letter case or Unicode "
                "normalisation; rename one",
            )
            continue
        seen[key] = rel
        resolved = path.resolve()
        if resolved != real_root and real_root not in resolved.parents:
            files.report_at(
                where,
                (1, 1),
                "this symlink points outside the pack; copy the file into the skill instead",
            )
            continue
        if resolved.is_dir():
            files.report_at(
                where,
                (1, 1),
                "a symlink to a folder; skills may only link to files, copy the folder instead",
            )
            continue
        try:
            data = files.read(resolved, where)
        except SourceError as exc:
            files.report_at(where, (1, 1), f"cannot read this resource: {exc.message}")
            continue
        why = file_secret(rel, data)
        if why:
            message = f"this file may hold credentials ({why}), and would be copied into"
            files.report_at(
                where, (1, 1), f"{message} every target's folder; keep it out of the skill"
            )
            continue
        out.append(Resource(rel, data, is_executable(resolved)))
    return tuple(out)


def _metadata(fields: Fields, doc: Doc) -> dict[str, str]:
    """A skill's ``metadata``, whose values are copied into every target's SKILL.md: one
    that holds a credential (by its look, or by its name) is an error at it."""
    found = dict(doc.data.get("metadata", {}))
    for key, value in found.items():
        problem = credential(str(key), str(value))
        if problem:
            fields.report(
                doc,
                ("metadata", key),
                f"this value must not be written in the pack: {problem}; a skill's metadata "
                "is copied into every target's folder",
            )
    return found
