"""One journey in a real browser (Debian's Chromium driven by Playwright): sign in, record
an incident with two acts, find it by full-text search, open it."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from tests.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM),
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_caseworker_records_an_incident_with_two_acts_and_finds_it(
    live_server, make_user, browser_page
):
    make_user("caseworker", username="casey")
    page = browser_page
    page.goto(f"{live_server.url}/incidents/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/incidents/"))

    page.goto(f"{live_server.url}/incidents/new/")
    page.locator("[name=title]").fill("Arrests at the zanzibarine vigil")
    page.locator("[name=summary]").fill("Two kinds of act at an invented vigil.")
    page.locator("[name=date]").fill("2024-05-04")
    page.locator("[name=place]").fill("Testford")
    page.locator("[name=force]").select_option(label="Metropolitan Police Service")
    page.locator("[name=acts-0-act_type]").select_option(value="arrest")
    page.locator("[name=acts-0-number_affected]").fill("3")
    page.locator("[name=acts-0-trigger_type]").select_option(value="placard")
    page.locator("[name=acts-0-trigger_wording]").fill("PAPERCLIPS FOR PEACE")
    page.get_by_role("button", name="Add another act").click()
    page.locator("[name=acts-1-act_type]").select_option(value="seizure")
    page.locator("[name=acts-1-number_affected]").fill("1")
    page.get_by_role("button", name="Record incident").click()
    page.wait_for_url(re.compile(r"/incidents/CB-2024-\d{6}/$"))
    reference = page.url.rstrip("/").rsplit("/", 1)[1]
    assert page.get_by_role("heading", name=re.compile("zanzibarine")).is_visible()

    page.goto(f"{live_server.url}/incidents/")
    page.locator("[name=q]").fill("zanzibarine")
    page.locator("[name=q]").press("Enter")
    row = page.locator("table.incidents tbody tr", has_text="zanzibarine")
    row.wait_for()
    assert page.locator("table.incidents tbody tr").count() == 1
    row.get_by_role("link", name=reference).click()
    page.wait_for_url(re.compile(reference))
    body = page.content()
    assert "PAPERCLIPS FOR PEACE" in body
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true"
