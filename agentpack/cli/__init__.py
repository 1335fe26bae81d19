"""The ``agentpack`` command: parse flags, call ``agentpack.api``, print, choose the exit code.

The commands live in ``pack``, ``build`` and ``place`` beside this module; each imports the
API inside its body, so that ``agentpack --help`` imports neither YAML, nor jsonschema, nor a
target. Exit codes: 0 ok, 1 findings, 2 usage or I/O, 3 a bug (the only traceback).
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from agentpack import __version__

if TYPE_CHECKING:
    from agentpack.api.where import PackLocation
    from agentpack.errors import Finding

EPILOG = """\b
Examples:
  agentpack init my-pack                 start a pack: manifest, an agent, a command
  agentpack validate                     every problem and warning, one line each
  agentpack export                       write dist/<target>/ for the pack's targets
  agentpack export --tool opencode       one target only
  agentpack export --check               exit 1 with a diff when dist/ is stale (CI)
  agentpack explain reviewer             what each tool really enforces, tool by tool
  agentpack install --tool claude        copy the agents into ~/.claude/
  agentpack import ~/.claude             turn native files into pack source files

Without --pack, a command works on the pack the current folder is in (found upward, as
git finds .git), else on the reference pack bundled with agentpack.
"""

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
    help="The pack folder. Default: the pack the current folder is in, else the reference "
    "pack bundled with agentpack.",
)


def color(err: bool = False) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (no-color.org)."""
    stream = sys.stderr if err else sys.stdout
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb" and stream.isatty()


_SEVERITY_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def finding_line(finding: Finding, err: bool = False, colour: bool | None = None) -> str:
    """``colour``: whether to colour, when the caller has asked once for many lines."""
    text = str(finding)
    if not (color(err) if colour is None else colour):
        return text
    word = finding.severity.value
    return text.replace(f": {word}: ", f": {click.style(word, fg=_SEVERITY_COLORS[word])}: ", 1)


def echo_json(data: Any) -> None:
    """Indented on a terminal; one line for a pipe or file."""
    indent = 2 if sys.stdout.isatty() else None
    click.echo(json.dumps(data, indent=indent, ensure_ascii=False))


def count(n: int, noun: str) -> str:
    """``1 agent``, ``2 agents``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def located(pack: Path | None) -> PackLocation:
    """The pack a command works on; says so, once, when that is the bundled one."""
    from agentpack.api.where import locate

    where = locate(pack)
    if where.bundled:
        click.echo(
            f"agentpack: no agentpack.yaml in {Path.cwd()} or above: using the reference pack "
            f"bundled with agentpack ({where.root}); run 'agentpack init' to start your own",
            err=True,
        )
    return where


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EPILOG,
)
@click.version_option(__version__, "-V", "--version", prog_name="agentpack")
def cli() -> None:
    """Keep one schema-validated source tree of AI coding agents and compile it into each
    tool's native files, never granting a tool more than the source does."""


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
    except OSError as exc:  # the file system's, not agentpack's: a loop of links, a mode
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(
            f"agentpack: {where}{exc.strerror or exc}; fix or remove it, or check its "
            "permissions, then run agentpack again",
            err=True,
        )
        return 2
    except Exception:
        import traceback  # only a bug needs it

        traceback.print_exc()
        click.echo(
            "agentpack: internal error: this is a bug in agentpack, please report it with the "
            "traceback above",
            err=True,
        )
        return 3
    return int(result or 0)


def run() -> None:
    """The ``agentpack`` command. A command runs for seconds at most and frees its objects by
    reference counting; the cycle collector would only walk the millions an export of a
    large pack makes, again and again, so it is off here (not in the Python API)."""
    gc.disable()
    sys.exit(main())


from agentpack.cli import build, pack, place  # noqa: E402  (they add their commands to cli)

__all__ = ["build", "cli", "main", "pack", "place", "run"]
