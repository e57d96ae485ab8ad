"""What leaves without personal data carries free text only redacted; the audit trail keeps
that free text changed, never what it said."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.transfer.services import incidents_export
from tests.factories import IncidentFactory, IncidentSourceFactory, OutcomeFactory, ProtestFactory

pytestmark = pytest.mark.django_db

NAME = "Zephyrin Quillbarrow"
WITNESS = "Orlaith Vantreskow"
PHONE = "07700 900461"


@pytest.fixture
def incident():
    incident = IncidentFactory(
        title=f"Arrest of Mr {NAME}",
        protest=ProtestFactory(name=f"Vigil for Mr {NAME}"),
    )
    OutcomeFactory(
        act__incident=incident,
        act__offence_wording=f"obstructing Ms {WITNESS}",
        note=f"Bail: report to Ms {WITNESS}, {PHONE}",
    )
    IncidentSourceFactory(incident=incident, supports=f"what Mr {NAME} said")
    return incident


def _export(format: str, **options) -> str:
    stream = io.StringIO()
    incidents_export(stream=stream, actor=options.pop("actor", None), format=format, **options)
    return stream.getvalue()


@pytest.mark.parametrize("format", ["json", "csv", "acled"])
def test_an_export_without_personal_data_carries_free_text_only_redacted(incident, format):
    exported = _export(format)
    for secret in (NAME, "Quillbarrow", WITNESS, PHONE):
        assert secret not in exported


def test_the_outcome_note_and_wording_leave_as_the_machines_redaction(incident):
    data = json.loads(_export("json"))
    record = data["incidents"][0] if isinstance(data, dict) else data[0]
    text = json.dumps(record)
    assert "Bail: report to Ms [PERSON-1], [PHONE-1]" in text
    assert "obstructing Ms [PERSON-1]" in text
    assert "Arrest of Mr [PERSON-1]" in text
    rows = list(csv.DictReader(io.StringIO(_export("csv"))))
    assert rows[0]["title"] == "Arrest of Mr [PERSON-1]"


def test_an_export_with_personal_data_keeps_free_text_as_written(incident, personas):
    exported = _export("json", actor=personas["coordinator"], personal_data=True)
    assert NAME in exported and WITNESS in exported and PHONE in exported


def test_an_analysts_json_download_holds_no_outcome_note_names(incident, client_for):
    response = client_for("analyst").post(
        reverse("transfer:export"), {"format": "json", "statuses": ["draft"]}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert incident.reference in body or "CB-" in body
    assert WITNESS not in body and NAME not in body and "[PERSON-1]" in body


def test_the_audit_trail_keeps_no_free_text_typed_in_the_editor(incident, client_for):
    from tests.casework.test_editing import edit_form_data  # the editor's form, as posted

    client = client_for("coordinator")
    data = edit_form_data(client, incident)
    typed = {
        "title": f"Arrest of Ms {WITNESS}",
        "place": "outside 14 Tansyhollow Road",
        "acts-0-offence_wording": f"obstructing Mr Bramwell {NAME}",
        "acts-0-trigger_wording": f"Free Ms {WITNESS}",
        "acts-0-perpetrator_unit": f"Sgt {WITNESS}'s unit",
        "acts-0-outcome_note": f"Bail: report to Ms {WITNESS}",
        "sources-0-title": f"Statement by Ms {WITNESS}",
        "sources-0-supports": f"what Ms {WITNESS} saw",
    }
    response = client.post(
        reverse("casework:incident-edit", args=[incident.reference]), data | typed
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    trail = json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert "title" in trail and "supports" in trail  # that they changed is kept
    for secret in (WITNESS, "Tansyhollow", "Quillbarrow", "Bramwell"):
        assert secret not in trail
