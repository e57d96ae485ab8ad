"""Fast inserts for many new rows (imports, sample data): keys handed out up front, one
`executemany` per table.

`bulk_create` compiles every value of every row through Django's SQL compiler, and needs
RETURNING to learn the keys of parents before their children can point at them; for the
sample data that cost more than generating the data itself. Here keys are taken from a
`KeyPool` while the objects are built, so a child gets its parent's key on assignment, and
each table is written with a single prepared statement. Values still go through each
field's `pre_save()` and `get_db_prep_save()`, exactly as in `Model.save()`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class KeyPool:
    """Primary keys for new rows, taken before the rows are inserted.

    PostgreSQL: blocks of values from the table's own sequence, so concurrent writers never
    collide. SQLite: one past the highest key the table ever used; call `start()` inside
    each write transaction (SQLite's IMMEDIATE transactions hold the write lock from BEGIN,
    so nobody else can take the same numbers meanwhile).
    """

    BLOCK = 1000

    def __init__(self, connection: BaseDatabaseWrapper):
        if connection.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"No key pool for {connection.vendor}")
        self.connection = connection
        self._next: dict[type[models.Model], int] = {}
        self._free: dict[type[models.Model], deque[int]] = {}

    def start(self) -> None:
        """Forget SQLite counters read in an earlier transaction."""
        self._next.clear()

    def take(self, model: type[models.Model]) -> int:
        if self.connection.vendor == "postgresql":
            free = self._free.setdefault(model, deque())
            if not free:
                free.extend(self._sequence_block(model))
            return free.popleft()
        if model not in self._next:
            self._next[model] = self._sqlite_highest(model) + 1
        key = self._next[model]
        self._next[model] += 1
        return key

    def _sequence_block(self, model: type[models.Model]) -> list[int]:
        table, column = model._meta.db_table, model._meta.pk.column
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, self.BLOCK],
            )
            return [row[0] for row in cursor.fetchall()]

    def _sqlite_highest(self, model: type[models.Model]) -> int:
        # sqlite_sequence remembers keys of deleted rows too: never hand those out again,
        # or old audit entries would point at new rows.
        table = model._meta.db_table
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX(id) FROM (SELECT MAX({quote(model._meta.pk.column)}) AS id "  # noqa: S608
                f"FROM {quote(table)} UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
                [table],
            )
            return cursor.fetchone()[0] or 0


def insert_rows(connection: BaseDatabaseWrapper, objects: Sequence[models.Model]) -> int:
    """INSERT objects of one model whose keys (and foreign keys) are already set."""
    if not objects:
        return 0
    opts = type(objects[0])._meta
    fields = opts.local_concrete_fields
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = [
        [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return len(objects)
