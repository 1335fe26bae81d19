"""The Claude Code plugin manifest and the marketplace that lists it.

``.claude-plugin/plugin.json`` sits in the plugin root (``dist/claude/``). The marketplace sits
at the pack root by default (``.claude-plugin/marketplace.json``), so that
``/plugin marketplace add owner/repo`` works on the pack's own repository; its plugin
``source`` is the relative path to the plugin, which Claude Code requires to start with ``./``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from agentpack import emit
from agentpack.errors import ExportRefused
from agentpack.model import ItemInfo, Kind, Manifest, PluginGroup
from agentpack.outputs import OutFile
from agentpack.secrets import credential
from agentpack.targets.base import Change, Context, Note, Report
from agentpack.targets.claude import readme as claude_readme
from agentpack.targets.claude import servers
from agentpack.targets.common import person_fields, plugin_fields

NAME = "claude"
MARKETPLACE = ".claude-plugin/marketplace.json"
PRIVACY = "privacyPolicyUrl"
USER_CONFIG = "userConfig"
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


_OWN = ("claude", "anthropic", "anthropics")


def reserved(name: str) -> bool:
    """Whether 'claude plugin validate' (2.1.332) refuses a plugin name as one that passes
    for Anthropic's own, as its message and trials of it show: words parted by ``-``,
    ``_`` or ``.``; one of its own names with more words after it (``claude-x``,
    ``cc-plugin-x``), one of its names alone, or ``official`` beside one."""
    words = [w for w in re.split(r"[-_.]+", name.lower()) if w]
    joined = "".join(words)
    heads = {"".join(words[:k]) for k in range(1, len(words))}
    beside = {f"{a}{b}" for own in _OWN for a, b in (("official", own), (own, "official"))}
    return (
        joined in {*_OWN, "claudecode", "claudemods"}
        or bool(heads & {*_OWN, "ccplugin"})
        or any(pair in joined for pair in beside)
    )


def plugins(manifest: Manifest) -> list[tuple[str, PluginGroup | None, dict[str, Any]]]:
    """(folder under dist/claude/, group, plugin.json fields) per plugin: folder "" and group
    None are the pack itself."""
    if not manifest.plugins:
        return [("", None, plugin_fields(manifest))]
    return [(f"{g.name}/", g, plugin_fields(manifest, g)) for g in manifest.plugins]


def folders(manifest: Manifest) -> Callable[[Kind, str], tuple[str, ...]]:
    """Which plugin folders (under dist/claude/) hold an item: "" without plugin groups;
    with groups, each group that names it (possibly none)."""
    if not manifest.plugins:
        return lambda kind, name: ("",)
    held: dict[tuple[Kind, str], list[str]] = {}
    for group in manifest.plugins:
        for kind, names in _KINDS.items():
            for name in getattr(group, names):
                held.setdefault((kind, name), []).append(f"{group.name}/")
    return lambda kind, name: tuple(held.get((kind, name), ()))


_KINDS: Mapping[Kind, str] = {Kind.AGENT: "agents", Kind.COMMAND: "commands", Kind.SKILL: "skills"}


def _contents(
    items: Sequence[ItemInfo],
    group: PluginGroup | None,
    fields: Mapping[str, Any],
    market: str | None,
) -> claude_readme.Contents:
    def held(kind: Kind) -> list[ItemInfo]:
        wanted = None if group is None else set(getattr(group, _KINDS[kind]))
        return [i for i in items if i.kind is kind and (wanted is None or i.name in wanted)]

    return claude_readme.Contents(
        plugin=fields["name"],
        description=fields["description"],
        license=fields.get("license"),
        repository=fields.get("repository"),
        agents=held(Kind.AGENT),
        commands=held(Kind.COMMAND),
        skills=held(Kind.SKILL),
        marketplace=market,
    )


def marketplace_settings(manifest: Manifest) -> Mapping[str, Any] | None:
    """The pack's ``claude.marketplace`` block; None when the pack asks for no marketplace."""
    block = manifest.extras.get(NAME, {}).get("marketplace", {})
    return None if block is False else block


UNSAFE = (
    "its default is not written: the option is sensitive, or the default looks like a "
    "credential; Claude Code asks the user for it"
)


def safe_options(found: Any) -> tuple[dict[str, Any], list[str]]:
    """A plugin's ``userConfig`` without the defaults no file may hold: that of an option
    marked ``sensitive`` (Claude Code keeps its value in secure storage), or one that looks
    like a credential; and the options whose default was taken out."""
    if not isinstance(found, Mapping):
        return {}, []
    options: dict[str, Any] = {}
    unsafe = []
    for key, option in found.items():
        default = option.get("default") if isinstance(option, Mapping) else None
        risky = isinstance(default, str) and (
            option.get("sensitive") is True or credential(str(key), default) is not None
        )
        if risky and isinstance(option, Mapping):
            unsafe.append(str(key))
            option = {k: v for k, v in option.items() if k != "default"}
        options[str(key)] = option
    return options, unsafe


def render(
    manifest: Manifest, items: Sequence[ItemInfo], report: Report, context: Context
) -> Iterator[OutFile]:
    _missing(manifest, report)
    settings = marketplace_settings(manifest)
    name = None if settings is None else settings.get("name", manifest.name)
    block = manifest.extras.get(NAME, {})
    icon = manifest.files.get(block.get("icon", ""))
    readme = manifest.files.get(block.get("readme", ""))
    options, unsafe = safe_options(block.get(USER_CONFIG))
    for key in unsafe:
        report.about_pack(NAME, manifest, f"claude.{USER_CONFIG}.{key}", Change.DROPPED, UNSAFE)
    for n, (folder, group, fields) in enumerate(plugins(manifest)):
        fields = {**fields, **({PRIVACY: block[PRIVACY]} if PRIVACY in block else {})}
        if options and n == 0:  # the plugin the servers and hooks that read them go into
            fields[USER_CONFIG] = options
        yield OutFile.text(
            f"{folder}.claude-plugin/plugin.json", emit.json_text(fields), manifest.source
        )
        text = (
            readme.decode("utf-8").replace("\r\n", "\n")
            if readme is not None
            else claude_readme.render(manifest, _contents(items, group, fields, name))
        )
        yield OutFile.text(f"{folder}README.md", text, manifest.source)
        if icon is not None:
            yield OutFile(f"{folder}.claude-plugin/icon.png", icon, manifest.source.path)
        if fields["name"] == servers.server_plugin(manifest):
            yield from servers.render(manifest, folder, report)
    if settings is None or name is None:
        return
    path = settings.get("path", MARKETPLACE)
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
    owner = settings.get("owner") or (person_fields(manifest.author) if manifest.author else None)
    if owner is None:
        owner = {"name": manifest.name}  # the author's note says what to add
    entries = [
        {
            "name": fields["name"],
            "source": "./" + posixpath.join(source, folder).rstrip("/"),
            **fields,
        }
        for folder, _, fields in plugins(manifest)
    ]
    document = {
        "name": name,
        "owner": owner,
        "description": manifest.description,
        "plugins": entries,
    }
    yield OutFile.text(path, emit.json_text(document), manifest.source, area="pack")


def _missing(manifest: Manifest, report: Report) -> None:
    """What Claude Code's checks want of every plugin and the pack does not say."""
    for _, group, fields in plugins(manifest):
        if reserved(fields["name"]):
            report.about_pack(
                NAME,
                manifest,
                "plugins" if group else "name",
                Change.APPROXIMATED,
                f"the plugin name {fields['name']!r} passes for one of Anthropic's own, which "
                "'claude plugin validate' refuses (it installs all the same); name it for "
                "what it does",
            )
    written = [fields for _, _, fields in plugins(manifest)]  # a group's own, or the pack's
    if any("author" not in fields for fields in written):
        report.about_pack(
            NAME,
            manifest,
            "author",
            Change.APPROXIMATED,
            "the plugin has no author, which 'claude plugin validate --strict' refuses; add "
            "author: {name: Your Name, email: you@example.com} to agentpack.yaml"
            + (" (or to each plugin group)" if manifest.plugins else ""),
        )
    if any("license" not in fields for fields in written):
        report.about_pack(
            NAME,
            manifest,
            "license",
            Change.APPROXIMATED,
            "the plugin has no license, which Claude Code's plugin directory flags "
            "(LICENSE_MISSING); add license: with an SPDX id such as MIT to agentpack.yaml"
            + (" (or to each plugin group)" if manifest.plugins else ""),
        )
    remote = [s.name for s in manifest.servers if s.url and manifest.builds(s.targets, NAME)]
    if remote and PRIVACY not in manifest.extras.get(NAME, {}):
        report.about_pack(
            NAME,
            manifest,
            f"claude.{PRIVACY}",
            Change.APPROXIMATED,
            f"the plugin reaches the remote MCP server {remote[0]!r} and names no privacy "
            "policy, which Claude Code's plugin directory flags (PRIVACY_URL_MISSING); add "
            f"claude: {{{PRIVACY}: <its URL>}} to agentpack.yaml",
        )
