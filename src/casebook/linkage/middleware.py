"""A merged-away incident's addresses keep working: they redirect to the survivor."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from casebook.linkage.merging import merged_into

# The apps whose pages address an incident by its reference (its page, editor, evidence).
INCIDENT_PAGES = {"casework", "sources"}


class MergedIncidentRedirectMiddleware:
    """On a 404 for an incident page whose reference was merged away, send the visitor to
    the same page of the incident it lives on in now (only pages addressed by reference)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return response
        reference = match.kwargs.get("reference")
        if not reference or match.namespace not in INCIDENT_PAGES:
            return response
        survivor = merged_into(reference)
        if survivor is None:
            return response
        kwargs = {**match.kwargs, "reference": survivor}
        return HttpResponseRedirect(reverse(match.view_name, kwargs=kwargs))
