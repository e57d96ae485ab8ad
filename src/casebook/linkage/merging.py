"""Merging two incidents that describe one event, and undoing it exactly.

A merge keeps everything. Every row that points at the merged-away incident (its acts,
source links with their channels, evidence, tags, assignments, redactions, monitor
candidates: whatever app holds it) moves to the survivor; the mover finds these through
Django's relations, so a field another app adds later moves too. Two acts of the same kind
(the arrests one report counts as 52 and another as 54) become one act, the survivor's,
with each report's figure kept as an `ActClaim` beside the sources that made it; the other
act's people and outcomes move onto it. A row the survivor already has a twin of (the same
source cited twice, the same tag) is set aside whole rather than lost.

Everything done is written down in order in `IncidentMerge.undo`, and the merged-away
incident itself in `IncidentMerge.snapshot`, so `incident_unmerge` replays it backwards:
the same rows, primary keys and timestamps as before the merge. The merged-away reference
redirects to the survivor (`merged_into`) for as long as the merge stands.
"""

from __future__ import annotations

import datetime as dt
import json

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from casebook.audit.services import audit_record
from casebook.cases.models import Act, Incident, IncidentStatus
from casebook.cases.services import incident_reindex
from casebook.linkage.models import ActClaim, IncidentMerge
from casebook.sources.models import IncidentSource

# A survivor is the incident furthest along the workflow (then the older one).
STATUS_RANK = {
    IncidentStatus.VERIFIED: 0,
    IncidentStatus.IN_REVIEW: 1,
    IncidentStatus.DRAFT: 2,
    IncidentStatus.ARCHIVED: 3,
    IncidentStatus.REJECTED: 4,
}
# Rows rebuilt from the incident's own content, or linkage's note that it waits to be
# compared (it goes with the merged-away incident): not moved.
REBUILT = {"cases.searchdocument", "linkage.comparisondue"}


class MergeError(ValidationError):
    """A merge or unmerge that cannot be made, with the reason in the user's words."""


def merged_references() -> list[tuple[str, str]]:
    """(survivor, merged-away) of every merge in force."""
    return list(
        IncidentMerge.objects.in_force().values_list("survivor_reference", "merged_reference")
    )


def merged_external_ids() -> dict[str, str]:
    """incident_id of an import -> reference, for incidents merged away."""
    return dict(
        IncidentMerge.objects.in_force()
        .exclude(merged_external_id=None)
        .values_list("merged_external_id", "merged_reference")
    )


def merged_into(reference: str) -> str | None:
    """The reference a merged-away incident now lives under (following later merges), or
    None when `reference` was not merged away."""
    return follow_merges(IncidentMerge.objects.in_force(), reference)


def follow_merges(merges: models.QuerySet, reference: str) -> str | None:
    """Where `reference` lives now through `merges` (rows with survivor_reference and
    merged_reference, in force), following later merges; None when it was not merged."""
    seen: set[str] = set()
    current = reference
    while current not in seen:
        seen.add(current)
        survivor = (
            merges.filter(merged_reference=current)
            .values_list("survivor_reference", flat=True)
            .first()
        )
        if survivor is None:
            break
        current = survivor
    return None if current == reference else current


def survivor_of(a: Incident, b: Incident) -> tuple[Incident, Incident]:
    """(survivor, merged-away): the incident further along the workflow, then the older."""
    ranked = sorted((a, b), key=lambda i: (STATUS_RANK.get(i.status, 9), i.pk))
    return ranked[0], ranked[1]


# --- Moving rows ------------------------------------------------------------------------------


def _relations(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    """Every relation of another model (or of a many-to-many table) onto `model`."""
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created
        and not rel.concrete
        and (rel.one_to_many or rel.one_to_one)
        and rel.related_model._meta.label_lower not in REBUILT
    ]


class _FullPrecision(DjangoJSONEncoder):
    """Times to the microsecond: Django's JSON encoder cuts them to the millisecond, and a
    row brought back by an undo must be the row that was set aside, timestamps included."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


def _serialised(instance: models.Model) -> str:
    concrete = [f.name for f in instance._meta.concrete_fields if not f.primary_key]
    rows = serializers.serialize("python", [instance], fields=concrete)
    return json.dumps(rows, cls=_FullPrecision)


def _restore(serialised: str) -> None:
    # Rows written by Django's "json" serialiser (older merges) read the same way.
    for item in serializers.deserialize("python", json.loads(serialised)):
        item.save()


class _Mover:
    """Moves rows from one parent to another and writes down how to undo it."""

    def __init__(self):
        self.steps: list[dict] = []

    def move(self, rel: models.ForeignObjectRel, old: int, new: int) -> None:
        """Every row of `rel` that points at `old` to point at `new`."""
        model, attname = rel.related_model, rel.field.attname
        rows = model._base_manager.filter(**{attname: old})
        for pk in list(rows.values_list("pk", flat=True).order_by("pk")):
            self.move_row(model, pk, attname, old, new)

    def move_row(self, model: type[models.Model], pk, attname: str, old: int, new: int) -> None:
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**{attname: new})
        except IntegrityError:
            # The new parent has this row's twin (the same source, tag, person): keep it whole.
            self.set_aside(model._base_manager.get(pk=pk))
            return
        label = model._meta.label_lower
        self.steps.append({"do": "moved", "model": label, "pk": pk, "field": attname, "old": old})

    def set_aside(self, instance: models.Model) -> None:
        self.steps.append(
            {"do": "set_aside", "model": instance._meta.label_lower, "row": _serialised(instance)}
        )
        type(instance)._base_manager.filter(pk=instance.pk).delete()


def _sources_of(incident: Incident) -> list[dict]:
    links = IncidentSource.objects.filter(incident=incident).select_related("source__channel")
    return [
        {
            "title": link.source.title,
            "channel": link.source.channel.name,
            "found_independently": link.found_independently,
        }
        for link in links.order_by("id")
    ]


def _claim(
    *, onto: Act, said: Act, merge: IncidentMerge, reference: str, sources: list[dict]
) -> ActClaim:
    """Keep what `said` (an act of incident `reference`) claimed, on the act `onto`."""
    return ActClaim.objects.create(
        act=onto,
        merge=merge,
        from_reference=reference,
        number_affected=said.number_affected,
        number_precision=said.number_precision,
        legal_provision=said.legal_provision.citation if said.legal_provision else "",
        sources=sources,
    )


def _fold_acts(mover: _Mover, *, survivor: Incident, merged: Incident, merge: IncidentMerge):
    """Acts of a kind both incidents hold become one (the survivor's); the others move."""
    kept = list(survivor.acts.select_related("legal_provision").order_by("position", "id"))
    free = {act.pk: act for act in kept}
    own_sources, other_sources = _sources_of(survivor), _sources_of(merged)
    act_relations = _relations(Act)
    for act in merged.acts.select_related("legal_provision").order_by("position", "id"):
        twin = next((a for a in free.values() if a.act_type_id == act.act_type_id), None)
        if twin is None:
            mover.move_row(Act, act.pk, "incident_id", merged.pk, survivor.pk)
            continue
        del free[twin.pk]
        if not twin.claims.exists():
            _claim(
                onto=twin, said=twin, merge=merge, reference=survivor.reference, sources=own_sources
            )
        _claim(onto=twin, said=act, merge=merge, reference=merged.reference, sources=other_sources)
        for rel in act_relations:
            mover.move(rel, act.pk, twin.pk)
        mover.set_aside(act)


def incident_merge(
    *,
    survivor: Incident,
    merged: Incident,
    actor,
    probability: float | None = None,
    automatic: bool = False,
) -> IncidentMerge:
    """Fold `merged` into `survivor`; everything is kept and the merge can be undone."""
    if survivor.pk == merged.pk:
        raise MergeError("An incident cannot be merged into itself.")
    with transaction.atomic():
        found = {
            i.pk: i
            for i in Incident.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
        }
        if len(found) != 2:
            raise MergeError("One of the two incidents is no longer in the casebook.")
        survivor, merged = found[survivor.pk], found[merged.pk]
        merge = IncidentMerge.objects.create(
            survivor_reference=survivor.reference,
            merged_reference=merged.reference,
            merged_external_id=merged.external_id,
            snapshot=_serialised(merged),
            probability=probability,
            automatic=automatic,
            merged_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        mover = _Mover()
        _fold_acts(mover, survivor=survivor, merged=merged, merge=merge)
        for rel in _relations(Incident):
            if rel.related_model is not Act:
                mover.move(rel, merged.pk, survivor.pk)
        merge.undo = {"steps": mover.steps}
        merge.save(update_fields=["undo"])
        changes = {
            "merged": [None, merged.reference],
            "survivor": [None, survivor.reference],
            "automatic": [None, automatic],
        }
        for incident in (survivor, merged):
            audit_record(
                action="linkage.incident.merged",
                instance=merge,
                actor=actor,
                changes=changes,
                incident=incident,
            )
        Incident.objects.filter(pk=merged.pk).delete()
        incident_reindex([survivor.pk])
    return merge


def incident_unmerge(*, merge: IncidentMerge, actor) -> Incident:
    """Undo `merge`: both incidents as they were before it, the merged-away reference back."""
    with transaction.atomic():
        merge = IncidentMerge.objects.select_for_update().get(pk=merge.pk)
        if not merge.in_force:
            raise MergeError(f"{merge.merged_reference} was already taken out again.")
        survivor = Incident.objects.filter(reference=merge.survivor_reference).first()
        if survivor is None:
            later = merged_into(merge.survivor_reference)
            raise MergeError(
                f"{merge.survivor_reference} was itself merged into {later or 'another incident'}"
                " since: undo that merge first."
            )
        if Incident.objects.filter(reference=merge.merged_reference).exists():
            raise MergeError(f"{merge.merged_reference} is in the casebook already.")
        _restore(merge.snapshot)
        merged = Incident.objects.get(reference=merge.merged_reference)
        steps = list(merge.undo.get("steps", []))
        for step in reversed(steps):
            model = apps.get_model(step["model"])
            if step["do"] == "set_aside":
                _restore(step["row"])
            else:
                model._base_manager.filter(pk=step["pk"]).update(**{step["field"]: step["old"]})
        merge.claims.all().delete()
        merge.unmerged_at = timezone.now()
        merge.unmerged_by = actor if getattr(actor, "is_authenticated", False) else None
        merge.save(update_fields=["unmerged_at", "unmerged_by"])
        changes = {"merged": [merge.merged_reference, None], "survivor": [survivor.reference, None]}
        for incident in (survivor, merged):
            audit_record(
                action="linkage.incident.unmerged",
                instance=merge,
                actor=actor,
                changes=changes,
                incident=incident,
            )
        incident_reindex([survivor.pk, merged.pk])
    return merged
