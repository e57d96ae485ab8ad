"""Who may see the people in an incident, and reading them for those who may.

The rule (see accounts.roles): administrators and coordinators see everyone; caseworkers see
the people of incidents they work on; analysts see nobody, only how many people there are.
Every page that shows a person goes through `people_visible_to`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from casebook.accounts import roles
from casebook.cases.models import Incident
from casebook.cases.services import incident_worked_on_by
from casebook.people.models import Involvement


def people_visible_to(*, user, incident: Incident | None) -> bool:
    """May this user see the personal details of the people in this incident?

    `incident=None` asks about an incident the user is about to create: they will work on
    it, so anyone who may see people at all may enter them.
    """
    if roles.sees_all_people(user):
        return True
    if not roles.may_see_people(user):
        return False
    if incident is None:
        return True
    return incident_worked_on_by(incident=incident, user=user)


def incident_people_count(*, incident: Incident) -> int:
    """How many distinct people are recorded on the incident: safe to show to every role."""
    return Involvement.objects.filter(act__incident=incident).values("person_id").distinct().count()


def incident_involvements_by_act(*, incident: Incident) -> dict[int, list[Involvement]]:
    """Act id -> its involvements with their people. Call only after `people_visible_to`."""
    by_act: dict[int, list[Involvement]] = defaultdict(list)
    involvements = (
        Involvement.objects.filter(act__incident=incident)
        .select_related("person")
        .order_by("act_id", "role", "person__reference")
    )
    for involvement in involvements:
        by_act[involvement.act_id].append(involvement)
    return dict(by_act)


# Records kept only so that a merge can be undone (linkage folds a person recorded twice
# into one record and keeps the other): lists, pages and the API leave them out. Apps above
# `people` register a finder of their references from their AppConfig.ready().
_folded_finders: list[Callable[[], Iterable[str]]] = []


def folded_records_register(finder: Callable[[], Iterable[str]]) -> None:
    if finder not in _folded_finders:
        _folded_finders.append(finder)


def folded_references() -> set[str]:
    """References of the people folded into another record (none until an app says)."""
    return {reference for finder in _folded_finders for reference in finder()}


def people_visible(*, user):
    """The people whose details `user` may see, as a queryset (none for analysts).

    Administrators and coordinators: everyone; caseworkers: the people of the incidents they
    work on; everybody else: nobody; records folded into another left out. The people list,
    person pages and the API start from this.
    """
    from casebook.people.models import Person

    if not roles.may_see_people(user):
        return Person.objects.none()
    people = Person.objects.exclude(reference__in=folded_references())
    if roles.sees_all_people(user):
        return people
    worked_on = Incident.objects.worked_on_by(user).values("pk")
    return people.filter(
        pk__in=Involvement.objects.filter(act__incident__in=worked_on).values("person_id")
    )


def person_may_be_published(person) -> bool:
    """May anything about this person appear in something published (portal, dataset…)?

    Only with their consent to publication, and never once erased. Publication features
    must check this (or start from `Person.objects.publishable()`) for every person.
    """
    return bool(person.consent_publish) and person.erased_at is None


def people_index_tokens(key_ids) -> dict[str, list[str]]:
    """The blind-index tokens (keyed hashes of name and contact) of these people, by key id.

    For comparing people without opening anyone's details (linkage). The tokens live in the
    keyring; erased people have none.
    """
    from casebook.people.keys.keyring import keyring

    return keyring().index_tokens(str(key_id) for key_id in key_ids)


def data_key_census() -> tuple[set[str], set[str]]:
    """(key ids of people not erased whose data key is gone, keys in the keyring nothing
    uses). After restoring a backup, the first are the people erased since it was made.

    A key is in use when any sealed record holds it: a person, or another app's row with
    sealed details of its own (a newsletter subscriber; `people.keys.sealed`)."""
    from casebook.people.keys.keyring import keyring
    from casebook.people.keys.sealed import sealed_models
    from casebook.people.models import Person

    in_ring = set(keyring().key_ids())
    people = {
        str(k): erased
        for k, erased in Person.objects.values_list("key_id", "erased_at").iterator(chunk_size=5000)
    }
    used = set(people)
    for model in sealed_models():
        if model is not Person:
            keys = model._default_manager.values_list("key_id", flat=True)
            used.update(str(k) for k in keys.iterator(chunk_size=5000))
    missing = {k for k, erased in people.items() if erased is None and k not in in_ring}
    return missing, in_ring - used


def search_index_rebuild() -> tuple[int, int]:
    """Index every readable person (and every other sealed record with searchable fields,
    such as a newsletter subscriber) again, and drop entries no row here uses.

    For a database restored from a backup (its people may have changed since the keyring's
    entries were made), after a power cut, or to be sure. Returns (rows indexed, key ids
    whose stale entries were removed). Nothing is decrypted beyond the indexed fields.
    """
    from casebook.people.keys.keyring import keyring
    from casebook.people.keys.sealed import sealed_models

    ring = keyring()
    indexed: set[str] = set()
    for model in sealed_models():
        fields = [f for f in model._meta.concrete_fields if getattr(f, "blind_index", None)]
        if not fields:
            continue
        rows = model._default_manager.order_by("pk")
        if any(f.name == "erased_at" for f in model._meta.concrete_fields):
            rows = rows.filter(erased_at__isnull=True)
        batch: list = []
        for row in rows.iterator(chunk_size=500):
            batch.append(row)
            if len(batch) == 500:
                indexed |= _index_rows(ring, batch, fields)
                batch = []
        indexed |= _index_rows(ring, batch, fields)
    stale = ring.index_key_ids() - indexed
    ring.index_forget(stale)
    return len(indexed), len(stale)


def _index_rows(ring, rows: list, fields: list) -> set[str]:
    from casebook.people.keys import blind_index
    from casebook.people.models import preload_data_keys

    preload_data_keys(rows)
    done = set()
    for row in rows:
        if getattr(row, "erased_at", None) is not None or row.personal_data_key() is None:
            continue
        key_id = str(row.key_id)
        for field in fields:
            value = getattr(row, field.name)
            ring.index_set(
                key_id, field.blind_index, blind_index.field_tokens(field.blind_index, value)
            )
        done.add(key_id)
    return done
