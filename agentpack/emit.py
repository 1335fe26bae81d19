"""Deterministic writers for the formats targets produce; all escaping lives here.

The YAML writer is ours, not PyYAML's dumper, for three reasons measured with the real
clients (DESIGN.md): Claude Code ends frontmatter at the first ``---`` it meets, even inside
a quoted value, so no value may contain three dashes in a row; the clients read YAML 1.2 while
PyYAML writes 1.1, so a plain scalar must read as the same string under both (``1e3``,
``yes``, ``0o17``, ``2025-01-01`` are quoted); and the output must be byte-identical on every
run. The writer only ever produces: plain scalars that every reader takes as the same string,
literal block scalars for multi-line text, and double-quoted scalars with escapes for the rest.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_resolver = Resolver()
_STR_TAG = "tag:yaml.org,2002:str"

# Scalars that YAML 1.2 (core schema) or 1.1 read as something other than a string.
_NOT_A_STRING = re.compile(
    r"""^(?:
        ~|null|Null|NULL
      |y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
      |[-+]?[0-9][0-9_,:.eExXoObBa-fA-F+-]*
      |[-+]?\.[0-9][0-9_eE+-]*
      |[-+]_[0-9_]*|[-+]?\._[0-9_]*  # ruamel's YAML 1.2 reads +_ and ._ as numbers
      |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
      |<<|=
    )$""",
    re.VERBOSE,
)
# Characters YAML allows unescaped (its "printable" set), less the line breaks that some
# readers treat as newlines (NEL, LS, PS) and the byte order mark.
# Written as the few characters outside it: the class of those inside takes milliseconds
# to compile at every start.
_NOT_PRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
_PLAIN_START = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`]")
_ESCAPES = {
    "\0": "\\0",
    "\x07": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def _printable(text: str) -> bool:
    return _NOT_PRINTABLE.search(text) is None


@functools.lru_cache(maxsize=4096)
def _plain_ok(text: str) -> bool:
    """True when ``text`` can stand unquoted and reads back as this same string everywhere.

    Cached: keys, tool names and permission patterns repeat in every file of a pack, and
    this check (with PyYAML's resolver) was the largest single cost of rendering."""
    if not text or not _PLAIN_START.match(text) or text != text.strip():
        return False
    if "\n" in text or "\t" in text or ": " in text or " #" in text or text.endswith(":"):
        return False
    if "---" in text or not _printable(text) or _NOT_A_STRING.match(text):
        return False
    tag: str = _resolver.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag == _STR_TAG


def _block_ok(text: str) -> bool:
    """True when ``text`` (multi-line) can be a literal block scalar and read back exactly."""
    if "---" in text or "\t" in text or "\r" in text or not _printable(text):
        return False
    lines = text.rstrip("\n").split("\n")
    if not lines[0] or lines[0][0] == " ":
        return False  # a leading space would need an indentation indicator
    return all(line == line.rstrip(" ") for line in lines)


_QUOTE_AS_IS = re.compile('[^"\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]*')
"""Text that goes between double quotes unchanged (the common case, checked in one pass)."""


def double_quoted(text: str) -> str:
    """A double-quoted YAML scalar that never contains ``---`` (Claude Code's frontmatter end)."""
    if "---" not in text and _QUOTE_AS_IS.fullmatch(text):
        return f'"{text}"'
    out: list[str] = []
    dashes = 0
    for char in text:
        if char == "-":
            dashes += 1
            out.append("\\x2d" if dashes == 3 else "-")
            if dashes == 3:
                dashes = 0
            continue
        dashes = 0
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif not _printable(char) or char == "\ufeff":
            code = ord(char)
            out.append(
                f"\\x{code:02x}"
                if code < 0x100
                else f"\\u{code:04x}"
                if code < 0x10000
                else f"\\U{code:08x}"
            )
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _literal(text: str, indent: str) -> str:
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    lines = body.split("\n") + [""] * (trailing - 1 if trailing > 1 else 0)
    rendered = "\n".join(f"{indent}{line}" if line else "" for line in lines)
    return f"|{chomp}\n{rendered}"


def scalar(value: Any, indent: str = "", *, block: bool = True) -> str:
    """One YAML scalar; ``indent`` is where a block scalar's lines go, ``block=False`` rules
    block scalars out (see ``frontmatter``)."""
    if type(value) is str:  # the common case first
        if _plain_ok(value):
            return value
        if block and "\n" in value.rstrip("\n") and _block_ok(value):
            return _literal(value, indent)
        return double_quoted(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write the number {value} to YAML")
        text = repr(value)
        return text if "." in text or "e" not in text else text.replace("e", ".0e", 1)
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} to YAML")
    return scalar(str(value), indent, block=block)  # a str subclass


def _key(key: str) -> str:
    return key if _plain_ok(key) else double_quoted(key)


def _lines(value: Any, indent: str, tail: bool = False) -> list[str]:
    """The lines of a mapping or sequence at ``indent``. ``tail``: this node ends the
    document, so its last scalar may not be a block scalar."""
    out: list[str] = []
    mapping = _is_mapping(value)
    items: list[tuple[Any, Any]] = list(value.items() if mapping else enumerate(value))
    last_n = len(items) - 1 if tail else -1
    for n, (key, item) in enumerate(items):
        last = n == last_n
        if mapping:
            out.extend(_entry(f"{indent}{_key(key)}:", item, indent, last))
        elif type(item) is not str and _is_container(item) and item:
            nested = _lines(item, indent + "  ", last)
            out.append(f"{indent}- {nested[0].lstrip()}")
            out.extend(nested[1:])
        else:
            out.append(f"{indent}- {_inline(item, indent + '  ', last)}")
    return out


_MAPPINGS = (dict, MappingProxyType)
_SEQUENCES = (list, tuple)


def _is_mapping(value: Any) -> bool:
    """``isinstance(value, Mapping)``, with the types the model uses checked first: the
    abstract check costs more than the rest of emitting a scalar."""
    return type(value) in _MAPPINGS or (
        type(value) not in _SEQUENCES and not isinstance(value, str) and isinstance(value, Mapping)
    )


def _is_container(value: Any) -> bool:
    return type(value) in _SEQUENCES or isinstance(value, _SEQUENCES) or _is_mapping(value)


def _inline(value: Any, indent: str, tail: bool = False) -> str:
    if type(value) is str:
        return scalar(value, indent, block=not tail)
    if _is_mapping(value):
        return "{}"
    if isinstance(value, (list, tuple)):
        return "[]"
    return scalar(value, indent, block=not tail)


def _entry(head: str, value: Any, indent: str, tail: bool) -> list[str]:
    if type(value) is not str and _is_container(value) and value:
        return [head, *_lines(value, indent + "  ", tail)]
    return [f"{head} {_inline(value, indent + '  ', tail)}"]


def yaml_mapping(fields: Mapping[str, Any]) -> str:
    """A YAML mapping in the given key order, one field per line (no trailing newline).

    As in ``frontmatter``, the last scalar is never a block scalar: with no line break
    after it, a reader would clip the final newline of its text."""
    return "\n".join(_lines(fields, "", tail=True))


def frontmatter(fields: Mapping[str, Any], body: str) -> str:
    """``---`` fenced YAML fields followed by the markdown body, as every target writes it.

    The last scalar is never a block scalar: a reader that drops the newline before the
    closing ``---`` (many do) would read ``|`` content without its final newline."""
    kept = {k: v for k, v in fields.items() if v is not None}
    head = "\n".join(_lines(kept, "", tail=True))
    return f"---\n{head}\n---\n{body}" if head else f"---\n---\n{body}"


def json_text(data: Any) -> str:
    """JSON with two-space indents, UTF-8 as is, and a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def inline_list(items: Sequence[str]) -> str:
    """A comma-separated list, the form Claude Code's docs use for tool lists."""
    return ", ".join(items)


# -- TOML ---------------------------------------------------------------------------------

_TOML_BARE = re.compile(r"[A-Za-z0-9_-]+")
_TOML_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"'}
_TOML_ESCAPES["\\"] = "\\\\"
_TOML_CONTROL = re.compile('[\\x00-\\x08\\x0a-\\x1f\\x7f"\\\\]')
_TOML_BLOCK_CONTROL = re.compile('[\\x00-\\x08\\x0b-\\x1f\\x7f"\\\\]')


def _toml_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _TOML_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def toml_string(text: str) -> str:
    """A TOML basic string: every quote, backslash and control character escaped."""
    return '"' + _TOML_CONTROL.sub(_toml_escape, text) + '"'


def toml_text(text: str) -> str:
    """Text that reads best on several lines (a prompt) as a multi-line basic string: every
    quote and backslash escaped, so that no run of quotes can end it early and no line can
    end in a continuation. One line stays a plain basic string."""
    if "\n" not in text:
        return toml_string(text)
    # the newline right after the opening quotes is not part of the value (TOML 1.0)
    return '"""\n' + _TOML_BLOCK_CONTROL.sub(_toml_escape, text) + '"""'


def _toml_key(key: str) -> str:
    return key if _TOML_BARE.fullmatch(key) else toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML has no {value}")
        return repr(value)
    if isinstance(value, str):
        return toml_text(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if _is_mapping(value):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def toml_document(fields: Mapping[str, Any]) -> str:
    """A TOML document in the given key order: values first, then one ``[table]`` per
    mapping (tables of tables by their dotted name), with a final newline."""
    lines: list[str] = []
    _toml_table(fields, (), lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def _toml_table(fields: Mapping[str, Any], name: tuple[str, ...], lines: list[str]) -> None:
    plain = {k: v for k, v in fields.items() if v is not None and not _is_mapping(v)}
    tables = {k: v for k, v in fields.items() if _is_mapping(v)}
    if name and (plain or not tables):
        lines.append("")
        lines.append("[" + ".".join(_toml_key(part) for part in name) + "]")
    lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in plain.items())
    for key, table in tables.items():
        _toml_table(table, (*name, key), lines)
