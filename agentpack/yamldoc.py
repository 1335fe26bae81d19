"""YAML text -> data with the (line, column) of every key and value.

YAML is parsed from the libyaml *event stream* and built here without recursion, because
PyYAML's composer recurses (a file of 100,000 nested ``[`` crashes the interpreter) and
expands aliases into exponential trees. Building it ourselves gives three things at once:
a depth limit, an alias-expansion budget, and the (line, column) of every key and value,
which every message needs.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from agentpack.errors import field_name
from agentpack.source import SourceError
from agentpack.yamlhints import hint

_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)
"""None when PyYAML was built without libyaml: then the pure-Python parser, same events."""

MAX_NODES = 100_000
"""Values in one YAML document after alias expansion (stops "billion laughs")."""
MAX_DEPTH = 64
"""Nesting of YAML collections."""

Path_ = tuple[str | int, ...]
Pos = tuple[int, int]


@dataclass(slots=True)
class Located:
    """YAML data with the position of each key and value, by data path.

    The common document is read in one pass that notes where each key and list entry
    stands (``places``); the position of every value is worked out on first use
    (``pending`` holds the text and its line offset until then): most files load without
    a finding about a value, and mapping every value of every file cost a third of the
    YAML time of a large pack."""

    data: Any
    keys: dict[Path_, Pos] = field(default_factory=dict)
    values: dict[Path_, Pos] = field(default_factory=dict)
    origin: Pos = (1, 1)
    pending: tuple[str, int] | None = None
    places: dict[Path_, Pos] = field(default_factory=dict)
    """Keys and list entries, from the first pass (empty once ``keys`` is mapped)."""

    def mapped(self) -> Located:
        """This, with the position of every key and value worked out."""
        if self.pending is not None:
            text, offset = self.pending
            full = _Builder(offset).feed(_events(text))
            self.keys, self.values, self.pending = full.keys, full.values, None
        return self

    def pos(self, path: Path_, *, key: bool = False) -> Pos:
        """The best position for a message about ``path``: the key, else the value,
        else the nearest ancestor that has one."""
        if key and path in self.places:
            return self.places[path]
        self.mapped()
        for n in range(len(path), -1, -1):
            sub = path[:n]
            table = (self.keys, self.values) if key or n < len(path) else (self.values, self.keys)
            for t in table:
                if sub in t:
                    return t[sub]
        return self.origin


_constructor = SafeConstructor()
_resolver = Resolver()
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_TYPED_START = frozenset(Resolver.yaml_implicit_resolvers)
"""The first characters of the plain scalars that may have a type of their own (a number,
a bool, null...); the resolver tries its patterns on those only, and None would mean
patterns for every scalar."""


def _scalar(event: Any) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        value = event.value
        if not event.implicit[0] or (value[:1] not in _TYPED_START and None not in _TYPED_START):
            return value  # quoted, or plain text no type starts like: the resolver's own rule
        tag = _resolver.resolve(ScalarNode, value, event.implicit)  # type: ignore[no-untyped-call]
    if tag == _STR:
        return event.value
    node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        constructor = _constructor.yaml_constructors.get(tag)
        if constructor is None:
            raise ConstructorError(
                None, None, f"the tag {tag!r} is not supported", event.start_mark
            )
        return constructor(_constructor, node)
    except (ValueError, TypeError, OverflowError) as exc:
        message = f"cannot read {event.value!r}: {exc}"
        raise ConstructorError(None, None, message, event.start_mark) from exc


@dataclass(slots=True)
class _Frame:
    """One open mapping or sequence while events are built into data."""

    obj: Any
    path: Path_
    anchor: str | None
    size: int = 1
    key: Any = None
    has_key: bool = False
    key_pos: Pos = (0, 0)


class _Builder:
    def __init__(self, line_offset: int) -> None:
        self.offset = line_offset
        self.out = Located(None)
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.count = 0
        self.done = False

    def pos(self, mark: Any) -> Pos:
        return (mark.line + 1 + self.offset, mark.column + 1)

    def fail(self, mark: Any, path: Path_, message: str) -> SourceError:
        line, col = self.pos(mark)
        return SourceError(line, col, field_name(path), message)

    def add(self, value: Any, size: int, mark: Any, *, container: bool) -> Path_:
        self.count += size
        if self.count > MAX_NODES:
            raise self.fail(
                mark,
                (),
                f"the YAML expands to more than {MAX_NODES:,} values (alias bomb?); "
                "write the values out or shorten the file",
            )
        if not self.stack:
            if self.done:
                raise self.fail(mark, (), "more than one YAML document; keep one")
            self.out.data, self.done = value, True
            self.out.values[()] = self.out.origin = self.pos(mark)
            return ()
        top = self.stack[-1]
        top.size += size
        if isinstance(top.obj, list):
            path = (*top.path, len(top.obj))
            top.obj.append(value)
        elif not top.has_key:
            if container or not isinstance(value, str):
                shown = "a list or mapping" if container else f"the value {value}"
                raise self.fail(
                    mark, top.path, f"{shown} is used as a key; keys must be text, quote it"
                )
            if value in top.obj:
                raise self.fail(
                    mark,
                    (*top.path, value),
                    f"duplicate key {value!r}; each key may appear once, remove one",
                )
            top.key, top.has_key, top.key_pos = value, True, self.pos(mark)
            return top.path
        else:
            path = (*top.path, top.key)
            top.obj[top.key] = value
            self.out.keys[path] = top.key_pos
            top.has_key = False
        self.out.values[path] = self.pos(mark)
        return path

    def start(self, obj: Any, event: Any) -> None:
        if event.tag not in (None, "!", _MAP, _SEQ):
            raise self.fail(event.start_mark, (), f"the tag {event.tag!r} is not supported")
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(
                event.start_mark, (), f"YAML nested deeper than {MAX_DEPTH} levels; flatten it"
            )
        path = self.add(obj, 1, event.start_mark, container=True)
        self.stack.append(_Frame(obj, path, event.anchor))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.obj, frame.size)

    def alias(self, event: yaml.AliasEvent) -> None:
        if event.anchor not in self.anchors:
            if any(f.anchor == event.anchor for f in self.stack):
                raise self.fail(event.start_mark, (), "an alias refers to itself; remove it")
            raise self.fail(event.start_mark, (), f"unknown alias *{event.anchor}")
        value, size = self.anchors[event.anchor]
        self.add(value, size, event.start_mark, container=isinstance(value, (list, dict)))

    def feed(self, events: Iterator[Any]) -> Located:
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                value = _scalar(event)
                self.add(value, 1, event.start_mark, container=False)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
            elif kind is yaml.MappingStartEvent:
                self.start({}, event)
            elif kind is yaml.SequenceStartEvent:
                self.start([], event)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.end()
            elif kind is yaml.AliasEvent:
                self.alias(event)
        return self.out


def _events(text: str, *, pure: bool = False) -> Generator[Any, None, None]:
    """libyaml's events, straight from its parser when PyYAML was built with it: a full
    ``CSafeLoader`` sets up a constructor and a resolver per document that we never use
    (a sixth of the parse time of a large pack). ``pure``: PyYAML's own parser, the same
    events, with no nesting limit of its own."""
    if _CParser is None or pure:
        yield from yaml.parse(text, Loader=yaml.SafeLoader)
        return
    parser = _CParser(text)
    try:
        while (event := parser.get_event()) is not None:
            yield event
    finally:
        parser.dispose()


class _Fallback(Exception):
    """The quick builder met what only the full one handles (or reports)."""


_NO_KEY = object()


def _quick(events: Iterator[Any], line_offset: int) -> Located:
    """The data, the root's position and the place of every key and list entry of the
    common document: no anchor, alias or explicit tag, text keys met once, within the
    depth and size limits. Anything else raises ``_Fallback`` and the full builder, which
    knows every rule, takes over."""
    out = Located(None)
    places = out.places
    stack: list[Any] = []
    keys: list[Any] = []
    at: list[str | int] = []  # the path of the open container
    count = 0
    for event in events:
        kind = type(event)
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
            keys.pop()
            if at:
                at.pop()
            continue
        made = _made(event, kind)
        if made is None:
            continue
        value, container = made
        count += 1
        if count > MAX_NODES:
            raise _Fallback
        mark = event.start_mark
        where = (mark.line + 1 + line_offset, mark.column + 1)
        if stack:
            step = _attach(stack[-1], keys, value, container, (at, places, where))
            if step is _NO_KEY:
                continue  # a key: its value comes next
            if container:
                at.append(step)
        elif count > 1:
            raise _Fallback  # a second document
        else:
            out.data, out.origin = value, where
        if container:
            if len(stack) >= MAX_DEPTH:
                raise _Fallback
            stack.append(value)
            keys.append(_NO_KEY)
    return out


def _made(event: Any, kind: type) -> tuple[Any, bool] | None:
    """The value an event starts (and whether it is a container), or None for the events
    that carry none (stream and document markers)."""
    if kind is yaml.ScalarEvent:
        if event.anchor is not None or event.tag not in (None, "!"):
            raise _Fallback
        return _scalar(event), False
    if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
        if event.anchor is not None or event.tag is not None:
            raise _Fallback
        return ({} if kind is yaml.MappingStartEvent else []), True
    if kind is yaml.AliasEvent:
        raise _Fallback
    return None


def _attach(
    top: Any,
    keys: list[Any],
    value: Any,
    container: bool,
    place: tuple[list[str | int], dict[Path_, Pos], Pos],
) -> Any:
    """Put ``value`` into the open container: its index or key there, or ``_NO_KEY`` when
    it is the mapping's next key (then in ``keys[-1]``). A list entry's and a key's
    ``place`` (the container's path, the table, the position) is noted."""
    at, places, where = place
    if type(top) is list:
        entry: Path_ = (*at, len(top))
        places[entry] = where
        top.append(value)
        return entry[-1]
    if keys[-1] is _NO_KEY:
        if container or type(value) is not str or value in top:
            raise _Fallback
        named: Path_ = (*at, value)
        places[named] = where
        keys[-1] = value
        return _NO_KEY
    step = keys[-1]
    top[step] = value
    keys[-1] = _NO_KEY
    return step


def parse_yaml(text: str, line_offset: int = 0) -> Located:
    """YAML text -> data + source map; line numbers are shifted by ``line_offset``."""
    try:
        try:
            return _parse(text, line_offset, pure=False)
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" not in str(exc.problem):
                raise
        # Some libyaml releases (PyYAML 6.0.4's) stop at a depth limit of their own while
        # scanning ahead, before our builder sees the level that breaks ours: read the
        # events again with PyYAML's own parser, so that our limit, position and message
        # apply whatever libyaml does.
        return _parse(text, line_offset, pure=True)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{problem} ({exc.context})"
        line, col = _line_col(text, mark.index) if mark else (1, 1)
        raise SourceError(
            line + line_offset, col, "-", f"invalid YAML: {problem}{hint(problem)}"
        ) from exc
    except yaml.reader.ReaderError as exc:  # a control character, placed by its offset
        at = exc.position  # libyaml's counts UTF-8 bytes, PyYAML's own characters
        if _CParser is not None:  # the one that read it first
            at = len(text.encode("utf-8")[:at].decode("utf-8", "ignore"))
        line, col = _line_col(text, at)
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        message = f"{char}, a control character, is not allowed in YAML; remove it"
        raise SourceError(line + line_offset, col, "-", message) from exc
    except yaml.YAMLError as exc:
        raise SourceError(1 + line_offset, 1, "-", f"invalid YAML: {exc}") from exc


def _line_col(text: str, index: int) -> tuple[int, int]:
    """Line and column of a character, counting lines as editors do (PyYAML also breaks
    them at U+2028 and U+0085, which would put every later line one further down)."""
    index = max(0, min(index, len(text)))
    start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - start + 1


def _parse(text: str, line_offset: int, *, pure: bool) -> Located:
    events: Iterator[Any]
    if _CParser is None or pure:
        events = _events(text, pure=True)
        close = events.close
    else:  # as _events, without a generator frame to resume per event
        parser = _CParser(text)
        events, close = iter(parser.get_event, None), parser.dispose
    try:
        out = _quick(events, line_offset)
        out.pending = (text, line_offset)
        return out
    except _Fallback:
        pass
    finally:
        close()
    return _Builder(line_offset).feed(_events(text, pure=pure))
