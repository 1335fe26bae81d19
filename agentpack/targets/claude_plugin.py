"""The Claude Code plugin manifest and the marketplace that lists it.

``.claude-plugin/plugin.json`` sits in the plugin root (``dist/claude/``). The marketplace sits
at the pack root by default (``.claude-plugin/marketplace.json``), so that
``/plugin marketplace add owner/repo`` works on the pack's own repository; its plugin
``source`` is the relative path to the plugin, which Claude Code requires to start with ``./``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from typing import Any

from agentpack import emit
from agentpack.errors import ExportRefused
from agentpack.model import Manifest, Pack, Person
from agentpack.outputs import OutFile
from agentpack.targets.base import Change, Context, Note, Report

NAME = "claude"
MARKETPLACE = ".claude-plugin/marketplace.json"
RESERVED_MARKETPLACES = frozenset(
    {
        "claude-code-marketplace",
        "claude-code-plugins",
        "claude-plugins-official",
        "anthropic-marketplace",
        "anthropic-plugins",
        "agent-skills",
        "life-sciences",
    }
)


def _person(person: Person) -> dict[str, str]:
    out = {"name": person.name}
    if person.email:
        out["email"] = person.email
    if person.url:
        out["url"] = person.url
    return out


def plugin_fields(manifest: Manifest) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": manifest.name,
        "version": manifest.version,
        "description": manifest.description,
    }
    if manifest.author:
        fields["author"] = _person(manifest.author)
    for key in ("homepage", "repository", "license"):
        if getattr(manifest, key):
            fields[key] = getattr(manifest, key)
    if manifest.keywords:
        fields["keywords"] = list(manifest.keywords)
    return fields


def marketplace_settings(manifest: Manifest) -> Mapping[str, Any] | None:
    """The pack's ``claude.marketplace`` block; None when the pack asks for no marketplace."""
    block = manifest.extras.get(NAME, {}).get("marketplace", {})
    return None if block is False else block


def render(pack: Pack, report: Report, context: Context) -> Iterator[OutFile]:
    manifest = pack.manifest
    yield OutFile.text(
        ".claude-plugin/plugin.json", emit.json_text(plugin_fields(manifest)), manifest.source
    )
    settings = marketplace_settings(manifest)
    if settings is None:
        return
    path = settings.get("path", MARKETPLACE)
    name = settings.get("name", manifest.name)
    if name in RESERVED_MARKETPLACES:
        raise ExportRefused(
            f"{manifest.source.path}: claude.marketplace.name: {name!r} is "
            "reserved by Claude Code; set another name"
        )
    root = posixpath.dirname(posixpath.dirname(path))
    source = None
    if context.dist is not None:
        source = posixpath.relpath(posixpath.join(context.dist, NAME), root or ".")
    if source is None or source.startswith(".."):
        report.notes.append(
            Note(
                manifest.source,
                NAME,
                manifest.name,
                "claude.marketplace",
                Change.DROPPED,
                f"no marketplace written: the output folder is "
                f"not inside {root or 'the pack'}, so {path} cannot point at it",
            )
        )
        return
    owner = settings.get("owner") or (_person(manifest.author) if manifest.author else None)
    if owner is None:
        owner = {"name": manifest.name}
        report.notes.append(
            Note(
                manifest.source,
                NAME,
                manifest.name,
                "author",
                Change.APPROXIMATED,
                "a marketplace needs an owner; add author: or "
                "claude.marketplace.owner: (the pack name is used for now)",
            )
        )
    entry = {"name": manifest.name, "source": f"./{source}", **plugin_fields(manifest)}
    entry["name"] = manifest.name
    document = {
        "name": name,
        "owner": owner,
        "description": manifest.description,
        "plugins": [entry],
    }
    yield OutFile.text(path, emit.json_text(document), manifest.source, area="pack")
