"""The Releases page for coordinators (write one, see them all) and the public list and
downloads of releases, which anyone may read while the portal is on (staff always)."""

from __future__ import annotations

import json
import tempfile
import zipfile
from functools import wraps
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.publishing.models import PortalSettings
from casebook.releases.models import Release
from casebook.releases.services import ReleaseRefused, release_write

OWN_FILES = ("SHA256SUMS", "manifest.json", "manifest.sig")


class ReleaseForm(forms.Form):
    date_from = forms.DateField(
        required=False, label="Incidents from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The first date is after the last: swap them.")
        return data


@require_http_methods(["GET", "POST"])
@role_required(roles.can_verify, "Only coordinators and administrators write releases.")
def manage(request):
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        folder = Path(settings.RELEASES_DIR) / timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        try:
            written = release_write(
                folder=folder,
                actor=request.user,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
        except ReleaseRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"Release {written.release.version} written: "
                f"{written.release.incident_count} published incidents.",
            )
            return redirect("releases:manage")
    return render(
        request, "releases/manage.html", {"form": form, "releases": Release.objects.all()[:100]}
    )


def public(view):
    """Anyone while the portal is on; only staff while it is off (404 for the others)."""

    @login_not_required
    @require_GET
    @wraps(view)
    def page(request, *args, **kwargs):
        portal = PortalSettings.current()
        if not portal.enabled and not roles.is_staff_member(request.user):
            raise Http404("Releases are published with the portal, which is off.")
        request.portal = portal
        return view(request, *args, **kwargs)

    return page


@public
def release_list(request):
    return render(
        request,
        "releases/public.html",
        {"portal": request.portal, "releases": Release.objects.all()[:100]},
    )


def _listed_files(release: Release) -> list[str]:
    folder = Path(release.folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        raise Http404("This release's folder is no longer where it was written.") from None
    return [item["path"] for item in manifest["files"]] + list(OWN_FILES)


@public
def release_file(request, version: str, name: str):
    release = get_object_or_404(Release, version=version)
    if name not in _listed_files(release):
        raise Http404("No such file in this release.")
    return FileResponse(
        open(Path(release.folder) / name, "rb"), as_attachment=name.endswith((".csv", ".geojson"))
    )  # noqa: SIM115


@public
def release_zip(request, version: str):
    release = get_object_or_404(Release, version=version)
    names = _listed_files(release)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    root = f"release-{release.version}"
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(Path(release.folder) / name, f"{root}/{name}")
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{root}.zip", content_type="application/zip"
    )
