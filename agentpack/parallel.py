"""Run one batch job on two cores: the second half of the work in a forked child.

Loading and rendering a large pack is pure CPU work on independent files, and the machines
agentpack runs on (CI runners, dev containers) usually have two cores or more. A plain
``fork`` plus a pipe is the cheapest way to use the second one: the child inherits the
loaded modules and the data it needs, so nothing but the results crosses the pipe, and the
result order stays fixed (first half, then second half), which keeps output deterministic.

Correctness never depends on the child. If it cannot be started, fails, or sends something
that cannot be read back, the parent does that half itself; any exception the work raises
is then raised by the parent exactly as in a serial run.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import IO, Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORTH_IT = 400
"""Agents plus commands from which a second process pays for itself: below it, forking and
sending the results back cost more than they save (measured with bench/run.py)."""

ENV = "AGENTPACK_JOBS"
"""Set to 1 to keep everything in one process (e.g. to profile it)."""


def _proxy(mapping: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return (read_only, (dict(mapping),))


def read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    """Rebuilds a read-only mapping on the receiving side (the type itself cannot be named
    in a pickle)."""
    return MappingProxyType(mapping)


class _Pickler(pickle.Pickler):
    """Writes what the model holds, fast, without touching pickle's global tables.

    The model freezes its mappings as read-only proxies, which pickle cannot write by
    default. And a frozen dataclass with slots unpickles through a Python-level
    ``__setstate__`` per object (a tenth of a second per 10,000 output files); writing it
    as a call to its constructor is ten times faster to read back and means the same
    whenever every field that ``__init__`` does not take still holds its default."""

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _proxy}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        params = getattr(cls, "__dataclass_params__", None)
        if params is None or not params.frozen:
            return NotImplemented
        args = []
        for spec in dataclasses.fields(obj):
            value = getattr(obj, spec.name)
            if spec.init:
                args.append(value)
            elif spec.default is dataclasses.MISSING or value != spec.default:
                return NotImplemented
        return cls, tuple(args)


def available() -> bool:
    """Forking is safe and worth it: Linux (macOS forbids fork after some system libraries
    load), more than one core, no other thread that could hold a lock at fork time, and
    not turned off with AGENTPACK_JOBS=1."""
    if os.environ.get(ENV, "").strip() == "1":
        return False
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(1)
    return len(cores) > 1 and threading.active_count() == 1


def split(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], *, when: bool) -> list[R]:
    """``work(items)``, computed as ``work(first half) + work(second half)`` with the second
    half in a child process when ``when`` holds and forking is available."""
    if not when or len(items) < 2 or not available():
        return work(items)
    middle = (len(items) + 1) // 2
    first, second = items[:middle], items[middle:]
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return work(items)
    if pid == 0:  # the child: compute, send, and leave without running any exit handler
        status = 1
        try:
            os.close(read_fd)
            with io.FileIO(write_fd, "wb") as raw, io.BufferedWriter(raw, 1 << 20) as out:
                _Pickler(out).dump(work(second))
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    try:
        head = work(first)
    except BaseException:
        os.close(read_fd)
        os.waitpid(pid, 0)
        raise
    tail = _receive(read_fd, pid)
    return head + (tail if tail is not None else work(second))


def _receive(read_fd: int, pid: int) -> list[Any] | None:
    """The child's result, or None when it failed in any way."""
    result: list[Any] | None = None
    try:
        with io.FileIO(read_fd, "rb") as raw, io.BufferedReader(raw, 1 << 20) as stream:
            loaded = pickle.load(stream)
        result = loaded if isinstance(loaded, list) else None
    except Exception:
        result = None
    _, status = os.waitpid(pid, 0)
    return result if os.waitstatus_to_exitcode(status) == 0 else None
