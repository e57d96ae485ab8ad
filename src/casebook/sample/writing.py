"""Writing built sample incidents: a batch at a time, one statement per table."""

from __future__ import annotations

from dataclasses import dataclass, field

from casebook.cases.bulk import KeyPool, insert_rows
from casebook.cases.models import Act, Incident, Outcome, SearchDocument, Tag
from casebook.cases.search import incident_document_body
from casebook.people.models import Involvement, Person
from casebook.sources.models import IncidentSource, Source


@dataclass
class Built:
    """One incident and everything hanging off it, not yet saved."""

    incident: Incident
    acts: list[Act] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)  # new sources only
    links: list[IncidentSource] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    assigned: list = field(default_factory=list)
    missed: int = 0  # incidents like this one that no list recorded (sample/capture.py)


def built_write(batch: list[Built], *, keys: KeyPool) -> dict[str, int]:
    """Insert a batch of built incidents, parents first, one statement per table.

    Returns how many rows went into each table, by SampleReport field.
    """
    tags_through, assigned_through = Incident.tags.through, Incident.assigned_to.through
    tagged = [
        tags_through(pk=keys.take(tags_through), incident=b.incident, tag=tag)
        for b in batch
        for tag in b.tags
    ]
    assigned = [
        assigned_through(pk=keys.take(assigned_through), incident=b.incident, user=user)
        for b in batch
        for user in b.assigned
    ]
    documents = [
        SearchDocument(
            incident=b.incident,
            body=incident_document_body(
                b.incident, tags=[t.name for t in b.tags], acts=b.acts, source_links=b.links
            ),
        )
        for b in batch
    ]
    tables = {
        "incidents": [b.incident for b in batch],
        "acts": [a for b in batch for a in b.acts],
        "outcomes": [o for b in batch for o in b.outcomes],
        "sources": [s for b in batch for s in b.sources],
        "source_links": [link for b in batch for link in b.links],
        "people": [p for b in batch for p in b.people],
        "involvements": [i for b in batch for i in b.involvements],
        "tag_links": tagged,
        "assignments": assigned,
        "search_documents": documents,
    }
    written = {name: insert_rows(keys.connection, rows) for name, rows in tables.items()}
    written.pop("assignments")
    return written
