"""The editor's codebook selects keep their options per codebook version: the same HTML as
written afresh, and a codebook change is offered at the next page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils.html import format_html

from casebook.analysis.freshness import codebook_version
from casebook.casework.forms import IncidentEditor, SourceForm
from casebook.codebook.models import ActType, LegalProvision
from casebook.sources.models import Channel
from tests.factories import IncidentFactory, IncidentSourceFactory, ProtestFactory

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


def test_the_protest_select_names_protests_as_everywhere_else(client_for, reference_data):
    # Read as columns, not model instances: the same names, escaped, with a date or without.
    dated = ProtestFactory(name="Vigil <for> T & A", date=dt.date(2024, 5, 4))
    undated = ProtestFactory(name='Undated "sit-in"', date=None)
    incident = IncidentFactory(protest=dated)
    page = client_for("coordinator").get(f"/incidents/{incident.reference}/edit/")
    html = page.content.decode()
    assert format_html('<option value="{}" selected>{}</option>', dated.pk, str(dated)) in html
    assert format_html('<option value="{}">{}</option>', undated.pk, str(undated)) in html
    assert "Vigil &lt;for&gt; T &amp; A (04 May 2024)" in html


def test_source_rows_read_the_channels_once_and_offer_what_each_would_read(reference_data):
    incident = IncidentFactory()
    for _ in range(3):
        IncidentSourceFactory(incident=incident)
    Channel.objects.create(slug="invented-fax", name="Invented <fax> & post")
    editor = IncidentEditor(incident=incident, codebook_version=codebook_version())
    rows = [*editor.sources.forms, editor.sources.empty_form]
    with CaptureQueriesContext(connection) as queries:
        shared = [str(row["channel"]) for row in rows]
    assert sum("sources_channel" in q["sql"] for q in queries.captured_queries) == 1
    # Each row as it was made before: reading the channels through its own queryset.
    alone = [
        str(
            SourceForm(initial=row.initial, prefix=row.prefix, use_required_attribute=False)[
                "channel"
            ]
        )
        for row in rows
    ]
    assert shared == alone
    assert "Invented &lt;fax&gt; &amp; post" in shared[0]
    assert " selected>News monitor</option>" in shared[0]
