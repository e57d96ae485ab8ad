"""Recording a new incident and editing one: the same page, the same service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from casebook.accounts import roles
from casebook.accounts.access import role_required, staff_required
from casebook.accounts.security import client_address
from casebook.analysis.freshness import codebook_version
from casebook.cases.models import Incident, Protest
from casebook.cases.reading import reads_everything
from casebook.cases.services import incident_may_edit
from casebook.casework.forms import IncidentEditor
from casebook.casework.services import incident_save
from casebook.people.duties.access import people_viewed
from casebook.people.models import Person
from casebook.people.services import people_visible_to


@staff_required
@role_required(roles.can_edit_cases, "Analysts read the casebook; they do not record incidents.")
def incident_create(request):
    return _incident_editor(request, incident=None)


@staff_required
def incident_edit(request, reference: str):
    # Its force and protest are the form's first values: read with it.
    incident = get_object_or_404(
        Incident.objects.select_related("force", "protest"), reference=reference
    )
    if not incident_may_edit(incident=incident, user=request.user):
        raise PermissionDenied("Only coordinators and the caseworkers on this incident edit it.")
    return _incident_editor(request, incident=incident)


def _incident_editor(request, *, incident: Incident | None):
    include_people = people_visible_to(user=request.user, incident=incident)
    add_row = request.POST.get("add", "") if request.method == "POST" else ""
    # A protest's page links here with ?protest=<id> to record an incident at it.
    protest_id = request.GET.get("protest", "")
    protest = (
        Protest.objects.filter(pk=protest_id).first()
        if incident is None and protest_id.isdigit()
        else None
    )
    editor = IncidentEditor(
        data=request.POST if request.method == "POST" else None,
        incident=incident,
        include_people=include_people,
        add_row=add_row,
        protest=protest,
        redacted_protests=not reads_everything(request.user),
        # The codebook's selects keep their options until the codebook changes.
        codebook_version=codebook_version(),
    )
    if request.method == "POST" and not add_row and editor.is_valid():
        try:
            saved = incident_save(actor=request.user, draft=editor.draft(), incident=incident)
        except ValidationError as error:
            editor.add_errors(error)
        else:
            verb = "recorded" if incident is None else "saved"
            messages.success(request, f"{saved.reference} {verb}.")
            return redirect(saved)
    if incident is not None and include_people:
        people_viewed(
            user=request.user,
            incident=incident,
            via="incident editor",
            people=Person.objects.filter(involvements__act__incident=incident).distinct(),
            ip_address=client_address(request),
        )
    return render(
        request,
        "casework/incident_form.html",
        {
            "editor": editor,
            "incident": incident,
            "show_errors": not add_row,
            "submitted": request.method == "POST" and not add_row,
        },
    )
