"""Commands that put a target's files where the tool reads them: install and uninstall."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from agentpack.cli import FORMAT, PACK, cli, count, echo_json, located

TOOL = click.option(
    "--tool", required=True, metavar="TARGET", help="The target (see 'agentpack targets')."
)
SCOPE = click.option(
    "--scope",
    type=click.Choice(["user", "project"]),
    default="user",
    show_default=True,
    help="user: the tool's folder in your home; project: the tool's folder in this repository.",
)
DEST = click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Install into this folder instead (laid out as dist/<target>/ is).",
)
FORCE = click.option(
    "--force",
    is_flag=True,
    help="Replace or remove files even if agentpack did not write them or they changed since.",
)
DRY = click.option("--dry-run", is_flag=True, help="Write nothing; say what would happen.")


def _outcome(outcome: Any, fmt: str, verb: str) -> int:
    if fmt == "json":
        echo_json(outcome.as_dict())
    else:
        for action in outcome.actions:
            click.echo(str(action), err=action.verb in ("skip", "note"))
        done = sum(a.verb not in ("skip", "same", "note") for a in outcome.actions)
        click.echo(
            f"{outcome.dest}: {verb} {count(done, 'file')}, skipped {len(outcome.skipped)}",
            err=True,
        )
    return 1 if outcome.skipped else 0


@cli.command(short_help="Copy a target's files into the tool's folder.")
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
    """Copy the pack's files for one target into the tool's folder. Exit 1 when a file
    was skipped because agentpack did not write it or it changed since."""
    from agentpack import api

    outcome = api.install(tool, located(pack), scope, dest, force=force, dry_run=dry_run)
    return _outcome(outcome, fmt, "would install" if dry_run else "installed")


@cli.command(short_help="Remove the files an install wrote.")
@TOOL
@PACK
@SCOPE
@DEST
@FORCE
@DRY
@FORMAT
@click.option(
    "--name",
    default=None,
    help="The pack's name, when its folder is gone or does not load (instead of --pack).",
)
def uninstall(
    tool: str,
    pack: Path | None,
    scope: str,
    dest: Path | None,
    force: bool,
    dry_run: bool,
    fmt: str,
    name: str | None,
) -> int:
    """Remove the files an install wrote, except those changed since."""
    from agentpack import api
    from agentpack.errors import UsageError

    try:
        where = None if name else located(pack)
    except UsageError as exc:  # the pack's folder is gone: its name is enough
        raise UsageError(f"{exc}, or --name with the pack's name") from None
    outcome = api.uninstall(tool, where, scope, dest, force=force, dry_run=dry_run, name=name)
    return _outcome(outcome, fmt, "would remove" if dry_run else "removed")
