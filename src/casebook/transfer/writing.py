"""Writing checked plans to the database, a chunk at a time, in bulk.

New rows (incidents, acts, outcomes, sources, tag and source links, search documents) get
their keys from a `KeyPool` and go in with one prepared statement per table: Django's
`bulk_create` compiles every value of every row and, on 100,000 rows, cost more than all
the checking. Values still pass through each field's `pre_save()`, as in `save()`. Existing
rows that changed are saved one by one, and people are too (their details are sealed with a
key of their own). Every incident created or changed gets an entry in the audit trail,
appended for the whole chunk at once; new incidents are indexed for search from the plans in
memory, changed ones re-indexed from the database.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import NamedTuple

from django.db import transaction

from casebook.audit.services import PendingEntry, audit_record_many
from casebook.cases.bulk import KeyPool, insert_rows, insert_values
from casebook.cases.models import Act, Incident, Outcome, Protest, SearchDocument, Tag
from casebook.cases.search import incident_document_body
from casebook.cases.services import incident_reindex, reference_blocks
from casebook.people.models import Involvement, Person
from casebook.sources.models import IncidentSource, Source
from casebook.transfer.building import link
from casebook.transfer.planning import IncidentPlan
from casebook.transfer.records import ImportReport, PersonRecord
from casebook.transfer.vocabulary import Vocabulary


class SourceLink(NamedTuple):
    """A new source link as the search document reads it (`incident_document_body`)."""

    source: Source
    supports: str


CHUNK = 500  # incidents planned and written at a time: bounds memory and query size
TagLink = Incident.tags.through


class ChunkWriter:
    """Writes the plans of one import, chunk after chunk, inside the import's transaction.

    Every row of the tables it fills by key pool must be inserted with a pooled key during
    the import: on SQLite the pool counts on from the highest key it saw at the start.
    """

    def __init__(
        self, *, actor, vocabulary: Vocabulary, format_name: str, report: ImportReport
    ) -> None:
        self.actor = actor
        self.vocabulary = vocabulary
        self.format_name = format_name
        self.report = report
        self.protests: dict[str, Protest] = {}
        # The connection itself, not django.db.connection: every value inserted would go
        # through that proxy's thread-local lookup.
        self.connection = transaction.get_connection()
        self.keys = KeyPool(self.connection)
        # The keys of the rows the last `write` created, by kind (incident, person, source,
        # protest): what a batched import must be able to take back.
        self.created: dict[str, list[int]] = {}
        self._new_sources: list[int] = []

    def write(self, plans: list[IncidentPlan]) -> list[Protest]:
        """Write a chunk of plans; returns the protests it created (for later chunks)."""
        self.vocabulary.save_new_channels()
        new = [p for p in plans if p.is_new]
        protests = self._create_protests(plans)
        by_year: dict[int, list[IncidentPlan]] = defaultdict(list)
        for plan in new:
            by_year[plan.incident.date.year].append(plan)
        references = reference_blocks({year: len(group) for year, group in by_year.items()})
        for year, year_plans in by_year.items():
            for plan, reference in zip(year_plans, references[year], strict=True):
                plan.incident.reference = reference
        for plan in new:
            plan.incident.pk = self.keys.take(Incident)
        insert_rows(self.connection, [p.incident for p in new])
        for plan in plans:
            if not plan.is_new and plan.changes:
                plan.incident.save()
        self._write_tags(plans)
        people = self._write_acts(plans)
        links = self._write_sources(plans)
        self._audit(plans, people)
        self._index(new, links, [p for p in plans if not p.is_new and p.changes_anything])
        self.created = {
            "incident": [p.incident.pk for p in new],
            "person": [person.pk for person, _ in people],
            "source": self._new_sources,
            "protest": [protest.pk for protest in protests],
        }
        return protests

    def _create_protests(self, plans: list[IncidentPlan]) -> list[Protest]:
        created = []
        for plan in plans:
            if not plan.protest_name:
                continue
            key = f"{plan.protest_name.lower()}|{plan.incident.date}"
            if key not in self.protests:
                protest = Protest(
                    name=plan.protest_name, date=plan.incident.date, place=plan.incident.place
                )
                protest.full_clean()
                protest.save()
                self.protests[key] = protest
                created.append(protest)
            plan.incident.protest = self.protests[key]
            if not plan.is_new:
                plan.changes.setdefault("protest", [None, plan.protest_name])
        return created

    def _write_tags(self, plans: list[IncidentPlan]) -> None:
        names = {tag for p in plans for tag in p.record.tags}
        if not names:
            return
        Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
        tags = {t.name: t.pk for t in Tag.objects.filter(name__in=names)}
        old = [p.incident.pk for p in plans if not p.is_new and p.record.tags]
        linked = (
            set(TagLink.objects.filter(incident_id__in=old).values_list("incident_id", "tag_id"))
            if old
            else set()
        )
        take = self.keys.take
        insert_values(
            self.connection,
            TagLink,
            ("id", "incident", "tag"),
            [
                (take(TagLink), p.incident.pk, tags[name])
                for p in plans
                for name in dict.fromkeys(p.record.tags)
                if (p.incident.pk, tags[name]) not in linked
            ],
        )

    def _write_acts(self, plans: list[IncidentPlan]) -> list[tuple[Person, Incident]]:
        """Acts, their outcomes and people; returns the people created, with their incident."""
        new_acts = []
        for plan in plans:
            for act_plan in plan.acts:
                link(act_plan.act, "incident", plan.incident)
                if act_plan.is_new:
                    act_plan.act.pk = self.keys.take(Act)
                    new_acts.append(act_plan.act)
                elif act_plan.changes:
                    act_plan.act.save()
        insert_rows(self.connection, new_acts)
        outcomes = []
        created: list[tuple[Person, Incident]] = []
        for plan in plans:
            for act_plan in plan.acts:
                for outcome in act_plan.outcomes:
                    outcome.pk = self.keys.take(Outcome)
                    link(outcome, "act", act_plan.act)
                    outcomes.append(outcome)
                for person_record, person in act_plan.people:
                    person = _write_person(
                        act_plan.act, person_record, person, new_act=act_plan.is_new
                    )
                    if person is not None:
                        created.append((person, plan.incident))
        insert_rows(self.connection, outcomes)
        return created

    def _write_sources(self, plans: list[IncidentPlan]) -> dict[int, list[SourceLink]]:
        """New sources and the links to them; returns the links by incident key."""
        new: list[Source] = []
        for plan in plans:
            for source, _supports, _independently in plan.sources:
                # One new source may be cited by several incidents: created once.
                if source.pk is None:
                    # Its channel may have been saved only now (save_new_channels): linking
                    # it again copies the channel's key, as save() would.
                    link(source, "channel", source.channel)
                    source.pk = self.keys.take(Source)
                    source.text_sha256 = source_text_hash(source.text)
                    new.append(source)
        insert_rows(self.connection, new)
        self._new_sources = [source.pk for source in new]
        links: dict[int, list[SourceLink]] = defaultdict(list)
        rows = []
        for plan in plans:
            # A file may cite one source twice for an incident; it is linked once.
            cited = {source.pk: (source, sup, ind) for source, sup, ind in plan.sources}
            for source, supports, independently in cited.values():
                cited_link = SourceLink(source, supports[:500])
                links[plan.incident.pk].append(cited_link)
                rows.append(
                    (
                        self.keys.take(IncidentSource),
                        plan.incident.pk,
                        source.pk,
                        cited_link.supports,
                        bool(independently),
                    )
                )
        insert_values(
            self.connection,
            IncidentSource,
            ("id", "incident", "source", "supports", "found_independently"),
            rows,
        )
        return links

    def _audit(self, plans: list[IncidentPlan], people: list[tuple[Person, Incident]]) -> None:
        # One bulk append to the hash chain per chunk: an entry each through `audit_record`
        # took a locked round trip per incident, most of a large import's time.
        entries = []
        report = self.report
        for plan in plans:
            incident = plan.incident
            if plan.is_new:
                entries.append(
                    PendingEntry(
                        action="cases.incident.imported",
                        instance=incident,
                        incident=incident,
                        changes={"format": [None, self.format_name]},
                    )
                )
                report.created += 1
            elif plan.changes_anything:
                changes = dict(plan.changes)
                for act in plan.acts:
                    for name, change in act.changes.items():
                        changes[f"act {act.act.external_id} {name}"] = change
                changes["import"] = [None, self.format_name]
                entries.append(
                    PendingEntry(
                        action="cases.incident.updated",
                        instance=incident,
                        incident=incident,
                        changes=changes,
                    )
                )
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            report.incident_ids.append(incident.pk)
        # The entry names the person by reference (the object) only, never by name.
        entries += [
            PendingEntry(action="people.person.imported", instance=person, incident=incident)
            for person, incident in people
        ]
        audit_record_many(entries, actor=self.actor)

    def _index(
        self,
        new: list[IncidentPlan],
        links: dict[int, list[SourceLink]],
        changed: list[IncidentPlan],
    ) -> None:
        # A new incident's acts, tags and sources are all in its plan: no query needed.
        # A new document waits for its redacted body (redaction.searching), as save() leaves it.
        insert_values(
            self.connection,
            SearchDocument,
            ("incident", "body", "redacted_body", "redacted_with"),
            [
                (
                    plan.incident.pk,
                    incident_document_body(
                        plan.incident,
                        tags=list(dict.fromkeys(plan.record.tags)),
                        acts=[a.act for a in plan.acts],
                        source_links=links.get(plan.incident.pk, []),
                    ),
                    None,
                    None,
                )
                for plan in new
            ],
        )
        incident_reindex(p.incident.pk for p in changed)


def _write_person(
    act: Act, record: PersonRecord, person: Person | None, *, new_act: bool
) -> Person | None:
    """Link a person to the act, creating them if need be; returns them if created."""
    if person is None and record.full_name and not new_act:
        # Without a reference, the same name in the same role on this act is the same person:
        # re-importing a file must not double the people in it.
        same = Involvement.objects.filter(
            act=act, role=record.role, person__full_name=record.full_name
        ).first()
        person = same.person if same else None
    created = None
    if person is None:
        person = created = Person(
            full_name=record.full_name,
            contact=record.contact,
            address=record.address,
            consent_record=record.consent_record,
            consent_share=record.consent_share,
            consent_publish=record.consent_publish,
        )
        person.full_clean(exclude=["reference"])
        person.save()
    if created is not None:
        Involvement.objects.create(act=act, person=person, role=record.role)
    else:
        # Already linked by an earlier import, or named twice in this one.
        Involvement.objects.get_or_create(act=act, person=person, role=record.role)
    return created


def source_text_hash(text: str) -> str:
    """What `Source.save()` stores in `text_sha256` (a bulk insert does not call save()).

    >>> source_text_hash("")
    ''
    """
    return hashlib.sha256(text.encode()).hexdigest() if text else ""
