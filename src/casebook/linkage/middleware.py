"""Merged-away addresses keep working: an incident's or a person's pages redirect to the
record it was merged into."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from casebook.accounts import roles
from casebook.linkage.merging import merged_into
from casebook.linkage.people import person_merged_into

# The apps whose pages address an incident by its reference (its page, editor, evidence).
INCIDENT_PAGES = {"casework", "sources"}
PERSON_PAGES = {"people"}


class MergedIncidentRedirectMiddleware:
    """On a 404 for an incident page whose reference was merged away, send the visitor to
    the same page of the incident it lives on in now (only pages addressed by reference).

    A merged-away person's row stays (its data key with it, for the undo), so their pages
    answer; the redirect is decided before the view, for readers who may see people (the
    others get the view's refusal, not a hint of which records were merged)."""

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

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        reference = view_kwargs.get("reference")
        if (
            not reference
            or match is None
            or match.namespace not in PERSON_PAGES
            or request.method not in ("GET", "HEAD")
            or not roles.may_see_people(request.user)
        ):
            return None
        survivor = person_merged_into(reference)
        if survivor is None:
            return None
        kwargs = {**view_kwargs, "reference": survivor}
        return HttpResponseRedirect(reverse(match.view_name, kwargs=kwargs))
