"""Queries that a page runs on every request, built by the ORM once and then only run.

Building a query (cloning the queryset, resolving lookups, compiling SQL) costs the ORM
a third of a millisecond or more each time, several times the query itself when it reads
fifty rows by id. A `Prepared` query is written once with the ORM, as any other, for a list
of ids; its SQL, where the ids go and what the ORM does to each value read (the backend's and
the fields' converters) are kept per number of ids, and each call only runs it:

    summaries = Prepared(Act, lambda ids: Act.objects.filter(incident_id__in=ids).values_list(...))
    summaries.rows(page_ids)  # the same tuples values_list gives, in the query's order

The query may depend on nothing but the ids: any other value it holds is kept with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.models import QuerySet

# Values no id has, put where the ids go to find their places among the query's parameters.
_MARK = -(2**62)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    places: tuple[int, ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]


class Prepared:
    """A `values_list` query over a list of ids, compiled once per database and number of
    ids (see the module's docstring). Its columns come in `values_list`'s order, with any
    annotation not named there after them, as the SQL selects them."""

    def __init__(self, model: type[models.Model], build: Callable[[list[int]], QuerySet]) -> None:
        self._model = model
        self._build = build
        self._compiled: dict[tuple[str, int], _Compiled] = {}

    def rows(self, ids: Sequence[int]) -> list[tuple]:
        if not ids:
            return []
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get((alias, len(ids)))
        if compiled is None:
            marks = [_MARK + number for number in range(len(ids))]
            queryset = self._build(marks).using(alias)
            compiled = self._compiled[(alias, len(ids))] = _compile(queryset, marks)
        params = list(compiled.params)
        for place, value in zip(compiled.places, ids, strict=True):
            params[place] = value
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            values = list(row)
            for place, found, expression in compiled.converters:
                value = values[place]
                for converter in found:
                    value = converter(value, expression, connection)
                values[place] = value
            converted.append(tuple(values))
        return converted


def _compile(queryset: QuerySet, marks: list[int]) -> _Compiled:
    query = queryset.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    fields = list(getattr(queryset, "_fields", None) or ())
    if not fields or names != [*fields, *(n for n in query.annotation_select if n not in fields)]:
        raise ValueError("Prepared queries are values_list queries whose columns come in order")
    compiler = query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    places = tuple(params.index(mark) for mark in marks)
    selected = [column[0] for column in compiler.select[: compiler.col_count]]
    converters = tuple(
        (place, tuple(found), expression)
        for place, (found, expression) in compiler.get_converters(selected).items()
    )
    return _Compiled(sql=sql, params=tuple(params), places=places, converters=converters)
