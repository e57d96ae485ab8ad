"""The audit trail resists someone who can write the database but holds no key.

The chain is keyed (HMAC under the audit key, kept outside the database) and anchored (a
signed checkpoint next to the keyring): recomputing the chain after an edit, cutting the
tail and moving the head back, and emptying both tables are all caught.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from casebook.audit import anchor
from casebook.audit.models import AuditEntry, AuditHead
from casebook.audit.services import (
    GENESIS,
    audit_record,
    audit_verify,
    entry_content,
    entry_fields,
)
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trail(make_user):
    """Five committed entries about real incidents; the checkpoint follows them."""
    user = make_user("coordinator")
    incidents = IncidentFactory.create_batch(5)
    for incident in incidents:
        audit_record(
            action="cases.incident.verified",
            instance=incident,
            actor=user,
            changes={"status": ["in_review", "verified"]},
            incident=incident,
            ip_address="127.0.0.1",
        )
    return list(AuditEntry.objects.order_by("id"))


def raw(sql: str, params=()):
    # An attacker with database access, bypassing Casebook entirely.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def recompute_chain_without_the_key() -> None:
    """What an attacker can do: re-hash every entry (plain SHA-256) and move the head."""
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("id"):
        fields = entry_fields(entry, previous_hash=previous)
        digest = hashlib.sha256(entry_content(**fields)).hexdigest()
        raw(
            "UPDATE audit_auditentry SET previous_hash = %s, entry_hash = %s WHERE id = %s",
            [previous, digest, entry.id],
        )
        previous = digest
    raw(
        "UPDATE audit_audithead SET sequence = %s, entry_hash = %s WHERE id = 1",
        [AuditEntry.objects.count(), previous],
    )


def verify_fails(match: str) -> str:
    with pytest.raises(CommandError, match=match) as failure:
        call_command("audit", "verify")
    return str(failure.value)


def test_an_untouched_trail_verifies_and_prints_its_checkpoint(trail, capsys):
    call_command("audit", "verify")
    printed = capsys.readouterr().out
    assert "Audit trail intact: 5 entries" in printed
    assert f"5:{trail[-1].entry_hash}" in printed.replace("\n", "")
    assert anchor.checkpoint_file().stat().st_mode & 0o077 == 0
    assert anchor.key_file().stat().st_mode & 0o077 == 0


def test_hashes_are_keyed_not_plain_sha256(trail):
    entry = trail[0]
    plain = hashlib.sha256(entry_content(**entry_fields(entry))).hexdigest()
    assert entry.entry_hash != plain


def test_an_edit_with_the_chain_recomputed_is_caught(trail):
    raw(
        "UPDATE audit_auditentry SET changes = %s WHERE id = %s",
        [json.dumps({"status": ["in_review", "rejected"]}), trail[2].id],
    )
    recompute_chain_without_the_key()
    report = audit_verify()
    assert report.problem.sequence == 1  # the first re-hashed entry
    assert "without the audit key" in report.problem.problem
    verify_fails("entry #1")


def test_cutting_the_tail_and_moving_the_head_back_is_caught(trail):
    raw("DELETE FROM audit_auditentry WHERE id IN (%s, %s)", [trail[3].id, trail[4].id])
    raw(
        "UPDATE audit_audithead SET sequence = 3, entry_hash = %s WHERE id = 1",
        [trail[2].entry_hash],
    )
    report = audit_verify()
    assert "reached entry #5, but it ends at #3" in report.problem.problem
    verify_fails("removed from the end")


def test_emptying_both_tables_is_caught(trail):
    raw("DELETE FROM audit_auditentry")
    raw("DELETE FROM audit_audithead")
    verify_fails("reached entry #5, but it ends at #0")


def test_an_empty_trail_on_a_casebook_with_records_is_broken_even_without_a_checkpoint(trail):
    raw("DELETE FROM audit_auditentry")
    raw("DELETE FROM audit_audithead")
    anchor.checkpoint_file().unlink()
    message = verify_fails("trail is empty")
    assert "holds records" in message


def test_an_altered_checkpoint_file_is_caught(trail):
    path = anchor.checkpoint_file()
    data = json.loads(path.read_text())
    data["sequence"] = 2  # as if the trail had only ever reached #2
    path.write_text(json.dumps(data))
    verify_fails("checkpoint file .* altered")


def test_a_checkpoint_the_operator_kept_catches_a_rewrite_of_the_checkpoint_too(trail, capsys):
    call_command("audit", "verify")
    kept = f"5:{trail[-1].entry_hash}"
    raw("DELETE FROM audit_auditentry WHERE id = %s", [trail[4].id])
    raw(
        "UPDATE audit_audithead SET sequence = 4, entry_hash = %s WHERE id = 1",
        [trail[3].entry_hash],
    )
    anchor.checkpoint_file().unlink()  # an attacker who could also reach the file
    with pytest.raises(CommandError, match="your checkpoint says the trail reached entry #5"):
        call_command("audit", "verify", "--checkpoint", kept)
    with pytest.raises(CommandError, match="NUMBER:HASH"):
        call_command("audit", "verify", "--checkpoint", "five")


def test_new_entries_move_the_checkpoint_forward(trail, make_user):
    assert anchor.checkpoint_read(anchor.audit_key()).sequence == 5
    audit_record(action="cases.incident.archived", instance=IncidentFactory())
    assert anchor.checkpoint_read(anchor.audit_key()).sequence == 6
    assert audit_verify().ok


def test_a_missing_audit_key_is_reported_not_replaced(trail):
    anchor.key_file().unlink()
    anchor.forget_cached_key()
    verify_fails("audit key file .* is missing")
    assert not anchor.key_file().exists()


def test_reanchoring_after_a_restore_is_deliberate_and_recorded(trail, capsys):
    raw("DELETE FROM audit_auditentry WHERE id = %s", [trail[4].id])
    raw(
        "UPDATE audit_audithead SET sequence = 4, entry_hash = %s WHERE id = 1",
        [trail[3].entry_hash],
    )  # what restoring an older backup looks like
    with pytest.raises(CommandError, match="--yes"):
        call_command("audit", "reanchor")
    call_command("audit", "reanchor", "--yes")
    assert audit_verify().ok
    note = AuditEntry.objects.order_by("-sequence").first()
    assert note.action == "audit.checkpoint.reanchored"
    assert note.changes["from"] == f"5:{trail[-1].entry_hash}"
    assert AuditHead.objects.get().sequence == 5  # the note itself is entry #5 now


def test_upgrading_keys_an_older_unkeyed_trail_and_says_so_in_the_trail():
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from casebook.audit.services import unkeyed_digest

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)

    migrate([("audit", "0001_initial")])
    try:
        previous = GENESIS
        for sequence in (1, 2, 3):  # as Casebook wrote them before the chain was keyed
            fields = {
                "sequence": sequence,
                "at": timezone.now(),
                "actor_id": None,
                "actor_name": "",
                "action": "cases.incident.created",
                "object_type": "cases.incident",
                "object_id": str(sequence),
                "incident_reference": "",
                "changes": {},
                "ip_address": None,
            }
            digest = unkeyed_digest(previous_hash=previous, **fields)
            AuditEntry.objects.create(previous_hash=previous, entry_hash=digest, **fields)
            previous = digest
        AuditHead.objects.create(id=1, sequence=3, entry_hash=previous)

        migrate([("audit", "0002_keyed_chain")])

        report = audit_verify()
        assert report.ok, report.problem
        note = AuditEntry.objects.get(sequence=4)
        assert note.action == "audit.trail.rekeyed"
        assert note.changes == {"entries": 3, "earlier_chain": "intact"}
        assert anchor.checkpoint_read(anchor.audit_key()).sequence == 4
    finally:
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())
