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

import datetime as dt
from collections import deque
from collections.abc import Sequence
from typing import cast

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


# Fields whose `pre_save()` and `get_db_prep_save()` hand back a value of these exact types
# unchanged on every backend: no `auto_now`, no adapter, no encryption. Only the exact
# classes: a subclass (a sealed field) may convert in its own way.
_PLAIN: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.SlugField: (str,),
    models.URLField: (str,),
    models.EmailField: (str,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.BooleanField: (bool,),
    models.ForeignKey: (int,),
    models.OneToOneField: (int,),
}
_NULLABLE_PLAIN = frozenset(_PLAIN) - {models.BooleanField}
_UNSET = object()
_compiled: dict[tuple[type[models.Model], str], tuple[str, list]] = {}


def _converter(field: models.Field, connection: BaseDatabaseWrapper):
    """The field's value as `save()` would send it: cheaply when the value is already one
    the field sends unchanged, else through the field itself (dates, decimals, JSON…)."""
    plain = _PLAIN.get(type(field), ())
    if isinstance(field, models.ForeignKey) and not isinstance(
        field.target_field, models.AutoField | models.BigAutoField | models.IntegerField
    ):
        plain = ()
    nullable = type(field) in _NULLABLE_PLAIN and bool(plain)
    attname = field.attname
    if type(field) is models.DateField and not (field.auto_now or field.auto_now_add):
        return _date_converter(field, connection)
    if type(field) is models.DateTimeField:
        return _datetime_converter(field, connection)

    def convert(obj: models.Model):
        value = obj.__dict__.get(attname, _UNSET)
        if type(value) in plain or (value is None and nullable):
            return value
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    return convert


def _date_converter(field: models.DateField, connection: BaseDatabaseWrapper):
    adapt, attname = connection.ops.adapt_datefield_value, field.attname

    def convert(obj: models.Model):
        value = obj.__dict__.get(attname, _UNSET)
        if type(value) is dt.date:
            return adapt(value)
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    return convert


def _datetime_converter(field: models.DateTimeField, connection: BaseDatabaseWrapper):
    # pre_save() stamps auto_now fields, object by object, as save() does; an aware value
    # needs no more than the backend's adapter (a naive one goes the long way, with its
    # warning).
    adapt = connection.ops.adapt_datetimefield_value

    def convert(obj: models.Model):
        value = field.pre_save(obj, True)
        if type(value) is dt.datetime and value.tzinfo is not None:
            return adapt(value)
        return field.get_db_prep_save(value, connection)

    return convert


def _insert_plan(model: type[models.Model], connection: BaseDatabaseWrapper) -> tuple[str, list]:
    """The INSERT statement of a model and a converter per column, compiled once."""
    key = (model, connection.vendor)
    if key not in _compiled:
        opts = model._meta
        fields = opts.local_concrete_fields
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(opts.db_table)} "  # noqa: S608
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        _compiled[key] = (sql, [_converter(f, connection) for f in fields])
    return _compiled[key]


def insert_rows(connection: BaseDatabaseWrapper, objects: Sequence[models.Model]) -> int:
    """INSERT objects of one model whose keys (and foreign keys) are already set."""
    if not objects:
        return 0
    sql, converters = _insert_plan(type(objects[0]), connection)
    rows = [[convert(obj) for convert in converters] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    alias = connection.alias
    for obj in objects:
        state = obj._state
        state.adding = False
        state.db = alias
    return len(objects)


def insert_values(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
) -> int:
    """INSERT rows given as tuples of plain values (ints, text, booleans, None) for these
    columns: for link and bookkeeping rows, where a model instance each would cost more
    than the row. Dates and other values a field converts must go through `insert_rows`."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    names = [cast(models.Field, model._meta.get_field(c)).column for c in columns]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(name) for name in names)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)
