"""Atom feeds of newly published cases (whole site, per force, per act type) and of posts.

Built with Django's own Atom 1.0 writer from public values only (`publishable.py`): an
entry's text is the approved redacted summary, its categories the codebook's act types.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import feedgenerator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casebook.cases.models import Act
from casebook.publishing.listing import listed_publications
from casebook.publishing.models import PortalSettings, Post
from casebook.publishing.publishable import PublicIncident, public_incidents

ENTRIES = 50


def _incident_entries(feed, incidents: list[PublicIncident], absolute) -> None:
    for incident in incidents:
        url = absolute(f"/cases/{incident.reference}/")
        feed.add_item(
            title=incident.title,
            link=url,
            unique_id=url,
            description=incident.summary,
            pubdate=incident.published_at,
            updateddate=incident.changed_at,
            categories=[_(t.label) for t in incident.act_types],  # listed in terms.py
        )


def cases_feed(*, portal: PortalSettings, absolute, force=None, act_type=None) -> bytes:
    """The newest published cases (by publication), optionally of one force or act type."""
    listed = listed_publications()
    # In the reader's language, as the pages' own links to the feeds name them.
    title = _("%(name)s: newly published cases") % {"name": portal.name}
    path = "/feeds/cases.atom"
    if force is not None:
        listed = listed.filter(force_id=force.pk)
        title += f" ({force.name})"
        path = f"/feeds/forces/{force.slug}.atom"
    if act_type is not None:
        listed = listed.filter(
            Exists(Act.objects.filter(incident_id=OuterRef("incident_id"), act_type_id=act_type.pk))
        )
        title += f" ({_(act_type.label)})"
        path = f"/feeds/acts/{act_type.slug}.atom"
    ids = list(
        listed.order_by("-published_at", "-incident_id").values_list("incident_id", flat=True)[
            :ENTRIES
        ]
    )
    public = public_incidents(ids, portal=portal)
    feed = feedgenerator.Atom1Feed(
        title=title,
        link=absolute("/cases/"),
        description=portal.description,
        feed_url=absolute(path),
        feed_guid=absolute(path),
        author_name=portal.name,
        language=get_language(),
    )
    _incident_entries(feed, public, absolute)
    return feed.writeString("utf-8").encode()


def posts_feed(*, portal: PortalSettings, absolute, posts) -> bytes:
    from casebook.publishing.markdown import markdown_html

    path = "/feeds/news.atom"
    feed = feedgenerator.Atom1Feed(
        title=_("%(name)s: statements and news") % {"name": portal.name},
        link=absolute("/news/"),
        description=portal.description,
        feed_url=absolute(path),
        feed_guid=absolute(path),
        author_name=portal.name,
        language=get_language(),
    )
    for post in posts:
        url = absolute(post.get_absolute_url())
        feed.add_item(
            title=post.title,
            link=url,
            unique_id=url,
            description=markdown_html(post.body),
            pubdate=_midday(post),
            updateddate=post.updated_at,
            categories=[post.get_kind_display()],
        )
    return feed.writeString("utf-8").encode()


def _midday(post: Post):
    import datetime as dt

    return dt.datetime.combine(post.published_on, dt.time(12), tzinfo=dt.UTC)
