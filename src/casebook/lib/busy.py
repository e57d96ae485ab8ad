"""Telling a busy database from a broken one, and waiting for it.

SQLite lets one writer in at a time: another writer waits up to its busy timeout, then gets
"database is locked" ("database table is locked" in a shared-cache database). PostgreSQL
says so with a lock timeout, a deadlock or a serialisation failure. None of these is a
problem with the work itself: the same work succeeds a moment later, so it must be tried
again, never recorded as failed and never lost. Framework-free: the errors are recognised by
their message and SQLSTATE, whatever wraps them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema is locked")
# lock_not_available, serialization_failure, deadlock_detected
_POSTGRES_BUSY = frozenset({"55P03", "40001", "40P01"})


def database_busy(error: BaseException) -> bool:
    """Is this error a database too busy to answer now (rather than a real failure)?

    >>> import sqlite3
    >>> database_busy(sqlite3.OperationalError("database is locked"))
    True
    >>> database_busy(sqlite3.OperationalError("no such table: cases_incident"))
    False
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if any(text in str(current) for text in _SQLITE_BUSY):
            return True
        if getattr(current, "sqlstate", None) in _POSTGRES_BUSY:
            return True
        current = current.__cause__ or current.__context__
    return False


def call_when_free(
    work: Callable[[], T],
    *,
    patience: float = 600.0,
    first_wait: float = 0.5,
    longest_wait: float = 15.0,
    on_wait: Callable[[float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `work`; while the database is busy, wait (longer each time) and run it again.

    Gives up, raising the last error, only after `patience` seconds of waiting: a database
    held that long is a problem for a person to look at. Any other error is raised at once.
    """
    waited, wait = 0.0, first_wait
    while True:
        try:
            return work()
        except Exception as error:
            if not database_busy(error) or waited >= patience:
                raise
        if on_wait:
            on_wait(wait)
        sleep(wait)
        waited += wait
        wait = min(wait * 2, longest_wait)
