"""Apps that keep data about a person plug into erasure and subject access as holders."""

from __future__ import annotations

import json
import zipfile

import pytest

from casebook.people.duties.erasure import person_erase
from casebook.people.duties.holders import Held, holder_register, holders
from casebook.people.duties.subject_access import person_export
from casebook.sources.evidence.holder import EvidenceHolder

pytestmark = pytest.mark.django_db


class NotesHolder:
    """An invented app that keeps notes about people."""

    erased: list[str] = []

    def held(self, *, person):
        return Held(section="notes", records=[{"note": f"about {person.reference}"}])

    def erase(self, *, person, actor, ip_address):
        NotesHolder.erased.append(person.reference)
        return {"notes_erased": 1}


@pytest.fixture
def notes_holder():
    from casebook.people.duties import holders as registry

    holder = NotesHolder()
    holder_register(holder)
    yield holder
    registry._HOLDERS.remove(holder)


def test_sources_registers_the_evidence_holder_once():
    kinds = [type(holder) for holder in holders()]
    assert kinds.count(EvidenceHolder) == 1
    holder_register(EvidenceHolder())
    assert [type(holder) for holder in holders()].count(EvidenceHolder) == 1


def test_a_registered_holder_is_exported_and_erased(canary_person, notes_holder, tmp_path):
    report = person_export(person=canary_person, output=tmp_path / "sar.zip")
    with zipfile.ZipFile(report.output) as archive:
        record = json.loads(archive.read("person.json"))
    assert record["notes"] == [{"note": f"about {canary_person.reference}"}]
    assert record["evidence"] == []

    person_erase(person=canary_person, reason="the person's request")
    assert NotesHolder.erased == [canary_person.reference]
