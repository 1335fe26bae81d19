"""Use the second core: a job in a forked child (``background``), or the second half of a
batch (``split``).

Loading and rendering a large pack is pure CPU work on independent files, and the machines
agentpack runs on (CI runners, dev containers) usually have two cores or more. A plain
``fork`` plus a pipe is the cheapest way to use the second one: the child inherits the
loaded modules and the data it needs, so nothing but the results crosses the pipe, and the
result order stays fixed (first half, then second half), which keeps output deterministic.

Correctness never depends on the child. If it cannot be started, fails, or sends something
that cannot be read back, the parent does that work itself; any exception the work raises
is then raised by the parent exactly as in a serial run.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import io
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import IO, Any, Generic, TypeVar, cast

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


class Pending(Generic[R]):
    """A result being computed in a forked child; ``result()`` waits for it (and keeps
    it), and computes it here when the child could not be started or failed in any way."""

    def __init__(self, work: Callable[[], R], pid: int | None, read_fd: int | None) -> None:
        self._work, self._pid, self._read_fd = work, pid, read_fd
        self._done: tuple[R] | None = None

    def result(self) -> R:
        if self._done is not None:
            return self._done[0]
        pid, read_fd = self._pid, self._read_fd
        self._pid = self._read_fd = None
        if pid is not None and read_fd is not None:
            ok, value = _receive(read_fd, pid)
            if ok:
                self._done = (cast(R, value),)
                return self._done[0]
        self._done = (self._work(),)
        return self._done[0]

    def cancel(self) -> None:
        """Stop the child, whose result is no longer wanted (a re-export that takes the full
        path should not wait for the output scan it started)."""
        if self._pid is not None and self._read_fd is not None:
            os.close(self._read_fd)
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
        self._pid = self._read_fd = None


def background(work: Callable[[], R], *, when: bool = True) -> Pending[R]:
    """``work()`` started in a forked child when ``when`` holds and forking is available;
    otherwise it runs when its result is asked for."""
    if not when or not available():
        return Pending(work, None, None)
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return Pending(work, None, None)
    if pid == 0:  # the child: compute, send, and leave without running any exit handler
        status = 1
        try:
            os.close(read_fd)
            with io.FileIO(write_fd, "wb") as raw, io.BufferedWriter(raw, 1 << 20) as out:
                _Pickler(out).dump(work())
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    return Pending(work, pid, read_fd)


def split(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    *,
    when: bool,
    second_work: Callable[[Sequence[T]], list[R]] | None = None,
) -> list[R]:
    """``work(items)``, computed as ``work(first half) + work(second half)`` with the second
    half in a child process when ``when`` holds and forking is available; ``second_work``,
    when given, does the second half instead (the same work in another order, say)."""
    if not when or len(items) < 2:
        return work(items)
    middle = (len(items) + 1) // 2
    first, second = items[:middle], items[middle:]
    other = second_work or work
    tail = background(lambda: other(second))
    try:
        head = work(first)
    except BaseException:
        tail.cancel()
        raise
    return head + tail.result()


def _receive(read_fd: int, pid: int) -> tuple[bool, Any]:
    """(True, the child's result), or (False, None) when it failed in any way."""
    ok, result = False, None
    try:
        with io.FileIO(read_fd, "rb") as raw, io.BufferedReader(raw, 1 << 20) as stream:
            result = pickle.load(stream)
        ok = True
    except Exception:
        result = None
    _, status = os.waitpid(pid, 0)
    return (ok and os.waitstatus_to_exitcode(status) == 0), result
