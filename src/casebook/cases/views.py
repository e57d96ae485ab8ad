"""Protests: the list, and one protest with its incidents and what was done there."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from casebook.accounts.access import staff_required
from casebook.cases.models import Protest
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
    return render(request, "cases/protest_list.html", {"page": page})


@staff_required
def protest_detail(request, pk: int):
    protest = get_object_or_404(Protest, pk=pk)
    incidents = protest.incidents.select_related("force").order_by("-date", "-id")
    shown = list(incidents[:INCIDENTS_SHOWN])
    summaries = act_summaries([incident.pk for incident in shown])
    return render(
        request,
        "cases/protest_detail.html",
        {
            "protest": protest,
            "rows": [(incident, summaries.get(incident.pk, "")) for incident in shown],
            "incident_total": incidents.count(),
            "totals": protest_act_totals(protest=protest),
        },
    )
