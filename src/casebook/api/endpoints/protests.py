"""Protests and sources, read as the pages read them: free text redacted for readers who do
not see everyone's people (or, for a source, the people of an incident citing it)."""

import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from casebook.accounts.access import staff_required
from casebook.api.problems import COMMON, READ_ONE, Problem
from casebook.api.reading import cursor_decode, cursor_encode, source_fields
from casebook.api.schemas import SourceOut
from casebook.cases.models import Incident, Protest
from casebook.cases.reading import incidents_read_as_written, reads_everything, redact_free_text
from casebook.sources.models import Source

router = Router(tags=["protests and sources"])


class ProtestOut(Schema):
    id: int
    name: str
    date: dt.date | None
    place: str
    organiser: str
    cause: str
    estimated_size: int | None
    incidents: int


class ProtestPage(Schema):
    items: list[ProtestOut]
    next: str | None


class Paging(Schema):
    cursor: str = Field("", description="The `next` of the previous page.")
    limit: int = Field(50, ge=1, le=200)


def _protest(protest: Protest, incidents: int) -> dict:
    return {
        "id": protest.pk,
        "name": protest.name,
        "date": protest.date,
        "place": protest.place,
        "organiser": protest.organiser,
        "cause": protest.cause,
        "estimated_size": protest.estimated_size,
        "incidents": incidents,
    }


@router.get("/protests", response={200: ProtestPage, 422: Problem, **COMMON}, summary="Protests")
@staff_required
def protest_list(request, paging: Query[Paging]):
    protests = Protest.objects.order_by("pk")
    if paging.cursor:
        protests = protests.filter(pk__gt=cursor_decode(paging.cursor))
    found = list(protests[: paging.limit + 1])
    more, found = len(found) > paging.limit, found[: paging.limit]
    if not reads_everything(request.user):
        redact_free_text(found)
    counts = {
        row["protest_id"]: row["n"]
        for row in Incident.objects.filter(protest__in=found)
        .values("protest_id")
        .annotate(n=Count("id"))
    }
    return {
        "items": [_protest(p, counts.get(p.pk, 0)) for p in found],
        "next": cursor_encode(found[-1].pk) if more else None,
    }


@router.get("/protests/{protest_id}", response={200: ProtestOut, **READ_ONE}, summary="A protest")
@staff_required
def protest_detail(request, protest_id: int):
    protest = get_object_or_404(Protest, pk=protest_id)
    if not reads_everything(request.user):
        redact_free_text([protest])
    return _protest(protest, protest.incidents.count())


class SourceDetail(SourceOut):
    incidents: list[str] = Field(description="References of the incidents citing it.")


@router.get("/sources/{source_id}", response={200: SourceDetail, **READ_ONE}, summary="A source")
@staff_required
def source_detail(request, source_id: int):
    source = get_object_or_404(Source.objects.select_related("channel"), pk=source_id)
    citing = list(
        Incident.objects.filter(source_links__source=source)
        .order_by("pk")
        .values_list("pk", "reference")
    )
    # Read as written by whoever reads every incident citing it as written.
    as_written = incidents_read_as_written(request.user, [pk for pk, _ in citing])
    uncited_and_restricted = not citing and not reads_everything(request.user)
    if uncited_and_restricted or any(pk not in as_written for pk, _ in citing):
        redact_free_text([source])
    return source_fields(source) | {"incidents": [reference for _, reference in citing]}
