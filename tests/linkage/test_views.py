"""The judgement queue, merges and their undoing, settings and people recorded twice, over
HTTP as the personas who use them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from casebook.audit.models import AuditEntry
from casebook.cases.models import Incident
from casebook.linkage.models import (
    IncidentMerge,
    LinkageRun,
    LinkageSettings,
    PairDecision,
    SuggestedPair,
    pair_key,
)
from tests.factories import IncidentFactory, InvolvementFactory
from tests.linkage.matrix import suggested_pair
from tests.linkage.merge_support import two_reports_of_one_arrest

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client_for):
    return client_for("coordinator")


def pair_of(a, b, probability: float, weight: float, run=None):
    """A suggested pair of `a` and `b` (in a new run unless one is given)."""
    if run is None:
        return pair_of(a, b, probability, weight, run=suggested_pair(a, b).run)
    left, right = pair_key(a.reference, b.reference)
    pair, _ = SuggestedPair.objects.update_or_create(
        run=run,
        left_reference=left,
        right_reference=right,
        defaults={"probability": probability, "weight": weight, "explanation": "same force"},
    )
    return pair


def test_the_queue_shows_the_most_uncertain_pair_first_side_by_side(coordinator):
    sure = pair_of(IncidentFactory(), IncidentFactory(), 0.99, 8.0)
    unsure = pair_of(
        IncidentFactory(title="Arrests at the invented vigil"),
        IncidentFactory(title="Vigil: people held"),
        0.6,
        0.4,
        run=sure.run,
    )
    page = coordinator.get(reverse("linkage:queue")).content.decode()
    first = page.index(f"{unsure.left_reference} and {unsure.right_reference}: one event?")
    assert first < page.index(sure.left_reference)
    assert "Arrests at the invented vigil" in page and "Vigil: people held" in page
    assert "Why: same force" in page
    for verdict in ("Same event", "Different events", "Unsure"):
        assert verdict in page


def test_different_events_are_never_asked_again(coordinator):
    a, b = IncidentFactory(), IncidentFactory()
    pair = pair_of(a, b, 0.8, 2.0)
    response = coordinator.post(
        reverse("linkage:pair-decide", args=[pair.pk]), {"verdict": "different"}
    )
    assert response.status_code == 302
    assert PairDecision.objects.get().verdict == "different"
    # A later run suggests the same pair again: it stays out of the queue.
    later = LinkageRun.objects.create(threshold=0.5, records=2, finished_at=timezone.now())
    pair_of(a, b, 0.9, 3.0, run=later)
    page = coordinator.get(reverse("linkage:queue")).content.decode()
    assert "Nothing is waiting" in page
    assert f"{a.reference} and {b.reference}: one event?" not in page


def test_unsure_pairs_wait_at_the_end_of_the_queue(coordinator):
    doubtful = pair_of(IncidentFactory(), IncidentFactory(), 0.55, 0.2)
    other = pair_of(IncidentFactory(), IncidentFactory(), 0.95, 4.0, run=doubtful.run)
    coordinator.post(reverse("linkage:pair-decide", args=[doubtful.pk]), {"verdict": "unsure"})
    page = coordinator.get(reverse("linkage:queue")).content.decode()
    assert page.index(f"{other.left_reference} and") < page.rindex(doubtful.left_reference)
    assert "(unsure)" in page


def test_same_event_merges_and_the_old_address_leads_to_the_survivor(coordinator, evidence_dir):
    reports = two_reports_of_one_arrest()
    survivor, merged = reports.survivor, reports.merged
    pair = pair_of(survivor, merged, 0.97, 5.0)
    response = coordinator.post(
        reverse("linkage:pair-decide", args=[pair.pk]), {"verdict": "same"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 302
    assert not Incident.objects.filter(reference=merged.reference).exists()
    old = coordinator.get(reverse("casework:incident-detail", args=[merged.reference]))
    assert old.status_code == 302
    assert old["Location"] == reverse("casework:incident-detail", args=[survivor.reference])
    merge = IncidentMerge.objects.get()
    page = coordinator.get(reverse("linkage:merge-detail", args=[merge.pk])).content.decode()
    assert "arrest: 52–54" in page.lower()
    assert "Hotline call 17 (Our hotline)" in page
    assert "Gazette: arrests at the vigil (News monitor)" in page
    assert "linkage.incident.merged" in page


def test_undoing_a_merge_brings_the_incident_back(coordinator, evidence_dir):
    reports = two_reports_of_one_arrest()
    pair = pair_of(reports.survivor, reports.merged, 0.97, 5.0)
    coordinator.post(reverse("linkage:pair-decide", args=[pair.pk]), {"verdict": "same"})
    merge = IncidentMerge.objects.get()
    response = coordinator.post(reverse("linkage:merge-undo", args=[merge.pk]))
    assert response["Location"] == reverse(
        "casework:incident-detail", args=[reports.merged.reference]
    )
    detail = coordinator.get(response["Location"])
    assert detail.status_code == 200
    assert "Hotline: 54 held at the vigil" in detail.content.decode()
    again = coordinator.post(reverse("linkage:merge-undo", args=[merge.pk]), follow=True)
    assert "already taken out" in again.content.decode()


def test_only_administrators_turn_automatic_merging_on(client_for):
    url = reverse("linkage:settings")
    assert client_for("coordinator").post(url, {"auto_merge": "on"}).status_code == 403
    admin = client_for("administrator")
    refused = admin.post(url, {"auto_merge": "on", "auto_merge_threshold": "1.5"})
    assert "Ensure this value is less than or equal to" in refused.content.decode()
    assert not LinkageSettings.current().auto_merge
    admin.post(url, {"auto_merge": "on", "auto_merge_threshold": "0.995"})
    chosen = LinkageSettings.current()
    assert chosen.auto_merge and chosen.auto_merge_threshold == 0.995
    assert AuditEntry.objects.filter(action="linkage.settings.changed").exists()


def test_people_recorded_twice_are_shown_only_to_those_who_see_people(client_for):
    first = InvolvementFactory(
        person__full_name="Testperson Twice", person__contact="t@example.test"
    )
    second = InvolvementFactory(
        person__full_name="testperson  twice", person__contact="T@example.test"
    )
    InvolvementFactory(person__full_name="Someone Else", person__contact="e@example.test")
    page = client_for("coordinator").get(reverse("linkage:people")).content.decode()
    assert first.person.reference in page and second.person.reference in page
    assert "Someone" not in page and "Testperson" not in page
    assert client_for("caseworker").get(reverse("linkage:people")).status_code == 403
    assert client_for("analyst").get(reverse("linkage:people")).status_code == 403


def test_the_queue_says_which_sources_were_found_by_searching(coordinator):
    from tests.factories import IncidentSourceFactory

    a, b = IncidentFactory(), IncidentFactory()
    IncidentSourceFactory(
        incident=a, source__title="Searched-for article", found_independently=False
    )
    IncidentSourceFactory(incident=b, source__title="Hotline call")
    pair_of(a, b, 0.8, 2.0)
    page = coordinator.get(reverse("linkage:queue")).content.decode()
    assert "Searched-for article" in page and "found by searching for this incident" in page
    assert page.count("found by searching") == 1


def test_the_incident_page_shows_the_range_and_each_report_with_its_sources(
    coordinator, client_for, evidence_dir
):
    reports = two_reports_of_one_arrest()
    merged_reference = reports.merged.reference
    pair = pair_of(reports.survivor, reports.merged, 0.97, 5.0)
    coordinator.post(reverse("linkage:pair-decide", args=[pair.pk]), {"verdict": "same"})
    address = reverse("casework:incident-detail", args=[reports.survivor.reference])

    page = coordinator.get(address).content.decode()

    assert "52–54 people" in page and "(the reports differ)" in page
    assert "52 per Gazette: arrests at the vigil (News monitor)" in page
    assert "about 54 per " in page and "Hotline call 17 (Our hotline)" in page
    # An analyst reads the range and the channels; a source's title can name someone.
    analyst = client_for("analyst").get(address).content.decode()
    assert "52–54 people" in analyst
    assert "about 54 per News monitor; Our hotline" in analyst
    assert "about 54 per Gazette" not in analyst
    # The merged-away reference's pages lead to the survivor's.
    evidence = coordinator.get(reverse("sources:incident-evidence", args=[merged_reference]))
    assert evidence["Location"] == reverse(
        "sources:incident-evidence", args=[reports.survivor.reference]
    )
    # Undone, the survivor's act shows its own figure again and no claim.
    coordinator.post(reverse("linkage:merge-undo", args=[IncidentMerge.objects.get().pk]))
    page = coordinator.get(address).content.decode()
    assert "As reported" not in page and "52 people" in page
