"""The newsletter's mails: a plain text part with an HTML alternative, links to our own
pages only (no tracking pixel, no rewritten link, no image at all), in the subscriber's
language. Each digest carries RFC 8058 one-click unsubscribe headers with its own link.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from casebook.publishing.models import PortalSettings, Subscriber
from casebook.publishing.newsletter.subscriptions import (
    CONFIRM_DAYS,
    confirm_token,
    unsubscribe_token,
)

logger = logging.getLogger(__name__)

SEND_ERRORS = (smtplib.SMTPException, OSError)


class NewsletterNotConfigured(RuntimeError):
    """No public address to make links from, or no mail server."""


def newsletter_configuration_problems() -> list[str]:
    """What stops the newsletter from sending (empty when nothing does)."""
    problems = []
    if not settings.PUBLIC_URL:
        problems.append("Set CASEBOOK_PUBLIC_URL (the portal's public address) for links.")
    if not settings.EMAIL_HOST and settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        problems.append("Set CASEBOOK_EMAIL_HOST (the mail server that sends the newsletter).")
    return problems


def public_url(name: str, *args) -> str:
    """An absolute address on the portal, from CASEBOOK_PUBLIC_URL (never a Host header)."""
    if not settings.PUBLIC_URL:
        raise NewsletterNotConfigured("Set CASEBOOK_PUBLIC_URL to send the newsletter.")
    return settings.PUBLIC_URL + reverse(name, args=args)


def _message(
    *, subject: str, template: str, context: dict, to: str, headers: dict | None = None
) -> EmailMultiAlternatives:
    text = render_to_string(f"publishing/mail/{template}.txt", context)
    html = render_to_string(f"publishing/mail/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def _language(subscriber: Subscriber) -> str:
    codes = dict(settings.LANGUAGES)
    return subscriber.language if subscriber.language in codes else settings.LANGUAGE_CODE


def confirmation_message(subscriber: Subscriber, portal: PortalSettings) -> EmailMultiAlternatives:
    with translation.override(_language(subscriber)):
        context = {
            "portal": portal,
            "confirm_url": public_url("publishing:newsletter-confirm", confirm_token(subscriber)),
            "days": CONFIRM_DAYS,
        }
        subject = _("Confirm your subscription to the newsletter of %(name)s") % {
            "name": portal.name
        }
        return _message(subject=subject, template="confirm", context=context, to=subscriber.address)


def digest_message(
    subscriber: Subscriber, portal: PortalSettings, contents
) -> EmailMultiAlternatives:
    unsubscribe = public_url("publishing:newsletter-unsubscribe", unsubscribe_token(subscriber))
    with translation.override(_language(subscriber)):
        context = {
            "portal": portal,
            "incidents": [
                (incident, public_url("publishing:incident", incident.reference))
                for incident in contents.incidents
            ],
            "posts": [(post, public_url("publishing:post", post.slug)) for post in contents.posts],
            "unsubscribe_url": unsubscribe,
            "portal_url": public_url("publishing:home"),
        }
        subject = _("%(name)s: newly published cases and statements") % {"name": portal.name}
        return _message(
            subject=subject,
            template="digest",
            context=context,
            to=subscriber.address,
            headers={
                # RFC 8058: a POST to this address unsubscribes, with no page in between.
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        )


def confirmation_send(*, subscriber_id: int) -> bool:
    """Send the confirmation mail of a sign-up; False when it could not be sent."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, confirmed_at__isnull=True).first()
    if subscriber is None:
        return True  # confirmed or gone meanwhile: nothing to send
    try:
        confirmation_message(subscriber, PortalSettings.current()).send()
    except SEND_ERRORS as error:
        # The row only, never the address.
        logger.warning("The confirmation mail to %s was not sent: %s", subscriber, type(error))
        return False
    return True
