"""The newsletter's public pages: sign up, confirm, leave. None is cached (tokens), none
needs a sign-in, and leaving works even with the portal off: nobody is kept against their
will. One-click unsubscribe (RFC 8058) is a POST without a CSRF token, by design: mail
providers send it, not a browser session.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from casebook.accounts.security import client_address
from casebook.publishing import intake
from casebook.publishing.forms import NewsletterForm
from casebook.publishing.models import PortalSettings
from casebook.publishing.newsletter.subscriptions import (
    CONFIRM_DAYS,
    LinkState,
    newsletter_confirm,
    newsletter_subscribe,
    newsletter_unsubscribe,
    subscriber_for_confirmation,
    unsubscribe_read,
)


def _newsletter_on() -> PortalSettings:
    portal = PortalSettings.current()
    if not (portal.enabled and portal.show_newsletter):
        raise Http404("The newsletter is not offered.")
    return portal


def _page(request, portal, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(
        request, f"publishing/{template}", {"portal": portal, **context}, status=status
    )
    response["Cache-Control"] = "no-store"  # a form's token, a link's token
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    portal = _newsletter_on()
    form = NewsletterForm(request.POST or None, initial={"token": intake.form_token()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problem = intake.form_data_problems(
            data, address=client_address(request) or "", form="newsletter"
        )
        if problem == "drop":
            return _page(request, portal, "newsletter_sent.html", {"days": CONFIRM_DAYS})
        if not problem:
            try:
                newsletter_subscribe(
                    address=data["address"], language=getattr(request, "LANGUAGE_CODE", "")
                )
            except ValidationError:
                form.add_error("address", _("Give an e-mail address such as name@example.org."))
            else:
                # The same answer whether the address was new, waiting or confirmed already.
                return _page(request, portal, "newsletter_sent.html", {"days": CONFIRM_DAYS})
        else:
            form.add_error(None, problem)
        form.data = form.data.copy()
        form.data["token"] = intake.form_token()
    context = {
        "form": form,
        "limits": {"minutes": intake.RATE_WINDOW // 60, "per_hour": intake.RATE_LIMIT},
    }
    return _page(request, portal, "newsletter_signup.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """The link in the confirmation mail shows a button; pressing it confirms. (A mail
    scanner that opens links does not confirm anyone's subscription for them.)"""
    portal = _newsletter_on()
    if request.method == "POST":
        state = newsletter_confirm(token=token)
        confirmed = state is LinkState.DONE
    else:
        state, _subscriber = subscriber_for_confirmation(token)
        confirmed = False
    status = 400 if state in (LinkState.EXPIRED, LinkState.INVALID) else 200
    context = {"state": state.value, "confirmed": confirmed, "days": CONFIRM_DAYS}
    return _page(request, portal, "newsletter_confirm.html", context, status)


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a page with one button. POST (that button, or a mail provider's one-click
    request with `List-Unsubscribe=One-Click`): the address is deleted for good."""
    portal = PortalSettings.current()
    if request.method == "POST":
        state = newsletter_unsubscribe(token=token)
    else:
        state = LinkState.INVALID if unsubscribe_read(token) is None else LinkState.DONE
    status = 400 if state is LinkState.INVALID else 200
    context = {"state": state.value, "asking": request.method == "GET"}
    return _page(request, portal, "newsletter_unsubscribe.html", context, status)
