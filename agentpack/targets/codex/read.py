"""Codex native files -> canonical items: custom agents (TOML), skills, and the skills that
agentpack made from commands (read back as commands).

A role's ``[features] shell_tool = false`` is the one permission Codex applies per agent:
it reads as "no bash, nor what Codex does only through it" (the role inherits the rest from
its session); ``multi_agent = false`` reads as no task.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import yaml

from agentpack.filereport import FileReport
from agentpack.model import Agent, Command, Resource, Skill, SourceRef
from agentpack.native import (
    ImportEnv,
    Importing,
    Native,
    described,
    model_ref,
    name_of,
    split_examples,
)
from agentpack.nativefile import read_native
from agentpack.nativetree import resources, skip_rest
from agentpack.permissions import Decision, Policy
from agentpack.source import TOMLError, decode_error, read_toml, within
from agentpack.standardskill import metadata_texts
from agentpack.targets.codex import readplugin, readservers
from agentpack.targets.codex.names import AGENTS, MARKETPLACE, PLUGIN, SKILLS
from agentpack.targets.codex.readpolicy import (
    DENY_KEY,
    FEATURE_DENIES,
    READ_ONLY_DENIES,
    Session,
    both,
    held_to,
    meant_denies,
    session,
    settings,
)
from agentpack.targets.codex.readprompts import is_prompts, prompt, prompts
from agentpack.targets.codex.render import COMMAND_MARK, TEMPLATE

CARRIED = frozenset(
    {"model_reasoning_effort", "model_reasoning_summary", "model_verbosity", "model_provider"}
    | {"personality", "nickname_candidates"}
)
"""Role keys kept under ``codex:``."""
IGNORED_IN_ROLES = frozenset(
    {"sandbox_mode", "approval_policy", "sandbox_workspace_write", "default_permissions"}
    | {"web_search", "mcp_servers", "tools"}
)
"""Role keys Codex reads but does not apply to a spawned agent (its session's apply)."""


Role = tuple[str, Mapping[str, Any]]
"""A role that ``[agents.<name>]`` of a config.toml declares: its name and its table."""


def roles(
    config: Path, settings: Mapping[str, Any], root: Path, run: Importing
) -> dict[Path, Role]:
    """The roles a config.toml (``settings``, as read) declares, by the file its
    ``config_file`` names (from the config's folder): Codex names such a role by its
    table, and takes its description from there when the file has none. A file named that
    is not there, or not in ``root`` (the folder imported), or named twice, is said."""
    found = settings.get("agents")
    out: dict[Path, Role] = {}
    for name, table in found.items() if isinstance(found, dict) else ():
        rel = table.get("config_file") if isinstance(table, dict) else None
        if not isinstance(rel, str):
            continue
        path = config.parent / rel
        if "\x00" in rel or not path.is_file() or not within(path, root):
            run.skip(config, f"[agents.{name}] names {rel!r}, which is not a file here")
        elif path.resolve() in out:
            run.skip(config, f"[agents.{name}] names the file of [agents.{out[path.resolve()][0]}]")
        else:
            out[path.resolve()] = (str(name), table)
    return out


def agent(
    path: Path,
    report: FileReport,
    env: ImportEnv,
    role: Role | None = None,
    session: Session = ((), ""),
) -> Agent | None:
    """A role file; ``session``: what the config.toml of the home or project it is in
    takes away from every agent Codex spawns there, and which file says so."""
    try:
        data = read_toml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TOMLError) as exc:
        line, col, why = decode_error(exc)
        report.error(line, col, "-", f"cannot read this TOML: {why}")
        return None
    if role is not None:
        data = _declared(data, role, report)
    wrong = [k for k in ("name", "description", "developer_instructions") if _not_text(data, k)]
    if wrong:  # Codex refuses such a role
        report.error(1, 1, wrong[0], "expected text; write it as a string")
        return None
    description, examples = split_examples(str(data.get("description") or ""))
    report.mapped += [k for k in ("name", "description", "developer_instructions") if k in data]
    extras: dict[str, Any] = {}
    policy = None
    for key, value in data.items():
        if key in ("name", "description", "developer_instructions", "model"):
            continue
        if key in CARRIED:
            extras[key] = value
            report.mapped.append(key)
        elif key == "features" and isinstance(value, dict):
            off = [k for k in value if k in FEATURE_DENIES and value[k] is False]
            if off:
                denied = [t for k in off for t in FEATURE_DENIES[k]]
                held = Policy.build(Decision.ALLOW, None, (), dict.fromkeys(denied))
                policy = held if policy is None else both(policy, held)
                report.mapped += [f"features.{k}" for k in off]
            rest = sorted(k for k in value if k not in off)
            report.dropped += [f"features.{k} (no canonical field)" for k in rest]
        elif key == "sandbox_mode" and value == "read-only":
            # Codex runs a custom agent in its session's sandbox whatever the role says, but
            # its author meant it to change nothing: read so, which is the narrower reading
            read_only = Policy.build(Decision.ALLOW, None, (), READ_ONLY_DENIES)
            policy = read_only if policy is None else both(policy, read_only)
            report.approximated.append(
                "sandbox_mode = read-only (Codex applies its session's sandbox to a custom "
                f"agent; read as the author meant it: no {', '.join(READ_ONLY_DENIES)})"
            )
        elif key in IGNORED_IN_ROLES:
            report.dropped.append(
                f"{key} (Codex does not apply it to a custom agent: its session's applies)"
            )
        elif DENY_KEY.search(key) and isinstance(value, list | str):
            meant = meant_denies(key, value, env, report)
            held = Policy.build(Decision.ALLOW, None, (), dict.fromkeys(meant))
            policy = held if policy is None else both(policy, held)
        else:
            report.dropped.append(f"{key} (no canonical field)")
    return Agent(
        name=name_of(data.get("name"), path.stem, report),
        description=described(description, report),
        body=str(data.get("developer_instructions") or ""),
        source=SourceRef(report.source),
        examples=examples,
        model=model_ref(data.get("model"), "codex", env, report),
        policy=held_to(policy, session, report),
        extras=MappingProxyType({"codex": MappingProxyType(extras)} if extras else {}),
    )


def _declared(data: Mapping[str, Any], role: Role, report: FileReport) -> dict[str, Any]:
    """A role file's keys with what config.toml's ``[agents.<name>]`` says of it: the
    role's name, and its description and nicknames where the file has none."""
    name, table = role
    if data.get("name") not in (None, name):
        report.approximated.append(f"name: {data['name']} (config.toml names the role {name})")
    said = {k: table[k] for k in ("description", "nickname_candidates") if k in table}
    taken = [k for k in said if k not in data]
    report.mapped += [f"{k} (from config.toml's [agents.{name}])" for k in taken]
    return {**data, "name": name, **{k: said[k] for k in taken}}


def user_only(folder: Path, report: FileReport) -> bool | None:
    """A skill that ``agents/openai.yaml`` keeps out of the model's own choices; the rest
    of that file (how Codex's app shows the skill, the tools it needs) is Codex's own, and
    said to be dropped."""
    path = folder / "agents" / "openai.yaml"
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8", errors="replace"))
    except yaml.YAMLError:
        report.dropped.append("agents/openai.yaml (not YAML that Codex can read)")
        return None
    fields = data if isinstance(data, dict) else {}
    hidden = None
    for key, value in fields.items():
        for sub in value if isinstance(value, dict) else [None]:
            name = f"{key}.{sub}" if sub is not None else str(key)
            if name == "policy.allow_implicit_invocation" and value[sub] is False:
                hidden = True
                report.mapped.append(f"agents/openai.yaml {name}")
            elif name != "policy.allow_implicit_invocation":
                report.dropped.append(
                    f"agents/openai.yaml {name} (Codex's own setting of the skill, which a "
                    "pack does not carry)"
                )
    return hidden


def skill(native: Native, report: FileReport, found: tuple[Resource, ...]) -> Skill | Command:
    fm = native.frontmatter or {}
    folder = native.path.parent
    raw = fm.get("metadata")
    metadata: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
    name = name_of(fm.get("name"), folder.name)
    description = described(str(fm.get("description") or ""), report, "skill")
    hidden = user_only(folder, report)
    if metadata.pop(COMMAND_MARK, None) is not None:
        report.kind = "command (codex skill)"
        _, _, template = native.body.partition(TEMPLATE)
        return Command(
            name=name,
            description=description,
            body=template or native.body,
            source=SourceRef(report.source),
            disable_model_invocation=hidden,
        )
    report.mapped += [k for k in ("name", "description", "license", "metadata") if k in fm]
    kept = tuple(r for r in found if r.path != "agents/openai.yaml")
    return Skill(
        name=name,
        description=description,
        body=native.body,
        source=SourceRef(report.source),
        license=None if fm.get("license") is None else str(fm["license"]),
        disable_model_invocation=hidden,
        resources=kept,
        metadata=MappingProxyType(metadata_texts(metadata, report)),
    )


def _made_from_command(native: Native) -> bool:
    """A skill agentpack made from a command (its metadata carries the mark)."""
    metadata = (native.frontmatter or {}).get("metadata")
    return isinstance(metadata, dict) and metadata.get(COMMAND_MARK) is not None


class CodexReader:
    """Codex's files in a project (``.codex/``, ``.agents/``) or in ``~/.codex``."""

    dialect: ClassVar[str] = "codex"
    tree_name: ClassVar[str] = ".codex"
    fallback: ClassVar[bool] = False
    bare_agents: ClassVar[bool] = False
    skill_marks: ClassVar[tuple[str, ...]] = ("agents/openai.yaml",)

    def claims(self, frontmatter: Mapping[str, Any]) -> bool:
        return False  # Codex agents are TOML, found by where they are

    def marks(self, folder: Path) -> bool:
        return folder.name == self.tree_name or (folder / AGENTS).is_dir()

    def folder(self, path: Path, run: Importing) -> bool:
        if is_prompts(path) or (is_prompts(path.parent) and path.suffix == ".md"):
            prompts(path, run)  # a Codex home's prompts, or one of them, given alone
            return True
        if path.is_file() and path.name == "config.toml":
            readservers.servers(path, run)  # a home's or project's settings, not an agent
            return True
        if path.is_file() and path.suffix == ".toml" and ".codex" in path.parts:
            beside = path.parent.parent / "config.toml"  # .codex/agents/x.toml
            held = session(beside, settings(beside)) if path.parent.name == "agents" else None
            self._agent(path, run, None, held)
            return True
        root = path.parents[2] if len(path.parents) > 2 else path
        if path.is_file() and root / MARKETPLACE == path:  # the marketplace given alone
            path = root
        elif path.is_file() and path.parent.parent / PLUGIN == path:  # or a manifest
            path = path.parent.parent
        if path.is_dir() and (path / MARKETPLACE).is_file():
            readplugin.marketplace(path, run, lambda folder: self.tree(folder, run))
            return True
        if path.is_dir() and (path / PLUGIN).is_file():
            self.tree(path, run)  # a plugin, and dist/codex, which is one too
            return True
        return False

    def config(self, folder: Path, run: Importing) -> set[Path]:
        """The MCP servers and hooks of a Codex home or project (``config.toml``,
        ``hooks.json``) or of a Codex plugin (``.mcp.json``, ``hooks/hooks.json``)."""
        taken = set()
        for name in (".mcp.json", "config.toml", ".codex/config.toml"):
            if (folder / name).is_file():
                taken.add(folder / name)
                readservers.servers(folder / name, run)
        for name in ("hooks/hooks.json", "hooks.json", ".codex/hooks.json"):
            if (folder / name).is_file():
                taken.add(folder / name)
                readservers.hooks(folder / name, run)
        if (folder / "hooks" / "hooks.json").is_file():
            taken.add(folder / "hooks")  # a plugin's scripts beside it are read with it
        return taken

    def tree(self, folder: Path, run: Importing) -> None:
        """A project or dist/codex (``.codex/agents``, ``.agents/skills``), or a Codex home
        (``agents``, ``skills``)."""
        home = folder.name == self.tree_name
        agents = folder / ("agents" if home else AGENTS)
        skills = folder / ("skills" if home else SKILLS)
        taken = {agents, skills, folder / ".codex-plugin", folder / ".agents"}
        if home:  # Codex reads its user's prompts only
            taken |= prompts(folder / "prompts", run)
        listed: list[Path] = []
        if (folder / PLUGIN).is_file():
            found, listed = readplugin.plugin(folder, run)
            taken |= found
        config = folder / ("config.toml" if home else ".codex/config.toml")
        read = settings(config)
        declared, held = roles(config, read, folder, run), session(config, read)
        files = sorted(agents.rglob("*.toml")) if agents.is_dir() else []
        have = {f.resolve() for f in files}  # and the role files kept elsewhere
        for path in [*files, *(p for p in declared if p not in have)]:
            self._agent(path, run, declared.get(path.resolve()), held)
        # a project's .codex/ has its skills beside it, in the project's .agents/skills
        beside = folder.parent / SKILLS if home else None
        for where in (skills, beside, *listed):
            for entry in sorted(where.iterdir()) if where and where.is_dir() else []:
                if (entry / "SKILL.md").is_file():
                    if run.first(entry / "SKILL.md"):
                        self._skill(entry, run)
                elif not entry.name.startswith("."):
                    run.skip(entry, "not a skill (a skill is a folder with a SKILL.md)")
        if not (folder / PLUGIN).is_file():  # a plugin's servers are where its manifest says
            taken |= self.config(folder, run)
        if not home:
            taken |= {folder / ".codex"}
        skip_rest(folder, taken, run, "Codex")

    def _agent(self, path: Path, run: Importing, role: Role | None, held: Session | None) -> None:
        report = run.report(path, "agent (codex)")
        found = agent(path, report, run.env(), role, held or ((), ""))
        if found is not None:
            run.add(found, report)

    def _skill(self, folder: Path, run: Importing) -> None:
        path = folder / "SKILL.md"
        report = run.report(path, "skill")
        native = read_native(path, report, lenient=run.lenient)
        if native is not None:
            found = resources(folder, report)
            if _made_from_command(native):
                run.add(skill(native, report, found), report)
            else:
                run.add(self.skill(native, report, found, run.env()), report)

    def agent(self, native: Native, report: FileReport, env: ImportEnv) -> Agent:
        """Codex agents are TOML files (``tree``): a markdown file is none."""
        report.error(1, 1, "-", "Codex reads agents from TOML files, not markdown: not read")
        return Agent(native.path.stem, "-", "", SourceRef(report.source))

    def command(self, native: Native, report: FileReport, env: ImportEnv) -> Command:
        """A custom prompt (``~/.codex/prompts/<name>.md``, run as ``/prompts:<name>``):
        ``$1``..``$9`` and ``$ARGUMENTS`` as the pack's; its named ``$FOO``, which Codex
        fills from ``FOO=value``, stays as text (said)."""
        return prompt(native, report)

    def skill(
        self, native: Native, report: FileReport, resources: tuple[Resource, ...], env: ImportEnv
    ) -> Skill:
        """A skill's frontmatter is the Agent Skills standard, which the fallback reader
        reads whole (allowed-tools, disable-model-invocation, compatibility, ...); what is
        Codex's own is its agents/openai.yaml."""
        scratch = FileReport(report.source)
        found = skill(native, scratch, resources)
        if isinstance(found, Command):
            raise NotImplementedError("a command made into a skill is read by tree()")
        base = next((r for r in env.readers if r.fallback and r.dialect != self.dialect), None)
        report.mapped += [m for m in scratch.mapped if m.startswith("agents/")]
        report.dropped += scratch.dropped
        if base is None:
            report.mapped += [m for m in scratch.mapped if not m.startswith("agents/")]
            return found
        standard = base.skill(native, report, found.resources, env)
        hidden = found.disable_model_invocation or standard.disable_model_invocation
        return dataclasses.replace(standard, disable_model_invocation=hidden)

    def tool_id(self, name: str, granting: bool = False) -> tuple[str | None, str | None]:
        return (None, None)


def _not_text(data: dict[str, Any], key: str) -> bool:
    return key in data and not isinstance(data[key], (str, int, float))
