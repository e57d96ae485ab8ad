"""Growing a generated sample casebook to a million incidents by copying it in SQL.

The sample generator builds every incident in Python (its acts, sources, people and search
text drawn one by one): about a millisecond of CPU an incident, a quarter of an hour for a
million on a quiet machine. The list, its filters and its search only need a casebook of
that size whose values are spread as the sample's are, so `casebook_grow()` copies the
incidents already there, with everything the list reads, by `INSERT … SELECT` statements
that run inside the database: a million incidents in minutes.

Each copy gets new keys (the original's plus a multiple of the table's highest key), a
reference numbered on from its year's counter (which is moved on past them), copies of the
protests (so that a protest holds as many incidents at any size), and a search document
naming the new reference. Acts, outcomes, tags, assignments, source links and people's
involvements are copied with them; sources and people themselves are shared with the
original (a source or a person met again in a later incident), so nothing sealed is
copied. The dates are the originals': a bigger casebook is denser, not longer.

On PostgreSQL the copied tables' secondary indexes are dropped first and made again after
(one sorted build instead of a million insertions each), and the sequences moved on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models, transaction


@dataclass(frozen=True)
class Copied:
    """A table copied with each incident: how its key and its references move."""

    model: type[models.Model]
    # column -> the table whose key offset it moves by ("self" for its own key)
    shifted: dict[str, str]
    # which rows: a condition on the original's, with %(last)s the last incident copied and
    # %(protests)s the last original protest
    belongs: str


def _tables() -> list[Copied]:
    from casebook.cases.models import Act, Incident, Outcome, Protest, SearchDocument
    from casebook.people.models import Involvement
    from casebook.sources.models import IncidentSource

    return [
        Copied(Protest, {"id": "protest"}, "t.id <= %(protests)s"),
        Copied(
            Incident,
            {"id": "incident", "protest_id": "protest"},
            "t.id <= %(last)s",
        ),
        Copied(Incident.tags.through, {"id": "self", "incident_id": "incident"}, _own("%(last)s")),
        Copied(
            Incident.assigned_to.through,
            {"id": "self", "incident_id": "incident"},
            _own("%(last)s"),
        ),
        Copied(Act, {"id": "act", "incident_id": "incident"}, _own("%(last)s")),
        Copied(
            Outcome,
            {"id": "self", "act_id": "act"},
            "t.act_id IN (SELECT id FROM cases_act WHERE incident_id <= %(last)s)",
        ),
        Copied(IncidentSource, {"id": "self", "incident_id": "incident"}, _own("%(last)s")),
        Copied(
            Involvement,
            {"id": "self", "act_id": "act"},
            "t.act_id IN (SELECT id FROM cases_act WHERE incident_id <= %(last)s)",
        ),
        Copied(SearchDocument, {"incident_id": "incident"}, "t.incident_id <= %(last)s"),
    ]


def _own(last: str) -> str:
    return f"t.incident_id <= {last}"


def _highest(table: str, column: str = "id") -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def _reference_sql(copy: int) -> str:
    """The copy's reference: the original's number moved on by `copy` times its year's last
    number (CB-2024-000123 -> CB-2024-011234 when 2024 had 11,111)."""
    year = "CAST(SUBSTR(t.reference, 4, 4) AS INTEGER)"
    number = "CAST(SUBSTR(t.reference, 9) AS INTEGER)"
    last = f"(SELECT c.last FROM cases_referencecounter c WHERE c.year = {year})"  # noqa: S608
    moved = f"{number} + {copy} * {last}"
    padded = (
        f"LPAD(CAST({moved} AS TEXT), 6, '0')"
        if connection.vendor == "postgresql"
        else f"PRINTF('%%06d', {moved})"
    )
    return f"'CB-' || SUBSTR(t.reference, 4, 4) || '-' || {padded}"


def _copy_statement(table: Copied, copy: int, offsets: dict[str, int]) -> str:
    meta = table.model._meta
    columns = [field.column for field in meta.concrete_fields]
    values = []
    for column in columns:
        moved_by = table.shifted.get(column)
        if moved_by is not None:
            offset = offsets[meta.db_table if moved_by == "self" else moved_by]
            values.append(f"t.{column} + {copy * offset}")
        elif meta.db_table == "cases_incident" and column == "reference":
            values.append(_reference_sql(copy))
        elif column == "external_id" and meta.db_table in ("cases_incident", "cases_protest"):
            values.append(f"t.external_id || '~{copy}'")  # unique where given
        elif meta.db_table == "cases_searchdocument" and column == "body":
            # The document names its incident's reference: the copy's, not the original's.
            values.append(
                f"REPLACE(t.body, (SELECT i.reference FROM cases_incident i WHERE i.id = "  # noqa: S608
                f"t.incident_id), (SELECT i.reference FROM cases_incident i WHERE i.id = "
                f"t.incident_id + {copy * offsets['incident']}))"
            )
        else:
            values.append(f"t.{column}")
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    return (
        f"INSERT INTO {meta.db_table} ({quoted}) SELECT {', '.join(values)} "  # noqa: S608
        f"FROM {meta.db_table} t WHERE {table.belongs} ORDER BY 1"
    )


def _postgres_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the secondary indexes of these tables: not those behind a
    primary key or unique constraint, which the copy needs to stay correct."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)",
            [tables],
        )
        return cursor.fetchall()


def casebook_grow(target: int, *, progress: Callable[[str, int, int], None]) -> dict:
    """Copy the casebook's incidents until it holds `target` of them; returns
    {"copies": n, "seconds": s, "indexes": s} (indexes: PostgreSQL's rebuild)."""
    from casebook.cases.models import Incident

    started = time.perf_counter()
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM cases_incident ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    base = len(ids)
    if base == 0 or target <= base:
        return {"copies": 0, "seconds": 0.0, "indexes": 0.0}
    offsets = {
        "incident": ids[-1],
        "protest": _highest("cases_protest"),
        "act": _highest("cases_act"),
    }
    for table in tables:
        meta = table.model._meta
        if meta.pk.column == "id":
            offsets[meta.db_table] = _highest(meta.db_table)
    copies = -(-target // base) - 1
    postgres = connection.vendor == "postgresql"
    indexes = _postgres_indexes([t.model._meta.db_table for t in tables]) if postgres else []
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        else:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB while copying
    for copy in range(1, copies + 1):
        wanted = min(base, target - copy * base)
        last = ids[wanted - 1]
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                progress(table.model._meta.db_table, copy, copies)
                statement = _copy_statement(table, copy, offsets)
                cursor.execute(statement % {"last": last, "protests": offsets["protest"]})
    with transaction.atomic(), connection.cursor() as cursor:
        # Counters moved past every copy's numbers, so new incidents never reuse one.
        cursor.execute(f"UPDATE cases_referencecounter SET last = last * {copies + 1}")  # noqa: S608
    with connection.cursor() as cursor:
        rebuilding = time.perf_counter()
        for name, definition in indexes:
            progress(f"index {name}", copies, copies)
            cursor.execute(definition)
        rebuilt = time.perf_counter() - rebuilding
        if postgres:
            for table in tables:
                meta = table.model._meta
                if meta.pk.column == "id":
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{meta.db_table}', 'id'), "  # noqa: S608
                        f"(SELECT MAX(id) FROM {meta.db_table}))"
                    )
    assert Incident.objects.count() == target  # noqa: S101 (a bench's own check)
    return {
        "copies": copies,
        "seconds": time.perf_counter() - started,
        "indexes": rebuilt,
    }
