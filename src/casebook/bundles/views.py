"""The evidence bundle as a download from the incident page, for coordinators and
administrators. A POST: making one is recorded in the audit trail."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from casebook.accounts import roles
from casebook.accounts.access import role_required
from casebook.accounts.security import client_address
from casebook.bundles.services import BundleRefused, bundle_make
from casebook.cases.models import Incident


@require_POST
@role_required(roles.can_verify, "Only coordinators and administrators make evidence bundles.")
def incident_bundle(request, reference: str):
    incident = get_object_or_404(Incident, reference=reference)
    redacted = request.POST.get("redacted") == "1"
    descriptor, name = tempfile.mkstemp(prefix="bundle-", suffix=".zip")
    os.close(descriptor)
    try:
        made = bundle_make(
            incident=incident,
            output=Path(name),
            actor=request.user,
            redacted=redacted,
            ip_address=client_address(request),
        )
        stored = open(made.path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except BundleRefused as refusal:
        return HttpResponse(str(refusal), status=409, content_type="text/plain; charset=utf-8")
    finally:
        # Unlinked at once: the open handle keeps the bytes until the response is sent.
        Path(name).unlink(missing_ok=True)
    suffix = "-redacted" if redacted else ""
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=f"{incident.reference}-evidence{suffix}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
