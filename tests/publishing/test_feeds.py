"""Atom feeds: valid Atom (checked by a parser and against the format's rules), public only."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse

from casebook.publishing.models import Post
from tests.publishing.world import CANARIES, PublishedWorld, portal_on

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world(reference_data):
    portal_on()
    world = PublishedWorld()
    post = Post.objects.create(
        title="Invented statement",
        slug="invented-statement",
        body="We **condemn** it. <script>x</script>",
        published_on=dt.date(2024, 6, 1),
    )
    post.incidents.set([world.incident])
    return world


FEEDS = [
    ("publishing:feed", ()),
    ("publishing:feed-force", ("metropolitan-police-service",)),
    ("publishing:feed-act-type", ("arrest",)),
    ("publishing:feed-news", ()),
]


def _check_atom_rules(body: bytes) -> ET.Element:
    """RFC 4287's required elements: feed id, title, updated, author or per-entry author,
    a self link; each entry an id, a title, an updated date and a link."""
    root = ET.fromstring(body)  # noqa: S314 (the feed the test itself just made)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert any(link.get("rel") == "self" for link in root.findall(f"{ATOM}link"))
    entries = root.findall(f"{ATOM}entry")
    assert root.find(f"{ATOM}author/{ATOM}name") is not None or all(
        e.find(f"{ATOM}author/{ATOM}name") is not None for e in entries
    )
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert entry.find(f"{ATOM}link") is not None
        dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    return root


@pytest.mark.parametrize(("name", "args"), FEEDS)
def test_every_feed_is_valid_atom(client, world, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == 1
    _check_atom_rules(response.content)
    text = response.content.decode().lower()
    assert not [c for c in CANARIES if c.lower() in text]


def test_the_cases_feed_carries_the_approved_summary_and_act_types(client, world):
    parsed = feedparser.parse(client.get(reverse("publishing:feed")).content)
    (entry,) = parsed.entries
    assert entry.link.endswith(f"/cases/{world.incident.reference}/")
    assert "[PERSON-1] was held by the arm" in entry.summary
    assert [t.term for t in entry.tags] == ["Arrest"]


def test_a_reader_in_arabic_gets_the_feeds_in_arabic(client, world):
    parsed = feedparser.parse(
        client.get(
            reverse("publishing:feed-act-type", args=["arrest"]), HTTP_ACCEPT_LANGUAGE="ar"
        ).content
    )
    assert not parsed.bozo and parsed.feed.language == "ar"
    assert "الحالات المنشورة حديثًا" in parsed.feed.title and "(اعتقال)" in parsed.feed.title
    assert [t.term for t in parsed.entries[0].tags] == ["اعتقال"]
    news = feedparser.parse(
        client.get(reverse("publishing:feed-news"), HTTP_ACCEPT_LANGUAGE="ar").content
    )
    assert "البيانات والأخبار" in news.feed.title
    # The English reader's feeds stay English: the page cache keeps languages apart.
    english = feedparser.parse(
        client.get(reverse("publishing:feed"), HTTP_ACCEPT_LANGUAGE="en").content
    )
    assert english.feed.title.endswith(": newly published cases")


def test_a_feed_of_another_force_or_act_is_empty_and_still_valid(client, world):
    for name, args in (
        ("publishing:feed-force", ("police-scotland",)),
        ("publishing:feed-act-type", ("seizure",)),
    ):
        response = client.get(reverse(name, args=args))
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo and parsed.entries == []
        _check_atom_rules(response.content)


def test_an_unknown_force_has_no_feed(client, world):
    assert client.get(reverse("publishing:feed-force", args=["no-such-force"])).status_code == 404


def test_the_news_feed_escapes_raw_html(client, world):
    body = client.get(reverse("publishing:feed-news")).content.decode()
    assert "<script>" not in body
