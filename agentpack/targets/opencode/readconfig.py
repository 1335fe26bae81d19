"""opencode.json: the agents and commands a project defines in its configuration, with
``{file:...}`` prompts and templates read relative to the config, as opencode reads them."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from agentpack import jsontext
from agentpack.filereport import FileReport
from agentpack.model import PLUGIN_ROOT, Agent
from agentpack.native import ImportEnv, Importing, Native
from agentpack.permissions import is_tool_id, server_name
from agentpack.source import decode_error, within
from agentpack.targets import readhooks, readparts
from agentpack.targets.opencode import readservers
from agentpack.targets.opencode.hookplugin import GENERATED, TOOL_IDS
from agentpack.targets.opencode.names import HIDDEN_AGENTS, HOST_AGENTS

if TYPE_CHECKING:
    from agentpack.targets.opencode.read import OpencodeReader


NOT_CARRIED = {
    "plugin": "opencode plugins (code) are not carried by a pack",
    "provider": "model providers are the user's settings, not a pack's",
    "lsp": "language servers are not carried by a pack",
    "formatter": "formatters are not carried by a pack",
    "instructions": "instruction files are not carried by a pack",
}
"""Keys of opencode.json that hold something a pack does not carry, and what it is."""
READ_KEYS = frozenset(
    {"$schema", "agent", "agents", "mode", "command", "mcp", "permission", "permissions", "tools"}
)
"""Keys of opencode.json that import reads; any other is the user's setting, said so."""
CANONICAL_IDS = {host: tool for tool, ids in TOOL_IDS.items() for host in ids}
_TABLE = re.compile(r"^const HOOKS = (\[.*?^\]);$", re.MULTILINE | re.DOTALL)
_SCRIPTS = re.compile(r'^const ROOT = path\.resolve\(.*?, "\.\.", ("[^"\n]*")\);$', re.MULTILINE)
"""Where an installed plugin keeps its scripts (``agentpack/<pack>``), from the folder above it."""


def config_file(path: Path, run: Importing, reader: OpencodeReader) -> None:
    """Every agent and command an ``opencode.json`` (or ``.jsonc``) defines; what else it
    holds that a pack cannot carry is reported as dropped."""
    if not run.first(path):
        return  # read already (the project's config, found from .opencode/ too)
    report = run.report(path, "opencode.json")
    try:
        config = _load(path, report)
    except jsontext.JsonTextError as exc:
        said = str(exc).split(": ", 1)[1]
        report.error(exc.line, exc.col, "-", f"cannot read this JSON (with comments): {said}")
        return
    except (OSError, ValueError) as exc:
        line, col, why = decode_error(exc)
        report.error(line, col, "-", f"cannot read this JSON: {why}")
        return
    env = run.env()
    if not isinstance(config, dict):
        report.error(1, 1, "-", "opencode.json is not a JSON object")
        return
    _not_carried(config, report)
    none = not any(config.get(k) for k in ("agent", "mode", "agents")) and not any(
        f.is_dir() and any(f.rglob("*.md")) for f in _agent_folders(path.parent)
    )
    for key in shared(config):
        if none:
            report.dropped.append(
                f"{key} (opencode applies it to every agent; there is none here, and a pack "
                "has no rules for agents to come: put it in each agent)"
            )
        else:
            report.approximated.append(
                f"{key} (opencode applies it to every agent: folded into each agent read with it)"
            )
    if isinstance(config.get("mcp"), dict):
        readservers.servers(config["mcp"], path, run, report)
    for agent in config_agents(config, path.parent, report, env, reader):
        run.add(agent, report)
    commands = config.get("command")
    for name, spec in (commands if isinstance(commands, dict) else {}).items():
        if isinstance(spec, dict) and spec.get("template"):
            fm = {k: v for k, v in spec.items() if k != "template"}
            at = ("command", str(name), "template")
            text = config_text(str(spec["template"]), path.parent, report, at)
            native = Native(Path(f"{name}.md"), fm, text.rstrip("\n") + "\n")
            run.add(reader.command(native, report, env), report)
            lost = built_in_runner(str(spec.get("agent") or "") or None, config)
            report.approximated += [f"command.{name}.{lost}"] if lost else []


def _not_carried(config: Mapping[str, Any], report: FileReport) -> None:
    for key, what in NOT_CARRIED.items():
        if config.get(key):
            report.dropped.append(f"{key} ({what})")
    others = sorted(k for k in config if k not in READ_KEYS and k not in NOT_CARRIED)
    if others:  # model, small_model, share, ...: how the user runs opencode
        report.dropped.append(f"{', '.join(others)} (opencode's settings, not a pack's)")


def _load(path: Path, report: FileReport | None = None) -> Any:
    """opencode.json or .jsonc as opencode reads both: JSON with comments and trailing
    commas (kept in ``report``, which can then place its values)."""
    text = path.read_text(encoding="utf-8-sig")
    if report is not None:
        report.json = text
    return jsontext.value(text, jsontext.parse(text))


def shared(config: Any) -> dict[str, Any]:
    """What of a config's settings opencode applies to every agent: its ``permission`` and
    its (deprecated) ``tools`` map, and 2.x's ``permissions``."""
    if not isinstance(config, dict):
        return {}
    keys = ("permission", "permissions", "tools")
    return {k: config[k] for k in keys if config.get(k) is not None}


def for_agents(config: Any) -> dict[str, Any]:
    """``shared``, and the config's ``mcp`` servers, whose tools a rule of another server's
    name may match (``github_*`` matches ``github_enterprise``'s)."""
    found = shared(config)
    if isinstance(config, dict) and isinstance(config.get("mcp"), dict):
        found["mcp"] = config["mcp"]
    return found


def project_config(path: Path) -> dict[str, Any]:
    """The configuration of the project a file is in (``<project>/.opencode/...``): its
    ``opencode.json(c)`` beside ``.opencode/`` and in it, the later over the earlier. Or,
    for a file in the ``agent/`` of opencode's own folder (``~/.config/opencode``, kept in
    a dotfiles repository), that folder's ``config.json`` and ``opencode.json(c)``: opencode
    applies their rules to its agents there too."""
    for folder in path.parents:
        if folder.name == ".opencode":
            return _merged([folder.parent, folder], ("opencode.json", "opencode.jsonc"))
    for folder in path.parents:
        if folder.name in ("agent", "agents", "mode", "modes"):
            base = folder.parent  # config.json is opencode's in its own folder alone
            names = ("config.json",) if base.name == "opencode" else ()
            return _merged([base], (*names, "opencode.json", "opencode.jsonc"))
    return {}


def _merged(folders: list[Path], names: tuple[str, ...]) -> dict[str, Any]:
    """The config files ``names`` in ``folders``, each over the ones before, deep, as
    opencode merges its config files."""
    found: dict[str, Any] = {}
    for base in folders:
        for name in names:
            try:
                config = _load(base / name)
            except (OSError, ValueError):
                continue
            if isinstance(config, dict):
                found = _deep(found, {k: v for k, v in config.items() if v is not None})
    return found


def _agent_folders(base: Path) -> list[Path]:
    """Where opencode reads the agent files of the config in ``base``: a project's
    ``.opencode/agent(s)``, or, for opencode's own folder, its ``agent(s)``."""
    trees = [base] if base.name == ".opencode" else [base / ".opencode", base]
    return [tree / sub for tree in trees for sub in ("agent", "agents")]


def merged_entry(
    name: str, config: Mapping[str, Any], native: Native, report: FileReport
) -> tuple[dict[str, Any], str]:
    """An agent file's frontmatter and body with the entries of its name in the project's
    opencode.json, folded as opencode 1.18 folds them: the ``agent`` (2.x ``agents``)
    entry, then the file's fields and rules over it, then a legacy ``mode`` entry, a
    primary agent, over both; the file alone when there is no entry."""
    fm = dict(native.frontmatter or {})
    body = native.body
    for key, spec in _entries(config, name):
        text = "system" if key == "agents" else "prompt"
        entry = {k: v for k, v in spec.items() if k != text}
        where = "over" if key == "mode" else "under"
        report.approximated.append(
            f"{key}.{name} of the project's opencode.json (merged {where} this file, as "
            "opencode merges them)"
        )
        if key == "mode":
            fm = _deep(fm, {**entry, "mode": entry.get("mode", "primary")})
        else:
            fm = _deep(entry, fm)
        if spec.get(text) and (key == "mode" or not body.strip()):
            body = config_text(str(spec[text]), _project(native.path), report, (key, name, text))
            body = body.rstrip("\n") + "\n"
    return fm, body


def _entries(config: Mapping[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
    """The opencode.json entries that define agent ``name``."""
    found = []
    for key in ("agent", "agents", "mode"):  # the order opencode folds them in
        table = config.get(key)
        spec = table.get(name) if isinstance(table, dict) else None
        if isinstance(spec, dict):
            found.append((key, spec))
    return found


def _deep(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` merged into ``base``: maps key by key (a key ``base`` has keeps its place,
    which decides which of opencode's rules comes last), anything else replaced."""
    out = dict(base)
    for key, value in over.items():
        was = out.get(key)
        both = isinstance(was, Mapping) and isinstance(value, Mapping)
        out[key] = _deep(was, value) if both else value  # type: ignore[arg-type]
    return out


def _project(path: Path) -> Path:
    """The project folder of a file in its ``.opencode/``."""
    return next((p.parent for p in path.resolve().parents if p.name == ".opencode"), path.parent)


def _file_agents(base: Path) -> set[str]:
    """The names of the agent files of the project whose config is in ``base``, by path
    (``agent/team/coder.md`` is ``team/coder``)."""
    names = set()
    for folder in _agent_folders(base):
        if folder.is_dir():
            names |= {
                p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.md")
            }
    return names


def built_in_runner(agent: str | None, config: Mapping[str, Any]) -> str | None:
    """What a command loses when it runs in an opencode built-in agent (``build`` when it
    names none) that the project's configuration holds to rules: a pack carries no rules
    for a tool's own agents, so elsewhere, and in a new opencode project, that agent has
    the tool's defaults. None when the command loses nothing."""
    name = agent or "build"
    if not _builtin(name):
        return None
    held = list(shared(config))
    for key in ("agent", "mode", "agents"):
        spec = config.get(key, {}).get(name) if isinstance(config.get(key), dict) else None
        if isinstance(spec, dict) and shared(spec):
            held.append(f"{key}.{name}")
    if not held:
        return None
    return (
        f"agent (opencode runs this command in its built-in agent {name}, which this project "
        f"holds to its {', '.join(held)}; a pack carries no rules for a tool's own agents, so "
        "there the command runs with the tool's defaults: name an agent of the pack instead)"
    )


def config_agents(
    config: Mapping[str, Any],
    base: Path,
    report: FileReport,
    env: ImportEnv,
    reader: OpencodeReader,
) -> list[Agent]:
    """Agents defined in opencode.json under ``agent`` (``mode`` is the legacy key, 2.x's
    ``agents``), whose ``{file:...}`` prompts are read relative to ``base``, the config's
    folder, as opencode reads them. Entries that define no agent of the pack are reported,
    not imported: one that turns an agent off (``disable: true``), and settings for a
    built-in agent."""
    from agentpack.targets.opencode.read import agent as read_agent

    out = []
    in_files = _file_agents(base)
    for key in ("agent", "mode", "agents"):
        table = config.get(key)
        if table is not None and not isinstance(table, dict):
            report.dropped.append(f"{key} (not an object of agents by name)")
        for name, spec in (table if isinstance(table, dict) else {}).items():
            if not isinstance(spec, dict):
                report.dropped.append(f"{key}.{name} (not an object of an agent's fields)")
                continue
            if name in in_files:  # merged into the file's
                continue
            if spec.get("disable") is True or spec.get("disabled") is True:
                report.dropped.append(f"{key}.{name} (disable: true turns an agent off)")
                continue
            text = "system" if key == "agents" else "prompt"  # 2.x says agents and system
            if text not in spec and _builtin(name):
                report.dropped.append(
                    f"{key}.{name} (settings for opencode's built-in agent {name}; a pack "
                    "carries agents of its own)"
                )
                continue
            fm = {k: v for k, v in spec.items() if k != text}
            if key == "mode":
                fm.setdefault("mode", "primary")
            body = config_text(str(spec.get(text) or ""), base, report, (key, name, text))
            native = Native(Path(f"{name}.md"), fm, body.rstrip("\n") + "\n" if body else "")
            out.append(read_agent(native, report, env, for_agents(config)))
    return out


def _builtin(name: str) -> bool:
    return name in HIDDEN_AGENTS or any(a.native == name for a in HOST_AGENTS.values())


def config_text(text: str, base: Path, report: FileReport, where: tuple[str, ...]) -> str:
    """A prompt or template from opencode.json, or the text of the file a ``{file:path}``
    value names (relative to the config's folder, or ``~/``), as opencode reads it. One
    that cannot be read is an error, as it is to opencode, which then starts with no
    configuration at all ("bad file reference")."""
    match = re.fullmatch(r"\{file:([^}]+)\}", text.strip())
    if match is None:
        return text
    path = Path(match[1]).expanduser()
    path = path if path.is_absolute() else base / path
    if report.fence is not None and not within(path, report.fence):
        report.error(
            *report.at(*where),
            ".".join(where),
            f"{text.strip()} names a file outside the folder imported, which is not read (it "
            "may be any file, ~/.ssh/id_rsa say); copy it in and name it from the config",
        )
        return text
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        report.error(
            *report.at(*where),
            ".".join(where),
            f"bad file reference {text.strip()}: {why}, and opencode refuses the whole "
            "config for it; add the file or fix the path",
        )
        return text


def hook_plugin(path: Path, run: Importing) -> bool:
    """The hooks of a plugin agentpack generated (its ``HOOKS`` table, which names the
    scripts beside it); False for any other plugin, which is code a pack does not carry."""
    text = path.read_text(encoding="utf-8", errors="replace")
    found = _TABLE.search(text)
    if not text.startswith(GENERATED) or found is None:
        return False
    report = run.report(path, "hooks")
    try:
        table = json.loads(found[1])
    except ValueError as exc:
        report.error(1, 1, "HOOKS", f"cannot read the hooks table: {exc}")
        return True
    events: dict[str, list[dict[str, Any]]] = {}
    for row in table if isinstance(table, list) else ():
        handler = {
            "command": row.get("interpreter", "sh"),
            "args": [f"{PLUGIN_ROOT}/{row.get('script', '')}", *(row.get("args") or ())],
            "timeout": row.get("timeout"),
        }
        group = {"matcher": "|".join(row.get("tools") or ()), "hooks": [handler]}
        events.setdefault(str(row.get("event")), []).append(group)
    readhooks.hooks(
        {"hooks": events}, _scripts(path, text), readparts.Spelling(()), _tools, run, report
    )
    return True


def _scripts(plugin: Path, text: str) -> Path:
    """Where a generated plugin's scripts are: beside its folder (an export), or in the
    folder its ``ROOT`` names below that (an install's ``agentpack/<pack>``); never a
    folder outside the one imported (an absolute path, ``..``, a link out of it)."""
    base = plugin.parent.parent
    below = _SCRIPTS.search(text)
    try:
        found = json.loads(below[1]) if below is not None else None
    except ValueError:
        return base
    if not isinstance(found, str) or not found or PurePosixPath(found).is_absolute():
        return base
    folder = base / found
    return folder if ".." not in PurePosixPath(found).parts and within(folder, base) else base


def _tools(matcher: str) -> tuple[str, ...] | None:
    """opencode's tool ids (``server_*`` for a server's tools) as canonical tools."""
    ids: list[str] = []
    for name in (n for n in matcher.split("|") if n):
        if name in CANONICAL_IDS:
            ids.append(CANONICAL_IDS[name])
        elif name == "*":
            ids.append("mcp:*")
        elif name.endswith("_*"):  # a server's every tool: my_db_* is my_db's
            ids.append(f"mcp:{server_name(name[:-2])}")
        elif "_" in name:
            server, _, tool = name.partition("_")
            ids.append(f"mcp:{server_name(server)}/{tool}")
        else:
            return None
    return tuple(dict.fromkeys(ids)) if all(map(is_tool_id, ids)) else None
