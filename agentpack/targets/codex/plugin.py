"""The Codex plugin (``.codex-plugin/plugin.json``) and the marketplace that lists it
(``.agents/plugins/marketplace.json`` in the pack root, where ``codex plugin marketplace
add`` looks). A Codex plugin carries skills (and, later, MCP servers and hooks), not agents:
agents are installed into ``~/.codex/agents`` or a project's ``.codex/agents``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from agentpack import emit
from agentpack.model import ItemInfo, Kind, Manifest
from agentpack.outputs import OutFile
from agentpack.targets.base import Change, Context, Report, plugin_fields
from agentpack.targets.codex.names import MARKETPLACE, PLUGIN, SKILLS

NAME = "codex"


def render(
    manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
) -> Iterator[OutFile]:
    if manifest.plugins:
        report.about_pack(
            NAME,
            manifest,
            "plugins",
            Change.APPROXIMATED,
            "one Codex plugin holds every skill of the pack; plugin groups make Claude Code "
            "plugins",
        )
    fields: dict[str, Any] = plugin_fields(manifest)
    if any(i.kind is not Kind.AGENT for i in items):
        fields["skills"] = f"./{SKILLS}/"
    fields["interface"] = {
        "displayName": manifest.name,
        "shortDescription": _short(manifest.description),
        **({"developerName": manifest.author.name} if manifest.author else {}),
    }
    yield OutFile.text(PLUGIN, emit.json_text(fields), manifest.source)
    settings = _settings(manifest)
    if settings is None:
        return
    path = settings.get("path", MARKETPLACE)
    root = posixpath.dirname(posixpath.dirname(posixpath.dirname(path)))
    source = (
        None if context.dist is None else posixpath.relpath(f"{context.dist}/{NAME}", root or ".")
    )
    if source is None or source.startswith(".."):
        report.about_pack(
            NAME,
            manifest,
            "codex.marketplace",
            Change.DROPPED,
            f"no marketplace written: the output folder is not inside {root or 'the pack'}, "
            f"so {path} cannot point at it",
        )
        return
    document = {
        "name": settings.get("name", manifest.name),
        "interface": {"displayName": settings.get("name", manifest.name)},
        "plugins": [
            {
                "name": manifest.name,
                "source": {"source": "local", "path": f"./{source}"},
                "policy": {"installation": "AVAILABLE", "authentication": "ON_INSTALL"},
                "category": settings.get("category", "Coding"),
            }
        ],
    }
    yield OutFile.text(path, emit.json_text(document), manifest.source, area="pack")


def _settings(manifest: Manifest) -> Mapping[str, Any] | None:
    """The pack's ``codex.marketplace`` block; None when the pack asks for none."""
    block = manifest.extras.get(NAME, {}).get("marketplace", {})
    return None if block is False else block


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 120 else line[:117].rsplit(" ", 1)[0] + "..."
