"""Run a pure function in a forked child while this process goes on, and take its result later.

The descriptor check is frictionless's: importing it and building its Package take 0.2 s of a 0.7 s
`ecodata validate` of 1 M rows, all of it Python on one core, while the rows' reading is mostly
Arrow's threads. A forked child inherits everything already loaded and starts in a millisecond, so the
two overlap (benchmarks/RESULTS.md). Only where fork is both there and sound: on Linux (macOS's system
libraries are not fork-safe, Windows has none), from a process with no other Python thread but the
engine's own pool's (between readings they wait, holding nothing; any other could hold a lock the child
needs, an import's say), and once per process: a process that validates again (a library user, a test
run) is better off importing frictionless once than having a child import it at every call.
Otherwise the function runs here, at once; and when the child fails in any way, here when its result
is asked for.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

from .rows import POOL_NAME

T = TypeVar("T")
PATIENCE_SECONDS = 60.0  # a child that has said nothing by then is stuck: it is killed and the work done here
_forked = False  # whether this process has forked a child already (see the module's docstring)


class Aside(Generic[T]):
    """`function(*args)`, running in a forked child (`child` its pid) or left to run here."""

    def __init__(self, function: Callable[..., T], args: tuple, child: int | None = None, pipe: int = -1):
        self.function, self.args, self.child, self.pipe = function, args, child, pipe
        self.kept: tuple | None = None
        self.taking = threading.Lock()  # the reading threads may ask too (answered(), then result())
        self.poller = select.poll()  # not select.select: it refuses a descriptor numbered 1024 or more
        if child is not None:
            self.poller.register(pipe, select.POLLIN)

    def result(self) -> T:
        """The child's result, or the function's run here when there is no child or it failed (raising
        what the function raises)."""
        with self.taking:
            if self.kept is None:
                received = self.received() if self.child is not None else None
                self.kept = received if received is not None else (self.function(*self.args),)
        return self.kept[0]

    def answered(self) -> bool:
        """Whether the result is there to take at once: the child has written or ended (never blocks)."""
        if self.kept is not None:
            return True
        return self.child is not None and bool(self.poller.poll(0))

    def cancel(self) -> None:
        """Stop the child, if any: the caller is giving up (an interrupt, say)."""
        if self.child is not None:
            self.end(kill=True)

    def received(self) -> tuple | None:
        """The child's result as a 1-tuple; None when it failed, died or hung (then it is killed)."""
        data = bytearray()
        hung = False
        try:
            while True:
                if not self.poller.poll(PATIENCE_SECONDS * 1000):
                    hung = True
                    break
                chunk = os.read(self.pipe, 1 << 20)
                if not chunk:
                    break
                data += chunk
        except BaseException:  # interrupted while waiting: the child goes too
            self.end(kill=True)
            raise
        succeeded = self.end(kill=hung)
        try:  # a whole pickle (it ends with its own STOP) is the child's answer, however it was reaped
            return pickle.loads(data) if succeeded is not False else None
        except Exception:
            return None

    def end(self, kill: bool) -> bool | None:
        """Close the pipe and reap the child (killed first if asked): whether it exited with 0, or None
        when it was reaped elsewhere (SIGCHLD ignored, or a handler of the caller's took it)."""
        child, self.child = self.child, None
        os.close(self.pipe)
        if kill:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            _, status = os.waitpid(child, 0)
        except ChildProcessError:
            return None
        return os.waitstatus_to_exitcode(status) == 0


def started_aside(function: Callable[..., T], *args) -> Aside[T]:
    """Start `function(*args)` in a forked child where that is sound (see the module's docstring), else
    run it now; `.result()` gives its result, or raises what it raised. `function` must not write
    anywhere but its result."""
    global _forked
    if _forked or not sys.platform.startswith("linux") or not alone():
        return done_here(function, args)
    reading, writing = os.pipe()
    try:
        with warnings.catch_warnings():  # Python 3.12+ warns of fork beside threads; Arrow's are C++ only
            warnings.simplefilter("ignore", DeprecationWarning)
            child = os.fork()
    except OSError:  # no memory or process slot for a child: nothing is lost by working here
        os.close(reading), os.close(writing)
        return done_here(function, args)
    if child == 0:  # pragma: no cover (the child leaves by os._exit; coverage never sees it)
        run_child(function, args, reading, writing)
    _forked = True
    os.close(writing)
    return Aside(function, args, child, reading)


def done_here(function: Callable[..., T], args: tuple) -> Aside[T]:
    """The function run here and now, before the caller goes on: as if there were no child at all."""
    aside = Aside(function, args)
    aside.result()
    return aside


def alone() -> bool:
    """No Python thread but this one and the engine's idle pool: the engine submits work to the pool
    only from the thread that reads, so another reading would show as another thread."""
    here = threading.current_thread()
    return all(thread is here or thread.name.startswith(POOL_NAME) for thread in threading.enumerate())


def run_child(function, args, reading: int, writing: int) -> None:
    """The child: detached from the terminal and the caller's pipes (it writes nothing there, and must
    not keep a caller waiting for their end), dying with its parent; compute, send the pickled result,
    and leave without running anything of the parent's (atexit handlers, buffered output, finalizers)."""
    status = 1
    try:
        os.close(reading)
        die_with_parent()
        nothing = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(nothing, stream)
        result = pickle.dumps((function(*args),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(result)
        status = 0
    finally:
        os._exit(status)


def die_with_parent() -> None:
    """Linux's PR_SET_PDEATHSIG: SIGKILL when the parent ends, say by a SIGTERM that runs no cleanup."""
    import ctypes

    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the call took effect
        os._exit(1)
