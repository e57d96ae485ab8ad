"""Who looked at whom: an audit entry for every view of a person's details."""

from __future__ import annotations

from collections.abc import Iterable

from casebook.audit.services import PendingEntry, audit_record_many
from casebook.people.models import Person

VIEWED = "people.person.viewed"


def people_viewed(
    *,
    user,
    people: Iterable[Person],
    via: str,
    ip_address: str | None = None,
    incident_reference: str = "",
) -> int:
    """Record that `user` was shown the details of `people` (erased people show none).

    `via` names the page or export ("person page", "people list", "incident page"); no
    personal value ever goes into the entry. Returns how many entries were written.
    """
    # One lock on the audit chain for a whole page of people.
    return audit_record_many(
        [
            PendingEntry(
                action=VIEWED,
                object_type="people.person",
                object_id=str(person.pk),
                changes={"via": via, "reference": person.reference},
                incident_reference=incident_reference,
            )
            for person in people
            if not person.is_erased
        ],
        actor=user,
        ip_address=ip_address,
    )
