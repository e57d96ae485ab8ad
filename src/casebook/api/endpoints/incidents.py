"""Incidents: the list (the incident list's filters and search), one incident, recording and
changing one through the incident editor's `incident_save`, its status, and bulk recording
through the importer's all-or-nothing check."""

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from casebook.accounts import roles
from casebook.accounts.access import role_required, staff_required
from casebook.api.auth import WRITE
from casebook.api.drafting import incident_draft
from casebook.api.problems import COMMON, READ_ONE, ApiProblem, Problem, form_problem
from casebook.api.problems import WRITE as WRITE_ANSWERS
from casebook.api.reading import (
    cursor_decode,
    cursor_encode,
    etag_of,
    incident_document,
    incident_rows,
    not_modified,
    require_current,
    sees_people,
)
from casebook.api.schemas import BulkIn, BulkOut, IncidentIn, IncidentOut, IncidentPage, StatusIn
from casebook.cases.models import Incident
from casebook.cases.selectors import incident_rows as load_rows
from casebook.cases.selectors import incidents_filtered
from casebook.cases.services import incident_may_edit, incident_set_status
from casebook.casework.forms import IncidentFilterForm
from casebook.casework.services import incident_save
from casebook.transfer.services import incidents_import

router = Router(tags=["incidents"])


class IncidentFilters(Schema):
    q: str = Field("", description="Words to search, as in the incident list's search box.")
    date_from: str = ""
    date_to: str = ""
    period: str = Field("", description="2024, 2024-Q1, 2024-03 or 2024-W05.")
    force: str = Field("", description="A police force's slug.")
    act_type: str = ""
    provision: str = Field("", description="A legal provision's slug.")
    trigger: str = ""
    outcome: str = ""
    country: str = ""
    status: str = ""
    protest: str = Field("", description="A protest's id.")
    tag: str = ""
    unrecorded: str = Field(
        "",
        description="Incidents lacking one breakdown's value, as the statistics page's "
        "'Not recorded' rows count them: force, protest, country, provision or trigger.",
    )
    coarse: str = Field(
        "",
        description="Incidents dated too coarsely to be counted in a week, month or quarter.",
    )
    cursor: str = Field("", description="The `next` of the previous page.")
    limit: int = Field(50, ge=1, le=200)


_FORM_FIELDS = tuple(IncidentFilterForm.base_fields)


def _incident(reference: str) -> Incident:
    return get_object_or_404(
        Incident.objects.select_related("force", "protest"), reference=reference
    )


@router.get(
    "/incidents",
    response={200: IncidentPage, 422: Problem, **COMMON},
    summary="Incidents, filtered and searched as in the incident list",
)
@staff_required
def incident_list(request, filters: Query[IncidentFilters]):
    data = {k: v for k, v in filters.dict().items() if k in _FORM_FIELDS and v}
    form = IncidentFilterForm(data)
    if not form.is_valid():
        raise form_problem(form)
    chosen = {k: v for k, v in form.filters().items() if k != "sort"}
    incidents = incidents_filtered(**chosen, reader=request.user).order_by("pk")
    if filters.cursor:
        incidents = incidents.filter(pk__gt=cursor_decode(filters.cursor))
    ids = list(incidents.values_list("pk", flat=True)[: filters.limit + 1])
    more = len(ids) > filters.limit
    ids = ids[: filters.limit]
    rows = incident_rows(load_rows(ids), reader=request.user)
    return {"items": rows, "next": cursor_encode(ids[-1]) if more else None}


@router.post(
    "/incidents/bulk",
    auth=WRITE,
    response={200: BulkOut, 201: BulkOut, **WRITE_ANSWERS},
    summary="Record or update many incidents at once: all or nothing, as an import",
)
@staff_required
@role_required(roles.can_import, "Only coordinators and administrators import incidents.")
def incident_bulk(request, payload: BulkIn):
    document = {"format": "casebook-incidents", "version": 1, "incidents": payload.incidents}
    report = incidents_import(
        file=json.dumps(document),
        actor=request.user,
        format="json",
        filename="api.json",
        dry_run=payload.dry_run,
    )
    if report.problems:
        errors = [
            {"field": problem.field or "incidents", "detail": f"{problem.where}: {problem.message}"}
            for problem in report.problems
        ]
        raise ApiProblem(
            422,
            "invalid-fields",
            "Some incidents are not valid",
            "Nothing was written: every problem is listed; fix them and send the whole batch "
            "again.",
            errors,
        )
    references = list(
        Incident.objects.filter(pk__in=report.incident_ids)
        .order_by("pk")
        .values_list("reference", flat=True)
    )
    body = {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "dry_run": payload.dry_run,
        "references": references,
    }
    return Status(201 if report.created and not payload.dry_run else 200, body)


# After /incidents/bulk: the URL patterns are tried in order.
@router.get(
    "/incidents/{reference}",
    response={200: IncidentOut, **READ_ONE},
    summary="One incident with its acts, outcomes, sources and tags",
)
@staff_required
def incident_detail(request, reference: str, response: HttpResponse):
    incident = _incident(reference)
    document = incident_document(request, incident)
    etag = etag_of(document)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    response["ETag"] = etag
    return document


def _people_allowed(request, payload: IncidentIn, incident: Incident | None) -> None:
    if payload.people is not None and not sees_people(request, incident):
        raise PermissionDenied(
            "Recording people needs a token with the personal-data scope and a role that "
            "sees this incident's people."
        )


@router.post(
    "/incidents",
    auth=WRITE,
    response={201: IncidentOut, **WRITE_ANSWERS},
    summary="Record an incident, as the incident editor does",
)
@staff_required
@role_required(roles.can_edit_cases, "Analysts read the casebook; they do not record incidents.")
def incident_create(request, payload: IncidentIn, response: HttpResponse):
    _people_allowed(request, payload, None)
    draft = incident_draft(payload, creating=True)
    incident = incident_save(actor=request.user, draft=draft)
    document = incident_document(request, _incident(incident.reference))
    response["ETag"] = etag_of(document)
    response["Location"] = f"/api/v1/incidents/{incident.reference}"
    return Status(201, document)


@router.patch(
    "/incidents/{reference}",
    auth=WRITE,
    response={200: IncidentOut, **WRITE_ANSWERS},
    summary="Change an incident, as the incident editor does (If-Match: its ETag)",
)
@staff_required
def incident_update(request, reference: str, payload: IncidentIn, response: HttpResponse):
    incident = _incident(reference)
    if not incident_may_edit(incident=incident, user=request.user):
        raise PermissionDenied("Only coordinators and the caseworkers on this incident edit it.")
    _people_allowed(request, payload, incident)
    require_current(request, etag_of(incident_document(request, incident, sight=False)))
    draft = incident_draft(
        payload,
        creating=False,
        current_tags=list(incident.tags.values_list("name", flat=True)),
    )
    incident_save(actor=request.user, draft=draft, incident=incident)
    document = incident_document(request, _incident(reference))
    response["ETag"] = etag_of(document)
    return document


@router.post(
    "/incidents/{reference}/status",
    auth=WRITE,
    response={200: IncidentOut, **WRITE_ANSWERS},
    summary="Move an incident along its workflow (submit for review, verify, reject, archive)",
)
@staff_required
def incident_status(request, reference: str, payload: StatusIn, response: HttpResponse):
    incident = _incident(reference)
    if not incident_may_edit(incident=incident, user=request.user):
        raise PermissionDenied(
            "Only coordinators and the caseworkers on this incident change its status."
        )
    require_current(request, etag_of(incident_document(request, incident, sight=False)))
    incident_set_status(incident=incident, status=payload.status, actor=request.user)
    document = incident_document(request, _incident(reference))
    response["ETag"] = etag_of(document)
    return document
