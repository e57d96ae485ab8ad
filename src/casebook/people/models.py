"""People affected by, arrested in, or witnessing acts.

Personal data lives only in `Person`, so that it can be encrypted, redacted and erased in one
place. Everything else refers to people by their pseudonymous reference.
"""

from __future__ import annotations

from django.db import models


class Person(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    # Personal details: shown only to roles allowed to see people (accounts.roles).
    full_name = models.CharField(max_length=200, blank=True)
    contact = models.CharField(max_length=300, blank=True, help_text="Phone or e-mail.")
    address = models.TextField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=60, blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
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
    consent_notes = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

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


class Involvement(models.Model):
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
