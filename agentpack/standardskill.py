"""A SKILL.md of the Agent Skills standard, read for import the way every tool that reads
the standard reads it (its fields and folder), for the readers of such tools to share."""

from __future__ import annotations

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
    raw = fm.get("metadata")
    metadata: dict[str, Any] = raw if isinstance(raw, dict) else {}
    values: dict[str, Any] = {
        "name": name_of(fm.get("name"), native.path.parent.name),
        "description": described(str(fm.get("description") or ""), report, "skill"),
        "body": native.body,
        "source": SourceRef(report.source),
        "license": None if fm.get("license") is None else str(fm["license"]),
        "compatibility": None if fm.get("compatibility") is None else str(fm["compatibility"]),
        "resources": resources,
        "metadata": MappingProxyType({str(k): str(v) for k, v in metadata.items()}),
    }
    return Skill(**{**values, **fields})
