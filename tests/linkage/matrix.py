"""Rows of the project's permission matrix (tests/web/test_permissions.py) for /linkage/.

Each row builds what it needs on the matrix's World the first time: a linkage run with one
suggested pair (the World's incident and another), and merges of invented incidents.
"""

from __future__ import annotations

from django.urls import reverse

#        administrator, coordinator, caseworker, analyst, outsider, anonymous
COORDINATORS = (200, 200, 403, 403, 403, 302)
COORDINATORS_POST = (302, 302, 403, 403, 403, 302)
ADMINISTRATORS = (200, 403, 403, 403, 403, 302)


def suggested_pair(left, right):
    from django.utils import timezone

    from casebook.linkage.models import LinkageRun, SuggestedPair, pair_key

    run = LinkageRun.objects.create(threshold=0.5, records=2, finished_at=timezone.now())
    a, b = pair_key(left.reference, right.reference)
    return SuggestedPair.objects.create(
        run=run,
        left_reference=a,
        right_reference=b,
        probability=0.7,
        weight=1.2,
        explanation="same force; the same day, the same place",
    )


def _pair(w):
    from tests.factories import IncidentFactory

    if not hasattr(w, "linkage_pair"):
        w.linkage_pair = suggested_pair(w.incident, IncidentFactory(title="A second report"))
    return w.linkage_pair


def _fresh_pair(w):
    from tests.factories import IncidentFactory

    return suggested_pair(IncidentFactory(), IncidentFactory())


def _fresh_merge(w):
    from casebook.linkage.merging import incident_merge
    from tests.factories import IncidentFactory

    return incident_merge(survivor=IncidentFactory(), merged=IncidentFactory(), actor=None)


def _merge(w):
    if not hasattr(w, "linkage_merge"):
        w.linkage_merge = _fresh_merge(w)
    return w.linkage_merge


def _fresh_person_merge(w):
    from casebook.linkage.people import person_merge
    from tests.factories import PersonFactory

    details = {"full_name": "Matrix Person Twice", "contact": f"twice{w_count(w)}@x.test"}
    return person_merge(
        survivor=PersonFactory(**details), merged=PersonFactory(**details), actor=None
    )


def w_count(w) -> int:
    """A number new each call, so each persona's pair of people is a pair of its own."""
    w.linkage_people = getattr(w, "linkage_people", 0) + 1
    return w.linkage_people


LINKAGE_MATRIX = {
    "linkage:queue": ("GET", lambda w: reverse("linkage:queue"), COORDINATORS),
    "linkage:pair-detail": (
        "GET",
        lambda w: reverse("linkage:pair-detail", args=[_pair(w).pk]),
        COORDINATORS,
    ),
    # The matrix posts no verdict: the page says to choose one and goes back to the pair.
    "linkage:pair-decide": (
        "POST",
        lambda w: reverse("linkage:pair-decide", args=[_fresh_pair(w).pk]),
        COORDINATORS_POST,
    ),
    "linkage:merge-list": ("GET", lambda w: reverse("linkage:merge-list"), COORDINATORS),
    "linkage:merge-detail": (
        "GET",
        lambda w: reverse("linkage:merge-detail", args=[_merge(w).pk]),
        COORDINATORS,
    ),
    # A fresh merge each time, so each persona asks to undo one still in force.
    "linkage:merge-undo": (
        "POST",
        lambda w: reverse("linkage:merge-undo", args=[_fresh_merge(w).pk]),
        COORDINATORS_POST,
    ),
    "linkage:settings": ("GET", lambda w: reverse("linkage:settings"), ADMINISTRATORS),
    "linkage:people": ("GET", lambda w: reverse("linkage:people"), COORDINATORS),
    # The matrix names no people: the page says to choose two and goes back to the list.
    "linkage:people-merge": ("POST", lambda w: reverse("linkage:people-merge"), COORDINATORS_POST),
    # A fresh merge each time, so each persona asks to undo one still in force.
    "linkage:people-unmerge": (
        "POST",
        lambda w: reverse("linkage:people-unmerge", args=[_fresh_person_merge(w).pk]),
        COORDINATORS_POST,
    ),
}
