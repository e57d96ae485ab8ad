"""'Is it growing?', recording coverage, the outcome funnel and the time to an outcome on the
statistics page, each checked against figures made here without the page's code."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict

import pytest
from django.urls import reverse

from casebook.analysis.stats.trend import trend_report
from casebook.cases.models import Act, Incident, Outcome
from casebook.codebook.models import ActType, OutcomeType
from casebook.sources.models import Channel
from tests.analysis.test_statistics_page import Figures, list_count, number, placed
from tests.conftest import rows_shared
from tests.factories import ActFactory, IncidentFactory, OutcomeFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def sample(django_db_setup, django_db_blocker):
    """One sample for the tests of `TestOnOneSample`, which only read it (see `rows_shared`);
    the module's other tests make their own few rows and must not see it."""
    from casebook.sample.generator import sample_generate

    yield from rows_shared(django_db_blocker, lambda: sample_generate(size=400, seed=11))


def page(client, **params) -> tuple[Figures, str]:
    response = client.get(reverse("analysis:statistics"), params)
    assert response.status_code == 200
    figures = Figures()
    text = response.content.decode()
    figures.feed(text)
    return figures, text


def test_recording_coverage_counts_sources_per_channel_and_names_changes(
    reference_data, client_for
):
    hotline = Channel.objects.get(slug="hotline")
    news = Channel.objects.get(slug="news-monitor")
    for month in range(1, 13):
        IncidentFactory(date=dt.date(2023, month, 10))
        SourceFactory(channel=hotline, retrieved_at=dt.datetime(2023, month, 12, tzinfo=dt.UTC))
        if month >= 7:  # the news monitor starts in July
            for _ in range(3):
                SourceFactory(channel=news, retrieved_at=dt.datetime(2023, month, 2, tzinfo=dt.UTC))
    figures, text = page(client_for("caseworker"), unit="quarter")
    rows = dict(figures.tables["coverage"])
    assert [number(t) for t, _ in rows["Our hotline"]] == [3, 3, 3, 3]
    assert [number(t) for t, _ in rows["News monitor"]] == [0, 0, 9, 9]
    assert "The third quarter of 2023: first source from News monitor" in text


def outcome_histories() -> tuple[list[Act], dict[int, set[str]]]:
    arrests = list(Act.objects.filter(act_type__slug="arrest"))
    steps: dict[int, set[str]] = defaultdict(set)
    for act_id, slug in Outcome.objects.values_list("act_id", "outcome_type__slug"):
        steps[act_id].add(slug)
    return arrests, steps


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def test_time_to_charge_keeps_pending_arrests_as_censored(reference_data, client_for):
    arrest = ActType.objects.get(slug="arrest")
    start = dt.date(2024, 1, 1)
    charged = OutcomeType.objects.get(slug="charged")
    cautioned = OutcomeType.objects.get(slug="cautioned")

    def arrested():
        return ActFactory(incident=IncidentFactory(date=start), act_type=arrest)

    OutcomeFactory(act=arrested(), outcome_type=cautioned, date=start + dt.timedelta(days=5))
    OutcomeFactory(act=arrested(), outcome_type=charged, date=start + dt.timedelta(days=10))
    OutcomeFactory(act=arrested(), outcome_type=charged, date=start + dt.timedelta(days=20))
    arrested()  # pending: censored at today, far beyond day 20
    # By hand: the caution leaves the risk set at day 5; at day 10, 1 of 3 is charged
    # (S = 2/3); at day 20, 1 of 2 (S = 1/3): the median is 20 days. Dropping the pending
    # arrest instead would give the same steps but S = 0 at day 20; counting it as "no
    # charge" would put the median beyond day 20.
    figures, text = page(client_for("coordinator"))
    start_at = text.index('data-figure="median-1">') + len('data-figure="median-1">')
    shown = text[start_at : text.index("</dd>", start_at)]
    assert shown.startswith("20 days")
    assert "2 reached it, 2 censored" in shown


class TestOnOneSample:
    def test_the_trend_is_that_of_the_series_shown(self, sample, client_for):
        counts = Counter(placed(i.date, i.date_precision, "month") for i in Incident.objects.all())
        counts.pop(None, None)
        labels = sorted(counts)
        first = dt.date.fromisoformat(labels[0] + "-01")
        last = dt.date.fromisoformat(labels[-1] + "-01")
        months = []
        month = first
        while month <= last:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        # A month that has not ended is left out of the trend.
        if (months[-1] + dt.timedelta(days=32)).replace(day=1) > dt.date.today():
            months.pop()
        series = [counts.get(f"{m:%Y-%m}", 0) for m in months]
        expected = trend_report([f"{m:%Y-%m}" for m in months], series).regression

        figures, text = page(client_for("analyst"), unit="month")
        shown = figures.marked["rate-ratio"][0] if "rate-ratio" in figures.marked else None
        if shown is None:  # the marked <dd> is not a link; read it from the text
            start = text.index('data-figure="rate-ratio">') + len('data-figure="rate-ratio">')
            shown = text[start : text.index("</dd>", start)]
        assert f"{expected.rate_ratio:.3f}" in shown
        assert f"95% interval {expected.lower:.3f} to {expected.upper:.3f}" in shown
        assert "can look like a change in policing" in text

    def test_funnel_matches_an_independent_count(self, sample, client_for):
        arrests, steps = outcome_histories()
        finals = set(OutcomeType.objects.filter(final=True).values_list("slug", flat=True))
        labels = dict(OutcomeType.objects.values_list("slug", "label"))
        expected = {}
        for slug in ("charged", "cautioned", "no_further_action", "convicted", "acquitted"):
            expected[labels[slug]] = sum(1 for a in arrests if slug in steps[a.pk])
        expected["Still pending"] = sum(
            1 for a in arrests if steps[a.pk] and not steps[a.pk] & finals
        )
        expected["No outcome recorded"] = sum(1 for a in arrests if not steps[a.pk])

        client = client_for("analyst")
        figures, _text = page(client)
        assert number(figures.marked["arrests"][0]) == len(arrests)
        rows = dict(figures.tables["funnel"])
        for label, count in expected.items():
            cells = rows[label]
            assert number(cells[0][0]) == count, label
            low, high = wilson(count, len(arrests))
            assert cells[2][0] == f"{count / len(arrests) * 100:.0f}%"
            assert cells[3][0] == f"{low * 100:.0f}–{high * 100:.0f}%"
        charged = rows[labels["charged"]][0]
        assert list_count(client, charged[1]) == len(
            {a.incident_id for a in arrests if "charged" in steps[a.pk]}
        )
