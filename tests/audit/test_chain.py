"""The audit trail notices any entry that was altered, removed, inserted or moved."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from casebook.audit.models import AuditEntry
from casebook.audit.services import audit_record, audit_verify
from tests.factories import IncidentFactory, ready_incident

pytestmark = pytest.mark.django_db


STEPS = [
    ("draft", "cases.incident.in_review"),
    ("in_review", "cases.incident.draft"),
    ("draft", "cases.incident.in_review"),
    ("in_review", "cases.incident.verified"),
    ("verified", "cases.incident.archived"),
]


@pytest.fixture
def chain(make_user):
    user = make_user("coordinator")
    incidents = IncidentFactory.create_batch(5)
    return [
        audit_record(
            action=action,
            instance=incident,
            actor=user,
            changes={"status": [old, action.rsplit(".", 1)[1]]},
            incident=incident,
            ip_address="127.0.0.1",
        )
        for incident, (old, action) in zip(incidents, STEPS, strict=True)
    ]


def raw(sql: str, params=()):
    # An attacker with database access, bypassing Casebook entirely.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_untouched_chain_verifies(chain, capsys):
    assert audit_verify().ok
    call_command("audit", "verify")
    assert "Audit trail intact: 5 entries" in capsys.readouterr().out


def test_an_altered_entry_is_named(chain):
    raw(
        "UPDATE audit_auditentry SET action = 'cases.incident.nothing' WHERE id = %s", [chain[2].id]
    )
    report = audit_verify()
    assert report.problem.sequence == 3
    assert "altered" in report.problem.problem
    with pytest.raises(CommandError, match="entry #3"):
        call_command("audit", "verify")


def test_an_altered_change_record_is_named(chain):
    raw(
        "UPDATE audit_auditentry SET changes = %s WHERE id = %s",
        ['{"status": ["draft", "verified"]}', chain[1].id],
    )
    assert audit_verify().problem.sequence == 2


def test_a_deleted_entry_is_named(chain):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [chain[1].id])
    report = audit_verify()
    assert report.problem.sequence == 3
    assert "missing" in report.problem.problem


def test_a_deleted_entry_with_renumbering_is_named(chain):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [chain[1].id])
    for entry in chain[2:]:
        raw(
            "UPDATE audit_auditentry SET sequence = %s WHERE id = %s",
            [entry.sequence - 1, entry.id],
        )
    assert audit_verify().problem.sequence == 2


def test_an_inserted_entry_is_named(chain):
    forged = chain[4]
    raw(
        "INSERT INTO audit_auditentry (sequence, at, actor_name, action, object_type, "
        "object_id, incident_reference, changes, previous_hash, entry_hash) "
        "VALUES (%s, %s, '', 'cases.incident.deleted', 'cases.incident', '9', '', '{}', %s, %s)",
        [6, forged.at, forged.entry_hash, "f" * 64],
    )
    report = audit_verify()
    assert report.problem.sequence == 6


def test_reordered_entries_are_named(chain):
    # Swap the content of entries 2 and 3 (keeping ids), as a reordering would.
    two, three = chain[1], chain[2]
    raw("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [100, two.id])
    raw("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [2, three.id])
    raw("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [3, two.id])
    report = audit_verify()
    assert report.problem.sequence in (2, 3)
    assert not report.ok


def test_entries_cut_off_the_end_are_noticed(chain):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [chain[4].id])
    report = audit_verify()
    assert "removed from the end" in report.problem.problem


def test_status_changes_reach_the_chain(make_user):
    from casebook.cases.services import incident_set_status

    incident = ready_incident(status="in_review")
    incident_set_status(incident=incident, status="verified", actor=make_user("coordinator"))
    assert AuditEntry.objects.filter(action="cases.incident.verified").exists()
    assert audit_verify().ok


def test_entries_recorded_in_bulk_join_the_same_chain(chain, make_user):
    from casebook.audit.services import PendingEntry, audit_record_many

    written = audit_record_many(
        [
            PendingEntry(action="cases.incident.imported", instance=incident, incident=incident)
            for incident in IncidentFactory.create_batch(3)
        ],
        actor=make_user("coordinator"),
    )
    assert written == 3
    audit_record(action="cases.incident.updated", instance=IncidentFactory())
    report = audit_verify()
    assert report.ok and report.checked == 9
    raw("UPDATE audit_auditentry SET object_id = '99' WHERE sequence = 7")
    assert audit_verify().problem.sequence == 7


def test_seeing_people_on_an_incident_page_is_recorded(client_for):
    from tests.factories import InvolvementFactory

    involvement = InvolvementFactory()
    incident = involvement.act.incident
    client_for("coordinator").get(incident.get_absolute_url())
    entry = AuditEntry.objects.get(action="people.person.viewed")
    assert entry.object_id == str(involvement.person.pk)
    assert entry.changes == {"via": "incident page", "reference": involvement.person.reference}
    assert entry.incident_reference == incident.reference
    assert entry.actor_name == "coordinator"
    assert entry.ip_address == "127.0.0.1"
    client_for("analyst").get(incident.get_absolute_url())
    assert AuditEntry.objects.filter(action="people.person.viewed").count() == 1
