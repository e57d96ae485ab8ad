"""`{% editor_field %}` writes exactly what an include of casework/_field.html writes, for
every field of the incident editor: blank and filled, with and without errors, wide or not."""

from __future__ import annotations

import itertools

import pytest
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse

from tests.casework.test_editing import ARREST, PERSON, SOURCE, edit_form_data, editor_data

pytestmark = pytest.mark.django_db

OURS = engines["django"].from_string("{% load editor_fields %}{% editor_field field wide=wide %}")
INCLUDED = get_template("casework/_field.html")


def _fields(editor):
    forms = [editor.incident_form]
    for formset in editor.formsets():
        forms += [*formset.forms, formset.empty_form]
    return [field for form in forms for field in form]


def _editors(client_for, personas):
    client = client_for("coordinator")
    blank = client.get(reverse("casework:incident-create")).context["editor"]
    # Errors in every kind of row: a missing title, a bad number, a bad URL, a person
    # without consent; a checkbox (delete, consent) and help texts (dates) among them.
    refused = client.post(
        reverse("casework:incident-create"),
        editor_data(
            {"title": "", "date": "2024-05-04", "summary": "Invented <b>bold</b> & co"},
            acts=[ARREST | {"number_affected": "many"}],
            sources=[SOURCE | {"url": "not a url"}],
            people=[PERSON | {"consent_record": ""}],
        ),
    )
    assert refused.status_code == 200
    saved = client.post(
        reverse("casework:incident-create"),
        editor_data(acts=[ARREST], sources=[SOURCE], people=[PERSON]),
    )
    assert saved.status_code == 302
    reference = saved["Location"].rstrip("/").rsplit("/", 1)[-1]
    from casebook.cases.models import Incident

    incident = Incident.objects.get(reference=reference)
    edit_form_data(client, incident)  # the editor of a saved incident renders
    filled = client.get(reverse("casework:incident-edit", args=[reference])).context["editor"]
    return [blank, refused.context["editor"], filled]


def test_every_field_is_written_as_the_template_writes_it(client_for, personas):
    compared = kinds = 0
    seen = set()
    for editor in _editors(client_for, personas):
        for field, show_errors, wide in itertools.product(
            _fields(editor), (True, False), (True, False)
        ):
            context = {"field": field, "show_errors": show_errors, "wide": wide}
            assert OURS.render(context) == INCLUDED.render(context), field.html_name
            compared += 1
            seen.add((field.widget_type, bool(field.errors), bool(field.help_text)))
    kinds = len(seen)
    assert compared > 300
    # Checkboxes, selects, text areas, errors and help texts were all among them.
    assert kinds >= 8
    assert any(errors for _kind, errors, _help in seen)
    assert any(help for _kind, _errors, help in seen)
    assert {"checkbox", "select", "textarea"} <= {kind for kind, _e, _h in seen}
