"""The form renderer writes inputs, selects, text areas and labels in Python: exactly the
HTML Django's own templates write, for every widget and value, and whole pages alike."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.test import Client, override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from casebook.web.form_rendering import WRITTEN, FormRenderer
from tests.conftest import sign_in
from tests.factories import IncidentFactory

TRICKY = "Quotes \" and ' <b>tags</b> & ampersands"


class EveryWidget(forms.Form):
    text = forms.CharField(label=TRICKY, help_text="Some help")
    placeholder = forms.CharField(
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Type & go"), "size": 2})
    )
    flags = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "disabled": False, "data-x": None}),
    )
    number = forms.IntegerField(min_value=0)
    decimal = forms.DecimalField(required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    checked = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    choice = forms.ChoiceField(choices=[("", "—"), ("a", TRICKY), ("b&", "B"), (3, "Three")])
    grouped = forms.ChoiceField(
        choices=[("Group <one>", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False
    )
    safe_label = forms.CharField(label=mark_safe("<em>Safe</em> label"), required=False)
    # Their labels point at no one input, so Django gives the label no attributes at all.
    radio = forms.ChoiceField(widget=forms.RadioSelect, choices=[("r", "R")], required=False)
    boxes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=[("p", "P"), ("q", "Q")], required=False
    )


VALUES = [
    {},
    {
        "text": TRICKY,
        "placeholder": "  spaced  ",
        "number": "12",
        "decimal": "1.50",
        "date": "2024-05-04",
        "time": "14:30",
        "email": "a@example.test",
        "url": "https://example.test/?a=1&b=2",
        "secret": "s3cr&t",
        "hidden": "<hidden>",
        "checked": "on",
        "note": "Line one\nline <two> & three",
        "choice": "b&",
        "grouped": "y",
    },
    {"number": "not a number", "date": "04/05/2024", "choice": "nothing", "note": ""},
]


def rendered(form: forms.Form) -> str:
    return "\n".join(
        f"{field.label_tag()}{field}{field.as_hidden() if field.name == 'text' else ''}"
        for field in form
    ) + str(form.as_div())


@pytest.mark.parametrize("data", VALUES)
def test_every_widget_is_written_as_djangos_templates_write_it(data):
    ours = rendered(EveryWidget(data or None, renderer=FormRenderer()))
    djangos = rendered(EveryWidget(data or None, renderer=DjangoTemplates()))
    assert ours == djangos


def test_initial_values_of_every_kind_are_written_alike():
    initial = {
        "text": mark_safe("<i>safe</i>"),
        "number": 1234567,
        "decimal": 3.5,
        "date": dt.date(2024, 5, 4),
        "time": dt.time(9, 5),
        "checked": True,
        "note": 42,
        "choice": 3,
    }
    ours = rendered(EveryWidget(initial=initial, renderer=FormRenderer()))
    assert ours == rendered(EveryWidget(initial=initial, renderer=DjangoTemplates()))


def test_the_written_templates_are_in_use():
    """If Django's own templates change (an upgrade), this says so: the renderer then sends
    them back to the engine, which is correct but slow."""
    assert set(FormRenderer().written()) == set(WRITTEN)


def test_a_template_whose_source_differs_goes_to_the_engine(monkeypatch):
    renderer = FormRenderer()
    real = renderer._source
    monkeypatch.setattr(
        renderer,
        "_source",
        lambda name: "changed" if name.endswith("textarea.html") else real(name),
    )
    assert "django/forms/widgets/textarea.html" not in renderer.written()
    data = VALUES[1]
    assert rendered(EveryWidget(data, renderer=renderer)) == rendered(
        EveryWidget(data, renderer=DjangoTemplates())
    )


def _page(client, url: str, renderer: str) -> str:
    get_default_renderer.cache_clear()
    try:
        with override_settings(FORM_RENDERER=renderer):
            html = client.get(url).content.decode()
    finally:
        get_default_renderer.cache_clear()
    # The CSRF token is masked anew on every page.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_the_incident_editor_and_list_are_the_same_pages(personas):
    client = sign_in(Client(), personas["coordinator"])
    incident = IncidentFactory(title=TRICKY, summary="Kettled <b>for</b> hours & more")
    for url in ("/incidents/new/", f"/incidents/{incident.reference}/edit/", "/incidents/"):
        ours = _page(client, url, "casebook.web.form_rendering.FormRenderer")
        djangos = _page(client, url, "django.forms.renderers.DjangoTemplates")
        assert ours == djangos, url
