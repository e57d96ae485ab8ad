"""`casebook portal`: publishing from the command line, and the demo's public side."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from casebook.publishing.models import PortalSettings, Post, Publication
from casebook.publishing.publishable import public_incidents, published_incidents
from casebook.sample.generator import sample_generate
from tests.factories import IncidentFactory
from tests.publishing.world import approve

pytestmark = pytest.mark.django_db


def test_publish_and_withdraw_by_reference(reference_data, run):
    incident = IncidentFactory(status="verified", summary="Invented.")
    approve(incident, "summary", "Invented, redacted.")
    assert "published" in run("portal", "publish", incident.reference)
    assert Publication.objects.filter(incident=incident).exists()
    assert "withdrawn" in run("portal", "withdraw", incident.reference)
    assert not Publication.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="publishing.incident.").count() == 2


def test_publishing_an_unready_incident_says_why_and_fails(reference_data, capsys):
    incident = IncidentFactory(status="draft")
    with pytest.raises(CommandError):
        call_command("portal", "publish", incident.reference)
    assert "verify it first" in " ".join(capsys.readouterr().out.split())


def test_the_demo_publishes_part_of_the_verified_sample(reference_data, personas, run):
    sample_generate(size=60, seed=3)
    verified = Incident.objects.filter(status="verified").count()
    assert verified >= 4
    out = run("portal", "demo", "--as", "coordinator", "--count", "5")
    assert "The public portal is on" in out
    assert PortalSettings.current().enabled
    public = public_incidents(published_incidents())
    assert 0 < len(public) <= 5
    assert len(public) < verified  # part of the verified record stays unpublished
    assert all(p.summary for p in public)
    assert Post.objects.filter(slug="first-cases-published").exists()
    # Again: nothing published twice.
    run("portal", "demo", "--as", "coordinator", "--count", "5")
    assert Publication.objects.count() == len(public)
