"""Erasure: destroy a person's data key (crypto-shredding) and keep a tombstone.

What stays: the Person row with its reference, consent flags, `erased_at`, the reason, and
its involvements (acts, roles), so that "how many people were arrested" is still true.
What goes: every personal field (blanked), and the person's data key and search index
entries, both in the keyring: their sealed details in every earlier database backup no
longer open, and no detail of theirs finds their row there.
Whatever other apps keep about the person goes too, through their holders
(`people/duties/holders.py`): evidence files attached only to the person are removed from
the vault; files that are also evidence of an incident or source stay as such, no longer
linked to the person.

Order matters. Blanking the row, the audit entry and the key destruction happen in one
database transaction, the key destruction last: if it fails, nothing is erased; if the
commit fails after it, the details are already unreadable and running the erasure again
completes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casebook.audit.services import audit_record
from casebook.people.duties.holders import holders
from casebook.people.keys.keyring import keyring
from casebook.people.models import Person


@dataclass
class ErasureReport:
    person: Person
    already_erased: bool
    key_destroyed: bool
    evidence_removed: int = 0
    evidence_detached: int = 0


MISSING_KEY_REASON = "data key missing: erased after the backup this database came from"


def erasures_finish() -> list[str]:
    """After restoring a backup: erase the people whose data key is gone from the keyring.

    They were erased after the backup was made. Their sealed details cannot be read anyway;
    this also takes away what they held outside them (evidence files attached to them) and
    marks them erased. Returns their references.
    """
    from casebook.people.services import data_key_census

    missing, _ = data_key_census()
    people = Person.objects.filter(key_id__in=missing).order_by("reference")
    references = []
    for person in people:
        person_erase(person=person, reason=MISSING_KEY_REASON)
        references.append(person.reference)
    return references


def person_erase(
    *, person: Person, reason: str, actor=None, ip_address: str | None = None
) -> ErasureReport:
    """Erase the person's details for good. `reason` is kept on the tombstone.

    The reason must not itself be personal ("subject's request", "retention rule"): the
    form and the command say so.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Give the reason for the erasure."})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        already = person.is_erased
        # Holders first, while the details still open: some find what they keep about the
        # person by those details (a newsletter subscription by the contact address).
        counts: dict[str, int] = {}
        for holder in holders():
            counts |= holder.erase(person=person, actor=actor, ip_address=ip_address)
        if not already:
            person.erased_at = timezone.now()
            person.erasure_reason = reason[:300]
        for name in Person.PERSONAL_FIELDS:
            setattr(person, name, None if name == "date_of_birth" else "")
        person.save()  # sealed columns blank, index entries gone (keys/fields.py)
        audit_record(
            action="people.person.erased",
            instance=person,
            actor=actor,
            ip_address=ip_address,
            # Field names only; the reason stays on the tombstone, not in the permanent trail.
            changes={
                **{name: None for name in Person.PERSONAL_FIELDS},
                "data_key": "destroyed",
                **counts,
                "again": already,
            },
        )
        destroyed = keyring().destroy_data_keys([str(person.key_id)]) > 0
    person.__dict__.pop("_data_key", None)
    return ErasureReport(
        person,
        already,
        destroyed,
        counts.get("evidence_removed", 0),
        counts.get("evidence_detached", 0),
    )
