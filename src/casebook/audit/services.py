"""The audit trail: append entries to the hash chain, and verify the chain.

Every layer writes its entries through `audit_record` (or `audit_record_many` for bulk work);
this app imports no record app, so anything can call it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from casebook.audit.actions import action_check
from casebook.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def entry_digest(
    *,
    previous_hash: str,
    sequence: int,
    at,
    actor_id,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    incident_reference: str,
    changes: dict,
    ip_address: str | None,
) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the entry's content."""
    content = json.dumps(
        [
            sequence,
            at.isoformat(timespec="microseconds"),
            actor_id,
            actor_name,
            action,
            object_type,
            object_id,
            incident_reference,
            changes,
            ip_address,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(f"{previous_hash}\n{content}".encode()).hexdigest()


def _subject(instance: models.Model | type[models.Model]) -> tuple[str, str]:
    """(object_type, object_id) of what an entry is about; a model class means many of them."""
    if isinstance(instance, type):
        return instance._meta.label_lower, "*"
    return instance._meta.label_lower, str(instance.pk)


def _actor(actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _reference(incident: models.Model | None) -> str:
    # Any record with a reference; audit sits below the record and does not import it.
    return getattr(incident, "reference", "") or ""


def audit_record(
    *,
    action: str,
    instance: models.Model | type[models.Model],
    actor=None,
    changes: dict | None = None,
    incident: models.Model | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail: `actor` did `action` to `instance`.

    `action` is a code from `audit/actions.py` (anything else raises UnknownAction).
    `instance` is the record acted on, or a model class for an action on many of its rows
    (an export). `changes` maps field names to [old, new], or to None for personal and
    narrative fields, which are recorded by name only. `incident` files the entry in that
    incident's history. `actor` None (or anonymous) is the system: a command, a scheduled job.
    Called inside the caller's transaction, the entry is written or rolled back with it.
    """
    action_check(action)
    actor = _actor(actor)
    object_type, object_id = _subject(instance)
    # Round-trip through JSON now, so the stored value hashes the same when read back.
    changes = json.loads(json.dumps(changes or {}, default=str))
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        fields: dict[str, Any] = {
            "sequence": head.sequence + 1,
            "at": timezone.now(),
            "actor_id": actor.pk if actor else None,
            "actor_name": actor.get_username() if actor else "",
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "incident_reference": _reference(incident),
            "changes": changes,
            "ip_address": ip_address,
        }
        digest = entry_digest(previous_hash=head.entry_hash, **fields)
        entry = AuditEntry.objects.create(
            previous_hash=head.entry_hash, entry_hash=digest, **fields
        )
        head.sequence, head.entry_hash = entry.sequence, digest
        head.save(update_fields=["sequence", "entry_hash"])
    return entry


@dataclass
class PendingEntry:
    """One entry for `audit_record_many`: the arguments of `audit_record` that vary."""

    action: str
    instance: models.Model
    changes: dict | None = None
    incident: models.Model | None = None


def audit_record_many(
    entries: list[PendingEntry],
    *,
    actor=None,
    ip_address: str | None = None,
    batch_size: int = 1000,
) -> int:
    """Append many entries by one actor under a single lock on the chain's head.

    For bulk work (imports of thousands of incidents, a page listing many people): the same
    chain as `audit_record`, at the cost of one bulk insert instead of a locked round trip
    per entry.
    """
    if not entries:
        return 0
    for pending in entries:
        action_check(pending.action)
    actor = _actor(actor)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        previous, sequence, at = head.entry_hash, head.sequence, timezone.now()
        rows = []
        for pending in entries:
            sequence += 1
            object_type, object_id = _subject(pending.instance)
            fields: dict[str, Any] = {
                "sequence": sequence,
                "at": at,
                "actor_id": actor.pk if actor else None,
                "actor_name": actor.get_username() if actor else "",
                "action": pending.action,
                "object_type": object_type,
                "object_id": object_id,
                "incident_reference": _reference(pending.incident),
                "changes": json.loads(json.dumps(pending.changes or {}, default=str)),
                "ip_address": ip_address,
            }
            digest = entry_digest(previous_hash=previous, **fields)
            rows.append(AuditEntry(previous_hash=previous, entry_hash=digest, **fields))
            previous = digest
        AuditEntry.objects.bulk_create(rows, batch_size=batch_size)
        head.sequence, head.entry_hash = sequence, previous
        head.save(update_fields=["sequence", "entry_hash"])
    return len(rows)


@dataclass
class ChainProblem:
    sequence: int | None
    entry_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry #{self.sequence}" if self.sequence is not None else "the chain's end"
        return f"{where}: {self.problem}"


@dataclass
class ChainReport:
    checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _entries_in_order() -> Iterator[AuditEntry]:
    # Order by primary key (insertion order), not by sequence: an attacker who renumbers
    # rows cannot hide a reordering behind consistent sequence numbers.
    return AuditEntry.objects.order_by("id").iterator(chunk_size=2000)


def audit_verify(progress=None) -> ChainReport:
    """Walk the chain from the first entry; report the first entry that does not fit."""
    expected_previous, expected_sequence, checked = GENESIS, 1, 0
    for entry in _entries_in_order():
        if entry.sequence != expected_sequence:
            kind = "missing before it" if entry.sequence > expected_sequence else "out of place"
            return ChainReport(
                checked,
                ChainProblem(
                    entry.sequence,
                    entry.id,
                    f"expected entry #{expected_sequence} here: an entry is {kind} "
                    "(deleted, inserted or reordered)",
                ),
            )
        if entry.previous_hash != expected_previous:
            return ChainReport(
                checked,
                ChainProblem(
                    entry.sequence,
                    entry.id,
                    "does not follow the entry before it (an entry was deleted, inserted or "
                    "reordered)",
                ),
            )
        digest = entry_digest(
            previous_hash=entry.previous_hash,
            sequence=entry.sequence,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            incident_reference=entry.incident_reference,
            changes=entry.changes,
            ip_address=entry.ip_address,
        )
        if digest != entry.entry_hash:
            return ChainReport(
                checked,
                ChainProblem(
                    entry.sequence, entry.id, "its content was altered after it was written"
                ),
            )
        expected_previous, expected_sequence = entry.entry_hash, expected_sequence + 1
        checked += 1
        if progress:
            progress(1)
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.sequence != expected_sequence - 1 or head.entry_hash != expected_previous):
        return ChainReport(
            checked,
            ChainProblem(
                None,
                None,
                f"the newest entry should be #{head.sequence}, but the chain ends at "
                f"#{expected_sequence - 1} (entries were removed from the end)",
            ),
        )
    return ChainReport(checked, None)


def incident_history(reference: str):
    return AuditEntry.objects.filter(incident_reference=reference).select_related("actor")
