"""The protest pages: the list, and one protest with what was done there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casebook.codebook.models import ActType, LegalProvision
from tests.factories import ActFactory, IncidentFactory, ProtestFactory

pytestmark = pytest.mark.django_db


def test_a_protest_page_totals_people_per_act_type_and_provision(client_for, reference_data):
    protest = ProtestFactory(name="Synthetic rally")
    s5 = LegalProvision.objects.get(citation="Public Order Act 1986 s5")
    seizure = ActType.objects.get(slug="seizure")
    one, two = IncidentFactory(protest=protest), IncidentFactory(protest=protest)
    ActFactory(incident=one, number_affected=3, legal_provision=s5)
    ActFactory(incident=two, number_affected=2, legal_provision=s5)
    ActFactory(incident=two, number_affected=None, number_precision="unknown", legal_provision=s5)
    ActFactory(incident=two, act_type=seizure, number_affected=1, legal_provision=None)
    ActFactory(incident=IncidentFactory(), number_affected=50)  # another protest's: not counted

    response = client_for("analyst").get(reverse("cases:protest-detail", args=[protest.pk]))
    totals = response.context["totals"]
    by_type = {row["slug"]: row for row in totals["act_types"]}
    assert (by_type["arrest"]["people"], by_type["arrest"]["unknown"]) == (5, 1)
    # A seizure's number counts the items taken, never people.
    assert (by_type["seizure"]["people"], by_type["seizure"]["items"]) == (0, 1)
    assert by_type["seizure"]["unknown"] == 0
    by_provision = {row["label"]: row for row in totals["provisions"]}
    assert by_provision["Public Order Act 1986 s5"]["people"] == 5
    assert by_provision["Public Order Act 1986 s5"]["acts"] == 3
    assert by_provision["No provision recorded"]["people"] == 0
    assert by_provision["No provision recorded"]["items"] == 1
    assert {incident.reference for incident, _acts in response.context["rows"]} == {
        one.reference,
        two.reference,
    }


def test_the_protest_list_counts_incidents(client_for, reference_data):
    protest = ProtestFactory(name="Synthetic sit-in")
    IncidentFactory.create_batch(2, protest=protest)
    response = client_for("caseworker").get(reverse("cases:protest-list"))
    [shown] = [p for p in response.context["page"].object_list if p.pk == protest.pk]
    assert shown.incident_count == 2
    assert "Synthetic sit-in" in response.content.decode()
