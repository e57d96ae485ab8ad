"""A new incident is compared with the casebook as it arrives; the monitor's review queue
ranks the incidents a candidate may be with the same model."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from casebook.cases.models import Incident
from casebook.linkage import services
from casebook.linkage.models import LinkageRun
from casebook.monitor.proposals import Proposal
from casebook.monitor.services import candidate_merge_suggestions
from tests.factories import ActFactory, IncidentFactory
from tests.linkage.casebook_support import reports_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(tmp_path):
    """A casebook of 240 imported synthetic reports and a linkage run over it."""
    incidents, _ = reports_write(tmp_path, size=240, seed=7)
    call_command("import_incidents", str(incidents), stdout=io.StringIO())
    call_command("linkage", "run", stdout=io.StringIO(), stderr=io.StringIO())
    return Incident.objects.filter(force__isnull=False, acts__isnull=False).order_by("id").first()


def copy_of(original: Incident) -> Incident:
    """Another report of the same event: same day, force, place and acts, other words."""
    copy = IncidentFactory(
        title=f"Report: {original.title}",
        summary=original.summary,
        date=original.date,
        place=original.place,
        force=original.force,
    )
    for act in original.acts.all():
        ActFactory(
            incident=copy,
            act_type=act.act_type,
            number_affected=act.number_affected,
            number_precision=act.number_precision,
            legal_provision=act.legal_provision,
            trigger_type=act.trigger_type,
            trigger_wording=act.trigger_wording,
        )
    return copy


def test_a_new_incident_is_compared_when_it_is_saved(trained, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        copy = copy_of(trained)
    run = LinkageRun.objects.get(kind="incremental")
    assert run.incident_reference == copy.reference
    waiting = {p.key: p for p in services.pairs_waiting()}
    pair = waiting[tuple(sorted((trained.reference, copy.reference)))]
    assert pair.probability >= run.threshold
    assert "same force" in pair.explanation
    # Nothing new since: the next comparison has nothing to do.
    from casebook.linkage.incremental import incidents_compare_new

    assert incidents_compare_new() is None


def test_the_monitor_ranks_its_suggestions_with_the_linkage_model(trained):
    proposal = Proposal(
        title=trained.title,
        force_name=trained.force.name,
        force=trained.force,
        country="GB",
        place=trained.place,
        date=trained.date,
        date_stated=True,
        date_note="",
        total_arrests=None,
        confidence=None,
        acts=[],
    )
    suggestions = candidate_merge_suggestions(candidate=None, proposal=proposal)
    assert suggestions[0].incident == trained
    assert suggestions[0].reasons[0].startswith("match probability ")
    assert "same force" in " ".join(suggestions[0].reasons)


def test_run_new_compares_imported_incidents_without_training(trained, tmp_path):
    out = io.StringIO()
    call_command("linkage", "run", "--new", stdout=out)
    assert "No incident is new" in out.getvalue()
    copy_of(trained)  # saved outside any commit hook's reach, as an import would
    call_command("linkage", "run", "--new", stdout=out)
    assert "pairs kept with a new one" in out.getvalue()
    assert LinkageRun.objects.filter(kind="incremental").count() == 1
