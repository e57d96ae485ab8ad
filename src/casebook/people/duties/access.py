"""Who looked at whom: an audit entry for every view of a person's details."""

from __future__ import annotations

from collections.abc import Iterable

from casebook.audit.services import PendingEntry, audit_record_many
from casebook.cases.models import Incident
from casebook.people.models import Person


def people_viewed(
    *,
    user,
    people: Iterable[Person],
    via: str,
    ip_address: str | None = None,
    incident: Incident | None = None,
) -> int:
    """Record that `user` was shown the details of `people` (erased people show none).

    `via` names the page or export ("person page", "people list", "incident page"); no
    personal value ever goes into the entry; `incident` files the entries in its history.
    Returns how many entries were written.
    """
    # One lock on the audit chain for a whole page of people.
    return audit_record_many(
        [
            PendingEntry(
                action="people.person.viewed",
                instance=person,
                changes={"via": via, "reference": person.reference},
                incident=incident,
            )
            for person in people
            if not person.is_erased
        ],
        actor=user,
        ip_address=ip_address,
    )
