"""The news monitor's review queue: candidates (caseworkers read it, coordinators and
administrators decide), through the monitor's own decision functions."""

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.api.auth import WRITE
from casebook.api.problems import COMMON, ApiProblem, Problem
from casebook.api.problems import WRITE as WRITE_ANSWERS
from casebook.api.reading import cursor_decode, cursor_encode
from casebook.api.schemas import Input
from casebook.cases.models import Incident
from casebook.monitor import services
from casebook.monitor.models import Candidate

router = Router(tags=["monitor"])

viewer_required = role_required(
    roles.can_edit_cases, "The news monitor is for coordinators and caseworkers."
)
reviewer_required = role_required(
    roles.can_verify, "Only coordinators and administrators decide candidates."
)


class CandidateOut(Schema):
    id: int
    status: str
    date: dt.date | None
    place: str
    force_name: str
    total_arrests: int | None
    confidence: float | None
    article_title: str
    article_url: str
    incident: str | None
    created_at: dt.datetime


class CandidatePage(Schema):
    items: list[CandidateOut]
    next: str | None


class CandidateFilters(Schema):
    status: Literal["pending", "accepted", "merged", "rejected", "all"] = "pending"
    cursor: str = ""
    limit: int = Field(50, ge=1, le=200)


class DecisionIn(Input):
    decision: Literal["accept", "merge", "reject"]
    incident: str | None = Field(None, description="For merge: the incident's reference.")
    reason: str = Field("", description="For reject: why (see the review page's reasons).")
    note: str = ""


def _candidate(candidate: Candidate) -> dict:
    return {
        "id": candidate.pk,
        "status": candidate.status,
        "date": candidate.date,
        "place": candidate.place,
        "force_name": candidate.force_name,
        "total_arrests": candidate.total_arrests,
        "confidence": candidate.confidence,
        "article_title": candidate.page.title,
        "article_url": candidate.page.url,
        "incident": candidate.incident.reference if candidate.incident else None,
        "created_at": candidate.created_at,
    }


@router.get(
    "/monitor/candidates",
    response={200: CandidatePage, 422: Problem, **COMMON},
    summary="The review queue's candidates (pending by default)",
)
@viewer_required
def candidate_list(request, filters: Query[CandidateFilters]):
    candidates = Candidate.objects.select_related("page", "incident").order_by("pk")
    if filters.status != "all":
        candidates = candidates.filter(status=filters.status)
    if filters.cursor:
        candidates = candidates.filter(pk__gt=cursor_decode(filters.cursor))
    found = list(candidates[: filters.limit + 1])
    more, found = len(found) > filters.limit, found[: filters.limit]
    return {
        "items": [_candidate(c) for c in found],
        "next": cursor_encode(found[-1].pk) if more else None,
    }


@router.post(
    "/monitor/candidates/{candidate_id}/decision",
    auth=WRITE,
    response={200: CandidateOut, **WRITE_ANSWERS},
    summary="Accept a candidate as a new incident, merge it into one, or reject it",
)
@reviewer_required
def candidate_decide(request, candidate_id: int, payload: DecisionIn):
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    if not candidate.is_pending:
        raise ApiProblem(
            409,
            "already-decided",
            "The candidate is decided already",
            f"It was {candidate.status}; nothing was changed.",
        )
    if payload.decision == "accept":
        services.candidate_accept(candidate=candidate, actor=request.user)
    elif payload.decision == "merge":
        incident = Incident.objects.filter(reference=payload.incident or "").first()
        if incident is None:
            raise ApiProblem(
                422,
                "invalid-fields",
                "Some fields are not valid",
                "Nothing was changed.",
                [
                    {
                        "field": "incident",
                        "detail": "Give the reference of the incident to merge into.",
                    }
                ],
            )
        services.candidate_merge(candidate=candidate, incident=incident, actor=request.user)
    else:
        services.candidate_reject(
            candidate=candidate, actor=request.user, reason=payload.reason, note=payload.note
        )
    return _candidate(Candidate.objects.select_related("page", "incident").get(pk=candidate.pk))
