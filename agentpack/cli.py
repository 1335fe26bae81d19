"""The ``agentpack`` command: parse flags, call ``agentpack.api``, print, choose the exit code.

Heavy modules (jsonschema, yaml, the targets) are imported inside the commands, so that
``agentpack --help`` starts fast. Exit codes: 0 ok, 1 findings, 2 usage or I/O, 3 a bug.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from agentpack import __version__, lifetime

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints data for machines.",
)
PACK = click.option(
    "--pack",
    "pack",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The pack folder. Default: the current folder if it has agentpack.yaml, else the "
    "reference pack bundled with agentpack.",
)


def _json(data: Any) -> None:
    """Indented on a terminal; one line for a pipe or file, where the C encoder writes the
    thousands of findings of a large pack a few times faster."""
    indent = 2 if sys.stdout.isatty() else None
    click.echo(json.dumps(data, indent=indent, ensure_ascii=False))


def _findings(findings: Sequence[Any], fmt: str) -> None:
    if fmt == "json":
        _json([f.as_dict() for f in findings])
    else:
        for finding in findings:
            click.echo(str(finding))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="agentpack")
def cli() -> None:
    """Keep one schema-validated source tree of AI coding agents and compile it into each
    tool's native files (Claude Code, opencode)."""


@cli.command()
@PACK
@FORMAT
def validate(pack: Path | None, fmt: str) -> int:
    """Check a pack: schemas, names, aliases, targets, permission patterns."""
    from agentpack import api

    result = api.validate(pack)
    _findings(result.findings, fmt)
    if fmt == "text":
        errors = sum(f.is_error for f in result.findings)
        warnings = len(result.findings) - errors
        if result.pack is not None:
            p = result.pack
            click.echo(
                f"{result.root}: {len(p.agents)} agents, {len(p.commands)} commands, "
                f"{len(p.skills)} skills; {errors} errors, {warnings} warnings",
                err=True,
            )
        else:
            click.echo(f"{result.root}: {errors} errors, {warnings} warnings", err=True)
    return 0 if result.ok else 1


@cli.command("list")
@PACK
@FORMAT
def list_(pack: Path | None, fmt: str) -> int:
    """One row per agent, command and skill: name, kind, mode, model, targets, tools."""
    from agentpack import api

    rows = api.list_items(pack)
    if fmt == "json":
        _json([r.as_dict() for r in rows])
        return 0
    table = [("NAME", "KIND", "MODE", "MODEL", "TARGETS", "TOOLS")]
    table += [(r.name, r.kind, r.mode, r.model, ",".join(r.targets), r.tools) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[5]]))
    return 0


@cli.command()
@click.argument("kind", type=click.Choice(["manifest", "agent", "command", "skill"]))
def schema(kind: str) -> int:
    """Print the JSON Schema of one file kind."""
    from agentpack import api

    click.echo(api.schema_text(kind), nl=False)
    return 0


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", help="The pack name (default: from the folder name).")
def init(folder: Path, name: str | None) -> int:
    """Start a pack in FOLDER: a manifest, one agent, one command, and the schemas."""
    from agentpack import api

    result = api.init(folder, name)
    for path in result.written:
        click.echo(f"wrote {path}")
    return 0


@cli.command()
@PACK
@click.option(
    "--tool",
    "tools",
    multiple=True,
    metavar="TARGET",
    help="Build only this target (repeatable). Default: the pack's targets.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder. Default: dist/ in the pack (./dist for the bundled pack).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 with a diff when the output folder is not what export would write.",
)
@click.option("--dry-run", is_flag=True, help="Write nothing; list what would change.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Load and render every item, even those unchanged since the last export here.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also list fields a target has no place for.")
@FORMAT
def export(
    pack: Path | None,
    tools: tuple[str, ...],
    out: Path | None,
    check: bool,
    dry_run: bool,
    no_cache: bool,
    verbose: bool,
    fmt: str,
) -> int:
    """Compile the pack into each target's native files."""
    from agentpack import api

    result = api.export(pack, tools, out, check=check, dry_run=dry_run, cache=not no_cache)
    if fmt == "json":
        _json(
            {
                "out": str(result.out_dir),
                "targets": list(result.targets),
                "written": list(result.written),
                "reused": result.reused,
                "differences": [{"path": d.path, "status": d.status} for d in result.differences],
                "findings": [f.as_dict() for f in result.findings],
            }
        )
    else:
        shown = [str(f) for f in result.findings if verbose or f.severity.value != "info"]
        if shown:  # one write: a large pack can have thousands of notes
            click.echo("\n".join(shown), err=True)
        _export_text(result, check=check, dry_run=dry_run)
    return 1 if check and result.stale else 0


def _export_text(result: Any, *, check: bool, dry_run: bool) -> None:
    where = ", ".join(result.targets)
    if check:
        for difference in result.differences:
            click.echo(difference.diff or f"{difference.status}: {difference.path}", nl=False)
        if result.stale:
            click.echo(
                f"{result.out_dir}: {len(result.differences)} files differ from the "
                f"pack ({where}); run 'agentpack export' and commit the result",
                err=True,
            )
        else:
            click.echo(f"{result.out_dir}: up to date ({where})", err=True)
    elif dry_run:
        for difference in result.differences:
            click.echo(f"{difference.status}: {difference.path}")
        click.echo(
            f"{len(result.differences)} files would change in {result.out_dir} ({where}); "
            "nothing written",
            err=True,
        )
    else:
        count = len(result.written)
        files = "file" if count == 1 else "files"
        reused = f"; {result.reused} unchanged items reused" if result.reused else ""
        click.echo(f"wrote {count} {files} to {result.out_dir} ({where}{reused})", err=True)


@cli.command()
@click.argument("name")
@PACK
@FORMAT
def explain(name: str, pack: Path | None, fmt: str) -> int:
    """Show, for agent NAME, what each target will really enforce per tool."""
    from agentpack import api

    result = api.explain(name, pack)
    if fmt == "json":
        _json(result.as_dict())
        return 0
    targets = list(result.rows[0].targets) if result.rows else []
    table = [("TOOL", "SOURCE", *targets)]
    for row in result.rows:
        marks = [row.targets[t] + (" (narrowed)" if t in row.narrowed else "") for t in targets]
        table.append((row.tool, row.source, *marks))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for line in table:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    if result.inherit:
        click.echo("no tools: in the source; every target inherits the host's defaults")
    for note in result.notes:
        click.echo(str(note.finding()))
    return 0


TOOL = click.option("--tool", required=True, metavar="TARGET", help="claude or opencode.")
SCOPE = click.option(
    "--scope",
    type=click.Choice(["user", "project"]),
    default="user",
    show_default=True,
    help="user: ~/.claude, ~/.config/opencode; project: .claude/, .opencode/ of this repo.",
)
DEST = click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Install into this folder instead.",
)
FORCE = click.option(
    "--force",
    is_flag=True,
    help="Replace or remove files even if agentpack did not write them or they changed since.",
)
DRY = click.option("--dry-run", is_flag=True, help="Write nothing; say what would happen.")


def _outcome(outcome: Any, fmt: str, verb: str) -> int:
    if fmt == "json":
        _json(
            {
                "dest": str(outcome.dest),
                "actions": [
                    {"path": a.path, "action": a.verb, "reason": a.reason} for a in outcome.actions
                ],
            }
        )
    else:
        for action in outcome.actions:
            click.echo(str(action), err=action.verb == "skip")
        done = sum(a.verb not in ("skip", "same") for a in outcome.actions)
        click.echo(f"{outcome.dest}: {verb} {done} files, skipped {len(outcome.skipped)}", err=True)
    return 1 if outcome.skipped else 0


@cli.command()
@TOOL
@PACK
@SCOPE
@DEST
@FORCE
@DRY
@FORMAT
def install(
    tool: str,
    pack: Path | None,
    scope: str,
    dest: Path | None,
    force: bool,
    dry_run: bool,
    fmt: str,
) -> int:
    """Copy the pack's agents, commands and skills into a tool's folder. Exit 1 when a file
    was skipped because agentpack did not write it or it changed since."""
    from agentpack import api

    outcome = api.install(tool, pack, scope, dest, force=force, dry_run=dry_run)
    return _outcome(outcome, fmt, "would install" if dry_run else "installed")


@cli.command()
@TOOL
@PACK
@SCOPE
@DEST
@FORCE
@DRY
@FORMAT
def uninstall(
    tool: str,
    pack: Path | None,
    scope: str,
    dest: Path | None,
    force: bool,
    dry_run: bool,
    fmt: str,
) -> int:
    """Remove the files an install wrote, except those changed since."""
    from agentpack import api

    outcome = api.uninstall(tool, pack, scope, dest, force=force, dry_run=dry_run)
    return _outcome(outcome, fmt, "would remove" if dry_run else "removed")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--from",
    "dialect",
    type=click.Choice(["auto", "claude", "opencode"]),
    default="auto",
    show_default=True,
    help="Read every file as this dialect.",
)
@click.option(
    "--pack",
    "pack",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The pack to import into (created when it has no agentpack.yaml). "
    "Default: the current folder.",
)
@click.option(
    "--lenient",
    is_flag=True,
    help="Repair common mistakes (a value that is not YAML unquoted, like one with ': ' or "
    "'[beta] text'; tabs; a missing closing ---) with a warning each, instead of failing.",
)
@FORCE
@DRY
@FORMAT
def import_(
    path: Path, dialect: str, pack: Path | None, lenient: bool, force: bool, dry_run: bool, fmt: str
) -> int:
    """Read native agents, commands, skills, plugins or marketplaces at PATH into canonical
    source files. Exit 1 when a file could not be read or would be overwritten."""
    from agentpack import api

    result = api.import_(path, pack, dialect, lenient=lenient, force=force, dry_run=dry_run)
    if fmt == "json":
        _json(
            {
                "pack": str(result.root),
                "files": [{"path": f.path, "action": f.status} for f in result.files],
                "reports": [r.as_dict() for r in result.reports],
                "findings": [f.as_dict() for f in result.findings],
            }
        )
        return 1 if result.failed else 0
    for report in result.reports:
        click.echo(f"{report.source}: {report.kind} {report.name}".rstrip())
        for label, entries in (
            ("mapped", report.mapped),
            ("approximated", report.approximated),
            ("dropped", report.dropped),
        ):
            if entries and label != "mapped":
                click.echo(f"  {label}: " + "; ".join(entries))
        for finding in report.findings:
            click.echo(str(finding), err=True)
    for written in result.files:
        note = " (exists; --force replaces it)" if written.status == "skip" else ""
        click.echo(
            f"{'would ' if dry_run and written.status == 'write' else ''}"
            f"{written.status}: {written.path}{note}"
        )
    for finding in result.findings:
        click.echo(str(finding), err=True)
    return 1 if result.failed else 0


@cli.command()
def targets() -> int:
    """List the targets agentpack can build, with what each one writes."""
    from agentpack import api

    reg = api.registry()
    for name in reg.names():
        target = reg.get(name)
        features = ", ".join(sorted(f.value for f in target.features))
        click.echo(f"{name:10} {target.description} [{features}]")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; the one place where exceptions become messages and exit codes."""
    from agentpack.errors import AgentpackError

    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="agentpack",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except AgentpackError as exc:
        click.echo(f"agentpack: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        import traceback  # only a bug needs it

        traceback.print_exc()
        click.echo(
            "agentpack: internal error: this is a bug in agentpack, please report it "
            "with the traceback above",
            err=True,
        )
        return 3
    return int(result or 0)


def run() -> NoReturn:
    """The ``agentpack`` command: ``main()`` in a process that ends with it.

    An export of a large pack builds millions of objects, nearly all freed by reference
    counting; the cycle collector would only walk them again and again (about a tenth of
    the export's CPU time), and tearing them all down at exit takes tens of milliseconds
    that no one waits for. So the collector is off and the process leaves with
    ``os._exit`` once its output is flushed: every file agentpack writes is closed (and
    renamed into place) before ``main`` returns, and any second process reaped. Large
    structures that would die before that are kept to the end (``agentpack.lifetime``)."""
    gc.disable()
    lifetime.ending_without_cleanup()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
