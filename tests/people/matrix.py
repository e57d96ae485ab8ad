"""Rows of the project's permission matrix (tests/web/test_permissions.py) for /people/.

The World's caseworker does not work on the World's incident, so its person is "not found"
for them; analysts and outsiders get 403 everywhere; only administrators erase.
"""

from __future__ import annotations

from django.urls import reverse

#        administrator, coordinator, caseworker (not on the incident), analyst, outsider, anonymous
PEOPLE_MATRIX = {
    "people:person-list": (
        "GET",
        lambda w: reverse("people:person-list"),
        (200, 200, 200, 403, 403, 302),
    ),
    "people:person-detail": (
        "GET",
        lambda w: reverse("people:person-detail", args=[w.person.reference]),
        (200, 200, 404, 403, 403, 302),
    ),
    "people:person-erase": (
        "GET",
        lambda w: reverse("people:person-erase", args=[w.person.reference]),
        (200, 403, 403, 403, 403, 302),
    ),
}
