"""The incident page and the editor read what they show once: what they have read already
is counted, not read again, and a form sent back is checked against what was sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.casework.test_editing import edit_form_data, recorded  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_a_form_sent_back_with_errors_shows_each_act_outcome_history(client_for, recorded):  # noqa: F811
    client = client_for("caseworker")
    data = edit_form_data(client, recorded) | {"title": ""}
    response = client.post(reverse("casework:incident-edit", args=[recorded.reference]), data)
    assert response.status_code == 200
    act_row = response.content.decode().split('<fieldset class="row act-row">')[1]
    outcome = recorded.acts.get().outcomes.get()
    assert f"{outcome.outcome_type.label} · {dt.date(2024, 6, 1):%-d %B %Y}" in act_row
    assert response.context["editor"].acts.forms[0].outcomes == [outcome]
