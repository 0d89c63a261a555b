"""started_aside: the work runs in a forked child when that is sound, and here whenever the child fails."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from ecodata.validate.engine.aside import started_aside

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")


def where_and_what(value):
    return os.getpid(), value * 2


def in_a_thread_free_process(code: str) -> str:
    """pytest's own process may have threads (a browser's, a server's): run the call in a fresh one."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@linux_only
def test_the_function_runs_in_a_child_and_its_result_comes_back():
    code = (
        "import os\nfrom ecodata.validate.engine.aside import started_aside\nfrom tests.validate.test_aside import where_and_what\n"
        "result = started_aside(where_and_what, 21)\nchild, value = result()\n"
        "print(child != os.getpid(), value)"
    )
    assert in_a_thread_free_process(code) == "True 42"


def test_with_another_thread_running_the_function_runs_here():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert started_aside(where_and_what, 1)() == (os.getpid(), 2)
    finally:
        stop.set()
        other.join()


def fails(message):
    raise ValueError(message)


def test_an_exception_in_the_child_is_raised_here_as_the_function_raises_it():
    pending = started_aside(fails, "no such field")
    with pytest.raises(ValueError, match="no such field"):
        pending()


def dies_in_a_child(parent: int):
    if os.getpid() != parent:
        os._exit(9)  # as if killed: no result, no traceback
    return "computed here"


def hangs_in_a_child(parent: int):
    while os.getpid() != parent:
        time.sleep(1)
    return "computed here"


@linux_only
@pytest.mark.parametrize("function", ["dies_in_a_child", "hangs_in_a_child"])
def test_a_child_that_dies_or_hangs_costs_nothing_but_time(function):
    code = (
        "import os, time\nfrom ecodata.validate.engine import aside\nfrom tests.validate import test_aside\n"
        "aside.PATIENCE_SECONDS = 1.0\nstarted = time.monotonic()\n"
        f"print(aside.started_aside(test_aside.{function}, os.getpid())(), time.monotonic() - started < 30)"
    )
    assert in_a_thread_free_process(code) == "computed here True"
