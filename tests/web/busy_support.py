"""Another writer holding the database's write lock, for tests of a busy casebook.

SQLite: a second connection to the same file in `BEGIN IMMEDIATE`, exactly what a long import
does to every other writer. PostgreSQL: a second connection holding an exclusive lock on the
tables the request writes. The test's own connection is told to give up sooner than an
installation does (SQLite's busy timeout, PostgreSQL's lock timeout), so that each test waits
a fraction of a second instead of five.
"""

from __future__ import annotations

import contextlib
import html
import re
import sqlite3

from django.db import connection

SHORT_WAIT_MS = 300
# The tables every write request touches: the audit trail and the sessions.
LOCKED_TABLES = ("audit_auditentry", "cases_incident", "accounts_session")


@contextlib.contextmanager
def patience_of(milliseconds: int):
    """Make this test's connection wait `milliseconds` for a lock, then put it back."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            before = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        else:
            cursor.execute(f"SET lock_timeout = '{int(milliseconds)}ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"PRAGMA busy_timeout = {int(before)}")
            else:
                cursor.execute("RESET lock_timeout")


@contextlib.contextmanager
def another_writer():
    """Another connection holds the write lock until the block ends."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        other = sqlite3.connect(str(settings["NAME"]), timeout=30, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    import psycopg

    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    try:
        with other.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {', '.join(LOCKED_TABLES)} IN EXCLUSIVE MODE")
        yield
    finally:
        other.rollback()
        other.close()


def kept_fields(page: str) -> dict[str, list[str]]:
    """The input the busy page keeps, as its "Send again" button would post it."""
    kept: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page):
        if name != "csrfmiddlewaretoken":
            kept.setdefault(html.unescape(name), []).append(html.unescape(value))
    return kept
