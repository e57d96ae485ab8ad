from __future__ import annotations

from django.conf import settings
from django.db import models

from casebook.audit.actions import action_wording


class AuditEntry(models.Model):
    """One recorded action: who did what to which record, when, and from where.

    Entries form a keyed hash chain: each entry's hash is an HMAC, under the audit key kept
    outside the database (`audit/anchor.py`), of its own content and the previous entry's
    hash, so `casebook audit verify` notices an entry that was altered, removed, inserted or
    moved, even if the chain after it was recomputed. Nothing in Casebook updates or
    deletes an entry.
    `changes` holds old and new values of non-personal fields; personal fields by name only.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    incident_reference = models.CharField(max_length=20, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def wording(self) -> str:
        """What happened, in words (`audit/actions.py`): "verified the incident"."""
        return action_wording(self.action)


class AuditHead(models.Model):
    """The chain's newest sequence and hash; its row is locked while an entry is appended.

    Keeping the head apart from the entries reveals entries cut off the end; the signed
    checkpoint outside the database (`audit/anchor.py`) reveals it even when the head was
    moved back too, or both tables were emptied.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
