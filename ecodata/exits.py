"""How a command ends: its exit code, a one-line error, and what Ctrl-C and SIGTERM do.

0 valid, 1 invalid, 2 cannot run (the input's fault), 3 a bug in ecodata, 128 + the signal when
interrupted; never a traceback unless --debug asks for it.
"""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager

import click

from .package import PackageError

EXIT_VALID, EXIT_INVALID, EXIT_CANNOT_RUN, EXIT_BUG = 0, 1, 2, 3


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
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except PackageError as error:
            raise CannotRun(str(error)) from None
        except RecursionError:
            raise CannotRun("the input is nested too deeply to read") from None
        except KeyboardInterrupt:  # Ctrl-C outside ended_by_signals: the shell's 130, not click's 1
            sys.exit(128 + signal.SIGINT)  # ("Aborted!"), which `validate` uses for "invalid"
        except Exception as error:
            if ctx.params.get("debug"):
                import traceback

                traceback.print_exc()
                sys.exit(EXIT_BUG)  # the traceback, and still the exit code of a bug (not Python's 1)
            raise Bug(
                f"internal error, a bug in ecodata: {type(error).__name__}: {error} (run with --debug for the traceback)"
            ) from None


@contextmanager
def ended_by_signals():
    """Ctrl-C and SIGTERM (a cancelled CI job, `timeout`) end the command as an exception would, so its
    temporary files are removed, with the shell's status 128 + signal (not 1, which `diff` uses for
    "the packages differ"). Without this, SIGTERM kills Python on the spot and leaves them behind."""

    def stop(number, frame):
        raise SystemExit(128 + number)

    if threading.current_thread() is not threading.main_thread():  # only it may set handlers (a library
        yield  # caller running the command on a thread of its own keeps its own handling)
        return
    previous = {
        number: signal.signal(number, stop)
        for number in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(number) is not signal.SIG_IGN  # ignored (`command &` in a script): stays so
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
