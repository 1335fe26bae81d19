"""Checks of the fields several kinds of file share: names, targets, models, grants,
target blocks and the permission policy, each placed at the field it is about."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from agentpack import schema
from agentpack.errors import did_you_mean
from agentpack.load.doc import Doc, Files
from agentpack.model import Grant, ModelRef
from agentpack.outputs import reserved_name
from agentpack.permissions import Decision, Policy, normalize_tool_id, pattern_problem
from agentpack.secrets import credential
from agentpack.yamldoc import Path_

MANIFEST = "agentpack.yaml"


class TargetFacts(Protocol):
    """What loading needs of a target."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def argument_base(self) -> int: ...
    @property
    def model_help(self) -> str: ...
    @property
    def by_default(self) -> bool: ...
    @property
    def features(self) -> Collection[str]: ...
    @property
    def commands_are_skills(self) -> bool: ...
    @property
    def plugin_groups(self) -> bool: ...
    @property
    def models(self) -> Mapping[str, str]: ...
    @property
    def manifest_files(self) -> Mapping[str, Callable[[bytes], str | None]]: ...
    @property
    def policy_keys(self) -> Mapping[str, frozenset[str]]: ...
    @property
    def own_policy(self) -> Mapping[str, frozenset[str]]: ...
    @property
    def written_keys(self) -> Mapping[str, frozenset[str]]: ...

    def model_problem(self, model_id: str) -> str | None: ...

    def blocks(self) -> Any: ...


class Registered(Protocol):
    """What loading needs of the target registry."""

    def known(self) -> Collection[str]: ...
    def defaults(self) -> tuple[str, ...]: ...
    def get(self, name: str) -> TargetFacts: ...
    def all(self) -> Sequence[TargetFacts]: ...
    def spellings(self) -> Mapping[str, str]: ...


_NAME = re.compile(r"(?=[^/]{1,64}(/|$))[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*")
"""An item's name, as the schemas have it (an agent's with its folders)."""


@dataclass(slots=True)
class Fields:
    """Field checks for one pack: the files being read and the targets it may name."""

    files: Files
    targets: Registered

    def report(self, doc: Doc, path: Path_, message: str, **kw: bool) -> None:
        self.files.report(doc, path, message, **kw)

    def name(self, doc: Doc, expected: str, what: str) -> None:
        if any(reserved_name(part) for part in expected.split("/")):
            where = ("name",) if "name" in doc.data else ()
            self.report(
                doc,
                where,
                f"{expected!r} is a name Windows reserves for a device; "
                "files named so cannot be created there, choose another name",
            )
        name = doc.data.get("name")
        if name is None and not _NAME.fullmatch(expected):  # the file's name is the item's
            plain = unicodedata.normalize("NFKD", expected.lower())  # Ünï: u-ni
            suggested = "-".join(re.sub(r"[^a-z0-9]+", " ", plain).split())
            self.report(
                doc,
                (),
                f"the {what} {expected!r} cannot name it: use lowercase letters, digits and "
                f"single hyphens, at most 64 (e.g. {suggested or 'my-item'!r}); rename the file",
            )
        if name is not None and name != expected:
            self.report(
                doc,
                ("name",),
                f"the name {name!r} differs from the {what} {expected!r}; rename one so they match",
            )

    def target_names(self, doc: Doc, path: Path_, names: list[str]) -> None:
        for i, target in enumerate(names):
            if target not in self.targets.known():
                self.report(doc, (*path, i), self.unknown_target(target))

    def unknown_target(self, target: str) -> str:
        known = sorted(self.targets.known())
        hint = did_you_mean(target, known)
        return f"unknown target {target!r}{hint}; known targets: {', '.join(known)}"

    def model_ids(
        self,
        doc: Doc,
        path: Path_,
        ids: Mapping[str, str],
        table: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """A map of target -> model id: known targets, ids each target can use; an id a
        letter or two away from one the alias ``table`` has for the target is a warning
        (``sonnett``: the tools take any text, and fail only when the agent runs)."""
        for target, model_id in ids.items():
            if target not in self.targets.known():
                self.report(doc, (*path, target), self.unknown_target(target), key=True)
                continue
            problem = self.targets.get(target).model_problem(model_id)
            known = {found[target] for found in (table or {}).values() if target in found}
            close = None if problem else near_miss(model_id, known)
            if problem:
                self.report(doc, (*path, target), problem)
            elif close:
                message = f"{model_id!r} is not a model id agentpack knows for {target}"
                self.report(
                    doc, (*path, target), f"{message} (did you mean {close!r}?)", warning=True
                )

    def model_ref(self, doc: Doc, table: Mapping[str, Mapping[str, str]]) -> ModelRef | None:
        raw = doc.data.get("model")
        if raw is None:
            return None
        if isinstance(raw, str):
            if raw not in table:
                hint = did_you_mean(raw, table)
                self.report(
                    doc,
                    ("model",),
                    f"unknown model alias {raw!r}{hint}; use one of "
                    f"{', '.join(sorted(table))}, define it under models: in "
                    f"{MANIFEST}, or give a map of target: model-id",
                )
            return ModelRef(alias=raw)
        self.model_ids(doc, ("model",), raw, table)
        return ModelRef(per_target=MappingProxyType(dict(sorted(raw.items()))))

    def grants(self, doc: Doc) -> tuple[Grant, ...]:
        out = []
        for i, entry in enumerate(doc.data.get("allowed_tools", [])):
            if entry.startswith("bash(") and entry.endswith(")"):
                pattern = entry[5:-1]
                problem = pattern_problem(pattern)
                if problem:
                    self.report(doc, ("allowed_tools", i), problem)
                out.append(Grant("bash", pattern))
            else:
                out.append(Grant(normalize_tool_id(entry)))
        return tuple(out)

    def blocks(self, doc: Doc, kind: str) -> Mapping[str, Mapping[str, Any]]:
        """The target blocks, checked: a field a target's schema does not name passes
        through; say so, in case of a typo."""
        blocks = {}
        core = schema.core(kind)["properties"]
        # the schema passed: every other field is the block of a registered target
        for target, block in doc.data.items():
            if target in core or not isinstance(block, dict):
                continue
            known = self.files.schemas.block_fields(kind, target)
            found = self.targets.get(target)
            policy, own = found.policy_keys.get(kind, frozenset()), found.own_policy
            written = found.written_keys.get(kind, frozenset())
            for key in block:
                entries = block[key] if isinstance(block[key], dict) else {None: None}
                if key in written:
                    self.report(
                        doc,
                        (target, key),
                        f"{target} writes {key} from the {kind}'s own fields, so that every "
                        f"tool names, describes and runs it alike; set it there, not in {target}:",
                        key=True,
                    )
                elif key in policy and not (key in own and own[key].issuperset(entries)):
                    where = "tools:" if kind == "agent" else "allowed_tools:"
                    self.report(
                        doc,
                        (target, key),
                        f"{target}'s {key} comes only from the {kind}'s {where} field, so "
                        "that no tool gets more than the pack grants; set it there, not in "
                        f"{target}:",
                        key=True,
                    )
                elif key not in known:
                    hint = did_you_mean(key, known)
                    self.report(
                        doc,
                        (target, key),
                        f"{key!r} is not a field agentpack knows for {target}{hint}; it is "
                        f"written into {target}'s file as it is, over any value agentpack "
                        "writes there",
                        warning=True,
                        key=True,
                    )
            self._no_secrets(doc, target, block)
            blocks[target] = MappingProxyType(dict(block))
        return MappingProxyType(dict(sorted(blocks.items())))

    def _no_secrets(self, doc: Doc, target: str, block: Mapping[str, Any]) -> None:
        """A block is written into its target's files as it is: a credential in it (an
        ``env`` of a token, say) is an error at it."""
        pending: list[tuple[tuple[str | int, ...], Any]] = [((target,), block)]
        while pending:
            where, value = pending.pop()
            if isinstance(value, dict):
                pending += [((*where, str(k)), v) for k, v in value.items()]
            elif isinstance(value, list):
                pending += [((*where, i), v) for i, v in enumerate(value)]
            elif isinstance(value, str) and (problem := credential(str(where[-1]), value)):
                self.report(
                    doc,
                    where,
                    f"this value must not be written in the pack: {problem}; it would be "
                    f"written into {target}'s files as it is; leave it to the user's settings",
                )

    def policy(self, doc: Doc) -> Policy | None:
        raw = doc.data.get("tools")
        if raw is None:
            return None
        seen: dict[str, str] = {}
        for decision in ("allow", "ask", "deny"):
            for i, tool in enumerate(raw.get(decision, [])):
                key = normalize_tool_id(tool)
                if key in seen:
                    self.report(
                        doc,
                        ("tools", decision, i),
                        f"{tool!r} is also in tools.{seen[key]}; name each tool in one list only",
                    )
                seen.setdefault(key, decision)
        patterns = raw.get("bash", {})
        for pattern in patterns:
            problem = pattern_problem(pattern)
            if problem:
                self.report(doc, ("tools", "bash", pattern), problem, key=True)
        if "*" in patterns and "bash" in seen:
            self.report(
                doc,
                ("tools", "bash", "*"),
                f"bash is in tools.{seen['bash']} and has a '*' pattern; both say what "
                "unmatched commands get, keep one",
                key=True,
            )
        default = raw.get("default")
        return Policy.build(
            Decision.parse(default) if default else None,
            raw.get("allow"),
            raw.get("ask", ()),
            raw.get("deny", ()),
            {p: Decision.parse(d) for p, d in patterns.items()},
        )


_UNVERSIONED = re.compile(r"[-.@]?\d+")
"""A model id's version numbers (``-4-1``, ``5.5``), which tell two models apart."""


def near_miss(word: str, known: Collection[str]) -> str | None:
    """The known id ``word`` is most likely a misspelling of: one or two letters away, not
    a version of it (``claude-sonnet-4-6`` is no misspelling of ``claude-sonnet-4-5``)."""
    if not known or word in known:
        return None
    import difflib

    for found in difflib.get_close_matches(word, list(known), n=3, cutoff=0.85):
        versions = _UNVERSIONED.sub("", found) == _UNVERSIONED.sub("", word)
        edits = difflib.SequenceMatcher(None, word, found, autojunk=False).get_opcodes()
        changed = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in edits if op != "equal")
        if changed <= 2 and not versions:  # not another model: claude-opus-4-5, claude-haiku-4-5
            return found
    return None
