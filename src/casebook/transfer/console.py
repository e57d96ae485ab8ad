"""Progress bars for `casebook import` and `casebook export`, on the terminal's stderr.

The services report progress through a plain callback (`services.Progress`); this turns it
into rich progress bars, one per phase. They are drawn on stderr and vanish when done, so
that standard output stays the file (export) or the report (import).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from casebook.transfer.services import Progress as ProgressCallback

PHASES = {
    "reading": "Reading the file",
    "checking": "Checking incidents",
    "writing": "Writing incidents",
    "exporting": "Exporting incidents",
}


class _Bars:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase not in PHASES:
            return  # a count, not a phase with a bar ("problems": the report lists them)
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(PHASES.get(phase, phase), total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)


@contextmanager
def progress_bars(*, enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """A progress callback drawing bars while the block runs; None when not `enabled`."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    # No redirection of sys.stdout into the bars' console: an export may be writing there.
    with Progress(
        *columns,
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        yield _Bars(progress)
