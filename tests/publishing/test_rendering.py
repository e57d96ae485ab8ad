"""The portal's select renderer writes exactly what Django's templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from casebook.publishing.forms import PublicSearchForm
from casebook.publishing.rendering import portal_renderer

pytestmark = pytest.mark.django_db


def _fields(form) -> list[str]:
    return [str(form[name]) for name in form.fields]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"force": "metropolitan-police-service", "act_type": "arrest", "place": "Testford"},
        {"q": '<b>"quoted" & odd</b>', "place": "Somewhere & <elsewhere>"},
    ],
)
def test_the_public_filters_render_as_django_renders_them(reference_data, data):
    places = ["Testford", "Somewhere & <elsewhere>", 'A "quoted" town']
    django_form = PublicSearchForm(data, places=places, renderer=DjangoTemplates())
    portal_form = PublicSearchForm(data, places=places, renderer=portal_renderer)
    assert _fields(portal_form) == _fields(django_form)


def test_grouped_and_disabled_options_render_as_django_renders_them():
    class Grouped(forms.Form):
        choice = forms.ChoiceField(
            choices=[("", "Any"), ("Group & one", [("a", "A <1>"), ("b", "B")]), ("c", "C")],
            widget=forms.Select(attrs={"disabled": True, "data-note": 'say "hi"'}),
        )

    data = {"choice": "b"}
    assert str(Grouped(data, renderer=portal_renderer)["choice"]) == str(
        Grouped(data, renderer=DjangoTemplates())["choice"]
    )


@pytest.mark.parametrize("data", [None, {"act_type": "arrest", "force": "nowhere"}])
def test_the_codebook_options_are_those_django_makes_from_instances(reference_data, data):
    from django.forms.models import ModelChoiceIterator

    plain = PublicSearchForm(data, renderer=DjangoTemplates())
    instances = PublicSearchForm(data, renderer=DjangoTemplates())
    for name in ("force", "act_type", "provision", "trigger", "outcome"):
        field = instances.fields[name]
        field.widget.choices = ModelChoiceIterator(field)
        assert str(plain[name]) == str(instances[name]), name
    assert plain.is_valid() == instances.is_valid()
