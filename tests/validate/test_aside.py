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
        "child, value = started_aside(where_and_what, 21).result()\n"
        "print(child != os.getpid(), value)"
    )
    assert in_a_thread_free_process(code) == "True 42"


def test_with_another_thread_running_the_function_runs_here():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert started_aside(where_and_what, 1).result() == (os.getpid(), 2)
    finally:
        stop.set()
        other.join()


def fails(message):
    raise ValueError(message)


def test_an_exception_in_the_child_is_raised_here_as_the_function_raises_it():
    with pytest.raises(ValueError, match="no such field"):  # at once when run here, or when asked
        started_aside(fails, "no such field").result()


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
        f"print(aside.started_aside(test_aside.{function}, os.getpid()).result(), time.monotonic() - started < 30)"
    )
    assert in_a_thread_free_process(code) == "computed here True"


def sleeps_in_a_child(parent: int):
    print("a child writes nothing to its parent's output")
    while os.getpid() != parent:
        time.sleep(1)
    return "computed here"


@linux_only
def test_a_process_forks_once_then_works_here():
    code = (
        "import os\nfrom ecodata.validate.engine.aside import started_aside\n"
        "from tests.validate.test_aside import where_and_what\n"
        "first, second = (started_aside(where_and_what, 1).result()[0] for _ in range(2))\n"
        "print(first != os.getpid(), second == os.getpid())"
    )
    assert in_a_thread_free_process(code) == "True True"


@linux_only
def test_the_result_comes_back_with_sigchld_ignored_and_past_descriptor_1024():
    """SIGCHLD ignored (inherited through exec) reaps the child before waitpid can; select() refuses a
    descriptor numbered 1024 or more."""
    code = (
        "import os, resource, signal\nfrom ecodata.validate.engine.aside import started_aside\n"
        "from tests.validate.test_aside import where_and_what\n"
        "signal.signal(signal.SIGCHLD, signal.SIG_IGN)\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))\n"
        "held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]\n"
        "child, value = started_aside(where_and_what, 21).result()\n"
        "print(child != os.getpid(), value)"
    )
    assert in_a_thread_free_process(code) == "True 42"


@linux_only
def test_a_cancelled_or_orphaned_child_leaves_nothing_behind():
    code = (
        "import os, time\nfrom ecodata.validate.engine.aside import started_aside\n"
        "from tests.validate.test_aside import sleeps_in_a_child\n"
        "pending = started_aside(sleeps_in_a_child, os.getpid())\n"
        "child = pending.child\npending.cancel()\n"
        "try:\n    os.kill(child, 0)\n    print('still there')\nexcept ProcessLookupError:\n    print('gone')\n"
    )
    assert in_a_thread_free_process(code) == "gone"
    orphaning = (  # the parent ends at once, as on SIGTERM: its output closes, the child dies with it
        "import os\nfrom ecodata.validate.engine.aside import started_aside\n"
        "from tests.validate.test_aside import sleeps_in_a_child\n"
        "started_aside(sleeps_in_a_child, os.getpid())\nprint('parent', flush=True)\nos._exit(0)\n"
    )
    started = time.monotonic()
    assert in_a_thread_free_process(orphaning) == "parent"
    assert time.monotonic() - started < 5  # not held open by the sleeping child


def test_the_reading_stops_at_the_next_piece_once_the_descriptor_is_refused():
    from ecodata.validate.engine.package_checks import DescriptorRefused, UntilRefused
    from ecodata.validate.engine.progress import NO_PROGRESS

    class Verdict:
        def __init__(self, findings):
            self.findings, self.ready = findings, False

        def answered(self):
            return self.ready

        def result(self):
            return self.findings, None

    refused, accepted = Verdict(["package-error"]), Verdict([])
    for verdict in (refused, accepted):
        with UntilRefused(NO_PROGRESS, verdict).task("observations", 100) as advance:
            advance(10)  # no answer yet: the reading goes on
            verdict.ready = True
            if verdict is refused:
                with pytest.raises(DescriptorRefused):
                    advance(10)
            else:
                advance(10)


def test_without_a_child_a_refused_descriptor_is_found_before_any_row_is_read(tmp_path):
    """Another thread keeps the check here (aside.alone): it runs first, as it always did."""
    from ecodata.package import load_package
    from ecodata.validate.run import validate
    from tests.parity import table, write_package

    class Recorder:
        def __init__(self):
            self.tasks = []

        def task(self, name, total):
            self.tasks.append(name)
            return NO_PROGRESS.task(name, total)

    from ecodata.validate.engine.progress import NO_PROGRESS

    descriptor = write_package(
        tmp_path, [table("t", [{"name": "id", "type": "integr"}])], {"t.csv": b"id\n1\n"}
    )
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        recorder = Recorder()
        found = validate(load_package(descriptor), progress=recorder).findings
    finally:
        stop.set()
        other.join()
    assert [finding.type for finding in found] == ["field-error"] and recorder.tasks == []
