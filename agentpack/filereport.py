"""What import did with one native file, for its report and its errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentpack import jsontext
from agentpack.errors import Finding, Severity
from agentpack.source import decode_error, within


@dataclass(slots=True)
class FileReport:
    """What happened to one native file: ``mapped`` fields carried exactly, ``approximated``
    ones carried in a nearby or narrower form, ``dropped`` ones not carried at all."""

    source: str
    kind: str = ""
    name: str = ""
    mapped: list[str] = field(default_factory=list)
    approximated: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    json: str = ""
    """The file's text when it was read as JSON: where ``at`` finds its values."""
    fence: Path | None = None
    """The project being imported (``source.project_of``): a file read through a link out
    of it is refused."""

    def linked_out(self, path: Path) -> bool:
        """Whether ``path`` is read through a link out of the folder being imported (a link
        may name any file, ~/.ssh/config say): if so, it is not read, and this says so."""
        if self.fence is None or within(path, self.fence):
            return False
        message = f"a link to {path.resolve()}, outside the folder imported: not read"
        self.warn(1, 1, "-", message + " (a link may name any file); copy the file in")
        return True

    def restricts(self, fm: Mapping[str, Any], key: str) -> bool:
        """Whether a flag that takes something away (``readonly``) is on: ``true``, or a
        text that says so (``"true"``, ``yes``), which a tool may read either way; the
        narrower reading is taken, and said."""
        said = fm.get(key)
        if said is True:
            return True
        if str(said).strip().lower() not in ("true", "yes", "on", "1"):
            return False
        self.approximated.append(f"{key}: {said!r} (not the boolean true: read as true, narrower)")
        return True

    def warn(self, line: int, col: int, fieldname: str, message: str) -> None:
        self.findings.append(Finding(self.source, line, col, Severity.WARNING, fieldname, message))

    def error(self, line: int, col: int, fieldname: str, message: str) -> None:
        self.findings.append(Finding(self.source, line, col, Severity.ERROR, fieldname, message))

    def at(self, *path: str | int) -> tuple[int, int]:
        """Where the JSON value at ``path`` is (or the nearest container of it that is), so
        that an error about its shape points at it; 1:1 in a file not read as JSON."""
        return jsontext.place(self.json, path) if self.json else (1, 1)

    @property
    def failed(self) -> bool:
        return any(f.is_error for f in self.findings)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "kind": self.kind,
            "name": self.name,
            "mapped": self.mapped,
            "approximated": self.approximated,
            "dropped": self.dropped,
            "findings": [f.as_dict() for f in self.findings],
        }


def json_object(path: Path, report: FileReport, *, comments: bool = False) -> dict[str, Any]:
    """A JSON object from a file; empty (with an error in the report) when it is not one.
    ``comments``: JSON with comments and trailing commas, as VS Code reads its files."""
    try:
        report.json = text = path.read_text(encoding="utf-8")
        found = jsontext.value(text, jsontext.parse(text)) if comments else json.loads(text)
    except jsontext.JsonTextError as exc:
        report.error(exc.line, exc.col, "-", f"cannot read this JSON: {exc.expected}")
        return {}
    except (OSError, ValueError) as exc:
        line, col, why = decode_error(exc)
        report.error(line, col, "-", f"cannot read this JSON: {why}")
        return {}
    except RecursionError:  # arrays nested thousands deep
        report.error(1, 1, "-", "cannot read this JSON: nested too deeply")
        return {}
    if not isinstance(found, dict):
        report.error(1, 1, "-", "expected a JSON object")
        return {}
    return found
