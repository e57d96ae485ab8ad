"""The statistics page's CSV for outside use: small counts hidden, and none recoverable."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_small_counts_are_hidden_outside_and_shown_inside(reference_data, client_for, settings):
    settings.SMALL_CELL_THRESHOLD = 5
    for year, n in ((2021, 7), (2022, 2), (2023, 9)):
        for day in range(n):
            IncidentFactory(date=dt.date(year, 3, day + 1))
    client = client_for("analyst")
    page = client.get(reverse("analysis:statistics"), {"unit": "year"}).content.decode()
    assert ">2<" in page  # the analyst sees the real number in the app
    response = client.get(reverse("analysis:export"), {"unit": "year"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = [r for r in csv.reader(io.StringIO(response.content.decode())) if r[0] == "per year"]
    incidents = {row[1]: row[2] for row in rows}
    assert incidents["2022"] == "<5"
    # The sum is published, so one more year is hidden: 2022 cannot be worked out.
    assert incidents["all"] == "18"
    assert sorted(incidents[y] for y in ("2021", "2023")).count("[c]") == 1
