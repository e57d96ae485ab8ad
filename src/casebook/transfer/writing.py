"""Writing checked plans to the database, a chunk at a time, in bulk where Django allows.

New incidents, acts, outcomes, tags and links are bulk-created; sources and people are saved
one by one because their models compute a hash or a reference in save(). Every incident
created or changed sends `record_changed`, so that the audit trail keeps its history, and is
re-indexed for search.
"""

from __future__ import annotations

from collections import defaultdict

from casebook.cases.models import Act, Incident, Outcome, Protest, Tag
from casebook.cases.services import incident_reindex, reference_block
from casebook.cases.signals import record_changed
from casebook.people.models import Involvement, Person
from casebook.sources.models import IncidentSource
from casebook.transfer.planning import IncidentPlan
from casebook.transfer.records import ImportReport, PersonRecord
from casebook.transfer.vocabulary import Vocabulary

CHUNK = 500  # incidents planned and written at a time: bounds memory and query size


def plans_write(plans: list[IncidentPlan], *, actor, vocabulary: Vocabulary, format_name: str,
           report: ImportReport) -> None:
    vocabulary.save_new_channels()
    new = [p for p in plans if p.is_new]
    _create_protests(plans)
    by_year: dict[int, list[IncidentPlan]] = defaultdict(list)
    for plan in new:
        by_year[plan.incident.date.year].append(plan)
    for year, year_plans in by_year.items():
        for plan, reference in zip(year_plans, reference_block(year=year, count=len(year_plans)),
                                   strict=True):
            plan.incident.reference = reference
    Incident.objects.bulk_create([p.incident for p in new], batch_size=CHUNK)
    for plan in plans:
        if not plan.is_new and plan.changes:
            plan.incident.save()
    _write_tags(plans)
    _write_acts(plans, actor)
    _write_sources(plans)
    touched = []
    for plan in plans:
        incident = plan.incident
        if plan.is_new:
            record_changed.send(sender=Incident, action="cases.incident.imported",
                                instance=incident, actor=actor, incident=incident,
                                changes={"format": [None, format_name]})
        elif plan.changes_anything:
            changes = dict(plan.changes)
            for act in plan.acts:
                for name, change in act.changes.items():
                    changes[f"act {act.act.external_id} {name}"] = change
            changes["import"] = [None, format_name]
            record_changed.send(sender=Incident, action="cases.incident.updated",
                                instance=incident, actor=actor, incident=incident,
                                changes=changes)
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        touched.append(incident.pk)
    report.created += len(new)
    report.incident_ids += touched
    incident_reindex(touched)


def _create_protests(plans: list[IncidentPlan]) -> None:
    created: dict[str, Protest] = {}
    for plan in plans:
        if not plan.protest_name:
            continue
        key = f"{plan.protest_name.lower()}|{plan.incident.date}"
        if key not in created:
            protest = Protest(name=plan.protest_name, date=plan.incident.date,
                              place=plan.incident.place)
            protest.full_clean()
            protest.save()
            created[key] = protest
        plan.incident.protest = created[key]
        if not plan.is_new:
            plan.changes.setdefault("protest", [None, plan.protest_name])


def _write_tags(plans: list[IncidentPlan]) -> None:
    names = {tag for p in plans for tag in p.record.tags}
    if not names:
        return
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    tags = {t.name: t for t in Tag.objects.filter(name__in=names)}
    through = Incident.tags.through
    through.objects.bulk_create(
        [through(incident_id=p.incident.pk, tag_id=tags[name].pk)
         for p in plans for name in dict.fromkeys(p.record.tags)],
        ignore_conflicts=True, batch_size=CHUNK,
    )


def _write_acts(plans: list[IncidentPlan], actor) -> None:
    new_acts = []
    for plan in plans:
        for act_plan in plan.acts:
            act_plan.act.incident = plan.incident
            if act_plan.is_new:
                new_acts.append(act_plan.act)
            elif act_plan.changes:
                act_plan.act.save()
    Act.objects.bulk_create(new_acts, batch_size=CHUNK)
    outcomes = []
    for plan in plans:
        for act_plan in plan.acts:
            for outcome in act_plan.outcomes:
                outcome.act = act_plan.act
                outcomes.append(outcome)
            for person_record, person in act_plan.people:
                _write_person(act_plan.act, person_record, person, actor)
    Outcome.objects.bulk_create(outcomes, batch_size=CHUNK)


def _write_person(act: Act, record: PersonRecord, person: Person | None, actor) -> None:
    if person is None and record.full_name:
        # Without a reference, the same name in the same role on this act is the same person:
        # re-importing a file must not double the people in it.
        same = Involvement.objects.filter(act=act, role=record.role,
                                          person__full_name=record.full_name).first()
        person = same.person if same else None
    if person is None:
        person = Person(
            full_name=record.full_name, contact=record.contact, address=record.address,
            consent_record=record.consent_record, consent_share=record.consent_share,
            consent_publish=record.consent_publish,
        )
        person.full_clean(exclude=["reference"])
        person.save()
        # The audit entry names the person by reference only, never by name.
        record_changed.send(sender=Person, action="people.person.imported", instance=person,
                            actor=actor, incident=act.incident, changes={})
    Involvement.objects.get_or_create(act=act, person=person, role=record.role)


def _write_sources(plans: list[IncidentPlan]) -> None:
    links = []
    for plan in plans:
        for source, supports in plan.sources:
            if source.pk is None:
                # Saved one by one: Source.save() computes the text's hash.
                source.save()
            links.append(IncidentSource(incident=plan.incident, source=source,
                                        supports=supports[:500]))
    IncidentSource.objects.bulk_create(links, ignore_conflicts=True, batch_size=CHUNK)
