"""A Codex plugin, read for ``import``: ``.codex-plugin/plugin.json`` names the plugin and
where its skills, MCP servers and hooks are (``./skills/``, ``./.mcp.json`` and
``./hooks/hooks.json`` when it names none). Apps (``.app.json``: connections to ChatGPT's
apps) and the listing's ``interface`` have no place in a pack and are said to be dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentpack import filereport
from agentpack.filereport import FileReport
from agentpack.native import Importing
from agentpack.source import within
from agentpack.targets import readparts
from agentpack.targets.codex import readservers
from agentpack.targets.codex.names import MARKETPLACE, PLUGIN

KEPT = frozenset({"name", "version", "description", "author", "homepage", "repository"})
KEPT_TOO = frozenset({"license", "keywords"})
DROPPED = {
    "apps": "connections to apps, which only Codex and ChatGPT have",
    "interface": "how the plugin is shown in Codex's directory",
}
COMPONENTS = {"skills": "./skills/", "mcpServers": "./.mcp.json", "hooks": "./hooks/hooks.json"}
"""What a manifest names, and where Codex looks when it names nothing."""


def plugin(folder: Path, run: Importing) -> tuple[set[Path], list[Path]]:
    """The plugin's manifest and the servers and hooks it names: what was read, and the
    folders of skills it names (the caller reads them with the plugin's other skills)."""
    manifest = folder / PLUGIN
    report = run.report(manifest, "plugin")
    meta = filereport.json_object(manifest, report)
    report.name = str(meta.get("name") or folder.resolve().name)
    run.plugin_meta({k: v for k, v in meta.items() if k in KEPT | KEPT_TOO})
    report.mapped += sorted(k for k in meta if k in KEPT | KEPT_TOO)
    report.dropped += [f"{k} ({what})" for k, what in DROPPED.items() if k in meta]
    others = set(meta) - KEPT - KEPT_TOO - set(DROPPED) - set(COMPONENTS) - {"$schema"}
    report.dropped += [f"{k} (not a field a pack carries)" for k in sorted(others)]
    taken = {folder / ".codex-plugin"}
    paths = {
        key: _paths(meta.get(key, default), folder, report, key)
        for key, default in COMPONENTS.items()
    }
    for file in paths["mcpServers"]:
        taken.add(file)
        readservers.servers(file, run)
    for file in paths["hooks"]:
        taken.add(file if file.name != "hooks.json" else file.parent)
        readservers.hooks(file, run)
    for key in DROPPED:
        value = meta.get(key)
        if isinstance(value, str) and value.startswith("./"):
            taken.add(folder / value)  # said with its field
    return taken | set(paths["skills"]), paths["skills"]


def _paths(value: Any, folder: Path, report: FileReport, key: str) -> list[Path]:
    """The files or folders a manifest field names in the plugin; inline servers or hooks
    (an object) are read by the tool but not here: said to be dropped."""
    if isinstance(value, dict):
        report.dropped.append(f"{key} (written in the manifest: move it into its own file)")
        return []
    found = []
    for rel in value if isinstance(value, list) else [value]:
        parts = str(rel).split("/")
        path = folder.joinpath(*(p for p in parts if p not in ("", ".")))
        if not str(rel).startswith("./") or ".." in parts or not within(path, folder):
            report.dropped.append(f"{key}: {rel} (paths start with ./ and stay in the plugin)")
        elif path.exists():
            found.append(path)
        elif rel != COMPONENTS[key]:
            report.dropped.append(f"{key}: {rel} (not found)")
    return found


def marketplace(root: Path, run: Importing, read: Callable[[Path], None]) -> None:
    """A Codex marketplace (``.agents/plugins/marketplace.json``): each plugin of it in this
    repository (a ``local`` source) read, by ``read``, as a plugin group of the pack."""
    report = run.report(root / MARKETPLACE, "marketplace")
    market = filereport.json_object(root / MARKETPLACE, report)
    run.plugin_meta({k: v for k, v in market.items() if k in ("name", "description")})
    entries = market.get("plugins")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        name = str(entry.get("name") or "") if isinstance(entry, dict) else str(entry)
        source = entry.get("source") if isinstance(entry, dict) else None
        local = isinstance(source, dict) and source.get("source") == "local"
        rel = str(source.get("path") or "") if local and isinstance(source, dict) else ""
        folder = root.joinpath(*(p for p in rel.split("/") if p not in ("", ".")))
        if not rel.startswith("./") or ".." in rel.split("/") or not within(folder, root):
            report.dropped.append(f"plugin {name} (only a local plugin of this repository)")
            continue
        if not (folder / PLUGIN).is_file():
            readparts.missing_plugin(report, i, name, f"no {PLUGIN} in {rel}", "Codex")
            continue
        before = run.counts()
        read(folder)
        meta = filereport.json_object(folder / PLUGIN, FileReport(report.source))
        kept = {k: v for k, v in meta.items() if k in KEPT | KEPT_TOO}
        run.group(name or folder.name, kept, before)
