"""Django's SQLite backend, with the database file private to its owner (mode 600).

SQLite creates a missing database file with the process's umask (often 644: readable by
every local user) and gives its `-wal`, `-shm` and `-journal` files the database file's own
mode. So the file is created with mode 600 before SQLite first opens it, and a file that
others can read (made by an older Casebook) is made private, with its write-ahead files,
the next time Casebook opens it. Settings use this backend for every SQLite database
(`settings._databases`); it is otherwise Django's own.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.db.backends.sqlite3 import base

PRIVATE = 0o600
COMPANIONS = ("-wal", "-shm", "-journal")


def private_database_file(name: object) -> None:
    """Create the database file with mode 600 if missing; take away others' access if not.

    In-memory databases (`:memory:`, `file:…?mode=memory`) have no file and are left alone.
    """
    text = str(name or "")
    if not text or text == ":memory:" or text.startswith("file:"):
        return
    path = Path(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
        return
    except FileExistsError:
        pass
    for candidate in (path, *(path.with_name(path.name + end) for end in COMPANIONS)):
        try:
            mode = candidate.stat().st_mode
            if mode & 0o077:
                os.chmod(candidate, mode & 0o700)
        except FileNotFoundError:
            continue


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        private_database_file(conn_params.get("database"))
        return super().get_new_connection(conn_params)
