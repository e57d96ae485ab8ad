"""Rows of the project's permission matrix (tests/web/test_permissions.py) for /analysis/."""

from __future__ import annotations

from django.urls import reverse

#        administrator, coordinator, caseworker, analyst, outsider, anonymous
STAFF_READ = (200, 200, 200, 200, 403, 302)

ANALYSIS_MATRIX = {
    "analysis:statistics": ("GET", lambda w: reverse("analysis:statistics"), STAFF_READ),
}

ANALYSIS_MATRIX["analysis:chart"] = (
    "GET",
    lambda w: reverse("analysis:chart", args=["series"]),
    STAFF_READ,
)

# The Lists page (analysis/lists): everyone with a role reads it, administrators change it.
ADMINISTRATORS = (200, 403, 403, 403, 403, 302)


def _capture_list(w):
    from casebook.analysis.lists.models import CaptureList

    return CaptureList.objects.order_by("pk").first().pk


def _fresh_list(w):
    from casebook.analysis.lists.models import CaptureList

    return CaptureList.objects.create(name=f"Invented list {CaptureList.objects.count()}").pk


LISTS_MATRIX = {
    "analysis:lists": ("GET", lambda w: reverse("analysis:lists"), STAFF_READ),
    "analysis:list-edit": (
        "GET",
        lambda w: reverse("analysis:list-edit", args=[_capture_list(w)]),
        ADMINISTRATORS,
    ),
    "analysis:list-delete": (
        "POST",
        lambda w: reverse("analysis:list-delete", args=[_fresh_list(w)]),
        (302, 403, 403, 403, 403, 302),
    ),
}

ANALYSIS_MATRIX["analysis:export"] = ("GET", lambda w: reverse("analysis:export"), STAFF_READ)

# The statistics report (a PDF for outside use): the page's readers, the page's gate.
ANALYSIS_MATRIX["analysis:report"] = ("GET", lambda w: reverse("analysis:report"), STAFF_READ)
