"""Rows of the project's permission matrix (tests/web/test_permissions.py) for the portal.

Public pages answer everyone, signed in or not (the portal is turned on and one incident
published for them); the staff's publishing pages follow the usual gates.
"""

from __future__ import annotations

from django.urls import reverse

#        administrator, coordinator, caseworker, analyst, outsider, anonymous
EVERYONE = (200,) * 6
COORDINATORS = (200, 200, 403, 403, 403, 302)
ADMINISTRATORS = (200, 403, 403, 403, 403, 302)
CASE_EDITORS = (200, 200, 200, 403, 403, 302)


def _published(w):
    """The world's published incident (made once), with the portal on."""
    if not hasattr(w, "published"):
        from tests.publishing.world import PublishedWorld, portal_on

        portal_on()
        w.published = PublishedWorld()
    return w.published


def _reference(w) -> str:
    return _published(w).incident.reference


def _protest(w) -> int:
    from tests.factories import ProtestFactory
    from tests.publishing.world import approve

    incident = _published(w).incident
    if incident.protest_id is None:
        incident.protest = ProtestFactory()
        incident.save()
        approve(incident, "summary", "Redacted again after the change.")
    return incident.protest_id


def _fresh_publishable(w) -> str:
    from tests.factories import IncidentFactory
    from tests.publishing.world import approve

    _published(w)
    incident = IncidentFactory(status="verified", summary="Ready to publish.")
    approve(incident, "summary", "Ready to publish, redacted.")
    return incident.reference


def _public(name: str, *args):
    return lambda w: (
        _published(w),
        reverse(name, args=[a(w) if callable(a) else a for a in args]),
    )[1]


PUBLISHING_MATRIX = {
    # Staff go on to their casework; readers without a role get the portal.
    "publishing:home": ("GET", _public("publishing:home"), (302, 302, 302, 302, 200, 200)),
    "publishing:incident-list": ("GET", _public("publishing:incident-list"), EVERYONE),
    "publishing:incident": ("GET", _public("publishing:incident", _reference), EVERYONE),
    # No approved image: not found, for everyone alike.
    "publishing:incident-image": (
        "GET",
        _public("publishing:incident-image", _reference, 999999),
        (404,) * 6,
    ),
    "publishing:protest": ("GET", _public("publishing:protest", _protest), EVERYONE),
    "publishing:statistics": ("GET", _public("publishing:statistics"), EVERYONE),
    "publishing:statistics-chart": ("GET", _public("publishing:statistics-chart"), EVERYONE),
    "publishing:post-list": ("GET", _public("publishing:post-list"), EVERYONE),
    "publishing:post": ("GET", lambda w: _post(w), EVERYONE),
    "publishing:map": ("GET", _public("publishing:map"), EVERYONE),
    "publishing:feed": ("GET", _public("publishing:feed"), EVERYONE),
    "publishing:feed-force": (
        "GET",
        _public("publishing:feed-force", "metropolitan-police-service"),
        EVERYONE,
    ),
    "publishing:feed-act-type": ("GET", _public("publishing:feed-act-type", "arrest"), EVERYONE),
    "publishing:feed-news": ("GET", _public("publishing:feed-news"), EVERYONE),
    # Sets the language cookie and goes back: a redirect for everyone.
    "publishing:language": ("GET", _public("publishing:language", "ar"), (302,) * 6),
    "publishing:submit": ("GET", _public("publishing:submit"), EVERYONE),
    "publishing:correct": ("GET", _public("publishing:correct", _reference), EVERYONE),
    "publishing:receipt": ("GET", lambda w: _receipt(w), EVERYONE),
    "publishing:intake": ("GET", _public("publishing:intake"), CASE_EDITORS),
    "publishing:intake-detail": (
        "GET",
        lambda w: reverse("publishing:intake-detail", args=[_submission(w)[0].pk]),
        CASE_EDITORS,
    ),
    # A photo sent with an account, without its metadata, for those deciding.
    "publishing:intake-file": ("GET", lambda w: _submission_file(w), CASE_EDITORS),
    "publishing:queue": ("GET", _public("publishing:queue"), COORDINATORS),
    "publishing:decide": (
        "POST",
        lambda w: reverse("publishing:decide", args=[_fresh_publishable(w), "publish"]),
        (302, 302, 403, 403, 403, 302),
    ),
    "publishing:settings": ("GET", _public("publishing:settings"), ADMINISTRATORS),
    # The newsletter: signing up, and the links of its mails (valid tokens here).
    "publishing:newsletter": ("GET", lambda w: _newsletter(w, "publishing:newsletter"), EVERYONE),
    "publishing:newsletter-confirm": (
        "GET",
        lambda w: _newsletter(w, "publishing:newsletter-confirm"),
        EVERYONE,
    ),
    "publishing:newsletter-unsubscribe": (
        "GET",
        lambda w: _newsletter(w, "publishing:newsletter-unsubscribe"),
        EVERYONE,
    ),
}

# Names whose anonymous answer is the page itself, not a redirect to sign in.
PUBLISHING_NOT_REDIRECTED = {
    "publishing:home",
    "publishing:incident-list",
    "publishing:incident",
    "publishing:incident-image",
    "publishing:protest",
    "publishing:statistics",
    "publishing:statistics-chart",
    "publishing:post-list",
    "publishing:post",
    "publishing:feed",
    "publishing:map",
    "publishing:submit",
    "publishing:language",
    "publishing:correct",
    "publishing:receipt",
    "publishing:feed-force",
    "publishing:feed-act-type",
    "publishing:feed-news",
    "publishing:newsletter",
    "publishing:newsletter-confirm",
    "publishing:newsletter-unsubscribe",
}


def _post(w) -> str:
    import datetime as dt

    from casebook.publishing.models import Post

    _published(w)
    post, _ = Post.objects.get_or_create(
        slug="invented-statement",
        defaults={
            "title": "Invented statement",
            "body": "Text.",
            "published_on": dt.date(2024, 1, 1),
        },
    )
    return reverse("publishing:post", args=[post.slug])


def _submission(w):
    """An account from the public (made once), and its receipt code."""
    if not hasattr(w, "submission"):
        from casebook.publishing.intake import submission_receive

        _published(w)
        w.submission = submission_receive(account="An invented account.", consent_use=True)
    return w.submission


def _receipt(w) -> str:
    return reverse("publishing:receipt", args=[_submission(w)[1]])


def _submission_file(w) -> str:
    """A photo sent with an account from the public (made once)."""
    if not hasattr(w, "submission_file"):
        import io

        from casebook.publishing.intake import files_check, submission_receive
        from tests.sources.conftest import photo_with_exif

        _published(w)
        files = files_check([("invented.jpg", io.BytesIO(photo_with_exif()))])
        submission, _ = submission_receive(account="With a photo.", consent_use=True, files=files)
        w.submission_file = submission.files.get()
    return reverse(
        "publishing:intake-file", args=[w.submission_file.submission_id, w.submission_file.pk]
    )


def _newsletter(w, name: str) -> str:
    """The newsletter offered, one sign-up waiting (made once), and the page `name` of it."""
    from casebook.publishing.models import PortalSettings, Subscriber
    from casebook.publishing.newsletter import subscriptions

    _published(w)
    portal = PortalSettings.current()
    if not portal.show_newsletter:
        portal.show_newsletter = True
        portal.save()
    if not hasattr(w, "subscriber"):
        w.subscriber = Subscriber.objects.create(address="matrix@example.test", token="m" * 43)
    token = {
        "publishing:newsletter-confirm": subscriptions.confirm_token,
        "publishing:newsletter-unsubscribe": subscriptions.unsubscribe_token,
    }.get(name)
    return reverse(name, args=[token(w.subscriber)] if token else [])
