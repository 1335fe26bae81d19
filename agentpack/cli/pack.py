"""Commands that read a pack and say what is in it: validate, list, explain, schema,
targets, init."""

from __future__ import annotations

from pathlib import Path

import click

from agentpack.cli import FORMAT, PACK, cli, count, echo_json, finding_line, located


@cli.command(short_help="Check a pack; print every error and warning, one line each.")
@PACK
@click.option("-v", "--verbose", is_flag=True, help="Also list fields a target has no place for.")
@FORMAT
def validate(pack: Path | None, verbose: bool, fmt: str) -> int:
    """Check a pack: schemas, names, aliases, targets, permission patterns, and every
    warning an export would print (what each target drops or narrows), each at its field."""
    from agentpack import api

    result = api.validate(located(pack))
    if fmt == "json":
        echo_json([f.as_dict() for f in result.findings])
        return 0 if result.ok else 1
    shown = [f for f in result.findings if verbose or f.severity.value != "info"]
    for finding in shown:
        click.echo(finding_line(finding))
    errors = sum(f.is_error for f in result.findings)
    warnings = sum(f.severity.value == "warning" for f in result.findings)
    hidden = len(result.findings) - len(shown)
    tally = f"{count(errors, 'error')}, {count(warnings, 'warning')}"
    if hidden:
        tally += f" ({count(hidden, 'dropped field')} not shown: -v lists them)"
    if result.pack is not None:
        p = result.pack
        kinds = [(len(p.agents), "agent"), (len(p.commands), "command"), (len(p.skills), "skill")]
        servers, hooks = len(p.manifest.servers), len(p.manifest.hooks)
        kinds += [(n, noun) for n, noun in ((servers, "MCP server"), (hooks, "hook")) if n]
        tally = ", ".join(count(n, noun) for n, noun in kinds) + "; " + tally
    click.echo(f"{result.root}: {tally}", err=True)
    return 0 if result.ok else 1


@cli.command("list", short_help="One row per agent, command and skill.")
@PACK
@FORMAT
def list_(pack: Path | None, fmt: str) -> int:
    """One row per agent, command and skill: name, kind, mode, model, targets, tools."""
    from agentpack import api

    rows = api.list_items(located(pack))
    if fmt == "json":
        echo_json([r.as_dict() for r in rows])
        return 0
    table = [("NAME", "KIND", "MODE", "MODEL", "TARGETS", "TOOLS")]
    table += [
        (r.name, r.kind, r.mode or "-", r.model or "-", ",".join(r.targets), r.tools) for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[5]]))
    return 0


CELL = 40
"""The widest cell of explain's table; a wider one is cut there and printed whole below."""


@cli.command(short_help="Show what each target really enforces for an agent.")
@click.argument("name")
@PACK
@FORMAT
def explain(name: str, pack: Path | None, fmt: str) -> int:
    """Show, for agent NAME, what each target will really enforce, tool by tool."""
    from agentpack import api

    result = api.explain(name, located(pack))
    if fmt == "json":
        echo_json(result.as_dict())
        return 0
    targets = list(result.rows[0].targets) if result.rows else []
    table = [("TOOL", "SOURCE", *targets)]
    whole: list[str] = []  # a cell too wide for the table (a list of bash patterns), in full

    def cell(row: str, column: str, text: str) -> str:
        if len(text) <= CELL:
            return text
        whole.append(f"{row} ({column}): {text}")
        return text[: CELL - 3] + "..."

    for row in result.rows:
        heads = (h.lower() for h in table[0][1:])
        cells = [
            cell(row.tool, h, m)
            for h, m in zip(heads, (row.source, *row.targets.values()), strict=True)
        ]
        marks = [
            c + (" (narrowed)" if t in row.narrowed else "")
            for t, c in zip(targets, cells[1:], strict=True)
        ]
        table.append((row.tool, cells[0], *marks))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for line in table:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    for text in whole:
        click.echo(text)
    if result.inherit:
        click.echo("no tools: in the source; every target inherits the host's defaults")
    for finding in result.findings():
        click.echo(str(finding))
    return 0


@cli.command(short_help="Print the JSON Schema of a file kind.")
@click.argument(
    "kind", type=click.Choice(["manifest", "agent", "command", "skill", "server", "hook"])
)
def schema(kind: str) -> int:
    """Print the JSON Schema of one file kind, with every installed target's block."""
    from agentpack import api

    click.echo(api.schema_text(kind), nl=False)
    return 0


@cli.command(short_help="Start a pack: a manifest, an agent, a command, the schemas.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", help="The pack name (default: from the folder name).")
def init(folder: Path, name: str | None) -> int:
    """Start a pack in FOLDER: a manifest (author from your git identity), one agent, one
    command, and the schemas your editor checks them with."""
    from agentpack import api

    result = api.init(folder, name)
    for path in result.written:
        click.echo(f"wrote {path}")
    return 0


@cli.command(short_help="List the targets, with what each writes where.")
@FORMAT
def targets(fmt: str) -> int:
    """List the targets agentpack can build: what each writes, and where installs go."""
    from agentpack import api

    reg = api.registry()
    found = [reg.get(name) for name in reg.names()]
    if fmt == "json":
        echo_json(
            [
                {
                    "name": t.name,
                    "tool": t.title,
                    "description": t.description,
                    "features": sorted(f.value for f in t.features),
                    "writes": list(t.writes),
                    "imports": t.reader is not None,
                    "default": t.name in reg.defaults(),
                }
                for t in found
            ]
        )
        return 0
    for target in found:
        features = ", ".join(sorted(f.value for f in target.features))
        extra = "" if target.name in reg.defaults() else " (not built by default)"
        click.echo(f"{target.name}: {target.title}{extra}")
        click.echo(f"  builds: {features}; import: {'yes' if target.reader else 'no'}")
        for line in target.writes:
            click.echo(f"  {line}")
    return 0
