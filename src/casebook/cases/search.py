"""Full-text search over incidents: SQLite FTS5 on a laptop, PostgreSQL tsvector on servers.

Each incident has one `SearchDocument` row holding its title, summary, place, force, acts
(offence and trigger wording, provisions) and the titles and texts of its sources. The
backend index over that row is created by migration 0002; this module builds the documents
and turns a user's query into a safe backend query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# PostgreSQL refuses a tsvector over 1 MB; a search document never needs more than this.
MAX_DOCUMENT_CHARS = 400_000
_TERM = re.compile(r"\w+", re.UNICODE)
FTS_TABLE = "cases_search_fts"


def query_terms(query: str) -> list[str]:
    """Words of a user's query, lower-cased, without operators.

    >>> query_terms('placard "Free Palestine" OR; DROP')
    ['placard', 'free', 'palestine', 'or', 'drop']
    """
    return [t.lower() for t in _TERM.findall(query or "")][:20]


def _sqlite_match(terms: list[str]) -> str:
    # Every term must match; the last one as a prefix so results appear while typing.
    quoted = [f'"{t}"' for t in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


def _postgres_tsquery(terms: list[str]) -> str:
    parts = [f"'{t}'" for t in terms]
    parts[-1] += ":*"
    return " & ".join(parts)


def matching_ids_sql(query: str) -> RawSQL | None:
    """A subquery of incident ids matching `query`, or None when the query has no words."""
    terms = query_terms(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611 (the query is a bound parameter)
            "SELECT incident_id FROM cases_searchdocument "
            "WHERE vector @@ to_tsquery('english', %s)",
            [_postgres_tsquery(terms)],
        )
    return RawSQL(  # noqa: S611 (the query is a bound parameter)
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608 (constant)
        [_sqlite_match(terms)],
    )


def filter_by_text(queryset: QuerySet, query: str) -> QuerySet:
    subquery = matching_ids_sql(query)
    if subquery is None:
        return queryset
    return queryset.filter(pk__in=subquery)


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
