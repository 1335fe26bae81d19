"""Where an imported server's fields stand in the file read, and what becomes of the
credentials among them: shared by the hosts' server readers (``readparts.servers``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agentpack.filereport import FileReport
from agentpack.secrets import credential


@dataclass(frozen=True, slots=True)
class Places:
    """Where a server's keys are in its file: found in the report's JSON (under
    ``where``), or by ``place`` in a file that is not JSON (by server name and key)."""

    report: FileReport
    where: tuple[str, ...]
    place: Callable[[str, str], tuple[int, int]] | None

    def field(self, name: str, *keys: str) -> str:
        """The field as the file spells it (``servers.x``, ``mcp_servers.x.env.K``)."""
        head = self.where[0] if self.where else "mcp_servers" if self.place else "mcpServers"
        return ".".join((head, name, *keys))

    def at(self, name: str, *keys: str) -> tuple[int, int]:
        if self.place is not None:
            return self.place(name, keys[0] if keys else "")
        return self.report.at(*self.where, name, *keys)

    def unsecret(self, name: str, kind: str, values: dict[str, str]) -> dict[str, str]:
        """A server's ``env`` or ``headers``, credentials made references (``_unsecret``)."""
        return {
            k: _unsecret(k, v, self.field(name, kind, k), self.at(name, kind, k), self.report)
            for k, v in values.items()
        }


_SCHEME = re.compile(r"(?i)(bearer|token|basic)\s+")


def _unsecret(key: str, value: str, field: str, pos: tuple[int, int], report: FileReport) -> str:
    """A server's variable or header whose value is a credential (``claude mcp add -e
    GITHUB_TOKEN=ghp_...`` keeps it as written) comes in as a reference to a variable of
    the user's environment, which every tool expands, so that it never lands in the pack;
    a warning says which variable to set."""
    if credential(key, value) is None:
        return value
    variable = re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_").upper() or "SECRET"
    scheme = _SCHEME.match(value)
    written = (scheme.group(0) if scheme else "") + "${" + variable + "}"
    report.warn(
        *pos,
        field,
        f"the value is a credential: written as {written}, so that it stays out of the "
        f"pack; set {variable} in the environment the tools start from",
    )
    return written
