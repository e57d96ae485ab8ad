"""Rows of the project's permission matrix (tests/web/test_permissions.py) for /analysis/."""

from __future__ import annotations

from django.urls import reverse

#        administrator, coordinator, caseworker, analyst, outsider, anonymous
STAFF_READ = (200, 200, 200, 200, 403, 302)

ANALYSIS_MATRIX = {
    "analysis:statistics": ("GET", lambda w: reverse("analysis:statistics"), STAFF_READ),
}
