"""The statistics page in a real browser (Debian's Chromium through Playwright), under the
project's content security policy: the charts become interactive, nothing is refused."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

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
def test_analyst_sees_interactive_charts_and_follows_a_bar_to_the_list(
    live_server, make_user, browser_page
):
    from casebook.sample.generator import sample_generate

    sample_generate(size=250, seed=5)
    make_user("analyst", username="ana")
    page = browser_page
    page.set_default_timeout(60_000)  # the page loads an 0.9 MB script; CI machines are busy
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}/analysis/?by=act_type&unit=quarter")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/analysis/"))

    for name in ("series", "breakdown", "funnel", "survival"):
        figure = page.locator(f'figure[data-chart="chart-{name}"]')
        figure.and_(page.locator(".chart-live")).wait_for()
        assert figure.locator("svg .mark-rect, svg .mark-line, svg .mark-rule").count() > 0
    assert not problems, problems  # a CSP refusal or a script error shows up here
    shots = os.environ.get("CASEBOOK_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "statistics.png"), full_page=True)

    # A bar of the breakdown is a link to the incident list, as the table's number is.
    first = page.locator('table[data-table="breakdown"] tbody tr').first
    expected = first.locator("td").first.inner_text()
    page.locator('figure[data-chart="chart-breakdown"] svg .mark-rect path').first.click()
    page.wait_for_url(re.compile(r"/incidents/\?"))
    assert page.locator(".result-count").inner_text().startswith(f"{expected} incident")
