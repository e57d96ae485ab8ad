"""Publishing and withdrawing: coordinators' explicit, audited steps; verified is not public."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from casebook.audit.models import AuditEntry
from casebook.publishing.models import Publication
from casebook.publishing.publishable import public_incident
from casebook.publishing.services import (
    PublicationRefused,
    publication_publish,
    publication_withdraw,
)
from tests.factories import IncidentFactory
from tests.publishing.world import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified(reference_data):
    incident = IncidentFactory(status="verified", summary="Invented summary.")
    approve(incident, "summary", "Invented summary, redacted.")
    return incident


def test_a_verified_incident_is_not_public_until_a_coordinator_publishes_it(verified, personas):
    assert public_incident(verified.reference) is None
    publication_publish(incident=verified, actor=personas["coordinator"])
    assert public_incident(verified.reference).summary == "Invented summary, redacted."
    entry = AuditEntry.objects.get(action="publishing.incident.published")
    assert entry.incident_reference == verified.reference
    assert entry.actor_name == "coordinator"


@pytest.mark.parametrize("persona", ["caseworker", "analyst", "outsider"])
def test_only_coordinators_and_administrators_publish(verified, personas, persona):
    with pytest.raises(PermissionDenied):
        publication_publish(incident=verified, actor=personas[persona])
    assert not Publication.objects.exists()


def test_publishing_is_refused_with_the_reason_and_the_fix(reference_data, personas):
    draft = IncidentFactory(status="draft", summary="Not yet redacted.")
    with pytest.raises(PublicationRefused) as refused:
        publication_publish(incident=draft, actor=personas["coordinator"])
    text = " ".join(refused.value.messages)
    assert "verify it first" in text
    assert "approved redaction" in text
    assert not Publication.objects.exists()


def test_withdrawing_takes_it_off_and_is_audited(verified, personas):
    publication_publish(incident=verified, actor=personas["administrator"])
    assert publication_withdraw(incident=verified, actor=personas["coordinator"])
    assert public_incident(verified.reference) is None
    assert AuditEntry.objects.filter(action="publishing.incident.withdrawn").count() == 1
    assert not publication_withdraw(incident=verified, actor=personas["coordinator"])


def test_publishing_twice_records_one_decision(verified, personas):
    publication_publish(incident=verified, actor=personas["coordinator"])
    publication_publish(incident=verified, actor=personas["coordinator"])
    assert AuditEntry.objects.filter(action="publishing.incident.published").count() == 1
