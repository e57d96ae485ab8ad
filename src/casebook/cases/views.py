"""Protests: the list, and one protest with its incidents and what was done there."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from casebook.accounts.access import staff_required
from casebook.cases.models import Protest
from casebook.cases.reading import incidents_read_as_written, reads_everything, redact_free_text
from casebook.cases.selectors import act_summaries
from casebook.cases.services import protest_act_totals

PROTESTS_PER_PAGE = 50
INCIDENTS_SHOWN = 50


@staff_required
def protest_list(request):
    protests = Protest.objects.annotate(incident_count=Count("incidents")).order_by(
        "-date", "name", "id"
    )
    page = Paginator(protests, PROTESTS_PER_PAGE).get_page(request.GET.get("page"))
    # A protest's name, organiser and cause are free text (a vigil named after someone):
    # those who do not see everyone's people read them redacted.
    redacted = not reads_everything(request.user)
    if redacted:
        redact_free_text(page.object_list)
    return render(request, "cases/protest_list.html", {"page": page, "redacted": redacted})


@staff_required
def protest_detail(request, pk: int):
    protest = get_object_or_404(Protest, pk=pk)
    incidents = protest.incidents.select_related("force").order_by("-date", "-id")
    shown = list(incidents[:INCIDENTS_SHOWN])
    summaries = act_summaries([incident.pk for incident in shown])
    redacted = not reads_everything(request.user)
    if redacted:
        as_written = incidents_read_as_written(request.user, [i.pk for i in shown])
        redact_free_text([protest, *(i for i in shown if i.pk not in as_written)])
    return render(
        request,
        "cases/protest_detail.html",
        {
            "protest": protest,
            "rows": [(incident, summaries.get(incident.pk, "")) for incident in shown],
            "incident_total": incidents.count(),
            "totals": protest_act_totals(protest=protest),
            "redacted": redacted,
        },
    )
