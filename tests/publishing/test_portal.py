"""The public portal's pages, as an anonymous reader gets them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from casebook.publishing.models import PortalSettings, Post
from tests.factories import IncidentFactory
from tests.publishing.world import (
    APPROVED_SUMMARY,
    CANARIES,
    PublishedWorld,
    approve,
    portal_on,
    publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    portal_on()
    return PublishedWorld()


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_home_answers_anonymous_readers_with_the_latest_cases_and_figures(client, world):
    page = _page(client, "/")
    assert "Invented Watch" in page
    assert world.incident.reference not in page or "Arrest" in page
    assert reverse("publishing:incident", args=[world.incident.reference]) in page
    assert "Cases published" in page


def test_with_the_portal_off_the_home_leads_to_the_sign_in(client, world):
    PortalSettings.objects.filter(pk=1).update(enabled=False)
    response = client.get("/")
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith("/accounts/login/")
    assert client.get(reverse("publishing:incident-list")).status_code == 404


def test_staff_going_to_the_home_go_on_to_their_casework(client_for, world):
    response = client_for("caseworker").get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:incident-list")


def test_the_incident_page_shows_the_approved_summary_acts_outcomes_and_sources(client, world):
    page = _page(client, reverse("publishing:incident", args=[world.incident.reference]))
    assert "[PERSON-1] was held by the arm" in page
    assert "Charged" in page
    assert "The Example Gazette" in page
    assert "Testford" in page


def test_unpublished_incidents_have_no_public_page(client, world):
    for incident in (world.unpublished, world.unapproved, world.unverified):
        _page(client, reverse("publishing:incident", args=[incident.reference]), 404)


def test_previous_and_next_links_follow_date_order(client, world):
    later = IncidentFactory(status="verified", date=dt.date(2024, 8, 1), summary="Later.")
    approve(later, "summary", "Later, redacted.")
    publish(later)
    page = _page(client, reverse("publishing:incident", args=[world.incident.reference]))
    assert reverse("publishing:incident", args=[later.reference]) in page
    assert 'rel="next"' in page and 'rel="prev"' not in page


def test_the_list_searches_only_approved_text(client, world):
    url = reverse("publishing:incident-list")
    assert world.incident.reference in _page(client, url + "?q=held+by+the+arm") or (
        "1 case" in _page(client, url + "?q=held+by+the+arm")
    )
    assert "0 cases" in _page(client, url + "?q=Canaryrawsummary")
    assert "0 cases" in _page(client, url + "?q=Canarytestimony")
    assert "1 case" in _page(client, url + "?act_type=arrest&force=metropolitan-police-service")
    assert "0 cases" in _page(client, url + "?act_type=seizure")
    assert "1 case" in _page(client, url + "?place=Testford")


def test_statistics_suppress_small_counts(client, world):
    page = _page(client, reverse("publishing:statistics"))
    assert "&lt;5" in page
    svg = client.get(reverse("publishing:statistics-chart"))
    assert svg["Content-Type"] == "image/svg+xml"


def test_a_post_renders_markdown_safely_and_links_only_published_incidents(client, world):
    post = Post.objects.create(
        title="Our statement",
        slug="our-statement",
        body="**Bail** conditions <script>alert(1)</script>",
        published_on=dt.date(2024, 6, 1),
    )
    post.incidents.set([world.incident, world.unpublished])
    page = _page(client, reverse("publishing:post", args=["our-statement"]))
    assert "<strong>Bail</strong>" in page
    assert "<script>alert" not in page
    assert reverse("publishing:incident", args=[world.incident.reference]) in page
    assert world.unpublished.reference not in page
    assert "Our statement" in _page(client, reverse("publishing:post-list"))


def test_draft_and_future_posts_are_not_shown(client, world):
    Post.objects.create(title="Draft", slug="draft", body="x")
    Post.objects.create(title="Later", slug="later", body="x", published_on=dt.date(2999, 1, 1))
    _page(client, reverse("publishing:post", args=["draft"]), 404)
    _page(client, reverse("publishing:post", args=["later"]), 404)


def test_a_section_turned_off_is_not_found(client, world):
    PortalSettings.objects.filter(pk=1).update(show_statistics=False)
    _page(client, reverse("publishing:statistics"), 404)
    assert reverse("publishing:statistics") not in _page(client, "/")


def test_protest_pages_list_only_published_incidents(client, world):
    protest = world.incident.protest
    if protest is None:
        from tests.factories import ProtestFactory

        protest = ProtestFactory()
        world.incident.protest = protest
        world.incident.save()
        approve(world.incident, "summary", APPROVED_SUMMARY)
    page = _page(client, reverse("publishing:protest", args=[protest.pk]))
    assert protest.name in page


def test_a_cached_page_is_forgotten_when_an_incident_is_withdrawn(client, world, personas):
    from casebook.publishing.services import publication_withdraw

    url = reverse("publishing:incident-list")
    assert "1 case" in _page(client, url)
    publication_withdraw(incident=world.incident, actor=personas["coordinator"])
    assert "0 cases" in _page(client, url)


def test_no_public_page_feed_or_mail_shows_anything_kept_inside(
    client, reference_data, mailoutbox, settings, evidence_dir, personas
):
    """Every public URL of the permission matrix, searches for the canaries' words, and the
    newsletter's mails (its confirmation and its digest); a photo with canaries in its
    metadata and name sent through the public form, one waiting and one accepted as
    evidence of the published incident."""
    import io
    from types import SimpleNamespace

    from casebook.publishing import intake
    from tests.publishing.matrix import PUBLISHING_MATRIX, PUBLISHING_NOT_REDIRECTED
    from tests.sources.conftest import (
        CANARY_FILENAME,
        CANARY_MAKE,
        CANARY_MODEL,
        image_bytes,
        photo_with_exif,
    )

    world = SimpleNamespace()
    urls = [PUBLISHING_MATRIX[name][1](world) for name in sorted(PUBLISHING_NOT_REDIRECTED)]
    urls += [reverse("publishing:incident-list") + "?q=Qvxz", "/?q=Qvxz"]
    accepted, _waiting = (
        intake.submission_receive(
            account=" ".join(CANARIES),
            consent_use=True,
            files=intake.files_check([(CANARY_FILENAME, io.BytesIO(photo))]),
        )[0]
        for photo in (photo_with_exif(), image_bytes("PNG"))
    )
    incident = world.published.incident
    intake.submission_accept(submission=accepted, actor=personas["coordinator"], incident=incident)
    assert incident.evidence_files.get().device_make == CANARY_MAKE
    assert client.get(reverse("publishing:incident", args=[incident.reference])).status_code == 200
    canaries = [*CANARIES, CANARY_MAKE, CANARY_MODEL, CANARY_FILENAME, "51.507", "0.1275"]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        page = response.content.decode(errors="replace").lower()
        leaked = [c for c in canaries if c.lower() in page]
        assert not leaked, (url, leaked)
    assert len(urls) >= 14

    from django.utils import timezone

    from casebook.publishing.models import Subscriber
    from casebook.publishing.newsletter.digest import digest_send
    from casebook.publishing.newsletter.mail import confirmation_send

    settings.PUBLIC_URL = "https://portal.example.test"
    reader = Subscriber.objects.create(address="reader@example.test", token="c" * 43)
    confirmation_send(subscriber_id=reader.pk)
    Subscriber.objects.filter(pk=reader.pk).update(confirmed_at=timezone.now())
    assert digest_send().sent == 1
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        whole = " ".join([mail.subject, mail.body, *(part for part, _ in mail.alternatives)])
        leaked = [c for c in CANARIES if c.lower() in whole.lower()]
        assert not leaked, (mail.subject, leaked)
