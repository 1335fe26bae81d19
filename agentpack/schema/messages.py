"""jsonschema's errors as one line each that says what to write instead.

jsonschema's own messages ("'x' does not match '^[a-z0-9]+...'") tell a user nothing they can
act on, so each error kind is translated here, and placed at the field it is about.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from agentpack.errors import Finding, Severity, did_you_mean, field_name
from agentpack.permissions import OTHER_NAMES, TOOLS, is_tool_id, server_name
from agentpack.yamldoc import Located

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def findings(errors: Iterable[ValidationError], doc: Located, path: str) -> list[Finding]:
    """Every error as a Finding, deduplicated and sorted by position."""
    return sorted({_finding(error, doc, path) for error in _leaves(errors)})


def _leaves(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """For oneOf/anyOf, report the branch that got furthest, not the whole alternative."""
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            typed = [e for e in error.context if e.validator != "type"]
            choice = all(e.validator == "enum" or e.validator == "pattern" for e in typed)
            if typed and choice and not isinstance(error.instance, (dict, list)):
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
    return did_you_mean(word.lower(), choices)


def _tool_hint(word: str) -> str:
    """The canonical tool another tool's name stands for, else the nearest spelling."""
    other = OTHER_NAMES.get(word.lower().rpartition("/")[2])
    return f" (did you mean {other!r}?)" if other else _suggest(word, TOOLS)


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
    if kind == "type" and path == ("tools",) and isinstance(value, (str, list)):
        return _policy_hint(value), path, False
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
        server, slash, rest = str(value)[4:].partition("/")
        fixed = f"mcp:{server_name(server)}{slash}{server_name(rest) if rest != '*' else rest}"
        if str(value).startswith("mcp:") and server[:1].isalnum() and is_tool_id(fixed):
            named = fixed.removeprefix("mcp:").replace("/", "_") if rest else f"{fixed[4:]}_..."
            return (
                f"{value!r}: Claude Code and opencode spell it {named}, turning each character "
                f"but letters, digits, '-' and '_' into '_', so this rule would match nothing; "
                f"write {fixed}",
                path,
                False,
            )
        return (
            f"unknown tool id {value!r}{_tool_hint(str(value))}; use one of "
            f"{', '.join(TOOLS)}, mcp:<server> or mcp:<server>/<tool>"
            + (", or bash(<pattern>) in allowed_tools" if path[0] == "allowed_tools" else ""),
            path,
            False,
        )
    if kind == "enum" or (kind in ("anyOf", "oneOf") and isinstance(value, str)):
        choices = _choices(error)
        key = "propertyNames" in error.absolute_schema_path  # a key of a mapping: at it
        return (
            f"{value!r} is not allowed here{_suggest(str(value), choices)}; "
            f"use one of: {', '.join(map(str, choices))}",
            (*path, value) if key else path,
            key,
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
    if kind == "not" and isinstance(rules.get("description"), str):
        return f"{value!r} is not allowed here; {rules['description']}", (*path, value), True
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
        plain = unicodedata.normalize("NFKD", str(value).lower())  # café: cafe
        slug = "-".join("".join(c if c.isascii() and c.isalnum() else " " for c in plain).split())
        return (
            f"{value!r} is not a valid name; use lowercase letters, digits and single hyphens"
            + (f" (e.g. {slug!r})" if slug else "")
        )
    if pattern.startswith("^(0|[1-9]"):
        return f"{value!r} is not a semantic version; write e.g. '1.0.0'"
    if pattern.startswith("^(https?://|"):
        return (
            f"{value!r} is not an http(s) URL; write one that begins with https:// or "
            "http://, or with a ${VAR} that holds one"
        )
    if pattern.startswith("^https?://"):
        return f"{value!r} is not an http(s) URL; write one that begins with https:// or http://"
    if "@" in pattern:
        return f"{value!r} is not an e-mail address; write one such as name@example.com"
    if pattern.endswith("\\.png$"):  # a plugin's icon
        return f"{value!r} is not the path of a .png file in the pack; give one"
    chars = _CHARACTERS.fullmatch(pattern)
    if chars:
        first = "" if chars[2] is None else f", and begin with {_said(chars[1], 'or')}"
        allowed = _said(chars[2] if chars[2] is not None else chars[1], "and")
        return (
            f"{value!r} may hold only {allowed}{first}, since tools read it in a shell or as "
            "a name; change it"
        )
    return f"{value!r} has the wrong form (expected to match {pattern})"


_CHARACTERS = re.compile(r"\^\[([^\]]+)\](?:\[([^\]]+)\]\*|\+)\$")
"""A pattern of plain characters (``^[A-Za-z0-9_.+-]+$``, ``^[A-Za-z_][A-Za-z0-9_]*$``)."""


def _said(characters: str, last: str) -> str:
    """A regular expression's class of characters in words (``A-Za-z0-9_-``: letters,
    digits, _ and -)."""
    words = []
    for span, word in (("A-Za-z", "letters"), ("a-z", "lowercase letters"), ("A-Z", "capitals")):
        if span in characters:
            words.append(word)
            characters = characters.replace(span, "")
    if "0-9" in characters:
        words.append("digits")
        characters = characters.replace("0-9", "")
    rest = characters.replace("\\", "")
    return ", ".join(words) + (f" {last} " + " ".join(rest) if rest else "")


def _finding(error: ValidationError, doc: Located, path: str) -> Finding:
    message, data_path, at_key = _message(error)
    line, col = doc.pos(data_path, key=at_key)
    return Finding(path, line, col, Severity.ERROR, field_name(data_path), message)


def _policy_hint(value: str | list[Any]) -> str:
    """A tool list where a policy belongs (Claude Code's ``tools: Read, Grep``): show the
    canonical form of the same list."""
    names = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    ids = [n.strip().split("(")[0].lower() for n in names if n.strip()]
    known = [i for i in dict.fromkeys(ids) if i in TOOLS] or ["read", "grep"]
    shown = "a list" if isinstance(value, list) else "text"
    return (
        f"expected a mapping of fields, got {shown}; tools is a policy: write "
        f"tools: {{allow: [{', '.join(known)}]}} (canonical tool ids; 'agentpack import' "
        "reads a tool's own tools line)"
    )
