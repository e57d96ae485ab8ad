"""Prepared queries (compiled once, then only run) read exactly what the ORM reads, and the
list's rows, act summaries and source counts built from them are what they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Q, Sum

from casebook.cases.models import Act, Incident
from casebook.cases.prepared import Prepared
from casebook.cases.selectors import act_summaries, incident_rows
from casebook.codebook.models import ActType, Organisation
from casebook.sources.models import IncidentSource
from tests.factories import IncidentFactory, ProtestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def incidents(reference_data):
    force = Organisation.objects.order_by("name").first()
    protest = ProtestFactory(name="March <for> justice", date=dt.date(2024, 5, 4))
    made = [
        IncidentFactory(force=force, protest=protest, date=dt.date(2024, 5, 4)),
        IncidentFactory(force=None, protest=None, date_precision="month"),
        IncidentFactory(force=force, protest=None, title="Kettled & held", place=""),
    ]
    arrest, seizure = ActType.objects.get(slug="arrest"), ActType.objects.exclude(slug="arrest")[0]
    Act.objects.create(incident=made[0], act_type=arrest, number_affected=3, position=1)
    Act.objects.create(incident=made[0], act_type=arrest, number_affected=None, position=2)
    Act.objects.create(incident=made[2], act_type=seizure, number_affected=2, position=1)
    return made


def test_a_prepared_query_reads_what_the_orm_reads_for_any_number_of_ids(incidents):
    fields = ("pk", "reference", "date", "force__name", "protest__date")
    prepared = Prepared(
        Incident,
        lambda ids: Incident.objects.filter(pk__in=ids).values_list(*fields).order_by("pk"),
    )
    ids = [i.pk for i in incidents]
    for chosen in (ids, ids[:1], ids[1:], [ids[2], ids[0]], [*ids, 10**9], []):
        expected = list(Incident.objects.filter(pk__in=chosen).values_list(*fields).order_by("pk"))
        assert prepared.rows(chosen) == expected
        assert prepared.rows(chosen) == expected  # the second time, from what was kept


def test_only_values_list_queries_in_their_own_order_are_prepared(incidents):
    with pytest.raises(ValueError):
        Prepared(Incident, lambda ids: Incident.objects.filter(pk__in=ids)).rows([1])


def test_list_rows_are_the_instances_the_orm_made(incidents):
    ids = [incident.pk for incident in incidents][::-1]
    columns = (
        "reference", "title", "date", "date_precision", "place", "status",
        "force__name", "force__slug", "protest__name", "protest__date",
    )  # fmt: skip
    before = Incident.objects.select_related("force", "protest").only(*columns).in_bulk(ids)
    rows = incident_rows(ids)
    assert [row.pk for row in rows] == ids

    def state(instance) -> dict:
        return {k: v for k, v in instance.__dict__.items() if k != "_state"}

    for row in rows:
        old = before[row.pk]
        assert state(row) == state(old)
        assert row.get_deferred_fields() == old.get_deferred_fields()
        for related in ("force", "protest"):
            mine, theirs = getattr(row, related), getattr(old, related)
            assert (mine is None) == (theirs is None)
            if mine is not None:
                assert state(mine) == state(theirs)
                assert mine.get_deferred_fields() == theirs.get_deferred_fields()


def test_act_summaries_and_source_counts_are_as_the_orm_counted(incidents):
    ids = [incident.pk for incident in incidents]
    rows = (
        Act.objects.filter(incident_id__in=ids)
        .values("incident_id", "act_type__label")
        .annotate(
            people=Sum("number_affected"),
            unknown=Count("id", filter=Q(number_affected__isnull=True)),
        )
    )
    summaries = act_summaries(ids)
    assert set(summaries) == {row["incident_id"] for row in rows}
    assert "3 arrests or more" in summaries[ids[0]]
    counted = dict(
        IncidentSource.objects.filter(incident_id__in=ids)
        .values_list("incident_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert IncidentSource.objects.counts_by_incident(ids) == counted
    assert IncidentSource.objects.filter(pk__gt=0).counts_by_incident(ids) == counted
