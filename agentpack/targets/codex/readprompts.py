"""Codex's custom prompts (``~/.codex/prompts/<name>.md``, run as ``/prompts:<name>``),
read back as the pack's commands: ``$1``..``$9`` and ``$ARGUMENTS`` mean what the pack's
do; a named ``$FOO``, which Codex fills from ``FOO=value``, stays as text (said)."""

from __future__ import annotations

import re
from pathlib import Path

from agentpack.filereport import FileReport
from agentpack.model import Command, SourceRef
from agentpack.native import Importing, Native, described, name_of
from agentpack.nativefile import read_native

_NAMED = re.compile(r"(?<!\$)\$([A-Z][A-Z0-9_]*)\b")
"""A custom prompt's named placeholder (``$TICKET``), filled from ``TICKET=value``."""
_PROMPT = ("description", "argument-hint")


def prompt(native: Native, report: FileReport) -> Command:
    """One prompt file as a command."""
    fm = native.frontmatter or {}
    report.mapped += [k for k in ("description", "argument-hint") if k in fm]
    report.dropped += [f"{k} (no field of a Codex prompt)" for k in sorted(fm) if k not in _PROMPT]
    named = sorted({m for m in _NAMED.findall(native.body) if m != "ARGUMENTS"})
    if named:
        report.approximated.append(
            f"{', '.join('$' + n for n in named)} (Codex fills a named placeholder from "
            "NAME=value; the other tools do not: the text stays)"
        )
    hint = fm.get("argument-hint")
    return Command(
        name=name_of(None, native.path.stem, report),
        description=described(str(fm.get("description") or ""), report, "command"),
        body=native.body,
        source=SourceRef(report.source),
        argument_hint=None if hint is None else str(hint),
    )


def is_prompts(path: Path) -> bool:
    """Whether ``path`` is a Codex home's ``prompts/`` folder (``~/.codex/prompts``, or one
    beside the home's ``config.toml``)."""
    home = path.parent
    return (
        path.name == "prompts"
        and path.is_dir()
        and (home.name == ".codex" or (home / "config.toml").is_file())
    )


def prompts(given: Path, run: Importing) -> set[Path]:
    """Every prompt of a Codex home's ``prompts/`` (its ``.md`` files, not nested), or the
    one prompt file given, and the folder, as read."""
    if not given.exists():
        return set()
    for path in sorted(given.glob("*.md")) if given.is_dir() else [given]:
        report = run.report(path, "command (codex prompt)")
        native = read_native(path, report, lenient=run.lenient)
        if native is not None:
            run.add(prompt(native, report), report)
    return {given}
