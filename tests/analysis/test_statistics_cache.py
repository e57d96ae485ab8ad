"""The statistics page's figures are cached, and the cache forgets them when the record
changes: through the ORM (signals), in bulk (no signals), and by deletion; each part of the
page when what it is computed from changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from casebook.cases.models import Incident, Tag
from casebook.codebook.models import ActType, Organisation
from tests.analysis.test_statistics_page import Figures, number, page
from tests.factories import (
    ActFactory,
    IncidentFactory,
    OutcomeFactory,
    ProtestFactory,
    SourceFactory,
)

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


def breakdown(client, **params) -> dict[str, tuple[int, ...]]:
    figures = page(client, **params)
    return {
        label: tuple(number(text) for text, _href in cells)
        for label, cells in figures.tables["breakdown"]
    }


def test_each_part_of_the_page_follows_the_change_that_concerns_it(reference_data, client_for):
    """The totals, each breakdown, the funnel and the coverage are cached apart: a change to
    an act reaches the breakdown by act and the funnel; a new source the coverage."""
    client = client_for("analyst")
    act = ActFactory(incident=IncidentFactory(date=dt.date(2024, 3, 1)), number_affected=2)
    before = breakdown(client, unit="year", by="act_type")
    assert before == {"Arrest": (1, 1, 2)}
    funnel = dict(page(client, unit="year").tables["funnel"])
    assert number(funnel["No outcome recorded"][0][0]) == 1

    act.act_type = ActType.objects.get(slug="seizure")
    act.number_affected = 5
    act.save()
    assert breakdown(client, unit="year", by="act_type") == {"Seizure": (1, 1, 5)}
    assert "arrests" not in page(client, unit="year").marked  # no arrest left

    act.act_type = ActType.objects.get(slug="arrest")
    act.save()
    OutcomeFactory(act=act, date=dt.date(2024, 3, 20))  # charged
    funnel = dict(page(client, unit="year").tables["funnel"])
    assert number(funnel["Charged"][0][0]) == 1
    assert breakdown(client, unit="year", by="outcome") == {"Charged": (1, 1, 5)}

    coverage = dict(page(client, unit="year").tables.get("coverage", []))
    assert "News monitor" not in coverage
    SourceFactory(retrieved_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    coverage = dict(page(client, unit="year").tables["coverage"])
    assert [text for text, _href in coverage["News monitor"]] == ["1"]


def test_an_outcome_reached_twice_counts_its_act_once(reference_data, client_for):
    act = ActFactory(incident=IncidentFactory(date=dt.date(2024, 3, 1)), number_affected=4)
    OutcomeFactory(act=act, date=dt.date(2024, 3, 5))
    OutcomeFactory(act=act, date=dt.date(2024, 4, 5))  # charged again, say on new counts
    client = client_for("analyst")
    assert breakdown(client, unit="year", by="outcome") == {"Charged": (1, 1, 4)}


def test_a_renamed_protest_and_a_new_tag_reach_the_page(reference_data, client_for):
    protest = ProtestFactory(name="An invented march")
    incident = IncidentFactory(date=dt.date(2024, 3, 1), protest=protest)
    client = client_for("analyst")
    assert list(breakdown(client, unit="year", by="protest")) == [
        f"An invented march ({protest.date:%-d %b %Y})"
    ]
    protest.name = "An invented rally"
    protest.save()
    assert list(breakdown(client, unit="year", by="protest"))[0].startswith("An invented rally")

    tag = Tag.objects.create(name="invented-tag")
    assert page(client, unit="year", tag="invented-tag").marked["total-incidents"][0] == "0"
    incident.tags.add(tag)
    assert page(client, unit="year", tag="invented-tag").marked["total-incidents"][0] == "1"


def test_a_codebook_change_reaches_the_filter_form_and_the_breakdown(reference_data, client_for):
    IncidentFactory(date=dt.date(2024, 3, 1))  # the Metropolitan Police Service's
    client = client_for("analyst")
    url = reverse("analysis:statistics")
    assert "Metropolitan Police Service" in client.get(url, {"by": "force"}).content.decode()
    force = Organisation.objects.get(slug="metropolitan-police-service")
    force.name = "Invented Renamed Constabulary"
    force.save()
    text = client.get(url, {"by": "force"}).content.decode()
    assert text.count("Invented Renamed Constabulary") >= 2  # an option, and a row
    assert list(breakdown(client, unit="year", by="force")) == ["Invented Renamed Constabulary"]
