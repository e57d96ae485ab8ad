"""Create or edit an incident with its acts, outcomes, sources and people in one step.

The incident editor and the news monitor's review queue describe the whole incident as an
`IncidentDraft` (casework/drafts.py) and hand it to `incident_save`, which validates every
row, writes everything in one transaction or nothing, and records each change in the audit
trail. Validation errors come back as one `ValidationError` whose keys name the row:
"title", "acts.0.number_affected", "sources.1.url", "people.0.act" …

It is the write path of one incident at a time. Bulk imports (transfer/writing.py) and the
sample generator (sample/building.py) write rows in batches without it, with checks and
audit entries of their own.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases import rules
from casebook.cases.models import Act, Incident, Outcome, Protest, Tag
from casebook.cases.services import (
    NOT_KEPT,
    incident_may_edit,
    incident_reindex,
    model_changes,
    reference_block,
)
from casebook.casework.drafts import (
    ACT_FIELDS,
    INCIDENT_FIELDS,
    PERSON_FIELDS,
    PROTEST_FIELDS,
    SOURCE_FIELDS,
    ActDraft,
    IncidentDraft,
    OutcomeDraft,
    PersonDraft,
    SourceDraft,
)
from casebook.people.models import Involvement, Person
from casebook.people.services import people_visible_to
from casebook.sources.models import IncidentSource, Source


class _Errors:
    """Collects validation errors of every row under its row key, to raise them together."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, prefix: str, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                key = f"{prefix}{name}" if name != "__all__" else (prefix.rstrip(".") or name)
                self.messages.setdefault(key or "__all__", []).extend(messages)
        else:
            self.messages.setdefault(prefix.rstrip(".") or "__all__", []).extend(error.messages)

    def check(self, prefix: str, instance: models.Model, **kwargs) -> bool:
        try:
            instance.full_clean(**kwargs)
        except ValidationError as error:
            self.add(prefix, error)
            return False
        return True

    def raise_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _changed(before: dict, instance: models.Model, fields, *, personal=()) -> dict:
    changes = model_changes(before, instance, fields)
    for name in personal:
        if name in changes:
            changes[name] = None  # recorded by name only
    return changes


def _snapshot(instance: models.Model, fields) -> dict:
    return {name: getattr(instance, name) for name in fields} if instance.pk else {}


def _tags(names: list[str], errors: _Errors) -> list[Tag]:
    tags = []
    for name in names:
        existing = Tag.objects.filter(name__iexact=name).first()
        if existing:
            tags.append(existing)
            continue
        tag = Tag(name=name)
        if errors.check("tags.", tag):
            tag.save()
            tags.append(tag)
    return tags


def _check_permission(*, actor, incident: Incident | None, draft: IncidentDraft) -> None:
    if incident is None and not roles.can_edit_cases(actor):
        raise PermissionDenied("This role cannot record incidents.")
    if incident is not None and not incident_may_edit(incident=incident, user=actor):
        raise PermissionDenied("Caseworkers edit only the incidents they work on.")
    if draft.people is not None and not people_visible_to(user=actor, incident=incident):
        raise PermissionDenied("This role cannot see or record people.")


def incident_save(*, actor, draft: IncidentDraft, incident: Incident | None = None) -> Incident:
    """Create (`incident=None`) or update an incident and everything in the draft.

    New outcomes are appended to an act's history, never written over it: an act's outcome
    in the draft that differs from its latest outcome becomes a new Outcome row.
    """
    _check_permission(actor=actor, incident=incident, draft=draft)
    errors = _Errors()
    with transaction.atomic():
        creating = incident is None
        if creating:
            incident = Incident(created_by=actor if actor and actor.is_authenticated else None)
        else:
            incident = Incident.objects.select_for_update().get(pk=incident.pk)
        before = _snapshot(incident, INCIDENT_FIELDS)
        tags_before = ", ".join(incident.tags.values_list("name", flat=True)) if incident.pk else ""

        fields = dict(draft.fields)
        if draft.new_protest:
            protest = Protest(**{k: v for k, v in draft.new_protest.items() if k in PROTEST_FIELDS})
            if errors.check("new_protest.", protest):
                protest.save()
                fields["protest"] = protest
        for name in INCIDENT_FIELDS:
            if name in fields:
                setattr(incident, name, fields[name])
        if incident.force_inference and incident.force != before.get("force"):
            incident.force_inference = ""  # someone chose the force: it is no longer a guess
        if creating and incident.date:
            incident.reference = reference_block(year=incident.date.year)[0]
        # Without a date there is no reference yet; the missing date is the error to report.
        exclude = None if incident.reference else ["reference"]
        if not errors.check("", incident, exclude=exclude):
            errors.raise_any()
        incident.save()
        if creating and actor is not None and actor.is_authenticated:
            incident.assigned_to.add(actor)
        tags = _tags(draft.tags, errors)
        if tags or not creating:
            incident.tags.set(tags)

        # Read before acts are deleted, whose involvements go with them.
        involvements = (
            _involvements(incident)
            if draft.people and any(p.involvement_id is not None for p in draft.people)
            else {}
        )
        acts = _save_acts(incident, draft.acts, actor=actor, errors=errors)
        sources_changed = _save_sources(incident, draft.sources, actor=actor, errors=errors)
        people_changed = False
        if draft.people is not None:
            people_changed = _save_people(
                incident, draft.people, draft.acts, acts, involvements, actor=actor, errors=errors
            )
        errors.raise_any()

        changes = _incident_changes(
            before,
            incident,
            creating=creating,
            tags=(tags_before, ", ".join(t.name for t in tags)),
            rows={"acts": acts.changed, "sources": sources_changed, "people": people_changed},
        )
        incident_reindex([incident.pk])
        if creating or changes:
            action = "cases.incident.created" if creating else "cases.incident.updated"
            audit_record(
                action=action, instance=incident, actor=actor, incident=incident, changes=changes
            )
    return incident


def _incident_changes(
    before: dict,
    incident: Incident,
    *,
    creating: bool,
    tags: tuple[str, str],
    rows: dict[str, bool],
) -> dict:
    """The incident's entry in the audit trail: its own fields, its tags, and which kinds
    of row changed (the rows' own entries hold the details)."""
    changes = _changed(before, incident, INCIDENT_FIELDS)
    if creating:
        return {k: v for k, v in changes.items() if v[1] not in (None, "")} | (
            {"tags": [None, tags[1]]} if tags[1] else {}
        )
    if tags[0] != tags[1]:
        changes["tags"] = [tags[0] or None, tags[1] or None]
    changes |= {key: None for key, changed in rows.items() if changed}
    return changes


class _SavedActs(list):
    """Saved acts by draft index (None for deleted or invalid rows), and whether any changed."""

    changed = False


def _save_acts(incident: Incident, drafts: list[ActDraft], *, actor, errors: _Errors) -> _SavedActs:
    existing: dict[int, Act] = {}
    if any(draft.id is not None for draft in drafts):  # rows are found by the draft's ids
        acts = incident.acts.select_related(
            "act_type", "legal_provision", "trigger_type", "perpetrator"
        ).prefetch_related("outcomes")
        existing = {act.pk: act for act in acts}
    saved = _SavedActs()
    for index, draft in enumerate(drafts):
        prefix = f"acts.{index}."
        if draft.id is not None and draft.id not in existing:
            errors.messages.setdefault(f"acts.{index}", []).append(
                "This act is not part of the incident; reload the page and try again."
            )
            saved.append(None)
            continue
        act = existing.get(draft.id) if draft.id else Act(incident=incident)
        if draft.delete:
            if act.pk:
                audit_record(
                    action="cases.act.deleted",
                    instance=act,
                    actor=actor,
                    incident=incident,
                    changes={"act_type": [str(act.act_type), None]},
                )
                act.delete()
                saved.changed = True
            saved.append(None)
            continue
        before = _snapshot(act, ACT_FIELDS)
        moved = act.position != index
        for name in ACT_FIELDS:
            if name in draft.fields:
                setattr(act, name, draft.fields[name])
        act.position = index
        if not errors.check(prefix, act):
            saved.append(None)
            continue
        creating = act.pk is None
        changes = _changed(before, act, ACT_FIELDS)
        if creating or changes or moved:  # an unchanged row is not written again
            act.save()
        if creating or changes:
            saved.changed = True
            audit_record(
                action="cases.act.created" if creating else "cases.act.updated",
                instance=act,
                actor=actor,
                incident=incident,
                changes=changes,
            )
        if draft.outcome is not None:
            saved.changed |= _append_outcome(
                act, draft.outcome, index=index, actor=actor, incident=incident, errors=errors
            )
        saved.append(act)
    return saved


def _append_outcome(
    act: Act, draft: OutcomeDraft, *, index: int, actor, incident: Incident, errors: _Errors
) -> bool:
    latest = act.latest_outcome if act.pk else None
    if latest and (latest.outcome_type_id, latest.date, latest.note) == (
        draft.outcome_type.pk,
        draft.date,
        draft.note,
    ):
        return False
    outcome = Outcome(act=act, outcome_type=draft.outcome_type, date=draft.date, note=draft.note)
    if not errors.check(f"acts.{index}.outcome_", outcome):
        return False
    outcome.save()
    audit_record(
        action="cases.outcome.recorded",
        instance=outcome,
        actor=actor,
        incident=incident,
        changes={
            "outcome_type": [
                str(latest.outcome_type) if latest else None,
                str(outcome.outcome_type),
            ]
        },
    )
    return True


def _published_at(value, current: dt.datetime | None) -> dt.datetime | None:
    """The form gives a date; keep a stored time of day when the date did not change."""
    if value is None or isinstance(value, dt.datetime):
        return value
    if current is not None and timezone.localdate(current) == value:
        return current
    return timezone.make_aware(dt.datetime.combine(value, dt.time(0)))


def _save_sources(incident: Incident, drafts: list[SourceDraft], *, actor, errors: _Errors) -> bool:
    links: dict[int, IncidentSource] = {}
    if any(draft.id is not None for draft in drafts):  # rows are found by the draft's ids
        cited = IncidentSource.objects.filter(incident=incident).select_related("source__channel")
        links = {link.source_id: link for link in cited}
    changed = False
    for index, draft in enumerate(drafts):
        prefix = f"sources.{index}."
        if draft.id is not None and draft.id not in links:
            errors.messages.setdefault(f"sources.{index}", []).append(
                "This source is not cited by the incident; reload the page and try again."
            )
            continue
        link = links.get(draft.id) if draft.id else None
        if draft.delete:
            if link:
                audit_record(
                    action="sources.source.unlinked",
                    instance=link.source,
                    actor=actor,
                    incident=incident,
                    changes={"incident": [incident.reference, None]},
                )
                link.delete()
                changed = True
            continue
        source = link.source if link else Source()
        before = _snapshot(source, SOURCE_FIELDS)
        _source_apply(source, draft)
        if not errors.check(prefix, source):
            continue
        creating = source.pk is None
        source_changes = _changed(before, source, SOURCE_FIELDS)
        if creating or source_changes:  # an unchanged source is not written again
            source.save()
        if link is None:
            link = _new_link(incident, source, draft, source_changes)
            if not errors.check(prefix, link):
                continue
            link.save()
            changed = True
            audit_record(
                action="sources.source.created" if creating else "sources.source.linked",
                instance=source,
                actor=actor,
                incident=incident,
                changes=source_changes,
            )
            continue
        link_changes = _link_changes(link, draft)
        if link_changes:
            source_changes.update(_for_the_trail(link_changes))
            for name, (_, value) in link_changes.items():
                setattr(link, name, value)
            if not errors.check(prefix, link):
                continue
            link.save(update_fields=list(link_changes))
        if source_changes:
            changed = True
            audit_record(
                action="sources.source.updated",
                instance=source,
                actor=actor,
                incident=incident,
                changes=source_changes,
            )
    return changed


def _source_apply(source: Source, draft: SourceDraft) -> None:
    for name in SOURCE_FIELDS:
        if name in draft.fields:
            value = draft.fields[name]
            if name == "published_at":
                value = _published_at(value, source.published_at)
            setattr(source, name, value)


def _new_link(
    incident: Incident, source: Source, draft: SourceDraft, changes: dict[str, list]
) -> IncidentSource:
    link = IncidentSource(incident=incident, source=source, supports=draft.supports)
    if draft.found_independently is not None:
        link.found_independently = draft.found_independently
        if not draft.found_independently:
            changes["found_independently"] = [None, False]
    return link


def _link_changes(link: IncidentSource, draft: SourceDraft) -> dict[str, list]:
    """What the draft changes on the link itself (not the source)."""
    changes: dict[str, list] = {}
    if link.supports != draft.supports:
        changes["supports"] = [link.supports, draft.supports]
    found = draft.found_independently
    if found is not None and link.found_independently != found:
        changes["found_independently"] = [link.found_independently, found]
    return changes


def _for_the_trail(link_changes: dict[str, list]) -> dict[str, list]:
    """What a source link supports is free text that can name people: by name only."""
    if "supports" not in link_changes:
        return link_changes
    old, new = link_changes["supports"]
    return link_changes | {"supports": [NOT_KEPT if old else None, NOT_KEPT if new else None]}


def _changes_details(before: dict, person: Person) -> bool:
    """Does the form change the person's details or consent? (An old record kept without
    consent can still be linked to another act; changing it needs the consent first.)"""
    return any(before.get(name) != getattr(person, name) for name in PERSON_FIELDS)


def _involvements(incident: Incident) -> dict[int, Involvement]:
    return {
        involvement.pk: involvement
        for involvement in Involvement.objects.filter(act__incident=incident).select_related(
            "person"
        )
    }


def _save_people(
    incident: Incident,
    drafts: list[PersonDraft],
    act_drafts: list[ActDraft],
    acts: _SavedActs,
    existing: dict[int, Involvement],
    *,
    actor,
    errors: _Errors,
) -> bool:
    changed = False
    for index, draft in enumerate(drafts):
        prefix = f"people.{index}."
        involvement = existing.get(draft.involvement_id) if draft.involvement_id else None
        if draft.involvement_id is not None and involvement is None:
            errors.messages.setdefault(f"people.{index}", []).append(
                "This person is not recorded on the incident; reload the page and try again."
            )
            continue
        if draft.delete:
            if involvement:
                audit_record(
                    action="people.involvement.deleted",
                    instance=involvement.person,
                    actor=actor,
                    incident=incident,
                    changes={"involvement": None},
                )
                involvement.delete()
                changed = True
            continue
        in_range = 0 <= draft.act_index < len(acts)
        if not in_range or act_drafts[draft.act_index].delete:
            errors.messages.setdefault(f"{prefix}act", []).append(
                f"Act {draft.act_index + 1} is not among the incident's acts; give the "
                "number of an act row that is kept."
            )
            continue
        act = acts[draft.act_index]
        if act is None:
            continue  # that act row has its own error already
        person = involvement.person if involvement else Person()
        before = _snapshot(person, PERSON_FIELDS)
        for name in PERSON_FIELDS:
            if name in draft.fields:
                setattr(person, name, draft.fields[name])
        consents = (person.consent_record, person.consent_share, person.consent_publish)
        if any(consents) and person.consent_given_at is None:
            person.consent_given_at = timezone.now()
        consent = rules.person_details_problem(
            has_details=bool(person.full_name or person.contact or person.address),
            consent_record=person.consent_record,
        )
        if consent and (person.pk is None or _changes_details(before, person)):
            errors.messages.setdefault(f"{prefix}consent_record", []).append(consent)
            continue
        if not errors.check(prefix, person, exclude=["reference"]):
            continue
        creating = person.pk is None
        person_changes = _changed(before, person, PERSON_FIELDS, personal=PERSON_FIELDS)
        person.save()
        involvement = involvement or Involvement(person=person)
        if involvement.pk and (involvement.act_id, involvement.role) != (act.pk, draft.role):
            person_changes["involvement"] = None
        involvement.act, involvement.role = act, draft.role
        if not errors.check(prefix, involvement):
            continue
        involvement.save()
        if creating or person_changes:
            changed = True
            audit_record(
                action="people.person.created" if creating else "people.person.updated",
                instance=person,
                actor=actor,
                incident=incident,
                changes={name: None for name in person_changes} if not creating else {},
            )
    return changed
