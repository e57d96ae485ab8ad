"""What the audit trail tells the layers above it.

Entries are inserted as plain rows (`services._append`), so Django's `post_save` is never
sent for them: listeners connect here instead.
"""

from django.dispatch import Signal

# Sent by `audit_record` with `entry` (the AuditEntry just appended), inside the caller's
# transaction. Bulk appends (`audit_record_many`: imports, lists) send nothing, so that an
# import of 100,000 rows does not become 100,000 notifications.
entry_recorded = Signal()
