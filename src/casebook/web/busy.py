"""A busy database is an answer to give the user, not a server error.

SQLite lets one writer in at a time (a long import, the monitor's worker, a backup); another
writer waits for the busy timeout and then gets "database is locked". PostgreSQL says the
same with a lock timeout, a deadlock or a serialisation failure. Each of these used to be a
bare 500 and the user's edit was gone. Now any request that meets one gets a 503 page saying
that nothing was saved, that their input is kept, and a button that sends the same input
again (everything but files and secrets, which the browser may not resend for us). The view's
own transaction has been rolled back by then, so "nothing was saved" is true of every view
that writes inside `transaction.atomic()`, as the services do.

Two doors lead here: `BusyDatabaseMiddleware.process_exception` for errors raised by a view
(or by rendering its template), and `server_error` (the site's `handler500`) for errors raised
after the view, such as the session being saved by its middleware.
"""

from __future__ import annotations

import logging
import sys

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

from casebook.lib.busy import database_busy

logger = logging.getLogger(__name__)

# Seconds a browser or a script is told to wait before trying again.
RETRY_AFTER = 5
# Fields never written back into a page: secrets are typed again, and the CSRF token is
# replaced by a fresh one.
_NOT_KEPT = ("password", "otp", "token", "secret")


def _kept_fields(request: HttpRequest) -> list[tuple[str, str]]:
    if request.method != "POST":
        return []
    try:
        posted = request.POST
    except Exception:  # noqa: BLE001 (a body we could not read: nothing to keep)
        return []
    return [
        (name, value)
        for name, values in posted.lists()
        if name != "csrfmiddlewaretoken" and not any(word in name.lower() for word in _NOT_KEPT)
        for value in values
    ]


def _secret_fields(request: HttpRequest) -> bool:
    if request.method != "POST":
        return False
    return any(
        any(word in name.lower() for word in _NOT_KEPT[:3]) and name != "csrfmiddlewaretoken"
        for name in request.POST
    )


def busy_response(request: HttpRequest) -> HttpResponse:
    """The "casebook is busy" page for this request, with its input ready to send again."""
    files = []
    if request.method == "POST":
        try:
            files = [getattr(upload, "name", "") or name for name, upload in request.FILES.items()]
        except Exception:  # noqa: BLE001
            files = []
    context = {
        "again_url": request.get_full_path(),
        "posted": request.method == "POST",
        "kept": _kept_fields(request),
        "files": files,
        "secrets": _secret_fields(request),
        "retry_after": RETRY_AFTER,
    }
    try:
        body = loader.render_to_string("busy.html", context, request=request)
    except Exception:  # noqa: BLE001 (the page must not fail too: the plain version needs no database)
        body = loader.render_to_string("busy.html", {**context, "plain": True})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class BusyDatabaseMiddleware:
    """A view that meets a busy database answers with the busy page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_busy(exception):
            return busy_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's 500 handler: the busy page when the error was a busy database."""
    error = sys.exc_info()[1]
    if error is not None and database_busy(error):
        return busy_response(request)
    return HttpResponseServerError(loader.render_to_string("500.html"))
