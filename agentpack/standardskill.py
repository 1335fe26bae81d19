"""A SKILL.md of the Agent Skills standard, read for import the way every tool that reads
the standard reads it (its fields and folder), for the readers of such tools to share."""

from __future__ import annotations

import json
from collections.abc import Collection
from types import MappingProxyType
from typing import Any

from agentpack.filereport import FileReport
from agentpack.model import Resource, Skill, SourceRef
from agentpack.native import Native, described, name_of

SKILL_FIELDS = ("name", "description", "license", "compatibility", "metadata")
"""The fields of an Agent Skills SKILL.md that every tool reading the standard reads."""


def standard_skill(
    native: Native,
    report: FileReport,
    resources: tuple[Resource, ...],
    why: str,
    own: Collection[str] = (),
    **fields: Any,
) -> Skill:
    """A SKILL.md of the Agent Skills standard: its fields, and each other key reported as
    dropped (``why`` says so in the host's words) unless it is one of the reader's ``own``,
    which the reader reads and passes as Skill ``fields``."""
    fm = native.frontmatter or {}
    report.mapped += [k for k in SKILL_FIELDS if k in fm]
    report.dropped += [f"{k} ({why})" for k in sorted(fm.keys() - {*SKILL_FIELDS, *own})]
    values: dict[str, Any] = {
        "name": name_of(fm.get("name"), native.path.parent.name),
        "description": described(str(fm.get("description") or ""), report, "skill"),
        "body": native.body,
        "source": SourceRef(report.source),
        "license": None if fm.get("license") is None else str(fm["license"]),
        "compatibility": None if fm.get("compatibility") is None else str(fm["compatibility"]),
        "resources": resources,
        "metadata": MappingProxyType(metadata_texts(fm.get("metadata"), report)),
    }
    return Skill(**{**values, **fields})


def metadata_texts(metadata: Any, report: FileReport) -> dict[str, str]:
    """A skill's ``metadata``, which holds text: a list, a mapping, a number or true as its
    JSON text (Python's ``['a']`` and ``True`` were written), said; a null left out."""
    kept: dict[str, str] = {}
    for key, value in metadata.items() if isinstance(metadata, dict) else ():
        if value is None:
            report.dropped.append(f"metadata.{key} (null: a skill's metadata holds text)")
        elif isinstance(value, str):
            kept[str(key)] = value
        else:
            kept[str(key)] = json.dumps(value, ensure_ascii=False)
            report.approximated.append(
                f"metadata.{key} (written as its JSON text: {kept[str(key)]})"
            )
    return kept
