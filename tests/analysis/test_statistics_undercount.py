"""The statistics page's undercount estimate: dga's figures as computed here independently,
the refusal's reason when there is none, cached until the record or the lists change, and
never LCMCR in a request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import pytest
from django.urls import reverse

from casebook.analysis import undercount
from casebook.analysis.capture import capture_estimate
from casebook.analysis.lists.models import CaptureList, ListChannel
from casebook.cases.models import Incident
from casebook.sources.models import IncidentSource
from tests.analysis.test_capture import TABLE, _record

pytestmark = pytest.mark.django_db


MARKED = re.compile(r'<(p|dd|ul)[^>]*data-figure="(undercount-[a-z]+)"[^>]*>(.*?)</\1>', re.S)


@dataclass
class Marked:
    marked: dict[str, tuple[str, None]]


def figures(client, **params) -> Marked:
    """The undercount section's figures (data-figure), as text."""
    response = client.get(reverse("analysis:statistics"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return Marked(
        {
            name: (" ".join(unescape(re.sub(r"<[^>]+>", " ", inner)).split()), None)
            for _tag, name, inner in MARKED.findall(html)
        }
    )


def test_the_page_shows_the_dga_estimate_with_its_interval_lists_and_caveats(
    reference_data, client_for
):
    _record(TABLE)
    expected = capture_estimate(Incident.objects.all(), method="dga").overall
    assert expected.estimate is not None
    marked = figures(client_for("analyst")).marked
    headline = marked["undercount-estimate"][0]
    assert f"About {expected.estimate.estimate:,.0f} incidents" in headline
    assert f"95% interval {expected.estimate.lower:,.0f} to {expected.estimate.upper:,.0f}" in (
        headline
    )
    assert marked["undercount-observed"][0].startswith(f"{sum(TABLE.values()):,} incidents")
    assert marked["undercount-lists"][0] == (
        "Our hotline, Legal observers, News monitor, Police statements"
    )
    assert "found without knowing" in marked["undercount-caveats"][0]
    # The sample table was drawn from 1,000 incidents: the interval covers them.
    assert expected.estimate.lower <= 1000 <= expected.estimate.upper


def test_the_page_says_why_there_is_no_estimate(reference_data, client_for):
    _record(TABLE)
    ListChannel.objects.filter(
        capture_list__name__in=["News monitor", "Police statements"]
    ).delete()
    marked = figures(client_for("caseworker")).marked
    assert "undercount-estimate" not in marked
    assert "at least 3" in marked["undercount-refusal"][0]


def test_the_estimate_is_cached_until_the_record_or_the_lists_change(
    reference_data, client_for, monkeypatch
):
    _record(TABLE)
    calls = []

    def counted(*args, **kwargs):
        calls.append(kwargs.get("method"))
        return capture_estimate(*args, **kwargs)

    monkeypatch.setattr(undercount, "capture_estimate", counted)
    client = client_for("analyst")
    figures(client)
    figures(client, unit="year")  # another way of counting, the same incidents
    assert calls == ["dga"]
    link = IncidentSource.objects.order_by("pk").first()
    link.found_independently = False  # the editor's "found by searching"
    link.save()
    figures(client)
    assert len(calls) == 2
    membership = ListChannel.objects.select_related("channel").order_by("pk").last()
    membership.capture_list = CaptureList.objects.get(name="Our hotline")
    membership.save()
    after = figures(client).marked
    assert len(calls) == 3
    assert "Police statements" not in after["undercount-lists"][0]


def test_the_page_never_runs_the_latent_class_sampler(reference_data, client_for, monkeypatch):
    import casebook.analysis.stats.mse as mse

    def refuse(*args, **kwargs):
        raise AssertionError("LCMCR ran in a request")

    monkeypatch.setattr(mse, "lcmcr_posterior", refuse)
    _record(TABLE)
    assert "undercount-estimate" in figures(client_for("coordinator")).marked
    with pytest.raises(ValueError, match="too slow"):
        undercount.undercount_compute(filters={}, key="page", method="lcmcr")
