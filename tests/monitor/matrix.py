"""Rows of the project's permission matrix (tests/web/test_permissions.py) for /monitor/.

Coordinators and administrators decide candidates and manage feeds; caseworkers read the
queue, the pages and the feeds; analysts and outsiders get 403. Each POST row builds a fresh
candidate or feed, so every persona asks for the same, still possible, decision.
"""

from __future__ import annotations

from django.urls import reverse

from tests.monitor.pipeline_support import make_candidate

#        administrator, coordinator, caseworker, analyst, outsider, anonymous
MONITOR_READ = (200, 200, 200, 403, 403, 302)
MONITOR_DECIDE_PAGE = (200, 200, 403, 403, 403, 302)
# Decisions redirect: to the incident (accept), or back to the candidate when the form is
# incomplete (the matrix posts no reason and no reference).
MONITOR_DECIDE = (302, 302, 403, 403, 403, 302)


def _candidate_url(name: str):
    return lambda w: reverse(f"monitor:{name}", args=[make_candidate().pk])


def _feed_url(name: str):
    def build(w):
        from casebook.monitor.models import Feed

        feed = Feed.objects.create(
            name="Invented feed", url=f"https://feeds.example.test/{Feed.objects.count()}.xml"
        )
        return reverse(f"monitor:{name}", args=[feed.pk])

    return build


def _page_url(w):
    return reverse("monitor:page-detail", args=[make_candidate().page_id])


MONITOR_MATRIX = {
    "monitor:candidate-list": ("GET", lambda w: reverse("monitor:candidate-list"), MONITOR_READ),
    "monitor:candidate-detail": ("GET", _candidate_url("candidate-detail"), MONITOR_READ),
    "monitor:candidate-edit": ("GET", _candidate_url("candidate-edit"), MONITOR_DECIDE_PAGE),
    "monitor:candidate-accept": ("POST", _candidate_url("candidate-accept"), MONITOR_DECIDE),
    "monitor:candidate-merge": ("POST", _candidate_url("candidate-merge"), MONITOR_DECIDE),
    "monitor:candidate-reject": ("POST", _candidate_url("candidate-reject"), MONITOR_DECIDE),
    "monitor:feed-list": ("GET", lambda w: reverse("monitor:feed-list"), MONITOR_READ),
    "monitor:feed-toggle": ("POST", _feed_url("feed-toggle"), MONITOR_DECIDE),
    "monitor:feed-delete": ("POST", _feed_url("feed-delete"), MONITOR_DECIDE),
    "monitor:page-list": ("GET", lambda w: reverse("monitor:page-list"), MONITOR_READ),
    "monitor:page-detail": ("GET", _page_url, MONITOR_READ),
}
