"""The review pages, by persona: who sees originals, who edits, who approves."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from casebook.redaction.approved import approved_image_for, approved_text_for
from casebook.redaction.models import RedactedDerivative
from casebook.redaction.services import derivative_propose
from tests.conftest import PERSONAS, sign_in
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

# administrator, coordinator, caseworker (on the incident), analyst, outsider, anonymous
EDITORS = (200, 200, 200, 403, 403, 302)
DECIDERS = (302, 302, 403, 403, 403, 302)


@pytest.fixture
def text_derivative(testimony_incident, personas):
    return derivative_propose(
        original=testimony_incident, field="summary", actor=personas["caseworker"]
    )


@pytest.fixture
def image_derivative(photo_evidence, personas):
    return derivative_propose(original=photo_evidence, actor=personas["caseworker"])


def statuses(client_for, method, url, data=None):
    out = []
    for persona in PERSONAS:
        client = client_for(persona)
        response = client.post(url, data or {}) if method == "POST" else client.get(url)
        out.append(response.status_code)
    return tuple(out)


def test_the_pages_by_persona(client_for, text_derivative, image_derivative):
    assert statuses(client_for, "GET", reverse("redaction:queue")) == EDITORS
    for derivative in (text_derivative, image_derivative):
        assert (
            statuses(client_for, "GET", reverse("redaction:review", args=[derivative.pk]))
            == EDITORS
        )
    for name in ("original-image", "redacted-image"):
        assert (
            statuses(client_for, "GET", reverse(f"redaction:{name}", args=[image_derivative.pk]))
            == EDITORS
        )


def test_deciding_by_persona(client_for, testimony_incident, personas):
    for action in ("approve", "reject"):
        got = []
        for persona in PERSONAS:
            derivative = derivative_propose(
                original=testimony_incident, field="summary", actor=personas["coordinator"]
            )
            url = reverse(f"redaction:{action}", args=[derivative.pk])
            got.append(client_for(persona).post(url).status_code)
            RedactedDerivative.objects.filter(pk=derivative.pk).delete()
        assert tuple(got) == DECIDERS, action


def test_a_caseworker_not_on_the_incident_sees_nothing_of_it(
    make_user, text_derivative, image_derivative
):
    stranger = sign_in(Client(), make_user("caseworker"))
    for derivative in (text_derivative, image_derivative):
        assert stranger.get(reverse("redaction:review", args=[derivative.pk])).status_code == 403
    assert (
        stranger.get(reverse("redaction:original-image", args=[image_derivative.pk])).status_code
        == 403
    )
    queue = stranger.get(reverse("redaction:queue")).content.decode()
    assert text_derivative.original_label not in queue


def test_text_review_shows_the_findings_and_saves_edits(client_for, text_derivative):
    coordinator = client_for("coordinator")
    url = reverse("redaction:review", args=[text_derivative.pk])
    page = coordinator.get(url).content.decode()
    assert '<mark class="redaction-mark entity-person' in page
    assert "[PERSON-1]" in page
    # Keep every finding but the first ("Daniel Okafor"), and add a missed word.
    keep = [str(i) for i in range(1, len(text_derivative.regions))]
    response = coordinator.post(
        reverse("redaction:spans", args=[text_derivative.pk]),
        {"redact": keep, "add_text": "six hours", "add_entity": "OTHER"},
    )
    assert response.status_code == 302
    text_derivative.refresh_from_db()
    assert text_derivative.text.startswith("My name is Daniel Okafor.")
    assert "six hours" not in text_derivative.text and "[OTHER-1]" in text_derivative.text


def test_approval_of_something_that_changed_since_it_was_shown_is_refused(
    client_for, text_derivative
):
    coordinator = client_for("coordinator")
    response = coordinator.post(
        reverse("redaction:approve", args=[text_derivative.pk]),
        {"version": "not-what-is-there-now"},
    )
    assert response.status_code == 302
    text_derivative.refresh_from_db()
    assert text_derivative.status == "proposed"


def test_approving_from_the_page(client_for, text_derivative, testimony_incident):
    coordinator = client_for("coordinator")
    page = coordinator.get(reverse("redaction:review", args=[text_derivative.pk]))
    version = page.context["version"]
    coordinator.post(reverse("redaction:approve", args=[text_derivative.pk]), {"version": version})
    assert approved_text_for(testimony_incident, "summary") == text_derivative.text


def test_the_box_editor_saves_json_with_the_csrf_token(personas, image_derivative):
    client = sign_in(Client(enforce_csrf_checks=True), personas["coordinator"])
    page = client.get(reverse("redaction:review", args=[image_derivative.pk]))
    assert b'id="redaction-boxes"' in page.content and b"box-editor.js" in page.content
    token = page.cookies["csrftoken"].value
    url = reverse("redaction:boxes", args=[image_derivative.pk])
    body = json.dumps({"boxes": [[10, 10, 120, 90], [300, 300, 400, 420]]})

    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403  # no token, no save

    saved = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert saved.status_code == 200
    answer = saved.json()
    assert answer["boxes"] == [[10, 10, 120, 90], [300, 300, 400, 420]]
    assert client.get(answer["redacted_url"]).status_code == 200

    approve = client.post(
        reverse("redaction:approve", args=[image_derivative.pk]),
        {"version": answer["version"], "csrfmiddlewaretoken": token},
    )
    assert approve.status_code == 302
    assert approved_image_for(image_derivative.evidence) is not None


@pytest.mark.parametrize(
    "payload", [{"boxes": "no"}, {"boxes": [[1, 2, 3]]}, {"boxes": [[1, 2, 3, "x"]]}, [1, 2]]
)
def test_the_box_editor_refuses_malformed_boxes(client_for, image_derivative, payload):
    response = client_for("coordinator").post(
        reverse("redaction:boxes", args=[image_derivative.pk]),
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("body", ["[" * 150_000, '{"boxes": ' + "9" * 5000 + "}"])
def test_the_box_editor_refuses_hostile_json_without_a_server_error(
    client_for, image_derivative, body
):
    response = client_for("coordinator").post(
        reverse("redaction:boxes", args=[image_derivative.pk]),
        body,
        content_type="application/json",
    )
    assert response.status_code == 400


def test_the_box_form_works_without_the_script(client_for, image_derivative):
    response = client_for("caseworker").post(
        reverse("redaction:boxes", args=[image_derivative.pk]), {"boxes": "[[5, 5, 50, 50]]"}
    )
    assert response.status_code == 302
    image_derivative.refresh_from_db()
    assert image_derivative.regions == [[5, 5, 50, 50]]


def test_pictures_are_served_privately(client_for, image_derivative):
    response = client_for("coordinator").get(
        reverse("redaction:redacted-image", args=[image_derivative.pk])
    )
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_proposing_from_the_queue(client_for, testimony_incident, photo_evidence):
    client = client_for("caseworker")
    response = client.post(
        reverse("redaction:propose"),
        {"what": "incident:summary", "key": testimony_incident.reference},
    )
    derivative = RedactedDerivative.objects.get(incident=testimony_incident)
    assert response.url == reverse("redaction:review", args=[derivative.pk])
    response = client.post(reverse("redaction:propose-evidence", args=[photo_evidence.pk]))
    assert RedactedDerivative.objects.filter(evidence=photo_evidence).exists()
    assert (
        client_for("analyst")
        .post(
            reverse("redaction:propose"),
            {"what": "incident:title", "key": testimony_incident.reference},
        )
        .status_code
        == 403
    )


def test_a_stale_approval_shows_in_the_queue(
    client_for, text_derivative, testimony_incident, personas
):
    from casebook.redaction.services import derivative_approve

    derivative_approve(derivative=text_derivative, actor=personas["coordinator"])
    testimony_incident.summary = "Rewritten."
    testimony_incident.save()
    page = client_for("coordinator").get(reverse("redaction:queue")).content.decode()
    assert "the original changed" in page
    review = client_for("coordinator").get(reverse("redaction:review", args=[text_derivative.pk]))
    assert b"no longer counts as approved" in review.content


def test_pages_show_no_names_to_the_wrong_people(client_for, text_derivative):
    for persona in ("analyst", "outsider", "anonymous"):
        response = client_for(persona).get(
            reverse("redaction:review", args=[text_derivative.pk]), follow=True
        )
        assert b"Okafor" not in response.content


def test_an_incident_without_people_still_gets_a_page(client_for):
    incident = IncidentFactory(summary="Nothing personal here at all.")
    client = client_for("coordinator")
    response = client.post(
        reverse("redaction:propose-incident", args=[incident.reference, "summary"]), follow=True
    )
    assert b"Nothing personal was found" in response.content
