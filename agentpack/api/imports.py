"""Import: native files into canonical source files of a pack."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from agentpack import aliases, sourcefiles
from agentpack.api.pack import validate
from agentpack.api.where import find_pack, registry
from agentpack.errors import Finding, Severity, UsageError
from agentpack.filereport import FileReport
from agentpack.load import load_pack as _load_pack
from agentpack.model import EMAIL, Manifest, Person, PluginGroup, SourceRef
from agentpack.native import EXTRAS, ImportEnv, slug
from agentpack.outputs import OutFile
from agentpack.scaffold import MANIFEST, git_identity
from agentpack.targets import Registry

if TYPE_CHECKING:
    from agentpack import importers


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import read, wrote into the pack, and found when validating it."""

    root: Path
    reports: tuple[FileReport, ...]
    files: tuple[sourcefiles.SourceWrite, ...]
    findings: tuple[Finding, ...]
    """Findings of validating the pack as the import leaves it (or would leave it)."""
    skipped: tuple[tuple[str, str], ...] = ()
    """What a tool's tree held that is not read (no agent, command or skill of the tool's,
    or nothing a pack can carry yet), each with why."""
    written: bool = True
    """False when nothing was written: a dry run, or an import that failed (a file that
    could not be read, one it would not overwrite, or a pack that would not validate)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "pack": str(self.root),
            "files": [{"path": f.path, "action": f.status} for f in self.files],
            "reports": [r.as_dict() for r in self.reports],
            "findings": [f.as_dict() for f in self.findings],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "written": self.written,
        }

    @property
    def failed(self) -> bool:
        return (
            any(r.failed for r in self.reports)
            or any(f.status == "skip" for f in self.files)
            or any(f.is_error for f in self.findings)
        )


def _new_manifest(
    imported: importers.Imported, source: Path, root: Path, targets: tuple[str, ...]
) -> Manifest:
    hint = imported.plugin or {}
    author = hint.get("author") or hint.get("owner")
    person = None
    if isinstance(author, dict) and author.get("name"):
        person = _person(author)
    elif not hint:  # loose files become the user's own pack: as init does, their git identity
        name, email = git_identity(root if root.is_dir() else Path.cwd())
        person = Person(name, email) if name else None
    name = slug(str(hint.get("name") or root.resolve().name or source.stem))
    version = str(hint.get("version") or "0.1.0")
    return Manifest(
        name=name,
        version=version if re.match(r"^\d+\.\d+\.\d+", version) else "0.1.0",
        description=str(hint.get("description") or f"Imported from {source.name}."),
        source=SourceRef(MANIFEST),
        author=person,
        license=hint.get("license"),
        homepage=hint.get("homepage"),
        repository=hint.get("repository") if isinstance(hint.get("repository"), str) else None,
        keywords=tuple(str(k) for k in hint.get("keywords") or ()),
        targets=targets,
        extras=_extras(hint.get(EXTRAS)),
        plugins=tuple(_group(g) for g in imported.groups),
    )


def _person(author: Mapping[str, Any]) -> Person:
    """A plugin's author; an e-mail address the pack cannot take (``dev@localhost``) is
    left out rather than failing the import."""
    email = author.get("email")
    kept = email if isinstance(email, str) and EMAIL.match(email) else None
    return Person(str(author["name"]), kept, author.get("url"))


def _extras(found: Any) -> Mapping[str, Mapping[str, Any]]:
    """The manifest blocks a reader gave, by target."""
    if not isinstance(found, dict):
        return {}
    return MappingProxyType(
        {t: MappingProxyType(dict(b)) for t, b in found.items() if isinstance(b, dict) and b}
    )


def _group(group: importers.Group) -> PluginGroup:
    meta = group.meta
    author = meta.get("author")
    return PluginGroup(
        name=slug(group.name),
        version=meta.get("version") if isinstance(meta.get("version"), str) else None,
        description=meta.get("description") or None,
        author=_person(author) if isinstance(author, dict) and author.get("name") else None,
        homepage=meta.get("homepage") or None,
        repository=meta.get("repository") if isinstance(meta.get("repository"), str) else None,
        license=meta.get("license") or None,
        keywords=tuple(str(k) for k in meta.get("keywords") or ()),
        agents=tuple(group.agents),
        commands=tuple(group.commands),
        skills=tuple(group.skills),
    )


def import_(
    path: Path | str,
    pack: Path | str | None = None,
    dialect: str = "auto",
    *,
    lenient: bool = False,
    force: bool = False,
    dry_run: bool = False,
    targets: Registry | None = None,
) -> ImportResult:
    """Read native files into canonical source files of a pack (created when missing)."""
    source = Path(path)
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    from agentpack import canonical, importers
    from agentpack.api.schemas import write_schemas

    reg = targets or registry()
    readers = [t.reader for t in reg.all() if t.reader is not None]
    if dialect != importers.AUTO and dialect not in {r.dialect for r in readers}:
        known = ", ".join([importers.AUTO, *(r.dialect for r in readers)])
        raise UsageError(f"unknown dialect {dialect!r}; use {known}")
    root = Path(pack) if pack is not None else (find_pack(Path.cwd()) or Path.cwd())
    builtin = aliases.builtin(reg.all())
    table: Mapping[str, Mapping[str, str]] = builtin
    if (root / MANIFEST).is_file():
        table = aliases.table(_load_pack(root, reg).manifest, builtin)
    env = ImportEnv(table, reg.all(), readers)
    imported = importers.import_path(source, readers, env, dialect, lenient=lenient)
    found = (imported.agents, imported.commands, imported.skills, imported.servers)
    failed = any(f.is_error for r in imported.reports for f in r.findings)
    if not any((*found, imported.hooks, imported.plugin)) and not failed:
        why = "nothing here is an agent, command, skill, MCP server or hook a tool reads"
        empty = (Finding(str(source), 1, 1, Severity.ERROR, "-", f"{why}; nothing written"),)
        reports, skipped = tuple(imported.reports), tuple(imported.skipped)
        return ImportResult(root, reports, (), empty, skipped, written=False)
    out: list[OutFile] = []
    if not (root / MANIFEST).is_file():
        out.append(canonical.manifest_file(_new_manifest(imported, source, root, reg.defaults())))
    out += [canonical.agent_file(a) for a in imported.agents]
    out += [canonical.command_file(c) for c in imported.commands]
    out += [f for s in imported.skills for f in canonical.skill_files(s)]
    out += [canonical.server_file(s) for s in imported.servers]
    out += [canonical.hook_file(h) for h in imported.hooks]
    have = {o.path: o.data for o in out}
    out += [
        OutFile(rel, f.data, executable=f.executable)
        for rel, f in sorted(imported.files.items())
        if have.get(rel) != f.data  # a file a skill has and a server runs: written once
    ]
    planned = sourcefiles.write_sources(out, root, force=force, dry_run=True)
    reports = tuple(imported.reports)
    skipped = tuple(imported.skipped)
    if any(r.failed for r in reports) or any(f.status == "skip" for f in planned):
        return ImportResult(root, reports, tuple(planned), (), skipped, written=False)
    findings = _misplaced(out, imported.files) or _staged(root, out, reg)
    kept = _groups_kept_out(imported, root) + _emails_left_out(imported, root)
    if dry_run or any(f.is_error for f in findings):
        return ImportResult(root, reports, tuple(planned), kept + findings, skipped, written=False)
    if not (root / MANIFEST).is_file():
        write_schemas(root / "schemas", targets=reg)
    files = sourcefiles.write_sources(out, root, force=force)
    findings = validate(root, targets=reg).findings
    return ImportResult(root, reports, tuple(files), kept + findings, skipped)


def _emails_left_out(imported: importers.Imported, root: Path) -> tuple[Finding, ...]:
    """An author's e-mail address the new manifest leaves out (``_person``), said: it was
    the plugin's, and it is gone from the pack."""
    if (root / MANIFEST).is_file():
        return ()
    hint = imported.plugin or {}
    authors = [("author", hint.get("author") or hint.get("owner"))]
    groups = enumerate(imported.groups)
    authors += [(f"plugins[{i}].author", g.meta.get("author")) for i, g in groups]
    return tuple(
        Finding(
            MANIFEST,
            1,
            1,
            Severity.WARNING,
            f"{field}.email",
            f"{author['email']!r} is left out: the pack takes an address with a dotted domain "
            "(GitHub Copilot refuses others); add a real one here if the plugin has one",
        )
        for field, author in authors
        if isinstance(author, dict)
        and author.get("name")
        and isinstance(author.get("email"), str)
        and not EMAIL.match(author["email"])
    )


def _groups_kept_out(imported: importers.Imported, root: Path) -> tuple[Finding, ...]:
    """A marketplace read into a pack that has its manifest already: the manifest is the
    user's and stays as it is, so its plugins are not made plugin groups; said, since the
    export then builds one plugin of them all."""
    if not imported.groups or not (root / MANIFEST).is_file():
        return ()
    names = ", ".join(g.name for g in imported.groups)
    return (
        Finding(
            MANIFEST,
            1,
            1,
            Severity.WARNING,
            "plugins",
            f"the {len(imported.groups)} plugins read ({names}) are not made plugin groups: "
            "this pack's agentpack.yaml stays as it was, so they are built as one plugin; "
            "list them under plugins: to build each as its own",
        ),
    )


_ITEM_PATH = re.compile(
    r"agentpack\.yaml|(mcp|hooks)/[^/]+\.yaml|(agents|commands)/.+\.md|skills/[^/]+/SKILL\.md"
)
"""Where a pack file is read as one of the pack's items (a server, an agent, ...)."""


def _misplaced(out: list[OutFile], files: Mapping[str, Any]) -> tuple[Finding, ...]:
    """A file a server or hook runs, at a path where the pack would read it as one of its
    items (``.opencode/mcp/kb.yaml``, a server's settings, would be the server ``kb``), or
    where another file of the import goes (a skill's file of the same path)."""
    seen: dict[str, bytes] = {}
    twice = [o.path for o in out if seen.setdefault(o.path, o.data) != o.data]
    why = (
        "a file a server or hook runs would land here, where the pack reads its own items; "
        "move it in the source (and where it is named) to another folder"
    )
    return tuple(
        Finding(rel, 1, 1, Severity.ERROR, "-", why)
        for rel in sorted({*twice, *(r for r in files if _ITEM_PATH.fullmatch(r))})
    )


def _staged(root: Path, out: list[OutFile], reg: Registry) -> tuple[Finding, ...]:
    """The findings of the pack as the import would leave it, found in a copy of its
    source files with the imported ones written over them: an import whose result does
    not validate writes nothing."""
    with tempfile.TemporaryDirectory(prefix="agentpack-import-") as temp:
        stage = Path(temp) / (root.name or "pack")
        stage.mkdir()
        if (root / MANIFEST).is_file():
            kept = [MANIFEST, *_load_pack(root, reg).manifest.files]
            for rel in kept:
                if (root / rel).is_file():
                    (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(root / rel, stage / rel)
            for folder in ("agents", "commands", "skills", "mcp", "hooks"):
                if (root / folder).is_dir():  # hooks/ may hold a script copied just now
                    shutil.copytree(
                        root / folder, stage / folder, symlinks=True, dirs_exist_ok=True
                    )
        sourcefiles.write_sources(out, stage, force=True)
        return validate(stage, targets=reg).findings
