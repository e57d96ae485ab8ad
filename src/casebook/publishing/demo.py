"""The demo's public side: the portal on, part of the sample redacted, approved and published.

What a coordinator does by hand, done for the invented sample so a newcomer sees both sides
at once: for some verified incidents, propose redactions of the summary and title (the
machine's), approve them as the demo's coordinator, and publish; then a statement about a
few of them. Everything goes through the same audited services as the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from casebook.cases.models import Incident, IncidentStatus
from casebook.publishing.models import PortalSettings, Post, PostKind
from casebook.publishing.services import portal_settings_update, post_write, publication_publish
from casebook.redaction.services import derivative_approve, derivative_propose

DEMO_DESCRIPTION = (
    "An invented watch group documenting how protest is policed. Every case, name and place "
    "here is synthetic: this is Casebook's demo."
)
STATEMENT = """We have published the first cases from our casebook.

Each case was **verified** by a coordinator from at least one source, and every name,
address and face was removed before publication. People appear only in numbers.

If you were there, or something here is wrong, tell us: we check every account.
"""


def portal_demo(
    *, coordinator, count: int = 40, progress: Callable[[int, int], None] | None = None
) -> int:
    """Turn the portal on and publish up to `count` verified sample incidents (every other
    one, newest first, so part of the verified record stays unpublished). Returns how many
    are published; running it again adds none twice."""
    portal = PortalSettings.current()
    if not portal.enabled:
        portal_settings_update(
            actor=coordinator if _is_admin(coordinator) else _admin(),
            enabled=True,
            name="Casebook demo watch",
            description=DEMO_DESCRIPTION,
        )
    verified = list(
        Incident.objects.filter(status=IncidentStatus.VERIFIED)
        .exclude(summary="")
        .order_by("-date", "-id")
        .values_list("pk", flat=True)[: count * 2 : 2]
    )
    published = []
    for done, pk in enumerate(verified, start=1):
        incident = Incident.objects.get(pk=pk)
        if not hasattr(incident, "publication"):
            for field in ("summary", "title"):
                proposal = derivative_propose(original=incident, actor=coordinator, field=field)
                derivative_approve(derivative=proposal, actor=coordinator)
            publication_publish(incident=incident, actor=coordinator)
        published.append(incident)
        if progress:
            progress(done, len(verified))
    if published and not Post.objects.filter(slug="first-cases-published").exists():
        with transaction.atomic():
            post = Post(
                kind=PostKind.STATEMENT,
                title="Our first published cases",
                slug="first-cases-published",
                body=STATEMENT,
                published_on=timezone.localdate() - dt.timedelta(days=1),
            )
            post_write(post=post, actor=coordinator, incidents=published[:3])
    return len(published)


def _is_admin(user) -> bool:
    from casebook.accounts.roles import is_administrator

    return is_administrator(user)


def _admin():
    from casebook.accounts.models import User

    return next(u for u in User.objects.filter(is_active=True).order_by("pk") if _is_admin(u))
