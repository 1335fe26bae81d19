"""A JSON file as text the user wrote: install adds members and array elements to it and
uninstall takes them out again, and every byte around them stays as it was: the user's
order, indentation, comments (JSON with comments, as opencode and VS Code read it) and
trailing commas.

No library edits JSON text this way (json and the JSON5 readers give values and lose the
text), so this module parses just enough to know where each member and element starts and
ends, and edits the text at those offsets. Adding and removing are exact inverses: an item
is added after the container's last item (or, in an empty container, right after its open
bracket), and removing it takes out exactly the text that adding put in, given the ``tail``
that adding returned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 200
_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)+", re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"')
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


class JsonTextError(ValueError):
    """The file is not JSON (with comments): where, and what was expected."""

    def __init__(self, text: str, at: int, expected: str) -> None:
        line, col = line_col(text, at)
        self.line, self.col, self.expected = line, col, f"expected {expected}"
        super().__init__(f"{line}:{col}: not JSON here: expected {expected}")


@dataclass(slots=True)
class Item:
    """A member of an object (``key`` set) or an element of an array, from the start of its
    key (or value) to the end of its value."""

    key: str | None
    start: int
    value: Node

    @property
    def end(self) -> int:
        return self.value.end


@dataclass(slots=True)
class Node:
    """A value's span; for an object or array, its items and where its brackets are."""

    kind: str  # "object", "array" or "scalar"
    start: int
    end: int
    items: list[Item] = field(default_factory=list)

    def member(self, key: str) -> Item | None:
        """The member named ``key`` (the last one, as JSON readers take duplicates)."""
        found = [i for i in self.items if i.key == key]
        return found[-1] if found else None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def space(self) -> None:
        match = _SPACE.match(self.text, self.at)
        if match:
            self.at = match.end()

    def expect(self, char: str) -> None:
        self.space()
        if not self.text.startswith(char, self.at):
            raise JsonTextError(self.text, self.at, repr(char))
        self.at += 1

    def value(self, depth: int) -> Node:
        self.space()
        if depth > MAX_DEPTH:
            raise JsonTextError(self.text, self.at, f"at most {MAX_DEPTH} levels of nesting")
        start, char = self.at, self.text[self.at : self.at + 1]
        if char in ("{", "["):
            return self.container(start, depth)
        match = (_STRING if char == '"' else _SCALAR).match(self.text, self.at)
        if not match:
            raise JsonTextError(self.text, self.at, "a value")
        self.at = match.end()
        return Node("scalar", start, self.at)

    def container(self, start: int, depth: int) -> Node:
        is_object = self.text[start] == "{"
        close = "}" if is_object else "]"
        node = Node("object" if is_object else "array", start, start)
        self.at += 1
        while True:
            self.space()
            if self.text.startswith(close, self.at):
                break
            if node.items:
                self.expect(",")
                self.space()
                if self.text.startswith(close, self.at):
                    break  # a trailing comma, as JSON with comments allows
            item_start, key = self.at, None
            if is_object:
                match = _STRING.match(self.text, self.at)
                if not match:
                    raise JsonTextError(self.text, self.at, "a member name in double quotes")
                key = json.loads(match[0])
                self.at = match.end()
                self.expect(":")
            node.items.append(Item(key, item_start, self.value(depth + 1)))
        self.at += 1
        node.end = self.at
        return node


def parse(text: str) -> Node:
    """The document's top value, with the span of everything in it."""
    parser = _Parser(text)
    node = parser.value(0)
    parser.space()
    if parser.at != len(text):
        raise JsonTextError(text, parser.at, "the end of the file")
    return node


def line_col(text: str, at: int) -> tuple[int, int]:
    """The line and column (from 1) of the character at offset ``at``."""
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def place(text: str, path: Sequence[str | int]) -> tuple[int, int]:
    """Where the member or element at ``path`` starts (a member at its name), or the
    deepest container on the way that has no such item: an error about a value's shape is
    then shown where the value is, not at 1:1."""
    try:
        node = parse(text)
    except JsonTextError:
        return 1, 1
    at = node.start
    for step in path:
        if node.kind == "object" and isinstance(step, str):
            item = node.member(step)
        elif node.kind == "array" and isinstance(step, int) and 0 <= step < len(node.items):
            item = node.items[step]
        else:
            item = None
        if item is None:
            break
        at, node = item.start, item.value
    return line_col(text, at)


def value(text: str, node: Node) -> Any:
    """The Python value of ``node`` (what ``json.loads`` would give for its text)."""
    if node.kind == "scalar":
        return json.loads(text[node.start : node.end])
    if node.kind == "array":
        return [value(text, i.value) for i in node.items]
    return {i.key: value(text, i.value) for i in node.items}


def _line_indent(text: str, at: int) -> str:
    begin = text.rfind("\n", 0, at) + 1
    lead = text[begin:at]
    return lead if lead.strip() == "" else re.match(r"[ \t]*", text[begin:])[0]  # type: ignore[index]


def unit(text: str) -> str:
    """The file's indentation step (its smallest indent; two spaces in a one-line file)."""
    found = [m[1] for m in re.finditer(r"\n([ \t]+)\S", text)]
    return min(found, key=len) if found else "  "


def render(data: Any, indent: str, step: str) -> str:
    """``data`` as JSON laid out like the file: ``step`` per level, from ``indent``."""
    return json.dumps(data, indent=step, ensure_ascii=False).replace("\n", "\n" + indent)


def add(text: str, container: Node, key: str | None, data: Any) -> tuple[str, str]:
    """``text`` with one item added at the end of ``container`` (a member ``key`` of an
    object, or an element of an array), and the tail that ``remove`` needs to take it out
    byte for byte."""
    step = unit(text)
    outer = _line_indent(text, container.start)
    if container.items:
        indent = _line_indent(text, container.items[-1].start)
        if text.rfind("\n", 0, container.items[-1].start) < container.start:
            indent = outer + step  # the last item shares a line with the bracket
    else:
        indent = outer + step
    head = "" if key is None else json.dumps(key, ensure_ascii=False) + ": "
    item = "\n" + indent + head + render(data, indent, step)
    if container.items:
        at = container.items[-1].end
        return text[:at] + "," + item + text[at:], ""
    at = container.start + 1
    tail = "" if "\n" in text[at : container.end - 1] else "\n" + outer
    return text[:at] + item + tail + text[at:], tail


def remove(text: str, container: Node, index: int, tail: str = "") -> str:
    """``text`` without the item at ``index``: the exact inverse of ``add`` when that item
    is still the last one; otherwise the item and one comma beside it."""
    items = container.items
    item = items[index]
    if index > 0:
        return text[: items[index - 1].end] + text[item.end :]
    if len(items) > 1:
        return text[: item.start] + text[items[1].start :]
    begin = container.start + 1
    end = item.end
    rest = text[end : container.end - 1]
    if tail and rest.startswith(tail) and rest[len(tail) :].strip(" \t,") == "":
        end += len(tail)
    elif rest.lstrip().startswith(","):
        end = end + rest.index(",") + 1
    lead = text[begin : item.start]
    keep = lead.rstrip(" \t\n") if lead.strip() else ""  # a comment before the item stays
    return text[:begin] + keep + text[end:]


def replace(text: str, node: Node, data: Any) -> str:
    """``text`` with ``node``'s value replaced by ``data``, laid out in place."""
    indent = _line_indent(text, node.start)
    return text[: node.start] + render(data, indent, unit(text)) + text[node.end :]
