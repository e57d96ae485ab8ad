"""Derivatives: propose, review, approve; only approved, current derivatives ever leave."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied

from casebook.audit.models import AuditEntry
from casebook.redaction.approved import approved_image_for, approved_text_for
from casebook.redaction.faces import decode_image
from casebook.redaction.models import PublicFigure, RedactedDerivative
from casebook.redaction.services import (
    RedactionRefused,
    derivative_approve,
    derivative_propose,
    derivative_reject,
    derivative_update_boxes,
    derivative_update_spans,
)
from casebook.sources.models import EvidenceFile
from tests.factories import IncidentFactory, SourceFactory
from tests.redaction.conftest import ASTRONAUT_FACE, TESTIMONY

pytestmark = pytest.mark.django_db

PERSONAL = ("Okafor", "Acacia", "4ZZ", "07700", "7946", "1998")


def audit_actions(derivative) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type="redaction.redactedderivative", object_id=str(derivative.pk)
        )
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_a_proposal_redacts_the_text_and_is_not_yet_approved(testimony_incident, personas):
    derivative = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["caseworker"]
    )
    assert derivative.status == "proposed"
    assert not any(value in derivative.text for value in PERSONAL)
    assert "PC 4471" in derivative.text  # collar numbers are kept by default
    assert approved_text_for(testimony_incident, "summary") is None
    assert audit_actions(derivative) == ["redaction.derivative.proposed"]


def test_approval_makes_the_text_available_and_is_audited_without_personal_data(
    testimony_incident, personas
):
    derivative = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["caseworker"]
    )
    derivative_approve(derivative=derivative, actor=personas["coordinator"])
    assert approved_text_for(testimony_incident, "summary") == derivative.text
    assert audit_actions(derivative) == [
        "redaction.derivative.proposed",
        "redaction.derivative.approved",
    ]
    entries = AuditEntry.objects.filter(object_id=str(derivative.pk))
    logged = json.dumps(list(entries.values("changes", "object_type", "incident_reference")))
    assert not any(value in logged for value in PERSONAL)
    approved = entries.get(action="redaction.derivative.approved")
    assert approved.actor == personas["coordinator"]
    assert approved.incident_reference == testimony_incident.reference


@pytest.mark.parametrize("persona", ["caseworker", "analyst", "outsider"])
def test_only_coordinators_and_administrators_approve(testimony_incident, personas, persona):
    derivative = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["coordinator"]
    )
    with pytest.raises(PermissionDenied):
        derivative_approve(derivative=derivative, actor=personas[persona])
    derivative_approve(derivative=derivative, actor=personas["administrator"])


@pytest.mark.parametrize("persona", ["analyst", "outsider"])
def test_analysts_and_outsiders_may_not_propose(testimony_incident, personas, persona):
    with pytest.raises(PermissionDenied):
        derivative_propose(original=testimony_incident, field="summary", actor=personas[persona])


def test_a_caseworker_proposes_only_for_incidents_they_work_on(personas, make_user):
    other = make_user("caseworker")
    incident = IncidentFactory(summary=TESTIMONY, created_by=other)
    with pytest.raises(PermissionDenied):
        derivative_propose(original=incident, field="summary", actor=personas["caseworker"])
    derivative_propose(original=incident, field="summary", actor=other)


def test_a_changed_original_makes_the_approval_stale(testimony_incident, personas):
    derivative = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["coordinator"]
    )
    derivative_approve(derivative=derivative, actor=personas["coordinator"])
    testimony_incident.summary += " Jo Bloggs saw it all."
    testimony_incident.save()
    derivative.refresh_from_db()
    assert derivative.is_stale and not derivative.is_current_approval
    assert approved_text_for(testimony_incident, "summary") is None
    # Proposed and approved again, it is current once more.
    fresh = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["coordinator"]
    )
    derivative_approve(derivative=fresh, actor=personas["coordinator"])
    assert "[PERSON-3]" in approved_text_for(testimony_incident, "summary")


def test_a_proposal_whose_original_changed_cannot_be_approved(testimony_incident, personas):
    derivative = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["coordinator"]
    )
    testimony_incident.summary = "Something else entirely."
    testimony_incident.save()
    with pytest.raises(RedactionRefused, match="changed"):
        derivative_approve(derivative=derivative, actor=personas["coordinator"])


def test_proposing_again_refreshes_the_open_proposal(testimony_incident, personas):
    first = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["coordinator"]
    )
    second = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["coordinator"]
    )
    assert first.pk == second.pk
    assert RedactedDerivative.objects.count() == 1


def test_a_decided_derivative_cannot_be_decided_or_edited_again(testimony_incident, personas):
    derivative = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["coordinator"]
    )
    derivative_reject(derivative=derivative, actor=personas["coordinator"])
    assert approved_text_for(testimony_incident, "summary") is None
    with pytest.raises(RedactionRefused):
        derivative_approve(derivative=derivative, actor=personas["coordinator"])
    with pytest.raises(RedactionRefused):
        derivative_update_spans(derivative=derivative, spans=[], actor=personas["coordinator"])


def test_a_reviewer_unredacts_a_false_positive_and_adds_a_missed_span(personas):
    summary = "Amira Khan spoke to Greenpeace volunteers at the Zqx Cafe."
    incident = IncidentFactory(summary=summary)
    derivative = derivative_propose(
        original=incident, field="summary", actor=personas["coordinator"]
    )
    regions = [
        dict(r, redact=summary[r["start"] : r["end"]] == "Amira Khan") for r in derivative.regions
    ]
    start = summary.index("Zqx Cafe")
    regions.append({"start": start, "end": start + 8, "entity": "ADDRESS", "origin": "added"})
    edited = derivative_update_spans(
        derivative=derivative, spans=regions, actor=personas["coordinator"]
    )
    assert edited.text == "[PERSON-1] spoke to Greenpeace volunteers at the [ADDRESS-1]."
    assert audit_actions(edited)[-1] == "redaction.derivative.edited"


def test_review_edits_outside_the_text_are_refused(personas):
    incident = IncidentFactory(summary="Short.")
    derivative = derivative_propose(
        original=incident, field="summary", actor=personas["coordinator"]
    )
    with pytest.raises(ValueError):
        derivative_update_spans(
            derivative=derivative,
            actor=personas["coordinator"],
            spans=[{"start": 2, "end": 99, "entity": "PERSON"}],
        )


def test_public_figures_come_from_the_setting_and_the_admin_list(settings, personas):
    settings.REDACTION_PUBLIC_FIGURES = ["Mark Rowley"]
    PublicFigure.objects.create(name="Yvette Cooper", note="Home Secretary")
    incident = IncidentFactory(
        summary="Mark Rowley and Yvette Cooper praised officers; Tobias Reed was arrested."
    )
    derivative = derivative_propose(
        original=incident, field="summary", actor=personas["coordinator"]
    )
    assert derivative.text == (
        "Mark Rowley and Yvette Cooper praised officers; [PERSON-1] was arrested."
    )


def test_collar_numbers_are_hidden_when_the_setting_says_so(settings, testimony_incident, personas):
    settings.REDACTION_KEEP_COLLAR_NUMBERS = False
    derivative = derivative_propose(
        original=testimony_incident, field="summary", actor=personas["coordinator"]
    )
    assert "4471" not in derivative.text and "[COLLAR-1]" in derivative.text


def test_a_source_text_is_redacted_too(personas):
    source = SourceFactory(text="Witness Jo Bloggs (jo@example.org) saw the arrest.")
    derivative = derivative_propose(original=source, field="text", actor=personas["coordinator"])
    derivative_approve(derivative=derivative, actor=personas["coordinator"])
    assert approved_text_for(source, "text") == "Witness [PERSON-1] ([EMAIL-1]) saw the arrest."


def test_only_listed_fields_may_be_redacted(testimony_incident, personas):
    with pytest.raises(RedactionRefused):
        derivative_propose(
            original=testimony_incident, field="place", actor=personas["coordinator"]
        )


def test_an_empty_field_needs_no_redaction(personas):
    incident = IncidentFactory(summary="")
    assert approved_text_for(incident, "summary") == ""


# --- images ------------------------------------------------------------------------------------


def test_a_photo_is_proposed_with_its_face_boxed_and_blurred(photo_evidence, personas):
    derivative = derivative_propose(original=photo_evidence, actor=personas["caseworker"])
    assert derivative.kind == "image" and len(derivative.regions) == 1
    assert (derivative.image_width, derivative.image_height) == (512, 512)
    assert approved_image_for(photo_evidence) is None  # not approved yet
    derivative_approve(derivative=derivative, actor=personas["coordinator"])
    published, _ = decode_image(approved_image_for(photo_evidence))
    x1, y1, x2, y2 = ASTRONAUT_FACE
    from skimage import data

    original = data.astronaut()[y1:y2, x1:x2].astype(float)
    assert np.abs(published[y1:y2, x1:x2].astype(float) - original).mean() > 20


def test_edited_boxes_render_again_from_the_original(photo_evidence, personas):
    derivative = derivative_propose(original=photo_evidence, actor=personas["coordinator"])
    first_image = derivative.image_name
    edited = derivative_update_boxes(
        derivative=derivative, boxes=[[0, 0, 100, 100]], actor=personas["coordinator"]
    )
    assert edited.regions == [[0, 0, 100, 100]]
    assert edited.image_name != first_image
    derivative_approve(derivative=edited, actor=personas["coordinator"])
    published, _ = decode_image(approved_image_for(photo_evidence))
    from skimage import data

    x1, y1, x2, y2 = ASTRONAUT_FACE
    # The face is back as it was (JPEG-close): the first blur was not baked into the original.
    face = data.astronaut()[y1:y2, x1:x2].astype(float)
    assert np.abs(published[y1:y2, x1:x2].astype(float) - face).mean() < 6


def test_video_is_refused_and_never_published(evidence_dir, personas):
    incident = IncidentFactory()
    video = EvidenceFile.objects.create(
        sha256="ab" * 32,
        size=10,
        media_type="video/mp4",
        storage_name=f"ab/ab/{'ab' * 32}",
        incident=incident,
    )
    with pytest.raises(RedactionRefused, match="never published"):
        derivative_propose(original=video, actor=personas["coordinator"])
    assert approved_image_for(video) is None


def test_the_redacted_image_is_deleted_with_its_last_derivative(
    photo_evidence, personas, evidence_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        derivative = derivative_propose(original=photo_evidence, actor=personas["coordinator"])
    stored = evidence_dir / derivative.image_name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        derivative.delete()
    assert not stored.exists()
