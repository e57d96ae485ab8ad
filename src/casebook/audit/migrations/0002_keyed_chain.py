"""Key the audit chain: every existing entry's hash becomes an HMAC under the audit key.

Before this, the chain was plain SHA-256, which anyone able to write the database could
recompute after an edit. This migration checks the old chain as it stands, creates the
audit key (next to the master key, see audit/anchor.py) when it does not exist, re-hashes
every entry in order with it, and appends an `audit.trail.rekeyed` entry saying how many
entries were re-keyed and whether the old chain was intact: re-keying cannot vouch for
what happened before it, and the trail says so. It then writes the first checkpoint.
It runs once, as `casebook init` (or `casebook migrate`) upgrades an installation.
"""

from django.db import migrations
from django.utils import timezone

BATCH = 2000


def rekey(apps, schema_editor):
    from casebook.audit import anchor
    from casebook.audit.services import GENESIS, entry_digest, entry_fields, unkeyed_digest

    Entry = apps.get_model("audit", "AuditEntry")
    Head = apps.get_model("audit", "AuditHead")
    if not Entry.objects.exists():
        return
    key = anchor.audit_key(create_if=lambda: True)
    old_previous = new_previous = GENESIS
    expected, earlier, count, batch = 1, "intact", 0, []
    for entry in Entry.objects.order_by("id").iterator(chunk_size=BATCH):
        if earlier == "intact" and (
            entry.sequence != expected
            or entry.previous_hash != old_previous
            or unkeyed_digest(**entry_fields(entry)) != entry.entry_hash
        ):
            earlier = f"broken at entry #{entry.sequence}"
        old_previous = entry.entry_hash
        entry.previous_hash = new_previous
        entry.entry_hash = new_previous = entry_digest(key=key, **entry_fields(entry))
        batch.append(entry)
        expected, count = entry.sequence + 1, count + 1
        if len(batch) >= BATCH:
            Entry.objects.bulk_update(batch, ["previous_hash", "entry_hash"])
            batch = []
    Entry.objects.bulk_update(batch, ["previous_hash", "entry_hash"])
    head, _ = Head.objects.get_or_create(id=1)
    if earlier == "intact" and (head.sequence != expected - 1 or head.entry_hash != old_previous):
        earlier = f"broken at its end (the head names entry #{head.sequence})"
    note = {
        "sequence": expected,
        "at": timezone.now(),
        "actor_id": None,
        "actor_name": "",
        "action": "audit.trail.rekeyed",
        "object_type": "audit.auditentry",
        "object_id": "*",
        "incident_reference": "",
        "changes": {"entries": count, "earlier_chain": earlier},
        "ip_address": None,
    }
    digest = entry_digest(key=key, previous_hash=new_previous, **note)
    Entry.objects.create(previous_hash=new_previous, entry_hash=digest, **note)
    head.sequence, head.entry_hash = expected, digest
    head.save(update_fields=["sequence", "entry_hash"])
    anchor.checkpoint_advance(key, expected, digest, force=True)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop, elidable=False)]
