"""The statistics page: counts and breakdowns for the incident list's filters."""

from __future__ import annotations

from django.shortcuts import render

from casebook.accounts.access import role_required
from casebook.accounts.roles import is_staff_member
from casebook.analysis import pages
from casebook.analysis.counts import counts_compute
from casebook.analysis.forms import StatisticsForm

# Analysts, coordinators, administrators and caseworkers: everyone with a role.
statistics_gate = role_required(
    is_staff_member, "Your account has no role yet; ask an administrator for one to see statistics."
)


@statistics_gate
def statistics(request):
    form = StatisticsForm(request.GET)
    context: dict = {"form": form}
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        by = form.cleaned_data["by"]
        tables = counts_compute(filters=form.filters(), unit=unit, by=by, reader=request.user)
        links = pages.Links(form)
        context |= {
            "tables": tables,
            "unit": unit,
            "overall": links.line("All matching incidents", tables.total.total, links.url()),
            "coarse": tables.total.coarse,
            "series": pages.series_lines(tables, links),
            "breakdown": pages.breakdown_lines(tables, links) if tables.dimension else [],
            "cross": pages.cross_rows(tables, links) if tables.dimension else [],
            "cross_limit": pages.CROSS_ROWS,
        }
    return render(request, "analysis/statistics.html", context)
