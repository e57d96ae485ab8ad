"""People affected by, arrested in, or witnessing acts.

People's personal data lives only in `Person`, so that it can be encrypted, redacted and
erased in one place. Everything else refers to people by their pseudonymous reference. (The
one other personal value, a newsletter subscriber's address, is sealed the same way by
publishing: `people/keys/sealed.py`.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.urls import reverse

from casebook.cases.constraints import ChecksInPython
from casebook.people.keys import blind_index
from casebook.people.keys.fields import (
    DataKeyIdField,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedTextField,
)
from casebook.people.keys.keyring import keyring
from casebook.people.keys.sealed import SealedRecord, data_key_destroy_on_delete

_NOT_LOADED = object()


class PersonQuerySet(models.QuerySet):
    def not_erased(self) -> PersonQuerySet:
        return self.filter(erased_at__isnull=True)

    def erased(self) -> PersonQuerySet:
        return self.filter(erased_at__isnull=False)

    def publishable(self) -> PersonQuerySet:
        """People who agreed that their (redacted) account may be published.

        Every publication feature (portal, open datasets, reports, feeds) starts from this
        queryset or checks `people.services.person_may_be_published`: anyone else never
        appears in anything published.
        """
        return self.filter(consent_publish=True, erased_at__isnull=True)

    def search(self, query: str) -> PersonQuerySet:
        """People whose name holds every word of `query`, or whose contact is `query`.

        Through the blind index in the keyring: no row is decrypted to answer, and a
        person erased since an older backup was made is not found in that backup.
        """
        words, contact = blind_index.query_tokens(query)
        return self.filter(key_id__among=keyring().index_find(every=words, either=contact))


class Person(SealedRecord, models.Model):
    """Someone in the record. Their details are sealed in the database (see people/keys).

    Each person has a data key of their own, kept in the keyring outside the database and
    named by `key_id`; erasing the person destroys it (crypto-shredding), which makes their
    details unreadable in the database and in every earlier backup of it. The row stays as
    a tombstone (reference, involvements, consent flags, `erased_at`) so counts stay true.
    """

    # Every field that holds personal data: sealed at rest, blanked by erasure.
    PERSONAL_FIELDS = (
        "full_name",
        "contact",
        "address",
        "date_of_birth",
        "gender",
        "ethnicity",
        "notes",
        "consent_notes",
    )

    reference = models.CharField(max_length=20, unique=True, editable=False)
    key_id = DataKeyIdField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Names the person's data key in the keyring; their sealed details are "
        "bound to it.",
    )
    # Personal details: shown only to roles allowed to see people (accounts.roles).
    full_name = EncryptedCharField(max_length=200, blank=True, blind_index="name")
    contact = EncryptedCharField(
        max_length=300, blank=True, help_text="Phone or e-mail.", blind_index="contact"
    )
    address = EncryptedTextField(blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    gender = EncryptedCharField(max_length=60, blank=True)
    ethnicity = EncryptedCharField(max_length=100, blank=True)
    notes = EncryptedTextField(blank=True)
    # Consent: what the person agreed may be done with their data.
    consent_record = models.BooleanField(
        default=False, help_text="May we keep their details in the casebook?"
    )
    consent_share = models.BooleanField(
        default=False, help_text="May we share their details with partner organisations?"
    )
    consent_publish = models.BooleanField(
        default=False, help_text="May their (redacted) account be published?"
    )
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_notes = EncryptedCharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Erasure leaves a tombstone: these two, the reference and the involvements.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    erasure_reason = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="Why the details were erased; never anything personal.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        # Never the name: str() ends up in logs, admin messages and audit entries.
        return self.reference

    def save(self, *args, **kwargs) -> None:
        if not self.reference:
            super().save(*args, **kwargs)
            self.reference = f"P-{self.pk:06d}"
            kwargs.pop("force_insert", None)
            super().save(update_fields=["reference"])
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("people:person-detail", args=[self.reference])

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def details_readable(self) -> bool:
        """False when the details were erased, or their key is gone (an older backup)."""
        return not self.is_erased and self.personal_data_key() is not None

    def clean(self) -> None:
        if (
            self.pk
            and not self._state.adding
            and not self.is_erased
            and self.personal_data_key() is None
        ):
            raise ValidationError(
                f"The details of {self.reference} were erased: they cannot be changed. "
                "(An administrator can run `casebook keys reconcile`.)"
            )


def preload_data_keys(people: Iterable[SealedRecord]) -> None:
    """Fetch the data keys of many people (or other sealed rows) in one keyring query."""
    waiting = [p for p in people if "_data_key" not in p.__dict__ and p.erased_at is None]
    found = keyring().data_keys(str(p.key_id) for p in waiting)
    for row in waiting:
        row.__dict__["_data_key"] = (row.key_id, found.get(str(row.key_id)))


post_delete.connect(
    data_key_destroy_on_delete, sender=Person, dispatch_uid="people.person.destroy_data_key"
)


class Involvement(ChecksInPython, models.Model):
    class Role(models.TextChoices):
        ARRESTED = "arrested", "Arrested"
        AFFECTED = "affected", "Affected"
        WITNESS = "witness", "Witness"

    act = models.ForeignKey("cases.Act", on_delete=models.CASCADE, related_name="involvements")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AFFECTED)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["act", "person", "role"], name="involvement_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["arrested", "affected", "witness"]),
                name="involvement_role_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.reference} {self.role}"
