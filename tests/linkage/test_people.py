"""The same person recorded twice: suggested by their keyed hashes, merged by a coordinator
(audited, undoable), their old page leading to the survivor, erasure reaching both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casebook.audit.models import AuditEntry
from casebook.linkage.models import PersonMerge
from casebook.linkage.people import MergedRecordsHolder, people_recorded_twice
from casebook.people.duties.erasure import person_erase
from casebook.people.models import Involvement, Person
from tests.factories import InvolvementFactory
from tests.linkage.merge_support import full_export, record_dump

pytestmark = pytest.mark.django_db


@pytest.fixture
def twice():
    """One invented person recorded on two incidents' acts, spelt a little differently."""
    first = InvolvementFactory(person__full_name="Testperson Twice", person__contact="t@x.test")
    second = InvolvementFactory(person__full_name="testperson  twice", person__contact="T@x.test")
    InvolvementFactory(person__full_name="Someone Else", person__contact="e@x.test")
    return first.person, second.person


def test_a_coordinator_merges_a_person_recorded_twice_and_undoes_it(twice, client_for):
    survivor, merged = twice
    before, rows_before = full_export(), record_dump()
    coordinator = client_for("coordinator")

    response = coordinator.post(
        reverse("linkage:people-merge"), {"reference": [merged.reference, survivor.reference]}
    )

    assert response.status_code == 302
    assert Involvement.objects.filter(person=survivor).count() == 2
    assert not Involvement.objects.filter(person=merged).exists()
    assert people_recorded_twice() == []
    for person in (survivor, merged):
        assert AuditEntry.objects.filter(
            action="linkage.person.merged", object_id=str(person.pk)
        ).exists()
    old_page = coordinator.get(reverse("people:person-detail", args=[merged.reference]))
    assert old_page["Location"] == reverse("people:person-detail", args=[survivor.reference])
    listed = coordinator.get(reverse("people:person-list")).content.decode()
    assert survivor.get_absolute_url() in listed
    assert merged.get_absolute_url() not in listed
    page = coordinator.get(reverse("linkage:people")).content.decode()
    assert f"{merged.reference} into {survivor.reference}" in page
    assert "Testperson" not in page and "testperson" not in page

    merge = PersonMerge.objects.get()
    coordinator.post(reverse("linkage:people-unmerge", args=[merge.pk]))

    assert Involvement.objects.filter(person=merged).count() == 1
    assert full_export() == before
    assert record_dump() == rows_before
    assert AuditEntry.objects.filter(action="linkage.person.unmerged").count() == 2
    assert (
        coordinator.get(reverse("people:person-detail", args=[merged.reference])).status_code == 200
    )
    listed = coordinator.get(reverse("people:person-list")).content.decode()
    assert merged.get_absolute_url() in listed


def test_people_with_other_details_are_not_merged(client_for):
    one = InvolvementFactory(person__full_name="Testperson One", person__contact="1@x.test").person
    two = InvolvementFactory(person__full_name="Testperson Two", person__contact="2@x.test").person
    page = client_for("coordinator").post(
        reverse("linkage:people-merge"),
        {"reference": [one.reference, two.reference]},
        follow=True,
    )
    assert "are not recorded with the same name and contact" in page.content.decode()
    assert not PersonMerge.objects.exists()


@pytest.mark.parametrize("persona", ["caseworker", "analyst"])
def test_only_those_who_see_every_person_merge_people(twice, client_for, persona):
    survivor, merged = twice
    response = client_for(persona).post(
        reverse("linkage:people-merge"), {"reference": [survivor.reference, merged.reference]}
    )
    assert response.status_code == 403
    assert not PersonMerge.objects.exists()
    # Nor are they told which records were merged: the old address is refused, not redirected.
    client_for("coordinator").post(
        reverse("linkage:people-merge"), {"reference": [survivor.reference, merged.reference]}
    )
    if persona == "analyst":
        old = client_for(persona).get(reverse("people:person-detail", args=[merged.reference]))
        assert old.status_code == 403


def test_erasing_the_survivor_erases_the_record_merged_into_it(twice, client_for):
    survivor, merged = twice
    client_for("coordinator").post(
        reverse("linkage:people-merge"), {"reference": [survivor.reference, merged.reference]}
    )
    held = MergedRecordsHolder().held(person=survivor)
    assert [r["reference"] for r in held.records] == [merged.reference]
    assert held.records[0]["details"]["full_name"] == "testperson  twice"

    person_erase(person=survivor, reason="subject's request")

    merged = Person.objects.get(pk=merged.pk)
    assert merged.is_erased and merged.erasure_reason.startswith("merged into")


def test_two_reports_naming_one_person_become_one_record_on_one_act(client_for, evidence_dir):
    """Two reports of one arrest each recorded the same arrested person: merging the
    incidents puts both records on one act; merging the people leaves one involvement."""
    from casebook.linkage.merging import incident_merge
    from tests.linkage.merge_support import two_reports_of_one_arrest

    reports = two_reports_of_one_arrest()
    details = {"person__full_name": "Testperson Arrested", "person__contact": "a@x.test"}
    arrests = {
        r.pk: r.acts.get(act_type__slug="arrest") for r in (reports.survivor, reports.merged)
    }
    first = InvolvementFactory(act=arrests[reports.survivor.pk], role="arrested", **details)
    second = InvolvementFactory(act=arrests[reports.merged.pk], role="arrested", **details)
    incident_merge(survivor=reports.survivor, merged=reports.merged, actor=None)
    assert [[p.pk for p in group] for group in people_recorded_twice()] == [
        [first.person.pk, second.person.pk]
    ]

    client_for("coordinator").post(
        reverse("linkage:people-merge"),
        {"reference": [first.person.reference, second.person.reference]},
    )

    on_the_act = Involvement.objects.filter(act=arrests[reports.survivor.pk], role="arrested")
    assert [
        i.person_id for i in on_the_act if i.person_id in (first.person.pk, second.person.pk)
    ] == [first.person.pk]
    # Undone, both records are on the act again.
    client_for("coordinator").post(
        reverse("linkage:people-unmerge", args=[PersonMerge.objects.get().pk])
    )
    assert {first.person.pk, second.person.pk} <= set(on_the_act.values_list("person", flat=True))
