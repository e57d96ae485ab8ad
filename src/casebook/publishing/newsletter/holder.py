"""Subject access and erasure of a person reach the newsletter subscriptions of their
contact address (found through the blind index, never by decrypting subscribers)."""

from __future__ import annotations

from casebook.people.duties.holders import Held
from casebook.people.models import Person
from casebook.publishing.models import Subscriber
from casebook.publishing.newsletter.subscriptions import (
    subscriber_erase,
    subscriber_record,
    subscribers_with_address,
)


def _address(person: Person) -> str:
    if person.is_erased or person.personal_data_key() is None:
        return ""
    contact = person.contact or ""
    return contact if "@" in contact else ""


class NewsletterHolder:
    """A person's newsletter subscriptions: in their archive, deleted on erasure."""

    def held(self, *, person: Person) -> Held:
        held = Held(section="newsletter")
        address = _address(person)
        for subscriber in subscribers_with_address(address) if address else []:
            held.records.append(subscriber_record(subscriber))
            held.audit_subjects.append((Subscriber._meta.label_lower, str(subscriber.pk)))
        return held

    def erase(self, *, person: Person, actor, ip_address: str | None) -> dict[str, int]:
        address = _address(person)
        if not address:
            return {"newsletter_subscriptions_erased": 0}
        erased = subscriber_erase(address=address, actor=actor, ip_address=ip_address)
        return {"newsletter_subscriptions_erased": erased}
