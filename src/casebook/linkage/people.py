"""The same person recorded twice: people whose keyed hashes (the blind index of their
name and contact) are identical, found without decrypting anybody, and merged into one
record by a coordinator, undoably.

A merge moves the merged-away person's involvements and evidence to the survivor (an
involvement the survivor already has on the same act is set aside whole) and keeps the
merged-away row: deleting it would destroy its data key and any undo. Its pages lead to the
survivor's (`middleware`), it leaves the list of people recorded twice, and the survivor's
erasure or subject access reaches it (`MergedRecordsHolder`).
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from casebook.audit.services import audit_record
from casebook.linkage.merging import MergeError, _Mover, _relations, _restore, follow_merges
from casebook.linkage.models import PersonMerge
from casebook.people.duties.holders import Held
from casebook.people.models import Person
from casebook.people.services import people_index_tokens


def _token_keys(people: list[tuple[int, object]]) -> dict[int, str]:
    """person pk -> one string of their blind-index tokens ("" when they have none)."""
    tokens_of = people_index_tokens(key_id for _, key_id in people)
    return {pk: " ".join(sorted(set(tokens_of.get(str(key_id), [])))) for pk, key_id in people}


def merged_away_references() -> set[str]:
    return set(PersonMerge.objects.in_force().values_list("merged_reference", flat=True))


def person_merged_into(reference: str) -> str | None:
    """The person a merged-away reference now lives on (following later merges), or None."""
    return follow_merges(PersonMerge.objects.in_force(), reference)


def people_recorded_twice(*, limit: int = 200) -> list[list[Person]]:
    """Groups of two or more people with the same name and contact (by their tokens),
    erased and merged-away people left out; at most `limit` groups, oldest first."""
    groups: dict[str, list[int]] = defaultdict(list)
    rows = list(
        Person.objects.filter(erased_at__isnull=True)
        .exclude(reference__in=merged_away_references())
        .values_list("pk", "key_id")
        .order_by("pk")
    )
    for pk, key in _token_keys(rows).items():
        if key:
            groups[key].append(pk)
    twice = [pks for pks in groups.values() if len(pks) > 1][:limit]
    wanted = {pk for pks in twice for pk in pks}
    people = Person.objects.filter(pk__in=wanted).only("pk", "reference", "created_at")
    by_pk = {person.pk: person for person in people}
    return [[by_pk[pk] for pk in pks] for pks in twice]


def person_merge(*, survivor: Person, merged: Person, actor) -> PersonMerge:
    """Fold `merged` into `survivor`: two records of one person, by their keyed hashes."""
    if survivor.pk == merged.pk:
        raise MergeError("A person cannot be merged into themselves.")
    with transaction.atomic():
        found = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
        }
        if len(found) != 2:
            raise MergeError("One of the two people is no longer in the casebook.")
        survivor, merged = found[survivor.pk], found[merged.pk]
        if survivor.is_erased or merged.is_erased:
            raise MergeError("An erased person's record cannot be merged.")
        if merged.reference in merged_away_references() or person_merged_into(survivor.reference):
            raise MergeError("One of the two was merged into another person already.")
        keys = _token_keys([(p.pk, p.key_id) for p in (survivor, merged)])
        if not keys[survivor.pk] or keys[survivor.pk] != keys[merged.pk]:
            raise MergeError(
                f"{survivor.reference} and {merged.reference} are not recorded with the same "
                "name and contact: only people recorded twice are merged here."
            )
        merge = PersonMerge.objects.create(
            survivor_reference=survivor.reference,
            merged_reference=merged.reference,
            merged_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        mover = _Mover()
        for rel in _relations(Person):
            mover.move(rel, merged.pk, survivor.pk)
        merge.undo = {"steps": mover.steps}
        merge.save(update_fields=["undo"])
        changes = {"merged": [None, merged.reference], "survivor": [None, survivor.reference]}
        for person in (survivor, merged):
            audit_record(
                action="linkage.person.merged", instance=person, actor=actor, changes=changes
            )
    return merge


def people_group_merge(*, references: list[str], actor) -> list[PersonMerge]:
    """Merge a group of people recorded twice into its oldest record, all or none."""
    wanted = list(dict.fromkeys(references))
    group = sorted(Person.objects.filter(reference__in=wanted), key=lambda p: p.pk)
    if len(group) < 2 or len(group) != len(wanted):
        raise MergeError("Choose two or more people recorded twice to merge.")
    survivor, *others = group
    with transaction.atomic():
        return [person_merge(survivor=survivor, merged=other, actor=actor) for other in others]


def person_unmerge(*, merge: PersonMerge, actor) -> Person:
    """Undo `merge`: the merged-away person gets back their involvements and evidence."""
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if not merge.in_force:
            raise MergeError(f"{merge.merged_reference} was already taken out again.")
        later = person_merged_into(merge.survivor_reference)
        if later:
            raise MergeError(
                f"{merge.survivor_reference} was itself merged into {later} since: undo that "
                "merge first."
            )
        for step in reversed(merge.undo.get("steps", [])):
            if step["do"] == "set_aside":
                _restore(step["row"])
            else:
                model = apps.get_model(step["model"])
                model._base_manager.filter(pk=step["pk"]).update(**{step["field"]: step["old"]})
        merge.unmerged_at = timezone.now()
        merge.unmerged_by = actor if getattr(actor, "is_authenticated", False) else None
        merge.save(update_fields=["unmerged_at", "unmerged_by"])
        changes = {
            "merged": [merge.merged_reference, None],
            "survivor": [merge.survivor_reference, None],
        }
        people = Person.objects.filter(
            reference__in=[merge.survivor_reference, merge.merged_reference]
        )
        for person in people:
            audit_record(
                action="linkage.person.unmerged", instance=person, actor=actor, changes=changes
            )
    return Person.objects.get(reference=merge.merged_reference)


class MergedRecordsHolder:
    """The records merged into a person: subject access hands them over, erasure erases them
    (the survivor's details were theirs too)."""

    def _merged(self, person: Person) -> list[Person]:
        references = (
            PersonMerge.objects.in_force()
            .filter(survivor_reference=person.reference)
            .values_list("merged_reference", flat=True)
        )
        return list(Person.objects.filter(reference__in=list(references)).order_by("pk"))

    def held(self, *, person: Person) -> Held:
        from casebook.people.duties.subject_access import person_record

        merged = self._merged(person)
        return Held(
            section="merged_records",
            records=[person_record(p) for p in merged],
            audit_subjects=[("people.person", str(p.pk)) for p in merged],
        )

    def erase(self, *, person: Person, actor, ip_address: str | None) -> dict[str, int]:
        from casebook.people.duties.erasure import person_erase

        merged = [p for p in self._merged(person) if not p.is_erased]
        for record in merged:
            person_erase(
                person=record,
                reason=f"merged into {person.reference}, which was erased",
                actor=actor,
                ip_address=ip_address,
            )
        return {"merged_records_erased": len(merged)} if merged else {}
