"""Large structures a process that is about to end need not free.

The command line leaves with ``os._exit`` (``cli.run``), so whatever is alive then is never
torn down. A structure that dies earlier is freed object by object: a re-export's snapshot
of 10,000 agents is some 150,000 strings and lists, and freeing them as the re-export
returned took 7 ms of a 0.25 s run, all of it after the last file was written. ``keep``
hands such a structure to the end of the process instead, and only in a process that said
it ends that way: called from the Python API in a process that goes on, it keeps nothing.
"""

from __future__ import annotations

_kept: list[object] | None = None


def ending_without_cleanup() -> None:
    """Say that this process ends with ``os._exit`` soon after its work: ``keep`` keeps."""
    global _kept
    if _kept is None:
        _kept = []


def keep(value: object) -> None:
    """Keep ``value`` alive until the process ends, when it ends without freeing it."""
    if _kept is not None:
        _kept.append(value)
