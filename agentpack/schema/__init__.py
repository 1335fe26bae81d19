"""The JSON Schemas of pack files: the core's, with each registered target's block composed in.

A file kind's schema is the core one (``core/<kind>.json``) plus, for every registered target,
its ``<name>:`` block (``Target.blocks``) and its line in the per-target model map, so that a
third-party target's fields are validated like a built-in's. Validators are compiled once per
process; the composition with the built-in targets is also compiled ahead of time
(``agentpack/_validators``, by ``python -m agentpack.api.schemas``, which also writes the
composed schemas into the repository's ``schemas/`` for editors), and used while it still matches.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from agentpack.errors import Finding
from agentpack.schema.messages import findings
from agentpack.yamldoc import Located

if TYPE_CHECKING:  # jsonschema takes ~80 ms to import: only an invalid file needs it
    from jsonschema import Draft202012Validator

KINDS: tuple[str, ...] = ("manifest", "agent", "command", "skill", "server", "hook")

_HERE = Path(__file__).resolve().parent
_PACKAGE = _HERE.parent


class _Blocked(Protocol):
    """What composition needs of a target."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def model_help(self) -> str: ...
    @property
    def by_default(self) -> bool: ...

    def blocks(self) -> Any: ...


@cache
def core(kind: str) -> dict[str, Any]:
    with (_HERE / "core" / f"{kind}.json").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def compose(kind: str, targets: Sequence[_Blocked]) -> dict[str, Any]:
    """The schema of one file kind with every target's block and model line."""
    document = copy.deepcopy(core(kind))
    props = document["properties"]
    names = [t.name for t in targets]
    if "targets" in props:
        props["targets"]["items"]["examples"] = names
    if kind in ("agent", "command"):
        per_target = props["model"]["oneOf"][1]
        per_target["properties"] = {t.name: _model_line(t) for t in targets}
    if kind == "manifest":
        props["models"]["additionalProperties"]["properties"] = {
            t.name: _model_line(t) for t in targets
        }
        props["targets"]["default"] = [t.name for t in targets if t.by_default]
    for target in targets:
        block = target.blocks().get(kind)
        if block is not None:
            props[target.name] = copy.deepcopy(block)
    return document


def _model_line(target: _Blocked) -> dict[str, str]:
    return {"description": f"{target.title} model: {target.model_help}.", "type": "string"}


def text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(text(document).encode("utf-8")).hexdigest()


class Schemas:
    """The composed schemas for one set of targets, each compiled once."""

    def __init__(self, targets: Sequence[_Blocked]) -> None:
        self.targets = list(targets)
        self._documents: dict[str, dict[str, Any]] = {}
        self._fast: dict[str, Callable[[Any], Any]] = {}
        self._full: dict[str, Draft202012Validator] = {}

    def document(self, kind: str) -> dict[str, Any]:
        if kind not in self._documents:
            self._documents[kind] = compose(kind, self.targets)
        return self._documents[kind]

    def validator(self, kind: str) -> Draft202012Validator:
        if kind not in self._full:
            from jsonschema import Draft202012Validator

            self._full[kind] = Draft202012Validator(self.document(kind))
        return self._full[kind]

    def fast(self, kind: str) -> Callable[[Any], Any]:
        """fastjsonschema's compiled form: about 7x faster than jsonschema on valid files
        (bench/README.md); it only says yes or no. Ahead of time when it still matches."""
        if kind not in self._fast:
            document = self.document(kind)
            try:
                module = importlib.import_module(f"agentpack._validators.{kind}")
            except ImportError:
                module = None
            if module is not None and _digest(document) == module.SCHEMA_SHA256:
                self._fast[kind] = module.validate
            else:
                import fastjsonschema

                self._fast[kind] = fastjsonschema.compile(document)
        return self._fast[kind]

    def is_valid(self, kind: str, data: Any) -> bool:
        """The fast answer; when it says no (or cannot tell), jsonschema decides."""
        try:
            self.fast(kind)(data)
            return True
        except Exception:  # JsonSchemaValueException, or a value it cannot handle (dates)
            return self.validator(kind).is_valid(data)

    def check(self, kind: str, doc: Located, path: str) -> list[Finding]:
        """Every schema error in ``doc`` as a Finding, sorted by position."""
        if self.is_valid(kind, doc.data):
            return []
        return findings(self.validator(kind).iter_errors(doc.data), doc, path)

    def block_fields(self, kind: str, target: str) -> list[str]:
        """The fields a ``<target>:`` block of a file kind is known to take."""
        block = self.document(kind)["properties"].get(target, {})
        return list(block.get("properties", {}))


_RAISES = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException"


def compiled_source(kind: str, document: dict[str, Any]) -> str:
    """The text of ``agentpack/_validators/<kind>.py``."""
    import fastjsonschema

    code = fastjsonschema.compile_to_code(document)
    entry = re.search(r"^def (\w+)\(", code, re.MULTILINE)
    if _RAISES not in code or entry is None:
        raise RuntimeError(f"fastjsonschema {fastjsonschema.VERSION} wrote code of another shape")
    code = code.replace(_RAISES, _RAISES.replace("fastjsonschema", "agentpack._validators"))
    return (
        f'"""{kind} schema (with the built-in targets) compiled by fastjsonschema '
        f"{fastjsonschema.VERSION}.\nGenerated by ``python -m agentpack.api.schemas``: "
        'do not edit."""\n'
        "# mypy: ignore-errors\n\n"
        f'SCHEMA_SHA256 = "{_digest(document)}"\n\n{code.strip()}\n\n\nvalidate = {entry[1]}\n'
    )


def generated(targets: Sequence[_Blocked]) -> dict[Path, str]:
    """Every file ``python -m agentpack.api.schemas`` writes, by path: the compiled validators
    and, in a source checkout, the composed schemas in ``schemas/``."""
    out: dict[Path, str] = {}
    for kind in KINDS:
        document = compose(kind, targets)
        out[_PACKAGE / "_validators" / f"{kind}.py"] = compiled_source(kind, document)
        out[_PACKAGE.parent / "schemas" / f"{kind}.schema.json"] = text(document)
    return out
