"""Use the second core: a job in a forked child (``background``), or the second half of a
batch (``split``).

Loading and rendering a large pack is pure CPU work on independent files, and the machines
agentpack runs on (CI runners, dev containers) usually have two cores or more. A plain
``fork`` is the cheapest way to use the second one: the child inherits the loaded modules
and the data it needs, so nothing but the results comes back (through an in-memory file,
see ``_Child``), and the result order stays fixed (first half, then second half), which
keeps output deterministic.

Correctness never depends on the child. If it cannot be started, fails, or sends something
that cannot be read back, the parent does that work itself; any exception the work raises
is then raised by the parent exactly as in a serial run.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import io
import mmap
import os
import pickle
import signal
import struct
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


class _Child:
    """A forked child and what it sends back: each result pickled into an anonymous
    in-memory file, and its place there (16 bytes) down a pipe, in the order of the works.

    Through the pipe itself, a result larger than the pipe's 64 KiB buffer stalled the
    child until the parent was ready to read it: the child lost the time the parent was
    busy. The in-memory file never fills, and the parent unpickles from a view of it."""

    def __init__(self, pid: int, pipe: int, box: int) -> None:
        self.pid: int | None = pid
        self.pipe: int | None = pipe
        self.box = box
        self.got: list[Any] = []

    def get(self, index: int, count: int) -> tuple[bool, Any]:
        """(True, result ``index`` of ``count``), or (False, None) when the child failed
        before sending it whole."""
        while len(self.got) <= index and self.pipe is not None:
            try:
                offset, size = _PLACE.unpack(_read_exactly(self.pipe, _PLACE.size))
                with mmap.mmap(self.box, size, access=mmap.ACCESS_READ, offset=offset) as view:
                    self.got.append(pickle.loads(view))
            except Exception:
                self.close(kill=True)
        if len(self.got) == count:
            self.close()  # all sent: reap the child
        return (True, self.got[index]) if index < len(self.got) else (False, None)

    def close(self, *, kill: bool = False) -> None:
        if self.pipe is not None:
            os.close(self.pipe)
            os.close(self.box)
            self.pipe = None
        if self.pid is not None:
            if kill:
                with contextlib.suppress(OSError):
                    os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None


_PLACE = struct.Struct("=QQ")
"""Where a result lies in the in-memory file: offset, size."""


def _read_exactly(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = os.read(fd, size - len(data))
        if not more:
            raise EOFError("the child stopped before sending its result")
        data += more
    return data


def _send(work: Callable[[], Any], box: int, pipe: int) -> None:
    """In the child: pickle ``work()`` into ``box`` from the next page on (written through
    a buffer, never whole in memory twice), then say where it lies."""
    result = work()
    end = os.lseek(box, 0, os.SEEK_END)
    offset = -(-end // mmap.ALLOCATIONGRANULARITY) * mmap.ALLOCATIONGRANULARITY
    os.lseek(box, offset, os.SEEK_SET)
    with io.FileIO(box, "wb", closefd=False) as raw, io.BufferedWriter(raw, 1 << 20) as out:
        _Pickler(out).dump(result)
    os.write(pipe, _PLACE.pack(offset, os.lseek(box, 0, os.SEEK_CUR) - offset))


class Pending(Generic[R]):
    """A result being computed in a forked child; ``result()`` waits for it (and keeps
    it), and computes it here when the child could not be started or failed in any way."""

    def __init__(
        self, work: Callable[[], R], child: _Child | None = None, index: int = 0, count: int = 1
    ) -> None:
        self._work, self._child, self._index, self._count = work, child, index, count
        self._done: tuple[R] | None = None

    def result(self) -> R:
        if self._done is not None:
            return self._done[0]
        if self._child is not None:
            ok, value = self._child.get(self._index, self._count)
            self._child = None
            if ok:
                self._done = (cast(R, value),)
                return self._done[0]
        self._done = (self._work(),)
        return self._done[0]

    def cancel(self) -> None:
        """Stop the child, whose results are no longer wanted (a re-export that takes the
        full path should not wait for the output scan it started)."""
        if self._child is not None:
            self._child.close(kill=True)
            self._child = None


def background(work: Callable[[], R], *, when: bool = True) -> Pending[R]:
    """``work()`` started in a forked child when ``when`` holds and forking is available;
    otherwise it runs when its result is asked for."""
    return background_each([work], when=when)[0]


def background_each(works: Sequence[Callable[[], Any]], *, when: bool = True) -> list[Pending[Any]]:
    """``background`` for several works done one after another by one child, each result
    sent as soon as it is done: the caller can use the first while the child computes
    the next."""
    if not when or not available():
        return [Pending(work) for work in works]
    try:
        box = os.memfd_create("agentpack-results", os.MFD_CLOEXEC)
    except OSError:
        return [Pending(work) for work in works]
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (read_fd, write_fd, box):
            os.close(fd)
        return [Pending(work) for work in works]
    if pid == 0:  # the child: compute, send, and leave without running any exit handler
        status = 1
        try:
            os.close(read_fd)
            for work in works:
                _send(work, box, write_fd)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    child = _Child(pid, read_fd, box)
    return [Pending(work, child, i, len(works)) for i, work in enumerate(works)]


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
