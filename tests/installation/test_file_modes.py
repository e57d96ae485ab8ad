"""The database file, its write-ahead files and backups are readable by their owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.processes import run_casebook

on_sqlite = pytest.mark.skipif(
    "os.environ.get('DATABASE_URL', '').startswith('postgres')",
    reason="the SQLite database file; PostgreSQL keeps its own files",
)

# A shell that keeps the database open while it looks at the files beside it.
LIST_OPEN_FILES = (
    "import os; from django.db import connection; "
    "from casebook.people.models import Person; Person.objects.count(); "
    "name = str(connection.settings_dict['NAME']); "
    "[print('database' + end, oct(os.stat(name + end).st_mode & 0o777)) "
    "for end in ('', '-wal', '-shm') if os.path.exists(name + end)]"
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The usual umask of a desktop session: new files readable by every local user."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@on_sqlite
def test_init_creates_the_database_and_its_wal_files_private(tmp_path, open_umask):
    init = run_casebook(tmp_path, "init", "--password-stdin", stdin="a-long-password-1\n")
    assert init.returncode == 0, init.stderr
    assert mode(tmp_path / "casebook.sqlite3") == 0o600
    listed = run_casebook(tmp_path, "shell", "-c", LIST_OPEN_FILES)
    assert listed.returncode == 0, listed.stderr
    modes = dict(line.split() for line in listed.stdout.splitlines() if line.startswith("database"))
    assert {"database", "database-wal", "database-shm"} <= set(modes), listed.stdout
    assert set(modes.values()) == {"0o600"}, modes
    for path in tmp_path.glob("casebook.sqlite3*"):
        assert mode(path) == 0o600, path.name


@on_sqlite
def test_an_older_readable_database_is_made_private_when_next_opened(tmp_path, open_umask):
    init = run_casebook(tmp_path, "init", "--password-stdin", stdin="a-long-password-1\n")
    assert init.returncode == 0, init.stderr
    database = tmp_path / "casebook.sqlite3"
    database.chmod(0o644)  # as Casebook made it before
    listed = run_casebook(tmp_path, "shell", "-c", LIST_OPEN_FILES)
    assert listed.returncode == 0, listed.stderr
    assert mode(database) == 0o600
    assert all(mode(path) == 0o600 for path in tmp_path.glob("casebook.sqlite3*"))


@on_sqlite
def test_backups_made_by_the_command_are_private(tmp_path, open_umask):
    init = run_casebook(tmp_path, "init", "--password-stdin", stdin="a-long-password-1\n")
    assert init.returncode == 0, init.stderr
    for name, extra in (("backup.sqlite3", []), ("backup.json", ["--format", "json"])):
        made = run_casebook(tmp_path, "backup", str(tmp_path / name), *extra)
        assert made.returncode == 0, made.stderr
        assert mode(tmp_path / name) == 0o600, name
    keys = run_casebook(tmp_path, "keys", "backup", str(tmp_path / "keyring-backup.sqlite3"))
    assert keys.returncode == 0, keys.stderr
    assert mode(tmp_path / "keyring-backup.sqlite3") == 0o600
