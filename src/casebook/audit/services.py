"""The audit trail: append entries to the keyed hash chain, and verify the chain.

Every layer writes its entries through `audit_record` (or `audit_record_many` for bulk work);
this app imports no record app, so anything can call it. The chain is keyed and anchored
outside the database (`audit/anchor.py`): each hash is an HMAC under the audit key, and a
signed checkpoint of the newest entry is kept next to the keyring.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from casebook.audit import anchor
from casebook.audit.actions import action_check
from casebook.audit.models import AuditEntry, AuditHead
from casebook.audit.signals import entry_recorded

GENESIS = "0" * 64
# Records whose presence means the casebook is in use: its trail cannot be empty.
RECORD_MODELS = ("cases.Incident", "people.Person", "sources.Source")


def entry_content(
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
) -> bytes:
    """The bytes an entry's hash covers: the previous hash and a canonical JSON of it."""
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
    return f"{previous_hash}\n{content}".encode()


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _content(previous_hash: str, fields: dict[str, Any], canonical_changes: str) -> bytes:
    """`entry_content`, byte for byte, with the entry's changes in canonical form already:
    a compact JSON list is its items' own JSON joined by commas."""
    head = _canonical(
        [
            fields["sequence"],
            fields["at"].isoformat(timespec="microseconds"),
            fields["actor_id"],
            fields["actor_name"],
            fields["action"],
            fields["object_type"],
            fields["object_id"],
            fields["incident_reference"],
        ]
    )
    ip_address = _canonical(fields["ip_address"])
    return f"{previous_hash}\n{head[:-1]},{canonical_changes},{ip_address}]".encode()


def entry_digest(*, key: bytes, **fields) -> str:
    """HMAC-SHA256 under the audit key: without the key, no rewritten entry verifies."""
    return hmac.new(key, entry_content(**fields), hashlib.sha256).hexdigest()


def unkeyed_digest(**fields) -> str:
    """The plain SHA-256 of trails written before the chain was keyed (see migration 0002)."""
    return hashlib.sha256(entry_content(**fields)).hexdigest()


def _trail_is_empty() -> bool:
    return not AuditEntry.objects.exists()


def _key() -> bytes:
    # A new key only for a trail with no entry yet; a lost key is never replaced silently.
    return anchor.audit_key(create_if=_trail_is_empty)


def _anchor_after_commit(key: bytes, sequence: int, entry_hash: str) -> None:
    """Move the checkpoint to this entry once it is committed (never for a rollback)."""
    transaction.on_commit(lambda: anchor.checkpoint_advance(key, sequence, entry_hash), robust=True)


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
    pending = PendingEntry(action=action, instance=instance, changes=changes, incident=incident)
    entry = _append([pending], actor=actor, ip_address=ip_address)[0]
    entry_recorded.send(sender=AuditEntry, entry=entry)
    return entry


@dataclass
class PendingEntry:
    """One entry for `audit_record_many`: the arguments of `audit_record` that vary."""

    action: str
    instance: models.Model | type[models.Model]
    changes: dict | None = None
    incident: models.Model | None = None


def audit_record_many(
    entries: list[PendingEntry],
    *,
    actor=None,
    ip_address: str | None = None,
) -> int:
    """Append many entries by one actor under a single lock on the chain's head.

    For bulk work (imports of thousands of incidents, a page listing many people): the same
    chain, the same write as `audit_record`, under one lock instead of a locked round trip
    per entry.
    """
    _append(entries, actor=actor, ip_address=ip_address)
    return len(entries)


# The columns an entry is written with, in order (all but its key).
_COLUMNS = (
    "sequence",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "incident_reference",
    "changes",
    "ip_address",
    "previous_hash",
    "entry_hash",
)


def _append(entries: list[PendingEntry], *, actor, ip_address: str | None) -> list[AuditEntry]:
    """The one way entries reach the trail: hashed in order under the head's lock and
    inserted with one prepared statement (the ORM's per-value compiling cost an import
    more than its own rows did). Returns the entry of a single one (for `audit_record`)."""
    if not entries:
        return []
    for pending in entries:
        action_check(pending.action)
    actor = _actor(actor)
    actor_id, actor_name = (actor.pk, actor.get_username()) if actor else (None, "")
    with transaction.atomic():
        connection = transaction.get_connection()
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        key = _key()
        previous, sequence, at = head.entry_hash, head.sequence, timezone.now()
        written = []
        # An import appends thousands of entries whose changes repeat ({"format": …}):
        # each distinct one is round-tripped and put in canonical form once.
        changes_of: dict[str, tuple[dict, str]] = {}
        for pending in entries:
            sequence += 1
            object_type, object_id = _subject(pending.instance)
            fields: dict[str, Any] = {
                "sequence": sequence,
                "at": at,
                "actor_id": actor_id,
                "actor_name": actor_name,
                "action": pending.action,
                "object_type": object_type,
                "object_id": object_id,
                "incident_reference": _reference(pending.incident),
                "changes": None,
                "ip_address": ip_address,
            }
            # Round-tripped through JSON now, so the stored value hashes the same read back.
            text = json.dumps(pending.changes or {}, default=str)
            if text not in changes_of:
                changes = json.loads(text)
                changes_of[text] = (changes, _canonical(changes))
            fields["changes"], canonical_changes = changes_of[text]
            digest = hmac.new(
                key, _content(previous, fields, canonical_changes), hashlib.sha256
            ).hexdigest()
            fields["previous_hash"], fields["entry_hash"] = previous, digest
            written.append(fields)
            previous = digest
        key_of_one = _insert(connection, written)
        head.sequence, head.entry_hash = sequence, previous
        head.save(update_fields=["sequence", "entry_hash"])
        _anchor_after_commit(key, sequence, previous)
    if key_of_one is None:
        return []
    entry = AuditEntry(pk=key_of_one, **written[0])
    entry._state.adding, entry._state.db = False, connection.alias
    return [entry]


def _insert(connection, entries: list[dict[str, Any]]) -> int | None:
    """INSERT the entries' fields; returns the key of a single entry."""
    fields = [cast(models.Field, AuditEntry._meta.get_field(name)) for name in _COLUMNS]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(AuditEntry._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(f.column) for f in fields)}) VALUES ({', '.join(['%s'] * len(fields))})"
    )
    # Every entry of one append has the same time, actor and address: converted once.
    converted = {
        name: cast(models.Field, AuditEntry._meta.get_field(name)).get_db_prep_save(
            entries[0][name], connection
        )
        for name in ("at", "ip_address")
    }
    changes = cast(models.Field, AuditEntry._meta.get_field("changes"))
    # Entries of one append share each distinct changes object (`_append`): converted once.
    prepared: dict[int, Any] = {}
    for entry in entries:
        if id(entry["changes"]) not in prepared:
            prepared[id(entry["changes"])] = changes.get_db_prep_save(entry["changes"], connection)
    rows = [
        tuple(
            converted[name]
            if name in converted
            else prepared[id(entry[name])]
            if name == "changes"
            else entry[name]
            for name in _COLUMNS
        )
        for entry in entries
    ]
    with connection.cursor() as cursor:
        if len(rows) == 1:
            # One entry (a page's action) gets its key back, as `audit_record` returns it.
            cursor.execute(f"{sql} RETURNING {quote(AuditEntry._meta.pk.column)}", rows[0])
            return cursor.fetchone()[0]
        cursor.executemany(sql, rows)
    return None


@dataclass
class ChainProblem:
    sequence: int | None
    entry_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry #{self.sequence}" if self.sequence is not None else "the trail"
        return f"{where}: {self.problem}"


@dataclass
class ChainReport:
    checked: int
    problem: ChainProblem | None
    checkpoint: anchor.Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _entries_in_order() -> Iterator[AuditEntry]:
    # Order by primary key (insertion order), not by sequence: an attacker who renumbers
    # rows cannot hide a reordering behind consistent sequence numbers.
    return AuditEntry.objects.order_by("id").iterator(chunk_size=2000)


def entry_fields(entry, *, previous_hash: str | None = None) -> dict[str, Any]:
    """What an entry's hash covers, as `entry_digest` takes it (`previous_hash` to re-chain)."""
    return {
        "previous_hash": entry.previous_hash if previous_hash is None else previous_hash,
        "sequence": entry.sequence,
        "at": entry.at,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "incident_reference": entry.incident_reference,
        "changes": entry.changes,
        "ip_address": entry.ip_address,
    }


def _entry_problem(entry: AuditEntry, key: bytes, previous: str, sequence: int) -> str | None:
    if entry.sequence != sequence:
        kind = "missing before it" if entry.sequence > sequence else "out of place"
        return (
            f"expected entry #{sequence} here: an entry is {kind} (deleted, inserted or reordered)"
        )
    if entry.previous_hash != previous:
        return "does not follow the entry before it (an entry was deleted, inserted or reordered)"
    fields = entry_fields(entry)
    if hmac.compare_digest(entry_digest(key=key, **fields), entry.entry_hash):
        return None
    if unkeyed_digest(**fields) == entry.entry_hash:
        return (
            "its hash was computed without the audit key: the chain was rewritten from "
            "here on by someone who does not hold the key"
        )
    return "its content was altered after it was written"


def _walk(key: bytes, progress, marks: dict[int, str]) -> tuple[ChainReport, str, int]:
    """Check every entry; returns the report so far, the last hash and the last sequence.

    `marks` collects the hash of each sequence a checkpoint names, to compare afterwards.
    """
    expected_previous, expected_sequence, checked = GENESIS, 1, 0
    for entry in _entries_in_order():
        problem = _entry_problem(entry, key, expected_previous, expected_sequence)
        if problem:
            return (
                ChainReport(checked, ChainProblem(entry.sequence, entry.id, problem)),
                expected_previous,
                expected_sequence - 1,
            )
        if entry.sequence in marks:
            marks[entry.sequence] = entry.entry_hash
        expected_previous, expected_sequence = entry.entry_hash, expected_sequence + 1
        checked += 1
        if progress:
            progress(1)
    return ChainReport(checked, None), expected_previous, expected_sequence - 1


def _anchor_problem(
    anchors: list[tuple[str, int, str]], marks: dict[int, str], last: int
) -> ChainProblem | None:
    """Does the chain still hold each anchor (the checkpoint, an operator's copy)?"""
    for name, sequence, entry_hash in anchors:
        if sequence > last:
            return ChainProblem(
                None,
                None,
                f"{name} says the trail reached entry #{sequence}, but it ends at #{last} "
                "(entries were removed from the end, or the trail was emptied)",
            )
        if sequence and marks.get(sequence) != entry_hash:
            return ChainProblem(
                sequence, None, f"differs from {name} (the trail was rewritten up to here)"
            )
    return None


def _casebook_in_use() -> bool:
    for label in RECORD_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._default_manager.exists():
            return True
    return False


def audit_verify(
    progress: Callable[[int], None] | None = None, *, operator_checkpoint: str | None = None
) -> ChainReport:
    """Walk the chain from the first entry; report the first thing that does not fit.

    Checks each entry's place, link and keyed hash; the head row; the signed checkpoint
    kept outside the database (and `operator_checkpoint`, "N:HASH" as `audit verify`
    printed it earlier); and that a casebook holding records has a trail at all. When
    everything holds, the checkpoint moves forward to the newest entry.
    """
    try:
        key = anchor.audit_key(create_if=lambda: _trail_is_empty() and not _casebook_in_use())
    except anchor.AuditKeyError as error:
        return ChainReport(0, ChainProblem(None, None, str(error)))
    anchors: list[tuple[str, int, str]] = []
    try:
        checkpoint = anchor.checkpoint_read(key)
    except anchor.CheckpointProblem as error:
        return ChainReport(0, ChainProblem(None, None, str(error)))
    if checkpoint:
        anchors.append(("the checkpoint", checkpoint.sequence, checkpoint.entry_hash))
    if operator_checkpoint:
        sequence, _, entry_hash = operator_checkpoint.strip().partition(":")
        if not sequence.isdigit() or len(entry_hash) != 64:
            raise ValueError(
                f"{operator_checkpoint!r} is not a checkpoint: give it as `audit verify` "
                "printed it, NUMBER:HASH (64 hexadecimal digits)."
            )
        anchors.append(("your checkpoint", int(sequence), entry_hash.lower()))

    marks = {sequence: "" for _, sequence, _ in anchors}
    report, last_hash, last = _walk(key, progress, marks)
    if not report.ok:
        return report
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.sequence != last or head.entry_hash != last_hash):
        return ChainReport(
            report.checked,
            ChainProblem(
                None,
                None,
                f"the newest entry should be #{head.sequence}, but the chain ends at "
                f"#{last} (entries were removed from the end)",
            ),
        )
    problem = _anchor_problem(anchors, marks, last)
    if problem is None and last == 0 and _casebook_in_use():
        problem = ChainProblem(
            None,
            None,
            "the trail is empty, but the casebook holds records: its entries were deleted",
        )
    if problem:
        return ChainReport(report.checked, problem, checkpoint)
    if last:
        checkpoint = anchor.checkpoint_advance(key, last, last_hash)
    return ChainReport(report.checked, None, checkpoint)


def audit_checkpoint_now() -> anchor.Checkpoint | None:
    """Move the checkpoint to the newest entry, if it holds (for `casebook backup`).

    Checks only the newest entry (its keyed hash, and that the head names it), not the
    whole chain: that is `audit_verify`. None for an empty trail.
    """
    head = AuditHead.objects.filter(id=1).first()
    newest = AuditEntry.objects.order_by("-sequence").first()
    if head is None or newest is None:
        return None
    key = anchor.audit_key()
    fields = entry_fields(newest)
    if (head.sequence, head.entry_hash) != (newest.sequence, newest.entry_hash) or not (
        hmac.compare_digest(entry_digest(key=key, **fields), newest.entry_hash)
    ):
        raise ValueError(
            "The audit trail's newest entry does not hold: run `casebook audit verify`."
        )
    return anchor.checkpoint_advance(key, newest.sequence, newest.entry_hash)


def audit_reanchor() -> tuple[anchor.Checkpoint | None, anchor.Checkpoint]:
    """After restoring a database backup on purpose: anchor the checkpoint to this trail.

    The restored chain must itself verify (keyed hashes, links, head); only the
    checkpoint's word that the trail once went further is set aside, and an entry records
    where it stood. Returns the checkpoint before and after.
    """
    key = anchor.audit_key()
    try:
        before = anchor.checkpoint_read(key)
    except anchor.CheckpointProblem:
        before = None
    report, last_hash, last = _walk(key, None, {})
    head = AuditHead.objects.filter(id=1).first()
    if report.ok and head and (head.sequence, head.entry_hash) != (last, last_hash):
        report = ChainReport(report.checked, ChainProblem(None, None, "the head does not match"))
    if not report.ok:
        raise ValueError(
            f"The restored trail is itself broken ({report.problem}); re-anchoring would hide "
            "that. Restore another backup, or keep this one as evidence."
        )
    entry = audit_record(
        action="audit.checkpoint.reanchored",
        instance=AuditEntry,
        changes={"from": before.line() if before else None, "to": f"{last}:{last_hash}"},
    )
    after = anchor.checkpoint_advance(key, entry.sequence, entry.entry_hash, force=True)
    return before, after


def incident_history(reference: str):
    return AuditEntry.objects.filter(incident_reference=reference).select_related("actor")
