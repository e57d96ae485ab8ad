"""kill -9 in the middle of `casebook import`: what its batches had written is taken back
by the next import before it reads anything (its process's lock is gone: `batches`), and
the same command run again imports the file whole, as if nothing had happened.

Everything runs as a user runs it: separate `casebook` processes on a fresh installation
(a data folder of its own on SQLite, a database of its own on PostgreSQL).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.processes import CASEBOOK, casebook_env, run_with_env

INCIDENTS = 1500
PASSWORD = "a-long-password-1\n"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


class Installation:
    """A fresh casebook: its environment, and a raw look at its tables (to see what a
    killed process left behind; everything else goes through the command)."""

    def __init__(self, folder: Path, database_url: str | None) -> None:
        extra = {"DATABASE_URL": database_url} if database_url else {}
        self.env = casebook_env(folder / "home", data_dir=folder, **extra)
        self.folder, self.database_url = folder, database_url

    @property
    def database_name(self) -> str:
        return (self.database_url or "").rsplit("/", 1)[-1]

    def casebook(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return run_with_env(self.env, *args, stdin=stdin, timeout=900)

    def count(self, sql: str) -> int:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as connection:
                return connection.execute(sql).fetchone()[0]
        connection = sqlite3.connect(self.folder / "casebook.sqlite3", timeout=60)
        try:
            return connection.execute(sql).fetchone()[0]
        finally:
            connection.close()

    def full_export(self) -> str:
        result = self.casebook("export", "--format", "json", "--personal-data")
        assert result.returncode == 0, result.stderr
        return result.stdout


@contextmanager
def installation(folder: Path, *, copy_of: Installation | None = None) -> Iterator[Installation]:
    """A fresh casebook made by `casebook init`, or a copy of one that nothing has touched
    since its `init` (its data folder, and on PostgreSQL its database as a template): the
    same fresh installation, without paying for the migrations a second time."""
    database_url = None
    if ON_POSTGRES:
        import psycopg

        admin_url = os.environ["DATABASE_URL"]
        name = f"test_killed_import_{uuid.uuid4().hex[:12]}"
        template = f' TEMPLATE "{copy_of.database_name}"' if copy_of else ""
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"{template}')
        database_url = re.sub(r"/[^/]*$", f"/{name}", admin_url)
    try:
        if copy_of:
            shutil.copytree(copy_of.folder, folder)
        casebook = Installation(folder, database_url)
        if not copy_of:
            made = casebook.casebook("init", "--password-stdin", stdin=PASSWORD)
            assert made.returncode == 0, made.stderr
        yield casebook
    finally:
        if database_url:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_file(path: Path) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["incident_id", "title", "date", "force", "act_type", "source_url"])
        for n in range(INCIDENTS):
            writer.writerow(
                [
                    f"killed-{n}",
                    f"Invented incident {n} of a file imported twice",
                    f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                    "metropolitan-police-service",
                    "arrest",
                    f"https://news.example.test/killed/{n}",
                ]
            )
    return path


def comparable(export: str) -> list:
    """A full export without what a casebook hands out anew each time: incident references
    and source keys (those the killed import had taken are never handed out again)."""
    text = re.sub(r"CB-\d{4}-\d{6}", "CB-#", export)
    text = re.sub(r"source-\d+", "source-#", text)
    return sorted(json.loads(text)["incidents"], key=lambda record: record["id"])


def kill_mid_import(casebook: Installation, file: Path) -> None:
    """Start the import, and kill -9 it once some batches are in and it is still writing."""
    log = (casebook.folder / "killed-import.log").open("w")
    process = subprocess.Popen(
        [*CASEBOOK, "import", str(file)], env=casebook.env, stdout=log, stderr=log
    )
    try:
        while process.poll() is None:
            if casebook.count("SELECT COUNT(*) FROM transfer_importjobwrite") > 0:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        process.wait(timeout=60)
    finally:
        log.close()
    if process.returncode != -signal.SIGKILL:
        pytest.fail("the import ended before it could be killed: " + log.name)


def test_an_import_killed_mid_write_is_taken_back_and_the_same_command_then_completes(
    tmp_path,
):
    file = write_file(tmp_path / "incidents.csv")
    with (
        installation(tmp_path / "uninterrupted") as whole,
        installation(tmp_path / "killed", copy_of=whole) as casebook,
    ):
        assert whole.casebook("import", str(file)).returncode == 0
        expected = comparable(whole.full_export())
        assert len(expected) == INCIDENTS

        kill_mid_import(casebook, file)
        # What kill -9 left: a job still marked running, and some of its batches.
        half = casebook.count("SELECT COUNT(*) FROM cases_incident")
        assert 0 < half < INCIDENTS
        assert casebook.count("SELECT COUNT(*) FROM transfer_importjob WHERE status='running'")

        checked = casebook.casebook("import", str(file), "--dry-run")

        assert checked.returncode == 0, checked.stderr
        assert "had been cut off half way; what it had written was taken back" in checked.stdout
        assert comparable(casebook.full_export()) == []
        assert casebook.count("SELECT COUNT(*) FROM transfer_importjobwrite") == 0
        assert casebook.count("SELECT COUNT(*) FROM transfer_importjob WHERE status='running'") == 0

        again = casebook.casebook("import", str(file))

        assert again.returncode == 0, again.stderr
        assert f"Imported {INCIDENTS:,} new incidents" in again.stdout
        assert comparable(casebook.full_export()) == expected
        verified = casebook.casebook("audit", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
