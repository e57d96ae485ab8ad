"""Workflows on the record that touch several models. Views, the CLI and imports call these."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch

from casebook.accounts import roles
from casebook.cases.models import Act, Incident, IncidentStatus, ReferenceCounter, SearchDocument
from casebook.cases.search import document_text
from casebook.cases.signals import record_changed


def reference_block(*, year: int, count: int = 1) -> list[str]:
    """Hand out `count` new incident references for `year`, e.g. ['CB-2024-000123'].

    The counter row is locked, so two writers never get the same number.
    """
    with transaction.atomic():
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
    return [f"CB-{year}-{n:06d}" for n in range(first, first + count)]


def _search_document_body(incident: Incident) -> str:
    parts: list[str | None] = [
        incident.reference, incident.title, incident.summary, incident.place,
        incident.force.name if incident.force else None,
        incident.protest.name if incident.protest else None,
        " ".join(t.name for t in incident.tags.all()),
    ]
    for act in incident.acts.all():
        parts += [
            act.act_type.label, act.offence_wording, act.trigger_wording,
            act.trigger_type.label if act.trigger_type else None,
            act.legal_provision.citation if act.legal_provision else None,
            act.legal_provision.short_citation if act.legal_provision else None,
        ]
    for link in incident.source_links.all():
        parts += [link.source.title, link.source.publisher, link.supports, link.source.text]
    return document_text(parts)


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
        written += len(documents)
    return written


def model_changes(before: dict, instance: models.Model, fields: Iterable[str]) -> dict:
    """Field -> [old, new] for the fields whose value changed, as strings for the audit log."""
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name, None)
        if old != new:
            changes[name] = [None if old is None else str(old), None if new is None else str(new)]
    return changes


def incident_set_status(*, incident: Incident, status: str, actor) -> Incident:
    """Move an incident along its workflow; only coordinators and administrators verify."""
    if status not in IncidentStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if not incident.can_move_to(status):
        raise ValidationError(
            {"status": f"An incident that is {incident.get_status_display().lower()} cannot "
                       f"become {IncidentStatus(status).label.lower()}."}
        )
    if status == IncidentStatus.VERIFIED and not roles.can_verify(actor):
        raise PermissionDenied("Only coordinators and administrators verify incidents.")
    if not roles.can_edit_cases(actor):
        raise PermissionDenied("This role cannot change incidents.")
    old = incident.status
    with transaction.atomic():
        incident.status = status
        incident.save(update_fields=["status", "updated_at"])
        record_changed.send(
            sender=Incident, action=f"cases.incident.{status}", instance=incident,
            actor=actor, changes={"status": [old, status]}, incident=incident,
        )
    return incident
