"""The monitor's workflows: managing feeds and deciding candidates. Views and the CLI call these.

Who decides: coordinators and administrators (`roles.can_verify`). Every decision
- writes the incident through `casework.services.incident_save`, as the incident editor does;
- keeps a ReviewDecision (the candidate as extracted and the values finally recorded) as a
  labelled example for `casebook eval extract`;
- writes an audit entry: monitor.candidate.accepted / .merged / .rejected.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casebook.accounts import roles
from casebook.audit.services import audit_record
from casebook.cases import duplicates
from casebook.cases.models import Incident, IncidentStatus
from casebook.casework.drafts import ActDraft, IncidentDraft, OutcomeDraft, SourceDraft
from casebook.casework.services import incident_save
from casebook.monitor.models import Candidate, Feed, Page, RejectReason, ReviewDecision
from casebook.monitor.models.review import REASONS_CONFIRMING_THE_EVENT
from casebook.monitor.proposals import (
    SUPPORTS,
    Proposal,
    act_fields,
    event_as_extracted,
    incident_as_event,
    proposal_draft,
    proposal_for,
    source_fields,
)
from casebook.sources.models import IncidentSource, Source

# --- Feeds ------------------------------------------------------------------------------------


def _require_reviewer(actor, what: str) -> None:
    if not roles.can_verify(actor):
        raise PermissionDenied(f"Only coordinators and administrators {what}.")


def feed_add(
    *,
    url: str,
    name: str = "",
    kind: str = Feed.Kind.RSS,
    interval_minutes: int | None = None,
    actor=None,
) -> Feed:
    """Add a feed or web address to read. `actor=None` is the command line (an operator)."""
    from django.conf import settings

    if actor is not None:
        _require_reviewer(actor, "manage the monitor's feeds")
    url = url.strip()
    if Feed.objects.filter(url=url).exists():
        raise ValidationError({"url": "This address is already monitored."})
    feed = Feed(
        url=url,
        kind=kind,
        name=(name.strip() or _name_from(url))[:200],
        interval_minutes=interval_minutes or settings.MONITOR_FEED_INTERVAL_MINUTES,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    feed.full_clean()
    with transaction.atomic():
        feed.save()
        audit_record(
            action="monitor.feed.added",
            instance=feed,
            actor=actor,
            changes={"url": [None, feed.url], "kind": [None, feed.kind]},
        )
    return feed


def _name_from(url: str) -> str:
    from casebook.monitor.models.page import hostname

    return hostname(url) or url


def feed_set_active(*, feed: Feed, active: bool, actor) -> Feed:
    _require_reviewer(actor, "pause or resume feeds")
    if feed.active == active:
        return feed
    with transaction.atomic():
        feed.active = active
        if active:
            feed.next_due_at = None  # read at the next opportunity
        feed.save(update_fields=["active", "next_due_at"])
        audit_record(
            action="monitor.feed.resumed" if active else "monitor.feed.paused",
            instance=feed,
            actor=actor,
            changes={"active": [not active, active]},
        )
    return feed


def feed_delete(*, feed: Feed, actor) -> None:
    """Stop monitoring a feed. Its pages and candidates stay (they may be evidence)."""
    _require_reviewer(actor, "delete feeds")
    with transaction.atomic():
        audit_record(
            action="monitor.feed.deleted",
            instance=feed,
            actor=actor,
            changes={"url": [feed.url, None]},
        )
        feed.delete()


# --- Deciding candidates ----------------------------------------------------------------------


def _locked_pending(candidate: Candidate) -> Candidate:
    locked = Candidate.objects.select_for_update().select_related("page").get(pk=candidate.pk)
    if locked.status != Candidate.Status.PENDING:
        raise ValidationError(f"This candidate was already {locked.get_status_display().lower()}.")
    return locked


def _page_source_link(*, incident: Incident, page: Page, actor) -> None:
    """Cite the page's existing source (accepted before for another event) on `incident`."""
    if IncidentSource.objects.filter(incident=incident, source=page.source).exists():
        return
    link = IncidentSource(incident=incident, source=page.source, supports=SUPPORTS)
    link.full_clean()
    link.save()
    audit_record(
        action="sources.source.linked",
        instance=page.source,
        actor=actor,
        changes={"incident": [None, incident.reference]},
        incident=incident,
    )


def _remember_page_source(*, incident: Incident, page: Page, before: set[int]) -> None:
    """After incident_save created the page's source: keep it on the page, stamp retrieval."""
    new = (
        IncidentSource.objects.filter(incident=incident)
        .exclude(source_id__in=before)
        .select_related("source")
        .order_by("id")
    )
    for link in new:
        source = link.source
        if source.url == page.url or source.text == page.text:
            Source.objects.filter(pk=source.pk).update(
                retrieved_at=page.retrieved_at or page.created_at
            )
            page.source = source
            page.save(update_fields=["source", "updated_at"])
            return


def _source_ids(incident: Incident) -> set[int]:
    return set(IncidentSource.objects.filter(incident=incident).values_list("source_id", flat=True))


# The audit action recorded for each decision on a candidate (see audit/actions.py).
DECISION_ACTIONS: dict[str, str] = {
    Candidate.Status.ACCEPTED: "monitor.candidate.accepted",
    Candidate.Status.MERGED: "monitor.candidate.merged",
    Candidate.Status.REJECTED: "monitor.candidate.rejected",
}


def _decide(
    candidate: Candidate,
    *,
    status: str,
    decision: str,
    actor,
    incident=None,
    final=None,
    reason: str = "",
    note: str = "",
) -> ReviewDecision:
    old = candidate.status
    candidate.status = status
    candidate.incident = incident
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.reject_reason, candidate.reject_note = reason, note
    candidate.full_clean()
    candidate.save()
    recorded = ReviewDecision.objects.create(
        candidate=candidate,
        decision=decision,
        reason=reason,
        note=note,
        proposed=event_as_extracted(candidate.event or {}),
        final=final,
        incident=incident,
        actor=actor,
    )
    changes = {"status": [old, status]}
    if decision == ReviewDecision.Decision.EDITED:
        changes["corrected"] = [None, True]
    if incident is not None:
        changes["incident"] = [None, incident.reference]
    if reason:
        changes["reason"] = [None, reason]
    audit_record(
        action=DECISION_ACTIONS[status],
        instance=candidate,
        actor=actor,
        changes=changes,
        incident=incident,
    )
    return recorded


def candidate_accept(
    *, candidate: Candidate, actor, draft: IncidentDraft | None = None
) -> Incident:
    """Record the candidate as a new incident, with its acts and the page as its source.

    With `draft` (from the incident editor, "edit then accept") the coordinator's corrected
    values are recorded instead of the proposal; the decision keeps both.
    """
    _require_reviewer(actor, "decide the monitor's candidates")
    with transaction.atomic():
        candidate = _locked_pending(candidate)
        page = candidate.page
        proposal = proposal_for(candidate)
        edited = draft is not None
        if draft is None:
            draft = proposal_draft(proposal, page, with_source=page.source_id is None)
        incident = incident_save(actor=actor, draft=draft)
        if not edited:
            _record_further_outcomes(
                incident=incident, outcomes=[a.outcome_drafts() for a in proposal.acts], actor=actor
            )
        if page.source_id:
            _page_source_link(incident=incident, page=page, actor=actor)
        else:
            _remember_page_source(incident=incident, page=page, before=set())
        date_known = proposal.date_stated or (edited and incident.date != proposal.date)
        final = incident_as_event(
            incident, date_known=date_known, total_arrests=proposal.total_arrests
        )
        _decide(
            candidate,
            status=Candidate.Status.ACCEPTED,
            decision=ReviewDecision.Decision.EDITED if edited else ReviewDecision.Decision.ACCEPTED,
            actor=actor,
            incident=incident,
            final=final,
        )
    return incident


def _record_further_outcomes(
    *, incident: Incident, outcomes: list[list[OutcomeDraft]], actor
) -> None:
    """Record the outcomes beyond the first that the article states for each act ("three were
    charged and four released under investigation"). `incident_save` appends one outcome per
    act and save, so each further outcome is one more save of the same acts, in order."""
    acts = list(incident.acts.order_by("position", "id"))
    for step in range(1, max((len(o) for o in outcomes), default=0)):
        drafts = [
            ActDraft(fields={}, id=act.pk, outcome=stated[step] if len(stated) > step else None)
            for act, stated in zip(acts, outcomes, strict=False)
        ]
        incident_save(
            actor=actor,
            draft=IncidentDraft(
                fields={}, tags=list(incident.tags.values_list("name", flat=True)), acts=drafts
            ),
            incident=incident,
        )


def _is_new_act(fields: dict, existing: Iterable) -> bool:
    """Not already recorded: no existing act of the same type with the same number (or the
    new number unknown). Conservative on purpose: adding a second "12 arrests" to an
    incident would double-count them."""
    for act in existing:
        if act.act_type_id != fields["act_type"].pk:
            continue
        if fields["number_affected"] is None or act.number_affected == fields["number_affected"]:
            return False
    return True


def candidate_merge(*, candidate: Candidate, incident: Incident, actor) -> Incident:
    """Add the candidate's page as a source of an existing incident, with any new acts."""
    _require_reviewer(actor, "decide the monitor's candidates")
    with transaction.atomic():
        candidate = _locked_pending(candidate)
        page = candidate.page
        proposal = proposal_for(candidate)
        existing = list(incident.acts.all())
        adding = [a for a in proposal.acts if _is_new_act(act_fields(a), existing)]
        new_acts = [
            ActDraft(fields=act_fields(a), outcome=next(iter(a.outcome_drafts()), None))
            for a in adding
        ]
        before = _source_ids(incident)
        draft = IncidentDraft(
            fields={},
            tags=list(incident.tags.values_list("name", flat=True)),
            # Existing acts are listed first (unchanged) so the new ones are numbered after.
            acts=[ActDraft(fields={}, id=act.pk) for act in existing] + new_acts,
            sources=[]
            if page.source_id
            else [SourceDraft(fields=source_fields(page), supports=SUPPORTS)],
        )
        incident = incident_save(actor=actor, draft=draft, incident=incident)
        _record_further_outcomes(
            incident=incident,
            outcomes=[[] for _ in existing] + [a.outcome_drafts() for a in adding],
            actor=actor,
        )
        if page.source_id:
            _page_source_link(incident=incident, page=page, actor=actor)
        else:
            _remember_page_source(incident=incident, page=page, before=before)
        final = incident_as_event(
            incident, date_known=True, total_arrests=proposal.total_arrests, acts=[]
        )
        final["acts"] = event_as_extracted(candidate.event or {})["acts"]
        _decide(
            candidate,
            status=Candidate.Status.MERGED,
            decision=ReviewDecision.Decision.MERGED,
            actor=actor,
            incident=incident,
            final=final,
        )
    return incident


def candidate_reject(*, candidate: Candidate, actor, reason: str, note: str = "") -> Candidate:
    _require_reviewer(actor, "decide the monitor's candidates")
    if reason not in RejectReason.values:
        raise ValidationError({"reason": "Choose why the candidate is rejected."})
    if reason == RejectReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why, when the reason is “another reason”."})
    with transaction.atomic():
        candidate = _locked_pending(candidate)
        final = (
            event_as_extracted(candidate.event or {})
            if reason in REASONS_CONFIRMING_THE_EVENT
            else None
        )
        _decide(
            candidate,
            status=Candidate.Status.REJECTED,
            decision=ReviewDecision.Decision.REJECTED,
            actor=actor,
            final=final,
            reason=reason,
            note=note.strip()[:500],
        )
    return candidate


# --- Merge suggestions ------------------------------------------------------------------------


Suggestion = duplicates.Suggestion

MERGE_WINDOW_DAYS = 3


def candidate_merge_suggestions(
    *, candidate: Candidate, proposal: Proposal | None = None, limit: int = 5
) -> list[Suggestion]:
    """Incidents this candidate may already be: same force, a date within ±3 days, same place.

    Ranked by how many of the three agree (force and place weigh most), then by how close the
    dates are; once linkage has a trained model, by its match probability instead (with its
    reasons in words). Rejected and archived incidents are left out.
    """
    proposal = proposal or proposal_for(candidate)
    window = dt.timedelta(days=MERGE_WINDOW_DAYS)
    nearby = (
        Incident.objects.filter(date__range=(proposal.date - window, proposal.date + window))
        .exclude(status__in=[IncidentStatus.REJECTED, IncidentStatus.ARCHIVED])
        .select_related("force")
    )
    place = proposal.place.casefold()
    if proposal.force is not None and place:
        nearby = nearby.filter(Q(force=proposal.force) | Q(place__iexact=proposal.place))
    elif proposal.force is not None:
        nearby = nearby.filter(force=proposal.force)
    elif place:
        nearby = nearby.filter(place__iexact=proposal.place)
    suggestions = []
    for incident in nearby[:200]:
        score, reasons = 0.0, []
        if proposal.force is not None and incident.force_id == proposal.force.pk:
            score += 3
            reasons.append("same force")
        if place and incident.place.casefold() == place:
            score += 2
            reasons.append("same place")
        days = abs((incident.date - proposal.date).days)
        score += (MERGE_WINDOW_DAYS + 1 - days) / (MERGE_WINDOW_DAYS + 1)
        reasons.append("same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} apart")
        suggestions.append(Suggestion(incident=incident, score=score, reasons=reasons))
    # The linkage model, once trained, ranks them instead (one way of finding duplicates).
    suggestions = duplicates.suggestions_rank(proposal, suggestions)
    suggestions.sort(key=lambda s: (-s.score, -s.incident.pk))
    return suggestions[:limit]


# --- Labelled examples ------------------------------------------------------------------------


def decisions_export(out: IO[str]) -> int:
    """Write one gold-like record per decided page (JSON Lines, the extraction format).

    A page is written once every candidate of it is decided; its events are the decisions'
    final values (rejections as not relevant, misread or "other" contribute none). The
    records carry the text and title the extractor was given, so `casebook eval extract`
    can score the extractor against its reviewers. Returns the number of records.
    """
    latest: dict[int, ReviewDecision] = {}
    for decision in ReviewDecision.objects.order_by("decided_at", "id"):
        latest[decision.candidate_id] = decision
    pages = (
        Page.objects.filter(candidates__decisions__isnull=False)
        .distinct()
        .prefetch_related("candidates")
        .order_by("id")
    )
    written = 0
    for page in pages:
        candidates = sorted(page.candidates.all(), key=lambda c: c.event_index)
        if any(c.pk not in latest for c in candidates):
            continue  # still being reviewed: a partial label would teach the wrong lesson
        events = [latest[c.pk].final for c in candidates if latest[c.pk].final is not None]
        record = {
            "id": page.article_id,
            "url": page.url or None,
            "title": page.title,
            "published": page.published.isoformat() if page.published else None,
            "text": page.text,
            "relevant": bool(events),
            "events": events,
            "notes": "; ".join(
                f"event {c.event_index + 1}: {latest[c.pk].get_decision_display().lower()}"
                + (f" ({latest[c.pk].reason})" if latest[c.pk].reason else "")
                for c in candidates
            ),
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += 1
    return written
