"""`{% editor_row %}` writes exactly what an include of the row's template writes, and keeps
a blank row (the new row each list offers, the empty one "Add another" copies) only as long
as what it shows: the codebook's version, the channels and the language."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test.utils import override_settings
from django.utils import translation

from casebook.analysis.freshness import forget_local
from casebook.sources.models import Channel
from tests.casework.test_editor_fields import _editors
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

ENGINE = engines["django"]
OURS = ENGINE.from_string(
    "{% load editor_fields %}{% editor_row name form number show_errors=show_errors %}"
)
INCLUDED = ENGINE.from_string(
    "{% include name with form=form number=number show_errors=show_errors %}"
)
TEMPLATES = {
    "acts": "casework/_act_row.html",
    "sources": "casework/_source_row.html",
    "people": "casework/_person_row.html",
}


def test_every_row_is_written_as_its_include_writes_it(client_for, personas):
    forget_local()
    compared = kept = 0
    for editor in _editors(client_for, personas):
        for formset in editor.formsets():
            name = TEMPLATES[formset.prefix]
            rows = [(form, str(n)) for n, form in enumerate(formset.forms, start=1)]
            for form, number in [*rows, (formset.empty_form, "__number__")]:
                for show_errors in (True, False):
                    context = {
                        "name": name,
                        "form": form,
                        "number": number,
                        "show_errors": show_errors,
                    }
                    included = INCLUDED.render(context)
                    assert OURS.render(context) == included, form.prefix
                    assert OURS.render(context) == included, form.prefix  # as kept
                    compared += 1
                    kept += form.blank_key() is not None
    assert compared > 40
    # Blank rows of every kind were kept, and rows with anything in them were not.
    assert 0 < kept < compared


def test_a_new_channel_is_offered_in_the_blank_source_row_at_the_next_page(
    client_for, reference_data
):
    client = client_for("coordinator")
    url = f"/incidents/{IncidentFactory().reference}/edit/"
    assert "Invented carrier pigeon" not in client.get(url).content.decode()
    Channel.objects.create(slug="invented-pigeon", name="Invented carrier pigeon")
    assert client.get(url).content.decode().count("Invented carrier pigeon") == 2  # row, copy


@override_settings(LANGUAGES=[("en-gb", "English"), ("ar", "Arabic")])
def test_a_blank_row_is_kept_per_language(client_for, personas):
    blank = _editors(client_for, personas)[0].acts.empty_form
    with translation.override("en-gb"):
        english = blank.blank_key()
    with translation.override("ar"):
        arabic = blank.blank_key()
    assert english is not None and arabic is not None
    assert english != arabic
