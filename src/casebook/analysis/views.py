"""The statistics page: counts and breakdowns for the incident list's filters."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from casebook.accounts.access import role_required
from casebook.accounts.roles import is_staff_member
from casebook.analysis import charts, freshness, pages
from casebook.analysis.forms import StatisticsForm
from casebook.analysis.reports import report_make
from casebook.analysis.services import statistics_compute
from casebook.analysis.undercount import undercount_compute
from casebook.cases.search import search_scope

# Analysts, coordinators, administrators and caseworkers: everyone with a role.
statistics_gate = role_required(
    is_staff_member, "Your account has no role yet; ask an administrator for one to see statistics."
)


def _context(form: StatisticsForm, *, reader, versions=None) -> dict:
    """The template's context for the page's figures, kept in this process for the same
    parameters, way of searching, day and data: building it (thousands of linked cells for a
    weekly table by value) cost more than reading the figures from the cache."""
    versions = versions or freshness.data_versions()

    def build() -> dict:
        figures = statistics_compute(
            versions=versions,
            filters=form.filters(),
            unit=form.cleaned_data["unit"],
            by=form.cleaned_data["by"],
            measure=form.cleaned_data["measure"],
            seasonal=form.cleaned_data["seasonal"],
            key=form.cache_key(),
            reader=reader,
        )
        return pages.statistics_context(figures, pages.Links(form))

    scope = search_scope(reader) if form.cleaned_data.get("q") else ""
    params = [form.cache_key(), scope, str(dt.date.today())]
    return freshness.cached_here("page", params, build, version=str(versions))


def _filters_html(form: StatisticsForm, versions) -> str:
    """The filter form as HTML: its codebook selects hold hundreds of options, and Django's
    widgets render each field through a template, so a valid form's HTML is kept for its
    parameters until the codebook changes."""

    def render() -> str:
        return render_to_string("analysis/_filters.html", {"form": form})

    if not form.is_valid():
        return render()
    return freshness.cached("filters", form.cache_key(), render, version=versions.codebook)


@statistics_gate
def statistics(request):
    form = StatisticsForm(request.GET)
    versions = freshness.data_versions()
    context: dict = {"form": form, "filters": _filters_html(form, versions)}
    if form.is_valid():
        context |= _context(form, reader=request.user, versions=versions)
        context["query"] = request.GET.urlencode()
        context["small_cell_threshold"] = settings.SMALL_CELL_THRESHOLD
        # dga, cached until the record or the lists change: never LCMCR in a request.
        context["undercount"] = undercount_compute(
            filters=form.filters(), key=["filters", form.list_query()], reader=request.user
        )
    return render(request, "analysis/statistics.html", context)


@statistics_gate
def export(request):
    """The page's tables as CSV for outside use: small counts suppressed."""
    form = StatisticsForm(request.GET)
    if not form.is_valid():
        raise Http404("These filters need a correction; the statistics page says which.")
    context = _context(form, reader=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="casebook-statistics.csv"'
    pages.export_write(
        response, context, threshold=settings.SMALL_CELL_THRESHOLD, filters=form.cache_key()
    )
    return response


@statistics_gate
def chart(request, name: str):
    """One chart of the page, drawn on the server: for readers without JavaScript."""
    form = StatisticsForm(request.GET)
    if not form.is_valid():
        raise Http404("These filters need a correction; the statistics page says which.")
    spec = _context(form, reader=request.user)["charts"].get(name)
    if spec is None:
        raise Http404("The page has no such chart for these parameters.")
    return HttpResponse(charts.chart_svg(spec), content_type="image/svg+xml")


@statistics_gate
def report(request):
    """The page's figures as a PDF report for outside use (small cells suppressed), for the
    same filters. The undercount estimate is dga's, cached: never LCMCR in a request."""
    form = StatisticsForm(request.GET)
    if not form.is_valid():
        raise Http404("These filters need a correction; the statistics page says which.")
    made = report_make(
        filters=form.filters(),
        unit=form.cleaned_data["unit"],
        measure=form.cleaned_data["measure"],
        seasonal=form.cleaned_data["seasonal"],
        method="dga",
        reader=request.user,
        actor=request.user,
        key=form.cache_key(),
        described=form.described(),
    )
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response
