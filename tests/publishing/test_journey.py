"""The public side end to end in a real browser (Debian's Chromium through Playwright): a
reader reads a case and follows next and previous, signs up for the newsletter (the
confirmation read from a real SMTP server on this machine, aiosmtpd, and followed), sends an
account in Arabic with a photo and gets a receipt; a caseworker signs in and turns the
account into a source, the photo into evidence."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from tests.conftest import CHROMIUM
from tests.publishing.smtp import LocalSMTP, text_of
from tests.sources.conftest import CANARY_MAKE, photo_with_exif

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]
ACCOUNT = "أوقفتني الشرطة عند البوابة وأخذت لافتتي. كنت مع أصدقائي في المسيرة."
READER = "journey.reader.qzx@example.test"


def _published(title: str, date: dt.date):
    from tests.factories import ActFactory, IncidentFactory
    from tests.publishing.world import approve, publish

    incident = IncidentFactory(status="verified", title=title, summary=f"{title}.", date=date)
    ActFactory(incident=incident)
    approve(incident, "summary", f"{title}, redacted.")
    approve(incident, "title", title)
    publish(incident)
    return incident


@pytest.fixture
def smtp(settings, live_server):
    with LocalSMTP() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.DEFAULT_FROM_EMAIL = "news@portal.example.test"
        settings.PUBLIC_URL = live_server.url  # the mail's links lead to this test's server
        yield server


@pytest.fixture
def record(transactional_db, reference_data, make_user, monkeypatch, smtp):
    from django.core.cache import cache

    from casebook.publishing import intake
    from tests.publishing.world import APPROVED_TITLE, PublishedWorld, approve, portal_on

    cache.clear()
    # The browser's proof of work runs for real (without it the form asks for 15 seconds);
    # the least time to fill the form after it is waived, so that the test need not sit
    # still for it (a quick proof of work had the form refused as too quick now and then).
    monkeypatch.setattr(intake, "MIN_SECONDS", 0)
    portal = portal_on()
    portal.show_newsletter = True
    portal.full_clean()
    portal.save()
    world = PublishedWorld()
    approve(world.incident, "title", APPROVED_TITLE)
    earlier = _published("Invented earlier vigil", dt.date(2024, 4, 1))
    later = _published("Invented later march", dt.date(2024, 6, 1))
    make_user("caseworker", username="casey")
    return world.incident, earlier, later


def test_a_reader_signs_up_sends_an_account_in_arabic_with_a_photo_a_caseworker_uses_it(
    live_server, record, smtp, browser_page
):
    from casebook.publishing.models import Submission, Subscriber
    from casebook.sources.models import EvidenceFile, Source
    from tests.publishing.world import APPROVED_TITLE

    incident, earlier, later = record
    page = browser_page
    site = live_server.url

    # A reader opens the portal, a case, and the cases before and after it.
    page.goto(site + "/")
    page.get_by_role("link", name=APPROVED_TITLE).click()
    page.wait_for_url(f"**/cases/{incident.reference}/")
    assert page.get_by_role("heading", level=1).inner_text() == APPROVED_TITLE
    page.get_by_role("link", name="Next case").click()
    page.wait_for_url(f"**/cases/{later.reference}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Invented later march"
    page.get_by_role("link", name="Previous case").click()
    page.get_by_role("link", name="Previous case").click()
    page.wait_for_url(f"**/cases/{earlier.reference}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Invented earlier vigil"

    # They sign up for the newsletter: nothing is sent but the mail to confirm; its link,
    # followed, shows a button; pressed, it confirms.
    page.get_by_role("link", name="Newsletter").click()
    page.wait_for_url("**/newsletter/")
    page.get_by_label("E-mail address").fill(READER)
    page.wait_for_function("document.querySelector('input[name=nonce]').value !== ''")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_selector("h1:has-text('Check your mail'), .errors")
    assert not page.locator(".errors").count(), page.locator(".errors").inner_text()
    (confirmation,) = smtp.to(READER)
    link = re.search(re.escape(live_server.url) + r"/newsletter/confirm/\S+", text_of(confirmation))
    assert link and READER not in link.group(0)
    assert Subscriber.objects.get().confirmed_at is None
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="You are signed up").wait_for()
    assert Subscriber.objects.get().confirmed_at is not None
    assert len(smtp.messages) == 1
    page.goto(f"{site}/cases/{earlier.reference}/")

    # They read on in Arabic: right to left, dates and words in Arabic.
    page.get_by_role("link", name="العربية").click()
    page.wait_for_url(f"**/cases/{earlier.reference}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "1 إبريل، 2024" in page.locator("main").inner_text()
    width = page.viewport_size["width"]
    name_box = page.locator(".portal-name").bounding_box()
    assert name_box["x"] > width / 2  # the portal's name starts the line on the right

    # They tell what happened to them, with a photo from their phone.
    page.get_by_role("link", name="أخبرنا", exact=True).click()
    page.wait_for_url("**/tell-us/")
    page.get_by_label("ما الذي حدث لك، أو ما الذي رأيته").fill(ACCOUNT)
    page.locator("#id_files").set_input_files(
        files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo_with_exif()}]
    )
    page.locator("[name=consent_use]").check()
    page.wait_for_function("document.querySelector('input[name=nonce]').value !== ''")
    page.locator("form[data-work] button[type=submit]").click()
    # The vault's checks of the photo, the sealing of the account: slow on a loaded machine.
    page.wait_for_selector("p.receipt, .errors", timeout=60_000)
    assert not page.locator(".errors").count(), page.locator(".errors").inner_text()
    code = page.locator("p.receipt strong").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    assert page.locator("html").get_attribute("dir") == "rtl"

    # The receipt leads to their private page, which knows the photo.
    page.locator(f"a[href='/tell-us/{code}/']").click()
    page.wait_for_url(f"**/tell-us/{code}/")
    assert "أرسلت معها ملفًا واحدًا." in page.locator("main").inner_text()
    assert "بانتظار أحد العاملين على الحالات" in page.locator("main").inner_text()

    # A caseworker signs in, reads the account, sees the photo without its metadata, and
    # turns the account into a source of the case it is about.
    staff = page.context.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    staff.goto(site + "/publishing/intake/")
    staff.get_by_label("Username").fill("casey")
    staff.get_by_label("Password").fill("correct-horse-battery")
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url("**/publishing/intake/")
    staff.locator("table a").first.click()
    assert ACCOUNT in staff.locator(".account-text").inner_text()
    preview = staff.locator(".submission-files img")
    preview.wait_for()
    staff.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
    )
    staff.locator("[name=decision]").select_option("accept")
    staff.get_by_role("button", name="Decide").click()
    staff.wait_for_url("**/publishing/intake/")
    assert "now a source" in staff.locator("body").inner_text()

    submission = Submission.objects.get()
    assert submission.status == "accepted" and submission.language == "ar"
    source = Source.objects.get(pk=submission.source_id)
    assert source.channel.slug == "public-form" and ACCOUNT in source.text
    evidence = EvidenceFile.objects.get()
    assert evidence.source == source and evidence.device_make == CANARY_MAKE
    assert evidence.incident == source.incident_links.get().incident
    assert evidence.incident.status == "draft"  # a new draft incident, for casework

    # Nothing of it reaches a public page.
    for url in ("/", f"/cases/{incident.reference}/", "/cases/", "/feeds/cases.atom"):
        page.goto(site + url)
        assert "أوقفتني الشرطة" not in page.content()
