"""The statistics page's figures are cached, and the cache forgets them when the record
changes: through the ORM (signals), in bulk (no signals), and by deletion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from casebook.cases.models import Incident
from tests.analysis.test_statistics_page import Figures, number
from tests.factories import ActFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def total(client) -> int:
    response = client.get(reverse("analysis:statistics"), {"unit": "year"})
    figures = Figures()
    figures.feed(response.content.decode())
    return number(figures.marked["total-incidents"][0])


def test_figures_follow_every_change_to_the_record(reference_data, client_for):
    client = client_for("analyst")
    IncidentFactory(date=dt.date(2024, 3, 1))
    assert total(client) == 1
    act = ActFactory(incident=IncidentFactory(date=dt.date(2024, 4, 1)))
    assert total(client) == 2  # saved through the ORM
    template = Incident.objects.get(pk=act.incident_id)
    copies = []
    for n in range(3):
        template.pk = None
        template.reference = f"CB-2024-9{n:05d}"
        copies.append(
            Incident(
                **{f.attname: getattr(template, f.attname) for f in Incident._meta.concrete_fields}
            )
        )
    Incident.objects.bulk_create(copies)  # no signal: the highest id tells
    assert total(client) == 5
    Incident.objects.filter(reference__startswith="CB-2024-9").delete()
    assert total(client) == 2
    act.incident.date = dt.date(2023, 4, 1)
    act.incident.save()
    response = client.get(reverse("analysis:statistics"), {"unit": "year"})
    assert ">2023<" in response.content.decode()
