"""People: their details, unsealed only for roles that may see them (administrators and
coordinators everyone; caseworkers the people of incidents they work on; analysts nobody),
with a token carrying the personal-data scope. Every sight is in the audit trail."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.accounts.security import client_address
from casebook.api.auth import PERSONAL
from casebook.api.endpoints.protests import Paging
from casebook.api.problems import COMMON, READ_ONE, Problem
from casebook.api.reading import cursor_decode, cursor_encode
from casebook.people.duties.access import people_viewed
from casebook.people.models import Person
from casebook.people.services import people_visible

router = Router(tags=["people"], auth=PERSONAL)

sees_people_required = role_required(
    roles.may_see_people, "Analysts never see people's details; counts are in the statistics."
)


class PersonOut(Schema):
    reference: str
    erased: bool
    full_name: str
    contact: str
    address: str
    date_of_birth: dt.date | None
    gender: str
    ethnicity: str
    notes: str
    consent_notes: str
    consent_record: bool
    consent_share: bool
    consent_publish: bool
    incidents: list[str]


class PersonPage(Schema):
    items: list[PersonOut]
    next: str | None


def _person(person: Person) -> dict:
    readable = not person.is_erased and person.details_readable
    details = {
        name: (getattr(person, name) if readable else None) for name in Person.PERSONAL_FIELDS
    }
    return {
        "reference": person.reference,
        "erased": person.is_erased,
        **{k: (v if v is not None or k == "date_of_birth" else "") for k, v in details.items()},
        "consent_record": person.consent_record,
        "consent_share": person.consent_share,
        "consent_publish": person.consent_publish,
        "incidents": sorted({i.act.incident.reference for i in person.involvements.all()}),
    }


def _visible(request):
    return people_visible(user=request.user).prefetch_related("involvements__act__incident")


@router.get(
    "/people",
    response={200: PersonPage, 422: Problem, **COMMON},
    summary="The people whose details this role may see",
)
@sees_people_required
def person_list(request, paging: Query[Paging]):
    people = _visible(request).order_by("pk")
    if paging.cursor:
        people = people.filter(pk__gt=cursor_decode(paging.cursor))
    found = list(people[: paging.limit + 1])
    more, found = len(found) > paging.limit, found[: paging.limit]
    people_viewed(user=request.user, people=found, via="API", ip_address=client_address(request))
    return {
        "items": [_person(p) for p in found],
        "next": cursor_encode(found[-1].pk) if more else None,
    }


@router.get("/people/{reference}", response={200: PersonOut, **READ_ONE}, summary="A person")
@sees_people_required
def person_detail(request, reference: str):
    person = get_object_or_404(_visible(request), reference=reference)
    people_viewed(user=request.user, people=[person], via="API", ip_address=client_address(request))
    return _person(person)
