"""Commands that write pack or output files: export and import."""

from __future__ import annotations

from pathlib import Path

import click

from agentpack.cli import FORMAT, PACK, cli, color, count, echo_json, finding_line, located
from agentpack.cli.place import DRY, FORCE

SHOWN = 100
"""The most warnings an export prints (validate prints all, -v too): an export of a large
pack would otherwise repeat thousands of them every time."""


@cli.command(short_help="Compile the pack into each target's native files.")
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
    """Compile the pack into each target's native files, writing only what changed."""
    from agentpack import api
    from agentpack.errors import Severity

    result = api.export(located(pack), tools, out, check=check, dry_run=dry_run, cache=not no_cache)
    if fmt == "json":
        echo_json(result.as_dict())
        return 1 if check and result.stale else 0
    listed = [f for f in result.findings if verbose or f.severity is not Severity.INFO]
    if len(listed) > SHOWN and not verbose:  # a large pack can have thousands of notes
        more = count(len(listed) - SHOWN, "more warning")
        tail = [f"... and {more}: 'agentpack validate' lists them all"]
        listed = listed[:SHOWN]
    else:
        tail = []
    if listed:  # one write
        paint = color(err=True)
        lines = [finding_line(f, err=True, colour=paint) for f in listed]
        click.echo("\n".join([*lines, *tail]), err=True)
    where = ", ".join(result.targets)
    files = count(len(result.differences), "file")
    if check:
        for difference in result.differences:
            click.echo(difference.diff or f"{difference.status}: {difference.path}", nl=False)
        if result.stale:
            click.echo(
                f"{result.out_dir}: {files} differ from the pack ({where}); run 'agentpack "
                "export' and commit the result",
                err=True,
            )
        else:
            click.echo(f"{result.out_dir}: up to date ({where})", err=True)
        return 1 if result.stale else 0
    if dry_run:
        for difference in result.differences:
            click.echo(f"{difference.status}: {difference.path}")
        click.echo(f"{files} would change in {result.out_dir} ({where}); nothing written", err=True)
        return 0
    reused = f"; {count(result.reused, 'unchanged item')} reused" if result.reused else ""
    click.echo(
        f"wrote {count(len(result.written), 'file')} to {result.out_dir} ({where}{reused})",
        err=True,
    )
    return 0


@cli.command("import", short_help="Turn native agents, commands, skills or plugins into a pack.")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--from",
    "dialect",
    default="auto",
    show_default=True,
    metavar="TARGET",
    help="Read every file in this target's dialect (auto: detect each file's).",
)
@click.option(
    "--pack",
    "pack",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The pack to import into (created when it has no agentpack.yaml). Default: the "
    "pack the current folder is in, else the current folder.",
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
        echo_json(result.as_dict())
        return 1 if result.failed else 0
    for report in result.reports:
        click.echo(f"{report.source}: {report.kind} {report.name}".rstrip())
        for label, entries in (("approximated", report.approximated), ("dropped", report.dropped)):
            if entries:
                click.echo(f"  {label}: " + "; ".join(entries))
        for finding in report.findings:
            click.echo(finding_line(finding, err=True), err=True)
    for where, reason in result.skipped:
        click.echo(f"not read: {where} ({reason})")
    for written in result.files:
        note = " (exists; --force replaces it)" if written.status == "skip" else ""
        would = "would " if not result.written and written.status == "write" else ""
        click.echo(f"{would}{written.status}: {written.path}{note}")
    for finding in result.findings:
        click.echo(finding_line(finding, err=True), err=True)
    skipped = [f for f in result.files if f.status == "skip"]
    errors = any(f.is_error for f in result.findings) or any(r.failed for r in result.reports)
    if result.failed and skipped and not errors:
        click.echo(
            f"nothing written to {result.root}: {count(len(skipped), 'file')} of the pack "
            "would be replaced (skip: above); --force replaces them",
            err=True,
        )
    elif result.failed and (any(r.failed for r in result.reports) or not result.files):
        click.echo(f"nothing written to {result.root}: see the errors above", err=True)
    elif result.failed:
        click.echo(
            f"nothing written to {result.root}: the import would not give a valid pack "
            "(the errors above are in the pack files it would write); the pack is as it was",
            err=True,
        )
    return 1 if result.failed else 0
