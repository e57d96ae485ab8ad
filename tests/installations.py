"""Whole installations for tests that run `casebook` as separate processes (restore, faults).

`casebook init` takes many seconds, so a module sets one up once (`Installation.create`) and
each test works on a copy of it (`copy`): the data folder is copied, and on PostgreSQL (when
the suite runs there) the database is cloned from the first one as a template. Each copy
has its own data folder, keys, vault and database, and none of the test run's settings.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tests.processes import CASEBOOK, casebook_env, run_with_env

PASSWORD = "a-long-password-1"


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def _postgres_admin(sql: str) -> None:
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(sql)


class Installation:
    """One installation: its data folder, its environment, and (on PostgreSQL) its database."""

    def __init__(self, data: Path, database: str | None):
        self.data = data
        self.database = database
        extra = {}
        if database:
            extra["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + database
        self.env = casebook_env(data / "home", data_dir=data, **extra)

    @classmethod
    def create(cls, data: Path, name: str) -> Installation:
        """`casebook init` in `data` (and a new PostgreSQL database `name` when on it)."""
        database = None
        if on_postgres():
            database = f"{name}_{os.getpid()}"
            _postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            _postgres_admin(f'CREATE DATABASE "{database}"')
        installation = cls(data, database)
        installation.ok("init", "--password-stdin", stdin=PASSWORD + "\n")
        return installation

    def copy(self, data: Path, name: str) -> Installation:
        """A separate installation holding what this one holds now."""
        shutil.copytree(self.data, data, symlinks=True)
        database = None
        if self.database:
            database = f"{name}_{os.getpid()}"
            _postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            _postgres_admin(f'CREATE DATABASE "{database}" TEMPLATE "{self.database}"')
        else:
            # The copy of a database file must be consistent, write-ahead log included.
            for end in ("-wal", "-shm"):
                (data / f"casebook.sqlite3{end}").unlink(missing_ok=True)
            with sqlite3.connect(self.data / "casebook.sqlite3") as source:
                target = sqlite3.connect(data / "casebook.sqlite3")
                source.backup(target)
                target.close()
        return Installation(data, database)

    def drop(self) -> None:
        if self.database:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def wipe_database(self) -> None:
        """The database as a new installation has it before anything: empty."""
        if self.database:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            _postgres_admin(f'CREATE DATABASE "{self.database}"')
        else:
            for end in ("", "-wal", "-shm"):
                (self.data / f"casebook.sqlite3{end}").unlink(missing_ok=True)

    @property
    def vault(self) -> Path:
        return self.data / "evidence"

    def run(self, *args: str, stdin: str = "", timeout: int = 600):
        return run_with_env(self.env, *args, stdin=stdin, timeout=timeout)

    def ok(self, *args: str, stdin: str = "") -> str:
        """Run a command that must succeed; its standard output."""
        result = self.run(*args, stdin=stdin)
        command = " ".join(args)
        assert result.returncode == 0, f"casebook {command}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def python(self, code: str) -> str:
        """Run Python inside the installation (`casebook shell -c`); the last line it printed."""
        return self.ok("shell", "-c", code).strip().splitlines()[-1]

    def count(self, sql: str) -> int:
        """A number from the installation's database, read beside the running commands
        (never through Django: the test process has a database of its own)."""
        if self.database:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as db:
                row = db.execute(sql).fetchone()
        else:
            db = sqlite3.connect(f"file:{self.data / 'casebook.sqlite3'}?mode=ro", uri=True)
            try:
                row = db.execute(sql).fetchone()
            except sqlite3.OperationalError:
                row = (0,)  # the table is not there yet
            finally:
                db.close()
        return int(row[0] or 0)

    def start(self, *args: str) -> subprocess.Popen:
        """Start a command without waiting for it (to stop it half-way)."""
        return subprocess.Popen(
            [*CASEBOOK, *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


def kill_when(process: subprocess.Popen, moment: Callable[[], bool]) -> None:
    """`kill -9` the process as soon as `moment()` holds (a row, a file, a key appearing).

    Fails when the process ended first: the work given was too small to stop half-way.
    """
    while process.poll() is None:
        if moment():
            process.kill()
            process.wait()
            return
        time.sleep(0.002)
    output = process.stdout.read() if process.stdout else ""
    raise AssertionError(f"the command ended before the moment to kill it came:\n{output}")
