"""The Cursor plugin manifest (``.cursor-plugin/plugin.json``) of ``dist/cursor/``.

Cursor's schema for it (``cursor/plugins``, ``schemas/plugin.schema.json``) is closed: an
author has a name and an email only, and there is no ``$schema``. Cursor finds the items by
its default folders (``agents/``, ``commands/``, ``skills/``), so the manifest names none.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from agentpack import emit
from agentpack.model import ItemInfo, Manifest
from agentpack.outputs import OutFile
from agentpack.targets.base import Change, Context, Report, plugin_fields
from agentpack.targets.cursor.names import PLUGIN

NAME = "cursor"


def render(
    manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
) -> Iterator[OutFile]:
    if manifest.plugins:
        report.about_pack(
            NAME,
            manifest,
            "plugins",
            Change.APPROXIMATED,
            "one Cursor plugin holds the whole pack; plugin groups make Claude Code plugins",
        )
    fields: dict[str, Any] = plugin_fields(manifest)
    author = fields.get("author")
    if author is not None and "url" in author:
        del author["url"]
        report.about_pack(
            NAME, manifest, "author.url", Change.DROPPED, "a Cursor plugin's author has no url"
        )
    yield OutFile.text(PLUGIN, emit.json_text(fields), manifest.source)
