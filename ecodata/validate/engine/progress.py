"""Progress bars on a terminal — one per resource read (bytes of the file's size), and the build's
steps (rows loaded, then the search index and the downloads) — and nothing elsewhere."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager


class NoProgress:
    @contextmanager
    def task(self, name: str, total: int, unit: str | None = "bytes"):
        yield lambda count: None


class BarProgress:
    """rich's bar, one line per resource; `advance(-n)` rewinds when a file is read again.

    Drawn when the reading reports progress, at most REFRESH_SECONDS apart, not by rich's refresh
    thread: no thread competes with the reading, and none keeps the engine from checking the
    descriptor in a forked child (aside.py forks only beside its own idle pool)."""

    REFRESH_SECONDS = 0.1

    def __init__(self, stream=None):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            amount_column(),
            TimeRemainingColumn(),
            console=Console(file=stream or sys.stderr),
            transient=False,
            auto_refresh=False,
        )
        self.drawn = 0.0

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    @contextmanager
    def task(self, name: str, total: int, unit: str | None = "bytes"):
        """A bar counting to `total`: bytes (shown as a download is), anything else by its name; a unit
        of None: one step, no amount shown."""
        task_id = self.progress.add_task(name, total=total, unit=unit)
        self.progress.refresh()
        try:
            yield lambda count: self.advance(task_id, count)
        except BaseException:
            self.progress.refresh()  # an interrupt or an error: the bar stays where the work stopped
            raise
        self.progress.update(task_id, completed=total, refresh=True)

    def advance(self, task_id, count: int) -> None:
        self.progress.advance(task_id, count)
        if (now := time.monotonic()) - self.drawn >= self.REFRESH_SECONDS:
            self.drawn = now
            self.progress.refresh()


def amount_column():
    """How far a task is: bytes as rich shows a download (12.3/88.2 MB), other units counted (1,024/5,000
    rows), nothing for a step."""
    from rich.progress import DownloadColumn, ProgressColumn
    from rich.text import Text

    class AmountColumn(ProgressColumn):
        download = DownloadColumn()

        def render(self, task):
            unit = task.fields.get("unit", "bytes")
            if unit == "bytes":
                return self.download.render(task)
            if unit is None:  # a step: its bar says when it is done
                return Text("")
            return Text(f"{int(task.completed):,}/{int(task.total or 0):,} {unit}", style="progress.download")

    return AmountColumn()


NO_PROGRESS = NoProgress()


class Counted:
    """An advance that remembers what it reported, so a file read again can take that back."""

    def __init__(self, advance):
        self.advance = advance
        self.reported = 0

    def __call__(self, count: int) -> None:
        self.reported += count
        self.advance(count)

    def take_back(self) -> None:
        self.advance(-self.reported)
        self.reported = 0


def progress_for(stream, quiet: bool):
    """A bar when `stream` is a terminal and the user did not ask for quiet; otherwise nothing."""
    if quiet or not getattr(stream, "isatty", lambda: False)():
        return None
    return BarProgress(stream)
