"""Merging two reports of one event keeps everything; unmerging restores both exactly."""

from __future__ import annotations

import pytest

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from casebook.linkage.merging import MergeError, incident_merge, incident_unmerge, merged_into
from casebook.linkage.models import ActClaim
from casebook.people.models import Involvement
from casebook.sources.models import EvidenceFile, IncidentSource
from tests.linkage.merge_support import full_export, record_dump, two_reports_of_one_arrest

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(evidence_dir):
    return two_reports_of_one_arrest()


def test_a_merged_incident_keeps_every_source_act_person_and_piece_of_evidence(reports):
    survivor, merged = reports.survivor, reports.merged
    merged_ref = merged.reference
    incident_merge(survivor=survivor, merged=merged, actor=None)
    assert not Incident.objects.filter(reference=merged_ref).exists()
    titles = set(
        IncidentSource.objects.filter(incident=survivor).values_list("source__title", flat=True)
    )
    assert titles == {"Gazette: arrests at the vigil", "Hotline call 17"}
    channels = set(
        IncidentSource.objects.filter(incident=survivor).values_list(
            "source__channel__slug", flat=True
        )
    )
    assert channels == {"news-monitor", "hotline"}
    kinds = sorted(survivor.acts.values_list("act_type__slug", flat=True))
    assert kinds == ["arrest", "dispersal"]  # the two arrests are one act now
    arrest = survivor.acts.get(act_type__slug="arrest")
    assert arrest.number_affected == 52
    claims = sorted(ActClaim.objects.filter(act=arrest).values_list("number_affected", flat=True))
    assert claims == [52, 54]
    assert arrest.outcomes.count() == 2
    assert Involvement.objects.filter(act__incident=survivor).count() == 2
    assert EvidenceFile.objects.filter(incident=survivor).count() == 2
    assert set(survivor.tags.values_list("name", flat=True)) == {"vigil", "a", "b"}
    assert survivor.assigned_to.filter(username="reporter").exists()
    assert merged_into(merged_ref) == survivor.reference


def test_merge_then_unmerge_leaves_the_export_as_it_was(reports):
    before, rows_before = full_export(), record_dump()
    merge = incident_merge(survivor=reports.survivor, merged=reports.merged, actor=None)
    assert full_export() != before
    restored = incident_unmerge(merge=merge, actor=None)
    assert restored.reference == reports.merged.reference
    assert full_export() == before
    # Row for row too: evidence files, tags, outcome histories, involvements, source links
    # with their channels and keys, as they were.
    rows_after = record_dump()
    for model in ("sources.evidencefile", "cases.outcome", "people.involvement", "cases.tag"):
        assert rows_before[model], f"the reports hold no {model}: the check would be empty"
    assert rows_after == rows_before
    assert not ActClaim.objects.exists()
    assert merged_into(restored.reference) is None


def test_each_merge_and_unmerge_is_in_the_history_of_both_incidents(reports):
    survivor_ref, merged_ref = reports.survivor.reference, reports.merged.reference
    merge = incident_merge(survivor=reports.survivor, merged=reports.merged, actor=None)
    incident_unmerge(merge=merge, actor=None)
    for reference in (survivor_ref, merged_ref):
        actions = list(
            AuditEntry.objects.filter(incident_reference=reference)
            .filter(action__startswith="linkage.")
            .order_by("sequence")
            .values_list("action", flat=True)
        )
        assert actions == ["linkage.incident.merged", "linkage.incident.unmerged"]


def test_an_undone_merge_cannot_be_undone_twice(reports):
    merge = incident_merge(survivor=reports.survivor, merged=reports.merged, actor=None)
    incident_unmerge(merge=merge, actor=None)
    with pytest.raises(MergeError, match="already taken out"):
        incident_unmerge(merge=merge, actor=None)


def test_a_survivor_merged_again_must_be_unmerged_first(reports):
    from tests.factories import IncidentFactory

    first = incident_merge(survivor=reports.survivor, merged=reports.merged, actor=None)
    third = IncidentFactory(title="Third report", status="verified")
    incident_merge(survivor=third, merged=reports.survivor, actor=None)
    assert merged_into(reports.merged.reference) == third.reference
    with pytest.raises(MergeError, match="undo that merge first"):
        incident_unmerge(merge=first, actor=None)
