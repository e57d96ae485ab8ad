"""A new incident is compared with the casebook as it arrives; the monitor's review queue
ranks the incidents a candidate may be with the same model."""

from __future__ import annotations

import csv
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
def trained(reference_data, tmp_path):
    """A casebook of 240 imported synthetic reports and a linkage run over it."""
    incidents, _ = reports_write(tmp_path, size=240, seed=7)
    call_command("import_incidents", str(incidents), stdout=io.StringIO())
    call_command("linkage", "run", stdout=io.StringIO(), stderr=io.StringIO())
    return Incident.objects.filter(force__isnull=False, acts__isnull=False).order_by("id").first()


def copy_of(original: Incident, **extra) -> Incident:
    """Another report of the same event: same day, force, place and acts, other words."""
    copy = IncidentFactory(
        **extra,
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
    # First, or tied with another report that says the same in every field compared.
    of_trained = next(s for s in suggestions if s.incident == trained)
    assert of_trained.reasons[0] == suggestions[0].reasons[0]
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


def test_an_imported_copy_of_an_incident_waits_in_the_queue(
    trained, tmp_path, django_capture_on_commit_callbacks
):
    """A partner's spreadsheet brings back an event the casebook holds: the import itself
    starts the comparison (no post_save: it writes in bulk), and the pair waits."""
    act = trained.acts.select_related("act_type", "legal_provision").first()
    date = trained.date.isoformat()
    date = {"month": date[:7], "year": date[:4]}.get(trained.date_precision, date)
    row = {
        "incident_id": "partner-sheet-1",
        "title": f"Partner sheet: {trained.title}",
        "summary": trained.summary,
        "date": date,
        "place": trained.place,
        "force": trained.force.slug,
        "act_type": act.act_type.slug,
        "number_affected": act.number_affected if act.number_affected is not None else "",
        "legal_provision": act.legal_provision.slug if act.legal_provision else "",
        "trigger_wording": act.trigger_wording,
        "source_title": "Partner spreadsheet, row 1",
    }
    sheet = tmp_path / "partner.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(row))
        writer.writeheader()
        writer.writerow(row)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_incidents", str(sheet), stdout=io.StringIO())
    copy = Incident.objects.get(external_id="partner-sheet-1")
    run = LinkageRun.objects.get(kind="incremental")
    assert run.incident_reference == copy.reference
    waiting = {p.key for p in services.pairs_waiting()}
    assert tuple(sorted((trained.reference, copy.reference))) in waiting


def test_a_large_import_is_compared_a_batch_at_a_time_until_none_is_left(trained, monkeypatch):
    from casebook.linkage import incremental

    monkeypatch.setattr(incremental, "MOST_NEW", 2)
    copies = [copy_of(trained) for _ in range(5)]
    assert incremental.incidents_waiting()
    runs = incremental.incidents_compare_waiting()
    assert [run.incident_reference for run in runs] == [c.reference for c in copies[::2]]
    assert not incremental.incidents_waiting()


def test_the_review_queue_shows_the_pair_an_accepted_candidate_waits_in(
    trained, client_for, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from casebook.monitor.models import Candidate
    from tests.monitor.pipeline_support import make_candidate

    with django_capture_on_commit_callbacks(execute=True):
        copy = copy_of(trained)
    candidate = make_candidate()
    Candidate.objects.filter(pk=candidate.pk).update(status="accepted", incident=copy)
    address = reverse("monitor:candidate-list") + "?status=accepted"

    page = client_for("coordinator").get(address).content.decode()

    assert f"Same event as {trained.reference}?" in page
    pair = next(p for p in services.pairs_waiting() if copy.reference in p.key)
    assert reverse("linkage:pair-detail", args=[pair.pk]) in page
    # Caseworkers read the queue but judge no pair: they are not sent to the judgement queue.
    assert "Same event as" not in client_for("caseworker").get(address).content.decode()


def test_the_monitor_suggests_an_incident_further_off_when_the_model_holds_it_likely(trained):
    """The monitor looks three days either side; a report its source dates only to the month
    (the 1st, as stored) is found through linkage's wider window when the model holds it the
    same event."""
    import datetime as dt

    from casebook.monitor.proposals import ProposedAct

    monthly = copy_of(trained)
    day = trained.date.replace(day=20)
    Incident.objects.filter(pk=monthly.pk).update(date=day.replace(day=1), date_precision="month")
    acts = [
        ProposedAct(
            type_word=act.act_type.label,
            act_type=act.act_type,
            count=act.number_affected,
            legal_basis="",
            legal_provision=act.legal_provision,
            offence="",
            trigger_word=act.trigger_wording,
            trigger_type=act.trigger_type,
        )
        for act in trained.acts.all()
    ]
    proposal = Proposal(
        title=trained.title,
        force_name=trained.force.name,
        force=trained.force,
        country="GB",
        place=trained.place,
        date=day,
        date_stated=True,
        date_note="",
        total_arrests=None,
        confidence=None,
        acts=acts,
    )
    threshold = services.latest_full_run().threshold

    suggestions = {
        s.incident.pk: s for s in candidate_merge_suggestions(candidate=None, proposal=proposal)
    }

    assert monthly.pk in suggestions, [s.reasons for s in suggestions.values()]
    assert suggestions[monthly.pk].score >= threshold
    assert suggestions[monthly.pk].reasons[0].startswith("match probability")
    assert abs((day - dt.date(day.year, day.month, 1)).days) > 3


def test_an_import_that_commits_after_a_later_save_is_still_compared(trained):
    """On PostgreSQL an import takes its keys in blocks: a save meanwhile gets a higher key,
    commits, and is compared first. The import's incidents, below the last id compared, are
    still compared: the import marks them due when it ends."""
    from casebook.linkage import incremental
    from casebook.linkage.models import ComparisonDue
    from casebook.transfer.signals import incidents_imported

    reserved = copy_of(trained)  # stands for a key the import took and has not used yet
    key = reserved.pk
    reserved.delete()
    later = copy_of(trained)
    assert [r.up_to_incident for r in incremental.incidents_compare_waiting()] == [later.pk]
    late = copy_of(trained, id=key)  # the import's incident, in at last
    ComparisonDue.objects.filter(incident=late).delete()  # written in bulk: no post_save
    assert not incremental.incidents_waiting()  # what a watermark alone would pass over

    incidents_imported.send(sender=None, incident_ids=[late.pk], created=1)
    again = incremental.incidents_compare_waiting()

    assert [r.incident_reference for r in again] == [late.reference]
    assert tuple(sorted((trained.reference, late.reference))) in {
        p.key for p in services.pairs_waiting()
    }
    assert not incremental.incidents_waiting()
