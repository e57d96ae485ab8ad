"""Statistics: the statistics page's counts per period, breakdown and trend, for the incident
list's filters (the page's own form checks them), computed by the analysis app."""

from ninja import Query, Router, Schema
from pydantic import Field

from casebook.accounts.access import staff_required
from casebook.analysis.forms import StatisticsForm
from casebook.analysis.services import statistics_compute
from casebook.api.problems import COMMON, Problem, form_problem

router = Router(tags=["statistics"])


class StatisticsQuery(Schema):
    q: str = ""
    date_from: str = ""
    date_to: str = ""
    period: str = ""
    force: str = ""
    act_type: str = ""
    provision: str = ""
    trigger: str = ""
    outcome: str = ""
    country: str = ""
    status: str = ""
    protest: str = ""
    tag: str = ""
    unit: str = Field("", description="week, month, quarter or year.")
    by: str = Field("", description="A breakdown (as the statistics page offers).")
    measure: str = Field("", description="incidents, acts or people: what the trend is of.")


class Counts(Schema):
    incidents: int
    acts: int
    people: int
    people_unknown: int = Field(description="Acts whose number of people is not known.")


class PeriodCounts(Counts):
    period: str


class BreakdownRow(Counts):
    key: str | None
    label: str


class Trend(Schema):
    measure: str
    wording: str | None
    refusal: str | None


class StatisticsOut(Schema):
    unit: str
    total: Counts
    by_period: list[PeriodCounts]
    breakdown: list[BreakdownRow]
    trend: Trend


def _counts(cell) -> dict:
    return {
        "incidents": cell.incidents,
        "acts": cell.acts,
        "people": cell.people,
        "people_unknown": cell.unknown,
    }


@router.get(
    "/statistics",
    response={200: StatisticsOut, 422: Problem, **COMMON},
    summary="Counts per period, a breakdown and the trend, as on the statistics page",
)
@staff_required
def statistics(request, query: Query[StatisticsQuery]):
    form = StatisticsForm({k: v for k, v in query.dict().items() if v})
    if not form.is_valid():
        raise form_problem(form)
    figures = statistics_compute(
        filters=form.filters(),
        unit=form.cleaned_data["unit"],
        by=form.cleaned_data["by"],
        measure=form.cleaned_data["measure"],
        seasonal=form.cleaned_data["seasonal"],
        key=form.cache_key(),
        reader=request.user,
    )
    tables, growth = figures.tables, figures.growth
    return {
        "unit": tables.unit,
        "total": _counts(tables.total.total),
        "by_period": [
            {"period": period.label, **_counts(tables.total.by_period.get(period, _Empty))}
            for period in tables.periods
        ],
        "breakdown": [
            {"key": row.key, "label": row.label, **_counts(row.total)} for row in tables.rows
        ],
        "trend": {
            "measure": growth.measure,
            "wording": growth.report.wording if growth.report else None,
            "refusal": growth.refusal,
        },
    }


class _Empty:
    incidents = acts = people = unknown = 0
