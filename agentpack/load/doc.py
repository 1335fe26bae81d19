"""One pack file being read, and the findings so far: where raw YAML dicts live.

Each file is read, split, parsed with a source map, checked against its schema and for
control characters; only then do the item loaders look at its fields. A finding is always
placed at the field it is about.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentpack.errors import Finding, Severity, field_name
from agentpack.schema import Schemas
from agentpack.source import SourceError, decode, read_bytes, split_frontmatter, within
from agentpack.yamldoc import Located, Path_, parse_yaml

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters other than tab and newline: no target format holds them safely."""
_ASCII_CONTROL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_CONTROL = re.compile(b"\xc2[\x80-\x9f]")
"""U+0080-U+009F in UTF-8."""


def has_control(text: str) -> bool:
    """Whether ``CONTROL`` matches: 4x as fast on every file of a pack, as bytes (delete
    the ASCII controls in C and compare lengths; the C1 ones are two-byte sequences after
    a 0xC2 that is rarely there at all)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _ASCII_CONTROL)) != len(data):
        return True
    return b"\xc2" in data and _C1_CONTROL.search(data) is not None


@dataclass(slots=True)
class Doc:
    """One parsed source file, kept for the findings that point into it."""

    rel: str
    loc: Located
    body: str = ""
    body_line: int = 1
    raw: str | None = None
    """The YAML text as written (None when not kept)."""

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.loc.data
        return data

    def body_pos(self, offset: int) -> tuple[int, int]:
        """(line, column) of a character of the body."""
        line = self.body_line + self.body.count("\n", 0, offset)
        return line, offset - (self.body.rfind("\n", 0, offset) + 1) + 1


@dataclass(slots=True)
class Files:
    """Reading a pack's files: the root, the schemas, the findings so far, and the source
    map of every file read (warnings found later, by the targets, are placed with it)."""

    root: Path
    schemas: Schemas
    findings: list[Finding] = field(default_factory=list)
    docs: dict[str, Located] = field(default_factory=dict)
    preread: dict[str, bytes] = field(default_factory=dict)
    """Files already read (to hash them), by pack-relative path: read once, not twice."""
    folders: dict[str, bool] = field(default_factory=dict)
    """Whether each folder read from is in the pack once links are followed."""

    def read(self, path: Path, rel: str) -> bytes:
        found = self.preread.pop(rel, None)
        if not self._inside(path):
            # a pack's file is copied into every target's folder: not one from elsewhere
            raise SourceError(
                1, 1, "-", "this symlink points outside the pack; copy the file in instead"
            )
        return read_bytes(path)[0] if found is None else found

    def _inside(self, path: Path) -> bool:
        """Whether ``path`` is in the pack once links are followed, its own and any folder's
        on the way (``agents -> /elsewhere``); each folder is checked once."""
        parent = os.path.dirname(path)
        inside = self.folders.get(parent)
        if inside is None:
            inside = self.folders[parent] = within(Path(parent), self.root)
        return inside and (not os.path.islink(path) or within(path, self.root))

    def report(
        self, doc: Doc, path: Path_, message: str, *, warning: bool = False, key: bool = False
    ) -> None:
        """A finding about one field of a parsed file, placed at that field."""
        line, col = doc.loc.pos(path, key=key)
        self.report_at(doc.rel, (line, col), message, warning=warning, field=field_name(path))

    def report_at(
        self,
        rel: str,
        pos: tuple[int, int],
        message: str,
        *,
        warning: bool = False,
        field: str = "-",
    ) -> None:
        severity = Severity.WARNING if warning else Severity.ERROR
        self.findings.append(Finding(rel, pos[0], pos[1], severity, field, message))

    def source_error(self, rel: str, exc: SourceError) -> None:
        self.findings.append(
            Finding(rel, exc.line, exc.col, Severity.ERROR, exc.field, exc.message)
        )

    def rel(self, path: Path) -> str:
        # every path here was built by joining onto root: cutting the prefix is enough, and
        # Path.relative_to costs a quarter of a second per 10,000 files
        text, prefix = path.as_posix(), self.root.as_posix().rstrip("/") + "/"
        return (
            text[len(prefix) :]
            if text.startswith(prefix)
            else path.relative_to(self.root).as_posix()
        )

    def located(self, rel: str) -> Located | None:
        """The source map of a pack's markdown file, read again when this export took the
        item from the cache (only for a finding across items, which is rare); None when
        it cannot be read."""
        if rel in self.docs:
            return self.docs[rel]
        try:
            split = split_frontmatter(decode(read_bytes(self.root / rel)[0]))
            if split.frontmatter is None:
                return None
            return parse_yaml(split.frontmatter, split.fm_line - 1)
        except (OSError, SourceError):
            return None

    def yaml(self, path: Path, rel: str) -> Doc | None:
        """A whole-file YAML document (the manifest)."""
        try:
            loc = parse_yaml(decode(self.read(path, rel)))
        except SourceError as exc:
            self.source_error(rel, exc)
            return None
        self.docs[rel] = loc
        return Doc(rel, loc)

    def markdown(self, path: Path, kind: str) -> Doc | None:
        """A markdown file with frontmatter, checked against the schema of ``kind``."""
        rel = self.rel(path)
        try:
            text = decode(self.read(path, rel))
            split = split_frontmatter(text)
            if split.frontmatter is None:
                what = "the file is empty" if not text.strip() else "the file has no frontmatter"
                raise SourceError(
                    1, 1, "-", f"{what}; start it with '---', the {kind}'s fields, and '---'"
                )
            loc = parse_yaml(split.frontmatter, split.fm_line - 1)
        except SourceError as exc:
            self.source_error(rel, exc)
            return None
        loc.origin = (split.fm_line, 1)
        self.docs[rel] = loc
        doc = Doc(rel, loc, split.body, split.body_line, split.frontmatter)
        return doc if self.checked(doc, kind) else None

    def checked(self, doc: Doc, kind: str) -> bool:
        data = doc.loc.data
        if data is None or data == {}:
            needs = _NEEDS.get(kind, "name and description")
            self.report_at(doc.rel, doc.loc.origin, f"the {kind} has no fields; add {needs}")
            return False
        if not isinstance(data, dict):
            shape = "a list" if isinstance(data, list) else "a single value"
            what = "the frontmatter" if doc.rel.endswith(".md") else "the file"
            self.report_at(
                doc.rel,
                doc.loc.origin,
                f"{what} is {shape}; it must be a mapping of fields such as 'name: ...'",
            )
            return False
        problems = self.schemas.check(kind, doc.loc, doc.rel)
        self.findings.extend(problems)
        if problems:
            return False
        return self.check_text(doc)

    def check_text(self, doc: Doc) -> bool:
        """No control characters in any text, frontmatter or body."""
        clean = True
        # a control character can only reach a value literally or through a YAML escape
        raw = doc.raw
        strings = _strings(doc.data, ()) if raw is None or "\\" in raw or has_control(raw) else []
        for path, value in strings:
            match = CONTROL.search(value)
            if match:
                clean = False
                self.report(
                    doc,
                    path,
                    f"contains the control character U+{ord(match.group()):04X}; remove it "
                    "(no target format holds it safely)",
                )
        match = CONTROL.search(doc.body) if has_control(doc.body) else None
        if match:
            clean = False
            self.report_at(
                doc.rel,
                doc.body_pos(match.start()),
                f"the body contains the control character U+{ord(match.group()):04X}; remove it",
            )
        return clean


def _strings(value: Any, path: Path_) -> list[tuple[Path_, str]]:
    """Every string in parsed YAML, keys included, with its data path."""
    if isinstance(value, str):
        return [(path, value)]
    out: list[tuple[Path_, str]] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _strings(key, (*path, key)) + _strings(sub, (*path, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _strings(sub, (*path, i))
    return out


def note_position(loc: Located, field_: str) -> tuple[int, int]:
    """The place of the field a note names (``tools.webfetch`` is where the source names
    webfetch: an entry of ``tools.ask``, say); the nearest place there is. ``-`` (the item
    as a whole) is where its frontmatter starts."""
    if field_ == "-":
        return loc.origin
    head, _, rest = field_.partition(".")
    path: tuple[str | int, ...] = (head, rest) if rest else (head,)
    tools = loc.data.get("tools") if isinstance(loc.data, dict) and head == "tools" else None
    if isinstance(tools, dict) and rest:
        path = ("tools", "default") if "default" in tools else ("tools",)
        for decision in ("allow", "ask", "deny"):
            entries = tools.get(decision) or []
            if rest in entries:
                path = ("tools", decision, entries.index(rest))
        if rest == "bash" and "bash" in tools:
            path = ("tools", "bash")
    return loc.pos(path, key=True)


_NEEDS = {
    "command": "a description",
    "server": "command (a stdio server) or url (a remote one)",
    "hook": "event and run",
    "manifest": "name, version and description",
}
"""What each kind of file needs at least, for the error of one with no fields."""
