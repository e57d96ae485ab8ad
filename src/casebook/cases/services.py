"""Workflows on the record that touch several models. Views, the CLI and imports call these."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases import rules
from casebook.cases.models import (
    Act,
    Incident,
    IncidentStatus,
    Protest,
    ReferenceCounter,
    SearchDocument,
)
from casebook.cases.models.incident import STATUS_TRANSITIONS
from casebook.cases.search import documents_rewritten, incident_document_body
from casebook.codebook.models import ActType


def reference_block(*, year: int, count: int = 1) -> list[str]:
    """Hand out `count` new incident references for `year`, e.g. ['CB-2024-000123'].

    The counter row is locked, so two writers never get the same number.
    """
    return reference_blocks({year: count})[year]


def reference_blocks(counts: dict[int, int]) -> dict[int, list[str]]:
    """`reference_block` for several years at once (a batch of an import spans many): each
    year's counter is moved on and read back in one statement, which locks its row, in year
    order (two writers never wait on each other in a circle). A plain UPDATE … RETURNING:
    the ORM's `bulk_update` compiled a CASE per year, a noticeable part of a large import."""
    table = ReferenceCounter._meta.db_table
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    move_on = (
        f"UPDATE {quote(table)} SET {quote('last')} = {quote('last')} + %s "  # noqa: S608
        f"WHERE {quote('year')} = %s RETURNING {quote('last')}"
    )
    handed: dict[int, list[str]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for year in sorted(counts):
            count = counts[year]
            cursor.execute(move_on, [count, year])
            moved = cursor.fetchone()
            if moved is None:  # the year's first reference: its counter starts now
                ReferenceCounter.objects.get_or_create(year=year)
                cursor.execute(move_on, [count, year])
                moved = cursor.fetchone()
            last = moved[0]
            handed[year] = [f"CB-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]
    return handed


def _search_document_body(incident: Incident) -> str:
    return incident_document_body(
        incident,
        tags=[t.name for t in incident.tags.all()],
        acts=incident.acts.all(),
        source_links=incident.source_links.all(),
    )


def incident_reindex(incident_ids: Iterable[int], *, batch_size: int = 500) -> int:
    """Rebuild the search documents of these incidents; returns how many were written."""
    ids = list(incident_ids)
    written = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        incidents = (
            Incident.objects.filter(pk__in=chunk)
            .select_related("force", "protest")
            .prefetch_related(
                "tags",
                Prefetch(
                    "acts",
                    queryset=Act.objects.select_related(
                        "act_type", "trigger_type", "legal_provision"
                    ),
                ),
                "source_links__source",
            )
        )
        documents = [
            SearchDocument(incident_id=incident.pk, body=_search_document_body(incident))
            for incident in incidents
        ]
        with transaction.atomic():
            # Delete then insert so the FTS triggers see a clean change on every backend.
            SearchDocument.objects.filter(incident_id__in=chunk).delete()
            SearchDocument.objects.bulk_create(documents)
            documents_rewritten(d.incident_id for d in documents)
        written += len(documents)
    return written


# Free text names people (a caseworker types a name into a title, a wording, a note); the
# audit trail is append-only and outlives erasure, so it records that free text changed,
# never what it said (ACLED's fields hold its notes).
NARRATIVE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "place",
        "offence_wording",
        "trigger_wording",
        "perpetrator_unit",
        "note",
        "text",
        "publisher",
        "author",
        "supports",
        "organiser",
        "cause",
        "notes",
        "acled_fields",
    }
)
NOT_KEPT = "(text not kept in the audit trail)"


def model_changes(before: dict, instance: models.Model, fields: Iterable[str]) -> dict:
    """Field -> [old, new] for the fields whose value changed, as strings for the audit log.

    Narrative fields (NARRATIVE_FIELDS) are recorded by name only.
    """
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name, None)
        if old != new:
            if name in NARRATIVE_FIELDS:
                changes[name] = [NOT_KEPT if old else None, NOT_KEPT if new else None]
            else:
                changes[name] = [_audited(old), _audited(new)]
    return changes


def _audited(value) -> str | None:
    # A protest is named in free text ("Vigil for …"): the trail keeps its number instead.
    if value is None:
        return None
    return f"protest #{value.pk}" if isinstance(value, Protest) else str(value)


# A caseworker moves their own incidents between these; the rest is a coordinator's call.
CASEWORKER_STATUSES = frozenset({IncidentStatus.DRAFT, IncidentStatus.IN_REVIEW})


# The audit action recorded when an incident moves to each status (see audit/actions.py).
STATUS_ACTIONS: dict[str, str] = {
    IncidentStatus.DRAFT: "cases.incident.draft",
    IncidentStatus.IN_REVIEW: "cases.incident.in_review",
    IncidentStatus.VERIFIED: "cases.incident.verified",
    IncidentStatus.REJECTED: "cases.incident.rejected",
    IncidentStatus.ARCHIVED: "cases.incident.archived",
}


def incident_worked_on_by(*, incident: Incident, user) -> bool:
    """Did this user create the incident, or is it assigned to them?"""
    if not getattr(user, "is_authenticated", False) or incident.pk is None:
        return False
    if incident.created_by_id == user.pk:
        return True
    return incident.assigned_to.filter(pk=user.pk).exists()


def incident_may_edit(*, incident: Incident, user) -> bool:
    """Coordinators and administrators edit any incident; caseworkers only those they work on."""
    if roles.can_verify(user):
        return True
    return roles.can_edit_cases(user) and incident_worked_on_by(incident=incident, user=user)


def incident_status_choices(*, incident: Incident, actor) -> list[str]:
    """The statuses this actor may move the incident to now, in workflow order."""
    if not incident_may_edit(incident=incident, user=actor):
        return []
    allowed = set(STATUS_TRANSITIONS.get(incident.status, set()))
    if not roles.can_verify(actor):
        allowed &= CASEWORKER_STATUSES
    return [status for status in IncidentStatus.values if status in allowed]


_NEEDS_ACT_AND_SOURCE: dict[str, str] = {
    IncidentStatus.IN_REVIEW: "sent for review",
    IncidentStatus.VERIFIED: "verified",
}


def incident_review_problem(
    *, incident: Incident, status: str, acts: int | None = None, sources: int | None = None
) -> str | None:
    """Why the incident cannot move to `status` for want of an act or a source, or None.

    Sending for review and verifying need at least one act and one source (cases.rules).
    `acts` and `sources`: how many it has, when the caller has them read already.
    """
    if status not in _NEEDS_ACT_AND_SOURCE or incident.pk is None:
        return None
    return rules.review_problem(
        status_label=_NEEDS_ACT_AND_SOURCE[status],
        acts=incident.acts.count() if acts is None else acts,
        sources=incident.source_links.count() if sources is None else sources,
    )


def incident_set_status(*, incident: Incident, status: str, actor) -> Incident:
    """Move an incident along its workflow; only coordinators and administrators verify."""
    if status not in IncidentStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if not incident.can_move_to(status):
        raise ValidationError(
            {
                "status": f"An incident that is {incident.get_status_display().lower()} cannot "
                f"become {IncidentStatus(status).label.lower()}."
            }
        )
    if status == IncidentStatus.VERIFIED and not roles.can_verify(actor):
        raise PermissionDenied("Only coordinators and administrators verify incidents.")
    if not roles.can_edit_cases(actor):
        raise PermissionDenied("This role cannot change incidents.")
    if not incident_may_edit(incident=incident, user=actor):
        raise PermissionDenied("Caseworkers change only the incidents they work on.")
    if status not in CASEWORKER_STATUSES and not roles.can_verify(actor):
        raise PermissionDenied(
            "Caseworkers move incidents between draft and in review; a coordinator rejects "
            "or archives them."
        )
    problem = incident_review_problem(incident=incident, status=status)
    if problem:
        raise ValidationError({"status": problem})
    old = incident.status
    with transaction.atomic():
        incident.status = status
        incident.save(update_fields=["status", "updated_at"])
        audit_record(
            action=STATUS_ACTIONS[status],
            instance=incident,
            actor=actor,
            changes={"status": [old, status]},
            incident=incident,
        )
    return incident


def protest_act_totals(*, protest: Protest) -> dict[str, list[dict]]:
    """What was done at a protest, per act type and per legal provision.

    Each row: label, acts (how many act records), people (sum of the known numbers of people
    affected), items (sum of the known numbers of items taken: a seizure's number counts
    items, not people; see ActType.counts) and unknown (acts whose number is not known, so
    `people` and `items` are lower bounds).
    """
    acts = Act.objects.filter(incident__protest=protest)
    items = models.Q(act_type__counts=ActType.Counts.ITEMS)
    measures = {
        "acts": models.Count("id"),
        "people": models.Sum("number_affected", filter=~items),
        "items": models.Sum("number_affected", filter=items),
        "unknown": models.Count("id", filter=models.Q(number_affected__isnull=True)),
    }
    by_type = (
        acts.values("act_type__slug", "act_type__label", "act_type__position", "act_type__counts")
        .annotate(**measures)
        .order_by("act_type__position", "act_type__label")
    )
    by_provision = (
        acts.values("legal_provision__slug", "legal_provision__citation", "legal_provision__title")
        .annotate(**measures)
        .order_by(models.F("legal_provision__citation").asc(nulls_last=True))
    )
    return {
        "act_types": [
            {
                "slug": row["act_type__slug"],
                "label": row["act_type__label"],
                "counts": row["act_type__counts"],
                "acts": row["acts"],
                "people": row["people"] or 0,
                "items": row["items"] or 0,
                "unknown": row["unknown"],
            }
            for row in by_type
        ],
        "provisions": [
            {
                "slug": row["legal_provision__slug"],
                "label": row["legal_provision__citation"] or "No provision recorded",
                "title": row["legal_provision__title"] or "",
                "acts": row["acts"],
                "people": row["people"] or 0,
                "items": row["items"] or 0,
                "unknown": row["unknown"],
            }
            for row in by_provision
        ],
    }
