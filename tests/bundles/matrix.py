"""Rows of the project's permission matrix (tests/web/test_permissions.py) for bundles."""

from __future__ import annotations

from django.urls import reverse

#        administrator, coordinator, caseworker, analyst, outsider, anonymous
COORDINATORS = (200, 200, 403, 403, 403, 302)

BUNDLES_MATRIX = {
    "bundles:incident-bundle": (
        "POST",
        lambda w: reverse("bundles:incident-bundle", args=[w.incident.reference]),
        COORDINATORS,
    ),
}
