"""Run a pure function in a forked child while this process goes on, and take its result later.

The descriptor check is frictionless's: importing it and building its Package take 0.2 s of a 0.7 s
`ecodata validate` of 1 M rows, all of it Python on one core, while the rows' reading is mostly
Arrow's threads. A forked child inherits everything already loaded and starts in a millisecond, so the
two overlap (benchmarks/RESULTS.md). Only where fork is both there and sound: on Linux (macOS's system
libraries are not fork-safe, Windows has none), from a process with no other Python thread but the
engine's own pool's (between readings they wait, holding nothing; any other could hold a lock the child
needs, an import's say). Otherwise, or when the child fails in any way, the function simply runs
here, when its result is asked for.
"""

from __future__ import annotations

import os
import pickle
import select
import sys
import threading
import warnings
from collections.abc import Callable
from typing import TypeVar

from .rows import POOL_NAME

T = TypeVar("T")
PATIENCE_SECONDS = 60.0  # a child that has said nothing by then is stuck: it is killed and the work done here


def started_aside(function: Callable[..., T], *args) -> Callable[[], T]:
    """Start `function(*args)` in a forked child; the returned callable gives its result (or raises
    what the function raises, computed again here). `function` must not write anywhere but its result."""
    if not sys.platform.startswith("linux") or not alone():
        return lambda: function(*args)
    reading, writing = os.pipe()
    try:
        with warnings.catch_warnings():  # Python 3.12+ warns of fork beside threads; Arrow's are C++ only
            warnings.simplefilter("ignore", DeprecationWarning)
            child = os.fork()
    except OSError:  # no memory or process slot for a child: nothing is lost by working here
        os.close(reading), os.close(writing)
        return lambda: function(*args)
    if child == 0:  # pragma: no cover (the child leaves by os._exit; coverage never sees it)
        run_child(function, args, reading, writing)
    os.close(writing)

    def result() -> T:
        received = child_result(child, reading)
        return received[0] if received is not None else function(*args)

    return result


def alone() -> bool:
    """No Python thread but this one and the engine's idle pool: the engine submits work to the pool
    only from the thread that reads, so another reading would show as another thread."""
    here = threading.current_thread()
    return all(thread is here or thread.name.startswith(POOL_NAME) for thread in threading.enumerate())


def run_child(function, args, reading: int, writing: int) -> None:
    """The child: compute, send the pickled result, and leave without running anything of the parent's
    (atexit handlers, buffered output, finalizers)."""
    status = 1
    try:
        os.close(reading)
        result = pickle.dumps((function(*args),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(result)
        status = 0
    finally:
        os._exit(status)


def child_result(child: int, reading: int) -> tuple | None:
    """The child's result as a 1-tuple, or None when it failed, died or hung (then it is killed)."""
    received = bytearray()
    try:
        while select.select([reading], [], [], PATIENCE_SECONDS)[0]:
            chunk = os.read(reading, 1 << 20)
            if not chunk:
                break
            received += chunk
        else:
            os.kill(child, 9)
    finally:
        os.close(reading)
        _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        return pickle.loads(received)
    except Exception:
        return None
