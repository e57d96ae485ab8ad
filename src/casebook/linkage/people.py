"""The same person recorded twice: people whose keyed hashes (the blind index of their
name and contact) are identical. Found without decrypting anybody."""

from __future__ import annotations

from collections import defaultdict

from casebook.people.models import Person
from casebook.people.services import people_index_tokens


def people_recorded_twice(*, limit: int = 200) -> list[list[Person]]:
    """Groups of two or more people with the same name and contact (by their tokens),
    erased people left out; at most `limit` groups, oldest first."""
    groups: dict[str, list[int]] = defaultdict(list)
    rows = list(
        Person.objects.filter(erased_at__isnull=True).values_list("pk", "key_id").order_by("pk")
    )
    tokens_of = people_index_tokens(key_id for _, key_id in rows)
    for pk, key_id in rows:
        key = " ".join(sorted(set(tokens_of.get(str(key_id), []))))
        if key:
            groups[key].append(pk)
    twice = [pks for pks in groups.values() if len(pks) > 1][:limit]
    wanted = {pk for pks in twice for pk in pks}
    people = Person.objects.filter(pk__in=wanted).only("pk", "reference", "created_at")
    by_pk = {person.pk: person for person in people}
    return [[by_pk[pk] for pk in pks] for pks in twice]
