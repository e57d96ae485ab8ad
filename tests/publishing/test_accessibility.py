"""Every public page in a real browser at a phone's width (390 px): axe-core finds no serious
or critical WCAG 2.2 A/AA violation, nothing is wider than the screen, and the pages read
the same without JavaScript."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

# `make axe` (part of `make install-test`) fetches it from npm.
AXE = Path(sys.prefix) / "share" / "axe-core" / "axe.min.js"
NOT_PAGES = {
    "publishing:feed",
    "publishing:feed-force",
    "publishing:feed-act-type",
    "publishing:feed-news",
    "publishing:statistics-chart",
    "publishing:incident-image",
    "publishing:language",
}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make axe)"),
]


@pytest.fixture
def public_urls(transactional_db, reference_data):
    from tests.publishing.matrix import PUBLISHING_MATRIX, PUBLISHING_NOT_REDIRECTED

    world = SimpleNamespace()
    names = sorted(PUBLISHING_NOT_REDIRECTED - NOT_PAGES)
    return {name: PUBLISHING_MATRIX[name][1](world) for name in names}


@pytest.fixture
def phone(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # The page's own policy allows no inline script; axe is put in by the test itself.
        context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
        quiet = browser.new_context(
            viewport={"width": 390, "height": 844}, java_script_enabled=False
        )
        yield context.new_page(), quiet.new_page()
        browser.close()


@pytest.mark.parametrize("language", ["en-gb", "ar"])
def test_every_public_page_passes_axe_at_390_px_and_reads_without_javascript(
    live_server, public_urls, phone, language
):
    """In English, and in Arabic: right to left, nothing may spill off the screen either."""
    from django.conf import settings

    page, without_js = phone
    for context in (page.context, without_js.context):
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
    axe = AXE.read_text()
    problems = []
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for name, url in public_urls.items():
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        page.evaluate(axe)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
        )
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"]][:3]
                problems.append(f"{name}: {violation['id']} {targets}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            problems.append(f"{name}: {width} px wide at 390 px")
        if page.locator("html").get_attribute("lang") != language:
            problems.append(f"{name}: not in {language}")
        without_js.goto(live_server.url + url)
        if without_js.locator("h1").count() != 1:
            problems.append(f"{name}: no heading without JavaScript")
    foreign = [u for u in requests if not u.startswith(live_server.url) and ":" in u[:6]]
    foreign = [u for u in foreign if not u.startswith(("data:", "blob:"))]
    assert not foreign, foreign
    assert not problems, "\n".join(problems)
    assert len(public_urls) >= 8
