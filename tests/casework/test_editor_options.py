"""The editor's codebook selects keep their options per codebook version: the same HTML as
written afresh, and a codebook change is offered at the next page."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from casebook.analysis.freshness import codebook_version
from casebook.casework.forms import IncidentEditor
from casebook.codebook.models import ActType, LegalProvision
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def editor_html(incident, version) -> str:
    editor = IncidentEditor(incident=incident, codebook_version=version)
    context = {"editor": editor, "incident": incident, "show_errors": True, "submitted": False}
    return render_to_string("casework/incident_form.html", context)


def test_kept_options_are_the_options_written_afresh(reference_data):
    incident = IncidentFactory(title="Kettled at the station")
    version = codebook_version()
    afresh = editor_html(incident, None)
    assert editor_html(incident, version) == afresh
    assert editor_html(incident, version) == afresh  # and again, from what was kept


def test_a_codebook_change_is_offered_at_the_next_page(client_for, reference_data):
    client = client_for("coordinator")
    incident = IncidentFactory()
    url = f"/incidents/{incident.reference}/edit/"
    assert "Kettle photographed" not in client.get(url).content.decode()
    ActType.objects.create(slug="kettle-photo", label="Kettle photographed", position=99)
    provision = LegalProvision.objects.order_by("pk").first()
    provision.title = "A title renamed for the test"
    provision.save()
    page = client.get(url).content.decode()
    assert "Kettle photographed" in page
    assert "A title renamed for the test" in page
