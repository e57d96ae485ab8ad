"""Rows of the project's permission matrix (tests/web/test_permissions.py) for releases.

The matrix's world has the portal on, so releases are public (with it off, only staff
see them: tests/releases/test_release.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.urls import reverse

#        administrator, coordinator, caseworker, analyst, outsider, anonymous
PUBLIC_WHILE_PORTAL_ON = (200,) * 6
COORDINATORS = (200, 200, 403, 403, 403, 302)


def _version(w) -> str:
    from casebook.releases.services import release_write

    if not hasattr(w, "releases_version"):
        folder = Path(tempfile.mkdtemp(prefix="casebook-matrix-release-")) / "release"
        w.releases_version = release_write(folder=folder, actor=None).release.version
    return w.releases_version


RELEASES_MATRIX = {
    "releases:list": ("GET", lambda w: reverse("releases:list"), PUBLIC_WHILE_PORTAL_ON),
    "releases:manage": ("GET", lambda w: reverse("releases:manage"), COORDINATORS),
    "releases:file": (
        "GET",
        lambda w: reverse("releases:file", args=[_version(w), "datapackage.json"]),
        PUBLIC_WHILE_PORTAL_ON,
    ),
    "releases:zip": (
        "GET",
        lambda w: reverse("releases:zip", args=[_version(w)]),
        PUBLIC_WHILE_PORTAL_ON,
    ),
}

# Public while the portal is on: signed-out readers are never sent to sign in.
RELEASES_NOT_REDIRECTED = {"releases:list", "releases:file", "releases:zip"}
