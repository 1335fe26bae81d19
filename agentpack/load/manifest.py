"""``agentpack.yaml``: the pack's name, version and targets, its model aliases, its plugin
groups, and the pack files its target blocks name (read now, so that export copies exactly
what was checked)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from agentpack.errors import UsageError
from agentpack.load.doc import Doc
from agentpack.load.fields import MANIFEST, Fields
from agentpack.model import Manifest, Person, PluginGroup, SourceRef
from agentpack.outputs import path_problem
from agentpack.secrets import secret_file, secret_problem
from agentpack.source import SourceError, read_bytes, within
from agentpack.yamldoc import Path_


def manifest(fields: Fields) -> tuple[Manifest | None, Doc | None]:
    """The manifest, or None when it has errors; and its parsed file, for later findings."""
    files = fields.files
    path = files.root / MANIFEST
    if not path.is_file() and not path.is_dir():
        raise UsageError(
            f"{files.root}: no {MANIFEST} here; run 'agentpack init' to start a pack, or "
            "pass --pack DIR"
        )
    doc = files.yaml(path, MANIFEST)
    if doc is None or not files.checked(doc, "manifest"):
        return None, doc
    data = doc.data
    fields.target_names(doc, ("targets",), data.get("targets", []))
    _no_secrets(fields, doc)
    for alias, ids in data.get("models", {}).items():
        fields.model_ids(doc, ("models", alias), ids)
    return (
        Manifest(
            name=data["name"],
            version=data["version"],
            description=data["description"],
            source=SourceRef(MANIFEST),
            author=_person(data.get("author")),
            license=data.get("license"),
            homepage=data.get("homepage"),
            repository=data.get("repository"),
            keywords=tuple(data.get("keywords", ())),
            targets=tuple(data.get("targets", fields.targets.defaults())),
            models=MappingProxyType(
                {k: MappingProxyType(dict(v)) for k, v in sorted(data.get("models", {}).items())}
            ),
            extras=fields.blocks(doc, "manifest"),
            plugins=tuple(_group(g) for g in data.get("plugins", ())),
            files=_named_files(fields, doc),
        ),
        doc,
    )


def _named_files(fields: Fields, doc: Doc) -> Mapping[str, bytes]:
    """The pack files that target blocks name (a plugin icon, say), each checked by the
    target that names it."""
    found: dict[str, bytes] = {}
    for target, block in doc.data.items():
        if not isinstance(block, dict) or target not in fields.targets.known():
            continue
        for key, check in fields.targets.get(target).manifest_files.items():
            rel = block.get(key)
            if isinstance(rel, str):
                data = read_pack_file(fields, doc, (target, key), rel)
                problem = None if data is None else check(data)
                if problem is not None:
                    fields.report(doc, (target, key), f"{rel}: {problem}")
                elif data is not None:
                    found[rel] = data
    return MappingProxyType(found)


def read_pack_file(fields: Fields, doc: Doc, where: Path_, rel: str) -> bytes | None:
    """A pack file a field names (checked: inside the pack, no symlink, readable)."""
    problem = path_problem(rel)
    path = fields.files.root / rel
    if problem is None and (path.is_symlink() or not within(path, fields.files.root)):
        problem = "is a symlink, or in a linked folder; name the file itself"
    if problem is not None:
        fields.report(doc, where, f"the path {problem}")
        return None
    if not path.exists():
        fields.report(doc, where, f"cannot read {rel}: no such file")
        return None
    try:
        data = read_bytes(path)[0]
    except SourceError as exc:
        fields.report(doc, where, f"cannot read {rel}: {exc.message}")
        return None
    if secret_file(rel, data):
        fields.report(
            doc, where, "the path names a file that may hold credentials, copied with the pack"
        )
        return None
    return data


def check_groups(
    fields: Fields,
    manifest: Manifest,
    doc: Doc,
    names: Mapping[str, set[str]],
    plugins: list[str],
) -> None:
    """Every item a plugin group names must exist; warn about items in no group.
    ``plugins``: the tools whose plugins the groups make."""
    if not manifest.plugins:
        return
    grouped: dict[str, set[str]] = {kind: set() for kind in names}
    seen: set[str] = set()
    for i, group in enumerate(manifest.plugins):
        if group.name in seen:
            fields.report(
                doc,
                ("plugins", i, "name"),
                f"two plugin groups are named {group.name!r}; rename one",
            )
        seen.add(group.name)
        for kind in names:
            for j, name in enumerate(getattr(group, kind)):
                grouped[kind].add(name)
                if name not in names[kind]:
                    fields.report(
                        doc,
                        ("plugins", i, kind, j),
                        f"no {kind[:-1]} named {name!r} in the pack; fix the name or remove it",
                    )
    for kind, present in names.items():
        for name in sorted(present - grouped[kind]):
            fields.report(
                doc,
                ("plugins",),
                f"the {kind[:-1]} {name!r} is in no plugin group, so no "
                f"{' or '.join(plugins) or 'tool'} plugin carries it; add it to one",
                warning=True,
                key=True,
            )


def _no_secrets(fields: Fields, doc: Doc) -> None:
    """Addresses are copied into every plugin manifest and README: one with a credential in
    it (``https://ghp_...@github.com/...``) is an error at it."""
    places: list[tuple[tuple[str | int, ...], Any]] = [
        ((key,), doc.data.get(key)) for key in ("homepage", "repository")
    ]
    for i, group in enumerate(doc.data.get("plugins", ())):
        places += [(("plugins", i, key), group.get(key)) for key in ("homepage", "repository")]
    for where, value in places:
        problem = secret_problem(value) if isinstance(value, str) else None
        if problem:
            fields.report(
                doc,
                where,
                f"this value must not be written in the pack: {problem}; it is copied into "
                "every plugin's manifest, so give the address without it",
            )


def _person(data: Mapping[str, Any] | None) -> Person | None:
    return Person(**data) if data else None


def _group(data: Mapping[str, Any]) -> PluginGroup:
    return PluginGroup(
        name=data["name"],
        version=data.get("version"),
        description=data.get("description"),
        author=_person(data.get("author")),
        homepage=data.get("homepage"),
        repository=data.get("repository"),
        license=data.get("license"),
        keywords=tuple(data.get("keywords", ())),
        agents=tuple(data.get("agents", ())),
        commands=tuple(data.get("commands", ())),
        skills=tuple(data.get("skills", ())),
    )
