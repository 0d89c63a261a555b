"""How a command ends: its exit code, a one-line error, and what Ctrl-C and SIGTERM do.

0 valid, 1 invalid, 2 cannot run (the input's fault, or the machine's: a full disk), 3 a bug in ecodata,
128 + the signal when interrupted (and 141, SIGPIPE's, when the output's reader went away); never a
traceback unless --debug asks for it.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import ClassVar

import click

from .package import PackageError

EXIT_VALID, EXIT_INVALID, EXIT_CANNOT_RUN, EXIT_BUG = 0, 1, 2, 3
MACHINE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS}  # the machine's, not ecodata's
SQLITE_MACHINE_ERRORS = {10, 13}  # SQLITE_IOERR, SQLITE_FULL ("database or disk is full")


class CannotRun(click.ClickException):
    """A one-line error and exit 2: the command could not run at all (the input's fault)."""

    exit_code = EXIT_CANNOT_RUN


class Bug(click.ClickException):
    """A one-line error and exit 3: ecodata itself failed."""

    exit_code = EXIT_BUG


class GuardedGroup(click.Group):
    """A PackageError is the input's fault (exit 2); anything else unexpected is a bug in ecodata (exit 3),
    shown in one line unless --debug asks for the traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (
            click.Abort
        ) as abort:  # a prompt's answer never came: click says "Aborted!", exit 1 ("invalid")
            if isinstance(abort.__context__, EOFError):
                raise CannotRun(
                    "the input ended at a question; give the answers as options (see --help)"
                ) from None
            sys.exit(128 + signal.SIGINT)  # Ctrl-C at a prompt
        except (click.ClickException, click.exceptions.Exit):
            raise
        except PackageError as error:
            raise CannotRun(str(error)) from None
        except RecursionError:
            raise CannotRun("the input is nested too deeply to read") from None
        except KeyboardInterrupt:  # Ctrl-C outside ended_by_signals: the shell's 130, not click's 1
            stopped_by(signal.SIGINT)  # (not click's "Aborted!" and 1, which `validate` uses for "invalid")
        except BrokenPipeError:  # the reader of the output went away (`| head`): as if killed by SIGPIPE
            output_dropped()
            sys.exit(128 + signal.SIGPIPE)
        except Exception as error:
            if isinstance(error, OSError) and error.errno in MACHINE_ERRORS:  # a full disk, say
                if not error.filename:  # the output's (`> /dev/full`)
                    output_dropped()
                raise CannotRun(
                    f"cannot go on: {error.strerror} ({error.filename or 'the output'})"
                ) from None
            if getattr(error, "sqlite_errorcode", None) in SQLITE_MACHINE_ERRORS:  # the build's database
                raise CannotRun(f"cannot go on: {error} (writing a SQLite database)") from None
            if ctx.params.get("debug"):
                import traceback

                traceback.print_exc()
                sys.exit(EXIT_BUG)  # the traceback, and still the exit code of a bug (not Python's 1)
            raise Bug(bug_line(error)) from None


def stopped_by(number: int) -> None:
    """Say so in a line (a cancelled CI job's log showed nothing), and end with the shell's 128 + signal."""
    click.echo(f"stopped by {signal.Signals(number).name}", err=True)
    sys.exit(128 + number)


def output_dropped() -> None:
    """Standard output to /dev/null: what it still buffers cannot be written (Python would say so at exit,
    with status 120)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def bug_line(error: Exception) -> str:
    return f"internal error, a bug in ecodata: {type(error).__name__}: {error} (run with --debug for the traceback)"


@contextmanager
def ended_by_signals():
    """Ctrl-C and SIGTERM (a cancelled CI job, `timeout`) end the command as an exception would, so its
    temporary files are removed, with the shell's status 128 + signal (not 1, which `diff` uses for
    "the packages differ"). Without this, SIGTERM kills Python on the spot and leaves them behind."""

    if threading.current_thread() is not threading.main_thread():  # only it may set handlers (a library
        yield  # caller running the command on a thread of its own keeps its own handling)
        return
    Forks.watch()
    previous = {
        number: signal.signal(number, stop)
        for number in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(number) is not signal.SIG_IGN  # ignored (`command &` in a script): stays so
    }
    try:
        yield
    except SystemExit as ending:  # `stop`'s, said in a line
        if isinstance(ending.code, int) and ending.code - 128 in previous:
            stopped_by(ending.code - 128)
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def stop(number, frame):
    """`ended_by_signals`'s handler: SystemExit, or the signal again once this process has forked."""
    if Forks.forking or (frame is not None and frame.f_code is Forks.begin.__code__):  # (its first line)
        Forks.deferred.append(number)
        return
    raise SystemExit(128 + number)


class Forks:
    """While this process forks (the descriptor's check, the processes checking parts), a signal's
    SystemExit could be raised inside fork's own callbacks (logging's lock), where Python ignores it:
    the build went on as if it had not been stopped, waiting for work no one wanted (a test's group
    signal, under load). `stop` keeps such a signal, which comes again right after the fork."""

    forking = False
    deferred: ClassVar[list[int]] = []
    watched = False

    @classmethod
    def watch(cls) -> None:
        """Once per process. logging is imported first: its callbacks then run inside ours."""
        import logging  # noqa: F401

        if not cls.watched:
            os.register_at_fork(before=cls.begin, after_in_parent=cls.end, after_in_child=cls.child)
            cls.watched = True

    @staticmethod
    def begin() -> None:
        Forks.forking = True

    @classmethod
    def end(cls) -> None:
        if cls.deferred:  # from a thread, in a moment: a handler run in this callback would be ignored
            threading.Timer(0.01, cls.deliver).start()
        cls.forking = False  # last: no handler runs between this and the end of the callback

    @classmethod
    def deliver(cls) -> None:
        """Send the kept signal again once the fork is over (a starved main thread may still be in `end`)."""
        while cls.forking:
            time.sleep(0.005)
        while cls.deferred:
            os.kill(os.getpid(), cls.deferred.pop())

    @classmethod
    def child(cls) -> None:
        cls.forking = False
        cls.deferred.clear()
