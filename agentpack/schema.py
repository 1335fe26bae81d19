"""The bundled JSON Schemas: where they live, one compiled validator each, friendly findings.

jsonschema's own messages ("'x' does not match '^[a-z0-9]+...'") tell a user nothing they can
act on, so each error kind is translated into one line that says what to write instead.
Validators are compiled once per process and asked for details only when a file is invalid.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentpack.errors import Finding, Severity
from agentpack.permissions import TOOLS
from agentpack.source import Located, field_name

if TYPE_CHECKING:  # jsonschema takes ~80 ms to import: only an invalid file needs it
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

KINDS: tuple[str, ...] = ("manifest", "agent", "command", "skill")

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A bundled folder: inside the wheel (``agentpack/_data``) or, from a source checkout,
    the repository root that the wheel build copies it from."""
    installed = _PACKAGE / "_data" / name
    return installed if installed.exists() else _PACKAGE.parent / name


def schema_path(kind: str) -> Path:
    return data_dir("schemas") / f"{kind}.schema.json"


@cache
def schema(kind: str) -> dict[str, Any]:
    with schema_path(kind).open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@cache
def validator(kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(kind))


@cache
def fast_validator(kind: str) -> Callable[[Any], Any]:
    """The same schema compiled to Python by fastjsonschema: about 7x faster than
    jsonschema on valid files (bench/README.md); it only says yes or no."""
    import fastjsonschema

    validate: Callable[[Any], Any] = fastjsonschema.compile(schema(kind))
    return validate


def is_valid(kind: str, data: Any) -> bool:
    """The fast answer; when it says no (or cannot tell), jsonschema decides."""
    try:
        fast_validator(kind)(data)
        return True
    except Exception:  # JsonSchemaValueException, or a value it cannot handle (dates)
        return validator(kind).is_valid(data)


def check(kind: str, doc: Located, path: str) -> list[Finding]:
    """Every schema error in ``doc`` as a Finding, sorted by position."""
    if is_valid(kind, doc.data):
        return []
    checker = validator(kind)
    findings = [_finding(error, doc, path) for error in _leaves(checker.iter_errors(doc.data))]
    return sorted(set(findings))


def _leaves(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """For oneOf/anyOf, report the branch that got furthest, not the whole alternative."""
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            typed = [e for e in error.context if e.validator != "type"]
            if len(typed) and all(e.validator == "enum" or e.validator == "pattern" for e in typed):
                yield error  # an enum-or-pattern choice: one message says it best
                continue
            deepest = max(
                error.context, key=lambda e: (len(e.absolute_path), e.validator != "type")
            )
            if len(deepest.absolute_path) > len(error.absolute_path) or typed:
                yield from _leaves([deepest])
                continue
        yield error


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "nothing",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing (null)"
    return f"a {type(value).__name__} ({value})"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_tool_slot(path: tuple[str | int, ...]) -> bool:
    return len(path) >= 2 and path[0] in ("tools", "allowed_tools") and isinstance(path[-1], int)


def _message(error: ValidationError) -> tuple[str, tuple[str | int, ...], bool]:  # noqa: C901
    """(message, data path, point at the key?) for one schema error."""
    path = tuple(error.absolute_path)
    value: Any = error.instance
    kind: Any = error.validator
    rule: Any = error.validator_value
    rules: Any = error.schema
    leaf = path[-1] if path else None
    if kind == "required":
        missing = [k for k in rule if k not in (value or {})]
        return f"missing required field {missing[0]!r}; add it", (*path, missing[0]), True
    if kind == "additionalProperties":
        allowed = list(rules.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        where = (*path, extra[0])
        hint = _suggest(extra[0], allowed) or (
            f"; allowed fields: {', '.join(allowed)}" if allowed else ""
        )
        return f"unknown field {extra[0]!r}{hint}", where, True
    if kind == "type":
        want = rule
        wants = [want] if isinstance(want, str) else list(want)
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wants)
        tip = (
            "; put it in quotes"
            if "string" in wants and not isinstance(value, (list, dict))
            else ""
        )
        return f"expected {words}, got {_describe(value)}{tip}", path, False
    if _is_tool_slot(path) and kind in ("anyOf", "pattern", "enum"):
        return (
            f"unknown tool id {value!r}{_suggest(str(value), TOOLS)}; use one of "
            f"{', '.join(TOOLS)}, mcp:<server> or mcp:<server>/<tool>"
            + (", or bash(<pattern>) in allowed_tools" if path[0] == "allowed_tools" else ""),
            path,
            False,
        )
    if kind == "enum" or (kind in ("anyOf", "oneOf") and isinstance(value, str)):
        choices = _choices(error)
        return (
            f"{value!r} is not allowed here{_suggest(str(value), choices)}; "
            f"use one of: {', '.join(map(str, choices))}",
            path,
            False,
        )
    if kind == "const":
        return f"{value!r} is not allowed here; use {rule!r}", path, False
    if kind in ("minLength", "pattern") and rule in (1, "\\S"):
        return "is empty; write some text", path, False
    if kind == "pattern":
        return _pattern_message(leaf, value, rule), path, False
    if kind == "maxLength":
        limit = rule
        return f"is {len(value)} characters long; the limit is {limit}", path, False
    if kind in ("minimum", "maximum"):
        word = "at least" if kind == "minimum" else "at most"
        return f"{value!r} is out of range; use {word} {rule}", path, False
    if kind == "uniqueItems":
        shown = [json.dumps(v, ensure_ascii=False) for v in value]
        dup = next((v for i, v in enumerate(shown) if v in shown[:i]), "?")
        return f"lists {dup} more than once; remove the repeats", path, False
    if kind in ("minProperties", "minItems"):
        return "is empty; fill it in or remove it", path, True
    if kind == "propertyNames":
        return f"the key {value!r} is not allowed here", path, True
    return error.message, path, False


def _choices(error: ValidationError) -> list[Any]:
    rule: Any = error.validator_value
    if error.validator == "enum":
        return list(rule)
    found: list[Any] = []
    for sub in error.context or ():
        sub_rule: Any = sub.validator_value
        if sub.validator == "enum":
            found.extend(sub_rule)
        elif sub.validator == "pattern" and "#" in str(sub_rule):
            found.append("#RRGGBB")
    return found or ["(see agentpack schema)"]


def _pattern_message(leaf: Any, value: Any, pattern: str) -> str:
    if "[a-z0-9]+(-[a-z0-9]+)*" in pattern:
        slug = "-".join("".join(c if c.isalnum() else " " for c in str(value).lower()).split())
        return (
            f"{value!r} is not a valid name; use lowercase letters, digits and single hyphens"
            + (f" (e.g. {slug!r})" if slug else "")
        )
    if pattern.startswith("^(0|[1-9]"):
        return f"{value!r} is not a semantic version; write e.g. '1.0.0'"
    if pattern.startswith("^https?://"):
        return f"{value!r} is not an http(s) URL"
    if "@" in pattern:
        return f"{value!r} is not an e-mail address"
    return f"{value!r} has the wrong form (expected to match {pattern})"


def _finding(error: ValidationError, doc: Located, path: str) -> Finding:
    message, data_path, at_key = _message(error)
    line, col = doc.pos(data_path, key=at_key)
    return Finding(path, line, col, Severity.ERROR, field_name(data_path), message)


def block_fields(kind: str, target: str) -> list[str]:
    """The fields a ``<target>:`` block of a file kind is known to take."""
    document = schema(kind)
    block = document.get("properties", {}).get(target, {})
    ref = block.get("$ref", "")
    if ref.startswith("#/$defs/"):
        block = document["$defs"][ref.removeprefix("#/$defs/")]
    return list(block.get("properties", {}))
