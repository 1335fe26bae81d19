"""A tool's own file read as its tool reads it: the frontmatter's fields, with their
positions, and the body. Native files come from the internet: with ``lenient``, the usual
mistakes are repaired (``repair.py``) and reported; without it each is an error at
file:line:col."""

from __future__ import annotations

import base64
import datetime
import math
from pathlib import Path
from typing import Any

from agentpack import repair
from agentpack.filereport import FileReport
from agentpack.native import Native
from agentpack.source import SourceError, read_text, split_frontmatter
from agentpack.yamldoc import Located, parse_yaml


def _text(path: Path, report: FileReport, lenient: bool) -> tuple[str, int] | None:
    """A native file's text, and how many lines a repair moved its frontmatter up."""
    try:
        return repair.unfenced(read_text(path), report.warn, report.error, lenient=lenient)
    except SourceError as exc:
        report.error(exc.line, exc.col, exc.field, exc.message)
        return None


def read_native(path: Path, report: FileReport, *, lenient: bool) -> Native | None:
    found = None if report.linked_out(path) else _text(path, report, lenient)
    if found is None:
        return None
    text, shift = found
    try:
        split = split_frontmatter(text)
        fm_text, fm_line, body = split.frontmatter, split.fm_line + shift, split.body
    except SourceError as exc:
        if not lenient:
            line = exc.line + shift
            report.error(line, exc.col, exc.field, exc.message + " (--lenient repairs this)")
            return None
        fm_text, body, _ = repair.unclosed(text, report.warn)
        fm_line = 2 + shift
    if fm_text is None:
        return Native(path, None, body)
    try:
        located = parse_yaml(fm_text, fm_line - 1)
    except SourceError as exc:
        # Claude Code itself quotes a one-line value that is not YAML on its own
        # (``argument-hint: [file] [mode]``, its docs' own example) before it gives up on
        # a frontmatter: read such a file as it does, lenient or not
        quoted: list[tuple[int, int, str, str]] = []
        repaired = repair.values(fm_text, lambda *w: quoted.append(w), fm_line)
        try:
            located = parse_yaml(repaired, fm_line - 1)
        except SourceError:
            if not lenient:  # a tag (<<, !x) is no mistake --lenient repairs
                tip = "" if "not supported" in exc.message else " (--lenient may repair this)"
                report.error(exc.line, exc.col, exc.field, exc.message + tip)
                return None
            repaired = repair.values(
                repair.runover(repair.tabs(fm_text, report.warn, fm_line), report.warn, fm_line),
                report.warn,
                fm_line,
            )
            try:
                located = parse_yaml(repaired, fm_line - 1)
            except SourceError as again:
                report.error(again.line, again.col, again.field, again.message)
                return None
        else:
            for line, col, key, message in quoted:
                said = message.replace("repaired:", "read as Claude Code reads it:", 1)
                report.warn(line, col, key, said)
    data = plain(located.data) if located.data is not None else {}
    if not isinstance(data, dict):
        report.error(fm_line, 1, "-", "the frontmatter is not a mapping of fields")
        return None
    return Native(path, data, body, located) if _texts(data, located, report) else None


def _texts(data: dict[str, object], located: Located, report: FileReport) -> bool:
    """Whether the fields that are text in every tool are (a list is a mistake)."""
    for key in ("name", "description"):
        if isinstance(data.get(key), (list, dict)):
            report.error(*located.pos((key,)), key, "expected text, not a list; write it as text")
            return False
    return True


def plain(value: Any) -> Any:
    """A value read from a tool's own file, with a scalar YAML reads as neither text, a
    number, true/false nor null (a date, a timestamp, ``!!binary``, ``.nan``) as text, as
    the tools that read it as JSON do: a pack's files hold no other kinds."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.date):  # a datetime too
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
    return value
