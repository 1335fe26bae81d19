"""The fields of a plugin's manifest that name files of the plugin (``mcpServers``,
``hooks``, the component folders): each path checked to stay in the plugin, and the JSON
documents they hold read once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agentpack import filereport
from agentpack.filereport import FileReport
from agentpack.native import Importing
from agentpack.source import within

BUNDLES = (".mcpb", ".dxt")
"""MCP bundles, which a plugin's ``mcpServers`` may name (Claude Code 2.1.332)."""


def documents(
    path: Path, value: Any, default: str, key: str, run: Importing
) -> Iterator[tuple[FileReport, dict[str, Any]]]:
    """The JSON objects of a manifest field: inline, a file or a list of files (absent:
    the ``default`` file), each file read once."""
    manifest = path / ".claude-plugin" / "plugin.json"
    if isinstance(value, dict):
        report = run.report(manifest, key)
        text = manifest.read_text("utf-8", "replace") if manifest.is_file() else ""
        if text and _value(text, key) == value:  # not a marketplace entry's own
            report.json = text
        yield report, value
        return
    names = [default] if value is None else value if isinstance(value, list) else [value]
    said = FileReport(str(manifest), key)  # what the manifest names that cannot be read
    for rel in names:
        if str(rel).endswith(BUNDLES) or str(rel).startswith(("http:", "https:")):
            said.dropped.append(f"{key}: {rel!r} (an MCP bundle or a URL: a pack has none)")
            continue
        file = inside(path, rel, said, key) if isinstance(rel, str) else None
        if file is None or not file.is_file():
            if not isinstance(rel, str) or file is not None:
                said.dropped.append(f"{key}: {rel!r} (expected a JSON file of the plugin)")
            continue
        if run.first(file):
            report = run.report(file, key)
            yield report, read_json(file, report, mapped=False)
    if said.dropped and value is not None:
        run.report(manifest, key).dropped.extend(said.dropped)


def _value(text: str, key: str) -> Any:
    try:
        found = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return found.get(key) if isinstance(found, dict) else None


def inside(plugin: Path, rel: str, report: FileReport, field_: str) -> Path | None:
    """``rel`` under the plugin folder, or None (noted) when it leaves it or is missing."""
    parts = rel.split("/")
    if not rel.startswith(".") or ".." in parts:
        report.dropped.append(f"{field_}: {rel} (paths must start with ./ and stay in the plugin)")
        return None
    path = plugin.joinpath(*(p for p in parts if p not in ("", ".")))
    if not path.exists():
        report.dropped.append(f"{field_}: {rel} (not found)")
        return None
    if not within(path, plugin):  # a link out of it
        report.dropped.append(f"{field_}: {rel} (a link out of the plugin, not followed)")
        return None
    return path


def read_json(path: Path, report: FileReport, *, mapped: bool = True) -> dict[str, Any]:
    data = filereport.json_object(path, report)
    if mapped:
        report.mapped += sorted(data)
    return data
