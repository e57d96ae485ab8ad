"""Full-text search over incidents: SQLite FTS5 on a laptop, PostgreSQL tsvector on servers.

Each incident has one `SearchDocument` row holding its title, summary, place, force, acts
(offence and trigger wording, provisions) and the titles and texts of its sources. The
backend index over that row is created by migration 0002; this module builds the documents
and turns a user's query into a safe backend query.

Readers who may not see an incident's people search its redacted document instead (the same
text with names, addresses, phone numbers… replaced by tags, in `redacted_body`, indexed by
migration 0005): searching a name typed into a summary finds nothing for them. The redaction
app makes that document after every write (`documents_rewritten` tells it which); until it
has, the incident is not found by its text for those readers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import partial

from django.db import connection, transaction
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import Expression, RawSQL
from django.db.models.lookups import In

from casebook.accounts import roles
from casebook.cases.models import Incident

# PostgreSQL refuses a tsvector over 1 MB; a search document never needs more than this.
MAX_DOCUMENT_CHARS = 400_000
_TERM = re.compile(r"\w+", re.UNICODE)
FTS_TABLE = "cases_search_fts"
REDACTED_FTS_TABLE = "cases_search_redacted_fts"


def query_terms(query: str) -> list[str]:
    """Words of a user's query, lower-cased, without operators.

    >>> query_terms('placard "Free Palestine" OR; DROP')
    ['placard', 'free', 'palestine', 'or', 'drop']
    """
    return [t.lower() for t in _TERM.findall(query or "")][:20]


def _sqlite_match(terms: list[str], *, typing: bool = False) -> str:
    # Every term must match; while typing, the last one as a prefix (a word being typed).
    quoted = [f'"{t}"' for t in terms]
    if typing:
        quoted[-1] += "*"
    return " ".join(quoted)


def _postgres_tsquery(terms: list[str], *, typing: bool = False) -> str:
    parts = [f"'{t}'" for t in terms]
    if typing:
        parts[-1] += ":*"
    return " & ".join(parts)


def matching_ids_sql(query: str, *, redacted: bool = False, typing: bool = False) -> RawSQL | None:
    """A subquery of incident ids matching `query`, or None when the query has no words.

    `redacted` searches the redacted documents (readers who may not see people). Words
    match whole (as the index stems them: "arrest" finds "arrested"); with `typing` (a
    search sent while the words are typed) the last one also matches the start of a word,
    which costs the database about twice as much.
    """
    terms = query_terms(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        column = "redacted_vector" if redacted else "vector"
        return RawSQL(  # noqa: S611 (the query is a bound parameter)
            f"SELECT incident_id FROM cases_searchdocument "  # noqa: S608 (constant)
            f"WHERE {column} @@ to_tsquery('english', %s)",
            [_postgres_tsquery(terms, typing=typing)],
        )
    table = REDACTED_FTS_TABLE if redacted else FTS_TABLE
    return RawSQL(  # noqa: S611 (the query is a bound parameter)
        f"SELECT rowid FROM {table} WHERE {table} MATCH %s",  # noqa: S608 (constant)
        [_sqlite_match(terms, typing=typing)],
    )


def text_condition(
    query: str, *, reader, pk: Expression | str = "pk", typing: bool = False
) -> Q | None:
    """Incidents matching `query` as `reader` may search them, or None for no words.

    Administrators and coordinators (and `reader=None`: commands, benchmarks) search the
    text as written; a caseworker searches it in the incidents they work on and the redacted
    text of the others; analysts and everyone else the redacted text only. `typing`: see
    `matching_ids_sql`.
    """
    written = matching_ids_sql(query, typing=typing)
    if written is None:
        return None

    def within(subquery) -> Q:
        return Q(In(pk, subquery)) if isinstance(pk, Expression) else Q(**{f"{pk}__in": subquery})

    if reader is None or roles.sees_all_people(reader):
        return within(written)
    redacted = within(matching_ids_sql(query, redacted=True, typing=typing))
    if not roles.may_see_people(reader):
        return redacted
    own = Incident.objects.worked_on_by(reader).values("pk")
    return redacted | (within(written) & Q(pk__in=own))


def searched_index(reader) -> str | None:
    """The one index `reader` searches ("written" or "redacted"), or None when it is a mix
    (a caseworker: the text as written of their own incidents, the redacted of others)."""
    if reader is None or roles.sees_all_people(reader):
        return "written"
    if not roles.may_see_people(reader):
        return "redacted"
    return None


def matching_ids(query: str, *, index: str, limit: int, typing: bool = False) -> list[int]:
    """Ids of at most `limit` incidents whose text (`index`: "written" or "redacted")
    matches `query`, in no particular order: one pass over the full-text index that stops at
    `limit`, so a word found in nearly every incident costs no more than a rarer one."""
    subquery = matching_ids_sql(query, redacted=index == "redacted", typing=typing)
    if subquery is None:
        return []
    sql, params = subquery.sql, list(subquery.params)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, limit])  # noqa: S608 (constant SQL)
        return [row[0] for row in cursor.fetchall()]


def among_ids(ids: list[int], pk: str = "pk") -> Q:
    """Incidents among these ids, passed as one parameter (10,000 ids would otherwise make
    10,000 placeholders): a JSON array on SQLite, an array on PostgreSQL."""
    if connection.vendor == "postgresql":
        listed = RawSQL("SELECT UNNEST(%s::bigint[])", [ids])  # noqa: S611 (bound)
    else:
        listed = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])  # noqa: S611
    return Q(**{f"{pk}__in": listed})


def text_count_within(
    incidents: QuerySet, query: str, *, index: str, limit: int, typing: bool = False
) -> int:
    """How many of `incidents` match `query` (`index`), counted up to `limit`, on SQLite:
    the incidents' ids are gathered into a set (read from their index), then the full-text
    index's matches are read in key order and each looked up in that set, until `limit` are
    found. Reading a match and looking it up costs about 0.15 µs, checking one incident
    against the index (`text_probe`) 20-40 µs, so for a word in most incidents and filters
    that keep more than a thousand of them this is the cheaper way to count; it reads at
    most every match of the words (a word in most of a million incidents: ~150 ms)."""
    table = REDACTED_FTS_TABLE if index == "redacted" else FTS_TABLE
    terms = query_terms(query)
    sql, params = incidents.order_by().values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            # `+rowid`: not a constraint the full-text index may take (it would check each
            # incident against the index), but a test of each of its matches against the set.
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} f WHERE {table} MATCH %s "  # noqa: S608
            f"AND +f.rowid IN ({sql}) LIMIT %s)",
            [_sqlite_match(terms, typing=typing), *params, limit],
        )
        return cursor.fetchone()[0]


def text_probe(query: str, *, index: str, typing: bool = False) -> Q | None:
    """Incidents whose text (`index`) matches `query`, checked incident by incident against
    the full-text index (one seek each) rather than as a list of every match: for a word
    found in most incidents, the database walks the incidents in the order asked for and
    stops after a page, or counts up to a limit, never building the whole list. None when
    the query has no words."""
    terms = query_terms(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        column = "redacted_vector" if index == "redacted" else "vector"
        probe = Func(
            F("pk"),
            Value(_postgres_tsquery(terms, typing=typing)),
            arg_joiner=f" AND d.{column} @@ to_tsquery('english', ",
            template="EXISTS (SELECT 1 FROM cases_searchdocument d "
            "WHERE d.incident_id = %(expressions)s))",
            output_field=BooleanField(),
        )
    else:
        table = REDACTED_FTS_TABLE if index == "redacted" else FTS_TABLE
        probe = Func(
            Value(_sqlite_match(terms, typing=typing)),
            F("pk"),
            arg_joiner=" AND rowid = ",
            template=f"EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH %(expressions)s)",  # noqa: S608
            output_field=BooleanField(),
        )
    return Q(probe)


def search_scope(reader) -> str:
    """Which text `reader` searches, as a cache key: results differ between these."""
    if reader is None or roles.sees_all_people(reader):
        return "as written"
    if not roles.may_see_people(reader):
        return "redacted"
    return f"redacted, and as written for user {reader.pk}"


def filter_by_text(
    queryset: QuerySet, query: str, *, reader=None, typing: bool = False
) -> QuerySet:
    condition = text_condition(query, reader=reader, typing=typing)
    return queryset if condition is None else queryset.filter(condition)


# Told, after the transaction commits, which incidents' documents were rewritten: the
# redaction app makes their redacted documents (registered when Django starts).
_rewritten_hooks: list[Callable[[list[int]], None]] = []


def on_documents_rewritten(hook: Callable[[list[int]], None]) -> None:
    if hook not in _rewritten_hooks:
        _rewritten_hooks.append(hook)


def documents_rewritten(incident_ids: Iterable[int]) -> None:
    """Writers of search documents call this; the hooks run once the write is committed."""
    ids = list(incident_ids)
    if not ids:
        return
    for hook in _rewritten_hooks:
        transaction.on_commit(partial(hook, ids), robust=True)


def document_text(parts: Iterable[str | None]) -> str:
    text = "\n".join(p for p in parts if p)
    return text[:MAX_DOCUMENT_CHARS]


def incident_document_body(
    incident, *, tags: Iterable[str], acts: Iterable, source_links: Iterable
) -> str:
    """The text an incident is found by: its own fields, its acts and its sources.

    The related rows are passed in rather than queried, so that bulk writers (imports, the
    sample generator) build thousands of documents without a query each. `incident.force`
    and `incident.protest` should be loaded (or None); each act its `act_type`,
    `trigger_type` and `legal_provision`; each source link its `source`.
    """
    parts: list[str | None] = [
        incident.reference,
        incident.title,
        incident.summary,
        incident.place,
        incident.force.name if incident.force else None,
        incident.protest.name if incident.protest else None,
        " ".join(tags),
    ]
    for act in acts:
        parts += [
            act.act_type.label,
            act.offence_wording,
            act.trigger_wording,
            act.trigger_type.label if act.trigger_type else None,
            act.legal_provision.citation if act.legal_provision else None,
            act.legal_provision.short_citation if act.legal_provision else None,
        ]
    for link in source_links:
        parts += [link.source.title, link.source.publisher, link.supports, link.source.text]
    return document_text(parts)
