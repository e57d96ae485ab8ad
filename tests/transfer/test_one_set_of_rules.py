"""The incident editor and the importer keep one set of rules: what one accepts the other
takes back, so a full export of a casebook edited through the form always re-imports, and
a casebook filled by imports can be saved unchanged through the form."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from casebook.cases.models import Incident, Protest, Tag
from casebook.people.models import Person
from casebook.sources.models import Source
from casebook.transfer.formats.casebook_json import incident_json
from casebook.transfer.services import incident_record, incidents_export, incidents_import
from tests.casework.test_editing import ARREST, INCIDENT, PERSON, SOURCE, editor_data
from tests.transfer.conftest import csv_bytes, incident_row

pytestmark = pytest.mark.django_db

CREATE = reverse("casework:incident-create")

# Everything awkward a caseworker may type that the form accepts.
AWKWARD_INCIDENTS = [
    (
        {
            **INCIDENT,
            "title": '=SUM(A1) is not a formula, \'neither is this; nor "this", really',
            "summary": "Two lines,\r\nthe second with a ; and a , and a “quote”.",
            "country": "gb",
            "latitude": "51.507222",
            "longitude": "-0.127500",
            "coordinate_precision": "street",
            "time": "23:59",
            "end_date": "2024-05-06",
            "tags": "kettling, Ünïcode tag, -dash",
            "new_protest_name": "Invented march, with a comma",
        },
        [
            {
                **ARREST,
                "number_affected": "2147483647",
                "trigger_wording": "✊ NO TO\r\nINVENTED LAW",
                "offence_wording": "'=already quoted",
                "outcome_date": INCIDENT["date"],  # the same day: allowed
                "outcome_note": "@mention-like note",
            }
        ],
        [{**SOURCE, "url": "", "title": "+44 is how the hotline number starts"}],
    ),
    (
        {**INCIDENT, "title": "Known only to the month", "date": "2023-11-01"},
        [{"act_type": "dispersal", "number_precision": "unknown"}],
        [SOURCE],
    ),
    (
        {**INCIDENT, "title": "Known only to the year", "date": "1900-01-01"},
        [{"act_type": "seizure", "number_affected": "0", "number_precision": "exact"}],
        [],
    ),
]


def record_through_the_form(client, incident: dict, acts: list, sources: list) -> None:
    people = [PERSON] if acts else []
    response = client.post(CREATE, editor_data(incident, acts=acts, sources=sources, people=people))
    assert response.status_code == 302, response.context["editor"].error_rows


def export(personal: bool, format: str) -> str:
    out = io.StringIO()
    incidents_export(stream=out, actor=None, format=format, personal_data=personal)
    return out.getvalue()


def stored() -> str:
    """The casebook as it is stored (not as a layout writes it), for comparison."""
    records = [
        incident_json(incident_record(incident, personal_data=True))
        for incident in Incident.objects.order_by("date", "title")
    ]
    return comparable(json.dumps(records, ensure_ascii=False, indent=1))


def comparable(text: str) -> str:
    """An export without the keys a fresh casebook hands out anew (sources' and people's)."""
    text = re.sub(r"source-\d+", "source-#", text)
    return re.sub(r"P-\d{6}", "P-#", text)


def _without_what_csv_leaves_out(text: str) -> list:
    records = json.loads(text)
    for record in records:
        for act in record.get("acts", []):
            act.pop("people", None)
            for outcome in act.get("outcomes", []):
                outcome.pop("note", None)
        for source in record.get("sources", []):
            source.pop("text", None)
    return records


def empty_the_casebook() -> None:
    Incident.objects.all().delete()
    Protest.objects.all().delete()
    Source.objects.all().delete()
    Person.objects.all().delete()
    Tag.objects.all().delete()


@pytest.mark.parametrize("format", ["csv", "json", "acled"])
def test_a_full_export_of_a_casebook_edited_through_the_form_re_imports_unchanged(
    client_for, format
):
    client = client_for("coordinator")
    for incident, acts, sources in AWKWARD_INCIDENTS:
        record_through_the_form(client, incident, acts, sources)
    first, before = export(True, format), stored()
    empty_the_casebook()

    report = incidents_import(file=first, actor=None, format=format)

    assert report.ok, [str(p) for p in report.problems]
    if format == "acled":  # ACLED's layout keeps ACLED's coding, not all of Casebook's
        return
    assert report.created == len(AWKWARD_INCIDENTS)
    assert comparable(export(True, format)) == comparable(first)
    if format == "json":
        assert stored() == before
    else:  # the CSV layout carries no people, outcome notes or source texts
        assert _without_what_csv_leaves_out(stored()) == _without_what_csv_leaves_out(before)


class _FormFields(HTMLParser):
    """The values a browser would send back for the editor form as the page shows it."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = "on"
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # Browsers drop the one newline that follows <textarea>.
            self.values[self._textarea] += (
                data.removeprefix("\n") if not self.values[self._textarea] else data
            )


def test_a_casebook_filled_by_an_import_can_be_saved_unchanged_through_the_form(client_for):
    document = {
        "format": "casebook-incidents",
        "incidents": [
            {
                "id": "imported-1",
                "title": "-Imported with a leading dash",
                "summary": "Multi-line\nsummary; with, punctuation",
                "date": "2024-02",
                "country": "GB",
                "force": "the Met",
                "tags": ["night", "Ünïcode"],
                "acts": [
                    {
                        "act_type": "arrest",
                        "number_affected": 2147483647,
                        "trigger_wording": "WORDS\nON TWO LINES",
                        "outcomes": [{"outcome": "charged", "date": "2024-02-01", "note": "n"}],
                    }
                ],
                "sources": [{"title": "Hotline call", "kind": "testimony", "channel": "hotline"}],
            }
        ],
    }
    report = incidents_import(file=json.dumps(document), actor=None)
    assert report.ok, [str(p) for p in report.problems]
    incident = Incident.objects.get()
    client = client_for("coordinator")
    edit = reverse("casework:incident-edit", args=[incident.reference])
    page = _FormFields()
    page.feed(client.get(edit).content.decode())

    response = client.post(edit, page.values)

    assert response.status_code == 302, response.context["editor"].error_rows


# (form field of the incident or act, import column, value) that both must refuse.
REFUSED = [
    ("country", "country", "XX"),
    ("date", "date", "0001-05-04"),
    ("end_date", "end_date", "1899-12-31"),
    ("title", "title", "A NUL\x00 in the title"),
    ("acts-0-number_affected", "number_affected", "2147483648"),
    ("acts-0-outcome_date", "outcome_date", "2024-05-03"),  # the day before the incident
    ("acts-0-trigger_wording", "trigger_wording", "NUL\x00"),
]


@pytest.mark.parametrize(("form_field", "column", "value"), REFUSED)
def test_the_form_and_the_importer_refuse_the_same_values(
    client_for, coordinator, form_field, column, value
):
    data = editor_data(acts=[ARREST], sources=[SOURCE])
    data[form_field] = value

    response = client_for("coordinator").post(CREATE, data)
    report = incidents_import(file=csv_bytes([incident_row(**{column: value})]), actor=coordinator)

    assert response.status_code == 200, "the form accepted it"
    assert not report.ok, "the importer accepted it"
    assert [p.field for p in report.problems] == [column]
    assert not Incident.objects.exists()


def test_a_tag_holding_a_separator_is_refused_by_the_form_and_the_importer(client_for):
    data = editor_data(acts=[ARREST], sources=[SOURCE])
    data["tags"] = "night;day"
    document = [{"id": "x", "title": "Invented", "date": "2024-05-04", "tags": ["night, day"]}]

    response = client_for("coordinator").post(CREATE, data)
    report = incidents_import(file=json.dumps(document), actor=None)

    assert "make it two tags" in response.content.decode()
    assert [str(p) for p in report.problems] == [
        "incidents[0], tags: holds a comma or a semicolon, which separate tags; make it two tags."
    ]


def test_a_full_export_of_the_sample_casebook_re_imports_as_already_up_to_date(reference_data):
    from casebook.sample.generator import sample_generate

    sample_generate(size=40, seed=7)
    first, before = export(True, "json"), stored()

    report = incidents_import(file=first, actor=None)

    assert report.ok, [str(p) for p in report.problems][:5]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 40)
    assert stored() == before


def test_a_name_without_consent_to_keep_it_is_refused_by_the_form_and_the_importer(
    client_for, coordinator
):
    without_consent = {key: value for key, value in PERSON.items() if key != "consent_record"}
    data = editor_data(acts=[ARREST], sources=[SOURCE], people=[without_consent])
    document = [
        {
            "id": "x",
            "title": "Invented",
            "date": "2024-05-04",
            "acts": [{"act_type": "arrest", "people": [{"full_name": "Testperson Noconsent"}]}],
        }
    ]

    response = client_for("coordinator").post(CREATE, data)
    report = incidents_import(file=json.dumps(document), actor=coordinator)

    assert "No consent to keep their details is recorded" in response.content.decode()
    assert [p.field for p in report.problems] == ["consent_record"]
    assert not Person.objects.exists()
